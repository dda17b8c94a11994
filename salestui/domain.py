"""The sales checklist domain: stages, checklists, money, validation.

Plain Python only: nothing here knows about the database or the terminal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, localcontext
from typing import Final

# ---------------------------------------------------------------------------
# Stages


@dataclass(frozen=True)
class Stage:
    """One of the six stages of the sales checklist."""

    key: str
    label: str
    probability: int
    """Default win probability in percent, used for weighted value."""
    tasks: tuple[str, ...]
    """Default checklist given to a deal the first time it enters the stage."""


STAGES: Final[tuple[Stage, ...]] = (
    Stage(
        "prospect",
        "Prospect",
        10,
        (
            "Identify the prospect in the target market",
            "Schedule a meeting to confirm the prospect is real",
            "Meet the people who would produce the product",
        ),
    ),
    Stage(
        "qualified",
        "Qualified",
        20,
        (
            "Confirm the opportunity is real",
            "Write the meeting agendas",
            "Decide how the product will be created",
            "Schedule follow-up meetings with the prospect",
        ),
    ),
    Stage(
        "discovery",
        "Discovery",
        40,
        (
            "Uncover every issue with the new product",
            "Review purchasing issues",
            "Prioritise and evaluate the issues",
            "Secure funding for the project",
            "Map allies, opponents and neutral companies",
        ),
    ),
    Stage(
        "development",
        "Development",
        60,
        (
            "Draw up the product plan",
            "Visit customers to confirm real interest",
            "Get management approval on pricing",
            "Analyse and approve the ROI",
            "Assess the resources needed to build the product",
        ),
    ),
    Stage(
        "proposed",
        "Proposed",
        80,
        (
            "Present the final proposal",
            "Confirm the prospect approves all contracts",
            "Agree changes to creation, marketing or implementation",
            "Send the contracts to legal",
            "Confirm the product is ready to be built",
        ),
    ),
    Stage(
        "closed",
        "Closed",
        100,
        (
            "Build and implement the product",
            "Sign all contracts",
            "Credit the revenue",
            "Complete all orders",
            "Track customer satisfaction (success or failure)",
        ),
    ),
)

STAGE_KEYS: Final[tuple[str, ...]] = tuple(stage.key for stage in STAGES)
STAGE_BY_KEY: Final[Mapping[str, Stage]] = {stage.key: stage for stage in STAGES}
CLOSED: Final = "closed"

OPEN, WON, LOST = "open", "won", "lost"
OUTCOMES: Final[tuple[str, ...]] = (OPEN, WON, LOST)

LOST_REASONS: Final[tuple[str, ...]] = (
    "Price",
    "Timing",
    "Competitor",
    "No budget",
    "No decision",
    "Other",
)

VERDICTS: Final[tuple[str, ...]] = ("success", "failure")

STALE_DAYS: Final = 14


def stage_index(key: str) -> int:
    """Position of a stage in the pipeline (0 for Prospect)."""
    try:
        return STAGE_KEYS.index(key)
    except ValueError:
        raise ValidationError(
            "stage", f"unknown stage {key!r}; use one of {', '.join(STAGE_KEYS)}"
        ) from None


def find_stage(text: str) -> str:
    """Stage key for a key or label typed by a person, case-insensitively."""
    wanted = text.strip().casefold()
    for stage in STAGES:
        if wanted in (stage.key, stage.label.casefold()):
            return stage.key
    raise ValidationError("stage", f"unknown stage {text!r}; use one of {', '.join(STAGE_KEYS)}")


def stages_left(from_stage: str, to_stage: str) -> tuple[str, ...]:
    """The stages a forward move leaves, in order (empty for a backward move)."""
    start, end = stage_index(from_stage), stage_index(to_stage)
    return STAGE_KEYS[start:end] if end > start else ()


def probability(stage: str, outcome: str) -> int:
    """Win probability in percent of a deal in `stage` with `outcome`."""
    if outcome == LOST:
        return 0
    if outcome == WON:
        return 100
    return STAGE_BY_KEY[stage].probability


# ---------------------------------------------------------------------------
# The gate


@dataclass(frozen=True)
class GateTask:
    """The part of a task the gate looks at."""

    id: int
    stage: str
    title: str
    done: bool
    required: bool


def blocking_tasks(tasks: Iterable[GateTask], from_stage: str, to_stage: str) -> list[GateTask]:
    """Required open tasks of every stage a move from `from_stage` to `to_stage` leaves."""
    leaving = set(stages_left(from_stage, to_stage))
    return [t for t in tasks if t.stage in leaving and t.required and not t.done]


# ---------------------------------------------------------------------------
# Errors


class DomainError(Exception):
    """A rule of the domain refused an operation; the message is for people."""


class ValidationError(DomainError):
    """A field holds a value the domain does not accept."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class GateBlocked(DomainError):
    """A forward move was refused because required tasks are still open."""

    def __init__(self, open_tasks: Sequence[GateTask]) -> None:
        self.open_tasks = tuple(open_tasks)
        super().__init__(f"{len(self.open_tasks)} required task(s) still open")


