"""Engine and session factory for `PANTAU_DATABASE_URL` (SQLite by default, PostgreSQL at scale)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine, Executable, create_engine, event, inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from lib.config import DATA_DIR, load_settings


class DatabaseUnavailable(RuntimeError):
    """The database cannot be opened or is not migrated; the message is for the user."""


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


# The audit log is append-only. SQLite has no roles, so every app connection gets an authorizer
# that refuses, at prepare time, the statements that could remove or rewrite entries or the triggers
# guarding them (migrations connect without it: they own the schema).
_AUDIT_TABLE = "audit_log"


def _audit_guard(action: int, arg1: str | None, arg2: str | None, _db: str | None, _source: str | None) -> int:
    if action == sqlite3.SQLITE_DELETE and arg1 == _AUDIT_TABLE:
        return sqlite3.SQLITE_DENY
    if action in (sqlite3.SQLITE_DROP_TRIGGER, sqlite3.SQLITE_DROP_TEMP_TRIGGER, sqlite3.SQLITE_CREATE_TRIGGER,
                  sqlite3.SQLITE_CREATE_TEMP_TRIGGER) and arg2 == _AUDIT_TABLE:
        return sqlite3.SQLITE_DENY
    if action in (sqlite3.SQLITE_DROP_TABLE, sqlite3.SQLITE_ALTER_TABLE) and _AUDIT_TABLE in (arg1, arg2):
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() == "writable_schema":
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _sqlite_audit_guard(dbapi_conn, _record) -> None:
    dbapi_conn.set_authorizer(_audit_guard)


def make_engine(url: str, guard_audit: bool = True) -> Engine:
    """Create an engine; SQLite gets WAL mode and a busy timeout so readers never block writers, and
    (unless `guard_audit` is off, for migrations) the audit-log guard above."""
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///data/") or url == load_settings().database_url:
            DATA_DIR.mkdir(exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 10, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        if guard_audit:
            event.listen(engine, "connect", _sqlite_audit_guard)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


@lru_cache(maxsize=4)
def get_engine(url: str | None = None) -> Engine:
    return make_engine(url or load_settings().database_url)


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=engine or get_engine(), expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def plain_rows(session: Session, statement: Executable, params: dict | None = None) -> tuple[list[str], list[tuple]]:
    """Column names and rows of a Core select as the driver's own tuples, skipping SQLAlchemy's
    Row objects and type processing: for aggregates over thousands of rows of integers and plain
    text, where building Rows costs more than the query. Not for dates or custom types. `params`
    binds a statement's named parameters."""
    result = session.connection().execute(statement, params)
    try:
        return list(result.keys()), (result.cursor.fetchall() if result.cursor is not None else [])
    finally:
        result.close()


def check_database(engine: Engine) -> None:
    """Fail with a clear Indonesian message when the database is unreachable, corrupt or unmigrated."""
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(
            "Basis data tidak dapat dibuka (rusak atau tidak terjangkau). "
            f"Periksa PANTAU_DATABASE_URL. Rincian: {type(getattr(exc, 'orig', None) or exc).__name__}"
        ) from exc
    if "mentions" not in tables:
        raise DatabaseUnavailable(
            "Basis data belum dimigrasi. Jalankan `make migrate` (atau `make run`) terlebih dahulu."
        )
