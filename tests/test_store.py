"""The store: the gate, outcomes, versions, aggregates, paging, templates, history."""

from __future__ import annotations

import random
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import FROZEN_NOW, Clock

from salestui import domain
from salestui.demo import demo_deals
from salestui.domain import ConflictError, GateBlocked, NotFound, ValidationError
from salestui.store import DealDetail, Pipeline
from salestui.store.pipeline import summarise


def add(
    pipeline: Pipeline, title: str = "Fleet rollout", stage: str = "prospect", **fields: object
) -> DealDetail:
    return pipeline.create({"title": title, "company": "Acme", **fields}, stage=stage)


def tick_stage(pipeline: Pipeline, deal: DealDetail, stage: str) -> DealDetail:
    for task in deal.tasks_of(stage):
        deal = pipeline.set_task_done(deal.id, task.id, True)
    return deal


def kinds(deal: DealDetail) -> list[str]:
    return [e.kind for e in deal.history]


# ---------------------------------------------------------------------------- create


def test_create_gives_the_stage_checklist_and_a_created_event(pipeline: Pipeline) -> None:
    deal = add(pipeline, value="48,000.50")
    assert deal.stage == "prospect" and deal.outcome == domain.OPEN and deal.version == 1
    assert deal.value == 4_800_050 and deal.currency == "EUR"
    assert [t.title for t in deal.tasks] == list(domain.STAGE_BY_KEY["prospect"].tasks)
    assert all(t.required and not t.done for t in deal.tasks)
    assert [(e.kind, e.author, e.at) for e in deal.history] == [("created", "tester", FROZEN_NOW)]
    assert deal.created_at == FROZEN_NOW and deal.created_at.utcoffset() == timedelta(0)


def test_create_in_a_later_stage_ticks_the_earlier_checklists(pipeline: Pipeline) -> None:
    deal = add(pipeline, stage="discovery")
    assert [t.stage for t in deal.tasks] == ["prospect"] * 3 + ["qualified"] * 4 + ["discovery"] * 5
    assert all(t.done for t in deal.tasks if t.stage != "discovery")
    assert not any(t.done for t in deal.tasks_of("discovery"))


def test_a_deal_created_in_closed_is_won(pipeline: Pipeline) -> None:
    deal = add(pipeline, stage="closed", value="100")
    assert (deal.stage, deal.outcome) == ("closed", domain.WON)
    assert kinds(deal) == ["created", "won"]
    assert pipeline.summaries()["closed"].won == 1
    assert pipeline.record_satisfaction(deal.id, 5, "success").satisfaction_score == 5


def test_create_refuses_invalid_fields_and_writes_nothing(pipeline: Pipeline) -> None:
    with pytest.raises(ValidationError):
        add(pipeline, title=" ")
    with pytest.raises(ValidationError):
        add(pipeline, stage="won")
    assert pipeline.count() == 0


# ---------------------------------------------------------------------------- the gate


def test_gate_blocks_a_forward_move_while_required_tasks_are_open(pipeline: Pipeline) -> None:
    deal = add(pipeline)
    deal = pipeline.set_task_done(deal.id, deal.tasks[0].id, True)
    with pytest.raises(GateBlocked) as blocked:
        pipeline.move(deal.id, "qualified")
    assert [t.title for t in blocked.value.open_tasks] == list(
        domain.STAGE_BY_KEY["prospect"].tasks[1:]
    )
    after = pipeline.get(deal.id)
    assert (after.stage, after.version, kinds(after)) == (deal.stage, deal.version, kinds(deal))


def test_gate_opens_when_the_stage_checklist_is_done(pipeline: Pipeline) -> None:
    deal = tick_stage(pipeline, add(pipeline), "prospect")
    moved = pipeline.move(deal.id, "qualified", version=deal.version)
    assert moved.stage == "qualified" and moved.version == deal.version + 1
    assert moved.stage_entered_at == FROZEN_NOW
    assert [t.title for t in moved.tasks_of("qualified")] == list(
        domain.STAGE_BY_KEY["qualified"].tasks
    )
    assert kinds(moved)[-1] == "moved"
    assert moved.history[-1].detail == "Prospect → Qualified"


