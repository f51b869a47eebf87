"""Mentions with several targets: a post that tags several units' accounts is stored once and
belongs to every unit it tags.

- Storage: `mentions.unit_id` (and `account_id`) is the primary target, the account that stored the
  post first; every further targeted unit is a `mention_targets` row (added by the store step when
  another unit's account fetches the same post, or by migration 0009 from the @handles of stored
  posts). Existing code that reads `mentions.unit_id` keeps working; what decides membership goes
  through `in_scope` here.
- Membership: a mention belongs to a scope when any of its targets lies in it. Each targeted
  unit's inbox shows it (under that unit), a scope that holds several targets shows it once.
- One workflow, shared: status, analysis and the answer belong to the mention. A reply from the
  own account of any targeted unit (a direct reply to the post, or a reply to its author in the
  thread) answers it for every target; the command rooms answer one citizen once, not once per
  tagged unit. The response time is therefore the same for every target.
- SLA per target: each targeted unit judges the mention against its own SLA and its own zone
  (overdue, answered within SLA, today).
- Totals over several targets (a Polres, a Polda, national) count the mention once; where the
  targets' SLAs differ it counts as within SLA (or overdue) when it is so for at least one of its
  targets inside the total (lib/metrics/overlap.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, case, func, insert, select, true, update
from sqlalchemy.orm import Session

from lib.models import Mention, MentionTarget, Unit, utcnow
from lib.partitions import keyed
from lib.scope import Scope


def scope_units(scope: Scope) -> Select:
    return select(Unit.id).where(scope.unit_clause())


def in_scope(scope: Scope) -> ColumnElement[bool]:
    """Condition on `Mention`: one of its targets lies in the scope (no filter nationally)."""
    if scope.path_prefix == "/":
        return true()
    units = scope_units(scope)
    extra = select(MentionTarget.mention_id).where(MentionTarget.unit_id.in_(units))
    return Mention.unit_id.in_(units) | Mention.id.in_(extra)


def shown_unit(scope: Scope) -> ColumnElement[int]:
    """The target a scope sees a mention under: the primary one when it lies in the scope, else the
    lowest-numbered further target inside it."""
    if scope.path_prefix == "/":
        return Mention.unit_id
    units = scope_units(scope)
    extra = (select(func.min(MentionTarget.unit_id))
             .where(MentionTarget.mention_id == Mention.id, MentionTarget.unit_id.in_(units)).scalar_subquery())
    return case((Mention.unit_id.in_(units), Mention.unit_id), else_=extra)


def target_units(session: Session, mention: Mention) -> list[int]:
    """Every unit the mention targets, the primary one first."""
    extra = session.scalars(select(MentionTarget.unit_id).where(MentionTarget.mention_id == mention.id)
                            .order_by(MentionTarget.unit_id))
    return [mention.unit_id, *extra]


def unit_in_scope(session: Session, scope: Scope, mention: Mention) -> int | None:
    """The mention's target inside `scope` (the primary one first), or None when it has none there."""
    for unit_id in target_units(session, mention):
        unit = session.get(Unit, unit_id)
        if unit is not None and scope.contains_path(unit.path):
            return unit_id
    return None


def add_targets(session: Session, platform: str, unit_id: int, account_id: int | None,
                external_ids: Sequence[str]) -> int:
    """The store step met posts already stored (under another account): make `unit_id` a target of
    each that does not target it yet. Bumps the mention's `updated_at` (what cached readers watch),
    not its `version` (nothing a user edits changed).
    Returns the number of targets added."""
    if not external_ids:
        return 0
    already = select(MentionTarget.mention_id).where(MentionTarget.unit_id == unit_id)
    rows = session.execute(select(Mention.id, Mention.created_at).where(
        keyed(session.get_bind().dialect.name, platform, external_ids),
        Mention.unit_id != unit_id, Mention.id.not_in(already))).all()
    if not rows:
        return 0
    now = utcnow()
    session.execute(insert(MentionTarget), [
        dict(mention_id=mid, unit_id=unit_id, account_id=account_id, created_at=created, added_at=now)
        for mid, created in rows])
    session.execute(update(Mention).where(Mention.id.in_([mid for mid, _ in rows]))
                    .values(updated_at=now))
    return len(rows)


def of_account(account_id: int) -> ColumnElement[bool]:
    """Condition on `Mention`: stored for this account, or targeting it as a further target."""
    extra = select(MentionTarget.mention_id).where(MentionTarget.account_id == account_id)
    return (Mention.account_id == account_id) | Mention.id.in_(extra)
