"""`salestui import`: check every row first, then write them all in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from salestui.domain import DomainError
from salestui.store import NewDeal, Pipeline
from salestui.transfer.progress import Progress, file_progress
from salestui.transfer.readers import Source, open_source
from salestui.transfer.rows import Options, RowError, new_deal

LARGE: Final = 1 << 20
"""Files at least this big (bytes) show a progress bar when stderr is a terminal."""
STEP: Final = 2000
"""Rows between progress updates."""

Report = Callable[[int, str], None]


class BadRows(DomainError):
    """Some rows cannot be imported, and `--skip-bad` was not given: nothing was written."""


@dataclass(frozen=True)
class ImportResult:
    imported: int
    skipped: int
    kind: str


def import_file(
    pipeline: Pipeline,
    path: Path,
    *,
    columns: Mapping[str, str] | None = None,
    options: Options | None = None,
    skip_bad: bool = False,
    report: Report = lambda line, why: None,
    show_progress: bool = False,
) -> ImportResult:
    """Import the deals of a .csv or .json file.

    The first pass reads every row and calls `report(line, why)` for each bad one;
    unless `skip_bad`, any bad row raises BadRows and nothing is written. The second
    pass reads the file again and feeds the good rows to the store's bulk path, one
    transaction for the whole file. Neither pass holds the file in memory.
    """
    columns, options = columns or {}, options or Options()
    size = path.stat().st_size
    with file_progress(size, enabled=show_progress and size >= LARGE) as progress:
        with open_source(path, columns) as source:
            kind, bad = source.kind, _check(source, options, report, progress)
        if bad and not skip_bad:
            raise BadRows(
                f"{bad:,} bad row{'s' if bad > 1 else ''} in {path.name}; nothing was imported"
                " (fix them, or pass --skip-bad to import the other rows)"
            )
        with open_source(path, columns) as source:
            imported = pipeline.bulk_add(_deals(source, options, bad, progress))
    return ImportResult(imported, bad, kind)


def _check(source: Source, options: Options, report: Report, progress: Progress) -> int:
    """First pass: report every bad row; how many there are."""
    bad = 0
    for n, record in enumerate(source.records, 1):
        why = record.problem
        if not why:
            try:
                new_deal(record.values, options)
            except RowError as error:
                why = str(error)
        if why:
            bad += 1
            report(record.line, why)
        if n % STEP == 0:
            progress("Checking", source.bytes_read())
    return bad


def _deals(source: Source, options: Options, bad: int, progress: Progress) -> Iterator[NewDeal]:
    """Second pass: the good rows' deals, lazily (the store writes them in chunks)."""
    skipped = 0
    for n, record in enumerate(source.records, 1):
        if n % STEP == 0:
            progress("Importing", source.bytes_read())
        if record.problem:
            skipped += 1
            continue
        try:
            yield new_deal(record.values, options)
        except RowError:
            skipped += 1
    if skipped != bad:  # raised inside the transaction: nothing is written
        raise DomainError("the file changed while it was imported; nothing was imported")
    progress("Importing", source.bytes_read())
