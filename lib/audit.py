"""The append-only audit log: every change attempt, who, when, from, to, note and outcome.

There is deliberately no update or delete function here.
"""

from __future__ import annotations

from collections.abc import Sequence

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
