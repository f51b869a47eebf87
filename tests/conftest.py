"""Shared fixtures: a migrated database (SQLite by default, PostgreSQL when
PANTAU_TEST_DATABASE_URL is set), emptied before each test, and a small explicit registry."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from lib import throttle
from lib.config import ROOT
from lib.db import make_engine
from lib.models import Base

TEST_DATA = Path(__file__).parent / "data"
# A fixed "now" for tests that need stable figures: Thursday 2026-11-26 10:00 WIB.
NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def migrate(url: str) -> None:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.attributes["url"] = url
    command.upgrade(cfg, "head")


def empty_tables(engine: Engine) -> None:
    """Delete every row (identities restart on PostgreSQL), keeping the migrated schema.

    The audit log refuses DELETE and TRUNCATE (migration 0012_audit_guard), so this works as the
    schema owner would: on PostgreSQL the test role is a superuser and switches user triggers off for
    the transaction; on SQLite a connection without the app's authorizer lifts the delete trigger for
    the transaction and puts it back."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    if engine.dialect.name == "postgresql":
        tables.append("mention_keys")  # PostgreSQL's dedupe keys (migration 0014_partition), not a model
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        return
    owner = make_engine(engine.url.render_as_string(hide_password=False), guard_audit=False)
    try:
        with owner.begin() as conn:
            trigger = conn.execute(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                        "AND name = 'audit_log_no_delete'")).scalar()
            if trigger:
                conn.execute(text("DROP TRIGGER audit_log_no_delete"))
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))
            if trigger:
                conn.execute(text(trigger))
    finally:
        owner.dispose()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL run (PANTAU_TEST_DATABASE_URL set), a test that never opens the database
    under test (no `database_url` among its fixtures: the analyser, parsers, formatting, the bench's
    own SQLite file) would only repeat the SQLite run: it is deselected, and the summary says how many."""
    if not os.environ.get("PANTAU_TEST_DATABASE_URL"):
        return
    keep, repeat = [], []
    for item in items:
        (keep if "database_url" in getattr(item, "fixturenames", ()) else repeat).append(item)
    if repeat:
        config.hook.pytest_deselected(items=repeat)
        items[:] = keep


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("PANTAU_TEST_DATABASE_URL")
    if url:
        engine = make_engine(url)
        with engine.begin() as conn:  # start from nothing, then migrate like production does
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'pantau-test.db'}"
    migrate(url)
    return url


@pytest.fixture(scope="session")
def _engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(_engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The test database, emptied; PANTAU_DATABASE_URL points at it for code that reads settings."""
    empty_tables(_engine)
    throttle.reset()  # sign-in failures counted by an earlier test must not limit this one
    monkeypatch.setenv("PANTAU_DATABASE_URL", database_url)
    monkeypatch.setenv("PANTAU_DEMO_SOURCE", "0")
    monkeypatch.delenv("PANTAU_X_BEARER_TOKEN", raising=False)
    return _engine


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def registry(engine: Engine) -> Engine:
    """Eight units in two Polda (WIB and WITA) with a few accounts (tests/data/*.csv)."""
    from lib.db import session_scope
    from lib.units import load_registry

    with session_scope(engine) as s:
        load_registry(s, TEST_DATA / "units.csv", TEST_DATA / "accounts.csv")
    return engine
