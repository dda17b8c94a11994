"""`salestui import` and `salestui export` from the command line."""

from __future__ import annotations

import csv
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from salestui.cli import main
from salestui.demo import seed
from salestui.store import open_pipeline


def run(db: Path, *args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(main, ["--db", str(db), *args])
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    seed(open_pipeline(f"sqlite:///{path}"), 40)
    return path


def without_ids(deals: list[dict[str, object]]) -> list[dict[str, object]]:
    for deal in deals:
        del deal["id"], deal["version"]
        for task in deal["tasks"]:  # type: ignore[attr-defined]
            del task["id"]
    return deals


def test_export_json_to_stdout_reimports_to_the_same_pipeline(
    demo_db: Path, tmp_path: Path
) -> None:
    exported = run(demo_db, "export", "--format", "json").stdout_bytes
    deals = json.loads(exported.decode("utf-8"))
    assert len(deals) == 40 and deals[0]["tasks"] and deals[0]["history"]
    source = tmp_path / "deals.json"
    source.write_bytes(exported)
    fresh = tmp_path / "fresh.db"
    result = run(fresh, "import", str(source))
    assert result.stdout == "imported 40 deal(s) from deals.json (salestui JSON)\n"
    assert result.stderr == ""
    again = json.loads(run(fresh, "export", "--format", "json").stdout)
    assert without_ids(again) == without_ids(deals)


def test_export_json_matches_deal_show(demo_db: Path) -> None:
    deals = json.loads(run(demo_db, "export").stdout)
    shown = json.loads(run(demo_db, "deal", "show", str(deals[3]["id"]), "--json").stdout)
    assert shown == deals[3]


def test_export_csv_to_a_private_file(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "deals.csv"
    result = run(demo_db, "export", "-o", str(out))
    assert result.stdout == ""
    assert result.stderr == f"exported 40 deal(s) to {out}\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 40 and rows[0]["title"] and rows[0]["created_at"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_export_is_utf8_whatever_the_locale(tmp_path: Path) -> None:
    db = tmp_path / "u.db"
    open_pipeline(f"sqlite:///{db}").create({"title": "🚀 Café =SUM(A1)"})
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "LC_ALL": "C", "LANG": "C"}
    for fmt in ("csv", "json"):
        result = subprocess.run(
            [sys.executable, "-m", "salestui", "--db", str(db), "export", "--format", fmt],
            capture_output=True,
            env=env,
        )
        assert result.returncode == 0, result.stderr
        assert "🚀 Café =SUM(A1)".encode() in result.stdout


def test_bad_rows_are_listed_and_nothing_is_imported(tmp_path: Path) -> None:
    source = tmp_path / "sheet.csv"
    source.write_text("Name,Amount\nGood,10\n,x\nAlso good,\n", encoding="utf-8")
    db = tmp_path / "d.db"
    result = run(db, "import", str(source), "--map", "Name=title", "--map", "Amount=value", code=1)
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "line 3: title: must not be empty; value: 'x' is not an amount",
        "salestui: 1 bad row in sheet.csv; nothing was imported"
        " (fix them, or pass --skip-bad to import the other rows)",
    ]
    assert run(db, "deal", "list").stdout == ""
    result = run(
        db, "import", str(source), "--map", "Name=title", "--map", "Amount=value", "--skip-bad"
    )
    assert result.stdout == "imported 2 deal(s) from sheet.csv (CSV); skipped 1 bad row(s)\n"
    assert result.stderr == "line 3: title: must not be empty; value: 'x' is not an amount\n"


def test_pipedrive_with_stage_map_and_currency(tmp_path: Path) -> None:
    source = tmp_path / "deals.csv"
    source.write_text(
        "Deal - Title,Deal - Value,Deal - Stage,Deal - Status\n"
        'Rollout,"1,500",Negotiations Started,open\n'
        "Audit,200,Qualified,won\n",
        encoding="utf-8",
    )
    db = tmp_path / "d.db"
    args = (
        "import",
        str(source),
        "--stage-map",
        "negotiations started=Proposed",
        "--currency",
        "gbp",
    )
    assert "(Pipedrive CSV)" in run(db, *args).stdout
    deals = {d["title"]: d for d in json.loads(run(db, "deal", "list", "--json").stdout)}
    assert (deals["Rollout"]["stage"], deals["Rollout"]["value"]) == ("proposed", 150_000)
    assert (deals["Audit"]["stage"], deals["Audit"]["outcome"]) == ("closed", "won")
    assert {d["currency"] for d in deals.values()} == {"GBP"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--map", "Name=colour"), "'colour' is not one of title"),
        (("--stage-map", "Won=done"), "unknown stage 'done'"),
        (("--currency", "ZZZ"), "'ZZZ' is not an ISO 4217 currency code"),
    ],
)
def test_option_mistakes_are_usage_errors(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    source = tmp_path / "d.csv"
    source.write_text("title\nA\n", encoding="utf-8")
    result = run(tmp_path / "d.db", "import", str(source), *args, code=2)
    assert result.stderr.startswith("salestui: ") and message in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_file_mistakes_are_one_line_errors(tmp_path: Path) -> None:
    source = tmp_path / "d.json"
    source.write_text('[{"title": "A"},]', encoding="utf-8")
    result = run(tmp_path / "d.db", "import", str(source), code=1)
    assert result.stderr == "salestui: line 1: not valid JSON: Expecting value\n"
    missing = run(tmp_path / "d.db", "import", str(tmp_path / "nope.csv"), code=2)
    assert "does not exist" in missing.stderr


def test_a_hundred_thousand_rows_import(tmp_path: Path) -> None:
    """The import streams: 100,000 rows (timed by benchmarks/transfer.py, not here)."""
    source = tmp_path / "big.csv"
    stages = ("Prospect", "Qualified", "prospect", "Discovery")
    with source.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Deal - Title", "Deal - Organization", "Deal - Value", "Deal - Stage"])
        writer.writerows(
            (f"Deal {n}", f"Company {n % 977}", f"{n % 5000 + 1},{n % 1000:03d}", stages[n % 4])
            for n in range(100_000)
        )
    db = tmp_path / "big.db"
    result = run(db, "import", str(source))
    assert result.stdout == "imported 100,000 deal(s) from big.csv (Pipedrive CSV)\n"
    summaries = open_pipeline(f"sqlite:///{db}").summaries()
    assert sum(s.count for s in summaries.values()) == 100_000
    assert summaries["discovery"].count == 25_000


def test_transfer_loads_no_textual() -> None:
    check = (
        "import sys, salestui.transfer; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
