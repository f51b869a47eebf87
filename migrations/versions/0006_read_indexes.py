"""national scale: indexes for two reads that grew with the data

- daily_counts by day range: a rolling period reads one range of days for every unit; with only the
  (unit_id, day) key that was a seek per unit on SQLite and a full scan on PostgreSQL. Covering, so
  neither touches the table.
- the Isu Negatif list: the period's mentions that belong to an issue (partial, covering), instead
  of every mention of the period looked up for its issue.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_DAY_COLUMNS = ["day", "unit_id", "mentions", "answered", "within_sla", "negative", "unanswered"]
_GROUPED = "issue_id IS NOT NULL"


def upgrade() -> None:
    op.create_index("ix_daily_counts_day_cover", "daily_counts", _DAY_COLUMNS, unique=False)
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.create_index("ix_mentions_issue_created", ["created_at", "issue_id", "unit_id", "status"],
                              unique=False, sqlite_where=sa.text(_GROUPED), postgresql_where=sa.text(_GROUPED))


def downgrade() -> None:
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_index("ix_mentions_issue_created")
    op.drop_index("ix_daily_counts_day_cover", table_name="daily_counts")
