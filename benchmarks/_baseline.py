"""The baseline for start-up time: a minimal Textual app with salestui's heavy imports."""

from __future__ import annotations

import sqlmodel  # noqa: F401  (imported by salestui too: part of the fair baseline)
from textual.app import App, ComposeResult
from textual.widgets import Static

READY = "baseline ready"


class Baseline(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static(READY)


if __name__ == "__main__":
    Baseline().run()
