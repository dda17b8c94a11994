"""Database engines: where the data lives, SQLite pragmas, schema migrations."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from platformdirs import user_config_path, user_data_path
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from salestui.domain import DomainError

APP_NAME = "salestui"
SCHEMA_REVISION = "0001"
"""The newest migration; a database at this revision starts without importing alembic."""

MIGRATIONS = Path(__file__).parent / "migrations"
WRITE = "salestui_write"
"""Execution option that makes a SQLite transaction take the write lock at BEGIN."""


def data_dir() -> Path:
    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    return user_config_path(APP_NAME, appauthor=False)


def default_db(demo: bool = False) -> Path:
    return data_dir() / ("demo.db" if demo else "salestui.db")


def resolve_url(db: str | os.PathLike[str] | None, *, demo: bool = False) -> str:
    """A SQLAlchemy URL from `--db`, `SALESTUI_DB`, or the default file."""
    value = os.fspath(db) if db is not None else os.environ.get("SALESTUI_DB") or ""
    if demo and db is None:
        value = ""
    if "://" in value:
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value
    path = Path(value).expanduser() if value else default_db(demo)
    return f"sqlite:///{path.resolve()}"


def describe(url: str) -> str:
    """The database for people: a path, or the URL without its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


def _prepare_sqlite_file(path: Path) -> None:
    """Create the folders 0700 and the file 0600 before SQLite opens it."""
    for folder in reversed([p for p in (path.parent, *path.parent.parents) if not p.exists()]):
        folder.mkdir(mode=0o700, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def make_engine(url: str) -> Engine:
    """An engine with the pragmas the store relies on; the schema is not touched."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        try:
            return create_engine(url, pool_pre_ping=True)
        except ImportError as error:
            raise DomainError(
                f"{describe(url)} needs the Python package {error.name!r}, which is not installed"
            ) from None
    if parsed.database and parsed.database != ":memory:":
        _prepare_sqlite_file(Path(parsed.database))
    engine = create_engine(url, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's BEGIN below be the only transaction control.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA busy_timeout = 10000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writer takes the lock up front so that the busy timeout applies,
        # instead of failing when a read lock is upgraded.
        immediate = conn.get_execution_options().get(WRITE)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError):
        return None


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision; alembic is imported only when needed."""
    revision = current_revision(engine)
    if revision == SCHEMA_REVISION:
        return
    from alembic import command
    from alembic.config import Config
    from alembic.util import CommandError

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except CommandError:
        raise DomainError(
            f"the database has schema revision {revision!r}, newer than this salestui knows"
            f" ({SCHEMA_REVISION}); upgrade salestui"
        ) from None


def open_engine(url: str) -> Engine:
    """An engine on an up-to-date schema."""
    engine = make_engine(url)
    upgrade(engine)
    return engine
