"""Streaming readers: a file's rows one at a time, with the line each starts on.

Neither reader holds the file in memory: CSV goes through `csv.reader`, JSON through
an array reader that decodes one deal object at a time.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final, TextIO

from salestui.domain import DomainError
from salestui.transfer import formats

SATISFACTION: Final = ("score", "verdict", "comment")


@dataclass(frozen=True)
class Record:
    """One row: its values by field name, or the reason it could not be read."""

    line: int
    values: Mapping[str, object]
    problem: str = ""


@dataclass
class Source:
    """A file opened for one pass over its rows."""

    kind: str
    records: Iterator[Record]
    raw: BinaryIO

    def bytes_read(self) -> int:
        return self.raw.tell()


@contextmanager
def open_source(path: Path, columns: Mapping[str, str]) -> Iterator[Source]:
    """Open `path` (.csv or .json) for one pass; `columns` are the `--map` options."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise DomainError(f"{path.name}: import reads .csv and .json files")
    if suffix == ".json" and columns:
        raise DomainError("--map is for CSV files; a JSON file names its fields")
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        try:
            if suffix == ".json":
                yield Source("salestui JSON", json_records(text), raw)
            else:
                kind, records = csv_records(text, columns)
                yield Source(kind, records, raw)
        except UnicodeDecodeError:
            raise DomainError(
                f"{path.name} is not UTF-8 text; save it as UTF-8 (CSV UTF-8) and try again"
            ) from None


# ---------------------------------------------------------------------- CSV


def csv_records(text: TextIO, columns: Mapping[str, str]) -> tuple[str, Iterator[Record]]:
    """The kind of CSV file and its rows; the delimiter (`,` `;` or tab) is read off the header."""
    first = text.readline()
    if not first.strip():
        raise DomainError("the file has no header line")
    delimiter = max(",;\t", key=first.count)
    text.seek(0)
    reader = csv.reader(text, delimiter=delimiter)
    layout = formats.layout(next(reader), columns)
    return layout.kind, _csv_rows(reader, layout)


def _csv_rows(reader: Iterator[list[str]], layout: formats.Layout) -> Iterator[Record]:
    width = len(layout.fields)
    own = layout.kind == formats.SALESTUI
    line = reader.line_num  # type: ignore[attr-defined]
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise DomainError(f"line {line + 1}: {error}") from None
        start, line = line + 1, reader.line_num  # type: ignore[attr-defined]
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > width and any(cell.strip() for cell in cells[width:]):
            problem = f"has {len(cells)} cells but the header has {width} (a stray delimiter?)"
            yield Record(start, {}, problem)
            continue
        if own:
            cells = [formats.restore(cell) if cell[:1] == "'" else cell for cell in cells]
        values = zip(layout.fields, cells, strict=False)  # short rows: the rest are empty
        yield Record(start, {field: cell for field, cell in values if field is not None})


# ---------------------------------------------------------------------- JSON

_SPACE: Final = re.compile(r"\s*")


class _ArrayReader:
    """The items of a JSON array read from a stream, each with the line it starts on."""

    CHUNK: Final = 1 << 16

    def __init__(self, text: TextIO) -> None:
        self.text = text
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.line = 1  # the line of buf[counted]
        self.counted = 0
        self.decoder = json.JSONDecoder()

    def _line_here(self) -> int:
        self.line += self.buf.count("\n", self.counted, self.pos)
        self.counted = self.pos
        return self.line

    def _fill(self) -> bool:
        """Read more (at least as much as is buffered); False at the end of the file."""
        if self.eof:
            return False
        self._line_here()
        self.buf, self.pos, self.counted = self.buf[self.pos :], 0, 0
        more = self.text.read(max(self.CHUNK, len(self.buf)))
        self.eof = not more
        self.buf += more
        return bool(more)

    def _next_char(self) -> str:
        """The next character that is not white space ("" at the end), not consumed."""
        while True:
            self.pos = _SPACE.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def _expect(self, chars: str, what: str) -> str:
        char = self._next_char()
        if not char or char not in chars:
            raise DomainError(f"line {self._line_here()}: not valid JSON: expected {what}")
        self.pos += 1
        return char

    def items(self) -> Iterator[tuple[int, object]]:
        self._expect("[", "an array of deals ([...])")
        if self._next_char() == "]":
            self.pos += 1
        else:
            while True:
                self._next_char()
                line = self._line_here()
                yield line, self._decode(line)
                if self._expect(",]", "',' or ']' after a deal") == "]":
                    break
        if self._next_char():
            raise DomainError(f"line {self._line_here()}: not valid JSON: text after the array")

    def _decode(self, line: int) -> object:
        while True:
            try:
                value, self.pos = self.decoder.raw_decode(self.buf, self.pos)
                return value
            except json.JSONDecodeError as error:
                cut = error.pos >= len(self.buf) - 16 or error.msg.startswith("Unterminated")
                if cut and self._fill():  # the object goes on past what is buffered
                    continue
                at = line + self.buf.count("\n", self.pos, error.pos)
                raise DomainError(f"line {at}: not valid JSON: {error.msg}") from None


def json_records(text: TextIO) -> Iterator[Record]:
    """Deals from a JSON array (salestui's export, or objects using its field names)."""
    for line, item in _ArrayReader(text).items():
        if not isinstance(item, dict):
            yield Record(line, {}, "is not a deal: expected a JSON object")
            continue
        satisfaction = item.get("satisfaction")
        if isinstance(satisfaction, dict):
            item.update({f"satisfaction_{k}": satisfaction.get(k) for k in SATISFACTION})
        elif satisfaction is not None:
            yield Record(line, {}, "satisfaction: must be an object or null")
            continue
        yield Record(line, item)
