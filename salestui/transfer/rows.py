"""One imported row (a CSV line or a JSON object, by field name) checked into a `NewDeal`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Final, TypeVar

from salestui import domain
from salestui.domain import CLOSED, LOST, OPEN, WON, ValidationError
from salestui.store import NewDeal, NewEvent, NewTask
from salestui.transfer.formats import normal

_NOT_PLAIN_AMOUNT: Final = re.compile(r"[^\d\s.,'\-+]")
_CODE: Final = re.compile(r"\b[A-Za-z]{3}\b")
T = TypeVar("T")


@dataclass(frozen=True)
class Options:
    """How to read rows that do not say everything themselves."""

    currency: str = "EUR"
    """The currency of rows that name none."""
    stages: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)
    """`--stage-map`: a file's stage value (normalised) to our stage and outcome."""


class RowError(domain.DomainError):
    """Why a row cannot be imported: every problem found, for people."""


def new_deal(values: Mapping[str, object], options: Options) -> NewDeal:
    """The deal a row describes, or RowError listing every problem with it."""
    problems: list[str] = []
    raw = {name: values.get(name) for name in domain.FIELD_NAMES}
    amount = raw["value"]
    written = _currency_in(amount) if isinstance(amount, str) else None
    raw["currency"] = _text(raw["currency"]) or written or options.currency
    if isinstance(amount, float):
        problems.append("value: write minor units as a whole number, or major units as text")
        raw["value"] = None
    fields, errors = domain.check_fields(raw)
    problems.extend(str(error) for error in errors)
    if fields and written and written != fields.currency:
        problems.append(f"value: {amount!r} is in {written}, but the currency is {fields.currency}")
    stage, outcome = _attempt(problems, lambda: _stage(values, options)) or ("prospect", OPEN)
    reason = ""
    if outcome == LOST:
        reason = _attempt(problems, lambda: _reason(values.get("lost_reason"))) or ""
    times = {
        name: _attempt(problems, partial(_time, name, values[name])) if values.get(name) else None
        for name in _TIMES
    }
    closed = {WON: times["won_time"], LOST: times["lost_time"]}.get(outcome)
    entered = times["stage_entered_at"] or closed
    created = times["created_at"] or entered
    satisfaction = None
    if any(values.get(name) for name in _SATISFACTION):
        satisfaction = _attempt(problems, lambda: _satisfaction(values, outcome))
    score, verdict, comment = satisfaction or (None, None, "")
    tasks = _attempt(problems, lambda: _tasks(values.get("tasks"), created))
    history = _attempt(problems, lambda: _history(values.get("history")))
    if problems or fields is None:
        raise RowError("; ".join(problems))
    return NewDeal(
        fields,
        stage=stage,
        outcome=outcome,
        lost_reason=reason,
        satisfaction_score=score,
        satisfaction_verdict=verdict,
        satisfaction_comment=comment,
        created_at=created,
        stage_entered_at=entered,
        last_activity_at=times["last_activity_at"],
        tasks=tasks,
        history=history,
        event_kind="imported",
    )


def _attempt(problems: list[str], parse: Callable[[], T]) -> T | None:
    """`parse()`, or None with its ValidationError added to `problems`."""
    try:
        return parse()
    except ValidationError as error:
        problems.append(str(error))
        return None


_MOVE: Final = ("from_stage", "to_stage")
_SATISFACTION: Final = ("satisfaction_score", "satisfaction_verdict", "satisfaction_comment")
_TIMES: Final = ("created_at", "stage_entered_at", "last_activity_at", "won_time", "lost_time")


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _currency_in(amount: str) -> str | None:
    """A currency named by symbol or ISO code inside an amount, if any."""
    if not _NOT_PLAIN_AMOUNT.search(amount):
        return None
    for code, symbol in domain.SYMBOLS.items():
        if symbol in amount:
            return code
    for match in _CODE.finditer(amount):
        if match.group().upper() in domain.MINOR_DIGITS:
            return match.group().upper()
    return None


