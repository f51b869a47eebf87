"""page speed at 10M mentions: two covering indexes the Ringkasan page needed

- `ix_mentions_flagged`: only mentions with a flag (urgent, keluhan, hoax, hate…), covering what the
  "what is burning" strip and the urgent alerts read, so their counts no longer visit every mention
  of a day or of the backlog to look at `flags`;
- `ix_mentions_updated_cover`: `updated_at` with the columns that decide whether a mention was in the
  backlog at a past moment (`lib.watch.backlog_at`), read index-only;
- `ix_daily_response_hist_unit_day`: the stored histograms of a few anchor units over a week, one
  short seek per unit (the (day, unit_id) key was walked once per anchor: ~190 ms at 10M).

Revision ID: 0015_speed
Revises: 0014_partition
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_speed"
down_revision = "0014_partition"
branch_labels = None
depends_on = None

FLAGGED = "flags <> ''"


def upgrade() -> None:
    op.create_index("ix_mentions_flagged", "mentions",
                    ["created_at", "unit_id", "flags", "answered_at", "status", "updated_at"],
                    sqlite_where=sa.text(FLAGGED), postgresql_where=sa.text(FLAGGED))
    op.create_index("ix_mentions_updated_cover", "mentions",
                    ["updated_at", "created_at", "unit_id", "answered_at", "status"])
    op.create_index("ix_daily_response_hist_unit_day", "daily_response_hist", ["unit_id", "day"])


def downgrade() -> None:
    op.drop_index("ix_daily_response_hist_unit_day", table_name="daily_response_hist")
    op.drop_index("ix_mentions_updated_cover", table_name="mentions")
    op.drop_index("ix_mentions_flagged", table_name="mentions")
