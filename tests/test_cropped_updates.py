"""Partial repaints write the changed cells only, never half of a wide character."""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment
from textual.strip import Strip

from salestui.widgets.cropped_updates import CroppedChopsUpdate, _on_boundary


def update(text: str, *spans: tuple[int, int, int]) -> str:
    """One line holding one widget's chop of `text`, repainted over `spans`."""
    strip = Strip([Segment(text)])
    chops = [{0: strip}]
    return CroppedChopsUpdate(chops, list(spans), [[strip.cell_length]]).render_segments(
        Console(color_system=None)
    )


def test_a_span_inside_a_widget_writes_only_its_cells() -> None:
    assert update("0123456789", (0, 4, 7)) == "\x1b[1;5H456"


def test_a_span_from_the_widgets_edge_is_unchanged() -> None:
    assert update("0123456789", (0, 0, 3)) == "\x1b[1;1H012"
    assert update("0123456789", (0, 0, 10)) == "\x1b[1;1H0123456789"


def test_a_wide_character_across_the_start_is_written_whole() -> None:
    # "ab😀cd": the emoji takes cells 2 and 3; a span from cell 3 starts inside it.
    assert update("ab😀cd", (0, 3, 5)) == "\x1b[1;1Hab😀c"
    assert update("ab😀cd", (0, 4, 6)) == "\x1b[1;5Hcd"


def test_boundaries_count_cells_not_characters() -> None:
    strip = Strip([Segment("a"), Segment("😀"), Segment("日本")])
    assert [_on_boundary(strip, cells) for cells in range(8)] == [
        True,
        True,
        False,
        True,
        False,
        True,
        False,
        True,
    ]
