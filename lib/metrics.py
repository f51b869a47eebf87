"""Command-room figures per unit and rolled up Polsek → Polres → Polda → national, for any period.

Everything is a SQL aggregate over an index; only per-unit (or per-unit-and-bucket) or per-day rows
come back to Python:

- `unit_counts`: whole local days from `daily_counts` (lib/daily.py), the partial days at the
  period's edges scanned live grouped by unit and zone-boundary bucket (mentions, today in each
  unit's own zone, answered, answered within the unit's SLA, negative), plus one scan of the open
  backlog (a partial index), grouped by unit. Counts are additive, so they roll up the tree
  (`rolled_up`, through each unit's ancestor ids) in linear time.
- `response_percentiles`: median and 90th percentile of first-response time, exact, with window
  functions (`row_number` over the sorted response seconds). Percentiles do not add up, so each
  grouping (national, per Polda, per Polres, per day) is its own query.
- `verified_compliance`: per unit, whether it holds a verified account on every mandated platform.

Definitions (the same on SQLite and PostgreSQL):
- response time: whole seconds between `created_at` and `answered_at` (both truncated to the second);
- unanswered: `lib.mentions.unanswered_clause()`, counted as of now over all time (the backlog does
  not disappear when the period moves on); overdue: unanswered and older than the unit's SLA;
  over the hard limit: unanswered and older than the national hard limit (24 hours by default);
- within-SLA share: mentions of the period answered within their unit's SLA, over the period's
  mentions that are no longer pending (pending = still open, unanswered and younger than the SLA);
- "today" and trend days are calendar days in each unit's own zone (WIB, WITA, WIT).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import chain
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    case,
    extract,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session, aliased

from lib.accounts import accepted_x_types, mandate_platforms
from lib.db import plain_rows
from lib.mentions import unanswered_clause
from lib.models import Account, Mention, SyncRun, Unit, utcnow
from lib.scope import Scope

UTC = ZoneInfo("UTC")
COUNT_COLUMNS = ["mentions", "today", "answered", "within_sla", "pending", "negative", "unanswered",
                 "overdue", "over_hard_limit"]
GROUP_LEVELS = ("polda", "polres", "polsek")


@dataclass(frozen=True)
class SlaPolicy:
    """First response expected within `first_response_minutes` (a unit may set its own); nothing may
    stay unanswered past `hard_limit_minutes`."""

    first_response_minutes: int = 60
    hard_limit_minutes: int = 24 * 60

    @classmethod
    def of(cls, sla: SlaPolicy | int) -> SlaPolicy:
        return sla if isinstance(sla, SlaPolicy) else cls(first_response_minutes=int(sla))


@dataclass(frozen=True)
class Period:
    """A half-open UTC interval [since, until)."""

    since: datetime
    until: datetime

    @classmethod
    def last_days(cls, days: int, now: datetime | None = None) -> Period:
        now = now or utcnow()
        return cls(now - timedelta(days=days), now)


def local_midnight_utc(tz: str, now: datetime) -> datetime:
    """Start of the current day in zone `tz`, as an aware UTC datetime."""
    local = now.astimezone(ZoneInfo(tz))
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def _count_if(cond: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def _ts(value: datetime) -> ColumnElement:
    return literal(value, type_=Mention.created_at.type)


def response_seconds(dialect: str) -> ColumnElement[int]:
    """Whole seconds from mention to first answer, computed identically on both backends (each
    timestamp truncated to the second). SQLite's `unixepoch()` (3.38+) is the same value as the
    `strftime('%s')` difference at about half the cost per row."""
    if dialect == "postgresql":
        def epoch(col):
            return extract("epoch", func.date_trunc("second", col))
        return (epoch(Mention.answered_at) - epoch(Mention.created_at)).cast(Integer)
    if sqlite3.sqlite_version_info >= (3, 38):
        return func.unixepoch(Mention.answered_at) - func.unixepoch(Mention.created_at)
    return (func.strftime("%s", Mention.answered_at) - func.strftime("%s", Mention.created_at)).cast(Integer)


def _in_scope(scope: Scope) -> ColumnElement[bool]:
    """Mentions of units in scope, without joining units (the national scope is no filter at all)."""
    if scope.path_prefix == "/":
        return true()
    return Mention.unit_id.in_(select(Unit.id).where(scope.unit_clause()).scalar_subquery())


def units_frame(session: Session, scope: Scope) -> pd.DataFrame:
    """Every active unit in scope (a few thousand rows at national scale), with its grandparent and
    great-grandparent ids (active or not): the tree is Mabes → Polda → Polres → Polsek, so a unit
    and those three ids are its whole chain of ancestors (see `rolled_up`)."""
    t, parent, grand = Unit.__table__.c, aliased(Unit), aliased(Unit)
    _, rows = plain_rows(session, select(t.id, t.name, t.short_name, t.level, t.parent_id, t.path, t.timezone,
                                         t.sla_minutes, parent.parent_id, grand.parent_id)
                         .select_from(Unit.__table__)
                         .outerjoin(parent, parent.id == t.parent_id).outerjoin(grand, grand.id == parent.parent_id)
                         .where(t.path.startswith(scope.path_prefix, autoescape=True), t.active).order_by(t.path))
    return _frame(rows, ["unit_id", "name", "short_name", "level", "parent_id", "path", "timezone", "sla_minutes",
                         "grand_id", "great_id"])


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    """A frame from result rows (plain tuples: pandas inspects Row objects one by one, slowly)."""
    return pd.DataFrame.from_records([tuple(r) for r in rows], columns=columns)


def unit_counts(session: Session, scope: Scope, sla: SlaPolicy | int, period: Period,
                now: datetime | None = None, units: pd.DataFrame | None = None,
                stored_days: bool = True) -> pd.DataFrame:
    """Additive counts per unit in scope (zeros for quiet units): see the module doc for definitions.

    Whole local days inside the period come from `daily_counts` (lib/daily.py, refreshed first);
    the partial days at both ends are scanned live, each unit on its own zone's day boundaries.
    `stored_days=False` scans the whole period live (the reference the tests compare against)."""
    from lib import daily

    policy = SlaPolicy.of(sla)
    now = now or utcnow()
    units = units_frame(session, scope) if units is None else units
    if units.empty:
        return pd.DataFrame(columns=["unit_id", *COUNT_COLUMNS])
    zones = sorted(units["timezone"].unique())
    unit_sla = units["sla_minutes"].fillna(policy.first_response_minutes).astype(int)
    slas = sorted(int(s) for s in unit_sla.unique())
    splits = [daily.split(z, period.since, period.until) if stored_days and period.until <= now else None
              for z in zones]
    if any(splits):
        daily.refresh(session, policy.first_response_minutes)
    secs = response_seconds(session.get_bind().dialect.name)
    open_unanswered = unanswered_clause()
    in_period = and_(Mention.created_at >= _ts(period.since), Mention.created_at < _ts(period.until))
    # The live scan: the period minus the days every zone reads from the table.
    head_end = max((sp.start if sp else period.until) for sp in splits)
    tail_start = min((sp.end if sp else period.since) for sp in splits)
    # Two queries over two bounded ranges (SQLite would scan the whole period for one range with a hole).
    ranges = [(period.since, head_end), (tail_start, period.until)] if head_end < tail_start else [
        (period.since, period.until)]
    # Each live row is counted per (unit, bucket): the bucket is the number of zone boundaries (stored
    # days' start and end, local midnights) at or before `created_at`, so which buckets lie outside a
    # zone's stored days, or in its "today", is decided below per unit in numpy, and the scan
    # evaluates each expression once per row instead of once per zone.
    midnights = [local_midnight_utc(z, now) for z in zones]
    bounds = sorted({*midnights, *(t for sp in splits if sp for t in (sp.start, sp.end))})
    bucket = sum((case((Mention.created_at >= _ts(b), 1), else_=0) for b in bounds), literal(0)).label("bucket")
    cols = [
        func.count().label("mentions"),
        _count_if(Mention.answered_at.is_not(None)).label("answered"),
        _count_if(Mention.sentiment == "negative").label("negative"),
        *[_count_if(secs <= s * 60).label(f"within_{j}") for j, s in enumerate(slas)],  # NULL when unanswered
    ]
    # Grouped by `unit_id + 0`: otherwise SQLite prefers the (unit_id, created_at) index for its order
    # and seeks every unit's range, far slower than walking the short created_at range.
    unit_key = (Mention.unit_id + 0).label("unit_id")
    live = [
        select(unit_key, bucket, *cols).where(Mention.created_at >= _ts(lo), Mention.created_at < _ts(hi),
                                              _in_scope(scope)).group_by(unit_key, bucket)
        for lo, hi in ranges]
    backlog = (
        select(
            Mention.unit_id,
            func.count().label("unanswered"),
            _count_if(Mention.created_at < _ts(now - timedelta(minutes=policy.hard_limit_minutes)))
            .label("over_hard_limit"),
            *[_count_if(Mention.created_at < _ts(now - timedelta(minutes=int(s)))).label(f"overdue_{i}")
              for i, s in enumerate(slas)],
            *[_count_if(and_(in_period, Mention.created_at >= _ts(now - timedelta(minutes=int(s)))))
              .label(f"pending_{i}") for i, s in enumerate(slas)],
        ).where(open_unanswered, _in_scope(scope)).group_by(Mention.unit_id)
    )

    zone_ix = units["timezone"].map({z: i for i, z in enumerate(zones)}).to_numpy()
    sla_ix = unit_sla.map({s: i for i, s in enumerate(slas)}).to_numpy()
    ids = units["unit_id"].to_numpy()
    period_frame = _live_counts(session, live, ids, zone_ix, sla_ix, _bucket_masks(bounds, splits, midnights))
    backlog_frame = _indexed(session, backlog, ids)
    stored = _stored_days(session, scope, zones, splits, ids)
    rows = np.arange(len(ids))

    def pick(frame: pd.DataFrame, prefix: str, index: np.ndarray, n: int) -> np.ndarray:
        return frame[[f"{prefix}_{i}" for i in range(n)]].to_numpy()[rows, index]

    out = pd.DataFrame({
        "unit_id": ids,
        "mentions": period_frame["mentions"] + stored["mentions"].to_numpy(),
        "today": period_frame["today"],
        "answered": period_frame["answered"] + stored["answered"].to_numpy(),
        "within_sla": period_frame["within_sla"] + stored["within_sla"].to_numpy(),
        "pending": pick(backlog_frame, "pending", sla_ix, len(slas)),
        "negative": period_frame["negative"] + stored["negative"].to_numpy(),
        "unanswered": backlog_frame["unanswered"].to_numpy(),
        "overdue": pick(backlog_frame, "overdue", sla_ix, len(slas)),
        "over_hard_limit": backlog_frame["over_hard_limit"].to_numpy(),
    })
    return out.astype({c: "int64" for c in COUNT_COLUMNS})


def _bucket_masks(bounds: list[datetime], splits: list, midnights: list[datetime]) -> tuple[np.ndarray, np.ndarray]:
    """Per zone and bucket (bucket b = [bounds[b-1], bounds[b]), open at both ends): whether the
    bucket is scanned live for that zone (outside its stored days) and whether it is its today."""
    lo = np.array([datetime.min.replace(tzinfo=UTC), *bounds], dtype=object)
    edge = np.array([[True] * len(lo) if sp is None else [b >= sp.end or b < sp.start for b in lo] for sp in splits])
    today = np.array([[b >= m for b in lo] for m in midnights])
    return edge, today


def _live_counts(session: Session, statements: list, ids: np.ndarray, zone_ix: np.ndarray, sla_ix: np.ndarray,
                 masks: tuple[np.ndarray, np.ndarray]) -> dict[str, np.ndarray]:
    """Sum the (unit, bucket) rows of the live scans per unit, each bucket counted only where it is
    live for the unit's zone (and "today" only from the unit's own midnight)."""
    edge, today = masks
    out = {k: np.zeros(len(ids), dtype=np.int64) for k in ("mentions", "answered", "negative", "within_sla", "today")}
    position = pd.Series(np.arange(len(ids)), index=ids)
    for statement in statements:
        keys, rows = plain_rows(session, statement)
        data = _ints(rows, len(keys))
        at = position.reindex(data[:, 0]).to_numpy()
        keep = ~np.isnan(at)  # a unit outside the frame (inactive) is left out, as before
        data, at = data[keep], at[keep].astype(np.int64)
        zone, bucket = zone_ix[at], data[:, 1]
        live, now_day = edge[zone, bucket], today[zone, bucket]
        within = data[np.arange(len(data)), 5 + sla_ix[at]]
        for name, values, mask in (("mentions", data[:, 2], live), ("answered", data[:, 3], live),
                                   ("negative", data[:, 4], live), ("within_sla", within, live),
                                   ("today", data[:, 2], now_day)):
            np.add.at(out[name], at, values * mask)
    return out


def _day_bounds(splits: list) -> list[ColumnElement[bool]]:
    """The outer day range of every zone's stored days: lets the (unit_id, day) key bound each seek."""
    from lib.models import DailyCount

    used = [sp for sp in splits if sp]
    if not used:
        return []
    return [DailyCount.day >= min(sp.first_day for sp in used).isoformat(),
            DailyCount.day < max(sp.end_day for sp in used).isoformat()]


