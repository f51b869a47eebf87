"""The audit log refuses DELETE and TRUNCATE too (0002 refused UPDATE only).

On PostgreSQL, triggers; the app's role should not own the table, so it cannot disable or drop them
(README, "Security": the owner/app role set-up). On SQLite, a trigger for other clients, and
lib/db.py installs an authorizer on every app connection that refuses DELETE, DROP TRIGGER, ALTER
and DROP on the audit log before a statement is even prepared.

Revision ID: 0012_audit_guard
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0012_audit_guard"
down_revision = "0011_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")
        op.execute("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()")
    else:
        op.execute("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
                   "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")


def downgrade() -> None:
    on = " ON audit_log" if op.get_bind().dialect.name == "postgresql" else ""
    op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_delete{on}")
    if on:
        op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_truncate{on}")
