"""One stage of the board: its header figures and its cards, drawn line by line.

A column is not a widget of its own: the board is one line-rendered widget (Textual's
Line API) and each column draws its slice of every line. A column draws only the cards
on screen, asks the pipeline for pages of cards as they scroll into view, keeps
them until the stage changes, and keeps the lines it drew until a card changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.strip import Strip

from salestui import domain, render
from salestui.domain import LOST, WON
from salestui.store import DealCard, Pipeline, StageSummary

if TYPE_CHECKING:
    from salestui.widgets.board import Board

Line = list[Segment]
"""A drawn line or part of one: segments exactly as wide as asked."""

CARD_HEIGHT = 4
"""Lines per card: title, company, figures, and a blank gap."""
PAGE = 32
"""Cards read at a time: about three screens of a tall terminal (a query of 100 took 7 ms)."""


@dataclass
class BoardSource:
    """What every column reads from: the pipeline and the filter in force."""

    pipeline: Pipeline
    query: str = ""


class StageColumn:
    """One stage's header and cards: a vertical slice of the board, drawn from a page cache.

    Geometry is in the board's cells: the column spans `x` to `x + width` (the board's
    separator lies beyond it) and its cards fill the lines from `top` down, `height`
    lines, the last cell of each being the scrollbar when the cards overflow.
    """

    def __init__(self, board: Board, stage: str, source: BoardSource) -> None:
        self.board = board
        self.stage = stage
        self.info = domain.STAGE_BY_KEY[stage]
        self.source = source
        self.count = 0
        self.summary: StageSummary | None = None
        self.selected: int | None = None
        """Row of the selected card, when this column has the selection."""
        self.held: int | None = None
        """Row of a card being dragged."""
        self.drop_target = False
        """A dragged card is over this column."""
        self.active = False
        """This column has the focused selection (its header is lit)."""
        self.scroll_y = 0
        """First card line shown (a multiple of CARD_HEIGHT unless dragged by the scrollbar)."""
        self.x = self.width = self.top = self.height = 0
        self._pages: dict[int, list[DealCard]] = {}
        self._lines: LRUCache[tuple[DealCard, int, int, str, date], Line] = LRUCache(1024)
        """Drawn card lines: a card that only shifted (a move above it) is not drawn again."""
        self._header: tuple[object, ...] = ()
        self._header_lines: list[Line] = []

    # ---------------------------------------------------------------- data

    def show(self, summary: StageSummary) -> None:
        """New header figures (repaints the header only when they changed)."""
        if summary != self.summary:
            self.summary = summary
            self.refresh_header()

    def reset(self, count: int) -> None:
        """Forget cached cards (the stage changed) and redraw."""
        self._pages.clear()
        self._recount(count)

    def _recount(self, count: int) -> None:
        self.count = count
        self.scroll_y = max(0, min(self.scroll_y, self.max_scroll_y))
        self.refresh()

    def update(self, card: DealCard, count: int, *, was_here: bool) -> bool:
        """`card` changed (moved, edited, added): put it right in the cards held.

        It leaves the cards held and goes back where it now sorts if it belongs to this
        column, so that a move does not read the two columns again. False, and nothing
        changed, when the cards held cannot tell: a filter is on, the count does not
        match this one change (something else changed too), or the card sorts below
        them. The caller then resets the column.
        """
        if self.source.query or 0 not in self._pages:
            return False
        held: list[DealCard] = []
        for number in range(len(self._pages)):  # the pages held from the top, unbroken
            page = self._pages.get(number)
            if page is None:
                break
            held += page
            if len(page) < PAGE:  # the column's end, or a page cut short by an update
                break
        kept = [c for c in held if c.id != card.id]
        is_here = card.stage == self.stage
        if (len(kept) < len(held) and not was_here) or count != self.count - was_here + is_here:
            return False
        if is_here:
            key = (card.last_activity_at, card.id)  # the board's order: newest first
            at = next(
                (i for i, c in enumerate(kept) if (c.last_activity_at, c.id) < key), len(kept)
            )
            if at == len(kept) and len(kept) < count - 1:
                return False  # it sorts below the cards held: somewhere further down
            kept.insert(at, card)
        # The last page held may come out short or spill into a page of one: a row past
        # a page's end is read again when it is drawn.
        self._pages = {n: kept[n * PAGE : (n + 1) * PAGE] for n in range(-(-len(kept) // PAGE))}
        self._recount(count)
        return True

    def card_at(self, row: int) -> DealCard | None:
        if not 0 <= row < self.count:
            return None
        page = self._pages.get(row // PAGE)
        index = row % PAGE
        if page is None or index >= len(page):  # not read yet, or short after an update
            page = self.source.pipeline.page(
                self.stage, (row // PAGE) * PAGE, PAGE, query=self.source.query
            )
            self._pages[row // PAGE] = page
        return page[index] if index < len(page) else None

    def find(self, deal_id: int) -> int | None:
        """The row of a deal among the first page's cards (where a deal just touched
        lands), or None: the store can tell where it is further down."""
        self.card_at(0)
        for row, card in enumerate(self._pages.get(0, ())):
            if card.id == deal_id:
                return row
        return None

    def clear_drawn(self) -> None:
        """A new theme: every drawn line is stale."""
        self._lines.clear()
        self._header = ()

    # ---------------------------------------------------------------- geometry

    def place(self, x: int, width: int, top: int, height: int) -> None:
        self.x, self.width, self.top, self.height = x, width, top, height
        self.scroll_y = max(0, min(self.scroll_y, self.max_scroll_y))

    @property
    def size(self) -> Size:
        """The card area's size."""
        return Size(self.width, self.height)

    @property
    def region(self) -> Region:
        """The card area, in screen cells."""
        origin = self.board.content_region.offset
        return Region(origin.x + self.x, origin.y + self.top, self.width, self.height)

    @property
    def scrollbar(self) -> bool:
        return self.count * CARD_HEIGHT > self.height

    @property
    def card_width(self) -> int:
        return max(0, self.width - (1 if self.scrollbar else 0))

    @property
    def max_scroll_y(self) -> int:
        return max(0, self.count * CARD_HEIGHT - self.height)

    @property
    def rows_per_page(self) -> int:
        return max(1, self.height // CARD_HEIGHT)

    def row_region(self, row: int) -> Region:
        """Where a card is drawn, in the card area's cells."""
        return Region(0, row * CARD_HEIGHT - self.scroll_y, self.card_width, CARD_HEIGHT)

    def row_at(self, y: int) -> int | None:
        """The card row under card-area line `y`."""
        line = y + self.scroll_y
        row = line // CARD_HEIGHT
        return row if 0 <= row < self.count and line >= 0 else None

    def in_scrollbar(self, x: int) -> bool:
        """Whether board cell `x` is this column's scrollbar."""
        return self.scrollbar and x == self.x + self.width - 1

    # ---------------------------------------------------------------- repaint

    def refresh(self) -> None:
        """Repaint the card area."""
        if self.width and self.height:
            self.board.refresh(Region(self.x, self.top, self.width, self.height))

    def refresh_header(self) -> None:
        if self.width and self.top:
            self.board.refresh(Region(self.x, 0, self.width, self.top))

    def refresh_row(self, row: int | None) -> None:
        if row is None:
            return
        region = self.row_region(row)
        if region.bottom > 0 and region.y < self.height:
            clipped = region.intersection(Region(0, 0, self.width, self.height))
            self.board.refresh(clipped.translate((self.x, self.top)))

    def scroll_to(self, y: int) -> None:
        y = max(0, min(y, self.max_scroll_y))
        if y != self.scroll_y:
            self.scroll_y = y
            self.refresh()

    def show_row(self, row: int) -> None:
        """Scroll so the card at `row` is fully visible."""
        top = row * CARD_HEIGHT
        if top < self.scroll_y:
            self.scroll_to(top)
        elif top + CARD_HEIGHT > self.scroll_y + self.height:
            self.scroll_to(top + CARD_HEIGHT - self.height)

    # ---------------------------------------------------------------- drawing

    def header_line(self, y: int) -> Line:
        """Line `y` of the header: label and count; total; weighted value."""
        key = (self.summary, self.width, self.top, self.active, self.drop_target)
        if key != self._header:
            self._header = key
            self._header_lines = self._render_header()
        return self._header_lines[y]

    def _render_header(self) -> list[Line]:
        """Label and count; total (first currency, "+N cur" for the others); weighted value.

        The figures share the second line when it is wide enough, else take two lines
        (the board makes headers three lines high in narrow columns).
        """
        board, summary = self.board, self.summary
        state = (
            "board--header-drop"
            if self.drop_target
            else "board--header-active"
            if self.active
            else "board--header"
        )
        width = max(1, self.width - 2)
        number = Text(f" {summary.count if summary else 0:,}", "dim")
        label = Text(self.info.label, "bold", no_wrap=True, end="")
        label.truncate(max(1, width - number.cell_len), overflow="ellipsis")
        lines = [Text.assemble(label, number, end="")]
        total, weighted = Text(end=""), Text(end="")
        if summary and summary.totals:
            first = summary.totals[0]
            total = render.money(first.value, first.currency, compact=True)
            if len(summary.totals) > 1:
                total.append(f" +{len(summary.totals) - 1} cur", "dim")
            weighted = Text.assemble(
                ("w ", "dim"), render.money(first.weighted, first.currency, compact=True), end=""
            )
            if self.stage == domain.CLOSED:
                weighted.append(f" ✓{summary.won:,} ✗{summary.lost:,}", "dim")
        if self.top >= 3:
            lines += [total, weighted]
        else:
            lines.append(Text(" ", end="").join(part for part in (total, weighted) if part))
        lines += [Text(end="")] * (self.top - len(lines))
        style = board.style(state)
        drawn = []
        for line in lines[: self.top]:
            line.truncate(width, overflow="ellipsis")
            text = Text.assemble(" ", line, end="")
            text.stylize_before(style)
            drawn.append(board.line(text, self.width, style))
        return drawn

    def render_line(self, y: int) -> Strip:
        """Line `y` of the card area, scrollbar included."""
        return Strip(self.card_line(y), self.width)

    def card_line(self, y: int) -> Line:
        """The segments of line `y` of the card area, scrollbar included."""
        board = self.board
        width = self.card_width
        row, part = divmod(y + self.scroll_y, CARD_HEIGHT)
        card = self.card_at(row)
        line: Line | None
        if card is None or part == CARD_HEIGHT - 1:
            line = board.blank(width, "board--drop" if self.drop_target else "")
        else:
            state = (
                "held"
                if row == self.held
                else "selected"
                if row == self.selected
                else "drop"
                if self.drop_target
                else ""
            )
            key = (card, part, width, state, self.source.pipeline.now().date())
            line = self._lines.get(key)
            if line is None:
                line = self._lines[key] = self._render_card_line(card, part, width, state)
        if width < self.width:
            line = [*line, board.scrollbar_cell(self._thumb(y))]
        return line

    def _thumb(self, y: int) -> bool:
        """Whether card-area line `y` is on the scrollbar's thumb."""
        total = self.count * CARD_HEIGHT
        size = max(1, self.height * self.height // total)
        top = round(self.scroll_y * (self.height - size) / max(1, total - self.height))
        return top <= y < top + size

    def _render_card_line(self, card: DealCard, part: int, width: int, state: str) -> Line:
        """One line of a card; `state` is "selected", "held", "drop" (under a drag) or ""."""
        board = self.board
        chosen = state in ("held", "selected")
        base = board.style("board--drop" if state == "drop" else "")
        style = base + board.style(f"card--{state}") if chosen else base
        text = Text.assemble(
            Text("▌" if chosen else " ", board.part("card--cursor") if chosen else ""),
            self._card_line(card, part, width - 1),
            end="",
        )
        text.stylize_before(style)
        if chosen:
            text.stylize(Style(bgcolor=style.bgcolor))
        return board.line(text, width, style)

    def _card_line(self, card: DealCard, part: int, width: int) -> Text:
        """Line `part` of a card, `width` cells: title, company, then the figures.

        The figures are value, task progress, days in stage and a mark. When they do
        not fit, the mark shrinks to its symbol, then the days move to the company line.
        """
        board = self.board
        meta = board.part("card--meta")
        if part == 0:
            return _fit(render.literal(card.title, board.part("card--title")), width)
        days = Text(
            f"{domain.days_between(card.stage_entered_at, self.source.pipeline.now())}d", meta
        )
        progress = f"{card.tasks_done}/{card.tasks_total}" if card.tasks_total else ""
        complete = bool(progress) and card.tasks_done == card.tasks_total
        mark, short, mark_style = self._mark(card)
        value = render.money(card.value, card.currency, compact=True)
        done = Text(progress, meta + Style(bold=True) if complete else meta, end="")
        for figures in (
            [value, done, days, Text(mark, mark_style)],
            [value, done, days, Text(short, mark_style)],
        ):
            line = _join(figures)
            if line.cell_len <= width:
                days_apart = False
                break
        else:
            line, days_apart = _join([value, done, Text(short, mark_style)]), True
        if part == 2:
            return _fit(line, width)
        company = render.literal(card.company or card.contact or "—", meta)
        if not days_apart:
            return _fit(company, width)
        company.truncate(max(0, width - days.cell_len - 1), overflow="ellipsis")
        return _fit(_join([company, days]), width)

    def _mark(self, card: DealCard) -> tuple[str, str, Style]:
        """The card's mark in full and as one symbol (for narrow columns), and its style."""
        board = self.board
        if card.outcome == WON:
            score = f" ★{card.satisfaction_score}" if card.satisfaction_score else ""
            return f"✓won{score}", f"✓{score.strip()}", board.part("card--won")
        if card.outcome == LOST:
            return "✗lost", "✗", board.part("card--lost")
        if self.source.pipeline.is_stale(card):
            return "⚑stale", "⚑", board.part("card--stale")
        return "", "", Style()


def _join(parts: list[Text]) -> Text:
    """The non-empty parts, one space apart."""
    return Text(" ", end="").join(part for part in parts if part)


def _fit(text: Text, width: int) -> Text:
    text.truncate(max(0, width), overflow="ellipsis")
    return text
