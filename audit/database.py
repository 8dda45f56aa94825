"""Where the audits are kept, and how the database is opened: configuration, engines, migrations.

`database_url()` reads `TOUCHPOINT_AUDIT_DATABASE_URL` (any SQLAlchemy URL, for example
`postgresql+psycopg://user:pass@host/db`); without it, a SQLite file in the data folder
(`TOUCHPOINT_AUDIT_DATA_DIR`, default `data/` in the project). `make_engine` sets SQLite up
for many writers (WAL, `synchronous=FULL`, a busy timeout, `BEGIN IMMEDIATE` for writes) and
PostgreSQL with a checked connection pool. `upgrade` migrates the schema (Alembic,
`audit/migrations`). The store (audit/store.py) only reads and writes through them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

URL_VARIABLE = "TOUCHPOINT_AUDIT_DATABASE_URL"
DATA_DIR_VARIABLE = "TOUCHPOINT_AUDIT_DATA_DIR"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30_000


def database_url(url: str | None = None) -> str:
    """The configured URL, or the default SQLite file (its folder is created)."""
    url = url or os.environ.get(URL_VARIABLE)
    if url:
        return url
    folder = Path(os.environ.get(DATA_DIR_VARIABLE) or PROJECT_ROOT / "data")
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'touchpoint_audit.db'}"


def make_engine(url: str) -> Engine:
    """An engine set up for many writers: WAL and BEGIN IMMEDIATE on SQLite, pre-ping on PostgreSQL."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=30, pool_timeout=60)


def _sqlite_connect(dbapi_connection: Any, _record: object) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event below starts transactions
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=FULL", f"busy_timeout={BUSY_TIMEOUT_MS}", "foreign_keys=ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


WRITING = "touchpoint_audit_writing"  # set in a connection's info while it runs a write transaction


def _sqlite_begin(connection: Connection) -> None:
    # A writer takes the write lock at the start, so two writers queue instead of one failing at
    # upgrade time. A reader begins deferred: in WAL mode it never waits for a writer, so pages
    # are not held up by other people's scores being written.
    connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.info.get(WRITING) else "BEGIN")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write (BEGIN IMMEDIATE on SQLite); committed when the block ends."""
    with engine.connect() as connection:
        connection.info[WRITING] = True
        try:
            with connection.begin():
                yield connection
        finally:
            connection.info.pop(WRITING, None)


def alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to `revision` (the newest by default)."""
    with write_transaction(engine) as connection:
        command.upgrade(alembic_config(connection), revision)
