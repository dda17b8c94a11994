"""The command line: every command on a fresh database and on the demo; clean errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from salestui import domain
from salestui.cli import main
from salestui.demo import seed
from salestui.store import open_pipeline

DEAL_KEYS = {"id", "title", "company", "value", "currency", "stage", "outcome", "owner", "version"}
TASK_KEYS = {"id", "stage", "title", "done", "required"}
EVENT_KEYS = {"at", "kind", "author", "detail"}


@pytest.fixture(params=["fresh", "demo"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A database file: empty, or holding the 40 demo deals."""
    path = tmp_path / "cli.db"
    if request.param == "demo":
        seed(open_pipeline(f"sqlite:///{path}"), 40)
    return path


def cli(db: Path, *args: str, code: int = 0) -> Result:
    """Run `salestui --db DB ARGS`; check the exit code and that nothing crashed."""
    result = CliRunner().invoke(main, ["--db", str(db), *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == code, (result.stdout, result.stderr)
    if code == 0:
        assert result.stderr == ""
    return result


def one_error_line(result: Result, *words: str) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("salestui: ")
    for word in words:
        assert word in lines[0]
    assert result.stdout == ""
    return lines[0]


def show(db: Path, deal_id: int) -> dict:
    return json.loads(cli(db, "deal", "show", str(deal_id), "--json").stdout)


def add(db: Path, *args: str) -> int:
    return int(cli(db, "deal", "add", *args).stdout.strip())


# ---------------------------------------------------------------------------- deals


def test_add_prints_the_new_id_and_stores_every_option(db: Path) -> None:
    first = add(db, "Fleet rollout")
    second = add(
        db,
        "Warehouse scanners",
        "--company=Müller & Söhne",
        "--contact=Ann Smith",
        "--email=ann@example.com",
        "--phone=+33 1 23 45 67 89",
        "--value=48 000,50",
        "--currency=usd",
        "--owner=sam",
        "--close-date=2026-06-30",
        "--source=Referral",
        "--stage=Discovery",
    )
    assert second == first + 1
    deal = show(db, second)
    assert deal["title"] == "Warehouse scanners" and deal["company"] == "Müller & Söhne"
    assert (deal["value"], deal["currency"]) == (4_800_050, "USD")
    assert (deal["stage"], deal["outcome"], deal["owner"]) == ("discovery", "open", "sam")
    assert deal["close_date"] == "2026-06-30" and deal["email"] == "ann@example.com"


def test_show_json_uses_the_documented_names(db: Path) -> None:
    deal_id = add(db, "Fleet rollout", "--value=1200")
    deal = show(db, deal_id)
    assert deal.keys() >= DEAL_KEYS
    assert isinstance(deal["value"], int) and deal["value"] == 120_000
    assert deal["version"] == 1
    assert len(deal["tasks"]) == 3
    for task in deal["tasks"]:
        assert task.keys() >= TASK_KEYS
        assert isinstance(task["done"], bool) and isinstance(task["required"], bool)
    assert [t["title"] for t in deal["tasks"]] == list(domain.STAGE_BY_KEY["prospect"].tasks)
    assert deal["history"][0].keys() >= EVENT_KEYS
    assert deal["history"][0]["kind"] == "created"


def test_show_text(db: Path) -> None:
    deal_id = add(db, "Fleet rollout", "--company=Acme", "--value=1200")
    out = cli(db, "deal", "show", str(deal_id)).stdout
    assert f"#{deal_id} Fleet rollout" in out
    assert "€1,200.00" in out and "Prospect (open)" in out
    assert "[ ] #" in out and "Identify the prospect in the target market" in out
    assert "created" in out


def test_text_output_keeps_user_text_on_its_line(db: Path) -> None:
    deal_id = add(db, "Red \x1b[31malert\x1b[0m", "--company=Acme\u202eevil")
    cli(db, "deal", "lose", str(deal_id), "--reason", "Competitor\nthey were\tcheaper")
    out = cli(db, "deal", "show", str(deal_id)).stdout
    assert f"#{deal_id} Red alert" in out
    assert "Competitor they were cheaper" in out
    listed = cli(db, "deal", "list", "--outcome", "lost").stdout
    assert "Red alert  (Acmeevil)" in listed
    assert "\x1b" not in out + listed and "\u202e" not in out + listed


def test_list_json_is_an_array_of_every_deal(db: Path) -> None:
    before = json.loads(cli(db, "deal", "list", "--json").stdout)
    deal_id = add(db, "Fleet rollout")
    deals = json.loads(cli(db, "deal", "list", "--json").stdout)
    assert isinstance(deals, list) and len(deals) == len(before) + 1
    assert all(d.keys() >= DEAL_KEYS and "tasks" in d and "history" in d for d in deals)
    assert deal_id in {d["id"] for d in deals}
    assert len({d["id"] for d in deals}) == len(deals)


def test_list_filters_by_stage_and_outcome(db: Path) -> None:
    add(db, "In discovery", "--stage=discovery")
    lost = add(db, "Lost one")
    cli(db, "deal", "lose", str(lost), "--reason", "Price")
    every = json.loads(cli(db, "deal", "list", "--json").stdout)
    discovery = json.loads(cli(db, "deal", "list", "--stage", "discovery", "--json").stdout)
    assert discovery and {d["stage"] for d in discovery} == {"discovery"}
    assert len(discovery) == sum(d["stage"] == "discovery" for d in every)
    lost_deals = json.loads(cli(db, "deal", "list", "--outcome", "lost", "--json").stdout)
    assert lost in {d["id"] for d in lost_deals}
    assert {d["outcome"] for d in lost_deals} == {"lost"}
    both = json.loads(
        cli(db, "deal", "list", "--stage", "closed", "--outcome", "open", "--json").stdout
    )
    assert all(d["stage"] == "closed" and d["outcome"] == "open" for d in both)
    text = cli(db, "deal", "list", "--stage", "discovery").stdout.splitlines()
    assert len(text) == len(discovery)
    assert any("In discovery" in line for line in text)


def test_empty_list(tmp_path: Path) -> None:
    assert cli(tmp_path / "empty.db", "deal", "list").stdout == ""
    assert json.loads(cli(tmp_path / "empty.db", "deal", "list", "--json").stdout) == []


def test_move_blocked_by_the_gate_exits_3_and_lists_the_open_tasks(db: Path) -> None:
    deal_id = add(db, "Fleet rollout")
    blocked = cli(db, "deal", "move", str(deal_id), "qualified", code=3)
    lines = blocked.stderr.splitlines()
    assert lines[0].startswith("salestui: blocked by the stage gate")
    for task in show(db, deal_id)["tasks"]:
        assert any(f"#{task['id']}" in line and task["title"] in line for line in lines)
    assert "--override" in blocked.stderr
    assert show(db, deal_id)["stage"] == "prospect"


def test_move_with_override(db: Path) -> None:
    deal_id = add(db, "Fleet rollout")
    out = cli(db, "deal", "move", str(deal_id), "Discovery", "--override", "CEO fast track")
    assert "Discovery" in out.stdout
    deal = show(db, deal_id)
    assert deal["stage"] == "discovery"
    override = [e for e in deal["history"] if e["kind"] == "override"]
    assert len(override) == 1 and override[0]["detail"].startswith("CEO fast track")


def test_ticking_the_tasks_opens_the_gate_up_to_won(db: Path) -> None:
    deal_id = add(db, "Fleet rollout", "--stage=proposed")
    for task in show(db, deal_id)["tasks"]:
        if not task["done"]:
            assert cli(db, "task", "done", str(deal_id), str(task["id"])).stdout == ""
    cli(db, "deal", "move", str(deal_id), "closed")
    deal = show(db, deal_id)
    assert (deal["stage"], deal["outcome"]) == ("closed", "won")


def test_lose_and_reopen(db: Path) -> None:
    deal_id = add(db, "Fleet rollout", "--stage=development")
    cli(db, "deal", "lose", str(deal_id), "--reason", "Competitor was cheaper")
    deal = show(db, deal_id)
    assert (deal["stage"], deal["outcome"], deal["lost_reason"]) == (
        "closed",
        "lost",
        "Competitor was cheaper",
    )
    cli(db, "deal", "lose", str(deal_id), "--reason", "again", code=1)
    out = cli(db, "deal", "reopen", str(deal_id))
    assert "Development" in out.stdout  # back where it was lost
    deal = show(db, deal_id)
    assert (deal["stage"], deal["outcome"]) == ("development", "open")
    assert deal["history"][-1]["kind"] == "reopened"
    cli(db, "deal", "lose", str(deal_id), "--reason", "Timing")
    cli(db, "deal", "reopen", str(deal_id), "--stage", "qualified")
    assert show(db, deal_id)["stage"] == "qualified"
    one_error_line(cli(db, "deal", "reopen", str(deal_id), code=1), "only a closed deal")


# ---------------------------------------------------------------------------- tasks


def test_task_done_undone_and_add(db: Path) -> None:
    deal_id = add(db, "Fleet rollout")
    task_id = show(db, deal_id)["tasks"][0]["id"]
    cli(db, "task", "done", str(deal_id), str(task_id))
    assert show(db, deal_id)["tasks"][0]["done"] is True
    cli(db, "task", "undone", str(deal_id), str(task_id))
    assert show(db, deal_id)["tasks"][0]["done"] is False
    optional = int(cli(db, "task", "add", str(deal_id), "Send a brochure", "--optional").stdout)
    required = int(cli(db, "task", "add", str(deal_id), "Check credit").stdout)
    tasks = {t["id"]: t for t in show(db, deal_id)["tasks"]}
    assert tasks[optional]["title"] == "Send a brochure" and tasks[optional]["required"] is False
    assert tasks[required]["required"] is True
    later = int(cli(db, "task", "add", str(deal_id), "Plan demo", "--stage", "discovery").stdout)
    assert {t["id"]: t for t in show(db, deal_id)["tasks"]}[later]["stage"] == "discovery"
    assert [e["kind"] for e in show(db, deal_id)["history"]][1:] == [
        "task_done",
        "task_undone",
        "task_added",
        "task_added",
        "task_added",
    ]


# ---------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["deal", "show", "999"], ["no deal #999"]),
        (["deal", "move", "999", "qualified"], ["no deal #999"]),
        (["deal", "lose", "999", "--reason", "x"], ["no deal #999"]),
        (["deal", "reopen", "999"], ["no deal #999"]),
        (["task", "done", "999", "1"], ["no deal #999"]),
        (["task", "add", "999", "x"], ["no deal #999"]),
        (["deal", "add", "x", "--value", "abc"], ["value", "not an amount"]),
        (["deal", "add", "x", "--value", "-5"], ["value", "negative"]),
        (["deal", "add", "x", "--currency", "EURO"], ["currency"]),
        (["deal", "add", "x", "--email", "nope"], ["email"]),
        (["deal", "add", "x", "--close-date", "tomorrow"], ["close_date", "YYYY-MM-DD"]),
        (["deal", "add", " "], ["title", "must not be empty"]),
        (["deal", "add", "x" * 201], ["title", "limit is 200"]),
        (["deal", "lose", "1", "--reason", "  "], ["reason"]),
        (["deal", "move", "1", "nowhere"], ["unknown stage"]),
        (["deal", "move", "1", "prospect"], ["already in Prospect"]),
        (["deal", "move", "1", "qualified", "--override", " "], ["reason"]),
        (["task", "done", "1", "99999"], ["no task #99999"]),
        (["task", "add", "1", ""], ["title"]),
    ],
)
def test_errors_are_one_line_with_exit_1(tmp_path: Path, args: list[str], words: list[str]) -> None:
    db = tmp_path / "cli.db"
    add(db, "Existing deal")
    one_error_line(cli(db, *args, code=1), *words)


