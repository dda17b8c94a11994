"""The one service API over the database, shared by the app and the command line.

Every write runs in one transaction, checks the deal's version when the caller gives
one, bumps it, records a history event and keeps the stage totals in step.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import import_module
from itertools import islice
from typing import Any, Literal, overload

from sqlalchemy import Engine, and_, delete, func, insert, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from salestui import domain
from salestui.domain import (
    CLOSED,
    LOST,
    OPEN,
    WON,
    ConflictError,
    DealFields,
    GateBlocked,
    GateTask,
    NotFound,
    ValidationError,
)
from salestui.store.bulk import BulkWriter, deal_values
from salestui.store.engine import WRITE
from salestui.store.models import Deal, Event, StageTotal, Task, TemplateTask
from salestui.store.views import (
    DealCard,
    DealDetail,
    EventView,
    MoneyTotal,
    StageSummary,
    TaskView,
    TemplateView,
)

Sort = Literal["activity", "value"]
_CARD_COLUMNS = (
    Deal.id,
    Deal.title,
    Deal.company,
    Deal.contact,
    Deal.value,
    Deal.currency,
    Deal.owner,
    Deal.stage,
    Deal.outcome,
    Deal.lost_reason,
    Deal.satisfaction_score,
    Deal.stage_entered_at,
    Deal.last_activity_at,
    Deal.version,
)
"""What a `DealCard` needs from a deal row."""
SORTS: tuple[Sort, ...] = ("activity", "value")


def utcnow() -> datetime:
    return datetime.now(UTC)


def default_author() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass(frozen=True)
class NewTask:
    stage: str
    title: str
    required: bool = True
    done_at: datetime | None = None


@dataclass(frozen=True)
class NewEvent:
    at: datetime
    kind: str
    detail: str = ""
    author: str = ""
    from_stage: str | None = None
    to_stage: str | None = None


@dataclass(frozen=True)
class NewDeal:
    """A deal for the bulk path (imports, demo data, benchmarks), already validated.

    `tasks=None` gives the deal the template checklists of every stage up to its own
    (earlier stages ticked). `history=None` records one event of `event_kind`.
    """

    fields: DealFields
    stage: str = "prospect"
    outcome: str = OPEN
    lost_reason: str = ""
    satisfaction_score: int | None = None
    satisfaction_verdict: str | None = None
    satisfaction_comment: str = ""
    created_at: datetime | None = None
    stage_entered_at: datetime | None = None
    last_activity_at: datetime | None = None
    tasks: Sequence[NewTask] | None = None
    history: Sequence[NewEvent] | None = None
    event_kind: str = "created"


@dataclass
class _Write:
    """What one write transaction changes in a deal; applied by `Pipeline._write`."""

    session: Session
    deal: Deal
    now: datetime
    events: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)

    def event(
        self,
        kind: str,
        detail: str = "",
        from_stage: str | None = None,
        to_stage: str | None = None,
    ) -> None:
        self.events.append((kind, detail, from_stage, to_stage))


class Pipeline:
    """The sales pipeline stored in one database."""

    def __init__(
        self,
        engine: Engine,
        *,
        author: str | None = None,
        clock: Callable[[], datetime] = utcnow,
        stale_days: int = domain.STALE_DAYS,
    ) -> None:
        self.engine = engine
        self._write_engine = engine.execution_options(**{WRITE: True})
        self.author = author if author is not None else default_author()
        self.clock = clock
        self.stale_days = stale_days

    # ------------------------------------------------------------------ sessions

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self.engine) as session:
            yield session

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        with Session(self._write_engine, expire_on_commit=False) as session, session.begin():
            yield session

    def now(self) -> datetime:
        return self.clock().astimezone(UTC)

    # ------------------------------------------------------------------ reading

    def get(self, deal_id: int, *, include_deleted: bool = False) -> DealDetail:
        """The whole deal with its tasks and history."""
        with self._read() as session:
            deal = session.get(Deal, deal_id)
            if deal is None or (deal.deleted and not include_deleted):
                raise NotFound(f"no deal #{deal_id}")
            return self._detail(session, deal)

    def card(self, deal_id: int) -> DealCard:
        with self._read() as session:
            deal = session.get(Deal, deal_id)
            if deal is None or deal.deleted:
                raise NotFound(f"no deal #{deal_id}")
            return self._cards(session, [deal])[0]

    def page(
        self,
        stage: str,
        offset: int = 0,
        limit: int = 100,
        *,
        sort: Sort = "activity",
        query: str = "",
        outcome: str | None = None,
    ) -> list[DealCard]:
        """One page of a stage's deals in board order."""
        domain.stage_index(stage)
        # Plain column rows, not ORM objects: a third of the time of a board page.
        stmt = sa_select(*map(col, _CARD_COLUMNS)).where(*self._board_where(stage, query, outcome))
        stmt = stmt.order_by(*self._order(sort)).offset(max(0, offset)).limit(max(0, limit))
        with self._read() as session:
            return self._cards(session, list(session.execute(stmt)))

    def position(self, deal_id: int, *, sort: Sort = "activity", query: str = "") -> int | None:
        """Index of a deal within its column in board order, or None when not shown."""
        with self._read() as session:
            deal = session.get(Deal, deal_id)
            if deal is None or deal.deleted:
                return None
            if (
                query
                and not session.exec(
                    self._board_select(deal.stage, query).where(col(Deal.id) == deal_id)
                ).first()
            ):
                return None
            key_col = col(Deal.value) if sort == "value" else col(Deal.last_activity_at)
            key = deal.value if sort == "value" else deal.last_activity_at
            before = or_(key_col > key, and_(key_col == key, col(Deal.id) > deal_id))
            stmt = (
                select(func.count())
                .select_from(Deal)
                .where(*self._board_where(deal.stage, query), before)
            )
            return int(session.exec(stmt).one())

    def count(self, stage: str | None = None, outcome: str | None = None, query: str = "") -> int:
        stmt = select(func.count()).select_from(Deal).where(col(Deal.deleted).is_(False))
        if stage:
            stmt = stmt.where(col(Deal.stage) == stage)
        if outcome:
            stmt = stmt.where(col(Deal.outcome) == outcome)
        if query:
            stmt = stmt.where(self._match(query))
        with self._read() as session:
            return int(session.exec(stmt).one())

    def summaries(self, query: str = "") -> dict[str, StageSummary]:
        """Every column's header figures, from the running totals (or SQL when filtering)."""
        if query:
            stmt: Any = (
                sa_select(
                    col(Deal.stage),
                    col(Deal.outcome),
                    col(Deal.currency),
                    func.count(),
                    func.coalesce(func.sum(Deal.value), 0),
                )
                .where(col(Deal.deleted).is_(False), self._match(query))
                .group_by(col(Deal.stage), col(Deal.outcome), col(Deal.currency))
            )
        else:
            stmt = sa_select(
                col(StageTotal.stage),
                col(StageTotal.outcome),
                col(StageTotal.currency),
                col(StageTotal.count),
                col(StageTotal.value),
            ).where(col(StageTotal.count) > 0)
        with self._read() as session:
            rows = list(session.execute(stmt))
        return summarise(rows)

    def deals(
        self, *, stage: str | None = None, outcome: str | None = None, batch: int = 1000
    ) -> Iterator[DealCard]:
        """Every deal, stage by stage in board order, read in batches."""
        for key in [stage] if stage else domain.STAGE_KEYS:
            offset = 0
            while True:
                cards = self.page(key, offset, batch, outcome=outcome)
                yield from cards
                if len(cards) < batch:
                    break
                offset += batch

    def details(self, *, batch: int = 500, full: bool = True) -> Iterator[DealDetail]:
        """Every deal with tasks and history, by id, read in batches (for export).

        `full=False` reads no tasks and no history (time in stage is left empty): much
        faster for exports that do not carry them.
        """
        last = 0
        while True:
            with self._read() as session:
                stmt = (
                    select(Deal)
                    .where(col(Deal.deleted).is_(False), col(Deal.id) > last)
                    .order_by(col(Deal.id))
                    .limit(batch)
                )
                rows = list(session.exec(stmt))
                if not rows:
                    return
                yield from self._details(session, rows, full=full)
            last = rows[-1].id or last

    def templates(self) -> dict[str, tuple[TemplateView, ...]]:
        with self._read() as session:
            rows = session.exec(
                select(TemplateTask).order_by(col(TemplateTask.stage), col(TemplateTask.position))
            )
            out: dict[str, list[TemplateView]] = {key: [] for key in domain.STAGE_KEYS}
            for row in rows:
                out.setdefault(row.stage, []).append(
                    TemplateView(row.id or 0, row.stage, row.title, row.position, row.required)
                )
        return {key: tuple(views) for key, views in out.items()}

    def is_stale(self, card: DealCard | DealDetail) -> bool:
        return domain.is_stale(card.outcome, card.last_activity_at, self.now(), self.stale_days)

    # ------------------------------------------------------------------ deal writes

    def create(
        self, fields: Mapping[str, object] | DealFields, stage: str = "prospect"
    ) -> DealDetail:
        """Add a deal in `stage`, with the checklists of every stage up to it.

        A deal added straight into Closed is won: Closed holds only won and lost deals.
        """
        valid = fields if isinstance(fields, DealFields) else domain.validate_fields(fields)
        domain.stage_index(stage)
        outcome = WON if stage == CLOSED else OPEN
        with self._transaction() as session:
            now = self.now()
            deal = self._new_deal_row(NewDeal(valid, stage=stage, outcome=outcome), now)
            session.add(deal)
            session.flush()
            assert deal.id is not None
            reached = domain.stage_index(stage)
            self._copy_templates(
                session,
                deal.id,
                domain.STAGE_KEYS[: reached + 1],
                now,
                ticked=domain.STAGE_KEYS[:reached],
            )
            self._add_event(
                session, deal.id, now, "created", f"created in {_label(stage)}", None, stage
            )
            if outcome == WON:
                self._add_event(session, deal.id, now, "won", "won", None, None)
            self._adjust_totals(session, deal, +1)
            return self._detail(session, deal)

    def edit(
        self, deal_id: int, changes: Mapping[str, object], *, version: int | None = None
    ) -> DealDetail:
        """Change some fields; the rest keep their values."""
        with self._write(deal_id, version) as w:
            current = {name: getattr(w.deal, name) for name in domain.FIELD_NAMES}
            unknown = set(changes) - set(domain.FIELD_NAMES)
            if unknown:
                raise ValidationError(sorted(unknown)[0], "is not a deal field")
            merged = {**current, **changes}
            if "currency" in changes and "value" not in changes:
                # The same amount in the new currency, not the same minor units.
                merged["value"] = domain.rescale(
                    w.deal.value, w.deal.currency, _str(changes["currency"])
                )
            valid = domain.validate_fields(merged)
            changed = [n for n in domain.FIELD_NAMES if getattr(valid, n) != current[n]]
            if not changed:
                return self._detail(w.session, w.deal)
            self._adjust_totals(w.session, w.deal, -1)
            for name in changed:
                setattr(w.deal, name, getattr(valid, name))
            self._adjust_totals(w.session, w.deal, +1)
            detail_changes = [n for n in changed if n != "notes"]
            if detail_changes:
                w.event("edited", ", ".join(n.replace("_", " ") for n in detail_changes))
            if "notes" in changed:
                w.event("notes", "notes edited")
        return self.get(deal_id)

    def set_notes(self, deal_id: int, notes: str, *, version: int | None = None) -> DealDetail:
        return self.edit(deal_id, {"notes": notes}, version=version)

    def delete(self, deal_id: int, *, version: int | None = None) -> None:
        """Hide a deal (restorable)."""
        with self._write(deal_id, version) as w:
            self._adjust_totals(w.session, w.deal, -1)
            w.deal.deleted = True
            w.event("deleted", "deleted")

    def restore(self, deal_id: int) -> DealDetail:
        with self._write(deal_id, None, include_deleted=True) as w:
            if w.deal.deleted:
                w.deal.deleted = False
                self._adjust_totals(w.session, w.deal, +1)
                w.event("restored", "restored")
        return self.get(deal_id)

    @overload
    def move(
        self,
        deal_id: int,
        to_stage: str,
        *,
        version: int | None = None,
        override: str | None = None,
        tick: Sequence[int] = (),
        detail: Literal[True] = True,
    ) -> DealDetail: ...

    @overload
    def move(
        self,
        deal_id: int,
        to_stage: str,
        *,
        version: int | None = None,
        override: str | None = None,
        tick: Sequence[int] = (),
        detail: Literal[False],
    ) -> DealCard: ...

    def move(
        self,
        deal_id: int,
        to_stage: str,
        *,
        version: int | None = None,
        override: str | None = None,
        tick: Sequence[int] = (),
        detail: bool = True,
    ) -> DealDetail | DealCard:
        """Move a deal to another stage through the gate.

        A forward move is refused (GateBlocked) while a required task of any stage it
        leaves is open, unless `override` gives a reason, which history records.
        `tick` names tasks to tick in the same transaction first (the gate dialog).
        Reaching Closed through the gate makes the deal won; moving a closed deal back
        reopens it. Gives back the moved deal whole, or with `detail=False` its card
        (what the board shows, a third of the reading).
        """
        domain.stage_index(to_stage)
        reason = domain.check_text("reason", override) if override is not None else None
        if reason is not None and not reason.strip():
            raise ValidationError("reason", "an override needs a reason")
        blocked: list[GateTask] = []
        with self._write(deal_id, version) as w:
            deal = w.deal
            if deal.stage == to_stage:
                raise ValidationError("stage", f"the deal is already in {_label(to_stage)}")
            # A deal crossing stages it never entered gets their checklists now, so the
            # gate asks for those tasks too; they stay even when the move is refused,
            # so the gate dialog can tick them.
            passing = domain.stages_left(deal.stage, to_stage)[1:]
            self._copy_templates(w.session, deal_id, passing, w.now)
            for task_id in tick:
                task = self._task(w.session, deal_id, task_id)
                if task.done_at is None:
                    task.done_at = w.now
                    w.event("task_done", task.title)
            blocking = domain.blocking_tasks(
                self._gate_tasks(w.session, deal_id), deal.stage, to_stage
            )
            if blocking and reason is None:
                if tick:  # all or nothing: no tick is kept when the move fails
                    raise GateBlocked(blocking)
                blocked = blocking
            elif blocking:
                titles = "; ".join(t.title for t in blocking)
                w.event("override", f"{reason} (open: {titles})", deal.stage, to_stage)
            if not blocked:
                self._change_stage(w, to_stage)
        if blocked:
            raise GateBlocked(blocked)
        return self.get(deal_id) if detail else self.card(deal_id)

    def lose(self, deal_id: int, reason: str, *, version: int | None = None) -> DealDetail:
        """Close a deal as lost from any stage, with a reason; no gate."""
        text = domain.check_text("reason", reason, required=True)
        with self._write(deal_id, version) as w:
            if w.deal.outcome == LOST:
                raise ValidationError("outcome", "the deal is already lost")
            from_stage = w.deal.stage
            self._place(w, CLOSED, LOST, text)
            w.event("lost", text, from_stage, CLOSED)
        return self.get(deal_id)

    def reopen(
        self, deal_id: int, to_stage: str | None = None, *, version: int | None = None
    ) -> DealDetail:
        """Move a closed deal back to an open stage.

        By default a lost deal goes back to the stage it was lost from (so reopening
        skips no gate) and a won deal to Proposed.
        """
        if to_stage == CLOSED:
            raise ValidationError("stage", "reopen to a stage before Closed")
        if to_stage is not None:
            domain.stage_index(to_stage)
        with self._write(deal_id, version) as w:
            if w.deal.stage != CLOSED:
                raise ValidationError("stage", "only a closed deal can be reopened")
            self._change_stage(w, to_stage or self._reopen_stage(w.session, w.deal))
        return self.get(deal_id)

    def restore_state(
        self,
        deal_id: int,
        stage: str,
        outcome: str,
        lost_reason: str = "",
        *,
        version: int | None = None,
    ) -> DealDetail:
        """Undo: put a deal back in the stage and outcome it had, without the gate."""
        domain.stage_index(stage)
        if outcome not in domain.OUTCOMES:
            raise ValidationError("outcome", f"unknown outcome {outcome!r}")
        with self._write(deal_id, version) as w:
            from_stage = w.deal.stage
            self._place(w, stage, outcome, lost_reason)
            w.event(
                "undo",
                f"undone: back to {_label(stage)}" + (f" ({outcome})" if outcome != OPEN else ""),
                from_stage,
                stage if from_stage != stage else None,
            )
        return self.get(deal_id)

    def record_satisfaction(
        self,
        deal_id: int,
        score: int,
        verdict: str,
        comment: str = "",
        *,
        version: int | None = None,
    ) -> DealDetail:
        """Customer satisfaction for a won deal in Closed."""
        score = domain.check_score(score)
        verdict = domain.check_verdict(verdict)
        text = domain.check_text("comment", comment)
        with self._write(deal_id, version) as w:
            if w.deal.stage != CLOSED or w.deal.outcome != WON:
                raise ValidationError(
                    "satisfaction", "only a won deal in Closed records satisfaction"
                )
            w.deal.satisfaction_score = score
            w.deal.satisfaction_verdict = verdict
            w.deal.satisfaction_comment = text
            w.event("satisfaction", f"{score}/5, {verdict}" + (f": {text}" if text else ""))
        return self.get(deal_id)

    # ------------------------------------------------------------------ task writes

    def set_task_done(
        self, deal_id: int, task_id: int, done: bool, *, version: int | None = None
    ) -> DealDetail:
        with self._write(deal_id, version) as w:
            task = self._task(w.session, deal_id, task_id)
            if (task.done_at is not None) == done:
                return self._detail(w.session, w.deal)
            task.done_at = w.now if done else None
            w.event("task_done" if done else "task_undone", task.title)
        return self.get(deal_id)

    def toggle_task(self, deal_id: int, task_id: int, *, version: int | None = None) -> DealDetail:
        with self._read() as session:
            done = self._task(session, deal_id, task_id).done_at is not None
        return self.set_task_done(deal_id, task_id, not done, version=version)

    def add_task(
        self,
        deal_id: int,
        title: str,
        *,
        stage: str | None = None,
        required: bool = True,
        version: int | None = None,
    ) -> DealDetail:
        """Append a task to a stage's checklist (the deal's current stage by default)."""
        text = domain.check_text("title", title, required=True, limit_key="task")
        with self._write(deal_id, version) as w:
            key = stage or w.deal.stage
            domain.stage_index(key)
            last = w.session.exec(
                select(func.max(Task.position)).where(Task.deal_id == deal_id, Task.stage == key)
            ).one()
            w.session.add(
                Task(
                    deal_id=deal_id,
                    stage=key,
                    title=text,
                    position=(last or 0) + 1,
                    required=required,
                )
            )
            w.event("task_added", text + ("" if required else " (optional)"))
        return self.get(deal_id)

    def rename_task(
        self, deal_id: int, task_id: int, title: str, *, version: int | None = None
    ) -> DealDetail:
        text = domain.check_text("title", title, required=True, limit_key="task")
        with self._write(deal_id, version) as w:
            task = self._task(w.session, deal_id, task_id)
            old, task.title = task.title, text
            w.event("task_renamed", f"{old} → {text}")
        return self.get(deal_id)

    def set_task_required(
        self, deal_id: int, task_id: int, required: bool, *, version: int | None = None
    ) -> DealDetail:
        with self._write(deal_id, version) as w:
            task = self._task(w.session, deal_id, task_id)
            task.required = required
            w.event("task_required" if required else "task_optional", task.title)
        return self.get(deal_id)

    def delete_task(self, deal_id: int, task_id: int, *, version: int | None = None) -> DealDetail:
        with self._write(deal_id, version) as w:
            task = self._task(w.session, deal_id, task_id)
            w.session.delete(task)
            w.event("task_deleted", task.title)
        return self.get(deal_id)

    def move_task(
        self, deal_id: int, task_id: int, delta: int, *, version: int | None = None
    ) -> DealDetail:
        """Move a task up (negative) or down (positive) within its stage's checklist."""
        with self._write(deal_id, version) as w:
            task = self._task(w.session, deal_id, task_id)
            siblings = list(
                w.session.exec(
                    select(Task)
                    .where(Task.deal_id == deal_id, Task.stage == task.stage)
                    .order_by(col(Task.position), col(Task.id))
                )
            )
            index = next(i for i, t in enumerate(siblings) if t.id == task_id)
            target = max(0, min(len(siblings) - 1, index + delta))
            if target == index:
                return self._detail(w.session, w.deal)
            siblings.insert(target, siblings.pop(index))
            for position, sibling in enumerate(siblings):
                sibling.position = position
            w.event("task_moved", task.title)
        return self.get(deal_id)

    # ------------------------------------------------------------------ templates

    def add_template(self, stage: str, title: str, required: bool = True) -> None:
        text = domain.check_text("title", title, required=True, limit_key="task")
        domain.stage_index(stage)
        with self._transaction() as session:
            last = session.exec(
                select(func.max(TemplateTask.position)).where(TemplateTask.stage == stage)
            ).one()
            session.add(
                TemplateTask(stage=stage, title=text, position=(last or 0) + 1, required=required)
            )

    def edit_template(
        self, template_id: int, *, title: str | None = None, required: bool | None = None
    ) -> None:
        with self._transaction() as session:
            row = session.get(TemplateTask, template_id)
            if row is None:
                raise NotFound(f"no template task #{template_id}")
            if title is not None:
                row.title = domain.check_text("title", title, required=True, limit_key="task")
            if required is not None:
                row.required = required

    def delete_template(self, template_id: int) -> None:
        with self._transaction() as session:
            session.execute(delete(TemplateTask).where(col(TemplateTask.id) == template_id))

    def move_template(self, template_id: int, delta: int) -> None:
        with self._transaction() as session:
            row = session.get(TemplateTask, template_id)
            if row is None:
                raise NotFound(f"no template task #{template_id}")
            siblings = list(
                session.exec(
                    select(TemplateTask)
                    .where(TemplateTask.stage == row.stage)
                    .order_by(col(TemplateTask.position), col(TemplateTask.id))
                )
            )
            index = next(i for i, t in enumerate(siblings) if t.id == template_id)
            siblings.insert(max(0, min(len(siblings) - 1, index + delta)), siblings.pop(index))
            for position, sibling in enumerate(siblings):
                sibling.position = position

    # ------------------------------------------------------------------ bulk

    def bulk_add(self, deals: Iterable[NewDeal], *, chunk: int = 5000) -> int:
        """Insert many validated deals in one transaction; returns how many.

        `deals` is consumed lazily, `chunk` deals at a time (see `store/bulk.py`).
        """
        templates = {k: [(t.title, t.required) for t in v] for k, v in self.templates().items()}
        total = 0
        with self._transaction() as session:
            writer = BulkWriter(
                session.connection(), author=self.author, templates=templates, now=self.now()
            )
            items = iter(deals)
            while batch := list(islice(items, chunk)):
                total += writer.add(batch)
            self._rebuild_totals(session)
        return total

    def rebuild_totals(self) -> None:
        with self._transaction() as session:
            self._rebuild_totals(session)

    # ------------------------------------------------------------------ internals

    def _new_deal_row(self, new: NewDeal, now: datetime) -> Deal:
        return Deal(**deal_values(new, now))

    @contextmanager
    def _write(
        self, deal_id: int, version: int | None, *, include_deleted: bool = False
    ) -> Iterator[_Write]:
        """One transaction on one deal: check its version, then bump it and log events."""
        with self._transaction() as session:
            deal = session.get(Deal, deal_id)
            if deal is None or (deal.deleted and not include_deleted):
                raise NotFound(f"no deal #{deal_id}")
            if version is not None and deal.version != version:
                raise ConflictError(
                    f"deal #{deal_id} was changed elsewhere"
                    f" (version {deal.version}, you had {version})"
                )
            w = _Write(session, deal, self.now())
            yield w
            if not w.events:
                return
            # Compare-and-set on the version so that a writer racing us through another
            # connection cannot be overwritten even where locks are per row.
            result = session.execute(
                update(Deal)
                .where(col(Deal.id) == deal_id, col(Deal.version) == deal.version)
                .values(version=deal.version + 1)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise ConflictError(f"deal #{deal_id} was changed elsewhere")
            session.expire(deal, ["version"])
            deal.updated_at = w.now
            deal.last_activity_at = w.now
            for kind, detail, from_stage, to_stage in w.events:
                self._add_event(session, deal_id, w.now, kind, detail, from_stage, to_stage)
            session.flush()

    def _place(self, w: _Write, stage: str, outcome: str, lost_reason: str = "") -> None:
        """Put the deal in `stage` with `outcome`, keeping the stage totals in step.

        Entering a new stage restarts its clock and gives it that stage's checklist
        the first time.
        """
        deal = w.deal
        self._adjust_totals(w.session, deal, -1)
        if deal.stage != stage:
            deal.stage = stage
            deal.stage_entered_at = w.now
            self._copy_templates(w.session, deal.id or 0, [stage], w.now)
        deal.outcome = outcome
        deal.lost_reason = lost_reason if outcome == LOST else ""
        self._adjust_totals(w.session, deal, +1)

    def _change_stage(self, w: _Write, to_stage: str) -> None:
        deal = w.deal
        from_stage, was = deal.stage, deal.outcome
        outcome = WON if to_stage == CLOSED else OPEN if from_stage == CLOSED else was
        self._place(w, to_stage, outcome)
        w.event("moved", f"{_label(from_stage)} → {_label(to_stage)}", from_stage, to_stage)
        if deal.outcome != was:
            kind = "won" if deal.outcome == WON else "reopened"
            w.event(kind, "won" if kind == "won" else f"reopened ({was})")

    def _copy_templates(
        self,
        session: Session,
        deal_id: int,
        stages: Sequence[str],
        now: datetime,
        ticked: Sequence[str] = (),
    ) -> None:
        """Give the deal each stage's template checklist the first time it gets there.

        The tasks of `ticked` stages arrive done (a deal created past those stages).
        """
        have = set(
            session.exec(
                select(Task.stage)
                .where(Task.deal_id == deal_id, col(Task.stage).in_(stages))
                .distinct()
            )
        )
        missing = [s for s in stages if s not in have]
        if not missing:
            return
        rows = session.exec(
            select(TemplateTask)
            .where(col(TemplateTask.stage).in_(missing))
            .order_by(col(TemplateTask.position), col(TemplateTask.id))
        )
        for row in rows:
            session.add(
                Task(
                    deal_id=deal_id,
                    stage=row.stage,
                    title=row.title,
                    position=row.position,
                    required=row.required,
                    done_at=now if row.stage in ticked else None,
                )
            )

    def _add_event(
        self,
        session: Session,
        deal_id: int,
        at: datetime,
        kind: str,
        detail: str,
        from_stage: str | None,
        to_stage: str | None,
    ) -> None:
        session.add(
            Event(
                deal_id=deal_id,
                at=at,
                author=self.author,
                kind=kind,
                detail=detail,
                from_stage=from_stage,
                to_stage=to_stage,
            )
        )

    def _adjust_totals(self, session: Session, deal: Deal, sign: int) -> None:
        dialect = session.get_bind().dialect.name
        # Imported on use: loading the PostgreSQL dialect costs SQLite users 20 ms at start-up.
        upsert = import_module(f"sqlalchemy.dialects.{dialect}").insert
        ins: Any = upsert(StageTotal)
        stmt = ins.values(
            stage=deal.stage,
            outcome=deal.outcome,
            currency=deal.currency,
            count=sign,
            value=sign * deal.value,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["stage", "outcome", "currency"],
            set_={"count": StageTotal.count + sign, "value": StageTotal.value + sign * deal.value},
        )
        session.execute(stmt)

    def _rebuild_totals(self, session: Session) -> None:
        session.execute(delete(StageTotal))
        grouped = (
            sa_select(
                col(Deal.stage),
                col(Deal.outcome),
                col(Deal.currency),
                func.count(),
                func.coalesce(func.sum(Deal.value), 0),
            )
            .where(col(Deal.deleted).is_(False))
            .group_by(col(Deal.stage), col(Deal.outcome), col(Deal.currency))
        )
        session.execute(
            insert(StageTotal).from_select(
                ["stage", "outcome", "currency", "count", "value"], grouped
            )
        )

    def _reopen_stage(self, session: Session, deal: Deal) -> str:
        """The stage a lost deal was lost from, else Proposed."""
        if deal.outcome == LOST:
            lost_from = session.exec(
                select(Event.from_stage)
                .where(Event.deal_id == deal.id, Event.kind == "lost")
                .order_by(col(Event.at).desc(), col(Event.id).desc())
                .limit(1)
            ).first()
            if lost_from and lost_from != CLOSED and lost_from in domain.STAGE_BY_KEY:
                return lost_from
        return "proposed"

    def _task(self, session: Session, deal_id: int, task_id: int) -> Task:
        task = session.get(Task, task_id)
        if task is None or task.deal_id != deal_id:
            raise NotFound(f"deal #{deal_id} has no task #{task_id}")
        return task

    def _gate_tasks(self, session: Session, deal_id: int) -> list[GateTask]:
        rows = session.exec(
            select(Task).where(Task.deal_id == deal_id).order_by(col(Task.position))
        )
        order = {key: i for i, key in enumerate(domain.STAGE_KEYS)}
        tasks = [
            GateTask(t.id or 0, t.stage, t.title, t.done_at is not None, t.required) for t in rows
        ]
        return sorted(tasks, key=lambda t: order.get(t.stage, 99))

    def _match(self, query: str) -> Any:
        pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return or_(
            *(
                func.lower(c).like(pattern.lower(), escape="\\")
                for c in (col(Deal.title), col(Deal.company), col(Deal.contact))
            )
        )

    def _board_where(self, stage: str, query: str = "", outcome: str | None = None) -> list[Any]:
        clauses = [col(Deal.deleted).is_(False), col(Deal.stage) == stage]
        if query:
            clauses.append(self._match(query))
        if outcome:
            clauses.append(col(Deal.outcome) == outcome)
        return clauses

    def _board_select(self, stage: str, query: str = "", outcome: str | None = None) -> Any:
        return select(Deal).where(*self._board_where(stage, query, outcome))

    @staticmethod
    def _order(sort: Sort) -> list[Any]:
        key = col(Deal.value) if sort == "value" else col(Deal.last_activity_at)
        return [key.desc(), col(Deal.id).desc()]

    def _cards(self, session: Session, deals: Sequence[Any]) -> list[DealCard]:
        """Cards from `Deal` objects or rows of `_CARD_COLUMNS`."""
        if not deals:
            return []
        stage_of = {d.id: d.stage for d in deals}
        progress: dict[int, tuple[int, int]] = {}
        rows = session.execute(
            select(col(Task.deal_id), col(Task.stage), func.count(), func.count(col(Task.done_at)))
            .where(
                col(Task.deal_id).in_(list(stage_of)),
                col(Task.stage).in_(set(stage_of.values())),
            )
            .group_by(col(Task.deal_id), col(Task.stage))
        )
        for deal_id, stage, total, done in rows:
            if stage_of.get(deal_id) == stage:
                progress[deal_id] = (int(done), int(total))
        return [
            DealCard(
                id=d.id or 0,
                title=d.title,
                company=d.company,
                contact=d.contact,
                value=d.value,
                currency=d.currency,
                owner=d.owner,
                stage=d.stage,
                outcome=d.outcome,
                lost_reason=d.lost_reason,
                satisfaction_score=d.satisfaction_score,
                tasks_done=progress.get(d.id or 0, (0, 0))[0],
                tasks_total=progress.get(d.id or 0, (0, 0))[1],
                stage_entered_at=d.stage_entered_at,
                last_activity_at=d.last_activity_at,
                version=d.version,
            )
            for d in deals
        ]

    def _detail(self, session: Session, deal: Deal) -> DealDetail:
        return self._details(session, [deal])[0]

    def _details(
        self, session: Session, deals: list[Deal], *, full: bool = True
    ) -> list[DealDetail]:
        ids = [d.id for d in deals] if full else []  # no ids: no tasks or history read
        # Plain column rows, not ORM objects: a batch of deals can hold 100,000 tasks and events.
        tasks: dict[int, list[TaskView]] = {}
        task_columns = (Task.id, Task.deal_id, Task.stage, Task.title, Task.position)
        for row in session.execute(
            sa_select(*map(col, (*task_columns, Task.required, Task.done_at)))
            .where(col(Task.deal_id).in_(ids))
            .order_by(col(Task.position), col(Task.id))
        ):
            tasks.setdefault(row[1], []).append(TaskView(*row))
        events: dict[int, list[EventView]] = {}
        event_columns = (Event.id, Event.at, Event.author, Event.kind, Event.detail)
        for row in session.execute(
            sa_select(*map(col, (*event_columns, Event.from_stage, Event.to_stage, Event.deal_id)))
            .where(col(Event.deal_id).in_(ids))
            .order_by(col(Event.at), col(Event.id))
        ):
            events.setdefault(row[7], []).append(EventView(*row[:7]))
        order = {key: i for i, key in enumerate(domain.STAGE_KEYS)}
        now = self.now()
        out = []
        for d in deals:
            history = tuple(events.get(d.id or 0, ()))
            moves = [
                (e.at, e.to_stage)
                for e in history
                if e.to_stage and e.from_stage and e.from_stage != e.to_stage
            ]
            first = (
                next((e.from_stage for e in history if e.from_stage and e.to_stage), d.stage)
                if moves
                else d.stage
            )
            created_stage = next(
                (e.to_stage for e in history if e.kind in ("created", "imported") and e.to_stage),
                first,
            )
            out.append(
                DealDetail(
                    **{name: getattr(d, name) for name in domain.FIELD_NAMES},
                    id=d.id or 0,
                    stage=d.stage,
                    outcome=d.outcome,
                    lost_reason=d.lost_reason,
                    satisfaction_score=d.satisfaction_score,
                    satisfaction_verdict=d.satisfaction_verdict,
                    satisfaction_comment=d.satisfaction_comment,
                    created_at=d.created_at,
                    updated_at=d.updated_at,
                    stage_entered_at=d.stage_entered_at,
                    last_activity_at=d.last_activity_at,
                    deleted=d.deleted,
                    version=d.version,
                    tasks=tuple(
                        sorted(
                            tasks.get(d.id or 0, ()),
                            key=lambda t: (order.get(t.stage, 99), t.position, t.id),
                        )
                    ),
                    history=history,
                    time_in_stage=(
                        domain.time_in_stages(moves, d.created_at, created_stage, now)
                        if full
                        else {}
                    ),
                )
            )
        return out


def summarise(rows: Iterable[Sequence[Any]]) -> dict[str, StageSummary]:
    """Header figures from (stage, outcome, currency, count, value) rows."""
    counts: dict[str, int] = dict.fromkeys(domain.STAGE_KEYS, 0)
    outcomes: dict[tuple[str, str], int] = {}
    money: dict[str, dict[str, list[int]]] = {key: {} for key in domain.STAGE_KEYS}
    for stage, outcome, currency, count, value in rows:
        if stage not in counts:
            continue
        counts[stage] += int(count)
        outcomes[stage, outcome] = outcomes.get((stage, outcome), 0) + int(count)
        pair = money[stage].setdefault(currency, [0, 0])
        pair[0] += int(value)
        pair[1] += int(value) * domain.probability(stage, outcome) // 100
    return {
        key: StageSummary(
            stage=key,
            count=counts[key],
            totals=tuple(
                sorted(
                    (MoneyTotal(c, v, w) for c, (v, w) in money[key].items()),
                    key=lambda m: (-m.value, m.currency),
                )
            ),
            won=outcomes.get((key, WON), 0),
            lost=outcomes.get((key, LOST), 0),
        )
        for key in domain.STAGE_KEYS
    }


def _str(value: object) -> str:
    return "" if value is None else str(value)


def _label(stage: str) -> str:
    return domain.STAGE_BY_KEY[stage].label if stage in domain.STAGE_BY_KEY else stage
