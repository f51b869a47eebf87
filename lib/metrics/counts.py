"""Additive counts per unit for a period (whole days from `daily_counts`, edges scanned live) and
their roll-up over the unit tree; see the package doc for the definitions."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    and_,
    bindparam,
    case,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session, aliased

from lib import daily
from lib.accounts import compliant_units
from lib.db import plain_rows
from lib.mentions import unanswered_clause
from lib.metrics.overlap import overlap, subtract, target_flags, target_rows
from lib.metrics.sql import (
    COUNT_COLUMNS,
    UTC,
    Period,
    SlaPolicy,
    ZoneSplit,
    count_if,
    frame_of,
    indexed,
    ints,
    local_midnight_utc,
    positions,
    response_seconds,
    split,
)
from lib.models import DailyCount, Mention, Unit, utcnow
from lib.scope import Scope

LIVE_LEVELS = ("polres", "polsek")  # scopes counted live (`unit_counts`)


def units_frame(session: Session, scope: Scope) -> pd.DataFrame:
    """Every active unit in scope (a few thousand rows at national scale), with its grandparent and
    great-grandparent ids (active or not): the tree is Mabes → Polda → Polres → Polsek, so a unit
    and those three ids are its whole chain of ancestors (see `rolled_up`)."""
    _, rows = plain_rows(session, _units_statement(), {"scope": scope.like_pattern()})
    return frame_of(rows, ["unit_id", "name", "short_name", "level", "parent_id", "path", "timezone", "sla_minutes",
                         "grand_id", "great_id"])


@lru_cache(maxsize=1)
def _units_statement():
    """`units_frame`'s statement, built once (the scope's path pattern is the parameter `scope`)."""
    t, parent, grand = Unit.__table__.c, aliased(Unit), aliased(Unit)
    return (select(t.id, t.name, t.short_name, t.level, t.parent_id, t.path, t.timezone, t.sla_minutes,
                   parent.parent_id, grand.parent_id)
            .select_from(Unit.__table__)
            .outerjoin(parent, parent.id == t.parent_id).outerjoin(grand, grand.id == parent.parent_id)
            .where(t.path.like(bindparam("scope"), escape="/"), t.active).order_by(t.path))


def count_matrix(counts: pd.DataFrame) -> np.ndarray:
    """`unit_counts`' COUNT_COLUMNS as one int64 matrix (a frame's column-list selection costs more)."""
    if list(counts.columns[1:]) == COUNT_COLUMNS:
        return counts.to_numpy(dtype=np.int64)[:, 1:]
    return counts[COUNT_COLUMNS].to_numpy(dtype=np.int64)


def unit_counts(session: Session, scope: Scope, sla: SlaPolicy | int, period: Period,
                now: datetime | None = None, units: pd.DataFrame | None = None,
                stored_days: bool = True, pending_only: bool = False) -> pd.DataFrame:
    """Additive counts per unit in scope (zeros for quiet units): see the module doc for definitions.

    Whole local days inside the period come from `daily_counts` (lib/daily.py, refreshed first);
    the partial days at both ends are scanned live, each unit on its own zone's day boundaries.
    `stored_days=False` scans the whole period live (the reference the tests compare against).
    `pending_only=True` reads of the open backlog only the SLA window before the period's end (what
    "pending" counts): unanswered, overdue and over_hard_limit are then left at 0, for callers that
    use the period's figures only (last week's side of the overview: no third backlog scan)."""

    policy = SlaPolicy.of(sla)
    now = now or utcnow()
    units = units_frame(session, scope) if units is None else units
    if units.empty:
        return pd.DataFrame(columns=["unit_id", *COUNT_COLUMNS])
    # Plain numpy/Python on the unit list: pandas' per-call cost exceeds a small scope's figures.
    unit_zone = np.asarray(units["timezone"].to_numpy(), dtype=object)
    zones = sorted(set(unit_zone.tolist()))
    raw_sla = units["sla_minutes"].to_numpy(dtype=float, na_value=np.nan)
    unit_sla = np.where(np.isnan(raw_sla), policy.first_response_minutes, raw_sla).astype(np.int64)
    slas = sorted(set(unit_sla.tolist()))
    # A Polres or Polsek is scanned live: its few hundred mentions a week cost less than the stored
    # days' freshness check and read (five round trips), with the same figures.
    root = np.flatnonzero(units["unit_id"].to_numpy() == scope.root_unit_id)
    stored_days = stored_days and not (len(root) and units["level"].array[root[0]] in LIVE_LEVELS)
    splits = [split(z, period.since, period.until) if stored_days and period.until <= now else None
              for z in zones]
    if any(splits):
        daily.refresh(session, policy.first_response_minutes)
    splits = widened(zones, splits, period)
    ranges = live_ranges(period, splits)
    # Each live row is counted per (unit, bucket): the bucket is the number of boundaries (the
    # period's, each zone's stored days', local midnights) at or before `created_at`, so whether a
    # bucket adds (in the period, not stored), subtracts (stored, outside the period) or is the
    # unit's "today" is decided below per unit in numpy, and the scan evaluates each expression
    # once per row instead of once per zone.
    midnights = [local_midnight_utc(z, now) for z in zones]
    bounds = sorted({period.since, period.until, *midnights,
                     *(t for sp in splits if sp for t in (sp.start, sp.end))})
    live, backlog = _scans(session.get_bind().dialect.name, len(bounds), tuple(slas), scope.path_prefix == "/",
                           pending_only)
    params = {f"b{i}": b for i, b in enumerate(bounds)} | {
        "since": period.since, "until": period.until, "scope": scope.like_pattern(),
        "hard": now - timedelta(minutes=policy.hard_limit_minutes),
        "window": max(period.since, now - timedelta(minutes=max(slas))),
        **{f"due_{i}": now - timedelta(minutes=int(s)) for i, s in enumerate(slas)}}
    zone_ix = np.searchsorted(np.array(zones, dtype=object), unit_zone)  # zones and slas are sorted
    sla_ix = np.searchsorted(np.array(slas, dtype=np.int64), unit_sla)
    ids = units["unit_id"].to_numpy()
    period_frame = _live_counts(session, [(live, params | {"lo": lo, "hi": hi}) for lo, hi in ranges], ids,
                                zone_ix, sla_ix,
                                _bucket_weights(bounds, splits, midnights, period))
    backlog_frame = indexed(session, backlog, ids, params)
    today_days = [(local_midnight_utc(z, now).astimezone(ZoneInfo(z)).date() if sp and sp.start <= m < sp.end
                   else None) for z, sp, m in zip(zones, splits, midnights, strict=True)]
    stored = _stored_days(session, scope, zones, splits, ids, sorted({d for d in today_days if d}))
    # Today's stored row (when the period's tail reads it): each unit's zone picks its own date.
    unit_today = np.array([d.isoformat() if d else "" for d in today_days], dtype=object)[zone_ix]
    stored_today = np.zeros(len(ids), dtype=np.int64)
    for d in {d for d in today_days if d}:
        stored_today += np.where(unit_today == d.isoformat(), stored[f"today_{d.isoformat()}"].to_numpy(), 0)
    rows = np.arange(len(ids))
    backlog_values, backlog_names = backlog_frame.to_numpy(dtype=np.int64), list(backlog_frame.columns)

    def pick(prefix: str, index: np.ndarray, n: int) -> np.ndarray:
        return backlog_values[:, [backlog_names.index(f"{prefix}_{i}") for i in range(n)]][rows, index]

    def stored_col(name: str) -> np.ndarray:
        return stored[name].to_numpy(dtype=np.int64)

    # One int64 matrix in COUNT_COLUMNS order, built and adjusted in numpy, then one frame (a small
    # scope's pandas column operations cost more than its SQL, see docs/benchmarks.md).
    values = np.column_stack([
        period_frame["mentions"] + stored_col("mentions"),
        period_frame["today"] + stored_today,
        period_frame["answered"] + stored_col("answered"),
        period_frame["within_sla"] + stored_col("within_sla"),
        pick("pending", sla_ix, len(slas)),
        period_frame["negative"] + stored_col("negative"),
        backlog_values[:, backlog_names.index("unanswered")],
        pick("overdue", sla_ix, len(slas)),
        backlog_values[:, backlog_names.index("over_hard_limit")],
    ]).astype(np.int64, copy=False).reshape(len(ids), len(COUNT_COLUMNS))
    # Mentions with further targets (lib/targets.py, few): each further target adds the mention to
    # its unit's counts, judged on that unit's SLA and zone; totals subtract the overlap.
    flags = target_flags(target_rows(session, period), units, policy, period, now)
    if len(flags):
        extra = flags[flags["extra"] == 1]
        at = positions(ids, extra["unit_id"].to_numpy())
        keep = at >= 0
        np.add.at(values, at[keep], extra[COUNT_COLUMNS].to_numpy(dtype=np.int64)[keep])
    if pending_only:
        values[:, [COUNT_COLUMNS.index(c) for c in ("unanswered", "overdue", "over_hard_limit")]] = 0
    out = pd.DataFrame(values, columns=COUNT_COLUMNS)
    out.insert(0, "unit_id", ids)
    out.attrs["overlap"] = overlap(flags, units)  # what totals subtract (see `scope_totals`)
    if not pending_only:  # the open backlog per primary unit, as read (see `open_by_level`)
        raw = backlog_frame.attrs.get("rows", np.zeros((0, 2), dtype=np.int64))
        out.attrs["open_by_unit"] = raw[:, :2].copy()  # an array: pandas deep-copies attrs often
    return out


@lru_cache(maxsize=64)
def _scans(dialect: str, nbounds: int, slas: tuple[int, ...], national: bool, pending_only: bool) -> tuple:
    """`unit_counts`' two statements (the live scan of a range, the open backlog), built once per
    shape with named parameters: building and keying them cost more than a small scope's SQL. The
    values are bound per call (`b0`… the bucket boundaries, `lo`/`hi` the range, `since`/`until`
    the period, `scope` the path pattern, `hard` and `due_i` the cut-offs, `window` the SLA
    window's start)."""
    secs = response_seconds(dialect)
    at = Mention.created_at

    def p(name: str) -> BindParameter:
        return bindparam(name, type_=at.type)

    scoped = true() if national else Mention.unit_id.in_(
        select(Unit.id).where(Unit.path.like(bindparam("scope"), escape="/")).scalar_subquery())
    bucket = sum((case((at >= p(f"b{i}"), 1), else_=0) for i in range(nbounds)), literal(0)).label("bucket")
    cols = [
        func.count().label("mentions"),
        count_if(Mention.answered_at.is_not(None)).label("answered"),
        count_if(Mention.sentiment == "negative").label("negative"),
        *[count_if(secs <= s * 60).label(f"within_{j}") for j, s in enumerate(slas)],  # NULL when unanswered
    ]
    # Grouped by `unit_id + 0`: otherwise SQLite prefers the (unit_id, created_at) index for its order
    # and seeks every unit's range, far slower than walking the short created_at range.
    unit_key = (Mention.unit_id + 0).label("unit_id")
    live = select(unit_key, bucket, *cols).where(at >= p("lo"), at < p("hi"), scoped).group_by(unit_key, bucket)
    in_period = and_(at >= p("since"), at < p("until"))
    backlog_cols = [
        func.count().label("unanswered"),
        count_if(at < p("hard")).label("over_hard_limit"),
        *[count_if(at < p(f"due_{i}")).label(f"overdue_{i}") for i in range(len(slas))],
        *[count_if(and_(in_period, at >= p(f"due_{i}"))).label(f"pending_{i}") for i in range(len(slas))],
    ]
    # pending_only: pending is in the period and younger than the unit's SLA at `now`
    window = [at >= p("window"), at < p("until")] if pending_only else []
    backlog = (select(Mention.unit_id, *backlog_cols).where(unanswered_clause(), scoped, *window)
               .group_by(Mention.unit_id))
    return live, backlog


def open_by_level(units: pd.DataFrame, counts: pd.DataFrame) -> dict[str, int] | None:
    """Open unanswered mentions by the level of their primary unit, from the backlog `unit_counts`
    already read (no second scan); None when that read is not at hand or holds a unit outside
    `units` (an inactive one, whose level the frame does not know)."""
    per_unit = counts.attrs.get("open_by_unit")
    if per_unit is None:
        return None
    at = positions(units["unit_id"].to_numpy(), per_unit[:, 0])
    if (at < 0).any():
        return None
    levels = units["level"].to_numpy()[at]
    return {str(lv): int(per_unit[levels == lv, 1].sum()) for lv in np.unique(levels)}


def scope_totals(counts: pd.DataFrame) -> dict[str, int]:
    """The scope's totals from `unit_counts`: a mention tagging several units in it counts once."""
    total = count_matrix(counts).sum(axis=0)
    if "overlap" in counts.attrs:
        shared = counts.attrs["overlap"][1]
        total = total - np.array([int(shared.get(c, 0)) for c in COUNT_COLUMNS], dtype=np.int64)
    return dict(zip(COUNT_COLUMNS, total.tolist(), strict=True))


def widened(zones: list[str], splits: list[ZoneSplit | None], period: Period) -> list[ZoneSplit | None]:
    """The stored days, widened by the partial day at either end of the period when the part of that
    day outside the period is the shorter one: the whole day is then read from storage and the part
    outside subtracted live. For a period that ends now, today's stored row minus what lies after
    now (usually nothing) replaces today's live scan; it is complete because the reader refreshed
    the tables first. Decided once for all zones (their midnights are hours apart), so the live
    scans stay two short ranges."""
    used = [(z, sp) for z, sp in zip(zones, splits, strict=True) if sp]
    if not used:
        return splits
    day = timedelta(days=1)
    tail_inside = period.until - min(sp.end for _, sp in used)
    tail_outside = max(Period.local_days(sp.end_day, sp.end_day, z).until for z, sp in used) - period.until
    head_inside = max(sp.start for _, sp in used) - period.since
    head_outside = period.since - min(Period.local_days(sp.first_day - day, sp.first_day - day, z).since
                                      for z, sp in used)
    tail, head = tail_outside < tail_inside, head_outside < head_inside
    if not (tail or head):
        return splits

    def grown(zone: str, sp: ZoneSplit | None) -> ZoneSplit | None:
        if sp is None:
            return None
        first = sp.first_day - day if head else sp.first_day
        end = sp.end_day + day if tail else sp.end_day
        return ZoneSplit(first, end, Period.local_days(first, first, zone).since,
                         Period.local_days(end, end, zone).since)

    return [grown(z, sp) for z, sp in zip(zones, splits, strict=True)]


def live_ranges(period: Period, splits: list[ZoneSplit | None]) -> list[tuple[datetime, datetime]]:
    """The ranges scanned live: every zone's period minus its stored days (added) and stored days
    minus the period (subtracted), as at most two bounded ranges (SQLite would scan the whole period
    for one range with a hole)."""
    if not splits or not all(splits):
        lo = min([period.since, *(sp.start for sp in splits if sp)])
        hi = max([period.until, *(sp.end for sp in splits if sp)])
        return [(lo, hi)]
    head = (min(period.since, *(sp.start for sp in splits)), max(period.since, *(sp.start for sp in splits)))
    tail = (min(period.until, *(sp.end for sp in splits)), max(period.until, *(sp.end for sp in splits)))
    if head[1] >= tail[0]:
        return [(head[0], tail[1])]
    return [r for r in (head, tail) if r[0] < r[1]]


def _bucket_weights(bounds: list[datetime], splits: list, midnights: list[datetime],
                    period: Period) -> tuple[np.ndarray, np.ndarray]:
    """Per zone and bucket (bucket b = [bounds[b-1], bounds[b])): +1 where the bucket is in the
    period but not in the zone's stored days (counted live), -1 where it is stored but outside the
    period (subtracted), 0 otherwise; and the same weights for "today" (from the zone's midnight)."""
    lo = np.array([datetime.min.replace(tzinfo=UTC), *bounds], dtype=object)
    inside = np.array([period.since <= b < period.until for b in lo], dtype=np.int64)
    weight = np.array([inside - (0 if sp is None else np.array([sp.start <= b < sp.end for b in lo], dtype=np.int64))
                       for sp in splits]).reshape(len(splits), len(lo))
    today = np.array([weight[i] * np.array([b >= m for b in lo]) for i, m in enumerate(midnights)],
                     dtype=np.int64).reshape(len(midnights), len(lo))
    return weight, today


def _live_counts(session: Session, statements: list, ids: np.ndarray, zone_ix: np.ndarray, sla_ix: np.ndarray,
                 masks: tuple[np.ndarray, np.ndarray]) -> dict[str, np.ndarray]:
    """Sum the (unit, bucket) rows of the live scans per unit, each bucket with its weight for the
    unit's zone (`_bucket_weights`: added, subtracted or not counted)."""
    edge, today = masks
    out = {k: np.zeros(len(ids), dtype=np.int64) for k in ("mentions", "answered", "negative", "within_sla", "today")}
    for statement, params in statements:
        keys, rows = plain_rows(session, statement, params)
        data = ints(rows, len(keys))
        at = positions(ids, data[:, 0])
        keep = at >= 0  # a unit outside the frame (inactive) is left out, as before
        data, at = data[keep], at[keep]
        zone, bucket = zone_ix[at], data[:, 1]
        live, now_day = edge[zone, bucket], today[zone, bucket]
        within = data[np.arange(len(data)), 5 + sla_ix[at]]
        for name, values, mask in (("mentions", data[:, 2], live), ("answered", data[:, 3], live),
                                   ("negative", data[:, 4], live), ("within_sla", within, live),
                                   ("today", data[:, 2], now_day)):
            np.add.at(out[name], at, values * mask)
    return out


def _day_bounds(splits: list, d=DailyCount) -> list[ColumnElement[bool]]:
    """The outer day range of every zone's stored days: lets the (unit_id, day) key bound each seek."""
    used = [sp for sp in splits if sp]
    if not used:
        return []
    return [d.day >= min(sp.first_day for sp in used).isoformat(),
            d.day < max(sp.end_day for sp in used).isoformat()]


def _stored_days(session: Session, scope: Scope, zones: list[str], splits: list, ids: np.ndarray,
                 today: list = ()) -> pd.DataFrame:
    """Per unit: the sums over its zone's whole days from `daily_counts` (zeros where none apply),
    and the mentions of each day in `today` (column `today_YYYY-MM-DD`)."""
    if not any(splits):  # nothing stored to read (a small scope, a short period): no round trip
        return pd.DataFrame(0, index=ids, columns=["mentions", "answered", "within_sla", "negative",
                                                   *(f"today_{t.isoformat()}" for t in today)], dtype=np.int64)
    d = DailyCount
    # `unit_id + 0`, as in the live scan: SQLite would otherwise skip-scan the (unit_id, day) key for
    # its order instead of reading the one day range from the day index (about twice as slow).
    unit_key = (d.unit_id + 0).label("unit_id")
    return indexed(session, (
        select(unit_key, func.sum(d.mentions).label("mentions"), func.sum(d.answered).label("answered"),
               func.sum(d.within_sla).label("within_sla"), func.sum(d.negative).label("negative"),
               *[func.coalesce(func.sum(case((d.day == t.isoformat(), d.mentions), else_=0)), 0)
                 .label(f"today_{t.isoformat()}") for t in today])
        .where(_stored_rows(scope, zones, splits)).group_by(unit_key)), ids)


def _stored_rows(scope: Scope, zones: list[str], splits: list, d=DailyCount) -> ColumnElement[bool]:
    """The `daily_counts` (or `daily_response_hist`, `d`) rows of units in scope on each zone's whole
    days. Usually every zone has the same days (the zones' midnights are two hours apart), and then
    it is one day range, read from the day index; otherwise one range per zone inside the outer
    range."""

    def units_where(cond: ColumnElement[bool]) -> ColumnElement[bool]:
        return d.unit_id.in_(select(Unit.id).where(cond).scalar_subquery())

    scoped = true() if scope.path_prefix == "/" else units_where(scope.unit_clause())
    used = [(z, sp) for z, sp in zip(zones, splits, strict=True) if sp]
    if not used:
        return false()
    days = {(sp.first_day, sp.end_day) for _, sp in used}
    if len(used) == len(zones) and len(days) == 1:
        first, end = days.pop()
        return and_(scoped, d.day >= first.isoformat(), d.day < end.isoformat())
    return and_(scoped, or_(*[and_(units_where(Unit.timezone == z), d.day >= sp.first_day.isoformat(),
                                     d.day < sp.end_day.isoformat()) for z, sp in used]), *_day_bounds(splits, d))


def verified_compliance(session: Session, scope: Scope) -> pd.DataFrame:
    """Per Polda/Polres/Polsek in scope: whether it is compliant (`lib.accounts.compliant_units`, the
    one verified-account rule)."""
    return compliant_units(session, scope)


def rolled_up(units: pd.DataFrame, counts: pd.DataFrame, compliance: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each unit's counts summed over its whole subtree: every unit's row is added to itself and to
    each ancestor present in `units` (a `units_frame`), in four numpy passes over the unit list
    instead of comparing paths; an inactive unit in between breaks no chain."""
    columns, totals = rolled_arrays(units, counts, compliance)
    # Built in one go: adding columns one by one costs ~0.4 ms each on pandas 3 (string column labels).
    data = {c: units[c].array for c in units.columns if c not in columns}
    data.update({col: totals[:, i] for i, col in enumerate(columns)})
    return pd.DataFrame(data, index=units.index)


def rolled_arrays(units: pd.DataFrame, counts: pd.DataFrame,
                  compliance: pd.DataFrame | None = None) -> tuple[list[str], np.ndarray]:
    """`rolled_up`'s added columns and their int64 matrix, rows aligned to `units` (for callers
    that keep a few rows: a frame of every unit costs more than a small scope's figures)."""
    # Numpy throughout (a pandas join and reindex cost more than a small scope's figures).
    ids = units["unit_id"].to_numpy()
    columns = list(COUNT_COLUMNS) + (["compliant", "units_checked"] if compliance is not None else [])
    own = np.zeros((len(ids), len(columns)), dtype=np.int64)
    at = positions(ids, counts["unit_id"].to_numpy())
    keep = at >= 0
    own[at[keep], :len(COUNT_COLUMNS)] = count_matrix(counts)[keep]
    if compliance is not None:  # judged for the units with counts (those were joined before)
        checked = positions(ids, compliance["unit_id"].to_numpy())
        with_counts = np.zeros(len(ids), dtype=bool)
        with_counts[at[keep]] = True
        hit = (checked >= 0) & with_counts[np.where(checked >= 0, checked, 0)]
        own[checked[hit], len(COUNT_COLUMNS)] = compliance["compliant"].to_numpy(dtype=np.int64)[hit]
        own[checked[hit], len(COUNT_COLUMNS) + 1] = 1
    totals = own.copy()
    for col in ("parent_id", "grand_id", "great_id"):
        up = positions(ids, units[col].to_numpy(dtype=float, na_value=np.nan))
        keep = up >= 0
        np.add.at(totals, up[keep], own[keep])
    if "overlap" in counts.attrs:  # a mention with several targets in a subtree counts once there
        ncount = len(COUNT_COLUMNS)
        totals[:, :ncount] = subtract(totals[:, :ncount], ids, counts.attrs["overlap"][0], COUNT_COLUMNS)
    return columns, totals
