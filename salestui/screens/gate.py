"""The gate: a forward move blocked by open required tasks, and the one way the UI moves a deal."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Checkbox, Footer, Input, Label, Static

from salestui.domain import (
    STAGE_BY_KEY,
    ConflictError,
    DomainError,
    GateBlocked,
    GateTask,
    ValidationError,
    check_text,
    stage_index,
)
from salestui.render import literal
from salestui.store import DealCard, Pipeline


@dataclass(frozen=True)
class GateDecision:
    """What the user chose in the gate dialog."""

    tick: tuple[int, ...]
    """Ids of the tasks ticked in the dialog."""
    override: str | None = None
    """The written reason when the user overrides the gate."""


def _tasks_open(count: int) -> str:
    if not count:
        return "every task ticked"
    return f"{count} task{'s' if count != 1 else ''} still open"


class GateDialog(ModalScreen[GateDecision | None]):
    """Lists the open required tasks of a blocked move; tick them all, or override with a reason."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="gate.cancel"),
        Binding("ctrl+s", "move", "Move", id="gate.move"),
        Binding("ctrl+o", "override", "Override", id="gate.override"),
        Binding("down", "app.focus_next", "Next", show=False, id="gate.next"),
        Binding("up", "app.focus_previous", "Previous", show=False, id="gate.previous"),
    ]

    def __init__(
        self, deal_title: str, from_stage: str, to_stage: str, open_tasks: Sequence[GateTask]
    ) -> None:
        super().__init__()
        self._deal_title = deal_title
        self._from = from_stage
        self._to = to_stage
        self._tasks = sorted(open_tasks, key=lambda t: stage_index(t.stage))

    def compose(self) -> ComposeResult:
        with Vertical(id="gate", classes="dialog"):
            yield Static(literal(self._deal_title, "bold"), id="gate-deal")
            yield Static(
                f"Moving from {STAGE_BY_KEY[self._from].label} to {STAGE_BY_KEY[self._to].label}"
                " needs these tasks done. Tick the ones that are, or override with a reason.",
                id="gate-help",
                markup=False,
            )
            with VerticalScroll(id="gate-tasks"):
                for stage, tasks in groupby(self._tasks, key=lambda t: t.stage):
                    yield Label(STAGE_BY_KEY[stage].label, classes="gate-stage")
                    for task in tasks:
                        yield Checkbox(
                            literal(task.title),
                            id=f"gate-task-{task.id}",
                            compact=True,
                            tooltip=literal(task.title),
                        )
            with Vertical(id="gate-override"):
                yield Label("Reason for moving with tasks open (kept in the history)")
                yield Input(
                    placeholder="e.g. agreed with the customer by phone",
                    id="gate-reason",
                    compact=True,
                )
                yield Static(id="gate-reason-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Move", variant="primary", id="gate-move", disabled=True)
                yield Button("Override…", variant="warning", id="gate-override-button")
                yield Button("Cancel", id="gate-cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#gate-override").display = False
        self.query_one("#gate-reason-error").display = False
        self._update()
        if self._tasks:
            self.query_one("#gate-tasks Checkbox").focus()

    @property
    def _ticked(self) -> tuple[int, ...]:
        return tuple(
            task.id
            for task in self._tasks
            if self.query_one(f"#gate-task-{task.id}", Checkbox).value
        )

    def _update(self) -> None:
        """Title and Move button follow the ticks."""
        left = len(self._tasks) - len(self._ticked)
        box = self.query_one("#gate", Vertical)
        box.border_title = f"Move to {STAGE_BY_KEY[self._to].label}: {_tasks_open(left)}"
        move = self.query_one("#gate-move", Button)
        if move.disabled and not left:
            move.disabled = False
            move.focus()  # the last tick: Enter moves
        move.disabled = left > 0
        self.refresh_bindings()

    @on(Checkbox.Changed)
    def _ticked_changed(self) -> None:
        self._update()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Ctrl+S shows dimmed in the footer until every task is ticked."""
        if action == "move":
            return None if self.query_one("#gate-move", Button).disabled else True
        return True

    @on(Button.Pressed, "#gate-move")
    def action_move(self) -> None:
        if len(self._ticked) == len(self._tasks):
            self.dismiss(GateDecision(tick=tuple(task.id for task in self._tasks)))

    @on(Button.Pressed, "#gate-override-button")
    @on(Input.Submitted, "#gate-reason")
    def action_override(self) -> None:
        """First reveal the reason field; once it is shown, confirm the override."""
        panel = self.query_one("#gate-override")
        reason_input = self.query_one("#gate-reason", Input)
        if not panel.display:
            panel.display = True
            self.query_one("#gate-help").display = False
            self.query_one("#gate-override-button", Button).label = "Move anyway"
            reason_input.focus()
            return
        try:
            reason = check_text("reason", reason_input.value, required=True).strip()
        except ValidationError as error:
            self._reason_error(
                "Write why the deal moves with tasks open."
                if not reason_input.value.strip()
                else f"The reason {error.message}."
            )
            reason_input.focus()
            return
        self.dismiss(GateDecision(tick=self._ticked, override=reason))

    def _reason_error(self, message: str) -> None:
        line = self.query_one("#gate-reason-error", Static)
        line.update(literal(message))
        line.display = True
        self.query_one("#gate-reason", Input).add_class("-invalid")

    @on(Input.Changed, "#gate-reason")
    def _reason_typed(self) -> None:
        self.query_one("#gate-reason-error").display = False
        self.query_one("#gate-reason", Input).remove_class("-invalid")

    @on(Button.Pressed, "#gate-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def move_deal(
    screen: Screen[Any],
    pipeline: Pipeline,
    deal_id: int,
    version: int | None,
    to_stage: str,
    done: Callable[[DealCard | None], None],
) -> None:
    """The one way the UI moves a deal: through the gate dialog when required tasks are open.

    `done` gets the moved deal's card, or None when nothing moved (cancelled or refused,
    the user having been told why).
    """

    def attempt(decision: GateDecision | None = None) -> None:
        try:
            if decision is None:
                moved = pipeline.move(deal_id, to_stage, version=version, detail=False)
            else:
                moved = pipeline.move(
                    deal_id,
                    to_stage,
                    version=version,
                    tick=decision.tick,
                    override=decision.override,
                    detail=False,
                )
        except GateBlocked as blocked:
            ask(blocked.open_tasks)
            return
        except ConflictError:
            refuse("This deal was changed elsewhere, so it was not moved. Check it and try again.")
            return
        except DomainError as error:
            refuse(f"Not moved: {error.message if isinstance(error, ValidationError) else error}.")
            return
        done(moved)

    def refuse(message: str) -> None:
        screen.notify(message, title="Not moved", severity="error", markup=False)
        done(None)

    def ask(open_tasks: Sequence[GateTask]) -> None:
        try:
            card = pipeline.card(deal_id)
        except DomainError as error:
            refuse(f"Not moved: {error}.")
            return
        dialog = GateDialog(card.title, card.stage, to_stage, open_tasks)

        def decided(decision: GateDecision | None) -> None:
            if decision is None:
                done(None)
            else:
                attempt(decision)

        screen.app.push_screen(dialog, decided)

    attempt()
