"""The bulk path the benchmark relies on, and the benchmark itself at a small size."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import sqlite

from salestui import domain
from salestui.demo import demo_deals
from salestui.domain import DealFields
from salestui.store import NewDeal, NewEvent, NewTask, Pipeline
from salestui.store.bulk import EVENT_TABLE, datetime_binder
from salestui.store.pipeline import summarise

ROOT = Path(__file__).resolve().parent.parent
FIGURES = (  # the contract for the benchmark's last line
    "deals",
    "build_rows_per_s",
    "first_frame_s",
    "baseline_first_frame_s",
    "first_frame_ratio",
    "key_p50_ms",
    "key_p95_ms",
    "move_p95_ms",
    "open_deal_p95_ms",
    "bytes_per_key",
    "peak_rss_mb",
)


def table_count(pipeline: Pipeline, table: str) -> int:
    with pipeline.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_bulk_add_writes_every_deal_task_and_event(pipeline: Pipeline) -> None:
    pipeline.create({"title": "Made by hand"}, stage="discovery")
    before = {t: table_count(pipeline, t) for t in ("deal", "task", "event")}
    deals = list(demo_deals(pipeline.now(), 1200, closed_share=0.9))

    assert pipeline.bulk_add(deals, chunk=500) == 1200

    assert table_count(pipeline, "deal") - before["deal"] == 1200
    assert table_count(pipeline, "task") - before["task"] == sum(len(d.tasks or ()) for d in deals)
    assert table_count(pipeline, "event") - before["event"] == sum(
        len(d.history or ()) for d in deals
    )


def test_bulk_add_keeps_stage_totals_equal_to_a_fresh_group_by(pipeline: Pipeline) -> None:
    pipeline.create({"title": "Made by hand", "value": "10"}, stage="proposed")
    pipeline.bulk_add(demo_deals(pipeline.now(), 900, closed_share=0.9), chunk=250)
    grouped = text(
        "SELECT stage, outcome, currency, count(*), sum(value) FROM deal"
        " WHERE NOT deleted GROUP BY stage, outcome, currency"
    )
    with pipeline.engine.connect() as conn:
        fresh = summarise(list(conn.execute(grouped)))

    assert pipeline.summaries() == fresh
    assert sum(s.count for s in fresh.values()) == 901


def test_bulk_deals_read_back_with_their_tasks_and_history(pipeline: Pipeline) -> None:
    paris = timezone(timedelta(hours=1))
    ticked = datetime(2026, 1, 5, 10, 0, 0, 0, tzinfo=paris)
    new = NewDeal(
        DealFields(title="Imported", value=500, close_date=datetime(2026, 4, 1).date()),
        stage="qualified",
        created_at=datetime(2026, 1, 2, 8, 30, tzinfo=UTC),
        tasks=[NewTask("prospect", "Call", done_at=ticked), NewTask("qualified", "Visit", False)],
        history=[NewEvent(datetime(2026, 1, 2, 8, 30, tzinfo=UTC), "imported", "from CSV")],
    )
    pipeline.bulk_add([new, NewDeal(DealFields(title="Defaults"), stage="discovery")])
    details = {card.title: pipeline.get(card.id) for card in pipeline.deals()}

    imported, defaults = details["Imported"], details["Defaults"]
    assert [(t.stage, t.title, t.position, t.required, t.done_at) for t in imported.tasks] == [
        ("prospect", "Call", 0, True, ticked.astimezone(UTC)),
        ("qualified", "Visit", 0, False, None),
    ]
    assert imported.tasks[0].done_at is not None and imported.tasks[0].done_at.tzinfo == UTC
    assert [(e.kind, e.detail, e.author) for e in imported.history] == [
        ("imported", "from CSV", "tester")
    ]
    assert imported.close_date == datetime(2026, 4, 1).date()
    templates = pipeline.templates()
    reached = domain.STAGE_KEYS[: domain.stage_index("discovery") + 1]
    assert len(defaults.tasks) == sum(len(templates[k]) for k in reached)
    assert all((t.done_at is not None) == (t.stage != "discovery") for t in defaults.tasks)
    assert [e.detail for e in defaults.history] == ["created in Discovery"]
    assert pipeline.position(defaults.id) is not None


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        datetime(2026, 3, 2, 9, 30, 0, 1, tzinfo=UTC),
        datetime(1, 1, 1, 0, 0, tzinfo=UTC),
        datetime(2026, 7, 1, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-7))),
    ],
)
def test_fast_sqlite_datetimes_match_the_column_type(value: datetime) -> None:
    dialect = sqlite.dialect()
    standard = EVENT_TABLE.c.at.type.dialect_impl(dialect).bind_processor(dialect)
    assert standard is not None
    assert datetime_binder(dialect)(value) == standard(value)


def test_bulk_add_refuses_naive_datetimes(pipeline: Pipeline) -> None:
    naive = NewDeal(DealFields(title="Naive"), created_at=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="timezone"):
        pipeline.bulk_add([naive])
    assert pipeline.count() == 0


def test_benchmark_runs_and_ends_with_the_json_figures(tmp_path: Path) -> None:
    """Keeps the benchmark from rotting; its figures are not checked here."""
    run = subprocess.run(
        [
            *(sys.executable, str(ROOT / "benchmarks" / "board.py"), "--deals", "200"),
            *("--reps", "2", "--starts", "1", "--keep", str(tmp_path / "bench.db")),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )

    assert run.returncode == 0, run.stderr
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    assert tuple(figures) == FIGURES
    assert figures["deals"] == 200
