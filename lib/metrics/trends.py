"""Per local day figures for the trend charts."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import (
    and_,
    case,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased

from lib import daily
from lib.mentions import unanswered_clause
from lib.metrics.counts import _stored_rows, live_ranges, widened
from lib.metrics.overlap import trend_extra
from lib.metrics.sql import (
    Period,
    SlaPolicy,
    count_if,
    frame_of,
    in_scope,
    local_day,
    local_midnight_utc,
    response_seconds,
    split,
    ts,
)
from lib.models import DailyCount, Mention, Unit, utcnow
from lib.scope import Scope


def daily_trend(session: Session, scope: Scope, sla: SlaPolicy | int, days: int,
                now: datetime | None = None, stored_days: bool = True) -> pd.DataFrame:
    """Per local calendar day (each mention on its own unit's day) for the last `days` days, today
    included: mentions, answered within the unit's SLA, negative, still unanswered. Whole days come
    from `daily_counts` (as in `unit_counts`; `stored_days=False` scans everything live), the rest is
    one grouped scan; per-day percentiles are left out on purpose (a sort of every answered mention
    of 90 days)."""
    policy = SlaPolicy.of(sla)
    now = now or utcnow()
    unit = aliased(Unit)
    zones = list(session.scalars(select(Unit.timezone).where(scope.unit_clause()).distinct())) or ["Asia/Jakarta"]
    since = min(local_midnight_utc(z, now) for z in zones) - timedelta(days=days - 1)
    period = Period(since, now)
    first_day = min(now.astimezone(ZoneInfo(z)).date() for z in zones) - timedelta(days=days - 1)
    last_day = max(now.astimezone(ZoneInfo(z)).date() for z in zones)
    splits = [split(z, since, now) if stored_days else None for z in zones]
    if any(splits):
        daily.refresh(session, policy.first_response_minutes)
    splits = widened(zones, splits, period)  # today's stored row, less what lies after now
    day = local_day(session, scope, period, unit)
    secs = response_seconds(session.get_bind().dialect.name)
    unit_sla = func.coalesce(unit.sla_minutes, policy.first_response_minutes) * 60
    in_period = and_(Mention.created_at >= ts(since), Mention.created_at < ts(now))

    def stored_(sp):
        return and_(Mention.created_at >= ts(sp.start), Mention.created_at < ts(sp.end))

    # Live: what is in the period but not stored (added) or stored but outside the period (subtracted).
    live = or_(*[and_(unit.timezone == z, or_(and_(in_period, ~stored_(sp)), and_(~in_period, stored_(sp)))
                      if sp else in_period) for z, sp in zip(zones, splits, strict=True)])
    sign = case((in_period, 1), else_=-1).label("sign")
    rows = []
    for lo, hi in live_ranges(period, splits):  # one query per bounded range, as in `unit_counts`
        signed = session.execute(
            select(day.label("day"), sign, func.count().label("mentions"),
                   count_if(and_(Mention.answered_at.is_not(None), secs <= unit_sla)).label("within_sla"),
                   count_if(Mention.sentiment == "negative").label("negative"),
                   count_if(unanswered_clause()).label("unanswered"))
            # `unit_id + 0`: SQLite then walks the short created_at range and looks each unit up,
            # instead of seeking every unit's index range (5,539 seeks nationally).
            .join(unit, unit.id == Mention.unit_id + 0)
            .where(Mention.created_at >= ts(lo), Mention.created_at < ts(hi), in_scope(scope), live)
            .group_by(day, sign)
        ).all()
        rows += [(r[0], *(int(v) * int(r[1]) for v in r[2:])) for r in signed]
    d = DailyCount
    if any(splits):
        rows += session.execute(
            select(d.day, func.sum(d.mentions), func.sum(d.within_sla), func.sum(d.negative), func.sum(d.unanswered))
            .where(_stored_rows(scope, zones, splits)).group_by(d.day)
        ).all()
    counts = frame_of(rows, ["day", "mentions", "within_sla", "negative", "unanswered"])
    if scope.path_prefix != "/":  # mentions here only through a further target (nationally none)
        extra = trend_extra(session, select(Unit.id).where(scope.unit_clause()), policy, since, now)
        counts = pd.concat([counts, extra], ignore_index=True) if len(extra) else counts
    counts = counts.groupby("day", as_index=False).sum()
    frame = pd.DataFrame({"day": [str(first_day + timedelta(days=i))
                                  for i in range((last_day - first_day).days + 1)]})
    frame = frame.merge(counts, on="day", how="left")
    for col in ("mentions", "within_sla", "negative", "unanswered"):
        frame[col] = frame[col].fillna(0).astype(int)
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    frame["negative_share"] = (frame["negative"] / frame["mentions"].where(frame["mentions"] > 0)).astype(float)
    frame["within_sla_share"] = (frame["within_sla"] / frame["mentions"].where(frame["mentions"] > 0)).astype(float)
    return frame
