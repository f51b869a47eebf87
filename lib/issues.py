"""Negative-mention issues: grouping by shared topic within a time window, listing, handling."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from lib import audit
from lib.analysis.grouping import Group, GroupInput, group_negative
from lib.auth import Principal, actor_name, deny, require_status_write
from lib.models import OPEN_STATUSES, Issue, Mention, Unit, utcnow
from lib.scope import OutOfScope, Scope
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
    touched: set[int] = set()
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
        touched.add(issue.id)
    session.flush()
    refresh_issue_status(session, touched)  # new unhandled mentions reopen a handled issue
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


UNHANDLED = ("baru", "diteruskan")  # an issue is open while any of its mentions is still in one of these


def list_issues(session: Session, scope: Scope, since: datetime, status: str | None = None) -> pd.DataFrame:
    """Issues with at least one mention in scope since `since`, largest first.

    `status` is derived for this scope and period: "terbuka" while any of those mentions is still
    unhandled (baru/diteruskan), else "ditangani". Another unit's open mentions do not make the
    issue open here, and closing it here does not close it for them."""
    open_count = func.sum(func.cast(Mention.status.in_(OPEN_STATUSES), type_=Mention.version.type))
    unhandled = func.sum(func.cast(Mention.status.in_(UNHANDLED), type_=Mention.version.type))
    q = (
        select(
            Issue.id, Issue.title, Issue.version,
            func.count(Mention.id).label("mentions"),
            open_count.label("open_mentions"),
            unhandled.label("unhandled"),
            func.count(func.distinct(Mention.unit_id)).label("units"),
            func.min(Mention.created_at).label("first_seen"),
            func.max(Mention.created_at).label("last_seen"),
        )
        .join(Mention, Mention.issue_id == Issue.id)
        .join(Unit, Unit.id == Mention.unit_id)
        .where(scope.unit_clause(), Mention.created_at >= since)
        .group_by(Issue.id, Issue.title, Issue.version)
        .order_by(func.count(Mention.id).desc(), func.max(Mention.created_at).desc())
    )
    frame = pd.DataFrame(session.execute(q).mappings().all(),
                         columns=["id", "title", "version", "mentions", "open_mentions", "unhandled", "units",
                                  "first_seen", "last_seen"])
    frame["status"] = ["terbuka" if (n or 0) > 0 else "ditangani" for n in frame["unhandled"]]
    for col in ("first_seen", "last_seen"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    if status:
        frame = frame[frame["status"] == status].reset_index(drop=True)
    return frame


def issue_mentions(session: Session, scope: Scope, issue_id: int, since: datetime | None = None) -> list[Mention]:
    """The issue's mentions inside `scope` (and since `since`), newest first."""
    q = (select(Mention).join(Unit, Unit.id == Mention.unit_id)
         .where(Mention.issue_id == issue_id, scope.unit_clause()).order_by(Mention.created_at.desc()))
    if since is not None:
        q = q.where(Mention.created_at >= since)
    return list(session.scalars(q))


def handling_plan(session: Session, scope: Scope, issue_id: int, since: datetime) -> list[tuple[int, int]]:
    """(mention id, version) of what "mark the issue handled" would change for this view: the issue's
    unhandled mentions inside `scope` and since `since`. The page shows its length before the click
    and hands the same list back, so exactly what was promised changes, nothing more."""
    return [(m.id, m.version) for m in issue_mentions(session, scope, issue_id, since) if m.status in UNHANDLED]


def issue_status(session: Session, issue_id: int) -> str:
    """The issue's own (national) status: open while any of its mentions anywhere is unhandled."""
    left = session.scalar(select(func.count(Mention.id))
                          .where(Mention.issue_id == issue_id, Mention.status.in_(UNHANDLED)))
    return "terbuka" if left else "ditangani"


def refresh_issue_status(session: Session, issue_ids: Iterable[int]) -> None:
    """Keep `Issue.status` equal to what `issue_status` derives (after grouping or handling)."""
    for issue_id in set(issue_ids):
        derived = issue_status(session, issue_id)
        session.execute(update(Issue).where(Issue.id == issue_id, Issue.status != derived)
                        .values(status=derived, version=Issue.version + 1, updated_at=utcnow()))


def mark_issue_handled(session: Session, scope: Scope, issue_id: int, seen: Sequence[tuple[int, int]],
                       actor: Principal | str, note: str | None = None) -> tuple[bool, str]:
    """Move the mentions the user was shown (`seen`, from `handling_plan`) to 'ditangani', each with
    the version he saw (a mention changed since is a conflict, audited and not overwritten).

    Only the issue's mentions inside `scope` can move; any other id in `seen` refuses the whole
    request (audited). The issue's own status is derived afterwards and audited with its true
    from/to: it stays open while another unit's mentions are unhandled."""
    require_status_write(session, actor, scope, "issue", issue_id, "ditangani")
    who = actor_name(actor)
    issue = session.get(Issue, issue_id, populate_existing=True)
    if issue is None:
        return False, "Isu tidak ditemukan."
    mine = {m.id for m in issue_mentions(session, scope, issue_id)}
    if stray := sorted({mid for mid, _ in seen} - mine):
        raise deny(session, actor, "issue", issue_id, "status",
                   f"Sebutan {', '.join(map(str, stray[:5]))} bukan bagian isu ini di cakupan Anda.", OutOfScope,
                   to_value="ditangani")
    before = issue_status(session, issue_id)
    results = [change_status(session, scope, mid, ver, "ditangani", actor, note) for mid, ver in seen]
    moved = sum(r.ok for r in results)
    failed = [r for r in results if not r.ok]
    session.flush()
    after = issue_status(session, issue_id)
    refresh_issue_status(session, [issue_id])
    audit.record(session, actor=who, entity="issue", entity_id=issue_id, action="status", from_value=before,
                 to_value=after, outcome="ok" if not failed else "conflict",
                 note=f"{moved} dari {len(seen)} sebutan ditangani ({scope.label})" + (f": {note}" if note else ""))
    if failed and not moved:
        return False, failed[0].message
    message = f"{moved} sebutan diubah menjadi 'Ditangani'."
    if failed:
        message += f" {len(failed)} sebutan tidak diubah karena sudah diubah orang lain; muat ulang."
    if after == "terbuka":
        message += " Isu tetap terbuka: masih ada sebutan yang belum ditangani (di luar tampilan ini atau unit lain)."
    return True, message