class ConflictError(DomainError):
    """The deal changed since it was read; the write was refused."""


class NotFound(DomainError):
    """No such deal or task."""


# ---------------------------------------------------------------------------
# User text

LIMITS: Final[Mapping[str, int]] = {
    "title": 200,
    "company": 200,
    "contact": 200,
    "email": 254,
    "phone": 50,
    "owner": 100,
    "source": 200,
    "notes": 100_000,
    "task": 300,
    "reason": 1_000,
    "comment": 5_000,
}

MULTILINE: Final = frozenset({"notes", "comment", "reason"})


ESCAPE_SEQUENCE: Final = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, erase
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"  # OSC: titles, links
    r"|\x1b[ -/]*[0-~]"  # other escape sequences
)


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Drop terminal escape sequences and control characters (C0, C1, DEL, bidi/format).

    Line feeds and tabs survive in multi-line text; CR LF and lone CR become LF.
    """
    plain = value.replace("\n", "").replace("\t", "") if multiline else value
    if plain.isprintable():  # no control, format or separator character: nothing to drop
        return value
    return drop_controls(value, multiline=multiline)


def drop_controls(value: str, *, multiline: bool = False) -> str:
    """`clean_text` without its fast path for text that has nothing to drop."""
    value = ESCAPE_SEQUENCE.sub("", value)
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    keep = {"\n", "\t"} if multiline else set()
    return "".join(
        ch
        for ch in value
        if ch in keep
        or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp")
        or ch == "\u200d"  # zero width joiner: part of many emoji
    )


def check_text(
    field: str, value: str | None, *, required: bool = False, limit_key: str | None = None
) -> str:
    """Cleaned text for `field`, or ValidationError with a message for people."""
    key = limit_key or field
    text = clean_text(value or "", multiline=key in MULTILINE)
    if key not in MULTILINE:
        text = text.strip()
    if required and not text.strip():
        raise ValidationError(field, "must not be empty")
    limit = LIMITS[key]
    if len(text) > limit:
        raise ValidationError(field, f"is {len(text):,} characters long; the limit is {limit:,}")
    return text


EMAIL_RE: Final = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE: Final = re.compile(r"^\+?[0-9 ().\-/]{3,}(?:\s*(?:x|ext\.?)\s*[0-9]+)?$", re.IGNORECASE)


def check_email(value: str | None) -> str:
    text = check_text("email", value)
    if text and not EMAIL_RE.match(text):
        raise ValidationError("email", f"{text!r} is not an email address (name@example.com)")
    return text


def check_phone(value: str | None) -> str:
    text = check_text("phone", value)
    if text and not PHONE_RE.match(text):
        raise ValidationError(
            "phone", f"{text!r} is not a phone number (digits, spaces, + ( ) - .)"
        )
    return text


def check_date(value: str | date | None, field: str = "close_date") -> date | None:
    """An ISO date (YYYY-MM-DD), or None when empty."""
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, f"{text!r} is not a date; write it as YYYY-MM-DD") from None


def check_score(score: int) -> int:
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise ValidationError("score", "must be a whole number from 1 to 5")
    return score


def check_verdict(verdict: str) -> str:
    text = verdict.strip().casefold()
    if text not in VERDICTS:
        raise ValidationError("verdict", "must be 'success' or 'failure'")
    return text


# ---------------------------------------------------------------------------
# Money

# ISO 4217 active codes with their minor-unit digits (2 unless listed otherwise).
_CURRENCIES_2: Final = (  # noqa: SIM905 (a table people can read)
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD "
    "CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD "
    "GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD "
    "MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP "
    "PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS "
    "TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES WST XCD YER ZAR ZMW ZWL"
).split()
_CURRENCIES_0: Final = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF".split()  # noqa: SIM905
_CURRENCIES_3: Final = "BHD IQD JOD KWD LYD OMR TND".split()  # noqa: SIM905

MINOR_DIGITS: Final[Mapping[str, int]] = {
    **{code: 2 for code in _CURRENCIES_2},
    **{code: 0 for code in _CURRENCIES_0},
    **{code: 3 for code in _CURRENCIES_3},
}

SYMBOLS: Final[Mapping[str, str]] = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹"}

MAX_MINOR: Final = 10**15
"""Largest amount in minor units (ten trillion with cents): keeps sums inside 64 bits."""


def check_currency(value: str | None) -> str:
    code = (value or "").strip().upper()
    for code_, symbol in SYMBOLS.items():
        if code == symbol:
            code = code_
    if code not in MINOR_DIGITS:
        raise ValidationError(
            "currency", f"{value!r} is not an ISO 4217 currency code (EUR, USD, GBP…)"
        )
    return code


def parse_money(text: str | int | None, currency: str) -> int:
    """Minor units of an amount written in major units, as people write it.

    Accepts `48000`, `48,000.50`, `48 000,50 €`, `$1,200`. A single separator followed by
    exactly three digits is a thousands separator (`1,200` is twelve hundred), except a
    dot in a currency with three decimals (`1.250` Kuwaiti dinars is one and a quarter).
    """
    digits = MINOR_DIGITS[check_currency(currency)]
    if text is None:
        return 0
    if isinstance(text, int):
        amount = Decimal(text)
    else:
        raw = text
        text = re.sub(r"[\s\u00a0\u202f'\u2019]", "", text).replace("\u2212", "-")
        text = _strip_currency_marks(text, raw, currency)
        if text in ("", "-"):
            if raw.strip():
                raise ValidationError("value", f"{raw!r} is not an amount")
            return 0
        text = _normalise_separators(text, raw, digits)
        if not re.fullmatch(r"[+-]?(?:\d+\.?\d*|\.\d+)", text):  # no 1e5, NaN, 1.2.3
            raise ValidationError("value", f"{raw!r} is not an amount")
        amount = Decimal(text)
    if amount < 0:
        raise ValidationError("value", "must not be negative")
    with localcontext(prec=len(amount.as_tuple().digits) + 1):  # exact: never rounds
        minor = amount.scaleb(digits)
    if minor != minor.to_integral_value():
        raise ValidationError("value", f"has more than {digits} decimal places for {currency}")
    if minor > MAX_MINOR:
        raise ValidationError("value", "is too large")
    return int(minor)


_MARK = r"(?:[€$£¥₹]|[A-Za-z]{3})"


def _strip_currency_marks(text: str, raw: str, currency: str) -> str:
    """Drop one currency symbol or the deal's ISO code before or after the number.

    Nothing else is dropped: `about 40k` is refused rather than read as 40, and
    `1200 USD` in a EUR amount is refused rather than read as euros.
    """
    if not text:
        return text
    match = re.fullmatch(rf"([+\-]?)({_MARK}?)([+\-]?[\d.,]*)({_MARK}?)", text)
    if not match:
        raise ValidationError("value", f"{raw!r} is not an amount")
    sign, before, number, after = match.groups()
    if not re.search(r"\d", number):
        raise ValidationError("value", f"{raw!r} is not an amount")
    for mark in (before, after):
        if len(mark) == 3 and mark.upper() != currency.upper():
            raise ValidationError("value", f"{raw!r} is not an amount in {currency.upper()}")
    if before and after:
        raise ValidationError("value", f"{raw!r} is not an amount")
    return sign + number


def _normalise_separators(text: str, raw: str, digits: int) -> str:
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        # The later one is the decimal separator.
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        return text.replace(group_sep, "").replace(decimal_sep, ".")
    sep = "," if commas else "." if dots else ""
    if not sep:
        return text
    count = commas or dots
    head, _, tail = text.rpartition(sep)
    if count > 1:
        return text.replace(sep, "")  # 1,000,000 or 1.000.000
    if len(tail) == 3 and head.lstrip("+-") not in ("", "0") and (sep, digits) != (".", 3):
        return head + tail  # 48,000 or 48.000: grouping
    if len(tail) <= 2 or sep == ".":
        return head + "." + tail
    raise ValidationError("value", f"{raw!r} is ambiguous; write it like 48000.50")


def major_text(minor: int, currency: str) -> str:
    """An amount as plain major units for editing: `48000.5` → `"48000.50"`, no grouping."""
    digits = MINOR_DIGITS.get(currency, 2)
    return f"{Decimal(minor).scaleb(-digits):.{digits}f}"


def rescale(minor: int, from_currency: str, to_currency: str) -> int:
    """The same major amount in another currency's minor units (€100.00 → ¥100)."""
    shift = MINOR_DIGITS[check_currency(to_currency)] - MINOR_DIGITS.get(from_currency, 2)
    amount = Decimal(minor).scaleb(shift)
    if amount != amount.to_integral_value():
        raise ValidationError("value", f"has more decimal places than {to_currency.upper()} allows")
    return int(amount)


