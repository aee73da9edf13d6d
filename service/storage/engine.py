"""Engines and migrations: SQLite by default (WAL, foreign keys, full sync), PostgreSQL by URL."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from service.settings import get_settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_PRAGMAS = ("journal_mode=WAL", "foreign_keys=ON", "synchronous=FULL")


def _set_sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


SQLITE_LOCK_WAIT_SECONDS = 10


def get_engine(url: str | None = None) -> sa.Engine:
    """An engine for ``url`` (default: the settings' database URL).

    SQLite files get WAL, ``foreign_keys=ON`` and ``synchronous=FULL`` on every connection,
    and their folder is created on first use.
    """
    url = url or get_settings().db_url
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        # Wait for a lock well inside the API's 30 s request limit, so a request that answers
        # 503 (database busy) has not written anything behind the client's back.
        engine = sa.create_engine(parsed, connect_args={"timeout": SQLITE_LOCK_WAIT_SECONDS})
        sa.event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    return sa.create_engine(parsed, pool_pre_ping=True)


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic configuration built in code, pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("version_path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """The newest migration revision shipped with the package."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: sa.Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def init_db(engine: sa.Engine) -> str | None:
    """Create or migrate the schema to the newest revision; safe to run again.

    Returns:
        The revision the database is at afterwards.
    """
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    return current_revision(engine)