def _stage(values: Mapping[str, object], options: Options) -> tuple[str, str]:
    """Stage and outcome: a won or lost deal is in Closed; a deal in Closed is won or lost."""
    status = _text(values.get("outcome")).casefold()
    if status and status not in domain.OUTCOMES:
        raise ValidationError("outcome", f"{status!r} is not open, won or lost")
    text = _text(values.get("stage"))
    stage, mapped = "prospect", None
    if text:
        found = options.stages.get(normal(text))
        if found:
            stage, mapped = found
        else:
            try:
                stage = domain.find_stage(text)
            except ValidationError:
                raise ValidationError(
                    "stage", f"unknown stage {text!r}; map it with --stage-map VALUE=STAGE"
                ) from None
    if status in (WON, LOST):
        return CLOSED, status
    if stage == CLOSED:
        return CLOSED, mapped or WON
    return stage, OPEN


def _reason(value: object) -> str:
    return domain.check_text("lost_reason", _text(value), limit_key="reason")


def _time(name: str, value: object) -> datetime | None:
    """A time written in ISO 8601; one without a zone is taken as UTC."""
    text = _text(value)
    if not text:
        return None
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            name, f"{text!r} is not a time; write it as YYYY-MM-DD HH:MM:SS"
        ) from None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _satisfaction(values: Mapping[str, object], outcome: str) -> tuple[int | None, str | None, str]:
    score_text = _text(values.get("satisfaction_score"))
    verdict_text = _text(values.get("satisfaction_verdict"))
    comment = domain.check_text(
        "satisfaction_comment", _text(values.get("satisfaction_comment")), limit_key="comment"
    )
    if not (score_text or verdict_text or comment):
        return None, None, ""
    if outcome != WON:
        raise ValidationError("satisfaction", "only a won deal records satisfaction")
    if not score_text.isdigit():
        raise ValidationError("satisfaction_score", "must be a whole number from 1 to 5")
    return domain.check_score(int(score_text)), domain.check_verdict(verdict_text), comment


def _items(value: object, name: str) -> list[Mapping[str, object]] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValidationError(name, "must be a list of objects")
    return value


def _stage_key(value: object, name: str) -> str:
    """A stage key as salestui writes it."""
    key = _text(value)
    if key not in domain.STAGE_BY_KEY:
        raise ValidationError(name, f"unknown stage {key!r}")
    return key


def _tasks(value: object, created: datetime | None) -> list[NewTask] | None:
    """Tasks as `deal show --json` writes them; None gives the stages' checklists."""
    items = _items(value, "tasks")
    if items is None:
        return None
    tasks = []
    for n, item in enumerate(items, 1):
        try:
            done, done_at = item.get("done"), _time("done_at", item.get("done_at"))
            if done is False:
                done_at = None
            elif done and done_at is None:
                done_at = created or datetime.now(UTC)
            required = item.get("required", True)
            if not isinstance(required, bool):
                raise ValidationError("required", "must be true or false")
            title = domain.check_text(
                "title", _text(item.get("title")), required=True, limit_key="task"
            )
            tasks.append(NewTask(_stage_key(item.get("stage"), "stage"), title, required, done_at))
        except ValidationError as error:
            raise ValidationError(f"tasks[{n}]", str(error)) from None
    return tasks


def _history(value: object) -> list[NewEvent] | None:
    """History as `deal show --json` writes it; None records one "imported" event."""
    items = _items(value, "history")
    if items is None:
        return None
    events = []
    for n, item in enumerate(items, 1):
        try:
            at = _time("at", item.get("at"))
            if at is None:
                raise ValidationError("at", "an event needs a time")
            kind = _text(item.get("kind"))
            if not kind or len(kind) > 30:
                raise ValidationError("kind", "must be a name of 1 to 30 characters")
            moved = [_stage_key(item[k], k) if item.get(k) else None for k in _MOVE]
            events.append(
                NewEvent(
                    at,
                    kind,
                    domain.check_text("detail", _raw(item.get("detail")), limit_key="notes"),
                    domain.check_text("author", _text(item.get("author")), limit_key="owner"),
                    *moved,
                )
            )
        except ValidationError as error:
            raise ValidationError(f"history[{n}]", str(error)) from None
    return events


def _raw(value: object) -> str:
    return "" if value is None else str(value)