def test_skipping_stages_needs_the_skipped_stages_checklists(pipeline: Pipeline) -> None:
    deal = tick_stage(pipeline, add(pipeline), "prospect")
    with pytest.raises(GateBlocked) as blocked:
        pipeline.move(deal.id, "development")
    open_stages = [t.stage for t in blocked.value.open_tasks]
    assert open_stages == ["qualified"] * 4 + ["discovery"] * 5
    # The skipped stages' checklists are there to be ticked, once each.
    deal = pipeline.get(deal.id)
    assert len(deal.tasks_of("qualified")) == 4 and len(deal.tasks_of("discovery")) == 5
    deal = tick_stage(pipeline, deal, "qualified")
    with pytest.raises(GateBlocked) as blocked:
        pipeline.move(deal.id, "development")
    assert {t.stage for t in blocked.value.open_tasks} == {"discovery"}
    deal = tick_stage(pipeline, pipeline.get(deal.id), "discovery")
    moved = pipeline.move(deal.id, "development")
    assert moved.stage == "development"
    assert len(moved.tasks_of("qualified")) == 4 and len(moved.tasks_of("discovery")) == 5


def test_optional_tasks_do_not_block(pipeline: Pipeline) -> None:
    deal = add(pipeline)
    first, *rest = deal.tasks
    deal = pipeline.set_task_done(deal.id, first.id, True)
    for task in rest:
        deal = pipeline.set_task_required(deal.id, task.id, False)
    deal = pipeline.add_task(deal.id, "Send a brochure", required=False)
    assert pipeline.move(deal.id, "qualified").stage == "qualified"


def test_an_added_required_task_blocks(pipeline: Pipeline) -> None:
    deal = tick_stage(pipeline, add(pipeline), "prospect")
    deal = pipeline.add_task(deal.id, "Check credit rating")
    with pytest.raises(GateBlocked) as blocked:
        pipeline.move(deal.id, "qualified")
    assert [t.title for t in blocked.value.open_tasks] == ["Check credit rating"]


def test_override_records_the_reason_and_the_open_tasks(pipeline: Pipeline) -> None:
    deal = add(pipeline)
    moved = pipeline.move(deal.id, "discovery", override="  CEO asked for a fast track ")
    assert moved.stage == "discovery"
    override = next(e for e in moved.history if e.kind == "override")
    assert override.detail.startswith("  CEO asked for a fast track ")
    assert "Identify the prospect in the target market" in override.detail
    assert "Write the meeting agendas" in override.detail
    assert (override.author, override.from_stage, override.to_stage) == (
        "tester",
        "prospect",
        "discovery",
    )
    assert moved.version == deal.version + 1


@pytest.mark.parametrize("reason", ["", "   ", "\x1b\x07"])
def test_override_needs_a_reason(pipeline: Pipeline, reason: str) -> None:
    deal = add(pipeline)
    with pytest.raises(ValidationError) as error:
        pipeline.move(deal.id, "qualified", override=reason)
    assert error.value.field == "reason"
    assert pipeline.get(deal.id).stage == "prospect"


def test_tick_in_move_is_all_or_nothing(pipeline: Pipeline) -> None:
    deal = add(pipeline)
    ids = [t.id for t in deal.tasks]
    with pytest.raises(GateBlocked) as blocked:
        pipeline.move(deal.id, "qualified", version=deal.version, tick=ids[:2])
    assert [t.id for t in blocked.value.open_tasks] == ids[2:]
    after = pipeline.get(deal.id)
    assert not any(t.done for t in after.tasks)
    assert after.version == deal.version and kinds(after) == kinds(deal)

    with pytest.raises(NotFound):
        pipeline.move(deal.id, "qualified", tick=[*ids, 999_999])
    assert not any(t.done for t in pipeline.get(deal.id).tasks)

    moved = pipeline.move(deal.id, "qualified", version=deal.version, tick=ids)
    assert moved.stage == "qualified" and moved.version == deal.version + 1
    assert all(t.done for t in moved.tasks_of("prospect"))
    assert kinds(moved)[-4:] == ["task_done", "task_done", "task_done", "moved"]


def test_backward_moves_pass_and_untick_nothing(pipeline: Pipeline) -> None:
    deal = add(pipeline, stage="development")
    back = pipeline.move(deal.id, "prospect")
    assert back.stage == "prospect"
    assert [t.done for t in back.tasks] == [t.done for t in deal.tasks]
    # The checklists of the stages it already went through are done: forward again is free.
    assert pipeline.move(deal.id, "development").stage == "development"


