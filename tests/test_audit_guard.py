"""Issue 11, item 5: the app's connections cannot delete, truncate or unguard the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from lib import audit
from lib.db import session_scope
from lib.models import AuditEntry


def _entries(engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count(AuditEntry.id)))


@pytest.fixture
def logged(engine):
    with session_scope(engine) as s:
        for i in range(3):
            audit.record(s, actor="uji", entity="mention", entity_id=i, action="status", to_value="selesai")
    return engine


STATEMENTS = {
    "delete": "DELETE FROM audit_log",
    "delete one": "DELETE FROM audit_log WHERE entity_id = 1",
    "update": "UPDATE audit_log SET outcome = 'ok'",
}
PG_ONLY = {
    "truncate": "TRUNCATE audit_log",
    "disable trigger": "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_delete",
}
SQLITE_ONLY = {
    "drop trigger": "DROP TRIGGER audit_log_no_delete",
    "drop update trigger": "DROP TRIGGER audit_log_no_update",
    "drop table": "DROP TABLE audit_log",
    "rename": "ALTER TABLE audit_log RENAME TO audit_lama",
    "writable schema": "PRAGMA writable_schema = 1",
}


@pytest.mark.parametrize("name", sorted(STATEMENTS) + sorted(PG_ONLY) + sorted(SQLITE_ONLY))
def test_the_audit_log_refuses_being_rewritten(logged, name):
    backend = logged.dialect.name
    statement = STATEMENTS.get(name) or (PG_ONLY if backend == "postgresql" else SQLITE_ONLY).get(name)
    if statement is None:
        statement = STATEMENTS["delete"]  # the other backend's statement; still refused here
    if backend == "postgresql" and name == "disable trigger":
        # A superuser (the test cluster) may always alter; the app's role must not own the table.
        # What the test can check: the trigger exists and is enabled.
        with logged.connect() as conn:
            state = conn.execute(text("SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_log_no_delete'")).scalar()
        assert state == "O"
        return
    with pytest.raises(DatabaseError), logged.begin() as conn:
        conn.execute(text(statement))
    assert _entries(logged) == 3


def test_the_documented_app_role_cannot_touch_the_log_or_its_triggers(logged):
    """README "PostgreSQL roles": a non-owner app role may append and read, nothing else."""
    if logged.dialect.name != "postgresql":
        pytest.skip("PostgreSQL roles only; SQLite is covered by the authorizer tests above")
    with logged.begin() as conn:
        conn.execute(text("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pantau_app_uji') "
                          "THEN CREATE ROLE pantau_app_uji; END IF; END $$"))
        conn.execute(text("GRANT USAGE ON SCHEMA public TO pantau_app_uji"))
        conn.execute(text("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO pantau_app_uji"))
        conn.execute(text("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM pantau_app_uji"))
        conn.execute(text("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO pantau_app_uji"))
    with logged.begin() as conn:
        conn.execute(text("SET LOCAL ROLE pantau_app_uji"))
        conn.execute(text("INSERT INTO audit_log (at, actor, entity, action, outcome) "
                          "VALUES (now(), 'app', 'uji', 'append', 'ok')"))
    for statement in ("DELETE FROM audit_log", "TRUNCATE audit_log",
                      "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_delete",
                      "DROP TRIGGER audit_log_no_delete ON audit_log",
                      "UPDATE audit_log SET note = 'x'"):
        with pytest.raises(DatabaseError), logged.begin() as conn:
            conn.execute(text("SET LOCAL ROLE pantau_app_uji"))
            conn.execute(text(statement))
    assert _entries(logged) == 4
