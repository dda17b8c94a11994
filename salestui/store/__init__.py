"""The store: the only place that speaks SQL. Imports no Textual."""

from __future__ import annotations

from salestui.store.engine import describe, open_engine, resolve_url
from salestui.store.pipeline import NewDeal, NewEvent, NewTask, Pipeline
from salestui.store.views import (
    DealCard,
    DealDetail,
    EventView,
    MoneyTotal,
    StageSummary,
    TaskView,
    TemplateView,
)


def open_pipeline(url: str, **kwargs: object) -> Pipeline:
    """A Pipeline on the database at `url`, its schema brought up to date."""
    return Pipeline(open_engine(url), **kwargs)  # type: ignore[arg-type]


__all__ = [
    "DealCard",
    "DealDetail",
    "EventView",
    "MoneyTotal",
    "NewDeal",
    "NewEvent",
    "NewTask",
    "Pipeline",
    "StageSummary",
    "TaskView",
    "TemplateView",
    "describe",
    "open_pipeline",
    "resolve_url",
]
