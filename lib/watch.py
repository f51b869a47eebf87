"""What the command room watches: figures against the same hours last week, what is burning now,
the unhandled urgent and negative items, the backlog per unit on a map, and where the national
backlog sits (Polsek, Polres, Polda or Mabes accounts).

Read-only and scope-bound like `lib.metrics`, whose definitions it reuses; one meaning of "N hari"
for every figure and the trend: the last N local calendar days in the scope's zones, today (a
partial day) included (`calendar_period`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import and_, case, false, func, or_, select
from sqlalchemy.orm import Session

from lib import metrics, snapshots, targets
from lib.mentions import MentionFilter, backlog_parts, has_flag, in_backlog_at, list_mentions, unanswered_clause
from lib.metrics import Period, SlaPolicy
from lib.metrics.counts import scope_totals
from lib.metrics.dashboards import scope_percentiles
from lib.models import Issue, Mention, MentionTarget, Unit, utcnow
from lib.scope import Scope

WEEK = timedelta(days=7)
SMALL_SCOPE = 200  # units: a Polres has ~11
DAY = timedelta(days=1)
LEVEL_LABELS = {"mabes": "Mabes", "polda": "Polda", "polres": "Polres", "polsek": "Polsek"}


def _zones(session: Session, scope: Scope) -> list[str]:
    return sorted(session.scalars(select(Unit.timezone).where(scope.unit_clause()).distinct())) or ["Asia/Jakarta"]


def scope_zone(session: Session, scope: Scope) -> str:
    """The zone the wall's clock shows: the scope root's zone (WIB nationally)."""
    if scope.root_unit_id is None:
        return "Asia/Jakarta"
    return session.scalar(select(Unit.timezone).where(Unit.id == scope.root_unit_id)) or "Asia/Jakarta"


def scope_level(session: Session, scope: Scope) -> str:
    if scope.root_unit_id is None:
        return "mabes"
    return session.scalar(select(Unit.level).where(Unit.id == scope.root_unit_id)) or "mabes"


def calendar_period(session: Session, scope: Scope, days: int, now: datetime | None = None) -> Period:
    """The last `days` local calendar days, today included up to `now`: from the earliest local
    midnight among the scope's zones, `days - 1` days back (exactly the days the daily trend shows)."""
    now = now or utcnow()
    since = min(metrics.local_midnight_utc(z, now) for z in _zones(session, scope)) - timedelta(days=days - 1)
    return Period(since, now)


def _in_scope(scope: Scope):
    """A mention belongs to a scope through any of its targets (lib/targets.py)."""
    return targets.in_scope(scope)


def _count(session: Session, *conditions) -> int:
    return int(session.scalar(select(func.count()).select_from(Mention).where(*conditions)) or 0)


def _has_flag(flag: str):
    return has_flag(flag)


def backlog_at(session: Session, scope: Scope, sla: SlaPolicy | int, at: datetime) -> tuple[int, int]:
    """(unanswered, overdue) as they stood at `at`, reconstructed from today's rows: created before
    `at`, not answered by then, and not closed by then (a mention closed without an answer counts
    as closed at its last update). At `at = now` this is exactly the live backlog of `lib.metrics`."""
    policy = SlaPolicy.of(sla)
    unit = Unit.__table__.c
    sla_col = func.coalesce(unit.sla_minutes, policy.first_response_minutes)
    slas = [int(m) for m in session.scalars(select(sla_col).where(scope.unit_clause()).distinct())]
    overdue = or_(*[and_(sla_col == m, Mention.created_at < at - timedelta(minutes=m)) for m in slas]) if slas \
        else false()
    parts = backlog_parts(at)
    # A small scope by its units' ids, its own mentions apart from those it holds only as a further
    # target: the planner then reads each unit's index range instead of the whole week of
    # `updated_at` (0.9 s for one Polres at 10M mentions).
    ids = list(session.scalars(select(Unit.id).where(scope.unit_clause()).limit(SMALL_SCOPE + 1))) \
        if scope.path_prefix != "/" else []
    if 0 < len(ids) <= SMALL_SCOPE:
        further = select(MentionTarget.mention_id).where(MentionTarget.unit_id.in_(ids))
        scopes = [Mention.unit_id.in_(ids), and_(Mention.unit_id.not_in(ids), Mention.id.in_(further))]
    else:
        scopes = [_in_scope(scope)]
    total = [0, 0]
    for part, scoped in ((p, sc) for p in parts for sc in scopes):
        row = session.execute(
            select(func.count(), func.coalesce(func.sum(case((overdue, 1), else_=0)), 0))
            .select_from(Mention).join(Unit.__table__, unit.id == Mention.unit_id).where(part, scoped)
        ).one()
        total = [total[0] + int(row[0]), total[1] + int(row[1])]
    return total[0], total[1]


