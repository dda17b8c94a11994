"""The one place where user text becomes something drawn.

Everything a person typed reaches the screen through `literal`: a Rich `Text` built
from the plain string, so `[red]` stays brackets and no control sequence gets through.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style, StyleType
from rich.text import Text

from salestui.domain import clean_text, format_money


def literal(value: str | None, style: StyleType = "", *, multiline: bool = False) -> Text:
    """User text shown exactly as typed, minus control characters."""
    return Text(clean_text(value or "", multiline=multiline), style=style or Style(), end="")


def money(minor: int, currency: str, *, compact: bool = False, style: StyleType = "") -> Text:
    return Text(format_money(minor, currency, compact=compact), style=style or Style(), end="")


class DrawnOnce:
    """A Rich renderable drawn once per width, however often it is asked for.

    Textual draws a widget's Rich content twice per change: once to measure its height,
    once to paint it. For a table that is most of the cost of showing it.
    """

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable
        self._drawn: dict[int, list[Segment]] = {}

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        drawn = self._drawn.get(options.max_width)
        if drawn is None:
            drawn = self._drawn[options.max_width] = list(console.render(self.renderable, options))
        yield from drawn

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.renderable)