def _stored_days(session: Session, scope: Scope, zones: list[str], splits: list, ids: np.ndarray) -> pd.DataFrame:
    """Per unit: the sums over its zone's whole days from `daily_counts` (zeros where none apply)."""
    from lib.models import DailyCount

    d = DailyCount
    # `unit_id + 0`, as in the live scan: SQLite would otherwise skip-scan the (unit_id, day) key for
    # its order instead of reading the one day range from the day index (about twice as slow).
    unit_key = (d.unit_id + 0).label("unit_id")
    return _indexed(session, (
        select(unit_key, func.sum(d.mentions).label("mentions"), func.sum(d.answered).label("answered"),
               func.sum(d.within_sla).label("within_sla"), func.sum(d.negative).label("negative"))
        .where(_stored_rows(scope, zones, splits)).group_by(unit_key)), ids)


def _stored_rows(scope: Scope, zones: list[str], splits: list) -> ColumnElement[bool]:
    """The `daily_counts` rows of units in scope on each zone's whole days. Usually every zone has the
    same days (the zones' midnights are two hours apart), and then it is one day range, read from
    the day index; otherwise one range per zone inside the outer range."""
    from lib.models import DailyCount as d

    def units_where(cond: ColumnElement[bool]) -> ColumnElement[bool]:
        return d.unit_id.in_(select(Unit.id).where(cond).scalar_subquery())

    in_scope = true() if scope.path_prefix == "/" else units_where(scope.unit_clause())
    used = [(z, sp) for z, sp in zip(zones, splits, strict=True) if sp]
    if not used:
        return false()
    days = {(sp.first_day, sp.end_day) for _, sp in used}
    if len(used) == len(zones) and len(days) == 1:
        first, end = days.pop()
        return and_(in_scope, d.day >= first.isoformat(), d.day < end.isoformat())
    return and_(in_scope, or_(*[and_(units_where(Unit.timezone == z), d.day >= sp.first_day.isoformat(),
                                     d.day < sp.end_day.isoformat()) for z, sp in used]), *_day_bounds(splits))