def mentions_so_far_today(session: Session, scope: Scope, at: datetime) -> int:
    """Mentions from each unit's local midnight up to `at` (each unit in its own zone): one range
    from the earliest midnight, each row judged on its unit's zone."""
    midnights = {zone: metrics.local_midnight_utc(zone, at) for zone in _zones(session, scope)}
    since = min(midnights.values())
    unit = Unit.__table__.c
    today = or_(*[and_(unit.timezone == zone, Mention.created_at >= m) for zone, m in midnights.items()])
    return int(session.scalar(
        select(func.count()).select_from(Mention).join(Unit.__table__, unit.id == Mention.unit_id)
        .where(Mention.created_at >= since, Mention.created_at < at, today, scope.unit_clause())) or 0)


@dataclass(frozen=True)
class PeriodFigures:
    mentions: int
    negative: int
    negative_share: float | None
    within_sla_share: float | None
    median_minutes: float | None


def period_figures(session: Session, scope: Scope, sla: SlaPolicy | int, period: Period) -> PeriodFigures:
    """The period's mentions, negative share, within-SLA share and median first response, with the
    definitions of `lib.metrics` (pending as of the period's end)."""
    # Only "pending" of the backlog is used here: the SLA window before the period's end, not a
    # further scan of the whole open backlog (the dashboard next to it has read that already).
    counts = metrics.unit_counts(session, scope, sla, period, now=period.until, pending_only=True)
    total = scope_totals(counts)  # a mention tagging several units in scope counts once
    # As the dashboard's own median: exact for a small scope, the stored histograms for a large one.
    pct = scope_percentiles(session, scope, sla, period, counts, period.until)
    judged = int(total["mentions"] - total["pending"])
    mentions = int(total["mentions"])
    return PeriodFigures(
        mentions=mentions,
        negative=int(total["negative"]),
        negative_share=int(total["negative"]) / mentions if mentions else None,
        within_sla_share=int(total["within_sla"]) / judged if judged else None,
        median_minutes=float(pct["median_minutes"].iloc[0]) if len(pct) else None,
    )


@dataclass(frozen=True)
class WeekAgo:
    """The headline figures as they were one week before `now` (for "+12% dibanding minggu lalu")."""

    at: datetime
    mentions_today: int  # the same hours of the same weekday last week
    unanswered: int
    overdue: int
    period: PeriodFigures  # the same calendar period shifted one week back
    stored: bool = False  # read from the snapshot the sync worker stored then (lib/snapshots.py)


def _snapshot(session: Session, scope: Scope, sla: SlaPolicy | int | None, days: int | None, at: datetime):
    """The stored headline snapshot of `at` for a national or Polda scope (None: reconstruct). Not
    one taken before a local midnight that `at` is past: "today" would mean another day."""
    key = snapshots.scope_key(session, scope)
    if key is None:
        return None
    midnight = max(metrics.local_midnight_utc(z, at) for z in _zones(session, scope))
    return snapshots.lookup(session, key, days, sla, at, not_before=midnight)


