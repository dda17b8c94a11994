"""The bulk path's rows: many deals written with a few statements per chunk.

SQLAlchemy's per-row work (a parameter dict per row, every column's bind processor
per value) cost several times what the database itself spends on the insert. Here
each INSERT is compiled once for the connection's dialect and run through
`exec_driver_sql` with rows as plain tuples; only dates and datetimes are converted,
as the column types would convert them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from itertools import chain
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, func, insert, select
from sqlalchemy.engine import Dialect
from sqlmodel import SQLModel

from salestui import domain
from salestui.domain import ConflictError
from salestui.store.models import Deal, Event, Task

if TYPE_CHECKING:
    from salestui.store.pipeline import NewDeal

DEAL_TABLE = SQLModel.metadata.tables[Deal.__tablename__]
TASK_TABLE = SQLModel.metadata.tables[Task.__tablename__]
EVENT_TABLE = SQLModel.metadata.tables[Event.__tablename__]
DEAL_COLUMNS = tuple(c.name for c in DEAL_TABLE.columns if c.name != "id")
TASK_COLUMNS = ("deal_id", "stage", "title", "position", "required", "done_at")
EVENT_COLUMNS = ("deal_id", "at", "author", "kind", "detail", "from_stage", "to_stage")
Binder = Callable[[Any], Any]


def deal_values(new: NewDeal, now: datetime) -> dict[str, Any]:
    """A new deal's column values (all but the id)."""
    created = new.created_at or now
    entered = new.stage_entered_at or created
    return {
        **{name: getattr(new.fields, name) for name in domain.FIELD_NAMES},
        "stage": new.stage,
        "outcome": new.outcome,
        "lost_reason": new.lost_reason,
        "satisfaction_score": new.satisfaction_score,
        "satisfaction_verdict": new.satisfaction_verdict,
        "satisfaction_comment": new.satisfaction_comment,
        "created_at": created,
        "updated_at": max(created, entered, new.last_activity_at or entered),
        "stage_entered_at": entered,
        "last_activity_at": new.last_activity_at or entered,
        "deleted": False,
        "version": 1,
    }


def _binder(table: Table, column: str, dialect: Dialect) -> Binder:
    processor = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
    return processor or (lambda value: value)