@pytest.mark.parametrize(
    "args",
    [
        ["deal", "show"],
        ["deal", "show", "abc"],
        ["deal", "list", "--stage", "won"],
        ["deal", "list", "--outcome", "maybe"],
        ["deal", "lose", "1"],
        ["deal", "frobnicate"],
        ["task", "done", "1"],
        ["deal", "add"],
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    result = cli(tmp_path / "cli.db", *args, code=2)
    assert "Error:" in result.stderr and result.stdout == ""


def test_a_text_file_posing_as_the_database(tmp_path: Path) -> None:
    fake = tmp_path / "notes.db"
    fake.write_text("these are my notes, not a database\n" * 20)
    for args in (["deal", "list"], ["deal", "add", "x"], ["deal", "show", "1"]):
        one_error_line(cli(fake, *args, code=1), "database error")
    assert fake.read_text().startswith("these are my notes")


def test_a_directory_as_the_database(tmp_path: Path) -> None:
    one_error_line(cli(tmp_path, "deal", "list", code=1), "database")


@pytest.mark.parametrize(
    "url", ["postgresql://ann:secret@localhost:1/sales", "mysql://ann:secret@localhost:1/x"]
)
def test_a_server_url_that_cannot_be_used(url: str) -> None:
    result = CliRunner().invoke(main, ["--db", url, "deal", "list"])
    assert result.exit_code == 1
    assert "secret" not in result.stderr
    one_error_line(result)


def test_a_database_from_a_newer_version(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    from sqlalchemy import text

    with open_pipeline(f"sqlite:///{db}").engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    one_error_line(cli(db, "deal", "list", code=1), "upgrade salestui")


def test_the_real_entry_point_never_prints_a_traceback(tmp_path: Path) -> None:
    fake = tmp_path / "fake.db"
    fake.write_text("not a database")
    result = subprocess.run(
        [sys.executable, "-m", "salestui", "--db", str(fake), "deal", "list"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr == "salestui: database error: file is not a database\n"
    ok = subprocess.run(
        [sys.executable, "-m", "salestui", "--db", str(tmp_path / "ok.db"), "deal", "add", "x"],
        capture_output=True,
        text=True,
    )
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "1\n", "")


# ---------------------------------------------------------------------------- where, app, demo


def test_where_names_the_database_in_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("SALESTUI_DB", raising=False)
    runner = CliRunner()
    out = runner.invoke(main, ["where"]).stdout
    assert f"config:   {tmp_path / 'config' / 'salestui'}" in out
    assert f"data:     {tmp_path / 'data' / 'salestui'}" in out
    assert f"database: {tmp_path / 'data' / 'salestui' / 'salestui.db'}" in out
    monkeypatch.setenv("SALESTUI_DB", str(tmp_path / "env.db"))
    assert f"database: {tmp_path / 'env.db'}" in runner.invoke(main, ["where"]).stdout
    flagged = runner.invoke(main, ["--db", str(tmp_path / "flag.db"), "where"]).stdout
    assert f"database: {tmp_path / 'flag.db'}" in flagged


@pytest.fixture
def app_runs(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record the apps the CLI would run, instead of running them."""
    from salestui.app import SalesApp

    runs: list[object] = []
    monkeypatch.setattr(SalesApp, "run", lambda self, *a, **k: runs.append(self))
    return runs


def test_no_command_opens_the_app_on_the_database(tmp_path: Path, app_runs: list) -> None:
    cli(tmp_path / "app.db")
    assert len(app_runs) == 1
    assert (tmp_path / "app.db").exists()


def test_demo_seeds_its_own_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_runs: list
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("SALESTUI_DB", str(tmp_path / "real.db"))
    runner = CliRunner()
    assert runner.invoke(main, ["demo"]).exit_code == 0
    demo_db = tmp_path / "data" / "salestui" / "demo.db"
    assert open_pipeline(f"sqlite:///{demo_db}").count() == 40
    assert not (tmp_path / "real.db").exists()
    assert runner.invoke(main, ["demo"]).exit_code == 0
    assert open_pipeline(f"sqlite:///{demo_db}").count() == 40  # not seeded twice
    assert runner.invoke(main, ["demo", "--reset"]).exit_code == 0
    assert open_pipeline(f"sqlite:///{demo_db}").count() == 40
    assert len(app_runs) == 3
    refused = runner.invoke(main, ["--db", str(tmp_path / "mine.db"), "demo", "--reset"])
    assert refused.exit_code == 2 and "never deletes" in refused.stderr
