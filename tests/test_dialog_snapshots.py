"""Snapshots of the shared dialogs over a bare app with the real styles, from fixed data."""

from __future__ import annotations

from typing import Any

from test_dialogs import Host
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input

from salestui.domain import STAGE_BY_KEY, GateTask
from salestui.screens.confirm import ConfirmDialog
from salestui.screens.deal_form import DealForm
from salestui.screens.gate import GateDialog
from salestui.screens.lost import LostDialog
from salestui.store.views import DealDetail

WIDE, NARROW = (160, 48), (80, 24)
TITLE = "Acme Robotics: fleet tracking [pilot] 🚀"


def gate() -> GateDialog:
    """Prospect to Discovery with every required task of both stages still open."""
    tasks = [
        GateTask(stage_no * 10 + n, key, title, False, True)
        for stage_no, key in enumerate(("prospect", "qualified"), start=1)
        for n, title in enumerate(STAGE_BY_KEY[key].tasks)
    ]
    return GateDialog(TITLE, "prospect", "discovery", tasks)


def refuse_save(raw: dict[str, str]) -> DealDetail:
    raise AssertionError("an invalid form must not be saved")


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()


class TestGateDialog:
    def test_gate_80x24(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        async def tick_two(pilot: Pilot[Any]) -> None:
            await pilot.press("space", "down", "space")
            await settle(pilot)

        assert snap_compare(Host(gate()), terminal_size=NARROW, run_before=tick_two)

    def test_gate_160x48(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(Host(gate()), terminal_size=WIDE, run_before=settle)

    def test_gate_override_without_reason_80x24(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        async def override(pilot: Pilot[Any]) -> None:
            await pilot.press("ctrl+o", "enter")
            await settle(pilot)

        assert snap_compare(Host(gate()), terminal_size=NARROW, run_before=override)

    def test_gate_all_ticked_160x48(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        async def tick_all(pilot: Pilot[Any]) -> None:
            for box in pilot.app.screen.query(Checkbox):
                box.value = True
            await settle(pilot)

        assert snap_compare(Host(gate()), terminal_size=WIDE, run_before=tick_all)


async def bad_new_deal(pilot: Pilot[Any]) -> None:
    """No title, a bad email and a bad date, then Save."""
    screen = pilot.app.screen
    screen.query_one("#field-company", Input).value = "Acme Robotics"
    screen.query_one("#field-email", Input).value = "alice(at)example.com"
    screen.query_one("#field-value", Input).value = "48,000"
    screen.query_one("#field-close_date", Input).value = "30/04/2026"
    await pilot.press("ctrl+s")
    await settle(pilot)


class TestDealForm:
    def test_new_deal_errors_160x48(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        app = Host(DealForm(refuse_save))
        assert snap_compare(app, terminal_size=WIDE, run_before=bad_new_deal)

    def test_new_deal_errors_80x24(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        app = Host(DealForm(refuse_save))
        assert snap_compare(app, terminal_size=NARROW, run_before=bad_new_deal)


class TestLostDialog:
    def test_other_without_details_80x24(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        async def other(pilot: Pilot[Any]) -> None:
            await pilot.press("6", "ctrl+s")
            await settle(pilot)

        assert snap_compare(Host(LostDialog(TITLE)), terminal_size=NARROW, run_before=other)


class TestConfirmDialog:
    def test_discard_80x24(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        dialog = ConfirmDialog("Discard your changes?", yes="Discard", no="Keep editing")
        assert snap_compare(Host(dialog), terminal_size=NARROW, run_before=settle)
