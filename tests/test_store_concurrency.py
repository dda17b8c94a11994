"""Several Pipelines on one SQLite file, as several windows or users: no lost writes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from test_store import add, group_by

from salestui.domain import ConflictError
from salestui.store import Pipeline


def run_threads(targets: list[Callable[[], None]]) -> list[BaseException]:
    """Start every target at once; the exceptions they raised."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(targets))

    def wrap(target: Callable[[], None]) -> None:
        barrier.wait()
        try:
            target()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=wrap, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_writers_without_versions_all_land(pipeline: Pipeline, make_pipeline) -> None:
    others = [make_pipeline(f"user{n}") for n in range(3)]
    deal = add(pipeline)

    def writer(p: Pipeline, n: int) -> Callable[[], None]:
        def write() -> None:
            for i in range(8):
                p.add_task(deal.id, f"task {n}.{i}")

        return write

    errors = run_threads([writer(p, n) for n, p in enumerate([pipeline, *others])])
    assert errors == []
    final = pipeline.get(deal.id)
    assert final.version == 1 + 4 * 8
    assert len(final.tasks) == 3 + 4 * 8
    assert {e.author for e in final.history} == {"tester", "user0", "user1", "user2"}


def test_racing_writers_on_one_version_exactly_one_wins(pipeline: Pipeline, make_pipeline) -> None:
    others = [make_pipeline(f"user{n}") for n in range(4)]
    deal = add(pipeline)
    outcomes: list[str] = []

    def writer(p: Pipeline, n: int) -> Callable[[], None]:
        def write() -> None:
            try:
                p.edit(deal.id, {"value": str(100 * (n + 1))}, version=deal.version)
                outcomes.append("won")
            except ConflictError:
                outcomes.append("conflict")

        return write

    assert run_threads([writer(p, n) for n, p in enumerate(others)]) == []
    assert sorted(outcomes) == ["conflict"] * 3 + ["won"]
    final = pipeline.get(deal.id)
    assert final.version == deal.version + 1
    assert [e.kind for e in final.history].count("edited") == 1


def test_concurrent_moves_keep_the_totals(
    pipeline: Pipeline, make_pipeline, tmp_path: Path
) -> None:
    ids = [add(pipeline, f"Deal {n}", value=str(n * 100)).id for n in range(12)]
    others = [make_pipeline(f"user{n}") for n in range(3)]

    def mover(p: Pipeline, mine: list[int]) -> Callable[[], None]:
        def move() -> None:
            for deal_id in mine:
                p.move(deal_id, "discovery", override="batch")
                p.lose(deal_id, "Price")

        return move

    errors = run_threads([mover(p, ids[n::3]) for n, p in enumerate(others)])
    assert errors == []
    assert pipeline.summaries() == group_by(tmp_path / "test.db")
    assert pipeline.summaries()["closed"].lost == 12
