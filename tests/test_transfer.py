"""Import and export: round trips, Pipedrive and mapped CSV, bad rows, money, streaming JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salestui import domain
from salestui.domain import DomainError
from salestui.store import Pipeline, open_pipeline
from salestui.transfer import (
    BadRows,
    Options,
    deal_json,
    export_file,
    import_file,
    parse_map,
    parse_stage_map,
    readers,
)
from salestui.transfer.formats import CSV_COLUMNS, layout, neutralise, restore

TRICKY_TITLES = (
    'Comma, "quotes" and more',
    "🚀 Launch 👩‍💻 café",
    "=SUM(A1)",
    "[red]x[/red]",
    "'=already quoted",
    "@handle",
    "-minus first",
)


@pytest.fixture
def other(tmp_path: Path, clock: Callable[[], Any]) -> Pipeline:
    """A second, empty pipeline: where the exports are imported."""
    return open_pipeline(f"sqlite:///{tmp_path / 'other.db'}", author="importer", clock=clock)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def comparable(detail: Any) -> dict[str, Any]:
    """A deal's JSON without what the importing database assigns: ids and version."""
    data = deal_json(detail)
    del data["id"], data["version"]
    data["tasks"] = [{k: v for k, v in t.items() if k != "id"} for t in data["tasks"]]
    return data


def tricky_pipeline(pipeline: Pipeline) -> Pipeline:
    """Deals with text spreadsheets and terminals trip over, in every outcome."""
    for n, title in enumerate(TRICKY_TITLES):
        pipeline.create(
            {
                "title": title,
                "company": "Müller & Söhne, GmbH",
                "contact": '"Bob" O\'Neil',
                "phone": "+33 1 23 45 67 89",
                "value": f"{n + 1},250",
                "currency": ("EUR", "JPY", "KWD")[n % 3],
                "notes": '\tfirst line\nsecond line, with "quotes"\n=1+1\n[bold]no markup[/bold]',
                "close_date": "2026-06-30",
                "owner": "sam",
            },
            stage=domain.STAGE_KEYS[n % 5],
        )
    won = pipeline.create({"title": "+Won deal", "value": "1000"}, stage="closed")
    pipeline.record_satisfaction(won.id, 5, "success", 'Great,\n"really" 🎉')
    lost = pipeline.create({"title": "Lost deal"}, stage="qualified")
    pipeline.lose(lost.id, "Price,\nand timing")
    moved = pipeline.create({"title": "Moved deal"})
    pipeline.move(moved.id, "discovery", override="customer asked")
    pipeline.add_task(moved.id, '=HYPERLINK("x")', required=False)
    pipeline.set_task_done(moved.id, pipeline.get(moved.id).tasks[0].id, False)
    return pipeline


# ---------------------------------------------------------------------- round trips


def test_json_round_trip_is_exact_with_tasks_and_history(
    pipeline: Pipeline, other: Pipeline, tmp_path: Path
) -> None:
    tricky_pipeline(pipeline)
    path = tmp_path / "deals.json"
    assert export_file(pipeline, "json", path) == len(TRICKY_TITLES) + 3
    result = import_file(other, path)
    assert (result.imported, result.skipped, result.kind) == (10, 0, "salestui JSON")
    assert [comparable(d) for d in other.details()] == [comparable(d) for d in pipeline.details()]
    again = tmp_path / "again.json"
    export_file(other, "json", again)
    assert comparable_file(again) == comparable_file(path)


def comparable_file(path: Path) -> list[dict[str, Any]]:
    """An exported JSON file without ids and versions."""
    deals = json.loads(path.read_text("utf-8"))
    for data in deals:
        del data["id"], data["version"]
        for task in data["tasks"]:
            del task["id"]
    return deals


def test_csv_round_trip_keeps_every_field(
    pipeline: Pipeline, other: Pipeline, tmp_path: Path
) -> None:
    tricky_pipeline(pipeline)
    path = tmp_path / "deals.csv"
    export_file(pipeline, "csv", path)
    assert import_file(other, path).kind == "salestui CSV"
    again = tmp_path / "again.csv"
    export_file(other, "csv", again)

    def rows(p: Path) -> list[dict[str, str]]:
        with p.open(newline="", encoding="utf-8") as f:
            return [
                {k: v for k, v in r.items() if k not in ("id", "version")}
                for r in csv.DictReader(f)
            ]

    assert rows(again) == rows(path)
    without_tasks = [{**comparable(d), "tasks": [], "history": []} for d in pipeline.details()]
    assert [{**comparable(d), "tasks": [], "history": []} for d in other.details()] == without_tasks


