"""The home screen (placeholder until the board lands): the stages and their figures."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from salestui import domain, render
from salestui.store import Pipeline


class BoardScreen(Screen[None]):
    def __init__(self, pipeline: Pipeline) -> None:
        super().__init__()
        self.pipeline = pipeline

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="stages")
        yield Footer()

    def on_mount(self) -> None:
        table = Table("Stage", "Deals", "Value", expand=True)
        summaries = self.pipeline.summaries()
        for stage in domain.STAGES:
            summary = summaries[stage.key]
            value = render.money(summary.totals[0].value, summary.totals[0].currency) if summary.totals else ""
            table.add_row(stage.label, str(summary.count), value)
        self.query_one("#stages", Static).update(table)
