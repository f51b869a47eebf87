"""national scale: covering indexes for the metrics engine, partial index on the open backlog

Revision ID: 0004
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"  # after auth (0002); was "0001" before the auth branch merged
branch_labels = None
depends_on = None

_COVER = ["sentiment", "answered_at", "status"]
# Written out (not imported from lib.models) so this revision never changes after it ships.
_UNANSWERED = "answered_at IS NULL AND status IN ('baru', 'diteruskan', 'ditangani')"


def upgrade() -> None:
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_index("ix_mentions_unit_created")
        batch_op.create_index("ix_mentions_unit_created_cover", ["unit_id", "created_at", *_COVER], unique=False)
        batch_op.create_index("ix_mentions_created_cover", ["created_at", "unit_id", *_COVER], unique=False)
        batch_op.create_index("ix_mentions_unanswered", ["unit_id", "created_at", "status", "answered_at"],
                              unique=False, sqlite_where=sa.text(_UNANSWERED), postgresql_where=sa.text(_UNANSWERED))


def downgrade() -> None:
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_index("ix_mentions_unanswered")
        batch_op.drop_index("ix_mentions_created_cover")
        batch_op.drop_index("ix_mentions_unit_created_cover")
        batch_op.create_index("ix_mentions_unit_created", ["unit_id", "created_at"], unique=False)
