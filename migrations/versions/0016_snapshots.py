"""headline snapshots: last week's side of the overview read from one stored row

The sync worker stores, every 5 minutes, the overview's headline figures of the national scope and
of every Polda for each period option (lib/snapshots.py); Ringkasan's "dibanding minggu lalu" reads
the row of a week ago instead of reconstructing the past from `mentions` (~350 ms at 10M).

Revision ID: 0016_snapshots
Revises: 0015_speed
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_snapshots"
down_revision = "0015_speed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "headline_snapshots",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("scope_key", sa.String(20), nullable=False),
        sa.Column("days", sa.Integer, nullable=False),
        sa.Column("policy_key", sa.String(20), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mentions_today", sa.Integer, nullable=False),
        sa.Column("unanswered", sa.Integer, nullable=False),
        sa.Column("overdue", sa.Integer, nullable=False),
        sa.Column("period_mentions", sa.Integer, nullable=False),
        sa.Column("period_negative", sa.Integer, nullable=False),
        sa.Column("within_sla_share", sa.Float, nullable=True),
        sa.Column("median_minutes", sa.Float, nullable=True),
        sa.Column("urgent_unanswered", sa.Integer, nullable=False),
        sa.Column("complaints_24h", sa.Integer, nullable=False),
        sa.Column("hoax_hate_24h", sa.Integer, nullable=False),
        sa.UniqueConstraint("scope_key", "days", "policy_key", "taken_at"),
    )
    op.create_index("ix_headline_snapshots_taken_at", "headline_snapshots", ["taken_at"])


def downgrade() -> None:
    op.drop_index("ix_headline_snapshots_taken_at", table_name="headline_snapshots")
    op.drop_table("headline_snapshots")