def test_a_move_can_give_back_the_card_instead_of_the_whole_deal(pipeline: Pipeline) -> None:
    deal = add(pipeline, stage="development")
    card = pipeline.move(deal.id, "prospect", version=deal.version, detail=False)
    assert card == pipeline.card(deal.id)
    assert (card.stage, card.version) == ("prospect", deal.version + 1)
    with pytest.raises(ConflictError):
        pipeline.move(deal.id, "qualified", version=deal.version, detail=False)


def test_moving_to_the_same_stage_is_refused(pipeline: Pipeline) -> None:
    deal = add(pipeline)
    with pytest.raises(ValidationError):
        pipeline.move(deal.id, "prospect")
    with pytest.raises(ValidationError):
        pipeline.move(deal.id, "nowhere")


# ---------------------------------------------------------------------------- won, lost, reopen


def test_reaching_closed_through_the_gate_wins(pipeline: Pipeline) -> None:
    deal = tick_stage(pipeline, add(pipeline, stage="proposed"), "proposed")
    won = pipeline.move(deal.id, "closed")
    assert (won.stage, won.outcome) == ("closed", domain.WON)
    assert kinds(won)[-2:] == ["moved", "won"]
    assert len(won.tasks_of("closed")) == 5


@pytest.mark.parametrize("stage", domain.STAGE_KEYS)
def test_lost_from_any_stage_without_the_gate(pipeline: Pipeline, stage: str) -> None:
    deal = add(pipeline, stage=stage)
    lost = pipeline.lose(deal.id, "Competitor\nthey were cheaper", version=deal.version)
    assert (lost.stage, lost.outcome) == ("closed", domain.LOST)
    assert lost.lost_reason == "Competitor\nthey were cheaper"
    assert lost.version == deal.version + 1
    event = lost.history[-1]
    assert (event.kind, event.detail, event.from_stage, event.to_stage) == (
        "lost",
        "Competitor\nthey were cheaper",
        stage,
        "closed",
    )
    assert len(lost.tasks_of("closed")) == 5
    assert [t.done for t in lost.tasks_of(stage)] == [t.done for t in deal.tasks_of(stage)]


def test_lose_needs_a_reason_and_only_once(pipeline: Pipeline) -> None:
    deal = add(pipeline)
    with pytest.raises(ValidationError) as error:
        pipeline.lose(deal.id, "  ")
    assert error.value.field == "reason"
    pipeline.lose(deal.id, "Price")
    with pytest.raises(ValidationError):
        pipeline.lose(deal.id, "Price")


def test_a_won_deal_can_be_lost(pipeline: Pipeline) -> None:
    deal = tick_stage(pipeline, add(pipeline, stage="proposed"), "proposed")
    pipeline.move(deal.id, "closed")
    assert pipeline.lose(deal.id, "Cancelled").outcome == domain.LOST


def test_reopen_a_lost_deal(pipeline: Pipeline) -> None:
    deal = pipeline.lose(add(pipeline, stage="discovery").id, "Timing")
    reopened = pipeline.reopen(deal.id, version=deal.version)
    # Back to the stage it was lost from: reopening skips no gate.
    assert (reopened.stage, reopened.outcome, reopened.lost_reason) == ("discovery", "open", "")
    assert kinds(reopened)[-2:] == ["moved", "reopened"]
    assert reopened.history[-1].detail == "reopened (lost)"
    assert reopened.version == deal.version + 1


def test_reopen_a_won_deal_defaults_to_proposed(pipeline: Pipeline) -> None:
    won = pipeline.move(add(pipeline, stage="proposed").id, "closed", override="signed early")
    assert won.outcome == "won"
    assert pipeline.reopen(won.id).stage == "proposed"


def test_editing_the_currency_keeps_the_amount(pipeline: Pipeline) -> None:
    deal = pipeline.create({"title": "x", "value": "100", "currency": "EUR"})
    assert pipeline.edit(deal.id, {"currency": "JPY"}).value == 100
    assert pipeline.edit(deal.id, {"currency": "KWD"}).value == 100_000
    cents = pipeline.create({"title": "y", "value": "100.50", "currency": "EUR"})
    with pytest.raises(ValidationError, match="JPY"):
        pipeline.edit(cents.id, {"currency": "JPY"})


def test_reopen_to_a_chosen_stage_and_refusals(pipeline: Pipeline) -> None:
    lost = pipeline.lose(add(pipeline).id, "Timing")
    assert pipeline.reopen(lost.id, "qualified").stage == "qualified"
    with pytest.raises(ValidationError):
        pipeline.reopen(lost.id)  # not closed any more
    again = pipeline.lose(lost.id, "Timing")
    with pytest.raises(ValidationError):
        pipeline.reopen(again.id, "closed")


