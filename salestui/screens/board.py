"""The home screen: the pipeline as a kanban board."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Key, Resize
from textual.screen import Screen
from textual.widgets import Footer, Header, Input

from salestui import domain
from salestui.domain import CLOSED, DomainError
from salestui.screens.deal_form import DealForm
from salestui.screens.gate import move_deal
from salestui.screens.lost import LostDialog
from salestui.store import DealCard, DealDetail, Pipeline
from salestui.widgets.board import Board
from salestui.widgets.cropped_updates import CroppingCompositor
from salestui.widgets.deal_footer import QuietFooter

if TYPE_CHECKING:
    from salestui.screens.deal import DealScreen


@dataclass(frozen=True)
class _Undo:
    """How a deal was before a move or an outcome change."""

    deal_id: int
    stage: str
    outcome: str
    lost_reason: str


_SELECTION_ACTIONS: tuple[tuple[str, tuple[object, ...]], ...] = (
    ("open", ()),
    ("undo", ()),
    ("clear_filter", ()),
)
"""The actions whose `check_action` depends on the selection, the filter or the undo list."""


class BoardScreen(Screen[None]):
    """Six stage columns; keys and the mouse move deals through the stage gate."""

    BINDINGS = [
        Binding("enter", "open", "Open", tooltip="Open the deal", id="board.open"),
        Binding("n", "new", "New", tooltip="New deal in this column's stage", id="board.new"),
        Binding("e", "edit", "Edit", tooltip="Edit the deal's fields", id="board.edit"),
        Binding(
            "shift+left,less_than_sign",
            "move(-1)",
            "Back",
            tooltip="Move the deal one stage back",
            key_display="<",
            id="board.back",
        ),
        Binding(
            "shift+right,greater_than_sign",
            "move(1)",
            "Fwd",
            tooltip="Move the deal one stage forward (through the gate)",
            key_display=">",
            id="board.forward",
        ),
        Binding("x", "lose", "Lost", tooltip="Mark the deal lost", id="board.lose"),
        Binding("u", "undo", "Undo", tooltip="Undo the last move or outcome", id="board.undo"),
        Binding("slash", "filter", "Filter", key_display="/", id="board.filter"),
        Binding(
            "escape", "clear_filter", "Clear", tooltip="Clear the filter", id="board.clear-filter"
        ),
    ]

    def __init__(self, pipeline: Pipeline) -> None:
        super().__init__()
        # Repaints of a card write its own cells, not the board's width from the left.
        self._compositor = CroppingCompositor()
        self.pipeline = pipeline
        self._undo: list[_Undo] = []
        self._keys: tuple[bool | None, ...] = ()
        """What `check_action` said about the selection's actions when the footer was drawn."""
        self._filter_opening = False
        """True between "/" and the filter field getting focus."""
        self._deal_screen: DealScreen | None = None
        """The one deal screen, built on the first open and shown again for every deal."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder="Filter by title, company or contact (Esc clears)",
            id="board-filter",
            compact=True,
        )
        yield Board(self.pipeline, id="board")
        yield QuietFooter(compact=True)

    def on_mount(self) -> None:
        self.board.focus()
        self.call_after_refresh(self._update_keys)

    def on_resize(self, event: Resize) -> None:
        """Narrow terminals give the palette's footer hint to the board's keys (Ctrl+P works)."""
        footer, wide = self.query_one(Footer), event.size.width >= 100
        if footer.show_command_palette != wide:
            footer.show_command_palette = wide
            footer.refresh(recompose=True)

    @property
    def board(self) -> Board:
        return self.query_one(Board)

    @property
    def card(self) -> DealCard | None:
        return self.board.selected_card

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Dim the keys that need a deal when none is selected.

        Whether a move or `x` applies to this particular deal (first stage, already
        lost) is told when pressed: a footer that changed on every cursor step would
        make the whole screen repaint.
        """
        if action in ("open", "edit", "lose", "move") and self.card is None:
            return None
        if action == "undo":
            return True if self._undo else None  # always shown, so the footer keeps its keys
        if action == "clear_filter":
            return bool(self.board.source.query) or self.filter_input.display
        return True

    @on(Board.Selected)
    def _selection_changed(self) -> None:
        self._update_keys()

    def _update_keys(self) -> None:
        """Redraw the footer only when the keys that apply change, not on every cursor step."""
        keys = tuple(self.check_action(action, params) for action, params in _SELECTION_ACTIONS)
        if keys != self._keys:
            self._keys = keys
            self.refresh_bindings()

    # ---------------------------------------------------------------- opening

    @on(Board.Activated)
    def _activated(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        card = self.card
        if card is None:
            return
        from salestui.screens.deal import DealScreen  # loaded on first open, not at start

        try:
            if self._deal_screen is None:
                self._deal_screen = DealScreen(self.pipeline, card.id)
                self.app.install_screen(self._deal_screen, "deal")
            else:
                self._deal_screen.load(card.id)
        except DomainError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        screen = self._deal_screen

        def show() -> None:
            if screen not in self.app.screen_stack:  # Enter pressed twice
                self.app.push_screen(screen, lambda _: self._back_from_deal(card))

        # Shown once its widgets have taken the deal in, so that its first frame lays
        # them out: shown at once, it could paint the new deal in the old places first.
        self.call_after_refresh(show)

    def _back_from_deal(self, card: DealCard) -> None:
        """Back from a deal: redraw what changed, nothing when it was only looked at."""
        try:
            now: DealCard | None = self.pipeline.card(card.id)
        except DomainError:
            now = None
        if now != card:
            self._changed(card.id, card.stage, now)

    def action_new(self) -> None:
        stage = self.board.column.stage

        def save(raw: dict[str, str]) -> DealDetail:
            return self.pipeline.create(raw, stage=stage)

        heading = f"New deal in {domain.STAGE_BY_KEY[stage].label}"
        self.app.push_screen(DealForm(save, heading=heading), self._created)

    def _created(self, detail: DealDetail | None) -> None:
        if detail is not None:
            self.board.follow(detail.id)
            self.notify(f"Deal #{detail.id} added", markup=False)

    def action_edit(self) -> None:
        card = self.card
        if card is None:
            return
        held = {"version": card.version}

        def save(raw: dict[str, str]) -> DealDetail:
            try:
                return self.pipeline.edit(card.id, raw, version=held["version"])
            except domain.ConflictError:
                held["version"] = self.pipeline.card(card.id).version
                raise

        try:
            initial = self.pipeline.get(card.id)
        except DomainError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.app.push_screen(
            DealForm(save, initial, heading=f"Edit deal #{card.id}"),
            lambda _: self._changed(card.id, card.stage),
        )

    # ---------------------------------------------------------------- moves

    def action_move(self, delta: int) -> None:
        card = self.card
        if card is None:
            return
        index = domain.stage_index(card.stage) + delta
        if 0 <= index < len(domain.STAGES):
            self._move(card, domain.STAGE_KEYS[index])
        else:
            edge = "first" if delta < 0 else "last"
            self.notify(f"{domain.STAGE_BY_KEY[card.stage].label} is the {edge} stage.")

    @on(Board.Dropped)
    def _dropped(self, event: Board.Dropped) -> None:
        self._move(event.card, event.stage)

    def _move(self, card: DealCard, to_stage: str) -> None:
        before = _Undo(card.id, card.stage, card.outcome, card.lost_reason)

        def done(moved: DealCard | None) -> None:
            if moved is None:
                self._changed(card.id, card.stage)
                return
            self._undo.append(before)
            self._changed(card.id, card.stage, moved)
            if moved.stage == CLOSED and moved.outcome == domain.WON:
                self.notify(f"Won: {moved.title}", markup=False)

        move_deal(self, self.pipeline, card.id, card.version, to_stage, done)

    def action_lose(self) -> None:
        card = self.card
        if card is None:
            return
        if card.outcome == domain.LOST:
            self.notify("This deal is already lost.", markup=False)
            return

        def lost(reason: str | None) -> None:
            if reason is None:
                return
            try:
                self.pipeline.lose(card.id, reason, version=card.version)
            except DomainError as error:
                self.notify(f"Not marked lost: {error}", severity="error", markup=False)
            else:
                self._undo.append(_Undo(card.id, card.stage, card.outcome, card.lost_reason))
            self._changed(card.id, card.stage)

        self.app.push_screen(LostDialog(card.title), lost)

    def action_undo(self) -> None:
        if not self._undo:
            return
        undo = self._undo.pop()
        try:
            current = self.pipeline.card(undo.deal_id)
            self.pipeline.restore_state(
                undo.deal_id, undo.stage, undo.outcome, undo.lost_reason, version=current.version
            )
        except DomainError as error:
            self.notify(f"Nothing undone: {error}", severity="error", markup=False)
            return
        self._changed(undo.deal_id, current.stage)
        self.notify(f"Undone: back to {domain.STAGE_BY_KEY[undo.stage].label}", markup=False)

    def _changed(self, deal_id: int, old_stage: str, card: DealCard | None = None) -> None:
        """Redraw what a change touched; `card` is the deal as it is now, when known."""
        self.board.follow(deal_id, old_stage=old_stage, card=card)
        self._update_keys()

    # ---------------------------------------------------------------- filter

    @property
    def filter_input(self) -> Input:
        return self.query_one("#board-filter", Input)

    def action_filter(self) -> None:
        self.filter_input.display = True
        self._filter_opening = True
        self.filter_input.focus()

    @on(Input.Changed, "#board-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.board.set_query(event.value.strip())

    @on(Input.Submitted, "#board-filter")
    def _filter_submitted(self) -> None:
        self.board.focus()

    def action_clear_filter(self) -> None:
        self.filter_input.value = ""
        self.filter_input.display = False
        self.board.set_query("")
        self.board.focus()
        self._update_keys()

    def on_key(self, event: Key) -> None:
        field = self.filter_input
        if event.key == "escape" and field.has_focus:
            event.stop()
            self.action_clear_filter()
        elif event.key == "slash" and not field.has_focus and not self._filter_opening:
            # Handled here rather than by the binding so the keys typed right after it
            # (already queued) are known to be the filter's.
            event.stop()
            event.prevent_default()
            self.action_filter()
        elif self._filter_opening and event.is_printable and event.character:
            # Keys typed right after "/" arrive before the field has focus: they are
            # the filter's, not board commands.
            event.stop()
            event.prevent_default()
            field.insert_text_at_cursor(event.character)

    def on_descendant_focus(self) -> None:
        if self.filter_input.has_focus:
            self._filter_opening = False
