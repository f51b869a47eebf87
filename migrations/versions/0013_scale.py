"""a year of national traffic: per-unit-per-day response-time histograms

`daily_response_hist` holds, per unit and local day, a histogram of first-response seconds in fixed
log buckets (lib/metrics/histogram.py), maintained by the same refresh as `daily_counts`; the
median and p90 of a large scope merge these instead of reading every answered mention.

Existing data: the refresh state is reset, so the first read after the upgrade rebuilds
`daily_counts` and the histograms together (or run `python -m lib.daily` once).

Revision ID: 0013_scale
Revises: 0009_targets
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_scale"
down_revision = "0012_audit_guard"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "daily_response_hist",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("hist", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("day", "unit_id"),
    )
    op.execute("UPDATE daily_counts_state SET watermark = NULL, units_key = ''")


def downgrade() -> None:
    op.drop_table("daily_response_hist")
