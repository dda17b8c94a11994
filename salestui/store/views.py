"""Frozen records the store hands to the UI and the CLI: never live ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class DealCard:
    """What a board card shows."""

    id: int
    title: str
    company: str
    contact: str
    value: int
    currency: str
    owner: str
    stage: str
    outcome: str
    lost_reason: str
    satisfaction_score: int | None
    tasks_done: int
    tasks_total: int
    stage_entered_at: datetime
    last_activity_at: datetime
    version: int


@dataclass(frozen=True)
class TaskView:
    id: int
    deal_id: int
    stage: str
    title: str
    position: int
    required: bool
    done_at: datetime | None

    @property
    def done(self) -> bool:
        return self.done_at is not None


@dataclass(frozen=True)
class EventView:
    id: int
    at: datetime
    author: str
    kind: str
    detail: str
    from_stage: str | None
    to_stage: str | None


@dataclass(frozen=True)
class DealDetail:
    """A whole deal: every field, its tasks and its history."""

    id: int
    title: str
    company: str
    contact: str
    email: str
    phone: str
    value: int
    currency: str
    owner: str
    close_date: date | None
    source: str
    notes: str
    stage: str
    outcome: str
    lost_reason: str
    satisfaction_score: int | None
    satisfaction_verdict: str | None
    satisfaction_comment: str
    created_at: datetime
    updated_at: datetime
    stage_entered_at: datetime
    last_activity_at: datetime
    deleted: bool
    version: int
    tasks: tuple[TaskView, ...] = ()
    history: tuple[EventView, ...] = ()
    time_in_stage: dict[str, timedelta] = field(default_factory=dict)

    def tasks_of(self, stage: str) -> tuple[TaskView, ...]:
        return tuple(t for t in self.tasks if t.stage == stage)


@dataclass(frozen=True)
class MoneyTotal:
    currency: str
    value: int
    weighted: int


@dataclass(frozen=True)
class StageSummary:
    """A column header: how many deals and how much money a stage holds."""

    stage: str
    count: int
    totals: tuple[MoneyTotal, ...]
    """One per currency, largest first."""
    won: int = 0
    lost: int = 0


@dataclass(frozen=True)
class TemplateView:
    id: int
    stage: str
    title: str
    position: int
    required: bool