def _sqlite_datetime(value: datetime | None) -> str | None:
    """An aware datetime as SQLite text in UTC, the format SQLAlchemy's DateTime writes."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        if value.utcoffset() is None:
            raise ValueError("datetimes must have timezone information")
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]


def datetime_binder(dialect: Dialect) -> Binder:
    """The datetime columns' bind processor, or a faster equivalent where one is known.

    The SQLite shortcut is used only when it gives the same text as the column type.
    """
    standard = _binder(EVENT_TABLE, "at", dialect)
    probes = (datetime(2001, 2, 3, 4, 5, 6, 7, tzinfo=UTC), datetime(1999, 12, 31, tzinfo=UTC))
    if dialect.name == "sqlite" and all(_sqlite_datetime(p) == standard(p) for p in probes):
        return _sqlite_datetime
    return standard


class _Insert:
    """Rows as tuples in `columns` order, inserted `ROWS` to a statement.

    Multi-row VALUES halve SQLite's per-row cost; each statement size is compiled
    once for the connection's dialect and run with plain parameters.
    """

    ROWS = 100

    def __init__(self, conn: Connection, table: Table, columns: Sequence[str]) -> None:
        self.conn, self.table, self.columns = conn, table, tuple(columns)
        self._compiled: dict[int, tuple[str, list[str] | None, bool]] = {}

    def _statement(self, count: int) -> tuple[str, list[str] | None, bool]:
        """The SQL for `count` rows; bind names when the driver takes named parameters."""
        if count not in self._compiled:
            stmt = insert(self.table).values([dict.fromkeys(self.columns)] * count)
            compiled = stmt.compile(dialect=self.conn.dialect)
            width = len(self.columns)
            layout = {
                f"{column}_m{row}": row * width + index
                for row in range(count)
                for index, column in enumerate(self.columns)
            }
            names = list(compiled.positiontup or ()) if compiled.positional else None
            if names is not None and [layout[n] for n in names] != list(range(len(layout))):
                raise RuntimeError(f"unexpected parameter order in {compiled.string[:80]}")
            named = None if compiled.positional else sorted(layout, key=layout.__getitem__)
            self._compiled[count] = (compiled.string, named, compiled.positional)
        return self._compiled[count]

    def run(self, rows: list[tuple[Any, ...]]) -> None:
        flat = list(chain.from_iterable(rows))
        step = self.ROWS * len(self.columns)
        full = len(rows) // self.ROWS * step
        if full:
            self._execute(self.ROWS, [flat[i : i + step] for i in range(0, full, step)])
        if full < len(flat):
            self._execute(len(rows) % self.ROWS, [flat[full:]])

    def _execute(self, count: int, groups: list[list[Any]]) -> None:
        sql, named, positional = self._statement(count)
        params: list[Any] = (
            [tuple(g) for g in groups]
            if positional
            else [dict(zip(named or (), g, strict=True)) for g in groups]
        )
        self.conn.exec_driver_sql(sql, params)


class BulkWriter:
    """Writes chunks of new deals with their tasks and history in the caller's transaction."""

    def __init__(
        self,
        conn: Connection,
        *,
        author: str,
        templates: Mapping[str, Sequence[tuple[str, bool]]],
        now: datetime,
    ) -> None:
        self.conn = conn
        self.author = author
        self.now = now
        self.deals = _Insert(conn, DEAL_TABLE, DEAL_COLUMNS)
        self.tasks = _Insert(conn, TASK_TABLE, TASK_COLUMNS)
        self.events = _Insert(conn, EVENT_TABLE, EVENT_COLUMNS)
        self.stamp = datetime_binder(conn.dialect)
        self.day: Binder = _binder(DEAL_TABLE, "close_date", conn.dialect)
        # Default checklists: every stage up to the deal's own, earlier stages ticked.
        self.checklists: dict[str, list[tuple[str, str, int, bool, bool]]] = {}
        for reached, stage in enumerate(domain.STAGE_KEYS):
            self.checklists[stage] = [
                (key, title, position, required, index < reached)
                for index, key in enumerate(domain.STAGE_KEYS[: reached + 1])
                for position, (title, required) in enumerate(templates.get(key, ()))
            ]

    def add(self, batch: Sequence[NewDeal]) -> int:
        """Insert one chunk of deals; their ids are read back in one query."""
        stamp, day = self.stamp, self.day
        dated = {"created_at", "updated_at", "stage_entered_at", "last_activity_at"}
        rows: list[tuple[Any, ...]] = []
        created: list[Any] = []
        for new in batch:
            values = deal_values(new, self.now)
            for name in dated:
                values[name] = stamp(values[name])
            close = values["close_date"]
            values["close_date"] = day(close) if isinstance(close, date) else close
            rows.append(tuple(values[name] for name in DEAL_COLUMNS))
            created.append(values["created_at"])
        deal_id = DEAL_TABLE.c.id
        before = self.conn.execute(select(func.coalesce(func.max(deal_id), 0))).scalar_one()
        self.deals.run(rows)
        ids = list(
            self.conn.execute(select(deal_id).where(deal_id > before).order_by(deal_id)).scalars()
        )
        if len(ids) != len(batch):
            raise ConflictError("deals were added elsewhere during the bulk insert; try again")
        self.tasks.run(self._task_rows(ids, batch, created))
        self.events.run(self._event_rows(ids, batch, created))
        return len(batch)

    def _task_rows(
        self, ids: list[int], batch: Sequence[NewDeal], created: list[Any]
    ) -> list[tuple[Any, ...]]:
        stamp = self.stamp
        out: list[tuple[Any, ...]] = []
        append = out.append
        for deal_id, new, at in zip(ids, batch, created, strict=True):
            if new.tasks is None:
                domain.stage_index(new.stage)
                for key, title, position, required, ticked in self.checklists[new.stage]:
                    append((deal_id, key, title, position, required, at if ticked else None))
                continue
            positions: dict[str, int] = {}
            for task in new.tasks:
                position = positions[task.stage] = positions.get(task.stage, -1) + 1
                done = task.done_at
                append(
                    (
                        deal_id,
                        task.stage,
                        task.title,
                        position,
                        task.required,
                        None if done is None else stamp(done),
                    )
                )
        return out

    def _event_rows(
        self, ids: list[int], batch: Sequence[NewDeal], created: list[Any]
    ) -> list[tuple[Any, ...]]:
        stamp, author = self.stamp, self.author
        out: list[tuple[Any, ...]] = []
        for deal_id, new, at in zip(ids, batch, created, strict=True):
            if new.history is None:
                stage = domain.STAGE_BY_KEY.get(new.stage)
                detail = f"{new.event_kind} in {stage.label if stage else new.stage}"
                out.append((deal_id, at, author, new.event_kind, detail, None, new.stage))
                continue
            out.extend(
                (
                    deal_id,
                    stamp(ev.at),
                    ev.author or author,
                    ev.kind,
                    ev.detail,
                    ev.from_stage,
                    ev.to_stage,
                )
                for ev in new.history
            )
        return out
