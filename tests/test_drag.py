"""Dragging cards between columns with the mouse (Pilot: mouse_down, hover, mouse_up)."""

from __future__ import annotations

from textual.events import MouseScrollDown, MouseScrollUp
from textual.pilot import Pilot
from textual.widgets import Checkbox

from salestui.app import SalesApp
from salestui.domain import OPEN, STAGE_KEYS, WON
from salestui.screens.board import BoardScreen
from salestui.screens.gate import GateDialog
from salestui.store import Pipeline
from salestui.widgets.board import Board
from salestui.widgets.board_column import CARD_HEIGHT, StageColumn

SIZE = (160, 48)


def add(pipeline: Pipeline, title: str, stage: str = "prospect") -> int:
    return pipeline.create({"title": title, "value": "1000"}, stage=stage).id


def tick_stage(pipeline: Pipeline, deal_id: int, stage: str) -> None:
    for task in pipeline.get(deal_id).tasks_of(stage):
        pipeline.set_task_done(deal_id, task.id, True)


def board(app: SalesApp) -> Board:
    screen = app.screen
    assert isinstance(screen, BoardScreen), screen
    return screen.board


def column(app: SalesApp, stage: str) -> StageColumn:
    return board(app).columns[STAGE_KEYS.index(stage)]


def card_at(app: SalesApp, stage: str, row: int = 0, dx: int = 3) -> tuple[int, int]:
    """Screen cell over the title of the card at `row` of `stage`."""
    region = column(app, stage).region
    return region.x + dx, region.y + row * CARD_HEIGHT


async def drag(pilot: Pilot[None], start: tuple[int, int], *path: tuple[int, int]) -> None:
    """Press at `start`, move through `path`; the caller releases."""
    await pilot.mouse_down(offset=start)
    for point in path:
        await pilot.hover(offset=point)