def week_ago(session: Session, scope: Scope, sla: SlaPolicy | int, period: Period, days: int | None = None) -> WeekAgo:
    """Last week's side of every headline figure of `period` (which ends now; `days` is its
    calendar length): the worker's snapshot of that moment when there is one, else reconstructed
    from today's rows (the snapshot's `at` is then its own 5-minute mark)."""
    at = period.until - WEEK
    snap = _snapshot(session, scope, sla, days, at) if days is not None else None
    if snap is not None:
        mentions = snap.period_mentions
        return WeekAgo(at=snap.taken_at, mentions_today=snap.mentions_today, unanswered=snap.unanswered,
                       overdue=snap.overdue, stored=True,
                       period=PeriodFigures(mentions=mentions, negative=snap.period_negative,
                                            negative_share=snap.period_negative / mentions if mentions else None,
                                            within_sla_share=snap.within_sla_share,
                                            median_minutes=snap.median_minutes))
    unanswered, overdue = backlog_at(session, scope, sla, at)
    return WeekAgo(at=at, mentions_today=mentions_so_far_today(session, scope, at), unanswered=unanswered,
                   overdue=overdue,
                   period=period_figures(session, scope, sla, Period(period.since - WEEK, at)))


@dataclass(frozen=True)
class GrowingIssue:
    issue_id: int
    title: str
    last_day: int  # mentions in the last 24 hours
    day_before: int  # mentions in the 24 hours before


@dataclass(frozen=True)
class Burning:
    """The "what is burning" strip: counts now, with last week's same window where it means something."""

    urgent_unanswered: int
    urgent_unanswered_week_ago: int
    complaints_24h: int  # flag "keluhan": complaints about a unit's own service or an officer
    complaints_24h_week_ago: int
    hoax_hate_24h: int  # hoax or SARA / hate speech
    hoax_hate_24h_week_ago: int
    growing: GrowingIssue | None


def _flag_count(session: Session, scope: Scope, flags: tuple[str, ...], since: datetime, until: datetime) -> int:
    return _count(session, or_(*[_has_flag(f) for f in flags]), Mention.created_at >= since,
                  Mention.created_at < until, _in_scope(scope))


def _urgent_unanswered_at(session: Session, scope: Scope, at: datetime) -> int:
    return _count(session, _has_flag("urgent"), in_backlog_at(at), _in_scope(scope))


def fastest_growing_issue(session: Session, scope: Scope, now: datetime) -> GrowingIssue | None:
    """The open issue whose mentions in scope grew most in the last 24 hours against the 24 before."""
    recent = func.sum(func.cast(Mention.created_at >= now - DAY, Mention.version.type))
    rows = session.execute(
        select(Issue.id, Issue.title, recent.label("last_day"), func.count().label("both"))
        .join(Mention, Mention.issue_id == Issue.id)
        .where(Issue.status == "terbuka", Mention.created_at >= now - 2 * DAY, Mention.created_at < now,
               _in_scope(scope))
        .group_by(Issue.id, Issue.title)
    ).all()
    best = None
    for issue_id, title, last_day, both in rows:
        last_day, before = int(last_day or 0), int(both) - int(last_day or 0)
        key = (last_day - before, last_day, -issue_id)
        if last_day > 0 and (best is None or key > best[0]):
            best = (key, GrowingIssue(issue_id, title, last_day, before))
    return best[1] if best else None


def burning(session: Session, scope: Scope, now: datetime | None = None) -> Burning:
    """Counts now; last week's from the worker's snapshot of that moment when there is one."""
    now = now or utcnow()
    ago = now - WEEK
    snap = _snapshot(session, scope, None, None, ago)
    if snap is not None:
        week_ago_counts = (snap.urgent_unanswered, snap.complaints_24h, snap.hoax_hate_24h)
    else:
        week_ago_counts = (_urgent_unanswered_at(session, scope, ago),
                           _flag_count(session, scope, ("keluhan",), ago - DAY, ago),
                           _flag_count(session, scope, ("hoax", "hate"), ago - DAY, ago))
    return Burning(
        urgent_unanswered=_count(session, _has_flag("urgent"), unanswered_clause(), _in_scope(scope)),
        urgent_unanswered_week_ago=week_ago_counts[0],
        complaints_24h=_flag_count(session, scope, ("keluhan",), now - DAY, now),
        complaints_24h_week_ago=week_ago_counts[1],
        hoax_hate_24h=_flag_count(session, scope, ("hoax", "hate"), now - DAY, now),
        hoax_hate_24h_week_ago=week_ago_counts[2],
        growing=fastest_growing_issue(session, scope, now),
    )


