"""reports, alerts, evidence and ticket links (issue 16)

- alert_subscriptions: who receives alerts and the daily report (a unit subtree or national, a
  role label, Telegram chat id or e-mail address; the bot token and SMTP password stay in config);
- alert_events: one row per event (an urgent mention, a crossing of the overdue threshold, ...),
  unique by key, so a condition that stays true never alerts twice;
- alert_deliveries: one row per event and recipient, retried until sent (the outbox);
- evidence_files: a frozen copy of a mention with its SHA-256, kept even if the post (or the row)
  disappears, so no foreign key to mentions;
- ticket_links: a mention's ticket at another channel (LAPOR!, Dumas Presisi, 110).

Revision ID: 0011_reports
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_reports"
down_revision = "0010_meta"
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "alert_subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=True),
        sa.Column("role", sa.String(40), nullable=True),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("kinds", sa.String(200), nullable=False, server_default=""),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        _ts("created_at", False),
    )
    op.create_table(
        "alert_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=True),
        sa.Column("mention_id", sa.Integer(), nullable=True),
        sa.Column("issue_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.Text(), nullable=True),
        _ts("created_at", False),
        _ts("cleared_at"),
    )
    op.create_index("ix_alert_events_subject", "alert_events", ["subject", "cleared_at"])
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("alert_events.id"), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text(), nullable=True),
        _ts("next_attempt_at", False),
        _ts("sent_at"),
        _ts("created_at", False),
        sa.UniqueConstraint("event_id", "channel", "target"),
    )
    op.create_index("ix_alert_deliveries_due", "alert_deliveries", ["status", "next_attempt_at"])
    op.create_index("ix_alert_deliveries_target_sent", "alert_deliveries", ["target", "sent_at"])
    op.create_table(
        "evidence_files",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("mention_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(100), nullable=False),
        _ts("requested_at", False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
    )
    op.create_index("ix_evidence_files_mention_id", "evidence_files", ["mention_id"])
    op.create_table(
        "ticket_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("mention_id", sa.Integer(), sa.ForeignKey("mentions.id"), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("ticket_id", sa.String(64), nullable=False),
        sa.Column("added_by", sa.String(100), nullable=False),
        _ts("added_at", False),
        sa.UniqueConstraint("mention_id", "channel", "ticket_id"),
    )
    op.create_index("ix_ticket_links_ticket_id", "ticket_links", ["ticket_id"])


def downgrade() -> None:
    op.drop_index("ix_ticket_links_ticket_id", table_name="ticket_links")
    op.drop_table("ticket_links")
    op.drop_index("ix_evidence_files_mention_id", table_name="evidence_files")
    op.drop_table("evidence_files")
    op.drop_index("ix_alert_deliveries_target_sent", table_name="alert_deliveries")
    op.drop_index("ix_alert_deliveries_due", table_name="alert_deliveries")
    op.drop_table("alert_deliveries")
    op.drop_index("ix_alert_events_subject", table_name="alert_events")
    op.drop_table("alert_events")
    op.drop_table("alert_subscriptions")
