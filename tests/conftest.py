"""Shared fixtures: a pipeline on a temp database, with frozen time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from salestui.demo import seed
from salestui.store import Pipeline, open_pipeline

FROZEN_NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


class Clock:
    """A clock tests can move by hand."""

    def __init__(self, now: datetime = FROZEN_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def pipeline(db_url: str, clock: Clock) -> Pipeline:
    """An empty pipeline on a fresh SQLite file, author 'tester', frozen time."""
    return open_pipeline(db_url, author="tester", clock=clock)


@pytest.fixture
def demo_pipeline(pipeline: Pipeline) -> Pipeline:
    """The pipeline filled with the 40 demo deals (deterministic)."""
    seed(pipeline, 40)
    return pipeline


@pytest.fixture
def make_pipeline(db_url: str, clock: Clock) -> Callable[..., Pipeline]:
    """Another Pipeline on the same database (a second window or user)."""

    def make(author: str = "other") -> Pipeline:
        return open_pipeline(db_url, author=author, clock=clock)

    return make