def _indexed(session: Session, statement, ids: np.ndarray) -> pd.DataFrame:
    """An integer aggregate keyed by unit_id, aligned to `ids` with zeros for units without rows."""
    keys, rows = plain_rows(session, statement)
    frame = pd.DataFrame(_ints(rows, len(keys)), columns=keys)
    return frame.set_index("unit_id").reindex(ids, fill_value=0)


def _ints(rows: list[tuple], width: int) -> np.ndarray:
    """Driver rows of integers (`lib.db.plain_rows`) as an int64 array of `width` columns."""
    return np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=len(rows) * width).reshape(-1, width)


def verified_compliance(session: Session, scope: Scope) -> pd.DataFrame:
    """Per Polda/Polres/Polsek in scope: compliant when it holds a verified account (of an accepted
    type on X) on every mandated platform. One aggregate over units joined to their accounts."""
    platforms = mandate_platforms()
    accepted = sorted(accepted_x_types())
    good = and_(
        Account.unit_id == Unit.id, Account.active, Account.verified.is_(True), Account.platform.in_(platforms),
        (Account.platform != "x") | Account.verified_type.is_(None) | Account.verified_type.in_(accepted),
    )
    _, rows = plain_rows(session, select(Unit.id, func.count(func.distinct(Account.platform)))
                         .select_from(Unit).outerjoin(Account, good)
                         .where(scope.unit_clause(), Unit.active, Unit.level != "mabes").group_by(Unit.id))
    data = _ints(rows, 2)
    return pd.DataFrame({"unit_id": data[:, 0], "compliant": data[:, 1] >= len(platforms)})


