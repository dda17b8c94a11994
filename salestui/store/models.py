"""SQLModel tables. Only the store imports this module."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel


class Deal(SQLModel, table=True):
    __tablename__ = "deal"
    __table_args__ = (
        Index("ix_deal_board_activity", "deleted", "stage", "last_activity_at", "id"),
        Index("ix_deal_board_value", "deleted", "stage", "value", "id"),
        Index("ix_deal_outcome", "deleted", "outcome"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(sa_type=Text)
    company: str = Field(default="", sa_type=Text)
    contact: str = Field(default="", sa_type=Text)
    email: str = Field(default="", sa_type=Text)
    phone: str = Field(default="", sa_type=Text)
    value: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    currency: str = Field(default="EUR", max_length=3)
    owner: str = Field(default="", sa_type=Text)
    close_date: date | None = None
    source: str = Field(default="", sa_type=Text)
    notes: str = Field(default="", sa_type=Text)
    stage: str = Field(max_length=20)
    outcome: str = Field(default="open", max_length=10)
    lost_reason: str = Field(default="", sa_type=Text)
    satisfaction_score: int | None = None
    satisfaction_verdict: str | None = Field(default=None, max_length=10)
    satisfaction_comment: str = Field(default="", sa_type=Text)
    created_at: datetime
    updated_at: datetime
    stage_entered_at: datetime
    last_activity_at: datetime
    deleted: bool = Field(default=False)
    version: int = Field(default=1)


class Task(SQLModel, table=True):
    __tablename__ = "task"
    __table_args__ = (Index("ix_task_deal_stage", "deal_id", "stage", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(
        sa_column=Column(Integer, ForeignKey("deal.id", ondelete="CASCADE"), nullable=False)
    )
    stage: str = Field(max_length=20)
    title: str = Field(sa_type=Text)
    position: int = 0
    required: bool = True
    done_at: datetime | None = None


class TemplateTask(SQLModel, table=True):
    __tablename__ = "template_task"
    __table_args__ = (Index("ix_template_stage", "stage", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    stage: str = Field(max_length=20)
    title: str = Field(sa_type=Text)
    position: int = 0
    required: bool = True


class Event(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (Index("ix_event_deal", "deal_id", "at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(
        sa_column=Column(Integer, ForeignKey("deal.id", ondelete="CASCADE"), nullable=False)
    )
    at: datetime
    author: str = Field(default="", sa_type=Text)
    kind: str = Field(max_length=30)
    detail: str = Field(default="", sa_type=Text)
    from_stage: str | None = Field(default=None, max_length=20)
    to_stage: str | None = Field(default=None, max_length=20)


class StageTotal(SQLModel, table=True):
    """Running per-stage totals, kept in step with `deal` by every write.

    The board's headers read these instead of aggregating 100,000 rows per change.
    """

    __tablename__ = "stage_total"

    stage: str = Field(primary_key=True, max_length=20)
    outcome: str = Field(primary_key=True, max_length=10)
    currency: str = Field(primary_key=True, max_length=3)
    count: int = Field(default=0)
    value: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
