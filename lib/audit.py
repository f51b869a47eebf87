"""The append-only audit log: every change attempt, who, when, from, to, note and outcome.

There is deliberately no update or delete function here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.models import AuditEntry, utcnow
from lib.sanitize import clean_row, column_lengths

_LENGTHS = column_lengths(AuditEntry.__table__)


def record(
    session: Session,
    *,
    actor: str,
    entity: str,
    entity_id: int | None,
    action: str,
    from_value: str | None = None,
    to_value: str | None = None,
    note: str | None = None,
    outcome: str = "ok",
) -> AuditEntry:
    row = clean_row(dict(  # str(): a Principal passed as actor is recorded by its name
        actor=str(actor), entity=entity, action=action, from_value=from_value, to_value=to_value, note=note,
        outcome=outcome,
    ), _LENGTHS)  # notes carry user and outsider text: an entry must never fail to be written
    entry = AuditEntry(at=utcnow(), entity_id=entity_id, **row)
    session.add(entry)
    return entry


def history(session: Session, entity: str, entity_id: int) -> Sequence[AuditEntry]:
    """Entries for one item, oldest first (callers check scope before asking)."""
    return session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.at, AuditEntry.id)
    ).all()


def last_success(session: Session, entity: str, entity_id: int) -> AuditEntry | None:
    return session.scalar(
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id, AuditEntry.outcome == "ok")
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(1)
    )


def search_log(session: Session, viewer, *, entity: str | None = None, outcome: str | None = None,
               actor: str | None = None, since: datetime | None = None, until: datetime | None = None,
               limit: int = 1000) -> pd.DataFrame:
    """The newest entries matching the filters, for the admin's read-only viewer (admin only)."""
    from lib.auth import require_admin  # lib.auth records through this module

    require_admin(session, viewer, "audit", "read")
    q = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if entity:
        q = q.where(AuditEntry.entity == entity)
    if outcome:
        q = q.where(AuditEntry.outcome == outcome)
    if actor and actor.strip():
        q = q.where(AuditEntry.actor.contains(actor.strip().lower(), autoescape=True))
    if since:
        q = q.where(AuditEntry.at >= since)
    if until:
        q = q.where(AuditEntry.at < until)
    cols = ["at", "actor", "entity", "entity_id", "action", "from_value", "to_value", "note", "outcome"]
    frame = pd.DataFrame([{c: getattr(e, c) for c in cols} for e in session.scalars(q)], columns=cols)
    frame["entity_id"] = frame["entity_id"].astype("Int64")  # an id, not a float: no "3.0" and no "nan"
    return frame
