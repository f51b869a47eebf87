"""national scale: daily_counts readable by day range (an index on day with the summed columns)

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# A rolling period reads one range of days for every unit: with only the (unit_id, day) key that is
# a seek per unit on SQLite and a full scan on PostgreSQL. Covering, so neither touches the table.
_COLUMNS = ["day", "unit_id", "mentions", "answered", "within_sla", "negative", "unanswered"]


def upgrade() -> None:
    op.create_index("ix_daily_counts_day_cover", "daily_counts", _COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index("ix_daily_counts_day_cover", table_name="daily_counts")
