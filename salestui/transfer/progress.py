"""A progress bar on stderr for long imports (rich, loaded only when shown)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

Progress = Callable[[str, int], None]
"""progress(phase, bytes read so far)"""


@contextmanager
def file_progress(total: int, *, enabled: bool) -> Iterator[Progress]:
    """Yields a function to report progress through a file of `total` bytes, one bar a phase."""
    if not enabled:
        yield lambda phase, done: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, TaskID, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as Bars

    bars: dict[str, TaskID] = {}
    columns = (TextColumn("{task.description:<10}"), BarColumn(), TimeRemainingColumn())
    with Bars(*columns, console=Console(stderr=True), transient=True) as shown:

        def update(phase: str, done: int) -> None:
            if phase not in bars:
                for earlier in bars.values():
                    shown.update(earlier, completed=total)
                bars[phase] = shown.add_task(phase, total=total)
            shown.update(bars[phase], completed=done)

        yield update
