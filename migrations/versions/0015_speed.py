"""page speed at 10M mentions: two covering indexes the Ringkasan page needed

- `ix_mentions_flagged`: only mentions with a flag (urgent, keluhan, hoax, hate…), covering what the
  "what is burning" strip and the urgent alerts read, so their counts no longer visit every mention
  of a day or of the backlog to look at `flags`;
- `ix_mentions_updated_cover`: `updated_at` with the columns that decide whether a mention was in the
  backlog at a past moment (`lib.watch.backlog_at`), read index-only.

Revision ID: 0015_speed
Revises: 0013_scale
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_speed"
down_revision = "0013_scale"
branch_labels = None
depends_on = None

FLAGGED = "flags <> ''"


def upgrade() -> None:
    op.create_index("ix_mentions_flagged", "mentions",
                    ["created_at", "unit_id", "flags", "answered_at", "status", "updated_at"],
                    sqlite_where=sa.text(FLAGGED), postgresql_where=sa.text(FLAGGED))
    op.create_index("ix_mentions_updated_cover", "mentions",
                    ["updated_at", "created_at", "unit_id", "answered_at", "status"])


def downgrade() -> None:
    op.drop_index("ix_mentions_updated_cover", table_name="mentions")
    op.drop_index("ix_mentions_flagged", table_name="mentions")
