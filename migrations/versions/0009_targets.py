"""mentions with several targets: `mention_targets`, the units a mention tags beyond its primary one

A post that tags two units' accounts used to be stored once, under whichever account synced first
(unique platform + external id), and the other unit never saw it. The mention stays stored once;
`mentions.unit_id` remains its primary target and every further targeted unit gets a row here
(lib/targets.py describes how inboxes, counts and totals use it).

Existing data: the other targets of a stored mention were never recorded, but a mention tags an
account by its @handle in the text (that is what puts it in the account's mention timeline), so the
upgrade reads the @handles of every stored mention that has one and adds a target for each other
unit whose account (same platform) it names. Mentions that name no other unit keep one target.

Revision ID: 0009_targets
Revises: 0006
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import sqlalchemy as sa
from alembic import op

revision = "0009_targets"
down_revision = "0008_xbill"
branch_labels = None
depends_on = None

_HANDLE = re.compile(r"@([A-Za-z0-9_][A-Za-z0-9_.]*)")
_BATCH = 5000


def upgrade() -> None:
    op.create_table(
        "mention_targets",
        sa.Column("mention_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["mention_id"], ["mentions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"]),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.PrimaryKeyConstraint("mention_id", "unit_id"),
    )
    op.create_index("ix_mention_targets_unit_created", "mention_targets", ["unit_id", "created_at"])
    op.create_index("ix_mention_targets_created", "mention_targets", ["created_at", "unit_id", "mention_id"])
    _backfill(op.get_bind())


def _tagged(text: str) -> set[str]:
    return {h.rstrip(".").lower() for h in _HANDLE.findall(text or "")}


def _mentions(conn: sa.Connection) -> Iterator[list]:
    """Mentions whose text holds an '@', in id order, a batch at a time (keyset pagination)."""
    last = 0
    while True:
        rows = conn.execute(sa.text(
            "SELECT id, platform, unit_id, text FROM mentions WHERE id > :last AND text LIKE '%@%' "
            "ORDER BY id LIMIT :n"), {"last": last, "n": _BATCH}).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _backfill(conn: sa.Connection) -> None:
    accounts: dict[tuple[str, str], tuple[int, int]] = {}
    for acc_id, unit_id, platform, handle in conn.execute(sa.text(
            "SELECT id, unit_id, platform, handle FROM accounts ORDER BY active, id")):
        accounts[(platform, handle.lstrip("@").lower())] = (unit_id, acc_id)  # an active account wins
    if not accounts:
        return
    insert = sa.text(
        "INSERT INTO mention_targets (mention_id, unit_id, account_id, created_at, added_at) "
        "SELECT id, :unit_id, :account_id, created_at, CURRENT_TIMESTAMP FROM mentions WHERE id = :mention_id")
    for rows in _mentions(conn):
        params = []
        for mention_id, platform, primary, text in rows:
            units: dict[int, int] = {}
            for handle in sorted(_tagged(text)):
                hit = accounts.get((platform, handle))
                if hit and hit[0] != primary:
                    units.setdefault(hit[0], hit[1])
            params += [dict(mention_id=mention_id, unit_id=u, account_id=a) for u, a in units.items()]
        if params:
            conn.execute(insert, params)


def downgrade() -> None:
    op.drop_index("ix_mention_targets_created", table_name="mention_targets")
    op.drop_index("ix_mention_targets_unit_created", table_name="mention_targets")
    op.drop_table("mention_targets")