def test_moving_a_won_deal_back_reopens_it(pipeline: Pipeline) -> None:
    deal = tick_stage(pipeline, add(pipeline, stage="proposed"), "proposed")
    pipeline.move(deal.id, "closed")
    back = pipeline.move(deal.id, "proposed")
    assert back.outcome == domain.OPEN
    assert back.history[-1].kind == "reopened" and back.history[-1].detail == "reopened (won)"


def won_deal(pipeline: Pipeline) -> DealDetail:
    deal = tick_stage(pipeline, add(pipeline, stage="proposed"), "proposed")
    return pipeline.move(deal.id, "closed")


@pytest.mark.parametrize("score", [1, 5])
def test_satisfaction_on_a_won_deal(pipeline: Pipeline, score: int) -> None:
    deal = won_deal(pipeline)
    done = pipeline.record_satisfaction(
        deal.id, score, "Success", "Live on time.\nHappy.", version=deal.version
    )
    assert (done.satisfaction_score, done.satisfaction_verdict) == (score, "success")
    assert done.satisfaction_comment == "Live on time.\nHappy."
    assert done.history[-1].kind == "satisfaction"
    assert done.history[-1].detail.startswith(f"{score}/5, success")


@pytest.mark.parametrize(("score", "verdict"), [(0, "success"), (6, "success"), (3, "meh")])
def test_satisfaction_bounds(pipeline: Pipeline, score: int, verdict: str) -> None:
    deal = won_deal(pipeline)
    with pytest.raises(ValidationError):
        pipeline.record_satisfaction(deal.id, score, verdict)
    assert pipeline.get(deal.id).version == deal.version


def test_satisfaction_only_for_won_deals_in_closed(pipeline: Pipeline) -> None:
    open_deal = add(pipeline)
    lost = pipeline.lose(add(pipeline).id, "Price")
    reopened = pipeline.move(won_deal(pipeline).id, "proposed")
    for deal in (open_deal, lost, reopened):
        with pytest.raises(ValidationError) as error:
            pipeline.record_satisfaction(deal.id, 4, "success")
        assert error.value.field == "satisfaction"


# ---------------------------------------------------------------------------- versions


def test_every_write_bumps_the_version_once(pipeline: Pipeline) -> None:
    deal = add(pipeline)
    task_id = deal.tasks[0].id
    writes = [
        lambda v: pipeline.edit(deal.id, {"company": "Acme Ltd"}, version=v),
        lambda v: pipeline.set_notes(deal.id, "call back", version=v),
        lambda v: pipeline.set_task_done(deal.id, task_id, True, version=v),
        lambda v: pipeline.toggle_task(deal.id, task_id, version=v),
        lambda v: pipeline.add_task(deal.id, "Extra", version=v),
        lambda v: pipeline.rename_task(deal.id, task_id, "Renamed", version=v),
        lambda v: pipeline.set_task_required(deal.id, task_id, False, version=v),
        lambda v: pipeline.move_task(deal.id, task_id, 1, version=v),
        lambda v: pipeline.move(deal.id, "qualified", override="fast", version=v),
        lambda v: pipeline.lose(deal.id, "Price", version=v),
        lambda v: pipeline.reopen(deal.id, version=v),
        lambda v: pipeline.restore_state(deal.id, "closed", "lost", "Price", version=v),
        lambda v: pipeline.delete_task(deal.id, task_id, version=v),
    ]
    version = deal.version
    for write in writes:
        before = pipeline.get(deal.id)
        after = write(version)
        assert after.version == version + 1, write
        assert len(after.history) > len(before.history)
        with pytest.raises(ConflictError):
            write(version)  # the same write against the old version
        assert pipeline.get(deal.id) == after
        version = after.version


def test_a_stale_version_writes_nothing(pipeline: Pipeline) -> None:
    deal = add(pipeline)
    pipeline.edit(deal.id, {"title": "New title"}, version=deal.version)
    before = pipeline.get(deal.id)
    before_totals = pipeline.summaries()
    for write in (
        lambda: pipeline.edit(deal.id, {"value": "99"}, version=deal.version),
        lambda: pipeline.move(deal.id, "qualified", override="x", version=deal.version),
        lambda: pipeline.lose(deal.id, "Price", version=deal.version),
        lambda: pipeline.delete(deal.id, version=deal.version),
        lambda: pipeline.set_task_done(deal.id, deal.tasks[0].id, True, version=deal.version),
    ):
        with pytest.raises(ConflictError) as error:
            write()
        assert "changed elsewhere" in str(error.value)
    assert pipeline.get(deal.id) == before
    assert pipeline.summaries() == before_totals


