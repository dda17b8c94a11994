"""Snapshots of the board on the demo data (frozen time) at the smallest and a roomy size."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from salestui.app import SalesApp
from salestui.store import Pipeline
from salestui.widgets.board import Board

TRICKY = "[red]x[/red] 🚀 <script>"


@pytest.fixture
def board_app(demo_pipeline: Pipeline) -> SalesApp:
    """The demo pipeline plus a deal whose title looks like markup, first in Prospect."""
    demo_pipeline.create(
        {"title": TRICKY, "company": "[bold]Acme[/bold]", "value": "1200", "currency": "EUR"}
    )
    return SalesApp(demo_pipeline)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_board(board_app: SalesApp, snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(board_app, terminal_size=size)


def test_board_selection_in_another_column(board_app: SalesApp, snap_compare: Any) -> None:
    assert snap_compare(board_app, press=["l", "l", "j"], terminal_size=(160, 48))


def test_board_filter(board_app: SalesApp, snap_compare: Any) -> None:
    assert snap_compare(board_app, press=["slash", *"acme"], terminal_size=(160, 48))


def test_help_screen(board_app: SalesApp, snap_compare: Any) -> None:
    assert snap_compare(board_app, press=["question_mark"], terminal_size=(80, 24))


async def test_board_card_shows_the_title_exactly(board_app: SalesApp) -> None:
    """The markup-like title reaches the screen as typed, not as markup."""
    async with board_app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        column = board_app.screen.query_one(Board).columns[0]
        lines = [column.render_line(y).text.rstrip() for y in range(3)]
        assert lines[:2] == [f"▌{TRICKY}", "▌[bold]Acme[/bold]"]


def test_board_during_a_drag(board_app: SalesApp, snap_compare: Any) -> None:
    """The held card and the column under the pointer are highlighted."""

    async def hold(pilot: Pilot[None]) -> None:
        await pilot.pause()
        source, target = pilot.app.screen.query_one(Board).columns[1:3]
        await pilot.mouse_down(offset=(source.region.x + 3, source.region.y + 4))
        await pilot.hover(offset=(target.region.x + 5, target.region.y + 9))

    assert snap_compare(board_app, run_before=hold, terminal_size=(160, 48))