async def started(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.pause()


async def test_drag_to_the_next_column_moves_the_deal(pipeline: Pipeline) -> None:
    deal = add(pipeline, "Fleet", "qualified")
    tick_stage(pipeline, deal, "qualified")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        start = card_at(app, "qualified")
        target = card_at(app, "discovery", row=3)
        middle = ((start[0] + target[0]) // 2, start[1] + 2)
        await drag(pilot, start, middle, target)
        assert column(app, "qualified").held == 0, "the card is held"
        assert column(app, "discovery").drop_target
        assert not column(app, "qualified").drop_target
        await pilot.mouse_up(offset=target)
        await pilot.pause()
        assert pipeline.card(deal).stage == "discovery"
        assert isinstance(app.screen, BoardScreen)
        assert board(app).column.stage == "discovery"
        chosen = board(app).selected_card
        assert chosen is not None and chosen.id == deal
        assert column(app, "qualified").held is None
        assert not column(app, "discovery").drop_target


async def test_drag_blocked_by_open_tasks_opens_the_gate(pipeline: Pipeline) -> None:
    deal = add(pipeline, "Fleet")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        target = card_at(app, "qualified")
        await drag(pilot, card_at(app, "prospect"), target)
        await pilot.mouse_up(offset=target)
        await pilot.pause()
        assert isinstance(app.screen, GateDialog)
        for box in app.screen.query(Checkbox):
            box.value = True
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pipeline.card(deal).stage == "qualified"


async def test_drag_cancelled_by_escape_changes_nothing(pipeline: Pipeline) -> None:
    deal = add(pipeline, "Fleet", "qualified")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        target = card_at(app, "prospect")
        await drag(pilot, card_at(app, "qualified"), target)
        assert column(app, "prospect").drop_target
        await pilot.press("escape")
        assert not column(app, "prospect").drop_target
        assert column(app, "qualified").held is None
        await pilot.mouse_up(offset=target)
        await pilot.pause()
        assert pipeline.card(deal).stage == "qualified"
        assert app.mouse_captured is None


async def test_release_on_own_column_or_outside_changes_nothing(pipeline: Pipeline) -> None:
    deal = add(pipeline, "Fleet", "qualified")
    before = pipeline.card(deal)
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        start = card_at(app, "qualified")
        own = card_at(app, "qualified", row=4)
        await drag(pilot, start, own)
        assert not column(app, "qualified").drop_target, "not a target"
        await pilot.mouse_up(offset=own)
        footer = (start[0], SIZE[1] - 1)
        await drag(pilot, start, card_at(app, "prospect"), footer)
        assert not column(app, "prospect").drop_target
        await pilot.mouse_up(offset=footer)
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert pipeline.card(deal) == before


async def test_a_press_that_barely_moves_is_a_click(pipeline: Pipeline) -> None:
    add(pipeline, "Older", "discovery")
    newer = add(pipeline, "Newer", "discovery")
    deal = add(pipeline, "Fleet")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        x, y = card_at(app, "discovery", row=1)
        await pilot.mouse_down(offset=(x, y))
        await pilot.hover(offset=(x + 1, y))
        assert column(app, "discovery").held is None, "not a drag yet"
        await pilot.mouse_up(offset=(x + 1, y))
        await pilot.pause()
        selected = board(app).selected_card
        assert selected is not None and selected.title == "Older"
        assert pipeline.card(deal).stage == "prospect"
        assert pipeline.card(newer).stage == "discovery"


async def test_double_click_opens_the_deal(pipeline: Pipeline) -> None:
    add(pipeline, "Fleet", "qualified")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.double_click(offset=card_at(app, "qualified"))
        await pilot.pause()
        assert type(app.screen).__name__ == "DealScreen"


async def test_wheel_scrolls_the_column_under_the_pointer(pipeline: Pipeline) -> None:
    for n in range(30):
        add(pipeline, f"D{n}", "discovery")
    app = SalesApp(pipeline)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        x, y = card_at(app, "discovery", dx=2)
        target = column(app, "discovery")
        for notch in (MouseScrollDown, MouseScrollDown, MouseScrollUp):
            wheel = notch(None, x, y, 0, 1, 0, False, False, False, screen_x=x, screen_y=y)
            app.screen._forward_event(wheel)  # as the driver delivers it: to the widget under it
        await pilot.pause()
        assert target.scroll_y == CARD_HEIGHT, "one card per notch"
        assert column(app, "prospect").scroll_y == 0
        assert board(app).column.stage == "prospect", "scrolling does not move the selection"
        assert pipeline.count(outcome=OPEN) == 30


async def test_dragging_a_columns_scrollbar_scrolls_it_by_whole_cards(pipeline: Pipeline) -> None:
    for n in range(30):
        add(pipeline, f"D{n:02}", "discovery")
    app = SalesApp(pipeline)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        target = column(app, "discovery")
        region = target.region
        bar = region.right - 1
        assert target.render_line(0).text[-1] == " " and target.card_width == region.width - 1
        await pilot.mouse_down(offset=(bar, region.y))
        await pilot.hover(offset=(bar, region.bottom - 1))
        assert target.scroll_y == target.max_scroll_y, "dragged to the end"
        await pilot.hover(offset=(bar, region.y + region.height // 2))
        assert 0 < target.scroll_y < target.max_scroll_y
        assert target.scroll_y % CARD_HEIGHT == 0, "whole cards"
        await pilot.mouse_up(offset=(bar, region.y + region.height // 2))
        await pilot.pause()
        assert board(app).column.stage == "prospect", "the scrollbar selects nothing"
        assert target.held is None and not app.mouse_captured
        assert pipeline.count(outcome=OPEN) == 30


async def test_drag_into_closed_through_the_gate_wins(pipeline: Pipeline) -> None:
    deal = add(pipeline, "Fleet", "proposed")
    tick_stage(pipeline, deal, "proposed")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        target = card_at(app, "closed", row=2)
        await drag(pilot, card_at(app, "proposed"), target)
        assert app.mouse_captured is board(app), "the board keeps the mouse during a drag"
        await pilot.mouse_up(offset=target)
        await pilot.pause()
        card = pipeline.card(deal)
        assert (card.stage, card.outcome) == ("closed", WON)


async def test_drag_from_a_scrolled_column_moves_the_card_under_the_pointer(
    pipeline: Pipeline,
) -> None:
    for n in range(30):
        add(pipeline, f"D{n:02}", "discovery")
    app = SalesApp(pipeline)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await pilot.press("l", "l", "G")  # the oldest deal, D00, at the bottom of the column
        await pilot.pause()
        source = column(app, "discovery")
        assert source.scroll_y > 0
        row = board(app).rows[2]
        start = (source.region.x + 3, source.region.y + source.row_region(row).y)
        target = card_at(app, "qualified")
        await drag(pilot, start, target)
        await pilot.mouse_up(offset=target)
        await pilot.pause()
        assert [card.title for card in pipeline.page("qualified")] == ["D00"]
