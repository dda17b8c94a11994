"""One stage of the board: its header figures and its cards, drawn line by line.

A column draws only the cards on screen (Textual's Line API), asks the pipeline for
pages of 100 cards as they scroll into view, and keeps them until the stage changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
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
class BoardSource:
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
        """Label and count; total (first currency, "+N cur" for the others); weighted value.

        The figures share the second line when it is wide enough, else take two lines
        (the board makes headers three lines high in narrow columns).
        """
        summary = self.summary
        width = max(1, self.size.width)
        number = Text(f" {summary.count if summary else 0:,}", "dim")
        label = Text(self.stage.label, "bold", no_wrap=True, end="")
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
            if self.stage.key == domain.CLOSED:
                weighted.append(f" ✓{summary.won:,} ✗{summary.lost:,}", "dim")
        if self.size.height >= 3:
            lines += [total, weighted]
        else:
            lines.append(Text(" ", end="").join(part for part in (total, weighted) if part))
        for line in lines:
            line.truncate(width, overflow="ellipsis")
        return Text("\n", end="").join(lines)


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
        "card--cursor",
    }
    DEFAULT_CSS = """
    StageColumn { scrollbar-size-vertical: 1; overflow-x: hidden; }
    """

    def __init__(self, stage: str, source: BoardSource) -> None:
        super().__init__(classes="stage-column")
        self.stage = stage
        self.source = source
        self.count = 0
        self.selected: int | None = None
        """Row of the selected card, when this column has the selection."""
        self.held: int | None = None
        """Row of a card being dragged."""
        self._pages: dict[int, list[DealCard]] = {}
        self._strips: LRUCache[tuple[DealCard, int, int, str, date], Strip] = LRUCache(1024)
        """Drawn card lines: a card that only shifted (a move above it) is not drawn again."""
        self._styles: dict[tuple[str, bool], Style] = {}

    # ---------------------------------------------------------------- data

    def reset(self, count: int) -> None:
        """Forget cached cards (the stage changed) and redraw."""
        self._pages.clear()
        self.count = count
        size = Size(self.size.width, count * CARD_HEIGHT)
        height = self.scrollable_content_region.height
        if (size.height > height) == (self.virtual_size.height > height) and self.is_mounted:
            # The scrollbar neither appears nor goes: update it in place instead of
            # assigning the reactive, which would lay the whole screen out again.
            self.set_reactive(StageColumn.virtual_size, size)
            self._scroll_update(size)
            self.scroll_to(y=min(self.scroll_y, self.max_scroll_y), animate=False, immediate=True)
        else:
            self.virtual_size = size
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
        if card is None or part == CARD_HEIGHT - 1:
            return Strip.blank(width, self._style("base"))
        state = "held" if row == self.held else "selected" if row == self.selected else ""
        key = (card, part, width, state, self.source.pipeline.now().date())
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strips[key] = self._render_card_line(card, part, width, state)
        return strip

    def _render_card_line(self, card: DealCard, part: int, width: int, state: str) -> Strip:
        base = self._style("base")
        style = base + self._style(f"card--{state}") if state else base
        text = Text.assemble(
            Text("▌" if state else " ", self._part("card--cursor") if state else ""),
            self._card_line(card, part, width - 1),
            end="",
        )
        text.stylize_before(style)
        if state:
            text.stylize(Style(bgcolor=style.bgcolor))
        segments = list(text.render(self.app.console))
        return Strip(segments).adjust_cell_length(width, style).crop(0, width)

    def notify_style_update(self) -> None:
        """A new theme or class: drawn lines are stale."""
        super().notify_style_update()
        self._strips.clear()
        self._styles.clear()

    def _card_line(self, card: DealCard, part: int, width: int) -> Text:
        """Line `part` of a card, `width` cells: title, company, then the figures.

        The figures are value, task progress, days in stage and a mark. When they do
        not fit, the mark shrinks to its symbol, then the days move to the company line.
        """
        meta = self._part("card--meta")
        if part == 0:
            return _fit(render.literal(card.title, self._part("card--title")), width)
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
        if card.outcome == WON:
            score = f" ★{card.satisfaction_score}" if card.satisfaction_score else ""
            return f"✓won{score}", f"✓{score.strip()}", self._part("card--won")
        if card.outcome == LOST:
            return "✗lost", "✗", self._part("card--lost")
        if self.source.pipeline.is_stale(card):
            return "⚑stale", "⚑", self._part("card--stale")
        return "", "", Style()

    def _part(self, name: str) -> Style:
        """A component style without the background, so selection shows through."""
        return self._style(name, partial=True)

    def _style(self, name: str, *, partial: bool = False) -> Style:
        """The widget's own style ("base") or a component's, worked out once per theme."""
        key = (name, partial)
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = (
                self.rich_style
                if name == "base"
                else self.get_component_rich_style(name, partial=partial)
            )
        return style

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._wheel(event, 1)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._wheel(event, -1)

    def _wheel(self, event: events.MouseEvent, direction: int) -> None:
        """One card per notch, so cards stay whole (Textual's default is two lines)."""
        event.prevent_default()
        event.stop()
        self.scroll_to(y=self.scroll_y + direction * CARD_HEIGHT, animate=False)

    def on_resize(self) -> None:
        """Keep the selected card in view whatever the new height."""
        self.virtual_size = Size(self.size.width, self.count * CARD_HEIGHT)
        if self.selected is not None:
            self.show_row(self.selected)


def _join(parts: list[Text]) -> Text:
    """The non-empty parts, one space apart."""
    return Text(" ", end="").join(part for part in parts if part)


def _fit(text: Text, width: int) -> Text:
    text.truncate(max(0, width), overflow="ellipsis")
    return text