def test_csv_cells_are_neutralised_for_spreadsheets(pipeline: Pipeline, tmp_path: Path) -> None:
    tricky_pipeline(pipeline)
    path = tmp_path / "deals.csv"
    export_file(pipeline, "csv", path)
    with path.open(newline="", encoding="utf-8") as f:
        cells = [cell for row in csv.reader(f) for cell in row]
    assert "'=SUM(A1)" in cells
    assert "''=already quoted" in cells
    assert "'+33 1 23 45 67 89" in cells
    assert "'+Won deal" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_csv_import_gives_checklists_up_to_the_stage_and_an_imported_event(
    other: Pipeline, tmp_path: Path
) -> None:
    path = write(tmp_path / "d.csv", "title,stage,value\nPilot,Discovery,48000\n")
    import_file(other, path)
    deal = next(other.details())
    assert deal.stage == "discovery" and deal.value == 4_800_000
    for stage in ("prospect", "qualified"):
        assert deal.tasks_of(stage) and all(t.done for t in deal.tasks_of(stage))
    assert deal.tasks_of("discovery") and not any(t.done for t in deal.tasks_of("discovery"))
    assert not deal.tasks_of("development")
    assert [(e.kind, e.detail, e.author) for e in deal.history] == [
        ("imported", "imported in Discovery", "importer")
    ]
    assert other.summaries()["discovery"].count == 1


