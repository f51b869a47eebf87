"""Reading mentions for the inbox: filters, ordering, and age against each unit's SLA."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from sqlalchemy import Select, and_, bindparam, func, literal_column, or_, select
from sqlalchemy.orm import Session

from lib import targets
from lib.formatting import local_label
from lib.models import FLAGGED_SQL, OPEN_STATUSES, Account, Mention, Unit, utcnow
from lib.scope import Scope

INBOX_COLUMNS = [
    "id", "version", "created_at", "local_time", "platform", "unit", "unit_id", "account", "author", "text", "url",
    "sentiment", "flags", "function", "status", "forwarded_to", "answered_at", "answered_by",
    "sla_minutes", "age_minutes", "overdue", "sentiment_score",
]


@dataclass
class MentionFilter:
    statuses: list[str] = field(default_factory=list)
    sentiments: list[str] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    since: datetime | None = None
    until: datetime | None = None
    text: str = ""
    unanswered_only: bool = False
    review_below: float | None = None  # only "perlu ditinjau": the analyser's confidence under this
    order: str = "newest"  # newest | oldest_unanswered


def unanswered_clause():
    """Open and not yet answered (by a reply seen through the API or by an admin).

    The statuses are rendered inline, not as bound parameters, so that the database can match this
    condition to the partial index `ix_mentions_unanswered` (SQLite only matches literal terms)."""
    open_statuses = bindparam("open_statuses", list(OPEN_STATUSES), expanding=True, literal_execute=True)
    return (Mention.answered_at.is_(None)) & (Mention.status.in_(open_statuses))


def in_backlog_at(at: datetime):
    """Unanswered and open at `at`. Every change (status, answer) bumps `updated_at`, so a mention
    that left the backlog after `at` has `updated_at > at`: the candidates are today's backlog (a
    small partial index) plus what changed since `at` (the `updated_at` index), never the whole table."""
    return and_(or_(unanswered_clause(), Mention.updated_at > at), Mention.created_at < at,
                or_(Mention.answered_at.is_(None), Mention.answered_at > at),
                or_(Mention.status.in_(OPEN_STATUSES), Mention.updated_at > at))


def backlog_parts(at: datetime) -> list:
    """`in_backlog_at` as two disjoint parts, each read index-only: what is open now (the small
    partial index), and what left the backlog after `at` (`ix_mentions_updated_cover`)."""
    return [and_(unanswered_clause(), Mention.created_at < at),
            and_(~unanswered_clause(), Mention.updated_at > at, Mention.created_at < at,
                 or_(Mention.answered_at.is_(None), Mention.answered_at > at))]


def has_flag(flag: str):
    """`Mention.flags` (a sorted comma-separated list; flag names are not substrings of each other)
    holds `flag`. The literal `flags <> ''` lets both databases read the small partial index of
    flagged mentions (`ix_mentions_flagged`, 0015_speed) instead of every mention of the range."""
    return and_(literal_column(f"mentions.{FLAGGED_SQL}"), Mention.flags.contains(flag, autoescape=True))


def _filtered(scope: Scope, flt: MentionFilter) -> Select:
    # A mention tagging several units is listed once, under its target inside the scope (lib/targets.py).
    q = (
        select(Mention, Unit.short_name, Unit.sla_minutes, Unit.timezone, Account.handle, Unit.id)
        .select_from(Mention)
        .join(Unit, Unit.id == targets.shown_unit(scope))
        .outerjoin(Account, Account.id == Mention.account_id)
        .where(targets.in_scope(scope))
    )
    if flt.statuses:
        q = q.where(Mention.status.in_(flt.statuses))
    if flt.sentiments:
        q = q.where(Mention.sentiment.in_(flt.sentiments))
    if flt.platforms:
        q = q.where(Mention.platform.in_(flt.platforms))
    for flag in flt.flags:
        q = q.where(has_flag(flag))
    if flt.since:
        q = q.where(Mention.created_at >= flt.since)
    if flt.until:
        q = q.where(Mention.created_at < flt.until)
    if flt.text.strip():
        needle = flt.text.strip().lower()
        q = q.where(or_(func.lower(Mention.text).contains(needle, autoescape=True),
                        func.lower(Mention.author_handle).contains(needle, autoescape=True)))
    if flt.unanswered_only:
        q = q.where(unanswered_clause())
    if flt.review_below is not None:
        q = q.where(Mention.sentiment_score < flt.review_below)
    if flt.order == "oldest_unanswered":
        q = q.order_by(Mention.answered_at.is_not(None), Mention.created_at.asc())
    else:
        q = q.order_by(Mention.created_at.desc(), Mention.id.desc())
    return q


def count_mentions(session: Session, scope: Scope, flt: MentionFilter, cap: int | None = None) -> int:
    """How many mentions match; with `cap`, counting stops there (the inbox shows "10.000+"): an
    exact count of a national fortnight reads every matching row, which grows with the traffic."""
    query = _filtered(scope, flt).order_by(None)
    if cap is not None:
        query = query.limit(cap)
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def list_mentions(session: Session, scope: Scope, flt: MentionFilter, default_sla: int,
                  limit: int = 200, offset: int = 0, now: datetime | None = None) -> pd.DataFrame:
    """One page of the inbox as a frame (typed columns; the view formats them)."""
    now = now or utcnow()
    rows = []
    for m, unit_name, unit_sla, unit_tz, handle, shown in session.execute(_filtered(scope, flt).limit(limit).offset(offset)):
        sla = unit_sla or default_sla
        end = m.answered_at or now
        age = (end - m.created_at).total_seconds() / 60
        rows.append(dict(
            id=m.id, version=m.version, created_at=m.created_at,
            local_time=local_label(m.created_at, unit_tz), platform=m.platform, unit=unit_name,
            unit_id=shown, account=handle, author=m.author_handle or m.author_name or "",
            text=m.text, url=m.url, sentiment=m.sentiment, flags=m.flags, function=m.function,
            status=m.status, forwarded_to=m.forwarded_to, answered_at=m.answered_at,
            answered_by=m.answered_by, sla_minutes=sla, age_minutes=round(age, 1),
            overdue=bool(m.answered_at is None and m.status in OPEN_STATUSES and age > sla),
            sentiment_score=m.sentiment_score,
        ))
    frame = pd.DataFrame(rows, columns=INBOX_COLUMNS)
    for col in ("created_at", "answered_at"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    return frame


def get_mention(session: Session, scope: Scope, mention_id: int) -> Mention | None:
    """One mention, or None when it does not exist or lies outside the scope."""
    m = session.get(Mention, mention_id, populate_existing=True)
    if m is None:
        return None
    return m if targets.unit_in_scope(session, scope, m) is not None else None
