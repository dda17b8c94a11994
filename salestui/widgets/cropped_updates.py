"""Partial repaints that start where the change starts, not at the widget's left edge.

Textual writes a partial update from the left edge of the widget that changed and crops
only its end (textual issue 5625). The board is one widget as wide as the screen, so a
card changed in the last column would rewrite the whole width of each of its lines: four
times the bytes a slow SSH link needs to carry. `CroppingCompositor` crops both ends.

The start is cropped only on a character boundary: a wide character (emoji, CJK) that
straddles the start is written whole, as Textual does, never half of it.

This reaches into Textual's compositor, which is private API; textual is pinned to one
version in pyproject.toml and the board tests check the bytes written, so an upgrade
that changes it is caught.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from textual._compositor import ChopsUpdate, Compositor
from textual.strip import Strip


class CroppedChopsUpdate(ChopsUpdate):
    """`ChopsUpdate` whose spans are cropped at both ends."""

    def render_segments(self, console: Console) -> str:
        sequences: list[str] = []
        append = sequences.append
        chops, chop_ends = self.chops, self.chop_ends
        last_y = self.spans[-1][0]
        for y, x1, x2 in self.spans:
            for end, (x, strip) in zip(chop_ends[y], chops[y].items(), strict=False):
                if strip is None or x > x2 or end <= x1:
                    continue
                start = x1 - x if x < x1 and _on_boundary(strip, x1 - x) else 0
                if start or end > x2:
                    strip = strip.crop(start, min(end, x2) - x)
                append(_move_to(x + start, y))
                append(strip.render(console))
            if y != last_y:
                append("\n")
        return "".join(sequences)


class CroppingCompositor(Compositor):
    """A compositor whose partial updates write only the cells that changed."""

    def render_partial_update(self) -> ChopsUpdate | None:
        update = super().render_partial_update()
        if update is None:
            return None
        return CroppedChopsUpdate(update.chops, update.spans, update.chop_ends)


def _on_boundary(strip: Strip, cells: int) -> bool:
    """Whether cell `cells` of `strip` starts a character (no wide one straddles it)."""
    position = 0
    for segment in strip:
        if segment.control:
            continue
        text = segment.text
        length = cell_len(text)
        if position + length <= cells:
            position += length
            if position == cells:
                return True
            continue
        for character in text:
            if position == cells:
                return True
            position += cell_len(character)
            if position > cells:
                return False
        return position == cells
    return position == cells


def _move_to(x: int, y: int) -> str:
    return f"\x1b[{y + 1};{x + 1}H"