def test_a_write_that_changes_nothing_keeps_the_version(pipeline: Pipeline) -> None:
    deal = add(pipeline)
    assert pipeline.edit(deal.id, {"title": "  Fleet rollout "}).version == deal.version
    assert pipeline.set_task_done(deal.id, deal.tasks[0].id, False).version == deal.version


def test_two_pipelines_on_one_file_conflict(pipeline: Pipeline, make_pipeline) -> None:
    other = make_pipeline("other")
    deal = add(pipeline)
    mine = pipeline.get(deal.id)
    theirs = other.get(deal.id)
    other.edit(deal.id, {"value": "500"}, version=theirs.version)
    with pytest.raises(ConflictError):
        pipeline.edit(deal.id, {"value": "700"}, version=mine.version)
    with pytest.raises(ConflictError):
        pipeline.move(deal.id, "qualified", override="x", version=mine.version)
    fresh = pipeline.get(deal.id)
    assert fresh.value == 50_000 and fresh.stage == "prospect"
    assert fresh.history[-1].author == "other"
    assert pipeline.edit(deal.id, {"value": "700"}, version=fresh.version).value == 70_000


# ---------------------------------------------------------------------------- edit, delete


def test_edit_changes_only_the_given_fields(pipeline: Pipeline) -> None:
    deal = add(pipeline, email="ann@example.com", value="100")
    edited = pipeline.edit(deal.id, {"value": "1,200", "close_date": "2026-06-30"})
    assert edited.value == 120_000 and str(edited.close_date) == "2026-06-30"
    assert edited.email == "ann@example.com" and edited.title == deal.title
    assert edited.history[-1].kind == "edited"
    assert edited.history[-1].detail == "value, close date"
    notes = pipeline.set_notes(deal.id, "Budget owner: CFO")
    assert notes.history[-1].kind == "notes"
    with pytest.raises(ValidationError) as error:
        pipeline.edit(deal.id, {"stage": "closed"})
    assert error.value.field == "stage"
    with pytest.raises(ValidationError):
        pipeline.edit(deal.id, {"email": "nope"})
    assert pipeline.get(deal.id).email == "ann@example.com"


def test_delete_and_restore(pipeline: Pipeline) -> None:
    deal = add(pipeline, value="100")
    pipeline.delete(deal.id, version=deal.version)
    with pytest.raises(NotFound):
        pipeline.get(deal.id)
    with pytest.raises(NotFound):
        pipeline.edit(deal.id, {"title": "x"})
    assert pipeline.page("prospect") == [] and pipeline.count() == 0
    assert pipeline.summaries()["prospect"].count == 0
    assert pipeline.position(deal.id) is None
    assert pipeline.get(deal.id, include_deleted=True).deleted
    restored = pipeline.restore(deal.id)
    assert not restored.deleted and kinds(restored)[-2:] == ["deleted", "restored"]
    assert pipeline.summaries()["prospect"].count == 1
    assert pipeline.summaries()["prospect"].totals[0].value == 10_000


def test_missing_deal_and_task(pipeline: Pipeline) -> None:
    with pytest.raises(NotFound):
        pipeline.get(404)
    with pytest.raises(NotFound):
        pipeline.move(404, "qualified")
    a, b = add(pipeline), add(pipeline)
    with pytest.raises(NotFound):
        pipeline.set_task_done(a.id, b.tasks[0].id, True)  # another deal's task


# ---------------------------------------------------------------------------- aggregates


def test_summaries_count_value_weighted_and_outcomes(pipeline: Pipeline) -> None:
    add(pipeline, value="1000")
    add(pipeline, value="3000")
    add(pipeline, value="500", currency="USD")
    add(pipeline, stage="discovery", value="1000")
    pipeline.lose(add(pipeline, value="7000").id, "Price")
    won = tick_stage(pipeline, add(pipeline, stage="proposed", value="2000"), "proposed")
    pipeline.move(won.id, "closed")
    s = pipeline.summaries()
    assert s["prospect"].count == 3
    assert [(m.currency, m.value, m.weighted) for m in s["prospect"].totals] == [
        ("EUR", 400_000, 40_000),
        ("USD", 50_000, 5_000),
    ]
    assert [(m.value, m.weighted) for m in s["discovery"].totals] == [(100_000, 40_000)]
    assert (s["closed"].count, s["closed"].won, s["closed"].lost) == (2, 1, 1)
    assert [(m.value, m.weighted) for m in s["closed"].totals] == [(900_000, 200_000)]
    assert s["qualified"].count == 0 and s["qualified"].totals == ()


