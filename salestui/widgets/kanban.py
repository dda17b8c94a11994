"""The kanban board: six line-rendered columns and one selection.

Scale is designed in: a column draws only the cards on screen (Textual's Line API),
asks the pipeline for pages of 100 cards as they scroll into view, and takes its
header figures from the store's running totals. The board owns the selection; moving
it repaints the two cards involved, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from salestui import domain, render
from salestui.domain import LOST, WON
from salestui.store import DealCard, Pipeline, StageSummary

CARD_HEIGHT = 4
"""Lines per card: title, company, figures, and a blank gap."""
PAGE = 100


@dataclass
class _Source:
    """What every column reads from: the pipeline and the filter in force."""

    pipeline: Pipeline
    query: str = ""


class StageHeader(Widget):
    """A column's label, deal count, total and weighted value."""

    DEFAULT_CSS = "StageHeader { height: 2; }"

    def __init__(self, stage: str) -> None:
        super().__init__(classes="stage-header")
        self.stage = domain.STAGE_BY_KEY[stage]
        self.summary: StageSummary | None = None

    def show(self, summary: StageSummary) -> None:
        if summary != self.summary:
            self.summary = summary
            self.refresh()

    def render(self) -> Text:
        summary = self.summary
        count = summary.count if summary else 0
        width = max(1, self.size.width)
        number = f" {count:,}"
        label = Text(self.stage.label, "bold", no_wrap=True, end="")
        label.truncate(max(1, width - len(number)), overflow="ellipsis")
        top = Text.assemble(label, (number, "dim"), no_wrap=True, end="")
        bottom = Text(no_wrap=True, end="")
        if summary and summary.totals:
            first = summary.totals[0]
            bottom.append_text(render.money(first.value, first.currency, compact=True))
            if self.stage.key == domain.CLOSED:
                bottom.append(f" ✓{summary.won} ✗{summary.lost}", "dim")
            else:
                bottom.append(" w ", "dim")
                bottom.append_text(render.money(first.weighted, first.currency, compact=True))
            if len(summary.totals) > 1:
                bottom.append(f" +{len(summary.totals) - 1}", "dim")
        top.truncate(width, overflow="ellipsis")
        bottom.truncate(width, overflow="ellipsis")
        return Text("\n", end="").join([top, bottom])


