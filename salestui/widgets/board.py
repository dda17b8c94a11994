"""The kanban board: six line-rendered columns and one selection.

Scale is designed in: each column draws only the cards on screen and pages them from
the store (see `board_column`), the header figures come from the store's running
totals, and the board owns the selection: moving it repaints the two cards involved,
nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import var
from textual.widget import Widget

from salestui import domain
from salestui.store import DealCard, Pipeline
from salestui.widgets.board_column import BoardSource, StageColumn, StageHeader

NARROW = 26
"""Columns narrower than this get three-line headers (figures on lines of their own)."""


class Board(Widget, can_focus=True):
    """Six stage columns with one selected card; keys move the selection."""

    BINDINGS = [
        Binding("left,h", "column(-1)", "◀", show=False, id="board.left"),
        Binding("right,l", "column(1)", "▶", show=False, id="board.right"),
        Binding("up,k", "row(-1)", "▲", show=False, id="board.up"),
        Binding("down,j", "row(1)", "▼", show=False, id="board.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="board.page-up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="board.page-down"),
        Binding("home,g", "edge(-1)", "First", show=False, id="board.first"),
        Binding("end,G", "edge(1)", "Last", show=False, id="board.last"),
        Binding("escape", "cancel_drag", "Cancel drag", show=False, id="board.cancel-drag"),
    ]

    column_index: var[int] = var(0)
    """Which column has the selection."""

    class Selected(Message):
        """The selected deal changed (None: the column is empty)."""

        def __init__(self, board: Board, card: DealCard | None) -> None:
            super().__init__()
            self.board = board
            self.card = card

        @property
        def control(self) -> Board:
            return self.board

    class Activated(Message):
        """A deal was opened (Enter or double-click)."""

        def __init__(self, board: Board, card: DealCard) -> None:
            super().__init__()
            self.board = board
            self.card = card

        @property
        def control(self) -> Board:
            return self.board

    class Dropped(Message):
        """A card was dragged onto another column."""

        def __init__(self, board: Board, card: DealCard, stage: str) -> None:
            super().__init__()
            self.board = board
            self.card = card
            self.stage = stage

        @property
        def control(self) -> Board:
            return self.board

    def __init__(self, pipeline: Pipeline, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source = BoardSource(pipeline)
        self.columns = [StageColumn(stage, self.source) for stage in domain.STAGE_KEYS]
        self.headers = [StageHeader(stage) for stage in domain.STAGE_KEYS]
        self.rows = [0] * len(self.columns)
        """The remembered row in each column."""
        self._drag: _Drag | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="board-columns"):
            for header, column in zip(self.headers, self.columns, strict=True):
                with Vertical(classes="stage", id=f"stage-{column.stage}"):
                    yield header
                    yield column

    def on_mount(self) -> None:
        self.reload()

    # ---------------------------------------------------------------- data

    @property
    def pipeline(self) -> Pipeline:
        return self.source.pipeline

    @property
    def column(self) -> StageColumn:
        return self.columns[self.column_index]

    @property
    def selected_card(self) -> DealCard | None:
        return self.column.card_at(self.rows[self.column_index])

    def reload(self, stages: set[str] | None = None) -> None:
        """Re-read headers (cheap: running totals) and the given columns (all by default)."""
        summaries = self.pipeline.summaries(self.source.query)
        for index, (header, column) in enumerate(zip(self.headers, self.columns, strict=True)):
            header.show(summaries[column.stage])
            if stages is None or column.stage in stages:
                column.reset(summaries[column.stage].count)
                self.rows[index] = min(self.rows[index], max(0, column.count - 1))
        self._paint_selection()

    def set_query(self, query: str) -> None:
        """Show only deals whose title, company or contact contains `query`."""
        if query != self.source.query:
            self.source.query = query
            self.rows = [0] * len(self.columns)
            for column in self.columns:
                column.scroll_to(y=0, animate=False, immediate=True)
            self.reload()
            matches = [index for index, column in enumerate(self.columns) if column.count]
            if matches and not self.column.count:
                self._go(matches[0])  # land on a match, not on an emptied column
            else:
                self._announce()

    def follow(self, deal_id: int, *, old_stage: str | None = None) -> None:
        """A deal changed: redraw the columns it left and entered, and select it."""
        try:
            card = self.pipeline.card(deal_id)
        except domain.NotFound:
            self.reload({old_stage} if old_stage else None)
            self._announce()
            return
        self.reload({card.stage, old_stage} if old_stage else {card.stage})
        self.select(deal_id, card.stage)

    def select(self, deal_id: int, stage: str) -> None:
        index = domain.stage_index(stage)
        row = self.pipeline.position(deal_id, query=self.source.query)
        self._clear_selection()
        self.column_index = index
        if row is not None:
            self.rows[index] = row
        self._paint_selection()
        self._announce()

    # ---------------------------------------------------------------- selection

    def _clear_selection(self) -> None:
        column = self.column
        old, column.selected = column.selected, None
        column.refresh_row(old)
        self._mark_focused(False)

    def _paint_selection(self) -> None:
        column = self.column
        row = self.rows[self.column_index]
        row = min(row, max(0, column.count - 1))
        self.rows[self.column_index] = row
        old = column.selected
        column.selected = row if column.count and self.has_focus_within else None
        if old != column.selected:
            column.refresh_row(old)
            column.refresh_row(column.selected)
        if column.count:
            column.show_row(row)
        self._mark_focused(True)

    def _mark_focused(self, on: bool) -> None:
        """Light the focused column's header (a class on the header alone restyles only it)."""
        self.headers[self.column_index].set_class(on and self.has_focus_within, "-active")

    def _announce(self) -> None:
        self.post_message(self.Selected(self, self.selected_card))

    def _go(self, column_index: int, row: int | None = None) -> None:
        if column_index != self.column_index:
            self._clear_selection()
            self.column_index = column_index
        if row is not None:
            self.rows[self.column_index] = row
        self._paint_selection()
        self._announce()

    def action_column(self, delta: int) -> None:
        self._go(max(0, min(len(self.columns) - 1, self.column_index + delta)))

    def action_row(self, delta: int) -> None:
        row = self.rows[self.column_index] + delta
        self._go(self.column_index, max(0, min(self.column.count - 1, row)))

    def action_page(self, delta: int) -> None:
        self.action_row(delta * self.column.rows_per_page)

    def action_edge(self, direction: int) -> None:
        self._go(self.column_index, 0 if direction < 0 else max(0, self.column.count - 1))

    def on_focus(self) -> None:
        self._paint_selection()

    def on_blur(self) -> None:
        self._paint_selection()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW * len(self.columns), "-narrow")

    # ---------------------------------------------------------------- mouse

    def _column_at(self, screen_x: int, screen_y: int) -> StageColumn | None:
        for column in self.columns:
            region = column.region
            if region.x <= screen_x < region.right and column.parent is not None:
                stage_region = column.parent.region  # type: ignore[attr-defined]
                if stage_region.y <= screen_y < stage_region.bottom:
                    return column
        return None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        column = self._column_at(event.screen_x, event.screen_y)
        if column is None or event.button != 1:
            return
        row = column.row_at(event.screen_y - column.region.y)
        self.focus()
        self._go(self.columns.index(column), row)
        if row is not None:
            self._drag = _Drag(column, row, event.screen_x, event.screen_y)
            self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        drag = self._drag
        if drag is None:
            return
        if not drag.moving and abs(event.screen_x - drag.x) + abs(event.screen_y - drag.y) < 2:
            return
        if not drag.moving:
            drag.moving = True
            drag.column.held = drag.row
            drag.column.refresh_row(drag.row)
        target = self._column_at(event.screen_x, event.screen_y)
        if target is not drag.target:
            for column in (drag.target, target):
                if column is not None and isinstance(column.parent, Widget):
                    column.parent.set_class(
                        column is target and target is not drag.column, "-drop-target"
                    )
            drag.target = target

    def on_mouse_up(self, event: events.MouseUp) -> None:
        drag, self._drag = self._drag, None
        if drag is None:
            return
        self.release_mouse()
        self._end_drag(drag)
        if not drag.moving:
            return
        target = self._column_at(event.screen_x, event.screen_y)
        card = drag.column.card_at(drag.row)
        if target is not None and target is not drag.column and card is not None:
            self.post_message(self.Dropped(self, card, target.stage))

    def _end_drag(self, drag: _Drag) -> None:
        drag.column.held = None
        drag.column.refresh_row(drag.row)
        if drag.target is not None and isinstance(drag.target.parent, Widget):
            drag.target.parent.remove_class("-drop-target")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Esc cancels a drag; otherwise it goes on to the screen (clearing the filter)."""
        return self._drag is not None if action == "cancel_drag" else True

    def action_cancel_drag(self) -> None:
        """Esc during a drag: drop nothing."""
        drag, self._drag = self._drag, None
        if drag is not None:
            self.release_mouse()
            self._end_drag(drag)

    def on_click(self, event: events.Click) -> None:
        if event.chain == 2 and self.selected_card is not None:
            self.post_message(self.Activated(self, self.selected_card))


@dataclass
class _Drag:
    column: StageColumn
    row: int
    x: int
    y: int
    moving: bool = False
    target: StageColumn | None = None