def group_by(db_file: Path) -> dict:
    with sqlite3.connect(db_file) as conn:
        rows = conn.execute(
            "SELECT stage, outcome, currency, COUNT(*), SUM(value) FROM deal"
            " WHERE deleted = 0 GROUP BY stage, outcome, currency"
        ).fetchall()
    return summarise(rows)


def random_walk(pipeline: Pipeline, clock: Clock, seed: int, steps: int) -> None:
    rng = random.Random(seed)
    pipeline.bulk_add(demo_deals(pipeline.now(), 15, seed=seed))
    for _ in range(steps):
        clock.now += timedelta(minutes=rng.randint(1, 600))
        ids = [c.id for c in pipeline.deals()]
        op = rng.choice(["create", "edit", "move", "lose", "reopen", "delete", "restore", "undo"])
        deal = pipeline.get(rng.choice(ids)) if ids else None
        try:
            if op == "create" or deal is None:
                add(
                    pipeline,
                    stage=rng.choice(domain.STAGE_KEYS),
                    value=str(rng.randint(0, 10**6)),
                    currency=rng.choice(["EUR", "USD", "JPY"]),
                )
            elif op == "edit":
                pipeline.edit(
                    deal.id,
                    {"value": rng.randint(0, 10**8), "currency": rng.choice(["EUR", "GBP"])},
                )
            elif op == "move":
                stage = rng.choice([s for s in domain.STAGE_KEYS if s != deal.stage])
                pipeline.move(deal.id, stage, override="walk")
            elif op == "lose":
                pipeline.lose(deal.id, "Price")
            elif op == "reopen":
                pipeline.reopen(deal.id, rng.choice(domain.STAGE_KEYS[:-1]))
            elif op == "delete":
                pipeline.delete(deal.id)
            elif op == "restore":
                pipeline.restore(rng.randint(1, max(ids) + 1))
            else:
                pipeline.restore_state(
                    deal.id, rng.choice(domain.STAGE_KEYS), rng.choice(domain.OUTCOMES), "x"
                )
        except (ValidationError, NotFound):
            pass  # a refused step (already lost, not closed, no such deal) changes nothing


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_running_totals_match_a_fresh_group_by(
    pipeline: Pipeline, clock: Clock, tmp_path: Path, seed: int
) -> None:
    random_walk(pipeline, clock, seed, steps=80)
    assert pipeline.summaries() == group_by(tmp_path / "test.db")
    assert sum(s.count for s in pipeline.summaries().values()) == pipeline.count()
    pipeline.rebuild_totals()
    assert pipeline.summaries() == group_by(tmp_path / "test.db")


# ---------------------------------------------------------------------------- paging


@pytest.fixture
def column(pipeline: Pipeline, clock: Clock) -> list[int]:
    """25 Discovery deals with distinct activity times and values (some equal), plus others."""
    ids = []
    for n in range(25):
        clock.now = FROZEN_NOW + timedelta(hours=(n * 7) % 25)  # shuffled activity times
        ids.append(add(pipeline, f"Deal {n}", stage="discovery", value=str((n % 5) * 100)).id)
    add(pipeline, "Elsewhere", stage="qualified")
    clock.now = FROZEN_NOW + timedelta(days=2)
    return ids


@pytest.mark.parametrize("sort", ["activity", "value"])
def test_pages_cover_the_column_in_board_order(
    pipeline: Pipeline, column: list[int], sort: str
) -> None:
    cards = [c for offset in (0, 10, 20) for c in pipeline.page("discovery", offset, 10, sort=sort)]
    assert sorted(c.id for c in cards) == sorted(column)
    key = (lambda c: (c.value, c.id)) if sort == "value" else (lambda c: (c.last_activity_at, c.id))
    assert cards == sorted(cards, key=key, reverse=True)
    assert cards == pipeline.page("discovery", 0, 100, sort=sort)
    assert pipeline.page("discovery", 25, 10) == []
    assert [pipeline.position(c.id, sort=sort) for c in cards] == list(range(25))


