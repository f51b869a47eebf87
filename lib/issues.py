"""Negative-mention issues: grouping by shared topic within a time window, listing, handling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from lib import audit
from lib.analysis.grouping import Group, GroupInput, group_negative
from lib.auth import Principal, actor_name, require_status_write
from lib.models import OPEN_STATUSES, Issue, Mention, Unit, utcnow
from lib.scope import Scope
from lib.workflow import change_status

WINDOW = timedelta(hours=72)
LOOKBACK = timedelta(days=14)


def regroup(session: Session, now: datetime | None = None) -> int:
    """Group ungrouped negative mentions (shared topic within a window, near-duplicates counted) and
    attach each group to the open issue of the same topic, or open a new one."""
    now = now or utcnow()
    rows = session.execute(
        select(Mention.id, Mention.text, Mention.topic, Mention.created_at, Mention.unit_id)
        .where(Mention.sentiment == "negative", Mention.issue_id.is_(None), Mention.topic.is_not(None),
               Mention.created_at >= now - LOOKBACK)
        .order_by(Mention.created_at)
    ).all()
    groups = group_negative([GroupInput(r.id, r.text, r.topic, r.created_at, r.unit_id) for r in rows], window=WINDOW)
    attached = 0
    for group in groups:
        issue = session.scalar(
            select(Issue).where(Issue.topic == group.topic, Issue.last_seen >= group.first_seen - WINDOW)
            .order_by(Issue.last_seen.desc()).limit(1)
        ) or _new_issue(session, group.topic, _title(group), group.first_seen)
        issue.first_seen = min(issue.first_seen, group.first_seen)
        issue.last_seen = max(issue.last_seen, group.last_seen)
        if group.is_campaign and "salin-tempel" not in issue.title:
            issue.title = _title(group)
        issue.updated_at = now
        session.execute(update(Mention).where(Mention.id.in_(group.mention_ids)).values(issue_id=issue.id))
        attached += group.count
    session.flush()
    return attached


def _title(group: Group) -> str:
    suffix = f" — pesan salin-tempel ({group.largest_cluster} salinan)" if group.is_campaign else ""
    return (group.title or group.topic.capitalize() or "Lainnya")[:250] + suffix


def _new_issue(session: Session, topic: str, title: str, at: datetime) -> Issue:
    issue = Issue(topic=topic, title=title, status="terbuka", first_seen=at, last_seen=at, version=1)
    session.add(issue)
    session.flush()
    return issue


@dataclass(frozen=True)
class IssueSummary:
    id: int
    title: str
    status: str
    mentions: int
    open_mentions: int
    units: int
    first_seen: datetime
    last_seen: datetime
    version: int


def list_issues(session: Session, scope: Scope, since: datetime, status: str | None = None) -> pd.DataFrame:
    """Issues with at least one mention in scope since `since`, largest first."""
    open_count = func.sum(func.cast(Mention.status.in_(OPEN_STATUSES), type_=Mention.version.type))
    q = (
        select(
            Issue.id, Issue.title, Issue.status, Issue.version,
            func.count(Mention.id).label("mentions"),
            open_count.label("open_mentions"),
            func.count(func.distinct(Mention.unit_id)).label("units"),
            func.min(Mention.created_at).label("first_seen"),
            func.max(Mention.created_at).label("last_seen"),
        )
        .join(Mention, Mention.issue_id == Issue.id)
        .join(Unit, Unit.id == Mention.unit_id)
        .where(scope.unit_clause(), Mention.created_at >= since)
        .group_by(Issue.id, Issue.title, Issue.status, Issue.version)
        .order_by(func.count(Mention.id).desc(), func.max(Mention.created_at).desc())
    )
    if status:
        q = q.where(Issue.status == status)
    frame = pd.DataFrame(session.execute(q).mappings().all(),
                         columns=["id", "title", "status", "version", "mentions", "open_mentions", "units",
                                  "first_seen", "last_seen"])
    for col in ("first_seen", "last_seen"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    return frame


def issue_mentions(session: Session, scope: Scope, issue_id: int) -> list[Mention]:
    return list(session.scalars(
        select(Mention).join(Unit, Unit.id == Mention.unit_id)
        .where(Mention.issue_id == issue_id, scope.unit_clause()).order_by(Mention.created_at.desc())
    ))


def mark_issue_handled(session: Session, scope: Scope, issue_id: int, expected_version: int,
                       actor: Principal | str, note: str | None = None) -> tuple[bool, str]:
    """Mark the issue handled and move its open mentions in scope to 'ditangani' (each audited).
    Refused like `workflow.change_status` for a role that may not write or a scope not its own."""
    require_status_write(session, actor, scope, "issue", issue_id, "ditangani")
    who = actor_name(actor)
    issue = session.get(Issue, issue_id, populate_existing=True)
    if issue is None:
        return False, "Isu tidak ditemukan."
    if issue.version != expected_version:
        audit.record(session, actor=who, entity="issue", entity_id=issue_id, action="status",
                     from_value=issue.status, to_value="ditangani", note=note, outcome="conflict")
        return False, _changed_by(session, issue_id)
    mentions = [m for m in issue_mentions(session, scope, issue_id) if m.status in OPEN_STATUSES]
    moved = 0
    for m in mentions:
        target = "ditangani" if m.status != "ditangani" else None
        if target and change_status(session, scope, m.id, m.version, target, actor, note).ok:
            moved += 1
    result = session.execute(
        update(Issue).where(Issue.id == issue_id, Issue.version == expected_version)
        .values(status="ditangani", version=expected_version + 1, updated_at=utcnow())
    )
    if result.rowcount != 1:
        return False, _changed_by(session, issue_id)
    audit.record(session, actor=who, entity="issue", entity_id=issue_id, action="status",
                 from_value=issue.status, to_value="ditangani", note=note)
    return True, f"Isu ditandai ditangani; {moved} sebutan diubah menjadi 'Ditangani'."


def _changed_by(session: Session, issue_id: int) -> str:
    last = audit.last_success(session, "issue", issue_id)
    who = f" oleh {last.actor} ({last.from_value} → {last.to_value})" if last else " oleh orang lain"
    return f"Ditolak: isu ini sudah diubah{who}. Muat ulang lalu coba lagi."
