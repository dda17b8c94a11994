"""The engine: where the database lives, its permissions, and the Alembic schema."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlmodel import SQLModel

from salestui.domain import DomainError
from salestui.store import engine as engine_module
from salestui.store import open_pipeline, resolve_url
from salestui.store.engine import MIGRATIONS, SCHEMA_REVISION, current_revision


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_schema_revision_is_alembics_head() -> None:
    assert ScriptDirectory(str(MIGRATIONS)).get_current_head() == SCHEMA_REVISION


def test_a_fresh_database_is_migrated_to_the_head(tmp_path: Path) -> None:
    pipeline = open_pipeline(f"sqlite:///{tmp_path / 'x.db'}")
    assert current_revision(pipeline.engine) == SCHEMA_REVISION
    templates = pipeline.templates()
    assert [len(templates[key]) for key in templates] == [3, 4, 5, 5, 5, 5]
    # Opening again changes nothing (no second copy of the templates).
    again = open_pipeline(f"sqlite:///{tmp_path / 'x.db'}")
    assert again.templates() == templates


def test_the_tables_match_the_models(tmp_path: Path) -> None:
    pipeline = open_pipeline(f"sqlite:///{tmp_path / 'x.db'}")
    with pipeline.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


RUN = [sys.executable, "-c"]
OPEN_AND_REPORT = (
    "import sys; from salestui.store import open_pipeline; "
    "open_pipeline(sys.argv[1]); print('alembic' in sys.modules)"
)


def test_a_current_database_starts_without_importing_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    first = subprocess.run([*RUN, OPEN_AND_REPORT, url], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "True"  # the first start migrates with alembic
    second = subprocess.run([*RUN, OPEN_AND_REPORT, url], capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "False"


# ---------------------------------------------------------------------------- engine


def test_pragmas(pipeline) -> None:
    with pipeline.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def test_foreign_keys_are_enforced(pipeline) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), pipeline.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO task (deal_id, stage, title, position, required)"
                " VALUES (999, 'prospect', 'orphan', 0, 1)"
            )
        )


def test_folders_0700_and_file_0600(tmp_path: Path) -> None:
    db = tmp_path / "new" / "nested" / "salestui.db"
    pipeline = open_pipeline(f"sqlite:///{db}")
    pipeline.create({"title": "x"})
    assert mode(tmp_path / "new") == 0o700
    assert mode(tmp_path / "new" / "nested") == 0o700
    assert mode(db) == 0o600
    for side in ("salestui.db-wal", "salestui.db-shm"):
        if (db.parent / side).exists():
            assert mode(db.parent / side) == 0o600


def test_default_database_in_the_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("SALESTUI_DB", raising=False)
    expected = tmp_path / "data" / "salestui" / "salestui.db"
    assert resolve_url(None) == f"sqlite:///{expected}"
    assert resolve_url(None, demo=True) == f"sqlite:///{expected.with_name('demo.db')}"
    open_pipeline(resolve_url(None))
    assert mode(tmp_path / "data" / "salestui") == 0o700
    assert mode(expected) == 0o600


def test_db_option_beats_the_environment_which_beats_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("SALESTUI_DB", str(tmp_path / "env.db"))
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    assert resolve_url(tmp_path / "flag.db") == f"sqlite:///{tmp_path / 'flag.db'}"
    # The demo never opens the real pipeline named by the environment.
    assert resolve_url(None, demo=True).endswith(os.path.join("salestui", "demo.db"))
    monkeypatch.setenv("SALESTUI_DB", "postgresql://ann:secret@db.example.com/sales")
    url = resolve_url(None)
    assert url == "postgresql+psycopg://ann:secret@db.example.com/sales"
    assert "secret" not in engine_module.describe(url)
    monkeypatch.setenv("SALESTUI_DB", "~/pipeline.db")
    assert resolve_url(None) == f"sqlite:///{Path('~/pipeline.db').expanduser()}"


def test_a_database_from_a_newer_salestui_is_refused_clearly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    pipeline = open_pipeline(url)
    with pipeline.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    with pytest.raises(DomainError) as error:
        open_pipeline(url)
    assert "'0099'" in str(error.value) and "upgrade salestui" in str(error.value)