def _compact(major: Decimal) -> str:
    """`48k`, `1.2M`: one decimal at most, rounding up into the next unit (999,999 → 1M)."""
    steps = (
        (Decimal(10**12), "T"),
        (Decimal(10**9), "B"),
        (Decimal(10**6), "M"),
        (Decimal(10**3), "k"),
    )
    for index, (step, suffix) in enumerate(steps):
        if abs(major) >= step:
            scaled = round(major / step, 1)
            if abs(scaled) >= 1000 and index > 0:
                bigger, suffix = steps[index - 1]
                scaled = round(major / bigger, 1)
            return f"{scaled:.1f}".removesuffix(".0") + suffix
    return f"{major:,.0f}"


def format_money(minor: int, currency: str, *, compact: bool = False) -> str:
    """`€48,000.50`, or `€48k` when compact."""
    digits = MINOR_DIGITS.get(currency, 2)
    symbol = SYMBOLS.get(currency)
    major = Decimal(minor).scaleb(-digits)
    if compact and abs(major) >= 1000:
        number = _compact(major)
    elif compact:
        number = f"{major:,.0f}"
    else:
        number = f"{major:,.{digits}f}"
    return f"{symbol}{number}" if symbol else f"{number} {currency}"


# ---------------------------------------------------------------------------
# Deals


