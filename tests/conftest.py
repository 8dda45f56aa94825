"""Shared paths and helpers for the tests."""

from __future__ import annotations

import gettext
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from audit import i18n
from audit.store import Store
from ui import state

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
INVENTORIES = DATA / "inventories"
REALWORLD = DATA / "realworld"
SAMPLE_INVENTORY = ROOT / "sample_data" / "northwind_inventory.xlsx"
SAMPLE_SCORES = ROOT / "sample_data" / "northwind_scores.csv"
ADMIN_URL = os.environ.get("TOUCHPOINT_AUDIT_TEST_DATABASE_URL")


def where(problems) -> list[tuple[str, int | None, str | None]]:  # type: ignore[no-untyped-def]
    """Problems as (code, row, column): what the tests compare."""
    return [(p.code, p.row, p.column) for p in problems]


@pytest.fixture
def sample_inventory_path() -> Path:
    return SAMPLE_INVENTORY


def postgres_database() -> Iterator[str]:
    """A fresh database on the test server, dropped afterwards."""
    if not ADMIN_URL:
        pytest.fail(
            "PostgreSQL is needed for the store's tests: run ./scripts/test (it starts one), "
            "or set TOUCHPOINT_AUDIT_TEST_DATABASE_URL to a superuser URL."
        )
    name = f"ta_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'audit.db'}"
    else:
        yield from postgres_database()


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    opened = Store.open(url)
    yield opened
    opened.close()


# --- the app under AppTest ----------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh SQLite store for the app, and the app's cached store forgotten around the test."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("TOUCHPOINT_AUDIT_DATABASE_URL", url)
    forget()
    yield url
    forget()


def forget() -> None:
    """Empty the app's per-process caches (store, room, phase), as a restarted server would have them."""
    state.forget_caches()


def app(page: str | None = None, **query: str) -> AppTest:
    test = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    test.query_params.update(query)
    test.run()
    if page:
        test.switch_page(page).run()
    return test


class Pseudo(gettext.NullTranslations):
    """A language of the tests only: every catalog sentence as ⟦sentence⟧, so English left outside the
    catalogs shows."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"⟦{singular if n == 1 else plural}⟧"

    def pgettext(self, context: str, message: str) -> str:
        return f"⟦{message}⟧"


PSEUDO = "qps"


@pytest.fixture
def pseudo() -> Iterator[str]:
    """The pseudo-language, known to audit.i18n for the test (as `?lang=qps` or `i18n.use`)."""
    i18n.register(PSEUDO, Pseudo())
    try:
        yield PSEUDO
    finally:
        i18n.register(PSEUDO, None)


@pytest.fixture
def in_pseudo(pseudo: str) -> Iterator[None]:
    """The test's own code runs in the pseudo-language."""
    with i18n.use(pseudo):
        yield
