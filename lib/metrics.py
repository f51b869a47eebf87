"""Command-room figures: today per unit time zone, unanswered, overdue against each unit's SLA,
response times, negative share, verified share, rolled up the unit tree. SQL aggregates only."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlalchemy.orm import Session

from lib.accounts import compliance_by_unit
from lib.mentions import unanswered_clause
from lib.models import Mention, SyncRun, Unit, utcnow
from lib.scope import Scope


def local_midnight_utc(tz: str, now: datetime) -> datetime:
    """Start of the current day in zone `tz`, as an aware UTC datetime."""
    local = now.astimezone(ZoneInfo(tz))
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(ZoneInfo("UTC"))


def _today_start(session: Session, now: datetime) -> ColumnElement:
    """Per-row start of "today" in the mention's unit zone (a CASE over the zones in use)."""
    zones = list(session.scalars(select(Unit.timezone).distinct()))
    whens = [(Unit.timezone == tz, literal(local_midnight_utc(tz, now), type_=Mention.created_at.type))
             for tz in zones]
    default = literal(local_midnight_utc("Asia/Jakarta", now), type_=Mention.created_at.type)
    return case(*whens, else_=default) if whens else default


def _overdue_cutoff(session: Session, now: datetime, default_sla: int) -> ColumnElement:
    """Per-row time before which an unanswered mention is overdue (unit SLA or the default)."""
    slas = [s for s in session.scalars(select(Unit.sla_minutes).distinct()) if s]
    whens = [(Unit.sla_minutes == s, literal(now - timedelta(minutes=s), type_=Mention.created_at.type))
             for s in slas]
    default = literal(now - timedelta(minutes=default_sla), type_=Mention.created_at.type)
    return case(*whens, else_=default) if whens else default


def _count_if(cond: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


@dataclass(frozen=True)
class Overview:
    mentions_today: int
    unanswered: int
    overdue: int
    median_response_minutes: float | None
    negative_share: float | None
    verified_share: float | None
    period_mentions: int
    last_sync: datetime | None


def per_unit(session: Session, scope: Scope, now: datetime, default_sla: int, since: datetime) -> pd.DataFrame:
    """Per-unit counts for units that have mentions: today, open unanswered, overdue, negative."""
    unanswered = unanswered_clause()
    q = (
        select(
            Mention.unit_id,
            _count_if(Mention.created_at >= _today_start(session, now)).label("today"),
            _count_if(unanswered).label("unanswered"),
            _count_if(and_(unanswered, Mention.created_at < _overdue_cutoff(session, now, default_sla)))
            .label("overdue"),
            _count_if(Mention.created_at >= since).label("period"),
            _count_if(and_(Mention.created_at >= since, Mention.sentiment == "negative")).label("negative"),
        )
        .join(Unit, Unit.id == Mention.unit_id)
        .where(scope.unit_clause())
        .group_by(Mention.unit_id)
    )
    cols = ["unit_id", "today", "unanswered", "overdue", "period", "negative"]
    return pd.DataFrame(session.execute(q).all(), columns=cols)


def response_minutes(session: Session, scope: Scope, since: datetime) -> list[float]:
    rows = session.execute(
        select(Mention.created_at, Mention.answered_at)
        .join(Unit, Unit.id == Mention.unit_id)
        .where(scope.unit_clause(), Mention.created_at >= since, Mention.answered_at.is_not(None))
    ).all()
    return [max(0.0, (a - c).total_seconds() / 60) for c, a in rows]


def last_sync(session: Session) -> datetime | None:
    return session.scalar(select(func.max(SyncRun.finished_at)).where(SyncRun.ok))


def overview(session: Session, scope: Scope, default_sla: int, period_days: int = 7,
             now: datetime | None = None) -> Overview:
    now = now or utcnow()
    since = now - timedelta(days=period_days)
    units = per_unit(session, scope, now, default_sla, since)
    responses = response_minutes(session, scope, since)
    comp = compliance_by_unit(session, scope)
    period = int(units["period"].sum())
    return Overview(
        mentions_today=int(units["today"].sum()),
        unanswered=int(units["unanswered"].sum()),
        overdue=int(units["overdue"].sum()),
        median_response_minutes=statistics.median(responses) if responses else None,
        negative_share=(int(units["negative"].sum()) / period) if period else None,
        verified_share=float(comp["compliant"].mean()) if len(comp) else None,
        period_mentions=period,
        last_sync=last_sync(session),
    )


def unanswered_by_polsek(session: Session, scope: Scope, default_sla: int, now: datetime | None = None,
                         limit: int = 25) -> pd.DataFrame:
    """Polsek with unanswered mentions, worst first, split into overdue and still within SLA."""
    now = now or utcnow()
    frame = per_unit(session, scope, now, default_sla, now - timedelta(days=1))
    names = pd.DataFrame(
        session.execute(select(Unit.id, Unit.short_name, Unit.name).where(scope.unit_clause(),
                                                                          Unit.level == "polsek")).all(),
        columns=["unit_id", "short_name", "name"],
    )
    out = names.merge(frame, on="unit_id", how="left").fillna(0)
    out["within_sla"] = out["unanswered"] - out["overdue"]
    out = out[out["unanswered"] > 0].sort_values(["unanswered", "overdue"], ascending=False).head(limit)
    return out[["unit_id", "short_name", "name", "unanswered", "overdue", "within_sla"]].astype(
        {"unanswered": int, "overdue": int, "within_sla": int})


def rollup(session: Session, scope: Scope, default_sla: int, now: datetime | None = None,
           period_days: int = 7) -> pd.DataFrame:
    """Every unit in scope with its own counts plus its whole subtree's (Polsek → Polres → Polda)."""
    now = now or utcnow()
    counts = per_unit(session, scope, now, default_sla, now - timedelta(days=period_days)).set_index("unit_id")
    units = session.execute(
        select(Unit.id, Unit.name, Unit.level, Unit.path, Unit.parent_id).where(scope.unit_clause())
    ).all()
    rows = []
    for u in units:
        ids = [v.id for v in units if v.path.startswith(u.path)]
        sub = counts.reindex(ids).fillna(0).sum()
        rows.append(dict(unit_id=u.id, name=u.name, level=u.level, parent_id=u.parent_id, path=u.path,
                         **{k: int(sub[k]) for k in ("today", "unanswered", "overdue", "period", "negative")}))
    return pd.DataFrame(rows)