def unhandled_alerts(session: Session, scope: Scope, sla: SlaPolicy | int, limit: int = 8,
                     now: datetime | None = None, days: int = 7) -> pd.DataFrame:
    """Unanswered open mentions that are urgent (any age: the same set the burning strip counts) or
    negative (last `days` days): urgent first, then newest first. The inbox frame of
    `lib.mentions.list_mentions` plus `urgent`."""
    now = now or utcnow()
    minutes = SlaPolicy.of(sla).first_response_minutes
    since = now - timedelta(days=days)
    urgent = list_mentions(session, scope, MentionFilter(flags=["urgent"], unanswered_only=True), minutes,
                           limit=limit, now=now)
    negative = list_mentions(session, scope, MentionFilter(sentiments=["negative"], unanswered_only=True,
                                                           since=since), minutes, limit=limit, now=now)
    frames = [f for f in (urgent, negative) if not f.empty]
    if not frames:
        return urgent.assign(urgent=pd.Series(dtype=bool))
    out = pd.concat(frames).drop_duplicates("id")
    out["urgent"] = out["flags"].fillna("").str.split(",").map(lambda f: "urgent" in f)
    out = out.sort_values(["urgent", "created_at"], ascending=[False, False]).head(limit)
    return out.reset_index(drop=True)


def unanswered_by_account_level(session: Session, scope: Scope,
                                board: metrics.Dashboard | None = None) -> dict[str, int]:
    """Unanswered mentions by the level of the account they were addressed to (Mabes, Polda, Polres,
    Polsek): how the national total splits, so the Polsek chart and the Polda table reconcile. With
    the scope's `board`, from the backlog it read (one scan of the open backlog per page run)."""
    if board is not None and board.open_by_level is not None:
        return {level: board.open_by_level.get(level, 0) for level in LEVEL_LABELS}
    rows = session.execute(
        select(Unit.level, func.count()).select_from(Mention).join(Unit, Unit.id == Mention.unit_id)
        .where(unanswered_clause(), scope.unit_clause()).group_by(Unit.level)
    ).all()
    out = {level: 0 for level in LEVEL_LABELS}
    for level, n in rows:
        out[level] = int(n)
    return out


def backlog_map(session: Session, scope: Scope, sla: SlaPolicy | int, now: datetime | None = None) -> pd.DataFrame:
    """The units one level below the scope's root (Polsek for a Polres) that have coordinates, with
    their subtree's unanswered and overdue counts: the map's points. Columns unit_id, name, level,
    lat, lon, unanswered, overdue."""
    now = now or utcnow()
    level = metrics.league_level(session, scope)
    rolled = metrics.rollup(session, scope, sla, now, period_days=0)  # the backlog only: no period to scan
    return map_points(rolled[rolled["level"] == level], unit_coordinates(session, scope))


def unit_coordinates(session: Session, scope: Scope) -> pd.DataFrame:
    """unit_id, lat, lon of the units in scope that have coordinates."""
    return pd.DataFrame(session.execute(
        select(Unit.id, Unit.lat, Unit.lon).where(scope.unit_clause(), Unit.lat.is_not(None), Unit.lon.is_not(None))
    ).all(), columns=["unit_id", "lat", "lon"])


def map_points(league: pd.DataFrame, coords: pd.DataFrame) -> pd.DataFrame:
    """`backlog_map` from rows already rolled up (a dashboard's league: the same units and backlog
    figures), so the overview page does not count the backlog a second time."""
    out = league[["unit_id", "name", "level", "unanswered", "overdue"]].merge(coords, on="unit_id")
    return out[["unit_id", "name", "level", "lat", "lon", "unanswered", "overdue"]].reset_index(drop=True)


def local_now(tz: str, now: datetime | None = None) -> datetime:
    return (now or utcnow()).astimezone(ZoneInfo(tz))
