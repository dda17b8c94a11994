"""One stage of the board: its header figures and its cards, drawn line by line.

A column draws only the cards on screen (Textual's Line API), asks the pipeline for
pages of 100 cards as they scroll into view, and keeps them until the stage changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.style import Style
from rich.text import Text
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
                bottom.append(f" ✓{summary.won:,} ✗{summary.lost:,}", "dim")
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
