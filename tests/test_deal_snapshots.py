"""Snapshots of the deal screen with frozen time and hand-made deals."""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from itertools import pairwise

import pytest
from conftest import FROZEN_NOW, Clock
from textual.pilot import Pilot

from salestui.app import SalesApp
from salestui.domain import CLOSED, STAGE_KEYS
from salestui.screens.deal import DealScreen
from salestui.store import Pipeline

WIDE, NARROW = (160, 48), (80, 24)

FIELDS = {
    "title": "Acme Robotics: fleet tracking [pilot]",
    "company": "Acme Robotics",
    "contact": "Alice Martin",
    "email": "alice.martin@example.com",
    "phone": "+33 1 42 68 53 00",
    "value": "48000",
    "currency": "EUR",
    "owner": "sam",
    "close_date": "2026-04-30",
    "source": "Referral",
    "notes": "Met Alice at the trade show.\nBudget owner: CFO.",
}


@pytest.fixture(autouse=True)
def utc_local_time() -> Iterator[None]:
    """Absolute times are shown in local time: pin it so snapshots match everywhere."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


def tick(pipeline: Pipeline, deal_id: int, stage: str, count: int, clock: Clock) -> None:
    """Tick the first `count` tasks of `stage`, six hours apart."""
    for task in pipeline.get(deal_id).tasks_of(stage)[:count]:
        clock.now += timedelta(hours=6)
        pipeline.set_task_done(deal_id, task.id, True)


def prospect(pipeline: Pipeline, clock: Clock) -> int:
    """A prospect with two of three tasks done and an optional task with markup-like text."""
    clock.now = FROZEN_NOW - timedelta(days=6, hours=3)
    deal = pipeline.create(FIELDS)
    tick(pipeline, deal.id, "prospect", 2, clock)
    clock.now += timedelta(days=1)
    pipeline.add_task(deal.id, "Send the [b]brochure[/b]", required=False)
    clock.now = FROZEN_NOW
    return deal.id


def walk_to_closed(pipeline: Pipeline, clock: Clock) -> int:
    """A deal taken through every stage over weeks, with one gate override."""
    clock.now = FROZEN_NOW - timedelta(days=60)
    deal = pipeline.create(FIELDS)
    for stage, following in pairwise(STAGE_KEYS):
        tasks = len(pipeline.get(deal.id).tasks_of(stage))
        tick(pipeline, deal.id, stage, tasks if stage != "development" else tasks - 1, clock)
        clock.now += timedelta(days=9, hours=5)
        override = "CFO signed off by phone" if stage == "development" else None
        pipeline.move(deal.id, following, override=override)
    return deal.id


def won(pipeline: Pipeline, clock: Clock) -> int:
    deal_id = walk_to_closed(pipeline, clock)
    tick(pipeline, deal_id, CLOSED, 5, clock)
    clock.now += timedelta(days=1)
    pipeline.record_satisfaction(
        deal_id, 4, "success", "Live two weeks early; asks about phase two."
    )
    clock.now = FROZEN_NOW
    return deal_id


def lost(pipeline: Pipeline, clock: Clock) -> int:
    clock.now = FROZEN_NOW - timedelta(days=20)
    deal = pipeline.create(FIELDS, stage="discovery")
    tick(pipeline, deal.id, "discovery", 2, clock)
    clock.now += timedelta(days=4)
    pipeline.lose(deal.id, "Competitor: chose a cheaper [local] supplier")
    clock.now = FROZEN_NOW
    return deal.id


def deal_app(
    pipeline: Pipeline, deal_id: int
) -> tuple[SalesApp, Callable[[Pilot[None]], Awaitable[None]]]:
    app = SalesApp(pipeline, database="snapshot.db")

    async def open_deal(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await app.push_screen(DealScreen(pipeline, deal_id))
        await pilot.pause()

    return app, open_deal


class TestDealScreen:
    def test_prospect_partly_done(self, snap_compare, pipeline: Pipeline, clock: Clock) -> None:  # type: ignore[no-untyped-def]
        app, run_before = deal_app(pipeline, prospect(pipeline, clock))
        assert snap_compare(app, terminal_size=WIDE, run_before=run_before)

    def test_prospect_at_80x24(self, snap_compare, pipeline: Pipeline, clock: Clock) -> None:  # type: ignore[no-untyped-def]
        app, run_before = deal_app(pipeline, prospect(pipeline, clock))
        assert snap_compare(app, terminal_size=NARROW, run_before=run_before)

    def test_closed_won_with_satisfaction(
        self, snap_compare, pipeline: Pipeline, clock: Clock
    ) -> None:  # type: ignore[no-untyped-def]
        app, run_before = deal_app(pipeline, won(pipeline, clock))
        assert snap_compare(app, terminal_size=WIDE, run_before=run_before)

    def test_closed_lost(self, snap_compare, pipeline: Pipeline, clock: Clock) -> None:  # type: ignore[no-untyped-def]
        app, run_before = deal_app(pipeline, lost(pipeline, clock))
        assert snap_compare(app, terminal_size=WIDE, run_before=run_before)

    def test_edit_form_with_errors(self, snap_compare, pipeline: Pipeline, clock: Clock) -> None:  # type: ignore[no-untyped-def]
        app, open_deal = deal_app(pipeline, prospect(pipeline, clock))

        async def run_before(pilot: Pilot[None]) -> None:
            await open_deal(pilot)
            await pilot.press("e")
            await pilot.pause()
            await pilot.click("#field-value")
            await pilot.press("ctrl+a", "ctrl+k", *"forty")
            await pilot.click("#field-email")
            await pilot.press("ctrl+a", "ctrl+k", *"alice at acme")
            await pilot.press("ctrl+s")
            await pilot.pause()

        assert snap_compare(app, terminal_size=WIDE, run_before=run_before)
