"""The one place where user text becomes something drawn.

Everything a person typed reaches the screen through `literal`: a Rich `Text` built
from the plain string, so `[red]` stays brackets and no control sequence gets through.
"""

from __future__ import annotations

from rich.style import Style, StyleType
from rich.text import Text

from salestui.domain import clean_text, format_money


def literal(value: str | None, style: StyleType = "", *, multiline: bool = False) -> Text:
    """User text shown exactly as typed, minus control characters."""
    return Text(clean_text(value or "", multiline=multiline), style=style or Style(), end="")


def money(minor: int, currency: str, *, compact: bool = False, style: StyleType = "") -> Text:
    return Text(format_money(minor, currency, compact=compact), style=style or Style(), end="")
