"""The domain: stages and checklists as PRODUCT.md lists them, the gate, money, validation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from salestui import domain
from salestui.domain import GateTask, ValidationError

# Copied verbatim from PRODUCT.md, "The six stages (in order) and their default checklists".
PRODUCT_TABLE = """
| `prospect` | Prospect | Identify the prospect in the target market · Schedule a meeting to confirm the prospect is real · Meet the people who would produce the product |
| `qualified` | Qualified | Confirm the opportunity is real · Write the meeting agendas · Decide how the product will be created · Schedule follow-up meetings with the prospect |
| `discovery` | Discovery | Uncover every issue with the new product · Review purchasing issues · Prioritise and evaluate the issues · Secure funding for the project · Map allies, opponents and neutral companies |
| `development` | Development | Draw up the product plan · Visit customers to confirm real interest · Get management approval on pricing · Analyse and approve the ROI · Assess the resources needed to build the product |
| `proposed` | Proposed | Present the final proposal · Confirm the prospect approves all contracts · Agree changes to creation, marketing or implementation · Send the contracts to legal · Confirm the product is ready to be built |
| `closed` | Closed | Build and implement the product · Sign all contracts · Credit the revenue · Complete all orders · Track customer satisfaction (success or failure) |
"""  # noqa: E501
# "Default win probabilities (for weighted value): 10, 20, 40, 60, 80 %, and Closed-won 100 %"
PRODUCT_PROBABILITIES = (10, 20, 40, 60, 80, 100)


def product_stages() -> list[tuple[str, str, tuple[str, ...]]]:
    rows = []
    for line in PRODUCT_TABLE.strip().splitlines():
        key, label, tasks = (cell.strip() for cell in line.strip("|").split("|"))
        rows.append((key.strip("`"), label, tuple(t.strip() for t in tasks.split("·"))))
    return rows


# ---------------------------------------------------------------------------- stages


def test_six_stages_in_product_order_with_keys_labels_and_checklists() -> None:
    expected = product_stages()
    assert len(domain.STAGES) == 6
    assert [(s.key, s.label, s.tasks) for s in domain.STAGES] == expected
    assert tuple(key for key, _, _ in expected) == domain.STAGE_KEYS


def test_default_probabilities() -> None:
    assert tuple(s.probability for s in domain.STAGES) == PRODUCT_PROBABILITIES
    assert domain.probability("closed", domain.WON) == 100
    assert domain.probability("closed", domain.LOST) == 0
    assert domain.probability("discovery", domain.LOST) == 0
    assert domain.probability("discovery", domain.OPEN) == 40


def test_find_stage_by_key_or_label() -> None:
    assert domain.find_stage("Discovery") == "discovery"
    assert domain.find_stage("  PROPOSED ") == "proposed"
    with pytest.raises(ValidationError) as error:
        domain.find_stage("won")
    assert error.value.field == "stage"


def test_stages_left_forward_and_backward() -> None:
    assert domain.stages_left("prospect", "qualified") == ("prospect",)
    assert domain.stages_left("prospect", "development") == ("prospect", "qualified", "discovery")
    assert domain.stages_left("proposed", "qualified") == ()
    with pytest.raises(ValidationError):
        domain.stages_left("prospect", "nowhere")


# ---------------------------------------------------------------------------- the gate


def task(task_id: int, stage: str, done: bool = False, required: bool = True) -> GateTask:
    return GateTask(task_id, stage, f"task {task_id}", done, required)


TASKS = [
    task(1, "prospect", done=True),
    task(2, "prospect"),
    task(3, "prospect", required=False),
    task(4, "qualified"),
    task(5, "qualified", done=True),
    task(6, "discovery"),
    task(7, "development"),
]


def test_gate_one_stage_lists_only_that_stages_open_required_tasks() -> None:
    assert [t.id for t in domain.blocking_tasks(TASKS, "prospect", "qualified")] == [2]


def test_gate_several_stages_lists_every_left_stage() -> None:
    blocking = domain.blocking_tasks(TASKS, "prospect", "development")
    assert [t.id for t in blocking] == [2, 4, 6]


def test_gate_ignores_optional_tasks_and_backward_moves() -> None:
    optional_only = [task(1, "prospect", required=False), task(2, "prospect", done=True)]
    assert domain.blocking_tasks(optional_only, "prospect", "closed") == []
    assert domain.blocking_tasks(TASKS, "development", "prospect") == []


# ---------------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("48000", "EUR", 4_800_000),
        ("48,000.50", "EUR", 4_800_050),
        ("48 000,50 €", "EUR", 4_800_050),
        ("48\u202f000,50\u00a0€", "EUR", 4_800_050),
        ("$1,200", "USD", 120_000),
        ("1.200,5", "EUR", 120_050),
        ("1,000,000", "EUR", 100_000_000),
        ("12.345", "EUR", 1_234_500),
        ("+5", "EUR", 500),
        ("12.5", "EUR", 1250),
        ("0,5", "EUR", 50),
        ("EUR 12", "EUR", 1200),
        ("", "EUR", 0),
        (None, "EUR", 0),
        (12, "EUR", 1200),
        ("1,200", "JPY", 1200),
        ("¥1,200", "JPY", 1200),
        ("12.345", "KWD", 12_345),
        ("0.125", "KWD", 125),
        ("1,250.500", "KWD", 1_250_500),
        ("7", "KWD", 7000),
    ],
)
def test_parse_money(text: str | int | None, currency: str, minor: int) -> None:
    assert domain.parse_money(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "currency", "words"),
    [
        ("-5", "EUR", "negative"),
        ("\u22125", "EUR", "negative"),
        ("abc", "EUR", "not an amount"),
        ("12abc34", "EUR", "not an amount"),
        ("€", "EUR", "not an amount"),
        ("1.2.3,4.5", "EUR", "not an amount"),
        ("1e5", "EUR", "not an amount"),
        ("NaN", "EUR", "not an amount"),
        ("1.2345", "EUR", "decimal places"),
        ("1.00000000000000000000000000001", "EUR", "decimal places"),  # beyond 28 digits
        ("12.5", "JPY", "decimal places"),
        ("1.2345", "KWD", "decimal places"),
        ("1,2345", "EUR", "ambiguous"),
        ("0,500", "EUR", "ambiguous"),
        ("99999999999999999", "EUR", "too large"),
    ],
)
def test_parse_money_refuses(text: str, currency: str, words: str) -> None:
    with pytest.raises(ValidationError) as error:
        domain.parse_money(text, currency)
    assert error.value.field == "value"
    assert words in error.value.message


def test_parse_money_unknown_currency() -> None:
    with pytest.raises(ValidationError) as error:
        domain.parse_money("12", "XYZ")
    assert error.value.field == "currency"


@pytest.mark.parametrize(
    ("minor", "currency", "text", "compact"),
    [
        (4_800_050, "EUR", "€48,000.50", "€48k"),
        (120_000, "USD", "$1,200.00", "$1.2k"),
        (1_200, "JPY", "¥1,200", "¥1.2k"),
        (1_250_500, "KWD", "1,250.500 KWD", "1.3k KWD"),
        (150_000_000, "GBP", "£1,500,000.00", "£1.5M"),
        (99_900, "EUR", "€999.00", "€999"),
        (0, "CHF", "0.00 CHF", "0 CHF"),
    ],
)
def test_format_money(minor: int, currency: str, text: str, compact: str) -> None:
    assert domain.format_money(minor, currency) == text
    assert domain.format_money(minor, currency, compact=True) == compact


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [(4_800_050, "EUR", "48000.50"), (1200, "JPY", "1200"), (1_250_500, "KWD", "1250.500")],
)
def test_major_text_round_trips(minor: int, currency: str, text: str) -> None:
    assert domain.major_text(minor, currency) == text
    assert domain.parse_money(text, currency) == minor


def test_currency_codes_and_symbols() -> None:
    assert domain.check_currency(" usd ") == "USD"
    assert domain.check_currency("€") == "EUR"
    assert domain.MINOR_DIGITS["JPY"] == 0
    assert domain.MINOR_DIGITS["KWD"] == 3
    assert domain.MINOR_DIGITS["EUR"] == 2


# ---------------------------------------------------------------------------- validation

VALID = {"title": "Fleet tracking", "company": "Acme", "email": "ann@example.com", "value": "1200"}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"title": ""}, "title", "must not be empty"),
        ({"title": "  \t\x1b "}, "title", "must not be empty"),
        ({"title": "x" * 201}, "title", "201 characters long; the limit is 200"),
        ({"company": "x" * 201}, "company", "the limit is 200"),
        ({"notes": "x" * 100_001}, "notes", "the limit is 100,000"),
        ({"value": "-1"}, "value", "must not be negative"),
        ({"value": -1}, "value", "must not be negative"),
        ({"value": "twelve"}, "value", "is not an amount"),
        ({"currency": "EURO"}, "currency", "is not an ISO 4217 currency code"),
        ({"close_date": "31/12/2026"}, "close_date", "write it as YYYY-MM-DD"),
        ({"close_date": "2026-02-30"}, "close_date", "is not a date"),
        ({"email": "ann.example.com"}, "email", "is not an email address"),
        ({"email": "ann@example"}, "email", "is not an email address"),
        ({"phone": "call me"}, "phone", "is not a phone number"),
    ],
)
def test_validation_messages(changes: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(ValidationError) as error:
        domain.validate_fields({**VALID, **changes})
    assert error.value.field == field
    assert words in error.value.message
    assert str(error.value).startswith(f"{field}: ")


def test_validation_errors_lists_every_field_in_order() -> None:
    errors = domain.validation_errors({"title": "", "email": "nope", "close_date": "soon"})
    assert [e.field for e in errors] == ["title", "email", "close_date"]


def test_validate_fields_cleans_and_converts() -> None:
    fields = domain.validate_fields(
        {
            "title": "  Fleet\x1b[31m rollout  ",
            "value": "48 000,50",
            "currency": "eur",
            "close_date": "2026-06-30",
            "notes": "line one\r\nline two\x07",
        }
    )
    assert fields.title == "Fleet rollout"
    assert fields.value == 4_800_050
    assert fields.currency == "EUR"
    assert fields.close_date == date(2026, 6, 30)
    assert fields.notes == "line one\nline two"


def test_value_in_minor_units_as_int() -> None:
    assert domain.validate_fields({"title": "t", "value": 1234}).value == 1234
    with pytest.raises(ValidationError):
        domain.validate_fields({"title": "t", "value": domain.MAX_MINOR + 1})


def test_score_and_verdict() -> None:
    assert domain.check_score(1) == 1
    assert domain.check_score(5) == 5
    for bad in (0, 6, True, 2.5):
        with pytest.raises(ValidationError):
            domain.check_score(bad)  # type: ignore[arg-type]
    assert domain.check_verdict(" Success ") == "success"
    with pytest.raises(ValidationError):
        domain.check_verdict("meh")


# ---------------------------------------------------------------------------- user text


@pytest.mark.parametrize(
    ("raw", "single", "multi"),
    [
        ("a\x00b\x07c\x7fd", "abcd", "abcd"),  # C0 and DEL
        ("a\x85b\x9fc", "abc", "abc"),  # C1: NEL, APC
        ("\x1b[2J\x1b]0;pwned\x07ok", "ok", "ok"),  # CSI and OSC sequences
        ("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link", "link"),  # hyperlink
        ("\x9b31mred\x1b[0m", "red", "red"),  # C1 CSI
        ("a\x1bcb\x1b(0c", "abc", "abc"),  # RIS, charset switch
        ("ok\x1b]no end", "okno end", "okno end"),  # an unfinished OSC eats nothing
        ("abc\u202edcba\u202c", "abcdcba", "abcdcba"),  # bidi override
        ("\u2066x\u2069\u200e\u200f", "x", "x"),  # bidi isolates and marks
        ("a\u2028b\u2029c", "abc", "abc"),  # line and paragraph separators
        ("one\r\ntwo\rthree\tfour", "onetwothreefour", "one\ntwo\nthree\tfour"),
        ("👩\u200d👩\u200d👧 family", "👩\u200d👩\u200d👧 family", "👩\u200d👩\u200d👧 family"),
        ("🏳️\u200d🌈 [b]bold[/b]", "🏳️\u200d🌈 [b]bold[/b]", "🏳️\u200d🌈 [b]bold[/b]"),
        ("Café Müller & Söhne", "Café Müller & Söhne", "Café Müller & Söhne"),
    ],
)
def test_clean_text(raw: str, single: str, multi: str) -> None:
    assert domain.clean_text(raw) == single
    assert domain.clean_text(raw, multiline=True) == multi


def test_check_text_strips_single_line_fields_only() -> None:
    assert domain.check_text("title", "  Deal  ") == "Deal"
    assert domain.check_text("notes", "  indented\n") == "  indented\n"


# ---------------------------------------------------------------------------- time

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_is_stale_only_for_open_deals_after_n_days() -> None:
    assert domain.is_stale(domain.OPEN, T0, T0 + timedelta(days=14))
    assert not domain.is_stale(domain.OPEN, T0, T0 + timedelta(days=13, hours=23))
    assert not domain.is_stale(domain.WON, T0, T0 + timedelta(days=100))
    assert domain.is_stale(domain.OPEN, T0, T0 + timedelta(days=3), days=3)


def test_time_in_stages_adds_up_revisits() -> None:
    moves = [
        (T0 + timedelta(days=2), "qualified"),
        (T0 + timedelta(days=5), "prospect"),
        (T0 + timedelta(days=6), "qualified"),
    ]
    spent = domain.time_in_stages(moves, T0, "prospect", T0 + timedelta(days=10))
    assert spent == {"prospect": timedelta(days=3), "qualified": timedelta(days=7)}
    assert sum(spent.values(), timedelta()) == timedelta(days=10)


def test_days_between_never_negative() -> None:
    assert domain.days_between(T0, T0 + timedelta(days=2, hours=23)) == 2
    assert domain.days_between(T0, T0 - timedelta(days=1)) == 0


@pytest.mark.parametrize(
    ("minor", "shown"),
    [
        (99_999_900, "€1M"),
        (4_800_000, "€48k"),
        (123_456_789, "€1.2M"),
        (99_995_000_000, "€1B"),
        (50_000, "€500"),
    ],
)
def test_compact_money_rounds_into_the_next_unit(minor: int, shown: str) -> None:
    assert domain.format_money(minor, "EUR", compact=True) == shown


@pytest.mark.parametrize("text", ["about 40k", "40k", "12abc", "USD", "1200 USD", "€5€"])
def test_amounts_with_words_or_another_currency_are_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        domain.parse_money(text, "EUR")


@pytest.mark.parametrize(
    ("text", "minor"), [("EUR 1,200", 120_000), ("1200eur", 120_000), ("€ 5", 500)]
)
def test_the_deals_own_currency_code_or_a_symbol_is_allowed(text: str, minor: int) -> None:
    assert domain.parse_money(text, "EUR") == minor
