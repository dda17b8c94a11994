"""What the columns of a file mean: salestui's own, Pipedrive's, or named with `--map`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from salestui import domain
from salestui.domain import CLOSED, LOST, WON, DomainError, ValidationError

MAP_FIELDS: Final[tuple[str, ...]] = (*domain.FIELD_NAMES, "stage", "outcome", "lost_reason")
"""The fields a column can be mapped to with `--map HEADER=field`."""

CSV_COLUMNS: Final[tuple[str, ...]] = (
    "id",
    "title",
    "company",
    "contact",
    "email",
    "phone",
    "value",
    "currency",
    "stage",
    "outcome",
    "lost_reason",
    "owner",
    "close_date",
    "source",
    "notes",
    "satisfaction_score",
    "satisfaction_verdict",
    "satisfaction_comment",
    "created_at",
    "updated_at",
    "stage_entered_at",
    "last_activity_at",
    "version",
)
"""salestui's CSV export, in order; `id`, `updated_at` and `version` are not imported."""

PIPEDRIVE: Final[Mapping[str, str]] = {
    "deal - title": "title",
    "deal - value": "value",
    "deal - currency of value": "currency",
    "deal - currency": "currency",
    "deal - stage": "stage",
    "deal - status": "outcome",
    "deal - organization": "company",
    "deal - contact person": "contact",
    "deal - owner": "owner",
    "deal - expected close date": "close_date",
    "deal - lost reason": "lost_reason",
    "deal - won time": "won_time",
    "deal - lost time": "lost_time",
    "deal - deal created": "created_at",
    "deal - last stage change": "stage_entered_at",
}
"""Pipedrive's deal export headers (normalised) and the fields they give."""

KNOWN: Final[Mapping[str, str]] = {**{c: c for c in CSV_COLUMNS}, **PIPEDRIVE}

SALESTUI, PIPEDRIVE_KIND, MAPPED = "salestui CSV", "Pipedrive CSV", "CSV"

_FORMULA: Final = re.compile(r"'*[=+\-@\t\r]")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula: `=SUM(A1)` becomes `'=SUM(A1)`.

    Cells already starting with quotes before such a character get one more, so that
    `restore` gives back exactly what was written.
    """
    return "'" + cell if _FORMULA.match(cell) else cell


def restore(cell: str) -> str:
    """Undo `neutralise`."""
    return cell[1:] if cell.startswith("'") and _FORMULA.match(cell, 1) else cell


def normal(header: str) -> str:
    """A header or value as matched: spaces collapsed, case folded."""
    return " ".join(header.split()).casefold()


@dataclass(frozen=True)
class Layout:
    """What each column of a CSV file gives, and which kind of file it is."""

    fields: tuple[str | None, ...]
    kind: str


def layout(headers: Sequence[str], columns: Mapping[str, str]) -> Layout:
    """The fields of `headers`: `columns` (from `--map`) first, then the headers we know."""
    keys = [normal(h) for h in headers]
    explicit = {normal(h): f for h, f in columns.items()}
    for header in columns:
        if normal(header) not in keys:
            raise DomainError(f"--map: the file has no column {header!r}")
    taken = set(explicit.values())
    fields: list[str | None] = []
    for key in keys:
        field = explicit.get(key)
        if field is None:
            field = KNOWN.get(key)
            if field in taken:
                field = None
            elif field:
                taken.add(field)
        fields.append(field)
    if "title" not in fields:
        raise DomainError("no column gives the deal title; name it with --map HEADER=title")
    if all(key in CSV_COLUMNS for key in keys):
        kind = SALESTUI
    elif any(key in PIPEDRIVE for key in keys):
        kind = PIPEDRIVE_KIND
    else:
        kind = MAPPED
    return Layout(tuple(fields), kind)


def parse_map(items: Iterable[str]) -> dict[str, str]:
    """`--map HEADER=field` options as {header: field}."""
    out: dict[str, str] = {}
    for item in items:
        header, sep, field = item.rpartition("=")
        field = field.strip().casefold()
        if not sep or not header.strip():
            raise DomainError(f"--map {item!r}: write it HEADER=field")
        if field not in MAP_FIELDS:
            raise DomainError(f"--map {item!r}: {field!r} is not one of {', '.join(MAP_FIELDS)}")
        if field in out.values():
            raise DomainError(f"--map: two columns are mapped to {field}")
        out[header] = field
    return out


def parse_stage_map(items: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    """`--stage-map VALUE=stage` options as {normal value: (stage, outcome or None)}.

    A stage may be written `closed:won` or `closed:lost`.
    """
    out: dict[str, tuple[str, str | None]] = {}
    for item in items:
        value, sep, target = item.rpartition("=")
        if not sep or not value.strip():
            raise DomainError(f"--stage-map {item!r}: write it VALUE=stage")
        name, _, outcome = target.partition(":")
        try:
            stage = domain.find_stage(name)
        except ValidationError as error:
            raise DomainError(f"--stage-map {item!r}: {error.message}") from None
        wanted = outcome.strip().casefold() or None
        if wanted is not None and (stage != CLOSED or wanted not in (WON, LOST)):
            raise DomainError(f"--stage-map {item!r}: write closed:won or closed:lost")
        out[normal(value)] = (stage, wanted)
    return out
