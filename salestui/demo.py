"""Realistic made-up deals: the demo database, test fixtures and benchmarks use them."""

from __future__ import annotations

import functools
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from salestui import domain
from salestui.domain import CLOSED, LOST, OPEN, WON, DealFields
from salestui.store.pipeline import NewDeal, NewEvent, NewTask, Pipeline

COMPANIES = (
    "Acme Robotics",
    "Borealis Foods",
    "Cobalt Logistics",
    "Delta Dental Group",
    "Evergreen Clinics",
    "Fjord Maritime",
    "Granite Insurance",
    "Helios Solar",
    "Ionic Labs",
    "Juniper Hotels",
    "Kestrel Aviation",
    "Lumen Optics",
    "Meridian Bank",
    "Nimbus Cloud",
    "Orchard Retail",
    "Pioneer Mining",
    "Quartz Media",
    "Redwood Schools",
    "Sierra Telecom",
    "Tundra Outdoor",
    "Umbra Security",
    "Vertex Pharma",
    "Willow Care Homes",
    "Xenon Motors",
    "Yarrow Farms",
    "Zephyr Airlines",
    "Café Lumière",
    "Müller & Söhne",
    "Nordlys AS",
    "São Paulo Têxtil",
)
PRODUCTS = (
    "fleet tracking rollout",
    "warehouse scanners",
    "ERP migration",
    "support contract renewal",
    "CRM seats",
    "security audit",
    "data platform pilot",
    "point-of-sale upgrade",
    "training programme",
    "custom ordering portal",
    "IoT sensors",
    "analytics dashboards",
    "payroll integration",
    "mobile app",
    "cold-chain monitoring",
    "network refresh",
)
FIRST = (
    "Alice",
    "Bruno",
    "Chloé",
    "Dmitri",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Inès",
    "Jonas",
    "Kwame",
    "Léa",
    "Mateo",
    "Nadia",
    "Oskar",
    "Priya",
    "Quentin",
    "Rosa",
    "Sven",
    "Tomás",
)
LAST = (
    "Martin",
    "Okafor",
    "Nakamura",
    "Dubois",
    "Schmidt",
    "García",
    "Rossi",
    "Kowalski",
    "Andersen",
    "Haddad",
    "Silva",
    "Novak",
    "Laurent",
    "Fischer",
    "Moreau",
    "Ivanova",
)
OWNERS = ("sam", "alex", "jordan", "robin")
SOURCES = ("Referral", "Website", "Trade show", "Cold call", "Partner", "LinkedIn")
CURRENCIES = ("EUR", "EUR", "EUR", "USD", "GBP")
COMMENTS = (
    "Smooth rollout, asking about phase two.",
    "Happy with the product, support was slow at first.",
    "Went live two weeks late; relationship intact.",
    "Delighted: already referred us to a partner.",
)

_OPEN_TASKS = {
    stage.key: tuple(
        NewTask(stage.key, title, required=t < len(stage.tasks) - 1 or stage.key != "discovery")
        for t, title in enumerate(stage.tasks)
    )
    for stage in domain.STAGES
}
"""Each stage's demo checklist, not ticked; frozen, so shared by every deal."""


@functools.cache
def _tick_offsets(span: timedelta, count: int) -> tuple[timedelta, ...]:
    """When each of `count` tasks was ticked: spread evenly over the time spent in the stage."""
    return tuple(span * (t + 1) / (count + 1) for t in range(count))


def demo_deals(
    now: datetime, count: int = 40, *, closed_share: float = 0.3, seed: int = 7
) -> Iterator[NewDeal]:
    """`count` deals over all six stages: partly done checklists, won, lost, some stale."""
    rng = random.Random(seed)
    open_stages = domain.STAGE_KEYS[:-1]
    for n in range(count):
        closed = rng.random() < closed_share
        stage = (
            CLOSED
            if closed
            else open_stages[n % len(open_stages) if count <= 100 else rng.randrange(5)]
        )
        outcome = OPEN if not closed else (LOST if rng.random() < 0.35 else WON)
        yield _deal(rng, now, n, stage, outcome)


