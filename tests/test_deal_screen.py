"""The deal screen driven with Pilot: checklist, task editing, moves, outcome, notes, conflicts."""

from __future__ import annotations

import io
from collections.abc import Callable

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from textual.widgets import Collapsible, Static, TextArea

from salestui.app import SalesApp
from salestui.domain import CLOSED, LOST, WON
from salestui.render import DrawnOnce
from salestui.screens.board import BoardScreen
from salestui.screens.deal import DealScreen
from salestui.store import Pipeline
from salestui.store.views import DealDetail
from salestui.widgets.checklist import Checklist
from salestui.widgets.deal_task_input import TaskTitleInput

SIZE = (160, 48)


def new_deal(pipeline: Pipeline, stage: str = "prospect", **fields: object) -> DealDetail:
    return pipeline.create({"title": "Fleet tracking", "company": "Acme", **fields}, stage=stage)


async def open_deal(app: SalesApp, pilot, deal_id: int) -> DealScreen:  # type: ignore[no-untyped-def]
    await pilot.pause()
    screen = DealScreen(app.pipeline, deal_id)
    await app.push_screen(screen)
    await pilot.pause()
    return screen


def tasks_done(pipeline: Pipeline, deal_id: int) -> list[bool]:
    detail = pipeline.get(deal_id)
    return [t.done for t in detail.tasks_of(detail.stage)]


def option_texts(screen: DealScreen) -> list[str]:
    checklist = screen.query_one(Checklist)
    return [str(checklist.get_option_at_index(i).prompt) for i in range(checklist.option_count)]


async def test_space_and_click_tick_and_save_at_once(pipeline: Pipeline) -> None:
    deal = new_deal(pipeline)
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deal(app, pilot, deal.id)
        checklist = screen.query_one(Checklist)
        assert checklist.border_subtitle == "0/3"
        await pilot.press("space")
        assert tasks_done(pipeline, deal.id) == [True, False, False]
        assert checklist.border_subtitle == "1/3"
        await pilot.click(checklist, offset=(4, 3))  # the third task's line
        await pilot.pause()
        assert tasks_done(pipeline, deal.id) == [True, False, True]
        await pilot.press("space")  # the clicked task is highlighted: unticks it
        assert tasks_done(pipeline, deal.id) == [True, False, False]
        kinds = [e.kind for e in pipeline.get(deal.id).history]
        assert kinds.count("task_done") == 2 and kinds.count("task_undone") == 1


async def test_add_rename_optional_reorder_delete(pipeline: Pipeline) -> None:
    deal = new_deal(pipeline)
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deal(app, pilot, deal.id)
        await pilot.press("a", *"Call [b]x[/b]", "enter")
        titles = [t.title for t in pipeline.get(deal.id).tasks_of("prospect")]
        assert titles[-1] == "Call [b]x[/b]"
        assert "Call [b]x[/b]" in option_texts(screen)[-1]  # brackets shown, not markup
        assert screen.query_one(Checklist).highlighted == 3  # the new task
        await pilot.press("r", "ctrl+a", "ctrl+k", *"Call the CFO", "enter")
        assert pipeline.get(deal.id).tasks_of("prospect")[-1].title == "Call the CFO"
        await pilot.press("asterisk")
        assert pipeline.get(deal.id).tasks_of("prospect")[-1].required is False
        assert "optional" in option_texts(screen)[-1]
        await pilot.press("shift+up", "shift+up")
        titles = [t.title for t in pipeline.get(deal.id).tasks_of("prospect")]
        assert titles[1] == "Call the CFO"
        assert screen.query_one(Checklist).highlighted == 1
        await pilot.press("delete")
        await pilot.pause()
        assert app.screen is not screen  # asks first
        await pilot.press("escape")  # no
        await pilot.pause()
        assert len(pipeline.get(deal.id).tasks_of("prospect")) == 4
        await pilot.press("delete")
        await confirm(pilot)
        titles = [t.title for t in pipeline.get(deal.id).tasks_of("prospect")]
        assert "Call the CFO" not in titles and len(titles) == 3