@given(st.text(max_size=20))
def test_neutralise_is_undone_exactly(cell: str) -> None:
    assert restore(neutralise(cell)) == cell
    assert neutralise(cell)[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_a_file_with_a_byte_order_mark_and_crlf_reads(other: Pipeline, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufefftitle,company\r\nÉtude,Café\r\n".encode())
    import_file(other, path)
    assert [(d.title, d.company) for d in other.details()] == [("Étude", "Café")]


# ---------------------------------------------------------------------- Pipedrive

PIPEDRIVE = (
    "Deal - ID,Deal - Title,Deal - Value,Deal - Currency of value,Deal - Stage,Deal - Status,"
    "Deal - Organization,Deal - Contact person,Deal - Owner,Deal - Expected close date,"
    "Deal - Lost reason,Deal - Won time,Deal - Lost time,Deal - Deal created\n"
    '1,Fleet rollout,"48,000.50",EUR,Qualified,open,Acme,Alice Martin,Sam,2026-05-01,,,,'
    "2026-01-10 09:00:00\n"
    "2,Scanners,12000,USD,discovery,won,Borealis,Bruno,Alex,,,2026-02-01 10:00:00,,"
    "2026-01-05 08:00:00\n"
    "3,Audit,9 500,GBP,PROPOSED,lost,Cobalt,,Jordan,,Price,,2026-02-15 12:00:00,"
    "2026-01-02 08:00:00\n"
    "4,Pilot,,EUR,Contact Made,open,Delta,,,,,,,\n"
)


def test_pipedrive_export_lands_in_the_right_stages(other: Pipeline, tmp_path: Path) -> None:
    path = write(tmp_path / "pipedrive.csv", PIPEDRIVE)
    stages = parse_stage_map(["contact made=qualified"])
    result = import_file(other, path, options=Options(stages=stages))
    assert (result.imported, result.kind) == (4, "Pipedrive CSV")
    deals = {d.title: d for d in other.details()}
    rollout = deals["Fleet rollout"]
    assert (rollout.stage, rollout.outcome, rollout.value, rollout.currency) == (
        "qualified",
        "open",
        4_800_050,
        "EUR",
    )
    assert (rollout.company, rollout.contact, rollout.owner) == ("Acme", "Alice Martin", "Sam")
    assert str(rollout.close_date) == "2026-05-01"
    assert rollout.created_at.isoformat() == "2026-01-10T09:00:00+00:00"
    won = deals["Scanners"]
    assert (won.stage, won.outcome, won.currency) == ("closed", "won", "USD")
    assert won.stage_entered_at.isoformat() == "2026-02-01T10:00:00+00:00"
    assert all(t.done for t in won.tasks if t.stage != "closed")
    lost = deals["Audit"]
    assert (lost.stage, lost.outcome, lost.lost_reason, lost.value) == (
        "closed",
        "lost",
        "Price",
        950_000,
    )
    assert lost.stage_entered_at.isoformat() == "2026-02-15T12:00:00+00:00"
    assert deals["Pilot"].stage == "qualified"


def test_pipedrive_stage_unknown_to_salestui_is_a_bad_row(other: Pipeline, tmp_path: Path) -> None:
    path = write(tmp_path / "pipedrive.csv", PIPEDRIVE)
    lines: list[tuple[int, str]] = []
    with pytest.raises(
        BadRows, match=re.escape("1 bad row in pipedrive.csv; nothing was imported")
    ):
        import_file(other, path, report=lambda n, why: lines.append((n, why)))
    assert lines == [
        (5, "stage: unknown stage 'Contact Made'; map it with --stage-map VALUE=STAGE")
    ]
    assert other.count() == 0


# ---------------------------------------------------------------------- --map


def test_any_csv_through_map_and_stage_map(other: Pipeline, tmp_path: Path) -> None:
    text = (
        "Opportunity;Client;Montant;Phase;Notes;Ignored\n"
        "Renouvellement;Café Lumière;48 000,50 €;Gagné;;x\n"
        "Audit;Nordlys AS;1.200;Perdu;lost it;y\n"
        "Pilote;São Paulo Têxtil;;Découverte;;z\n"
    )
    path = write(tmp_path / "sheet.csv", text)
    columns = parse_map(["opportunity=title", "Client=company", "Montant=value", "Phase=stage"])
    stages = parse_stage_map(["gagné=closed:won", "Perdu=closed:lost", "Découverte=Discovery"])
    result = import_file(other, path, columns=columns, options=Options("USD", stages))
    assert result.kind == "CSV"
    deals = {d.title: d for d in other.details()}
    assert (deals["Renouvellement"].outcome, deals["Renouvellement"].value) == ("won", 4_800_050)
    assert deals["Renouvellement"].currency == "EUR"  # written in the amount
    assert (deals["Audit"].outcome, deals["Audit"].value, deals["Audit"].currency) == (
        "lost",
        120_000,
        "USD",
    )
    assert deals["Audit"].notes == "lost it"
    assert (deals["Pilote"].stage, deals["Pilote"].value) == ("discovery", 0)


def test_tab_separated_files_read_too(other: Pipeline, tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "Title\tValue\tNotes\nA, Inc\t1,5\tx; y\n")
    import_file(other, path)
    assert [(d.title, d.value, d.notes) for d in other.details()] == [("A, Inc", 150, "x; y")]


def test_map_overrides_a_known_header(other: Pipeline, tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "title,name\nwrong,Right one\n")
    import_file(other, path, columns=parse_map(["name=title"]))
    assert [d.title for d in other.details()] == ["Right one"]


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["title"], "write it HEADER=field"),
        (["A=colour"], "'colour' is not one of title, company"),
        (["A=title", "B=Title"], "two columns are mapped to title"),
    ],
)
def test_bad_map_options(items: list[str], message: str) -> None:
    with pytest.raises(DomainError, match=message):
        parse_map(items)


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["Won"], "write it VALUE=stage"),
        (["Won=finished"], "unknown stage 'finished'"),
        (["Won=proposed:won"], "write closed:won or closed:lost"),
        (["Won=closed:maybe"], "write closed:won or closed:lost"),
    ],
)
def test_bad_stage_map_options(items: list[str], message: str) -> None:
    with pytest.raises(DomainError, match=message):
        parse_stage_map(items)


def test_layout_needs_a_title_and_known_map_headers() -> None:
    with pytest.raises(DomainError, match="no column gives the deal title"):
        layout(["Name", "Amount"], {})
    with pytest.raises(DomainError, match="no column 'Nom'"):
        layout(["Name"], {"Nom": "title"})
    assert layout(list(CSV_COLUMNS), {}).kind == "salestui CSV"


# ---------------------------------------------------------------------- bad rows


BAD = (
    "title,value,email,stage,outcome,close_date,created_at\n"
    "Good one,100,,prospect,,,\n"
    ",abc,not-an-email,,,,\n"
    '"Spans\n'
    'two lines",10,,nowhere,,,\n'
    "Good two,,,,,2026-13-45,\n"
    "Good three,5,,,maybe,,yesterday\n"
    "Fine,1,,qualified,,,\n"
)