def test_position_follows_the_query(pipeline: Pipeline, column: list[int]) -> None:
    matching = pipeline.page("discovery", 0, 100, query="deal 1")
    assert {c.title for c in matching} == {"Deal 1"} | {f"Deal {n}" for n in range(10, 20)}
    assert [pipeline.position(c.id, query="deal 1") for c in matching] == list(range(11))
    assert pipeline.position(column[2], query="deal 1") is None
    assert pipeline.count(stage="discovery", query="deal 1") == 11


def test_cards_show_the_progress_of_their_stage(pipeline: Pipeline) -> None:
    deal = add(pipeline, stage="qualified")
    pipeline.set_task_done(deal.id, deal.tasks_of("qualified")[0].id, True)
    card = pipeline.card(deal.id)
    assert (card.tasks_done, card.tasks_total) == (1, 4)


def test_filters_treat_percent_and_underscore_literally(pipeline: Pipeline) -> None:
    for title in ("100% uptime", "100 uptime", "a_b deal", "axb deal", "back\\slash"):
        add(pipeline, title)
    titles = lambda q: {c.title for c in pipeline.page("prospect", query=q)}  # noqa: E731
    assert titles("%") == {"100% uptime"}
    assert titles("0%") == {"100% uptime"}
    assert titles("_") == {"a_b deal"}
    assert titles("a_b") == {"a_b deal"}
    assert titles("\\") == {"back\\slash"}
    assert titles("UPTIME") == {"100% uptime", "100 uptime"}
    assert pipeline.count(query="%") == 1
    assert pipeline.summaries(query="_")["prospect"].count == 1


def test_filters_match_company_and_contact(pipeline: Pipeline) -> None:
    add(pipeline, "One", company="Borealis Foods")
    add(pipeline, "Two", contact="Chloé Dubois")
    add(pipeline, "Three")
    assert {c.title for c in pipeline.page("prospect", query="borealis")} == {"One"}
    assert {c.title for c in pipeline.page("prospect", query="dubois")} == {"Two"}


def test_page_by_outcome_and_deals_iterator(pipeline: Pipeline) -> None:
    pipeline.lose(add(pipeline, "Lost one").id, "Price")
    pipeline.move(add(pipeline, "Won one", stage="proposed").id, "closed", override="signed")
    assert [c.title for c in pipeline.page("closed", outcome="lost")] == ["Lost one"]
    assert [c.title for c in pipeline.deals(outcome="won")] == ["Won one"]
    assert pipeline.count(outcome="lost") == 1
    assert len(list(pipeline.deals(batch=1))) == 2


# ---------------------------------------------------------------------------- templates


def test_templates_are_copied_on_first_entry_only(pipeline: Pipeline) -> None:
    qualified = pipeline.templates()["qualified"]
    assert [t.title for t in qualified] == list(domain.STAGE_BY_KEY["qualified"].tasks)
    pipeline.add_template("qualified", "Check the budget", required=False)
    deal = pipeline.move(add(pipeline).id, "qualified", override="fast")
    titles = [t.title for t in deal.tasks_of("qualified")]
    assert titles[-1] == "Check the budget" and len(titles) == 5
    assert not deal.tasks_of("qualified")[-1].required
    # Changes to the deal's own checklist survive leaving and coming back.
    deal = pipeline.delete_task(deal.id, deal.tasks_of("qualified")[0].id)
    pipeline.add_template("qualified", "Added later")
    pipeline.move(deal.id, "prospect")
    back = pipeline.move(deal.id, "qualified", override="again")
    assert [t.title for t in back.tasks_of("qualified")] == titles[1:]


def test_template_edits_reach_only_new_deals(pipeline: Pipeline) -> None:
    before = add(pipeline)
    first = pipeline.templates()["prospect"][0]
    pipeline.edit_template(first.id, title="Find the prospect", required=False)
    pipeline.move_template(first.id, 5)
    after = add(pipeline)
    assert pipeline.get(before.id).tasks[0].title == "Identify the prospect in the target market"
    assert [t.title for t in after.tasks][-1] == "Find the prospect"
    assert not after.tasks[-1].required
    pipeline.delete_template(first.id)
    assert len(add(pipeline).tasks) == 2
    with pytest.raises(NotFound):
        pipeline.edit_template(first.id, title="x")


# ---------------------------------------------------------------------------- tasks