async def test_empty_title_is_refused_and_kept_open(pipeline: Pipeline) -> None:
    deal = new_deal(pipeline)
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deal(app, pilot, deal.id)
        await pilot.press("a", "space", "enter")
        assert "must not be empty" in shown_text(screen.query_one(".task-error", Static))
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and isinstance(app.focused, Checklist)
        assert len(pipeline.get(deal.id).tasks_of("prospect")) == 3


async def confirm(pilot) -> None:  # type: ignore[no-untyped-def]
    """Answer yes in the shared confirm dialog."""
    await pilot.pause()
    await pilot.press("y")
    await pilot.pause()


def shown_text(widget: Static) -> str:
    """What a Static shows, as plain text."""
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


def notices(app: SalesApp) -> str:
    """Every notification shown so far, in one string."""
    return "\n".join(n.message for n in app._notifications)


def actions(screen: DealScreen) -> set[str]:
    """The actions the footer offers right now."""
    return {b.binding.action for b in screen.active_bindings.values()}


def won_deal(pipeline: Pipeline) -> DealDetail:
    deal = new_deal(pipeline)
    return pipeline.move(deal.id, CLOSED, override="signed early")


async def test_keys_that_do_not_apply_are_hidden(pipeline: Pipeline) -> None:
    deal = new_deal(pipeline)
    won = won_deal(pipeline)
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deal(app, pilot, deal.id)
        shown = actions(screen)
        assert {"forward", "lose", "edit", "notes", "back"} <= shown
        assert not {"backward", "reopen", "satisfaction"} & shown
        await pilot.press("escape")
        screen = await open_deal(app, pilot, won.id)
        shown = actions(screen)
        assert {"reopen", "satisfaction"} <= shown
        assert not {"forward", "backward", "lose"} & shown


async def test_notes_saved_on_escape_and_shown_again(pipeline: Pipeline) -> None:
    deal = new_deal(pipeline)
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deal(app, pilot, deal.id)
        await pilot.press("n", *"Budget: 40k", "enter", *"Owner [i]CFO[/i]")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen
        assert pipeline.get(deal.id).notes == "Budget: 40k\nOwner [i]CFO[/i]"
        screen = await open_deal(app, pilot, deal.id)
        assert screen.query_one("#deal-notes", TextArea).text == "Budget: 40k\nOwner [i]CFO[/i]"


async def test_notes_saved_while_typing_and_when_the_app_quits(pipeline: Pipeline) -> None:
    deal = new_deal(pipeline)
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await open_deal(app, pilot, deal.id)
        await pilot.press("n", *"first")
        await pilot.pause(2.0)  # the debounce has passed: saved while the screen is open
        assert pipeline.get(deal.id).notes == "first"
        await pilot.press(*" and last")
        await pilot.press("ctrl+q")
    assert pipeline.get(deal.id).notes == "first and last"


async def test_conflict_reloads_and_keeps_the_typed_notes(
    pipeline: Pipeline, make_pipeline: Callable[..., Pipeline]
) -> None:
    deal = new_deal(pipeline)
    other = make_pipeline("other")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deal(app, pilot, deal.id)
        await pilot.press("n", *"typed here")
        other.set_task_done(deal.id, deal.tasks[2].id, True)  # another window ticks a task
        screen.query_one(Checklist).focus()
        await pilot.press("space")  # our tick of the first task is refused
        assert "changed elsewhere" in notices(app)
        assert tasks_done(pipeline, deal.id) == [False, False, True]
        assert screen.query_one(Checklist).border_subtitle == "1/3"  # reloaded
        assert screen.query_one("#deal-notes", TextArea).text == "typed here"  # kept
        await pilot.press("space")  # a second tick applies on the fresh version
        assert tasks_done(pipeline, deal.id) == [True, False, True]
        await pilot.press("escape")
        await pilot.pause()
    assert pipeline.get(deal.id).notes == "typed here"


async def test_notes_changed_in_both_places_ask_before_replacing(
    pipeline: Pipeline, make_pipeline: Callable[..., Pipeline]
) -> None:
    deal = new_deal(pipeline)
    other = make_pipeline("other")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deal(app, pilot, deal.id)
        await pilot.press("n", *"mine")
        other.set_notes(deal.id, "theirs")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen  # not closed: the user is told first
        assert "changed elsewhere" in notices(app)
        assert screen.query_one("#deal-notes", TextArea).text == "mine"
        assert pipeline.get(deal.id).notes == "theirs"
        await pilot.press("escape")  # knowingly
        await pilot.pause()
        assert app.screen is not screen
    assert pipeline.get(deal.id).notes == "mine"