class StageColumn(ScrollView, can_focus=False):
    """One stage's cards, drawn line by line from a page cache."""

    COMPONENT_CLASSES = {
        "card--title",
        "card--meta",
        "card--selected",
        "card--stale",
        "card--won",
        "card--lost",
        "card--held",
    }
    DEFAULT_CSS = """
    StageColumn { scrollbar-size-vertical: 1; overflow-x: hidden; }
    """

    def __init__(self, stage: str, source: _Source) -> None:
        super().__init__(classes="stage-column")
        self.stage = stage
        self.source = source
        self.count = 0
        self.selected: int | None = None
        """Row of the selected card, when this column has the selection."""
        self.held: int | None = None
        """Row of a card being dragged."""
        self._pages: dict[int, list[DealCard]] = {}

    # ---------------------------------------------------------------- data

    def reset(self, count: int) -> None:
        """Forget cached cards (the stage changed) and redraw."""
        self._pages.clear()
        self.count = count
        self.virtual_size = Size(self.size.width, count * CARD_HEIGHT)
        self.refresh()

    def card_at(self, row: int) -> DealCard | None:
        if not 0 <= row < self.count:
            return None
        page = self._pages.get(row // PAGE)
        if page is None:
            page = self.source.pipeline.page(
                self.stage, (row // PAGE) * PAGE, PAGE, query=self.source.query
            )
            self._pages[row // PAGE] = page
        index = row % PAGE
        return page[index] if index < len(page) else None

    def row_of(self, deal_id: int) -> int | None:
        """Row of a cached card, without asking the store."""
        for number, page in self._pages.items():
            for index, card in enumerate(page):
                if card.id == deal_id:
                    return number * PAGE + index
        return None

    # ---------------------------------------------------------------- drawing

    def row_region(self, row: int) -> Region:
        """Where a card is drawn, in this widget's coordinates."""
        return Region(0, row * CARD_HEIGHT - round(self.scroll_y), self.size.width, CARD_HEIGHT)

    def refresh_row(self, row: int | None) -> None:
        if row is not None:
            region = self.row_region(row)
            if region.y + region.height > 0 and region.y < self.size.height:
                self.refresh(region)

    def show_row(self, row: int) -> None:
        """Scroll so the card at `row` is fully visible."""
        top, height = row * CARD_HEIGHT, self.scrollable_content_region.height
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif top + CARD_HEIGHT > self.scroll_y + height:
            self.scroll_to(y=top + CARD_HEIGHT - height, animate=False, immediate=True)

    def row_at(self, y: int) -> int | None:
        """The card row under widget line `y`."""
        line = y + round(self.scroll_y)
        row = line // CARD_HEIGHT
        return row if 0 <= row < self.count and line >= 0 else None

    @property
    def rows_per_page(self) -> int:
        return max(1, self.scrollable_content_region.height // CARD_HEIGHT)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line = y + round(self.scroll_y)
        row, part = divmod(line, CARD_HEIGHT)
        card = self.card_at(row)
        base = self.rich_style
        if card is None or part == CARD_HEIGHT - 1:
            return Strip.blank(width, base)
        style = base
        if row == self.selected:
            style = base + self.get_component_rich_style("card--selected")
        elif row == self.held:
            style = base + self.get_component_rich_style("card--held")
        text = self._card_line(card, part, width)
        text.stylize_before(style)
        if style is not base:
            text.stylize(Style(bgcolor=style.bgcolor))
        segments = list(text.render(self.app.console))
        return Strip(segments).adjust_cell_length(width, style).crop(0, width)

    def _card_line(self, card: DealCard, part: int, width: int) -> Text:
        meta = self._part("card--meta")
        if part == 0:
            text = Text(" ", end="")
            text.append_text(render.literal(card.title, self._part("card--title")))
        elif part == 1:
            text = Text(" ", end="")
            text.append_text(render.literal(card.company or card.contact or "—", meta))
        else:
            text = self._figures(card, meta)
        text.truncate(width, overflow="ellipsis")
        return text

    def _figures(self, card: DealCard, meta: Style) -> Text:
        now: datetime = self.source.pipeline.now()
        text = Text(" ", end="")
        text.append_text(render.money(card.value, card.currency, compact=True))
        if card.tasks_total:
            done = card.tasks_done == card.tasks_total
            text.append(
                f" {card.tasks_done}/{card.tasks_total}",
                meta if not done else meta + Style(bold=True),
            )
        text.append(f" {domain.days_between(card.stage_entered_at, now)}d", meta)
        if card.outcome == WON:
            text.append(" ✓won", self._part("card--won"))
            if card.satisfaction_score:
                text.append(f" ★{card.satisfaction_score}", self._part("card--won"))
        elif card.outcome == LOST:
            text.append(" ✗lost", self._part("card--lost"))
        elif self.source.pipeline.is_stale(card):
            text.append(" ⚑stale", self._part("card--stale"))
        return text

    def _part(self, name: str) -> Style:
        """A component style without the background, so selection shows through."""
        return self.get_component_rich_style(name, partial=True)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.count * CARD_HEIGHT)


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
        self.source = _Source(pipeline)
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
        stage = self.column.parent
        if isinstance(stage, Widget):
            stage.set_class(on and self.has_focus, "-active")

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

    def cancel_drag(self) -> bool:
        """Esc during a drag: drop nothing. True when a drag was cancelled."""
        drag, self._drag = self._drag, None
        if drag is None:
            return False
        self.release_mouse()
        self._end_drag(drag)
        return True

    def on_click(self, event: events.Click) -> None:
        if event.chain == 2 and self.selected_card is not None:
            self.post_message(self.Activated(self, self.selected_card))

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._wheel(event, 1)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._wheel(event, -1)

    def _wheel(self, event: events.MouseEvent, direction: int) -> None:
        column = self._column_at(event.screen_x, event.screen_y)
        if column is not None:
            column.scroll_to(y=column.scroll_y + direction * CARD_HEIGHT, animate=False)
            event.stop()


@dataclass
class _Drag:
    column: StageColumn
    row: int
    x: int
    y: int
    moving: bool = False
    target: StageColumn | None = None