def test_task_editing(pipeline: Pipeline) -> None:
    deal = add(pipeline)
    a, b, c = (t.id for t in deal.tasks)
    deal = pipeline.add_task(deal.id, "Later stage task", stage="discovery")
    assert [t.title for t in deal.tasks_of("discovery")] == ["Later stage task"]
    deal = pipeline.move_task(deal.id, c, -5)
    assert [t.id for t in deal.tasks_of("prospect")] == [c, a, b]
    deal = pipeline.rename_task(deal.id, a, "  Renamed ")
    assert next(t.title for t in deal.tasks if t.id == a) == "Renamed"
    assert deal.history[-1].detail == "Identify the prospect in the target market → Renamed"
    deal = pipeline.toggle_task(deal.id, b)
    assert next(t.done_at for t in deal.tasks if t.id == b) == FROZEN_NOW
    deal = pipeline.delete_task(deal.id, b)
    assert b not in [t.id for t in deal.tasks]
    with pytest.raises(ValidationError):
        pipeline.rename_task(deal.id, a, "")


# ---------------------------------------------------------------------------- history, time


def test_history_kinds_and_authors(pipeline: Pipeline, make_pipeline) -> None:
    other = make_pipeline("robin")
    deal = add(pipeline)
    other.set_task_done(deal.id, deal.tasks[0].id, True)
    other.set_task_done(deal.id, deal.tasks[0].id, False)
    pipeline.add_task(deal.id, "Optional", required=False)
    pipeline.move(deal.id, "qualified", override="urgent")
    other.edit(deal.id, {"owner": "robin"})
    pipeline.lose(deal.id, "Price")
    final = other.reopen(deal.id, "qualified")
    assert [(e.kind, e.author) for e in final.history] == [
        ("created", "tester"),
        ("task_done", "robin"),
        ("task_undone", "robin"),
        ("task_added", "tester"),
        ("override", "tester"),
        ("moved", "tester"),
        ("edited", "robin"),
        ("lost", "tester"),
        ("moved", "robin"),
        ("reopened", "robin"),
    ]
    assert final.history[3].detail == "Optional (optional)"


def test_time_in_stage_and_staleness(pipeline: Pipeline, clock: Clock) -> None:
    deal = add(pipeline)
    clock.now += timedelta(days=2)
    pipeline.move(deal.id, "qualified", override="fast")
    clock.now += timedelta(days=3)
    pipeline.move(deal.id, "prospect")
    clock.now += timedelta(days=1)
    pipeline.move(deal.id, "qualified", override="again")
    clock.now += timedelta(days=15)
    detail = pipeline.get(deal.id)
    assert detail.time_in_stage == {"prospect": timedelta(days=3), "qualified": timedelta(days=18)}
    assert pipeline.is_stale(pipeline.card(deal.id))
    pipeline.add_task(deal.id, "Wake up")
    assert not pipeline.is_stale(pipeline.card(deal.id))


def test_time_in_stage_of_a_deal_created_later_in_the_pipeline(
    pipeline: Pipeline, clock: Clock
) -> None:
    deal = add(pipeline, stage="proposed")
    clock.now += timedelta(days=4)
    pipeline.lose(deal.id, "Price")
    clock.now += timedelta(days=1)
    assert pipeline.get(deal.id).time_in_stage == {
        "proposed": timedelta(days=4),
        "closed": timedelta(days=1),
    }


def test_restore_state_puts_stage_and_outcome_back(pipeline: Pipeline) -> None:
    deal = add(pipeline, stage="development")
    lost = pipeline.lose(deal.id, "Price")
    undone = pipeline.restore_state(lost.id, "development", "open", version=lost.version)
    assert (undone.stage, undone.outcome, undone.lost_reason) == ("development", "open", "")
    assert undone.history[-1].kind == "undo"
    assert pipeline.summaries()["closed"].count == 0
    assert pipeline.summaries()["development"].count == 1
    with pytest.raises(ValidationError):
        pipeline.restore_state(deal.id, "development", "maybe")


def test_demo_data_is_consistent(demo_pipeline: Pipeline) -> None:
    details = list(demo_pipeline.details())
    assert len(details) == 40
    assert {d.stage for d in details} == set(domain.STAGE_KEYS)
    assert {d.outcome for d in details} == {"open", "won", "lost"}
    assert all(d.lost_reason for d in details if d.outcome == "lost")
    assert any(d.satisfaction_score for d in details if d.outcome == "won")
    assert any(demo_pipeline.is_stale(d) for d in details)
    for d in details:
        assert d.tasks_of(d.stage), d.title
        earlier = domain.STAGE_KEYS[: domain.stage_index(d.stage)]
        if d.outcome != "lost":
            assert all(t.done for t in d.tasks if t.stage in earlier and t.required), d.title
