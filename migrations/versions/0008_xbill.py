"""billing ledger: each post and user a billed API returned, once per UTC day; sync warnings

- billed_reads: X bills a resource at most once per UTC day, so the month's bill is the number of
  (source, day, kind, resource id) rows, however often the same post came back.
- sync_state.last_warning: partial errors a platform reported next to good data.

Revision ID: 0008_xbill
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_xbill"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "billed_reads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("resource_id", sa.String(64), nullable=False),
        sa.UniqueConstraint("source", "day", "kind", "resource_id"),
    )
    with op.batch_alter_table("sync_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_warning", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_state", schema=None) as batch_op:
        batch_op.drop_column("last_warning")
    op.drop_table("billed_reads")