async def test_satisfaction_for_a_won_deal(pipeline: Pipeline) -> None:
    won = won_deal(pipeline)
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deal(app, pilot, won.id)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("ctrl+s")  # nothing chosen: refused, dialog stays
        assert "Choose a score" in shown_text(app.screen.query_one("#satisfaction-error", Static))
        await pilot.press("4")
        await pilot.click("#verdict-success")
        await pilot.click("#satisfaction-comment")
        await pilot.press(*"Live on time [ok]")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        detail = pipeline.get(won.id)
        assert (detail.satisfaction_score, detail.satisfaction_verdict) == (4, "success")
        assert detail.satisfaction_comment == "Live on time [ok]"
        assert pipeline.card(won.id).satisfaction_score == 4
        assert "Live on time [ok]" in shown_text(screen.query_one("#deal-details", Static))


async def test_satisfaction_conflict_keeps_the_comment(
    pipeline: Pipeline, make_pipeline: Callable[..., Pipeline]
) -> None:
    won = won_deal(pipeline)
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deal(app, pilot, won.id)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("5")
        await pilot.click("#verdict-success")
        await pilot.click("#satisfaction-comment")
        await pilot.press(*"Great")
        make_pipeline().edit(won.id, {"owner": "robin"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert dialog is not screen
        assert "changed elsewhere" in shown_text(dialog.query_one("#satisfaction-error", Static))
        assert dialog.query_one("#satisfaction-comment", TextArea).text == "Great"
        assert screen.detail.owner == "robin"  # the screen behind was reloaded
        await pilot.press("ctrl+s")  # knowingly
        await pilot.pause()
        assert app.screen is screen
    assert pipeline.get(won.id).satisfaction_score == 5


async def test_templates_edited_from_the_palette_apply_to_new_deals(pipeline: Pipeline) -> None:
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"stage checklists")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "TemplatesScreen"
        await pilot.press("right_square_bracket")  # Qualified
        await pilot.press("a", *"Check [red]budget[/red]", "enter")
        await pilot.press("asterisk", "shift+up")
        await pilot.press("r", "ctrl+a", "ctrl+k", *"Check the budget", "enter")
        await pilot.press("escape")
        await pilot.pause()
    qualified = pipeline.templates()["qualified"]
    assert [(t.title, t.required) for t in qualified][-2] == ("Check the budget", False)
    deal = pipeline.create({"title": "New"}, stage="qualified")
    assert "Check the budget" in [t.title for t in deal.tasks_of("qualified")]


async def test_reopen_a_lost_deal_where_it_was_lost(pipeline: Pipeline) -> None:
    deal = new_deal(pipeline, stage="discovery")
    pipeline.lose(deal.id, "Timing")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deal(app, pilot, deal.id)
        assert "satisfaction" not in actions(screen)
        await pilot.press("o")
        await confirm(pilot)
        assert app.screen is screen
        detail = pipeline.get(deal.id)
        assert (detail.stage, detail.outcome) == ("discovery", "open")
        assert detail.history[-1].kind == "reopened"
        assert screen.query_one(Checklist).border_title == "Discovery checklist"
        assert {"forward", "lose"} <= actions(screen) and "reopen" not in actions(screen)


async def test_reopen_after_a_conflict_asks_again(
    pipeline: Pipeline, make_pipeline: Callable[..., Pipeline]
) -> None:
    won = won_deal(pipeline)
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deal(app, pilot, won.id)
        make_pipeline().record_satisfaction(won.id, 2, "failure", "late")
        await pilot.press("o")
        await confirm(pilot)
        assert app.screen is not screen  # asks again, showing the fresh deal behind
        assert screen.detail.satisfaction_score == 2
        assert pipeline.get(won.id).stage == CLOSED
        await confirm(pilot)
        assert app.screen is screen
    assert pipeline.get(won.id).stage == "proposed"


async def test_forward_through_the_gate_ticking_the_open_tasks(pipeline: Pipeline) -> None:
    deal = new_deal(pipeline)
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deal(app, pilot, deal.id)
        await pilot.press("space")  # one of three done
        assert screen.query_one(Checklist).highlighted == 0
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert type(app.screen).__name__ == "GateDialog"
        await pilot.press("space", "down", "space", "ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        detail = pipeline.get(deal.id)
        assert detail.stage == "qualified"
        assert all(t.done for t in detail.tasks_of("prospect"))
        checklist = screen.query_one(Checklist)
        assert checklist.border_title == "Qualified checklist"
        assert checklist.highlighted == 0  # a new stage starts on its first open task
        assert "backward" in actions(screen)
        await pilot.press("less_than_sign")  # back: no gate
        await pilot.pause()
        assert pipeline.get(deal.id).stage == "prospect"
        assert screen.query_one(Checklist).border_title == "Prospect checklist"


async def test_forward_with_an_override_records_the_reason(pipeline: Pipeline) -> None:
    deal = new_deal(pipeline, stage="proposed")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deal(app, pilot, deal.id)
        await pilot.press("greater_than_sign")
        await pilot.pause()
        await pilot.press("ctrl+o", *"signed [early]", "enter")
        await pilot.pause()
        assert app.screen is screen
        detail = pipeline.get(deal.id)
        assert (detail.stage, detail.outcome) == (CLOSED, WON)
        override = next(e for e in detail.history if e.kind == "override")
        assert override.detail.startswith("signed [early]")
        assert "signed [early]" in shown_text(screen.query_one("#deal-history", Static))
        assert {"satisfaction", "reopen"} <= actions(screen)


async def test_cancelled_gate_moves_nothing(pipeline: Pipeline) -> None:
    deal = new_deal(pipeline)
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deal(app, pilot, deal.id)
        await pilot.press("greater_than_sign")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert pipeline.get(deal.id).stage == "prospect"


async def test_mark_lost_with_a_reason(pipeline: Pipeline) -> None:
    deal = new_deal(pipeline, stage="discovery")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deal(app, pilot, deal.id)
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("3")  # Competitor
        await pilot.click("#lost-details")
        await pilot.press(*"went with [Initech]", "enter")
        await pilot.pause()
        assert app.screen is screen
        detail = pipeline.get(deal.id)
        assert (detail.stage, detail.outcome) == (CLOSED, LOST)
        assert detail.lost_reason == "Competitor: went with [Initech]"
        assert "went with [Initech]" in shown_text(screen.query_one("#deal-details", Static))
        assert "LOST" in shown_text(screen.query_one("#deal-head", Static))
        assert {"reopen"} <= actions(screen) and not {"lose", "satisfaction"} & actions(screen)


async def test_edit_form_shows_errors_then_saves(pipeline: Pipeline) -> None:
    deal = new_deal(pipeline)
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deal(app, pilot, deal.id)
        await pilot.press("n", *"unsaved words")  # notes typed before the form opens
        await pilot.click("#deal-details")  # a click on the fields edits them too
        await pilot.pause()
        await pilot.click("#field-value")
        await pilot.press("ctrl+a", "ctrl+k", *"lots", "ctrl+s")
        await pilot.pause()
        assert "not an amount" in str(app.screen.query_one("#error-value").render())
        assert pipeline.get(deal.id).value == 0  # nothing saved until valid
        await pilot.press("ctrl+a", "ctrl+k", *"48000", "ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        detail = pipeline.get(deal.id)
        assert detail.value == 4_800_000
        assert detail.notes == "unsaved words"
        assert "€48,000.00" in shown_text(screen.query_one("#deal-head", Static))


async def test_edit_form_conflict_keeps_the_typing_and_saves_on_the_second_try(
    pipeline: Pipeline, make_pipeline: Callable[..., Pipeline]
) -> None:
    deal = new_deal(pipeline)
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deal(app, pilot, deal.id)
        await pilot.press("e")
        await pilot.pause()
        await pilot.click("#field-owner")
        await pilot.press(*"sam")
        make_pipeline().edit(deal.id, {"company": "Acme Group"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        form = app.screen
        assert form is not screen
        assert "changed elsewhere" in str(form.query_one("#deal-form-error").render())
        assert screen.detail.company == "Acme Group"  # the screen behind shows the fresh deal
        await pilot.press("ctrl+s")  # knowingly: the form still holds the old company
        await pilot.pause()
        assert app.screen is screen
    assert pipeline.get(deal.id).owner == "sam"


async def test_past_stages_are_collapsed_with_done_state_and_dates(pipeline: Pipeline) -> None:
    deal = new_deal(pipeline, stage="discovery")  # Prospect and Qualified done on creation
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deal(app, pilot, deal.id)
        prospect = screen.query_one("#past-prospect", Collapsible)
        assert prospect.display and prospect.collapsed
        assert prospect.title.startswith("Prospect  3/3 done")
        assert not screen.query_one("#past-discovery", Collapsible).display  # the current one
        await pilot.click("#past-prospect CollapsibleTitle")
        await pilot.pause()
        assert not prospect.collapsed
        lines = shown_text(prospect.query_one(".past-tasks", Static))
        assert lines.count("[x]") == 3 and "2026-03-02" in lines
        assert "Development" in str(screen.query_one("#deal-next", Static).border_title)


async def test_deal_deleted_elsewhere_closes_the_screen(
    pipeline: Pipeline, make_pipeline: Callable[..., Pipeline]
) -> None:
    deal = new_deal(pipeline)
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_deal(app, pilot, deal.id)
        make_pipeline().delete(deal.id)
        await pilot.press("space")
        await pilot.pause()
        assert app.screen is not screen
        assert "deleted elsewhere" in notices(app)


# ---------------------------------------------------------------- one screen for every deal


async def open_from_board(app: SalesApp, pilot, *keys: str) -> DealScreen:  # type: ignore[no-untyped-def]
    """Press `keys` on the board, then Enter: the deal screen of the selected card."""
    await pilot.pause()
    await pilot.press(*keys, "enter")
    await pilot.pause()
    assert isinstance(app.screen, DealScreen), app.screen
    return app.screen


async def back_to_board(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("escape")
    await pilot.pause()


def notes_of(screen: DealScreen) -> str:
    return screen.query_one("#deal-notes", TextArea).text


async def test_one_screen_shows_each_deal_with_its_own_notes_and_tasks(
    pipeline: Pipeline,
) -> None:
    alpha = new_deal(pipeline, title="Alpha", notes="alpha notes")
    pipeline.add_task(alpha.id, "Only on Alpha")
    beta = new_deal(pipeline, title="Beta", notes="beta notes")  # newest: first in the column
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_board(app, pilot)
        assert screen.deal_id == beta.id and notes_of(screen) == "beta notes"
        await pilot.press("n", *"B: ")
        await back_to_board(pilot)
        assert pipeline.get(beta.id).notes == "B: beta notes"
        again = await open_from_board(app, pilot, "down")
        assert again is screen and screen.deal_id == alpha.id
        assert notes_of(screen) == "alpha notes"
        assert "Only on Alpha" in option_texts(screen)[-1]
        assert screen.sub_title == f"Deal #{alpha.id}"
        await pilot.press("n", *"A: ")
        await pilot.press("ctrl+q")  # quitting on the second deal keeps its notes
    assert pipeline.get(alpha.id).notes == "A: alpha notes"
    assert pipeline.get(beta.id).notes == "B: beta notes"


async def test_notes_typed_for_one_deal_never_reach_the_next(pipeline: Pipeline) -> None:
    alpha = new_deal(pipeline, title="Alpha")
    beta = new_deal(pipeline, title="Beta")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_board(app, pilot)
        await pilot.press("n", *"for beta")  # the debounce timer is running
        await back_to_board(pilot)
        await open_from_board(app, pilot, "down")
        assert screen.deal_id == alpha.id and notes_of(screen) == ""
        await pilot.pause(2.0)  # past the debounce of the notes typed for Beta
        assert pipeline.get(alpha.id).notes == ""
        assert [e.kind for e in pipeline.get(alpha.id).history].count("notes") == 0
        await pilot.press("n", *"draft")
        await app.pop_screen()  # left without Esc: nothing was saved yet
        await pilot.pause()
        screen.load(beta.id)  # the next deal: the draft goes to the deal it was typed for
        assert pipeline.get(alpha.id).notes == "draft"
        assert pipeline.get(beta.id).notes == "for beta"
        assert notes_of(screen) == "for beta"


async def test_a_deal_shown_again_starts_from_the_top(pipeline: Pipeline) -> None:
    alpha = new_deal(pipeline, title="Alpha")
    pipeline.move(alpha.id, "discovery", override="fast track")  # past boxes to expand
    beta = new_deal(pipeline, title="Beta")
    pipeline.set_task_done(beta.id, beta.tasks[0].id, True)
    app = SalesApp(pipeline, database="reuse.db")
    async with app.run_test(size=(80, 24)) as pilot:
        fresh = await open_from_board(app, pilot)
        expected = app.export_screenshot()
        await back_to_board(pilot)
        await pilot.press("right", "right")  # Discovery: Alpha
        screen = await open_from_board(app, pilot)
        assert screen is fresh and screen.deal_id == alpha.id
        await pilot.press("down", "down", "a", *"half typed")
        await pilot.click("#past-prospect CollapsibleTitle")
        await pilot.pause()
        assert not screen.query_one("#past-prospect", Collapsible).collapsed
        screen.query_one(Checklist).focus()
        await pilot.pause()
        screen.query_one("#deal-body").scroll_end(animate=False, immediate=True)
        await pilot.pause()
        assert screen.query_one(TaskTitleInput).display  # left open
        assert screen.query_one("#deal-body").scroll_y > 0
        await back_to_board(pilot)
        screen = await open_from_board(app, pilot, "left", "left")  # Beta again
        assert screen.deal_id == beta.id
        assert isinstance(app.focused, Checklist)
        assert screen.query_one(Checklist).highlighted == 1  # its first open task
        assert not screen.query_one(TaskTitleInput).display
        assert screen.query_one("#deal-body").scroll_y == 0
        assert app.export_screenshot() == expected  # as a new screen draws it
        await back_to_board(pilot)
        await open_from_board(app, pilot, "right", "right")  # Alpha again
        assert screen.query_one("#past-prospect", Collapsible).collapsed


async def test_enter_twice_on_the_board_opens_the_deal_once(pipeline: Pipeline) -> None:
    new_deal(pipeline)
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        board.action_open()
        board.action_open()  # before the first one has shown the deal screen
        await pilot.pause()
        assert [type(s) for s in app.screen_stack] == [BoardScreen, DealScreen]


async def test_a_new_theme_restyles_the_deal_screen_shown_again(pipeline: Pipeline) -> None:
    new_deal(pipeline)
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_board(app, pilot)
        await back_to_board(pilot)
        app.theme = "textual-light"
        await pilot.pause()
        await open_from_board(app, pilot)
        assert screen.styles.background == app.current_theme.to_color_system().background


async def test_opening_a_deal_deleted_elsewhere_says_so(
    pipeline: Pipeline, make_pipeline: Callable[..., Pipeline]
) -> None:
    alpha = new_deal(pipeline, title="Alpha")
    beta = new_deal(pipeline, title="Beta")
    app = SalesApp(pipeline)
    async with app.run_test(size=SIZE) as pilot:
        await open_from_board(app, pilot)
        await back_to_board(pilot)
        make_pipeline().delete(alpha.id)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert f"no deal #{alpha.id}" in notices(app)
        screen = await open_from_board(app, pilot, "up")
        assert screen.deal_id == beta.id


def test_tables_are_drawn_once_per_width() -> None:
    """Textual draws a widget's content to measure it, then to paint it: one drawing each width."""
    widths: list[int] = []

    class Table:
        def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
            widths.append(options.max_width)
            yield Segment("x" * options.max_width)

    drawn = DrawnOnce(Table())
    console = Console(width=10, file=io.StringIO())
    first = list(console.render(drawn, console.options))
    assert list(console.render(drawn, console.options)) == first
    assert list(console.render(drawn, console.options.update_width(4))) == [Segment("xxxx")]
    assert widths == [10, 4]
