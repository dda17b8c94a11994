"""The kanban board: six stage columns and one selection, drawn as one widget.

Scale is designed in: the board is a single line-rendered widget (Textual's Line API)
whose lines are the six columns' slices side by side, so a frame costs one widget's
lines whatever the number of deals. Each column draws only the cards on screen and
pages them from the store (see `board_column`); the header figures come from the
store's running totals; and the board owns the selection: moving it repaints the two
cards involved, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.strip import Strip
from textual.widget import Widget

from salestui import domain
from salestui.store import DealCard, Pipeline
from salestui.widgets.board_column import CARD_HEIGHT, BoardSource, Line, StageColumn

NARROW = 26
"""Columns narrower than this get three-line headers (figures on lines of their own)."""
SEPARATOR = "▕"
"""Drawn between columns, on every line."""


class Board(Widget, can_focus=True):
    """Six stage columns with one selected card; keys move the selection."""

    COMPONENT_CLASSES = {
        "board--header",
        "board--header-active",
        "board--header-drop",
        "board--drop",
        "board--separator",
        "board--scrollbar",
        "board--scrollbar-thumb",
        "card--title",
        "card--meta",
        "card--selected",
        "card--stale",
        "card--won",
        "card--lost",
        "card--held",
        "card--cursor",
    }

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
        self.columns = [StageColumn(self, stage, self.source) for stage in domain.STAGE_KEYS]
        self.rows = [0] * len(self.columns)
        """The remembered row in each column."""
        self._drag: _Drag | None = None
        self._scrolling: StageColumn | None = None
        """The column whose scrollbar is being dragged."""
        self._placed = Size(0, 0)
        self._styles: dict[tuple[str, bool], Style] = {}
        self._blanks: dict[tuple[int, str], Line] = {}
        self._cells: dict[str, Segment] = {}

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

    def reload(
        self,
        stages: set[str] | None = None,
        *,
        changed: DealCard | None = None,
        old_stage: str | None = None,
    ) -> None:
        """Re-read headers (cheap: running totals) and the given columns (all by default).

        With `changed` (a deal as it is now, which was in `old_stage`), a column updates
        the cards it holds when it can instead of reading them again.
        """
        self._place()
        summaries = self.pipeline.summaries(self.source.query)
        for index, column in enumerate(self.columns):
            column.show(summaries[column.stage])
            if stages is None or column.stage in stages:
                count = summaries[column.stage].count
                was_here = column.stage == old_stage
                if changed is None or not column.update(changed, count, was_here=was_here):
                    column.reset(count)
                self.rows[index] = min(self.rows[index], max(0, column.count - 1))
        self._paint_selection()

    def set_query(self, query: str) -> None:
        """Show only deals whose title, company or contact contains `query`."""
        if query != self.source.query:
            self.source.query = query
            self.rows = [0] * len(self.columns)
            for column in self.columns:
                column.scroll_to(0)
            self.reload()
            matches = [index for index, column in enumerate(self.columns) if column.count]
            if matches and not self.column.count:
                self._go(matches[0])  # land on a match, not on an emptied column
            else:
                self._announce()

    def follow(
        self, deal_id: int, *, old_stage: str | None = None, card: DealCard | None = None
    ) -> None:
        """A deal changed: redraw the columns it left and entered, and select it.

        `card` is the deal as it is now, when the caller has it (saves reading it again).
        """
        if card is None:
            try:
                card = self.pipeline.card(deal_id)
            except domain.NotFound:
                self.reload({old_stage} if old_stage else None)
                self._announce()
                return
        stages = {card.stage, old_stage} if old_stage else {card.stage}
        self.reload(stages, changed=card, old_stage=old_stage)
        self.select(deal_id, card.stage)

    def select(self, deal_id: int, stage: str) -> None:
        index = domain.stage_index(stage)
        row = self.columns[index].find(deal_id)
        if row is None:
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
        """Light the focused column's header."""
        column = self.column
        active = on and self.has_focus_within
        if column.active != active:
            column.active = active
            column.refresh_header()

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

    # ---------------------------------------------------------------- geometry

    @property
    def header_height(self) -> int:
        width, height = self.size
        return min(height, 3 if width < NARROW * len(self.columns) else 2)

    def _place(self) -> None:
        """Share the width between the columns (a separator after each but the last)."""
        size = self.size
        if size == self._placed:
            return
        self._placed = size
        count, top = len(self.columns), self.header_height
        edges = [size.width * index // count for index in range(count + 1)]
        for index, column in enumerate(self.columns):
            gap = 1 if index < count - 1 else 0
            width = max(0, edges[index + 1] - edges[index] - gap)
            column.place(edges[index], width, top, max(0, size.height - top))
        if self.column.selected is not None:
            self.column.show_row(self.column.selected)

    def on_resize(self) -> None:
        """Keep the selected card in view whatever the new size."""
        self._place()
        self.refresh()

    # ---------------------------------------------------------------- drawing

    def render_line(self, y: int) -> Strip:
        self._place()
        top = self.header_height
        separator = self._cell("board--separator", SEPARATOR)
        segments: Line = []
        for column in self.columns:
            if segments:
                segments.append(separator)
            segments += column.header_line(y) if y < top else column.card_line(y - top)
        return Strip(segments, self.size.width)

    def style(self, name: str) -> Style:
        """The board's own style ("") or a component's, worked out once per theme."""
        return self._style(name, False)

    def part(self, name: str) -> Style:
        """A component style without the background, so selection shows through."""
        return self._style(name, True)

    def _style(self, name: str, partial: bool) -> Style:
        key = (name, partial)
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = (
                self.rich_style
                if not name
                else self.get_component_rich_style(name, partial=partial)
            )
        return style

    def line(self, text: Text, width: int, style: Style) -> Line:
        """`text` drawn in exactly `width` cells, padded in `style`."""
        segments = list(text.render(self.app.console))
        return list(Strip(segments).adjust_cell_length(width, style).crop(0, width))

    def blank(self, width: int, name: str) -> Line:
        key = (width, name)
        line = self._blanks.get(key)
        if line is None:
            line = self._blanks[key] = [Segment(" " * width, self.style(name))] if width else []
        return line

    def scrollbar_cell(self, thumb: bool) -> Segment:
        return self._cell("board--scrollbar-thumb" if thumb else "board--scrollbar", " ")

    def _cell(self, name: str, character: str) -> Segment:
        cell = self._cells.get(name)
        if cell is None:
            cell = self._cells[name] = Segment(character, self.style(name))
        return cell

    def notify_style_update(self) -> None:
        """A new theme or class: drawn lines are stale."""
        super().notify_style_update()
        self._styles.clear()
        self._blanks.clear()
        self._cells.clear()
        for column in self.columns:
            column.clear_drawn()
        self.refresh()

    # ---------------------------------------------------------------- mouse

    def _column_at(self, screen_x: int, screen_y: int) -> StageColumn | None:
        """The column under a screen cell (its separator counts as its own)."""
        origin = self.content_region
        x, y = screen_x - origin.x, screen_y - origin.y
        if not (0 <= x < origin.width and 0 <= y < origin.height):
            return None
        for column in self.columns:
            if column.x <= x <= column.x + column.width:
                return column
        return None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        column = self._column_at(event.screen_x, event.screen_y)
        if column is None or event.button != 1:
            return
        if column.in_scrollbar(event.screen_x - self.content_region.x):
            self._scrolling = column
            self.capture_mouse()
            self._scroll_by_bar(column, event.screen_y)
            return
        row = column.row_at(event.screen_y - column.region.y)
        self.focus()
        self._go(self.columns.index(column), row)
        if row is not None:
            self._drag = _Drag(column, row, event.screen_x, event.screen_y)
            self.capture_mouse()

    def _scroll_by_bar(self, column: StageColumn, screen_y: int) -> None:
        """Scroll so the thumb's middle follows the pointer, a whole card at a time."""
        y = screen_y - column.region.y
        share = max(0.0, min(1.0, y / max(1, column.height - 1)))
        steps = -(-column.max_scroll_y // CARD_HEIGHT)  # the last one may be a part card
        column.scroll_to(min(column.max_scroll_y, round(share * steps) * CARD_HEIGHT))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._scrolling is not None:
            self._scroll_by_bar(self._scrolling, event.screen_y)
            return
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
                if column is not None:
                    self._set_drop_target(column, column is target and target is not drag.column)
            drag.target = target

    def _set_drop_target(self, column: StageColumn, on: bool) -> None:
        if column.drop_target != on:
            column.drop_target = on
            column.refresh_header()
            column.refresh()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._scrolling is not None:
            self._scrolling = None
            self.release_mouse()
            return
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
        if drag.target is not None:
            self._set_drop_target(drag.target, False)

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
        if event.chain == 2 and self.selected_card is not None and self._scrolling is None:
            self.post_message(self.Activated(self, self.selected_card))

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._wheel(event, 1)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._wheel(event, -1)

    def _wheel(self, event: events.MouseEvent, direction: int) -> None:
        """One card per notch in the column under the pointer (cards stay whole)."""
        event.prevent_default()
        event.stop()
        column = self._column_at(event.screen_x, event.screen_y)
        if column is not None:
            column.scroll_to(column.scroll_y + direction * CARD_HEIGHT)


@dataclass
class _Drag:
    column: StageColumn
    row: int
    x: int
    y: int
    moving: bool = False
    target: StageColumn | None = None