def _ancestor_at(level: str, unit, parent, grandparent) -> ColumnElement[int]:
    return case((unit.level == level, unit.id), (parent.level == level, parent.id),
                (grandparent.level == level, grandparent.id), else_=None)


def _zone_offsets(session: Session, scope: Scope, period: Period) -> dict[str, int]:
    """Fixed UTC offsets in minutes for the zones in scope (Indonesia keeps no daylight saving)."""
    offsets = {}
    for tz in session.scalars(select(Unit.timezone).where(scope.unit_clause()).distinct()):
        a, b = (ZoneInfo(tz).utcoffset(t) for t in (period.since, period.until))
        if a != b:
            raise ValueError(f"Zona {tz} berganti offset dalam periode; SQLite hanya mendukung offset tetap.")
        offsets[tz] = int(a.total_seconds() // 60)
    return offsets


def local_day(session: Session, scope: Scope, period: Period, unit) -> ColumnElement[str]:
    """'YYYY-MM-DD' of the mention in its unit's zone (PostgreSQL converts natively)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone(unit.timezone, Mention.created_at), "YYYY-MM-DD")
    offsets = _zone_offsets(session, scope, period)
    modifier = case(*[(unit.timezone == tz, f"{m:+d} minutes") for tz, m in offsets.items()],
                    else_="+420 minutes") if offsets else literal("+420 minutes")
    return func.date(Mention.created_at, modifier)


def _interpolate(n: int, lo: float | None, hi: float | None, num: int, den: int) -> float | None:
    """percentile_cont: value at 0-based position (n-1)·num/den, interpolated linearly."""
    if not n or lo is None or hi is None:
        return None
    frac = ((n - 1) * num % den) / den
    return float(lo) + (float(hi) - float(lo)) * frac


def response_percentiles(session: Session, scope: Scope, period: Period, by: str | None = None) -> pd.DataFrame:
    """Median and p90 first-response minutes of the period's answered mentions, exact.

    `by`: None (one row for the scope), "unit", "polda"/"polres"/"polsek" (the ancestor at that
    level), or "day" (the unit's local calendar day). Returns columns key, answered, median_minutes,
    p90_minutes."""
    unit, parent, grand = aliased(Unit), aliased(Unit), aliased(Unit)
    secs = response_seconds(session.get_bind().dialect.name)
    q = select(secs.label("s")).where(
        Mention.created_at >= _ts(period.since), Mention.created_at < _ts(period.until),
        Mention.answered_at.is_not(None), _in_scope(scope))
    if by is None:
        key: ColumnElement = literal_column("0")
    elif by == "unit":
        key = Mention.unit_id
    elif by == "day":
        key = local_day(session, scope, period, unit)
        q = q.join(unit, unit.id == Mention.unit_id)
    elif by in GROUP_LEVELS:
        key = _ancestor_at(by, unit, parent, grand)
        q = (q.join(unit, unit.id == Mention.unit_id).outerjoin(parent, parent.id == unit.parent_id)
             .outerjoin(grand, grand.id == parent.parent_id))
    else:
        raise ValueError(f"unknown grouping {by!r}")
    ranked = q.add_columns(
        key.label("k"),
        func.row_number().over(partition_by=None if by is None else key, order_by=secs).label("rn"),
        func.count().over(partition_by=None if by is None else key).label("n"),
    ).subquery()
    rn, n = ranked.c.rn, ranked.c.n

    def at(position) -> ColumnElement:
        return func.min(case((rn == position, ranked.c.s), else_=None))

    rows = session.execute(
        select(ranked.c.k, n,
               at((n - 1) // 2 + 1), at(n // 2 + 1),  # median: floor and ceil of (n-1)/2, 1-based
               at((n - 1) * 9 // 10 + 1), at(((n - 1) * 9 + 9) // 10 + 1))  # p90
        .where(ranked.c.k.is_not(None)).group_by(ranked.c.k, n)
    ).all()
    out = [dict(key=k, answered=int(cnt),
                median_minutes=_minutes(_interpolate(cnt, m_lo, m_hi, 1, 2)),
                p90_minutes=_minutes(_interpolate(cnt, p_lo, p_hi, 9, 10)))
           for k, cnt, m_lo, m_hi, p_lo, p_hi in rows]
    return pd.DataFrame(out, columns=["key", "answered", "median_minutes", "p90_minutes"])


def response_times(session: Session, scope: Scope, period: Period) -> pd.DataFrame:
    """(unit_id, seconds) of every answered mention of the period: one index scan, no sort, no join.
    The per-group percentiles are then taken in numpy (`percentiles_of`), which is several times
    faster than window functions on SQLite and gives the same exact values."""
    secs = response_seconds(session.get_bind().dialect.name)
    _, rows = plain_rows(session, select(Mention.unit_id, secs).where(
        Mention.created_at >= _ts(period.since), Mention.created_at < _ts(period.until),
        Mention.answered_at.is_not(None), _in_scope(scope)))
    data = _ints(rows, 2)  # ~70k rows at 1M mentions
    return pd.DataFrame({"unit_id": data[:, 0], "seconds": data[:, 1]})


def unit_ancestors(session: Session, scope: Scope, level: str) -> pd.Series:
    """Unit id → id of its ancestor at `level` (itself included), for every unit in scope, active or
    not: the same parent/grandparent rule as `response_percentiles`."""
    unit, parent, grand = aliased(Unit), aliased(Unit), aliased(Unit)
    ancestor = _ancestor_at(level, unit, parent, grand)
    _, rows = plain_rows(session, select(unit.id, ancestor).outerjoin(parent, parent.id == unit.parent_id)
                         .outerjoin(grand, grand.id == parent.parent_id)
                         .where(unit.path.startswith(scope.path_prefix, autoescape=True), ancestor.is_not(None)))
    data = _ints(rows, 2)
    return pd.Series(data[:, 1], index=data[:, 0], dtype="int64")


def percentiles_of(times: pd.DataFrame, keys: pd.Series | None = None) -> pd.DataFrame:
    """Exact median and p90 (percentile_cont) of `times["seconds"]`, over all rows (keys None) or
    per group (`keys` maps unit_id → group key; units without a key are left out). Same arithmetic
    as `response_percentiles`, so the values are identical. Columns: key, answered, median_minutes,
    p90_minutes."""
    if keys is None:
        groups = [(0, times["seconds"].to_numpy())] if len(times) else []
    else:
        keyed = times.assign(key=times["unit_id"].map(keys)).dropna(subset=["key"])
        groups = [(int(k), g.to_numpy()) for k, g in keyed.groupby("key")["seconds"]]
    out = []
    for key, values in groups:
        v = np.sort(values)
        n = len(v)
        med = _interpolate(n, v[(n - 1) // 2], v[n // 2], 1, 2)
        p90 = _interpolate(n, v[(n - 1) * 9 // 10], v[((n - 1) * 9 + 9) // 10], 9, 10)
        out.append(dict(key=key, answered=n, median_minutes=_minutes(med), p90_minutes=_minutes(p90)))
    return pd.DataFrame(out, columns=["key", "answered", "median_minutes", "p90_minutes"])


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 60


def _shares(frame: pd.DataFrame) -> pd.DataFrame:
    judged = frame["mentions"] - frame["pending"]
    frame["within_sla_share"] = (frame["within_sla"] / judged.where(judged > 0)).astype(float)
    frame["negative_share"] = (frame["negative"] / frame["mentions"].where(frame["mentions"] > 0)).astype(float)
    return frame


def rolled_up(units: pd.DataFrame, counts: pd.DataFrame, compliance: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each unit's counts summed over its whole subtree: every unit's row is added to itself and to
    each ancestor present in `units` (a `units_frame`), in four numpy passes over the unit list
    instead of comparing paths; an inactive unit in between breaks no chain."""
    per_unit = counts.set_index("unit_id")[COUNT_COLUMNS]
    if compliance is not None:
        per_unit = per_unit.join(compliance.set_index("unit_id").astype({"compliant": int}), how="left")
        per_unit["units_checked"] = per_unit["compliant"].notna().astype(int)
        per_unit["compliant"] = per_unit["compliant"].fillna(0).astype(int)
    ids = units["unit_id"].to_numpy()
    own = per_unit.reindex(ids, fill_value=0).fillna(0).to_numpy(dtype=np.int64)
    position = pd.Series(np.arange(len(ids)), index=ids)
    totals = own.copy()
    for col in ("parent_id", "grand_id", "great_id"):
        at = position.reindex(units[col].to_numpy()).to_numpy()
        keep = ~np.isnan(at)
        np.add.at(totals, at[keep].astype(np.int64), own[keep])
    out = units.copy()
    for i, col in enumerate(per_unit.columns):
        out[col] = totals[:, i]
    return out


def league(session: Session, scope: Scope, sla: SlaPolicy | int, period: Period, level: str,
           now: datetime | None = None) -> pd.DataFrame:
    """Every unit at `level` in scope with its subtree's figures: the league table (unsorted)."""
    now = now or utcnow()
    units = units_frame(session, scope)
    counts = unit_counts(session, scope, sla, period, now, units)
    return _league(session, scope, level, units, counts, verified_compliance(session, scope),
                   response_times(session, scope, period))


def _league(session: Session, scope: Scope, level: str, units: pd.DataFrame, counts: pd.DataFrame,
            compliance: pd.DataFrame, times: pd.DataFrame) -> pd.DataFrame:
    frame = rolled_up(units, counts, compliance)
    frame = frame[frame["level"] == level].copy()
    pct = percentiles_of(times, unit_ancestors(session, scope, level)).set_index("key")
    frame["median_minutes"] = frame["unit_id"].map(pct["median_minutes"]).astype(float)
    frame["p90_minutes"] = frame["unit_id"].map(pct["p90_minutes"]).astype(float)
    checked = frame["units_checked"].where(frame["units_checked"] > 0)
    frame["compliance_share"] = (frame["compliant"] / checked).astype(float)
    return _shares(frame).reset_index(drop=True)


def daily_trend(session: Session, scope: Scope, sla: SlaPolicy | int, days: int,
                now: datetime | None = None, stored_days: bool = True) -> pd.DataFrame:
    """Per local calendar day (each mention on its own unit's day) for the last `days` days, today
    included: mentions, answered within the unit's SLA, negative, still unanswered. Whole days come
    from `daily_counts` (as in `unit_counts`; `stored_days=False` scans everything live), the rest is
    one grouped scan; per-day percentiles are left out on purpose (a sort of every answered mention
    of 90 days)."""
    from lib import daily
    from lib.models import DailyCount

    policy = SlaPolicy.of(sla)
    now = now or utcnow()
    unit = aliased(Unit)
    zones = list(session.scalars(select(Unit.timezone).where(scope.unit_clause()).distinct())) or ["Asia/Jakarta"]
    since = min(local_midnight_utc(z, now) for z in zones) - timedelta(days=days - 1)
    period = Period(since, now)
    first_day = min(now.astimezone(ZoneInfo(z)).date() for z in zones) - timedelta(days=days - 1)
    last_day = max(now.astimezone(ZoneInfo(z)).date() for z in zones)
    splits = [daily.split(z, since, now) if stored_days else None for z in zones]
    if any(splits):
        daily.refresh(session, policy.first_response_minutes)
    day = local_day(session, scope, period, unit)
    secs = response_seconds(session.get_bind().dialect.name)
    unit_sla = func.coalesce(unit.sla_minutes, policy.first_response_minutes) * 60
    live = or_(*[and_(unit.timezone == z, or_(Mention.created_at < _ts(sp.start), Mention.created_at >= _ts(sp.end))
                      if sp else true()) for z, sp in zip(zones, splits, strict=True)])
    head_end = max((sp.start if sp else now) for sp in splits)
    tail_start = min((sp.end if sp else since) for sp in splits)
    ranges = [(since, head_end), (tail_start, now)] if head_end < tail_start else [(since, now)]
    rows = []
    for lo, hi in ranges:  # one query per bounded range, as in `unit_counts`
        rows += session.execute(
            select(day.label("day"), func.count().label("mentions"),
                   _count_if(and_(Mention.answered_at.is_not(None), secs <= unit_sla)).label("within_sla"),
                   _count_if(Mention.sentiment == "negative").label("negative"),
                   _count_if(unanswered_clause()).label("unanswered"))
            # `unit_id + 0`: SQLite then walks the short created_at range and looks each unit up,
            # instead of seeking every unit's index range (5,539 seeks nationally).
            .join(unit, unit.id == Mention.unit_id + 0)
            .where(Mention.created_at >= _ts(lo), Mention.created_at < _ts(hi), _in_scope(scope), live)
            .group_by(day)
        ).all()
    d = DailyCount
    if any(splits):
        rows += session.execute(
            select(d.day, func.sum(d.mentions), func.sum(d.within_sla), func.sum(d.negative), func.sum(d.unanswered))
            .where(_stored_rows(scope, zones, splits)).group_by(d.day)
        ).all()
    counts = _frame(rows, ["day", "mentions", "within_sla", "negative", "unanswered"]).groupby("day", as_index=False).sum()
    frame = pd.DataFrame({"day": [str(first_day + timedelta(days=i))
                                  for i in range((last_day - first_day).days + 1)]})
    frame = frame.merge(counts, on="day", how="left")
    for col in ("mentions", "within_sla", "negative", "unanswered"):
        frame[col] = frame[col].fillna(0).astype(int)
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    frame["negative_share"] = (frame["negative"] / frame["mentions"].where(frame["mentions"] > 0)).astype(float)
    frame["within_sla_share"] = (frame["within_sla"] / frame["mentions"].where(frame["mentions"] > 0)).astype(float)
    return frame


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
    p90_response_minutes: float | None = None
    within_sla_share: float | None = None
    over_hard_limit: int = 0
    answered: int = 0


def last_sync(session: Session) -> datetime | None:
    return session.scalar(select(func.max(SyncRun.finished_at)).where(SyncRun.ok))


def overview(session: Session, scope: Scope, sla: SlaPolicy | int, period_days: int = 7,
             now: datetime | None = None) -> Overview:
    """The scope's headline figures for the last `period_days` days (backlog as of now)."""
    now = now or utcnow()
    period = Period.last_days(period_days, now)
    counts = unit_counts(session, scope, sla, period, now)
    return _overview(session, counts, verified_compliance(session, scope), response_times(session, scope, period))


def _overview(session: Session, counts: pd.DataFrame, compliance: pd.DataFrame, times: pd.DataFrame) -> Overview:
    total = counts[COUNT_COLUMNS].sum()
    pct = percentiles_of(times)
    judged = int(total["mentions"] - total["pending"])
    return Overview(
        mentions_today=int(total["today"]),
        unanswered=int(total["unanswered"]),
        overdue=int(total["overdue"]),
        median_response_minutes=float(pct["median_minutes"].iloc[0]) if len(pct) else None,
        negative_share=(int(total["negative"]) / int(total["mentions"])) if total["mentions"] else None,
        verified_share=float(compliance["compliant"].mean()) if len(compliance) else None,
        period_mentions=int(total["mentions"]),
        last_sync=last_sync(session),
        p90_response_minutes=float(pct["p90_minutes"].iloc[0]) if len(pct) else None,
        within_sla_share=(int(total["within_sla"]) / judged) if judged else None,
        over_hard_limit=int(total["over_hard_limit"]),
        answered=int(total["answered"]),
    )


@dataclass(frozen=True)
class Dashboard:
    """What the overview and the unit page show, computed from one pass over the period."""

    overview: Overview
    league: pd.DataFrame  # one row per unit at `level` (see `league`)
    backlog_by_polsek: pd.DataFrame  # see `unanswered_by_polsek`
    level: str


def dashboard(session: Session, scope: Scope, sla: SlaPolicy | int, period_days: int, level: str | None = None,
              now: datetime | None = None, polsek_limit: int = 25, period: Period | None = None) -> Dashboard:
    """Overview, league table and Polsek backlog sharing one unit scan, one backlog scan, one
    compliance query and one read of the period's response times (percentiles for the total and
    every league row are taken from it). `period` (e.g. `lib.watch.calendar_period`) overrides the
    rolling `period_days`."""
    now = now or utcnow()
    period = period or Period.last_days(period_days, now)
    level = level or league_level(session, scope)
    units = units_frame(session, scope)
    counts = unit_counts(session, scope, sla, period, now, units)
    compliance = verified_compliance(session, scope)
    times = response_times(session, scope, period)
    return Dashboard(
        overview=_overview(session, counts, compliance, times),
        league=_league(session, scope, level, units, counts, compliance, times),
        backlog_by_polsek=_backlog_by_polsek(units, counts, polsek_limit),
        level=level,
    )


def per_unit(session: Session, scope: Scope, now: datetime, default_sla: int, since: datetime) -> pd.DataFrame:
    """Per-unit counts (kept for callers of the first version): period = [since, now)."""
    counts = unit_counts(session, scope, default_sla, Period(since, now), now)
    return counts.rename(columns={"mentions": "period"})[
        ["unit_id", "today", "unanswered", "overdue", "period", "negative"]]


def unanswered_by_polsek(session: Session, scope: Scope, sla: SlaPolicy | int, now: datetime | None = None,
                         limit: int = 25) -> pd.DataFrame:
    """Polsek with unanswered mentions, worst first, split into overdue and still within SLA."""
    now = now or utcnow()
    units = units_frame(session, scope)
    return _backlog_by_polsek(units, unit_counts(session, scope, sla, Period.last_days(1, now), now, units), limit)


def _backlog_by_polsek(units: pd.DataFrame, counts: pd.DataFrame, limit: int) -> pd.DataFrame:
    out = units.merge(counts, on="unit_id")
    out = out[(out["level"] == "polsek") & (out["unanswered"] > 0)].copy()
    out["within_sla"] = out["unanswered"] - out["overdue"]
    out = out.sort_values(["unanswered", "overdue"], ascending=False).head(limit)
    return out[["unit_id", "short_name", "name", "unanswered", "overdue", "within_sla"]].reset_index(drop=True)


def rollup(session: Session, scope: Scope, sla: SlaPolicy | int, now: datetime | None = None,
           period_days: int = 7) -> pd.DataFrame:
    """Every unit in scope with its own counts plus its whole subtree's (Polsek → Polres → Polda)."""
    now = now or utcnow()
    units = units_frame(session, scope)
    counts = unit_counts(session, scope, sla, Period.last_days(period_days, now), now, units)
    out = rolled_up(units, counts).rename(columns={"mentions": "period"})
    return out[["unit_id", "name", "level", "parent_id", "path", "today", "unanswered", "overdue", "period",
                "negative", "answered", "within_sla", "over_hard_limit"]]


def league_level(session: Session, scope: Scope) -> str:
    """The level one below the scope's root: Polda nationally, Polres in a Polda, Polsek in a Polres."""
    if scope.root_unit_id is None:
        return "polda"
    level = session.scalar(select(Unit.level).where(Unit.id == scope.root_unit_id))
    return {"mabes": "polda", "polda": "polres"}.get(level or "", "polsek")


def polres_choices(session: Session, scope: Scope) -> list[tuple[int, str]]:
    """(id, name) of every Polres in scope, in tree order (the unit page's picker)."""
    return [tuple(r) for r in session.execute(
        select(Unit.id, Unit.name).where(scope.unit_clause(), Unit.level == "polres", Unit.active).order_by(Unit.path)
    ).all()]