def _deal(rng: random.Random, now: datetime, n: int, stage: str, outcome: str) -> NewDeal:
    company = COMPANIES[n % len(COMPANIES)] if n < len(COMPANIES) else rng.choice(COMPANIES)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    currency = rng.choice(CURRENCIES)
    reached = domain.stage_index(stage)
    # A lost deal was lost from one of the open stages.
    lost_at = rng.randrange(reached) if outcome == LOST else reached
    # Each stage took between 2 and 25 days; some open deals went quiet (stale).
    quiet = (
        timedelta(days=rng.choice((0, 1, 2, 3, 5, 8, 20, 35))) if outcome == OPEN else timedelta(0)
    )
    spans = [
        timedelta(days=rng.randint(2, 25), hours=rng.randint(0, 23)) for _ in range(lost_at + 1)
    ]
    entered = now - quiet - spans[-1]
    created = entered - sum(spans[:-1], timedelta())
    tasks: list[NewTask] = []
    history = [
        NewEvent(created, "created", f"created in {domain.STAGES[0].label}", to_stage="prospect")
    ]
    at = created
    path = list(domain.STAGE_KEYS[: lost_at + 1])
    for index, key in enumerate(path):
        checklist = _OPEN_TASKS[key]
        finished = index < len(path) - 1 or (outcome == WON)
        done_count = len(checklist) if finished else rng.randint(0, len(checklist) - 1)
        offsets = _tick_offsets(spans[index], len(checklist))
        tasks.extend(
            NewTask(key, task.title, task.required, at + offset)
            for task, offset in zip(checklist[:done_count], offsets, strict=False)
        )
        tasks.extend(checklist[done_count:])
        if index < len(path) - 1:
            at = at + spans[index]
            history.append(
                NewEvent(
                    at,
                    "moved",
                    f"{domain.STAGE_BY_KEY[key].label} → "
                    f"{domain.STAGE_BY_KEY[path[index + 1]].label}",
                    from_stage=key,
                    to_stage=path[index + 1],
                )
            )
    reason = ""
    if outcome == LOST:
        reason = rng.choice(domain.LOST_REASONS[:-1])
        history.append(NewEvent(entered, "lost", reason, from_stage=path[-1], to_stage=CLOSED))
        tasks.extend(_OPEN_TASKS[CLOSED])
    elif outcome == WON:
        history.append(NewEvent(entered, "won", "won"))
    score = verdict = None
    comment = ""
    if outcome == WON and rng.random() < 0.8:
        score = rng.randint(3, 5) if rng.random() < 0.8 else rng.randint(1, 2)
        verdict = "success" if score >= 3 else "failure"
        comment = rng.choice(COMMENTS) if score >= 3 else "Delivery problems; at risk of churn."
        history.append(
            NewEvent(
                entered + timedelta(days=1), "satisfaction", f"{score}/5, {verdict}: {comment}"
            )
        )
    if outcome == OPEN:
        # Most open deals saw a call or a note lately; those that went quiet turn stale.
        history.append(
            NewEvent(now - quiet - timedelta(hours=rng.randint(1, 20)), "notes", "call notes added")
        )
    last_activity = max(e.at for e in history)
    digits = domain.MINOR_DIGITS[currency]
    value = rng.choice((4, 6, 8, 12, 18, 25, 40, 60, 90, 150)) * 1000 * 10**digits
    fields = DealFields(
        title=f"{company}: {rng.choice(PRODUCTS)}",
        company=company,
        contact=f"{first} {last}",
        email=f"{first.lower()}.{last.lower()}@example.com".encode("ascii", "ignore").decode(),
        phone="+33 1 " + " ".join(str(rng.randint(10, 99)) for _ in range(4)),
        value=value,
        currency=currency,
        owner=rng.choice(OWNERS),
        close_date=date.fromordinal(now.date().toordinal() + rng.randint(-20, 120)),
        source=rng.choice(SOURCES),
        notes=""
        if rng.random() < 0.5
        else f"Met {first} at the {rng.choice(SOURCES).lower()} stage.\nBudget owner: CFO.",
    )
    return NewDeal(
        fields=fields,
        stage=stage if outcome != LOST else CLOSED,
        outcome=outcome,
        lost_reason=reason,
        satisfaction_score=score,
        satisfaction_verdict=verdict,
        satisfaction_comment=comment,
        created_at=created,
        stage_entered_at=entered,
        last_activity_at=last_activity,
        tasks=tasks,
        history=history,
    )


def seed(pipeline: Pipeline, count: int = 40, **kwargs: object) -> int:
    """Fill `pipeline` with `count` demo deals; returns how many were added."""
    return pipeline.bulk_add(demo_deals(pipeline.now(), count, **kwargs))  # type: ignore[arg-type]
