"""Arbitrary text into every text field: stored as cleaned, or refused with a clear error."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from unicodedata import category

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salestui import domain
from salestui.domain import ValidationError
from salestui.store import DealDetail, Pipeline, open_pipeline

SPECIAL = [
    "\x00", "\x07", "\x1b", "\x1b[31m", "\x1b]8;;http://x\x07", "\x7f", "\x85", "\x9b",
    "\r", "\n", "\r\n", "\t", "\u2028", "\u202e", "\u2066", "\u200b", "\u200d", "\ufeff",
    "👩\u200d👩\u200d👧", "🏳️\u200d🌈", "\U0001f1eb\U0001f1f7", "é", "e\u0301", "中文",
    "[b]", "[/]", "[link=x]", "[@click=quit]", "{", "}", "%", "_", "\\", "'", '"', " ", "\u00a0",
]  # fmt: skip
TEXT = st.lists(
    st.one_of(st.sampled_from(SPECIAL), st.characters(exclude_categories=["Cs"])), max_size=40
).map("".join)
LONG = st.builds(lambda t, n: t + "x" * n, TEXT, st.integers(150, 1100))
ANY_TEXT = st.one_of(TEXT, TEXT, LONG)
SETTINGS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

SINGLE_LINE = ("title", "company", "contact", "owner", "source")


@pytest.fixture
def store(tmp_path: Path) -> Pipeline:
    return open_pipeline(f"sqlite:///{tmp_path / 'prop.db'}", author="tester")


def expected(text: str, limit_key: str) -> str:
    cleaned = domain.clean_text(text, multiline=limit_key in domain.MULTILINE)
    return cleaned if limit_key in domain.MULTILINE else cleaned.strip()


def stored_or_refused(field: str, limit_key: str, text: str, write: Callable[[], str]) -> None:
    """`write()` stores `text` and returns what reading gives back, or refuses it clearly."""
    try:
        got = write()
    except ValidationError as error:
        assert error.field == field
        assert error.message and "\n" not in error.message
        return
    want = expected(text, limit_key)
    assert got == want
    assert len(want) <= domain.LIMITS[limit_key]
    if field == "title":
        assert want.strip()


def fresh(store: Pipeline) -> DealDetail:
    return store.create({"title": "Deal"})


@SETTINGS
@given(field=st.sampled_from([*SINGLE_LINE, "notes", "email", "phone"]), text=ANY_TEXT)
def test_create_text_fields(store: Pipeline, field: str, text: str) -> None:
    fields = {"title": "Deal", field: text}

    def write() -> str:
        deal = store.create(fields)
        return str(getattr(store.get(deal.id), field))

    stored_or_refused(field, field, text, write)


@SETTINGS
@given(field=st.sampled_from([*SINGLE_LINE, "notes", "email", "phone"]), text=ANY_TEXT)
def test_edit_text_fields(store: Pipeline, field: str, text: str) -> None:
    deal = fresh(store)

    def write() -> str:
        store.edit(deal.id, {field: text}, version=deal.version)
        return str(getattr(store.get(deal.id), field))

    stored_or_refused(field, field, text, write)


@SETTINGS
@given(field=st.sampled_from(["value", "currency", "close_date"]), text=ANY_TEXT)
def test_parsed_fields_are_parsed_or_refused(store: Pipeline, field: str, text: str) -> None:
    try:
        deal = store.create({"title": "Deal", field: text})
    except ValidationError as error:
        assert error.field == field
        return
    got = store.get(deal.id)
    if field == "value":
        assert isinstance(got.value, int) and 0 <= got.value <= domain.MAX_MINOR
    elif field == "currency":
        assert got.currency in domain.MINOR_DIGITS
    else:
        assert got.close_date is None or isinstance(got.close_date, date)


@SETTINGS
@given(text=ANY_TEXT, required=st.booleans())
def test_add_task_title(store: Pipeline, text: str, required: bool) -> None:
    deal = fresh(store)

    def write() -> str:
        detail = store.add_task(deal.id, text, required=required)
        task = max(detail.tasks, key=lambda t: t.id)
        assert task.required is required
        return task.title

    stored_or_refused("title", "task", text, write)


@SETTINGS
@given(text=ANY_TEXT)
def test_rename_task_title(store: Pipeline, text: str) -> None:
    deal = fresh(store)
    task_id = deal.tasks[0].id

    def write() -> str:
        store.rename_task(deal.id, task_id, text)
        return next(t.title for t in store.get(deal.id).tasks if t.id == task_id)

    stored_or_refused("title", "task", text, write)


@SETTINGS
@given(text=ANY_TEXT)
def test_lose_reason(store: Pipeline, text: str) -> None:
    deal = fresh(store)

    def write() -> str:
        store.lose(deal.id, text)
        got = store.get(deal.id)
        assert got.history[-1].detail == got.lost_reason
        return got.lost_reason

    stored_or_refused("reason", "reason", text, write)
    if not expected(text, "reason").strip():
        assert store.get(deal.id).outcome == domain.OPEN


@SETTINGS
@given(text=ANY_TEXT)
def test_override_reason(store: Pipeline, text: str) -> None:
    deal = fresh(store)

    def write() -> str:
        store.move(deal.id, "qualified", override=text)
        return next(e.detail for e in store.get(deal.id).history if e.kind == "override")

    try:
        detail = write()
    except ValidationError as error:
        assert error.field == "reason"
        return
    assert detail.startswith(expected(text, "reason") + " (open: ")


@SETTINGS
@given(text=ANY_TEXT, score=st.integers(1, 5), verdict=st.sampled_from(domain.VERDICTS))
def test_satisfaction_comment(store: Pipeline, text: str, score: int, verdict: str) -> None:
    deal = store.create({"title": "Deal"}, stage="proposed")
    deal = store.move(deal.id, "closed", override="signed")

    def write() -> str:
        got = store.record_satisfaction(deal.id, score, verdict, text)
        assert (got.satisfaction_score, got.satisfaction_verdict) == (score, verdict)
        return store.get(deal.id).satisfaction_comment

    stored_or_refused("comment", "comment", text, write)


@SETTINGS
@given(text=ANY_TEXT)
def test_clean_text_leaves_nothing_a_terminal_would_obey(text: str) -> None:
    for multiline in (False, True):
        cleaned = domain.clean_text(text, multiline=multiline)
        allowed = {"\n", "\t"} if multiline else set()
        for ch in cleaned:
            controls = ("Cc", "Cf", "Cs", "Zl", "Zp")
            assert ch in allowed or ch == "\u200d" or category(ch) not in controls, repr(ch)
        assert "\x1b" not in cleaned and "\r" not in cleaned
        assert domain.clean_text(cleaned, multiline=multiline) == cleaned


@SETTINGS
@given(
    minor=st.integers(0, domain.MAX_MINOR),
    currency=st.sampled_from(sorted(domain.MINOR_DIGITS)),
)
def test_money_round_trips_through_text(minor: int, currency: str) -> None:
    assert domain.parse_money(domain.major_text(minor, currency), currency) == minor
    assert domain.parse_money(domain.format_money(minor, currency), currency) == minor
