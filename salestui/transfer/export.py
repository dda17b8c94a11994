"""`salestui export`: every deal as CSV or JSON, streamed from the store in batches."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final, TextIO

from salestui import domain
from salestui.store import DealDetail, Pipeline
from salestui.transfer.formats import CSV_COLUMNS, neutralise

FORMATS: Final = ("csv", "json")


def deal_json(detail: DealDetail) -> dict[str, Any]:
    """A deal as JSON (the names scripts rely on; `value` in minor units)."""
    return {
        "id": detail.id,
        "title": detail.title,
        "company": detail.company,
        "contact": detail.contact,
        "email": detail.email,
        "phone": detail.phone,
        "value": detail.value,
        "currency": detail.currency,
        "stage": detail.stage,
        "outcome": detail.outcome,
        "lost_reason": detail.lost_reason,
        "owner": detail.owner,
        "close_date": _iso(detail.close_date),
        "source": detail.source,
        "notes": detail.notes,
        "satisfaction": None
        if detail.satisfaction_score is None
        else {
            "score": detail.satisfaction_score,
            "verdict": detail.satisfaction_verdict,
            "comment": detail.satisfaction_comment,
        },
        "created_at": _iso(detail.created_at),
        "updated_at": _iso(detail.updated_at),
        "stage_entered_at": _iso(detail.stage_entered_at),
        "last_activity_at": _iso(detail.last_activity_at),
        "version": detail.version,
        "tasks": [
            {
                "id": t.id,
                "stage": t.stage,
                "title": t.title,
                "done": t.done,
                "required": t.required,
                "done_at": _iso(t.done_at),
            }
            for t in detail.tasks
        ],
        "history": [
            {
                "at": _iso(e.at),
                "kind": e.kind,
                "author": e.author,
                "detail": e.detail,
                "from_stage": e.from_stage,
                "to_stage": e.to_stage,
            }
            for e in detail.history
        ],
    }


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def csv_cells(detail: DealDetail) -> list[str]:
    """A deal's row in `CSV_COLUMNS` order: money in major units, no cell a formula."""
    values: dict[str, object] = {
        **{name: getattr(detail, name) for name in CSV_COLUMNS if hasattr(detail, name)},
        "value": domain.major_text(detail.value, detail.currency),
    }
    return [neutralise(_cell(values[name])) for name in CSV_COLUMNS]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def write_csv(details: Iterable[DealDetail], out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for detail in details:
        writer.writerow(csv_cells(detail))
        count += 1
    return count


def write_json(details: Iterable[DealDetail], out: TextIO) -> int:
    """A JSON array, one deal a line."""
    count = 0
    out.write("[")
    for detail in details:
        out.write(("," if count else "") + "\n" + json.dumps(deal_json(detail), ensure_ascii=False))
        count += 1
    out.write("\n]\n")
    return count


def export_deals(pipeline: Pipeline, fmt: str, out: TextIO) -> int:
    """Write every deal (not the deleted ones) to `out` as `fmt`; how many were written."""
    if fmt == "csv":
        return write_csv(pipeline.details(batch=2000, full=False), out)
    return write_json(pipeline.details(), out)


def export_file(pipeline: Pipeline, fmt: str, path: Path) -> int:
    """Export to `path` (readable by its owner only), replacing it only once complete."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with open(fd, "w", encoding="utf-8", newline="") as out:
            count = export_deals(pipeline, fmt, out)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return count
