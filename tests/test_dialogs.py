"""The shared dialogs (gate, lost, deal form, confirm) driven with the Pilot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

import salestui
from salestui.domain import ConflictError, GateTask, ValidationError
from salestui.screens.confirm import ConfirmDialog
from salestui.screens.deal_form import DealForm
from salestui.screens.gate import GateDecision, GateDialog, move_deal
from salestui.screens.lost import LostDialog
from salestui.store import Pipeline
from salestui.store.views import DealDetail

SIZE = (80, 24)
TRICKY = "[red]x[/red] 🚀 <script>"

TASKS = (
    GateTask(11, "prospect", "Identify the prospect", False, True),
    GateTask(12, "prospect", "Schedule a meeting", False, True),
    GateTask(21, "qualified", "Confirm the opportunity", False, True),
)


class Host(App[None]):
    """A bare app with the real styles that pushes one dialog and records its result."""

    CSS_PATH = Path(salestui.__file__).parent / "styles.tcss"

    def __init__(self, dialog: ModalScreen[Any] | None = None) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[Any] = []

    def on_mount(self) -> None:
        if self.dialog is not None:
            self.push_screen(self.dialog, self.results.append)

    def messages(self) -> str:
        return "\n".join(n.message for n in self._notifications)


def gate() -> GateDialog:
    return GateDialog("Acme", "prospect", "discovery", TASKS)


def box_title(app: App[None]) -> str:
    return str(app.screen.query_one("#gate").border_title)


async def tick_all(pilot: Pilot[None]) -> None:
    for box in pilot.app.screen.query(Checkbox):
        box.value = True
    await pilot.pause()


# ---------------------------------------------------------------- gate dialog


async def test_gate_lists_tasks_per_stage_and_title_counts_them() -> None:
    app = Host(gate())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        headings = [str(label.render()) for label in app.screen.query(".gate-stage")]
        assert headings == ["Prospect", "Qualified"]
        assert len(app.screen.query(Checkbox)) == 3
        assert box_title(app) == "Move to Discovery: 3 tasks still open"
        await pilot.press("space")
        assert box_title(app) == "Move to Discovery: 2 tasks still open"


async def test_gate_move_enabled_only_when_all_ticked() -> None:
    app = Host(gate())
    async with app.run_test(size=SIZE) as pilot:
        move = app.screen.query_one("#gate-move", Button)
        assert move.disabled
        await pilot.press("space", "down", "space")  # two of three, by keyboard
        assert move.disabled
        await pilot.press("ctrl+s")  # the key does nothing either
        assert app.results == []
        await pilot.press("down", "space")
        assert not move.disabled
        await pilot.click("#gate-move")
        assert app.results == [GateDecision(tick=(11, 12, 21))]


async def test_gate_last_tick_focuses_move() -> None:
    app = Host(gate())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "down", "space", "down", "space")
        assert box_title(app) == "Move to Discovery: every task ticked"
        assert app.screen.query_one("#gate-move", Button).has_focus
        await pilot.press("enter")
        assert app.results == [GateDecision(tick=(11, 12, 21))]


async def test_gate_move_key_after_ticking_all() -> None:
    app = Host(gate())
    async with app.run_test(size=SIZE) as pilot:
        await tick_all(pilot)
        await pilot.press("ctrl+s")
        assert app.results == [GateDecision(tick=(11, 12, 21))]


async def test_gate_override_needs_a_reason() -> None:
    app = Host(gate())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")  # tick the first task
        await pilot.click("#gate-override-button")
        reason = app.screen.query_one("#gate-reason", Input)
        assert reason.has_focus
        await pilot.press("space", "space", "enter")
        error = app.screen.query_one("#gate-reason-error", Static)
        assert error.display
        assert "why" in str(error.render())
        assert reason.has_class("-invalid")
        assert app.results == []
        await pilot.press(*"CEO agreed", "enter")
        assert app.results == [GateDecision(tick=(11,), override="CEO agreed")]


async def test_gate_override_button_confirms() -> None:
    app = Host(gate())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o", *"urgent")
        await pilot.click("#gate-override-button")
        assert app.results == [GateDecision(tick=(), override="urgent")]


@pytest.mark.parametrize("how", ["escape", "cancel"])
async def test_gate_cancel_returns_none(how: str) -> None:
    app = Host(gate())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        if how == "escape":
            await pilot.press("escape")
        else:
            await pilot.click("#gate-cancel")
        assert app.results == [None]


async def test_gate_shows_titles_literally() -> None:
    tasks = (GateTask(1, "prospect", f"Task {TRICKY}", False, True),)
    app = Host(GateDialog(TRICKY, "prospect", "qualified", tasks))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert str(app.screen.query_one("#gate-deal", Static).render()) == TRICKY
        assert str(app.screen.query_one(Checkbox).label) == f"Task {TRICKY}"


# ---------------------------------------------------------------- move_deal


class Mover(App[None]):
    """Moves a deal with `move_deal` from a plain screen and records what `done` got."""

    CSS_PATH = Host.CSS_PATH

    def __init__(self, pipeline: Pipeline, deal_id: int, version: int | None, to: str) -> None:
        super().__init__()
        self.args = (pipeline, deal_id, version, to)
        self.results: list[DealDetail | None] = []

    def on_mount(self) -> None:
        pipeline, deal_id, version, to = self.args
        move_deal(self.screen, pipeline, deal_id, version, to, self.results.append)

    def messages(self) -> str:
        return "\n".join(n.message for n in self._notifications)


def new_deal(pipeline: Pipeline) -> DealDetail:
    return pipeline.create({"title": TRICKY, "value": "1000"})


async def test_move_deal_ticks_through_the_gate(pipeline: Pipeline) -> None:
    deal = new_deal(pipeline)
    app = Mover(pipeline, deal.id, deal.version, "qualified")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, GateDialog)
        assert box_title(app) == "Move to Qualified: 3 tasks still open"
        assert str(app.screen.query_one("#gate-deal", Static).render()) == TRICKY
        await tick_all(pilot)
        await pilot.click("#gate-move")
        await pilot.pause()
    [moved] = app.results
    assert moved is not None and moved.stage == "qualified"
    assert all(t.done for t in pipeline.get(deal.id).tasks_of("prospect"))


async def test_move_deal_into_closed_through_the_gate_wins(pipeline: Pipeline) -> None:
    deal = pipeline.create({"title": "Almost there"}, stage="proposed")
    app = Mover(pipeline, deal.id, deal.version, "closed")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert box_title(app) == "Move to Closed: 5 tasks still open"
        await tick_all(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
    [moved] = app.results
    assert moved is not None and (moved.stage, moved.outcome) == ("closed", "won")


async def test_move_deal_without_open_tasks_moves_at_once(pipeline: Pipeline) -> None:
    deal = new_deal(pipeline)
    app = Mover(pipeline, deal.id, deal.version, "prospect")  # already there: refused
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "already in Prospect" in app.messages()
    assert app.results == [None]
    back = pipeline.move(deal.id, "qualified", override="test")
    app = Mover(pipeline, deal.id, back.version, "prospect")  # backward: no gate
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert [d.stage if d else None for d in app.results] == ["prospect"]


async def test_move_deal_override_is_recorded(pipeline: Pipeline) -> None:
    deal = new_deal(pipeline)
    app = Mover(pipeline, deal.id, deal.version, "discovery")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert box_title(app) == "Move to Discovery: 7 tasks still open"
        await pilot.press("ctrl+o", *"Signed early", "enter")
        await pilot.pause()
    [moved] = app.results
    assert moved is not None and moved.stage == "discovery"
    [override] = [e for e in pipeline.get(deal.id).history if e.kind == "override"]
    assert override.detail.startswith("Signed early")


async def test_move_deal_cancel_changes_nothing(pipeline: Pipeline) -> None:
    deal = new_deal(pipeline)
    app = Mover(pipeline, deal.id, deal.version, "qualified")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("space", "escape")
        await pilot.pause()
    assert app.results == [None]
    after = pipeline.get(deal.id)
    assert (after.stage, after.version) == ("prospect", deal.version)
    assert not any(t.done for t in after.tasks)


async def test_move_deal_stale_version_notifies(pipeline: Pipeline) -> None:
    deal = new_deal(pipeline)
    pipeline.edit(deal.id, {"company": "Elsewhere Ltd"})
    app = Mover(pipeline, deal.id, deal.version, "qualified")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "changed elsewhere" in app.messages()
        assert not isinstance(app.screen, GateDialog)
    assert app.results == [None]
    assert pipeline.get(deal.id).stage == "prospect"


async def test_move_deal_changed_while_dialog_open(
    pipeline: Pipeline, make_pipeline: Callable[..., Pipeline]
) -> None:
    deal = new_deal(pipeline)
    app = Mover(pipeline, deal.id, deal.version, "qualified")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        make_pipeline().edit(deal.id, {"owner": "someone else"})
        await tick_all(pilot)
        await pilot.click("#gate-move")
        await pilot.pause()
        assert "changed elsewhere" in app.messages()
    assert app.results == [None]
    after = pipeline.get(deal.id)
    assert after.stage == "prospect"
    assert not any(t.done for t in after.tasks)


# ---------------------------------------------------------------- lost


async def test_lost_preset() -> None:
    app = Host(LostDialog(TRICKY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "ctrl+s")
        assert app.results == ["Competitor"]


async def test_lost_preset_with_details() -> None:
    app = Host(LostDialog(TRICKY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#lost-reason-0")
        await pilot.click("#lost-details")
        await pilot.press(*"2x the rival's [b]price[/b]", "enter")
        assert app.results == ["Price: 2x the rival's [b]price[/b]"]


async def test_lost_needs_a_reason_and_other_needs_details() -> None:
    app = Host(LostDialog(TRICKY))
    async with app.run_test(size=SIZE) as pilot:
        error = app.screen.query_one("#lost-error", Static)
        await pilot.click("#lost-confirm")
        assert error.display and "Choose a reason" in str(error.render())
        await pilot.press("6")
        await pilot.click("#lost-confirm")
        assert error.display and "other reason" in str(error.render())
        assert app.screen.query_one("#lost-details", Input).has_focus
        assert app.results == []
        await pilot.press(*"Merged with a customer", "enter")
        assert app.results == ["Other: Merged with a customer"]


async def test_lost_escape_cancels() -> None:
    app = Host(LostDialog(TRICKY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "escape")
        assert app.results == [None]


# ---------------------------------------------------------------- deal form


class Recorder:
    """A `save` callable that records its calls and can refuse them."""

    def __init__(self, pipeline: Pipeline, error: Exception | None = None) -> None:
        self.pipeline = pipeline
        self.error = error
        self.calls: list[dict[str, str]] = []

    def __call__(self, raw: dict[str, str]) -> DealDetail:
        self.calls.append(raw)
        if self.error is not None:
            raise self.error
        return self.pipeline.create(raw)


def field(app: App[None], name: str) -> Input:
    return app.screen.query_one(f"#field-{name}", Input)


def error_text(app: App[None], name: str) -> str | None:
    label = app.screen.query_one(f"#error-{name}", Label)
    return str(label.render()) if label.display else None


async def test_form_shows_each_error_under_its_field(pipeline: Pipeline) -> None:
    save = Recorder(pipeline)
    app = Host(DealForm(save))
    async with app.run_test(size=SIZE) as pilot:
        field(app, "email").value = "not-an-email"
        await pilot.press("ctrl+s")
        assert error_text(app, "title") == "Title must not be empty"
        assert "not an email address" in (error_text(app, "email") or "")
        assert error_text(app, "company") is None
        assert field(app, "title").has_class("-invalid")
        assert field(app, "email").has_class("-invalid")
        assert field(app, "title").has_focus
        await pilot.press(*"Fleet")
        field(app, "email").value = "a@example.com"
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert len(save.calls) == 1
    assert [d.title if d else None for d in app.results] == ["Fleet"]


async def test_form_focuses_first_bad_field(pipeline: Pipeline) -> None:
    save = Recorder(pipeline)
    app = Host(DealForm(save))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"Fleet")
        field(app, "close_date").value = "31/12/2026"
        await pilot.press("ctrl+s")
        assert field(app, "close_date").has_focus
        assert "YYYY-MM-DD" in (error_text(app, "close_date") or "")
    assert save.calls == []


async def test_form_saves_raw_strings_once(pipeline: Pipeline) -> None:
    save = Recorder(pipeline)
    app = Host(DealForm(save))
    async with app.run_test(size=SIZE) as pilot:
        typed = {
            "title": TRICKY,
            "company": "Acme",
            "contact": "Alice",
            "email": "alice@example.com",
            "phone": "+33 1 42 68 53 00",
            "value": "48,000.50",
            "currency": "usd",
            "owner": "sam",
            "close_date": "2026-04-30",
            "source": "Referral",
        }
        for name, text in typed.items():
            if name == "currency":
                await pilot.press("ctrl+a", "ctrl+k")
            await pilot.press(*text, "enter")  # enter in the last field saves
        await pilot.pause()
    assert save.calls == [typed]
    [saved] = app.results
    assert saved is not None
    assert (saved.title, saved.value, saved.currency) == (TRICKY, 4800050, "USD")


async def test_form_conflict_keeps_typed_text(pipeline: Pipeline) -> None:
    deal = new_deal(pipeline)
    save = Recorder(pipeline, ConflictError("deal #1 was changed elsewhere"))
    app = Host(DealForm(save, initial=deal, heading="Edit deal"))
    async with app.run_test(size=SIZE) as pilot:
        assert field(app, "value").value == "1000.00"
        assert field(app, "title").value == TRICKY
        await pilot.press("ctrl+a", "ctrl+k", *"Renamed", "ctrl+s")
        message = app.screen.query_one("#deal-form-error", Static)
        assert message.display
        assert str(message.render()).startswith("This deal was changed elsewhere")
        assert isinstance(app.screen, DealForm)
        assert field(app, "title").value == "Renamed"
    assert len(save.calls) == 1
    assert app.results == []


async def test_form_store_refusal_shown_under_field(pipeline: Pipeline) -> None:
    save = Recorder(pipeline, ValidationError("owner", "is not on the team"))
    app = Host(DealForm(save))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"Fleet", "ctrl+s")
        assert error_text(app, "owner") == "Owner is not on the team"
        assert isinstance(app.screen, DealForm)


async def test_form_escape_unchanged_closes_at_once(pipeline: Pipeline) -> None:
    app = Host(DealForm(Recorder(pipeline), initial=new_deal(pipeline)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        assert app.results == [None]


async def test_form_escape_after_typing_asks_first(pipeline: Pipeline) -> None:
    save = Recorder(pipeline)
    app = Host(DealForm(save))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"Half typed", "escape")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert isinstance(app.screen, DealForm)
        assert field(app, "title").value == "Half typed"
        await pilot.press("escape", "y")
        assert app.results == [None]
    assert save.calls == []


# ---------------------------------------------------------------- confirm


@pytest.mark.parametrize(
    ("keys", "answer"),
    [(["y"], True), (["n"], False), (["escape"], False), (["enter"], False)],
)
async def test_confirm_keys(keys: list[str], answer: bool) -> None:
    app = Host(ConfirmDialog(f"Delete {TRICKY}?"))
    async with app.run_test(size=SIZE) as pilot:
        assert str(app.screen.query_one("#confirm-question", Static).render()) == (
            f"Delete {TRICKY}?"
        )
        await pilot.press(*keys)
        assert app.results == [answer]


async def test_confirm_buttons_with_own_words() -> None:
    app = Host(ConfirmDialog("Discard your changes?", yes="Discard", no="Keep editing"))
    async with app.run_test(size=SIZE) as pilot:
        assert str(app.screen.query_one("#confirm-yes", Button).label) == "Discard"
        await pilot.click("#confirm-yes")
        assert app.results == [True]