@dataclass(frozen=True)
class DealFields:
    """The editable fields of a deal, validated and cleaned by `validate_fields`."""

    title: str
    company: str = ""
    contact: str = ""
    email: str = ""
    phone: str = ""
    value: int = 0
    currency: str = "EUR"
    owner: str = ""
    close_date: date | None = None
    source: str = ""
    notes: str = ""


FIELD_NAMES: Final[tuple[str, ...]] = tuple(DealFields.__dataclass_fields__)


def validate_fields(raw: Mapping[str, object]) -> DealFields:
    """Validate fields typed by a person; `value` may be minor units (int) or text in major units.

    Raises the first ValidationError found; `validation_errors` gives them all.
    """
    fields, errors = check_fields(raw)
    if fields is None:
        raise errors[0]
    return fields


def validation_errors(raw: Mapping[str, object]) -> list[ValidationError]:
    """Every problem with `raw`, one per field, in field order."""
    return check_fields(raw)[1]


def check_fields(raw: Mapping[str, object]) -> tuple[DealFields | None, list[ValidationError]]:
    """The valid fields and no error, or None and every problem: each field checked once."""
    values: dict[str, object] = {}
    errors: list[ValidationError] = []
    for name in FIELD_NAMES:
        try:
            values[name] = _check_field(name, raw)
        except ValidationError as error:
            errors.append(error)
    return (None if errors else DealFields(**values)), errors  # type: ignore[arg-type]


def _check_field(name: str, raw: Mapping[str, object]) -> object:
    value = raw.get(name)
    if name == "title":
        return check_text("title", _str(value), required=True)
    if name == "email":
        return check_email(_str(value))
    if name == "phone":
        return check_phone(_str(value))
    if name == "currency":
        return check_currency(_str(value) or "EUR")
    if name == "value":
        try:
            currency = check_currency(_str(raw.get("currency")) or "EUR")
        except ValidationError:
            currency = "EUR"
        if isinstance(value, int) and not isinstance(value, bool):
            if value < 0:
                raise ValidationError("value", "must not be negative")
            if value > MAX_MINOR:
                raise ValidationError("value", "is too large")
            return value
        return parse_money(_str(value), currency)
    if name == "close_date":
        return check_date(value if isinstance(value, date) else _str(value))
    return check_text(name, _str(value))


def _str(value: object) -> str:
    return "" if value is None else str(value)


# ---------------------------------------------------------------------------
# Time


def days_between(start: datetime, end: datetime) -> int:
    return max(0, (end - start) // timedelta(days=1))


def is_stale(outcome: str, last_activity: datetime, now: datetime, days: int = STALE_DAYS) -> bool:
    """An open deal with no event for `days` days."""
    return outcome == OPEN and now - last_activity >= timedelta(days=days)


def time_in_stages(
    moves: Iterable[tuple[datetime, str]], created: datetime, first_stage: str, now: datetime
) -> dict[str, timedelta]:
    """Time spent in each stage, from the stage changes (time, new stage) in order."""
    spent: dict[str, timedelta] = {}
    stage, since = first_stage, created
    for at, new_stage in moves:
        spent[stage] = spent.get(stage, timedelta()) + (at - since)
        stage, since = new_stage, at
    spent[stage] = spent.get(stage, timedelta()) + (now - since)
    return spent
