"""The board with the Pilot: navigation, moves through the gate, lost, undo, filter, forms."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from conftest import Clock
from textual.events import Key
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input
from textual.widgets._footer import FooterKey

from salestui.app import SalesApp
from salestui.demo import demo_deals
from salestui.domain import LOST, OPEN, STAGE_KEYS, WON
from salestui.screens.board import BoardScreen
from salestui.screens.deal_form import DealForm
from salestui.screens.gate import GateDialog
from salestui.screens.lost import LostDialog
from salestui.store import DealCard, Pipeline
from salestui.widgets.board import Board
from salestui.widgets.board_column import PAGE

SIZE = (120, 36)


def add(pipeline: Pipeline, title: str, stage: str = "prospect", company: str = "") -> int:
    """A deal in `stage`; newer deals sort first within a column at equal activity."""
    fields = {"title": title, "company": company or f"{title} Ltd", "value": "1000"}
    return pipeline.create(fields, stage=stage).id


def board_of(app: SalesApp) -> Board:
    screen = app.screen
    assert isinstance(screen, BoardScreen), screen
    return screen.board


def selected(app: SalesApp) -> tuple[str, str | None]:
    """(stage of the focused column, title of the selected card)."""
    board = board_of(app)
    card = board.selected_card
    return board.column.stage, card.title if card else None


def messages(app: SalesApp) -> str:
    return "\n".join(n.message for n in app._notifications)


async def started(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.pause()


# ---------------------------------------------------------------- navigation


async def test_keys_move_the_selection_between_cards_and_columns(pipeline: Pipeline) -> None:
    for title in ("P1", "P2", "P3"):
        add(pipeline, title)
    for title in ("Q1", "Q2"):
        add(pipeline, title, "qualified")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert selected(app) == ("prospect", "P3")
        await pilot.press("down")
        assert selected(app) == ("prospect", "P2")
        await pilot.press("j", "j", "j")
        assert selected(app) == ("prospect", "P1")
        await pilot.press("k")
        assert selected(app) == ("prospect", "P2")
        await pilot.press("right")
        assert selected(app) == ("qualified", "Q2")
        await pilot.press("j", "h")
        assert selected(app) == ("prospect", "P2"), "each column remembers its row"
        await pilot.press("l", "l")
        assert selected(app) == ("discovery", None)
        await pilot.press("left", "G")
        assert selected(app) == ("qualified", "Q1")
        await pilot.press("g")
        assert selected(app) == ("qualified", "Q2")
        await pilot.press("end", "home")
        assert selected(app) == ("qualified", "Q2")


async def test_selection_stops_at_the_edges_and_empty_columns_select_nothing(
    pipeline: Pipeline,
) -> None:
    add(pipeline, "P1")
    add(pipeline, "P2")
    add(pipeline, "C1", "closed")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("h", "left", "k", "up", "pageup", "home")
        assert selected(app) == ("prospect", "P2")
        await pilot.press("j", "j", "down", "pagedown", "end")
        assert selected(app) == ("prospect", "P1")
        await pilot.press("l")
        assert selected(app) == ("qualified", None)
        screen = app.screen
        await pilot.press("j", "G", "pagedown", "enter", "e", "x", "greater_than_sign")
        assert app.screen is screen and selected(app) == ("qualified", None)
        assert not screen.check_action("open", ()), "Open is dimmed on an empty column"
        await pilot.press(*"lllll")
        assert selected(app) == ("closed", "C1")
        await pilot.press("h", "h", "h", "h", "h")
        assert selected(app) == ("prospect", "P1"), "the row was remembered"


async def test_page_keys_and_resizing_keep_the_selection_visible(pipeline: Pipeline) -> None:
    for n in range(60):
        add(pipeline, f"D{n:02}")
    app = SalesApp(pipeline)
    async with app.run_test(size=(160, 48)) as pilot:
        await started(pilot)
        board = board_of(app)
        await pilot.press("pagedown", "pagedown")
        assert board.rows[0] == 2 * board.column.rows_per_page
        assert_selection_visible(board)
        chosen = selected(app)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert selected(app) == chosen
        assert_selection_visible(board)
        await pilot.press("G")
        await pilot.pause()
        assert selected(app) == ("prospect", "D00")
        assert_selection_visible(board)
        for size in ((250, 70), (80, 24), (100, 30)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            assert selected(app) == ("prospect", "D00")
            assert_selection_visible(board)
        await pilot.press("pageup")
        assert board.rows[0] == 59 - board.column.rows_per_page


def assert_selection_visible(board: Board) -> None:
    column = board.column
    row = column.row_region(board.rows[board.column_index])
    assert Region(0, 0, column.size.width, column.size.height).contains_region(row), row


async def test_with_5000_deals_only_what_is_on_screen_is_read_and_repainted(
    pipeline: Pipeline,
) -> None:
    pipeline.bulk_add(demo_deals(pipeline.now(), 5000, closed_share=0.5))
    reads: list[tuple[str, int]] = []
    original_page = pipeline.page

    def page(stage: str, offset: int = 0, limit: int = 100, **kwargs: Any) -> list[DealCard]:
        reads.append((stage, offset))
        return original_page(stage, offset, limit, **kwargs)

    pipeline.page = page  # type: ignore[method-assign]
    app = SalesApp(pipeline)
    async with app.run_test(size=(160, 48)) as pilot:
        await started(pilot)
        board = board_of(app)
        assert min(column.count for column in board.columns) > 400
        assert sorted(reads) == sorted((stage, 0) for stage in STAGE_KEYS), "one page each"
        reads.clear()
        column = board.column
        painted: list[Region] = []
        original_refresh = board.refresh

        def refresh(*regions: Region, **kwargs: Any) -> Board:
            painted.extend(regions)
            return original_refresh(*regions, **kwargs)

        board.refresh = refresh  # type: ignore[method-assign]
        await pilot.press("down")
        cards = [column.row_region(row).translate((column.x, column.top)) for row in (0, 1)]
        assert painted == cards, "two cards"
        assert reads == []
        await pilot.press("l", "l", "l", "l", "l", "G")
        closed = board.columns[-1]
        assert reads == [("closed", (closed.count - 1) // PAGE * PAGE)], "only the last page"
        await pilot.press("g", "h")
        assert len(reads) == 1, "pages already read are kept"


@pytest.mark.parametrize("seed", range(3))
async def test_cards_held_after_moves_stay_those_of_the_store(
    pipeline: Pipeline, seed: int
) -> None:
    """A move updates the two columns' cards in place; they must stay the store's, page
    for page, whatever was held (the clock is frozen: equal activity, so a moved deal
    lands among the others by id, above, inside or below the cards held)."""
    for n in range(2 * PAGE + 10):
        add(pipeline, f"Q{n}", "qualified")
    for n in range(PAGE + 5):
        add(pipeline, f"D{n}", "discovery")
    app = SalesApp(pipeline)
    async with app.run_test(size=(160, 48)) as pilot:
        await started(pilot)
        board = board_of(app)
        updated: list[bool] = []
        for column in board.columns[1:3]:

            def update(
                card: DealCard, count: int, *, was_here: bool, _u: Any = column.update
            ) -> bool:
                updated.append(_u(card, count, was_here=was_here))
                return updated[-1]

            column.update = update  # type: ignore[method-assign]
        rng = random.Random(seed)
        for step in range(60):
            for column in board.columns[1:3]:
                if rng.random() < 0.2:  # hold one more page, sometimes
                    column.card_at(rng.randrange(column.count))
            stage = rng.choice(["qualified", "discovery"])
            card = rng.choice(pipeline.page(stage, 0, 1000))
            to = "discovery" if stage == "qualified" else "qualified"
            moved = pipeline.move(card.id, to, override="test", detail=False)
            board.follow(card.id, old_stage=stage, card=moved)
            for column in board.columns[1:3]:
                assert column.count == pipeline.count(column.stage)
                for number, page in column._pages.items():
                    store = pipeline.page(column.stage, number * PAGE, PAGE)
                    assert page == store[: len(page)], (step, column.stage, number)
            if step % 10 == 9:  # and every card, drawn from what is held or read
                for column in board.columns[1:3]:
                    drawn = [column.card_at(row) for row in range(column.count)]
                    assert drawn == pipeline.page(column.stage, 0, 1000), step
                    column.reset(column.count)  # and hold little again
        assert board.selected_card == pipeline.card(card.id)
        assert updated.count(True) > 40 and updated.count(False) > 3, "both ways taken"


async def test_actions_that_need_a_deal_are_off_on_an_empty_board(pipeline: Pipeline) -> None:
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        screen = app.screen
        for action in ("open", "edit", "lose", "undo"):
            assert not screen.check_action(action, ()), action
        assert screen.check_action("new", ()) is True
        await pilot.press("enter", "e", "x", "greater_than_sign")
        assert app.screen is screen


# ---------------------------------------------------------------- moves


async def test_move_back_then_forward_follows_the_deal(pipeline: Pipeline) -> None:
    deal = add(pipeline, "Fleet", "qualified")
    add(pipeline, "Other", "prospect")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("l", "shift+left")
        await pilot.pause()
        assert pipeline.card(deal).stage == "prospect"
        assert selected(app) == ("prospect", "Fleet"), "the moved deal stays selected"
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert pipeline.card(deal).stage == "qualified", "Prospect's tasks were ticked"
        assert selected(app) == ("qualified", "Fleet")
        await pilot.press("less_than_sign")
        await pilot.pause()
        assert pipeline.card(deal).stage == "prospect"
        headers = {c.stage: c.summary.count for c in board_of(app).columns if c.summary}
        assert headers["prospect"] == 2 and headers.get("qualified", 0) == 0


async def test_forward_move_blocked_by_tasks_opens_the_gate_and_ticks_pass(
    pipeline: Pipeline,
) -> None:
    deal = add(pipeline, "Fleet")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("shift+right")
        await pilot.pause()
        assert isinstance(app.screen, GateDialog)
        for box in app.screen.query(Checkbox):
            box.value = True
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert pipeline.card(deal).stage == "qualified"
        assert selected(app) == ("qualified", "Fleet")


async def test_gate_override_moves_and_is_recorded(pipeline: Pipeline) -> None:
    deal = add(pipeline, "Fleet")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("greater_than_sign")
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.press(*"agreed by phone", "enter")
        await pilot.pause()
        assert pipeline.card(deal).stage == "qualified"
        assert any(e.kind == "override" for e in pipeline.get(deal).history)


async def test_gate_cancel_changes_nothing(pipeline: Pipeline) -> None:
    deal = add(pipeline, "Fleet")
    before = pipeline.card(deal)
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("greater_than_sign")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert pipeline.card(deal) == before
        assert selected(app) == ("prospect", "Fleet")
        assert not app.screen.check_action("undo", ()), "nothing to undo"


async def test_moving_into_closed_wins(pipeline: Pipeline) -> None:
    deal = add(pipeline, "Fleet", "proposed")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("l", "l", "l", "l", "greater_than_sign")
        await pilot.pause()
        for box in app.screen.query(Checkbox):
            box.value = True
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pipeline.card(deal).outcome == WON
        assert selected(app) == ("closed", "Fleet")
        assert "Won: Fleet" in messages(app)


# ---------------------------------------------------------------- lost and undo


async def test_mark_lost_then_undo(pipeline: Pipeline) -> None:
    deal = add(pipeline, "Fleet", "discovery")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("l", "l", "x")
        await pilot.pause()
        assert isinstance(app.screen, LostDialog)
        await pilot.press("1", "ctrl+s")
        await pilot.pause()
        card = pipeline.card(deal)
        assert (card.stage, card.outcome, card.lost_reason) == ("closed", LOST, "Price")
        assert selected(app) == ("closed", "Fleet")
        await pilot.press("x")
        assert isinstance(app.screen, BoardScreen), "no dialog for a lost deal"
        assert "already lost" in messages(app)
        await pilot.press("u")
        await pilot.pause()
        card = pipeline.card(deal)
        assert (card.stage, card.outcome, card.lost_reason) == ("discovery", OPEN, "")
        assert selected(app) == ("discovery", "Fleet")
        assert not app.screen.check_action("undo", ())


async def test_lost_dialog_cancel_changes_nothing(pipeline: Pipeline) -> None:
    deal = add(pipeline, "Fleet")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("x", "escape")
        await pilot.pause()
        assert pipeline.card(deal).outcome == OPEN
        assert not app.screen.check_action("undo", ())


async def test_undo_steps_back_through_moves(pipeline: Pipeline) -> None:
    deal = add(pipeline, "Fleet", "development")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("l", "l", "l", "less_than_sign", "less_than_sign")
        await pilot.pause()
        assert pipeline.card(deal).stage == "qualified"
        await pilot.press("u")
        await pilot.pause()
        assert pipeline.card(deal).stage == "discovery"
        await pilot.press("u")
        await pilot.pause()
        assert pipeline.card(deal).stage == "development"
        assert selected(app) == ("development", "Fleet")
        kinds = [e.kind for e in pipeline.get(deal).history]
        assert kinds.count("undo") == 2


# ---------------------------------------------------------------- filter


async def test_filter_as_you_type_and_escape_clears(pipeline: Pipeline) -> None:
    add(pipeline, "Fleet", company="Acme")
    add(pipeline, "Scanners", company="Borealis")
    add(pipeline, "Audit", "qualified", company="Acme")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        board = board_of(app)
        await pilot.press("slash", *"acme")
        await pilot.pause()
        field = app.screen.query_one("#board-filter", Input)
        assert field.display and field.value == "acme"
        assert [c.count for c in board.columns[:2]] == [1, 1]
        assert board.columns[0].summary is not None and board.columns[0].summary.count == 1
        await pilot.press("enter")
        assert board.has_focus
        assert selected(app) == ("prospect", "Fleet")
        await pilot.press("escape")
        await pilot.pause()
        assert not field.display and board.source.query == ""
        assert [c.count for c in board.columns[:2]] == [2, 1]


async def test_keys_typed_right_after_slash_go_to_the_filter(pipeline: Pipeline) -> None:
    add(pipeline, "Fleet", company="Acme")
    add(pipeline, "Phones", company="Newell")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        driver = app._driver
        assert driver is not None
        for key, character in [("slash", "/"), *((c, c) for c in "newe")]:
            driver.send_message(Key(key, character))  # one burst, as a fast typist sends it
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen), "n and e did not open forms"
        assert app.screen.query_one("#board-filter", Input).value == "newe"
        assert board_of(app).columns[0].count == 1
        assert board_of(app).columns[0].summary.count == 1  # type: ignore[union-attr]


async def test_filter_lands_on_a_match_when_the_column_empties(pipeline: Pipeline) -> None:
    add(pipeline, "Fleet", company="Acme")
    add(pipeline, "Scanners", "qualified", company="Borealis")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("l", "slash", *"acme", "enter")
        assert selected(app) == ("prospect", "Fleet")
        assert board_of(app).columns[0].render_line(0).text.startswith("▌Fleet")
        await pilot.press("escape")
        assert selected(app) == ("prospect", "Fleet"), "clearing keeps the selection"


async def test_closing_a_deal_redraws_the_board_only_when_the_deal_changed(
    pipeline: Pipeline,
) -> None:
    deal = add(pipeline, "Fleet")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        board = board_of(app)
        followed: list[int] = []
        original_follow = board.follow

        def follow(deal_id: int, **kwargs: Any) -> None:
            followed.append(deal_id)
            original_follow(deal_id, **kwargs)

        board.follow = follow  # type: ignore[method-assign]
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert followed == [], "only looked at: nothing read again or redrawn"
        await pilot.press("enter")
        await pilot.pause()
        task = pipeline.get(deal).tasks_of("prospect")[0]
        await pilot.press("space")  # ticks the first task
        await pilot.pause()
        assert pipeline.get(deal).tasks_of("prospect")[0].done != task.done
        await pilot.press("escape")
        await pilot.pause()
        assert followed == [deal]
        assert board.selected_card is not None and board.selected_card.tasks_done == 1


async def test_undo_lights_up_after_a_move_in_the_footer_as_it_stands(pipeline: Pipeline) -> None:
    add(pipeline, "Fleet", "qualified")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        before = {key.action: key for key in app.screen.query(FooterKey)}
        assert before["undo"].has_class("-disabled"), "shown, dimmed: nothing to undo yet"
        await pilot.press("l", "less_than_sign")
        await pilot.pause()
        after = {key.action: key for key in app.screen.query(FooterKey)}
        assert after["undo"] is before["undo"], "the same key, not a rebuilt footer"
        assert not after["undo"].has_class("-disabled")


async def test_every_footer_key_fits_at_80_columns(pipeline: Pipeline) -> None:
    add(pipeline, "Fleet", "qualified")
    app = SalesApp(pipeline)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await pilot.press("l", "less_than_sign", "slash", "f", "enter")  # undo and filter live
        await pilot.pause()
        keys = app.screen.query(FooterKey)
        assert {"Undo", "Clear", "Help"} <= {key.description for key in keys}
        assert all(key.region.right <= 80 for key in keys), [str(k.region) for k in keys]


async def test_filter_escape_while_typing_clears(pipeline: Pipeline) -> None:
    add(pipeline, "Fleet")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("slash", *"zz")
        await pilot.pause()
        assert board_of(app).columns[0].count == 0
        await pilot.press("escape")
        await pilot.pause()
        assert board_of(app).columns[0].count == 1
        assert board_of(app).has_focus


# ---------------------------------------------------------------- forms and the deal screen


async def test_new_deal_form_shows_errors_and_saves_in_the_focused_stage(
    pipeline: Pipeline,
) -> None:
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("l", "n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, DealForm)
        form.query_one("#field-value", Input).value = "lots"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#error-title").display
        assert form.query_one("#error-value").display
        assert pipeline.count() == 0, "nothing saved until valid"
        form.query_one("#field-title", Input).value = "Fleet"
        form.query_one("#field-value", Input).value = "1200"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        [card] = pipeline.page("qualified")
        assert card.title == "Fleet" and card.value == 120000
        assert selected(app) == ("qualified", "Fleet")


async def test_edit_form_saves_changes_and_redraws_the_card(pipeline: Pipeline) -> None:
    deal = add(pipeline, "Fleet")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, DealForm)
        assert form.query_one("#field-title", Input).value == "Fleet"
        form.query_one("#field-title", Input).value = "Fleet rollout"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pipeline.card(deal).title == "Fleet rollout"
        assert selected(app) == ("prospect", "Fleet rollout")


async def test_enter_opens_the_deal_and_closing_shows_the_card_updated(
    pipeline: Pipeline, clock: Clock
) -> None:
    add(pipeline, "Other")
    deal = add(pipeline, "Fleet")
    add(pipeline, "Newest")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "DealScreen"
        clock.now += timedelta(hours=1)
        await pilot.press("space")  # ticks the first open task: fresh activity, first in column
        await pilot.pause()
        assert pipeline.card(deal).tasks_done == 1
        await pilot.press("escape")
        await pilot.pause()
        board = board_of(app)
        assert selected(app) == ("prospect", "Fleet")
        assert board.rows[0] == 0
        card = board.selected_card
        assert card is not None and (card.tasks_done, card.tasks_total) == (1, 3)
        assert board.column.render_line(2).text.startswith("▌€1k 1/3 ")


async def test_help_lists_every_board_key(pipeline: Pipeline) -> None:
    from salestui.screens.help import HELP, HelpScreen

    board_part = HELP.split("## The board")[1].split("## A deal")[0]
    rows = [line.split("|")[1].strip() for line in board_part.splitlines() if line.startswith("| ")]
    keys = " ".join(rows)
    for key in (
        "h l",
        "k j",
        "PgUp PgDn",
        "g G",
        "Enter",
        "n",
        "e",
        "< >",
        "x",
        "u",
        "/",
        "?",
        "q",
    ):
        assert key in keys.split(" ") or key in keys, key
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, BoardScreen)


async def test_selected_card_and_focused_column_stand_out_in_every_theme(
    pipeline: Pipeline,
) -> None:
    add(pipeline, "Other")
    add(pipeline, "Fleet")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        board = board_of(app)
        column = board.columns[0]
        for theme in app.available_themes:
            app.theme = theme
            await pilot.pause()
            chosen, other = column.render_line(0), column.render_line(4)
            assert chosen.text[0] == "▌" and other.text[0] == " ", theme
            background = {s.style.bgcolor for s in chosen if s.style and s.text.strip()}
            assert background.isdisjoint({s.style.bgcolor for s in other if s.style}), theme
            active, idle = (
                {s.style.bgcolor for s in c.header_line(0) if s.style} for c in board.columns[:2]
            )
            assert active.isdisjoint(idle), theme