def test_bad_rows_are_named_by_line_and_nothing_is_written(other: Pipeline, tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", BAD)
    lines: list[tuple[int, str]] = []
    with pytest.raises(BadRows, match="4 bad rows"):
        import_file(other, path, report=lambda n, why: lines.append((n, why)))
    assert [n for n, _ in lines] == [3, 4, 6, 7]
    assert lines[0][1] == (
        "title: must not be empty; email: 'not-an-email' is not an email address"
        " (name@example.com); value: 'abc' is not an amount"
    )
    assert "unknown stage 'nowhere'" in lines[1][1]
    assert "'2026-13-45' is not a date" in lines[2][1]
    assert "outcome: 'maybe' is not open, won or lost" in lines[3][1]
    assert "created_at: 'yesterday' is not a time" in lines[3][1]
    assert other.count() == 0


def test_skip_bad_imports_the_good_rows(other: Pipeline, tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", BAD)
    result = import_file(other, path, skip_bad=True)
    assert (result.imported, result.skipped) == (2, 4)
    assert sorted(d.title for d in other.details()) == ["Fine", "Good one"]


def test_a_row_with_too_many_cells_is_bad(other: Pipeline, tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "title,value\nAcme, Inc,100\nFine,1,\n")
    lines: list[tuple[int, str]] = []
    result = import_file(other, path, skip_bad=True, report=lambda n, w: lines.append((n, w)))
    assert result.imported == 1
    assert lines == [(2, "has 3 cells but the header has 2 (a stray delimiter?)")]


def test_currency_in_the_amount_must_agree_with_the_column(other: Pipeline, tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "title,value,currency\nA,100 €,USD\nB,,XYZ\n")
    lines: list[tuple[int, str]] = []
    with pytest.raises(BadRows):
        import_file(other, path, report=lambda n, w: lines.append((n, w)))
    assert lines == [
        (2, "value: '100 €' is in EUR, but the currency is USD"),
        (3, "currency: 'XYZ' is not an ISO 4217 currency code (EUR, USD, GBP…)"),
    ]


def test_satisfaction_only_on_won_deals(other: Pipeline, tmp_path: Path) -> None:
    text = "title,outcome,satisfaction_score,satisfaction_verdict\nA,open,5,success\nB,won,9,x\n"
    lines: list[tuple[int, str]] = []
    with pytest.raises(BadRows):
        import_file(
            other, write(tmp_path / "d.csv", text), report=lambda n, w: lines.append((n, w))
        )
    assert lines == [
        (2, "satisfaction: only a won deal records satisfaction"),
        (3, "score: must be a whole number from 1 to 5"),
    ]


def test_unsupported_and_non_utf8_files(other: Pipeline, tmp_path: Path) -> None:
    with pytest.raises(DomainError, match=re.escape("reads .csv and .json")):
        import_file(other, write(tmp_path / "d.xlsx", "x"))
    latin = tmp_path / "latin.csv"
    latin.write_bytes("title\nCaf\xe9\n".encode("latin-1"))
    with pytest.raises(DomainError, match=re.escape("latin.csv is not UTF-8 text")):
        import_file(other, latin)
    with pytest.raises(DomainError, match="no header line"):
        import_file(other, write(tmp_path / "empty.csv", ""))


# ---------------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("written", "currency", "minor"),
    [
        ("48000", "EUR", 4_800_000),
        ("48,000.50", "EUR", 4_800_050),
        ("48 000,50 €", "", 4_800_050),
        ("48.000,50", "EUR", 4_800_050),
        ("$1,200", "", 120_000),
        ("1,200", "JPY", 1_200),
        ("1.250", "KWD", 1_250),
        ("0.5", "GBP", 50),
        ("", "EUR", 0),
    ],
)
def test_money_as_people_write_it(
    other: Pipeline, tmp_path: Path, written: str, currency: str, minor: int
) -> None:
    path = tmp_path / "money.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["title", "value", "currency"], ["Deal", written, currency]])
    import_file(other, path)
    deal = next(other.details())
    assert deal.value == minor
    assert deal.currency == (currency or domain.check_currency(written.strip("0123456789 .,")))


# ---------------------------------------------------------------------- JSON


def test_json_objects_with_our_field_names_import(other: Pipeline, tmp_path: Path) -> None:
    deals = [
        {"title": "Minor units", "value": 123456, "currency": "EUR", "stage": "proposed"},
        {"title": "Major text", "value": "1,234.56", "satisfaction": None, "tasks": None},
        {
            "title": "Own tasks",
            "tasks": [{"stage": "prospect", "title": "Call", "done": True, "required": False}],
            "created_at": "2026-01-01T00:00:00+00:00",
        },
    ]
    import_file(other, write(tmp_path / "d.json", json.dumps(deals, indent=4)))
    got = {d.title: d for d in other.details()}
    assert got["Minor units"].value == got["Major text"].value == 123_456
    assert got["Minor units"].stage == "proposed"
    (task,) = got["Own tasks"].tasks
    assert (task.title, task.required, str(task.done_at)) == (
        "Call",
        False,
        "2026-01-01 00:00:00+00:00",
    )
    assert [e.kind for e in got["Own tasks"].history] == ["imported"]


def test_json_bad_deals_are_named_by_their_first_line(other: Pipeline, tmp_path: Path) -> None:
    text = (
        "[\n"
        '  {"title": "ok"},\n'
        "  {\n"
        '    "title": "",\n'
        '    "value": 1.5\n'
        "  },\n"
        "  42,\n"
        '  {"title": "t", "tasks": [{"stage": "nowhere", "title": "x"}],'
        ' "history": [{"kind": "moved"}]}\n'
        "]\n"
    )
    lines: list[tuple[int, str]] = []
    with pytest.raises(BadRows, match="3 bad rows"):
        import_file(
            other, write(tmp_path / "d.json", text), report=lambda n, w: lines.append((n, w))
        )
    assert lines == [
        (
            3,
            "value: write minor units as a whole number, or major units as text; "
            "title: must not be empty",
        ),
        (7, "is not a deal: expected a JSON object"),
        (8, "tasks[1]: stage: unknown stage 'nowhere'; history[1]: at: an event needs a time"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"title": "x"}', "line 1: not valid JSON: expected an array of deals"),
        ('[\n{"title": "x"}\n{"title": "y"}]', "line 3: not valid JSON: expected ',' or ']'"),
        ('[\n\n{"title": "x",\n "value": }]', "line 4: not valid JSON: Expecting value"),
        ('[{"title": "x"}] []', "line 1: not valid JSON: text after the array"),
        ('[{"title": "x"', "line 1: not valid JSON: Expecting ',' delimiter"),
    ],
)
def test_broken_json_names_its_line(
    other: Pipeline, tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        import_file(other, write(tmp_path / "d.json", text))
    assert other.count() == 0


def test_json_reader_streams_across_chunk_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers._ArrayReader, "CHUNK", 7)
    items = [{"title": f"deal {n}", "notes": "x" * n + "\n" * (n % 3)} for n in range(40)]
    text = "[" + ",".join("\n  " + json.dumps(i) for i in items) + "\n]"
    records = list(readers.json_records(io.StringIO(text)))
    assert [r.values["title"] for r in records] == [i["title"] for i in items]
    assert [r.line for r in records] == list(range(2, 42))
    assert list(readers.json_records(io.StringIO(" [ ] "))) == []


# ---------------------------------------------------------------------- domain and store


@given(st.text(), st.booleans())
def test_clean_text_fast_path_changes_nothing(value: str, multiline: bool) -> None:
    assert domain.clean_text(value, multiline=multiline) == domain.drop_controls(
        value, multiline=multiline
    )


def test_check_fields_gives_the_fields_or_every_problem() -> None:
    fields, errors = domain.check_fields({"title": "A", "value": "1,5"})
    assert fields is not None and fields.value == 150 and errors == []
    fields, errors = domain.check_fields({"title": "", "email": "x"})
    assert fields is None and [e.field for e in errors] == ["title", "email"]


def test_details_without_tasks_and_history(demo_pipeline: Pipeline) -> None:
    full = list(demo_pipeline.details(batch=7))
    light = list(demo_pipeline.details(batch=7, full=False))
    assert [d.id for d in light] == [d.id for d in full]
    assert all(not d.tasks and not d.history and not d.time_in_stage for d in light)
    assert [d.notes for d in light] == [d.notes for d in full]
    assert full[0].tasks and full[0].history
