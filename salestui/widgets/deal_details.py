"""A deal's headline and fields, read-only; a click asks for the edit form."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import Static

from salestui import domain
from salestui.render import DrawnOnce, literal, money
from salestui.store.views import DealDetail
from salestui.widgets.deal_history import stamp


def headline(detail: DealDetail, *, stale: bool) -> Text:
    """`Title · Company` then stage, outcome, value: the one line that names the deal."""
    line = Text(end="")
    line.append_text(literal(detail.title, "bold"))
    if detail.company:
        line.append("  ·  ", style="dim")
        line.append_text(literal(detail.company))
    line.append("    ")
    line.append(f" {domain.STAGE_BY_KEY[detail.stage].label} ", style="reverse")
    marks = {
        domain.WON: (" WON ", "bold reverse green"),
        domain.LOST: (" LOST ", "bold reverse red"),
    }
    if detail.outcome in marks:
        text, style = marks[detail.outcome]
        line.append(" ")
        line.append(text, style=style)
    if stale:
        line.append(" ")
        line.append(" stale ", style="bold reverse yellow")
    line.append("  ")
    line.append_text(money(detail.value, detail.currency, style="bold"))
    return line


def satisfaction_text(detail: DealDetail) -> Text:
    """`★★★★☆ 4/5 success — comment`, or a hint when none is recorded yet."""
    if detail.satisfaction_score is None:
        return Text("not recorded yet (press s)", style="dim italic")
    score = detail.satisfaction_score
    line = Text(end="")
    line.append("★" * score + "☆" * (5 - score), style="bold yellow")
    line.append(f" {score}/5 ")
    verdict = detail.satisfaction_verdict or ""
    line.append(verdict, style="bold green" if verdict == "success" else "bold red")
    if detail.satisfaction_comment:
        line.append(" — ")
        line.append_text(literal(detail.satisfaction_comment, multiline=True))
    return line


class DealDetails(Static):
    """Every field of a deal in a two-pair grid."""

    class EditRequested(Message):
        """The user clicked the fields: open the edit form."""

        def __init__(self, details: DealDetails) -> None:
            super().__init__()
            self.details = details

        @property
        def control(self) -> DealDetails:
            return self.details

    def show(self, detail: DealDetail) -> None:
        self.update(DrawnOnce(self._grid(detail)))

    def _grid(self, detail: DealDetail) -> RenderableType:
        table = Table.grid(padding=(0, 1), expand=True)
        for _ in range(2):
            table.add_column(style="dim", no_wrap=True)
            table.add_column(ratio=1, overflow="fold")
        close = detail.close_date.isoformat() if detail.close_date else ""
        pairs: list[tuple[str, Text]] = [
            ("Company", literal(detail.company)),
            ("Value", money(detail.value, detail.currency)),
            ("Contact", literal(detail.contact)),
            ("Owner", literal(detail.owner)),
            ("Email", literal(detail.email)),
            ("Close date", Text(close)),
            ("Phone", literal(detail.phone)),
            ("Source", literal(detail.source)),
            ("Created", Text(stamp(detail.created_at))),
            ("Updated", Text(stamp(detail.updated_at))),
        ]
        for left, right in zip(pairs[::2], pairs[1::2], strict=True):
            table.add_row(left[0], left[1], right[0], right[1])
        outcome = Table.grid(padding=(0, 1), expand=True)
        outcome.add_column(style="dim", no_wrap=True)
        outcome.add_column(ratio=1, overflow="fold")
        if detail.outcome == domain.LOST:
            outcome.add_row("Lost because", literal(detail.lost_reason, "bold red", multiline=True))
        if detail.outcome == domain.WON and detail.stage == domain.CLOSED:
            outcome.add_row("Satisfaction", satisfaction_text(detail))
        return Group(table, outcome) if outcome.row_count else table

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.EditRequested(self))
