"""Headline snapshots: the overview's figures of the large scopes as they stood at a 5-minute mark.

Ringkasan compares every headline figure with "the same moment last week". Reconstructing that
moment from `mentions` (the backlog then, today-so-far then, the period shifted a week) is ~350 ms
of a cold page at 10M mentions. The sync worker therefore stores, once per 5-minute slot, the
figures of the national scope and of every active Polda, for each period option and the SLA policy
(`take`), and `lib.watch` reads the newest row of [at - 10 min, at] (`lookup`) before falling back
to the reconstruction. Small scopes (a Polres, a Polsek) are reconstructed live: that is cheap.

Semantics: a snapshot holds the figures as they stood then, by the same definitions as the
reconstruction (`lib.watch.week_ago`, `lib.watch.burning`) evaluated at its `taken_at`; a mention
fetched after `taken_at` but created before it is in a later reconstruction, not in the snapshot.
Rows older than `RETENTION` are deleted when new ones are written.

One `take` counts every period option and distinct start (at most one per zone) at once
(`_period_counts`: the periods share their end, so one read of the stored days and short live edges
serve them all), rolls them up per Polda and adds a few grouped counts: not 39 × 3 scope
computations (~1.3 s at 10M mentions, docs/benchmarks.md). `python -m lib.snapshots backfill --since ...
--until ...` fills the marks of a database that already holds history (and the bench).
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, and_, case, delete, false, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from lib import daily
from lib.arrays import positions
from lib.config import load_settings
from lib.db import get_engine, plain_rows, session_scope
from lib.mentions import backlog_parts, has_flag, in_backlog_at, unanswered_clause
from lib.metrics import Period, SlaPolicy
from lib.metrics.buckets import bucket_sql, unpack
from lib.metrics.counts import rolled_up, scope_totals, units_frame
from lib.metrics.dashboards import EXACT_LIMIT, EXACT_LIMIT_SQLITE, scope_percentiles
from lib.metrics.histogram import ResponseHistogram, histogram_percentiles, response_histogram
from lib.metrics.overlap import overlap, target_flags, target_rows
from lib.metrics.percentiles import _ancestor_at, further_target_times, percentiles_of, unit_ancestors
from lib.metrics.sql import COUNT_COLUMNS, count_if, ints, local_midnight_utc, response_seconds, ts
from lib.models import DailyCount, DailyResponseHist, HeadlineSnapshot, Mention, MentionTarget, Unit
from lib.scope import NATIONAL, Scope

log = logging.getLogger(__name__)

NATIONAL_KEY = "national"
PERIOD_DAYS = (7, 30, 90)  # the options of `lib.ui.charts.PERIODS` (lib/ must not import the UI)
SLOT = timedelta(minutes=5)
WINDOW = timedelta(minutes=10)  # `lookup` takes a snapshot at most this much older than asked
RETENTION = timedelta(days=15)
DAY = timedelta(days=1)
COUNT_FIELDS = ("mentions_today", "unanswered", "overdue", "urgent_unanswered", "complaints_24h", "hoax_hate_24h")


def policy_key(sla: SlaPolicy | int) -> str:
    policy = SlaPolicy.of(sla)
    return f"{policy.first_response_minutes}/{policy.hard_limit_minutes}"


def slot_of(moment: datetime) -> datetime:
    """The 5-minute mark at or before `moment`."""
    moment = moment.astimezone(UTC)
    return moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)


def scope_key(session: Session, scope: Scope) -> str | None:
    """"national", the Polda's id for a Polda's subtree, None for a scope no snapshot covers."""
    if scope.path_prefix == "/":
        return NATIONAL_KEY
    level = session.scalar(select(Unit.level).where(Unit.id == scope.root_unit_id)) if scope.root_unit_id else None
    return str(scope.root_unit_id) if level == "polda" else None


def lookup(session: Session, key: str, days: int | None, sla: SlaPolicy | int | None, at: datetime,
           not_before: datetime | None = None) -> HeadlineSnapshot | None:
    """The newest snapshot of `key` with `taken_at` in [at - 10 min, at] (and not before
    `not_before`, e.g. the local midnight that "today" starts at), else None. `days` or `sla`
    None: any (the burning strip's counts depend on neither)."""
    lo = at - WINDOW if not_before is None else max(at - WINDOW, not_before)
    h = HeadlineSnapshot
    q = select(h).where(h.scope_key == key, h.taken_at >= lo, h.taken_at <= at)
    if days is not None:
        q = q.where(h.days == days)
    if sla is not None:
        q = q.where(h.policy_key == policy_key(sla))
    return session.scalars(q.order_by(h.taken_at.desc()).limit(1)).first()


# ----------------------------------------------------------------------------------------- take

@dataclass(frozen=True)
class _Tree:
    """The registry as the snapshot's scopes see it: each unit's Polda (by path, active or not)."""

    poldas: list[int]  # active Polda ids: the scopes besides national
    polda_of: dict[int, int]  # unit id -> its Polda's id (units above any Polda are absent)
    unit_sla: dict[int, int]  # unit id -> its SLA (the policy's where it has none)
    zones: dict[str, list[str]]  # scope key -> the zones of its units
    slas: dict[str, set[int]]  # scope key -> the SLAs of its units
    default_sla: int


def _tree(session: Session, policy: SlaPolicy) -> _Tree:
    rows = session.execute(select(Unit.id, Unit.path, Unit.level, Unit.active, Unit.timezone, Unit.sla_minutes)).all()
    polda_paths = {path: uid for uid, path, level, *_ in rows if level == "polda"}
    polda_of, unit_sla = {}, {}
    zones: dict[str, set[str]] = {NATIONAL_KEY: set()}
    slas: dict[str, set[int]] = {NATIONAL_KEY: set()}
    for uid, path, _level, _active, zone, sla in rows:
        unit_sla[uid] = int(sla if sla is not None else policy.first_response_minutes)
        zones[NATIONAL_KEY].add(zone)
        slas[NATIONAL_KEY].add(unit_sla[uid])
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            polda = polda_paths.get("/" + "/".join(parts[:depth]) + "/")
            if polda is not None:
                polda_of[uid] = polda
                zones.setdefault(str(polda), set()).add(zone)
                slas.setdefault(str(polda), set()).add(unit_sla[uid])
                break
    poldas = sorted(uid for uid, _path, level, active, *_ in rows if level == "polda" and active)
    return _Tree(poldas, polda_of, unit_sla, {k: sorted(v) for k, v in zones.items()}, slas,
                 policy.first_response_minutes)


def _by_scope(session: Session, tree: _Tree, conditions: list, overdue_before: datetime | None = None
              ) -> dict[str, list[int]]:
    """[count, overdue] per scope key of the mentions matching `conditions`. A Polda counts a
    mention once when any of its targets lies in its subtree (`lib.targets.in_scope`); overdue is
    judged on the primary unit's SLA at `overdue_before`, as `lib.watch.backlog_at` does (only where
    that SLA is one of the scope's units' SLAs)."""
    out = {key: [0, 0] for key in (NATIONAL_KEY, *map(str, tree.poldas))}
    overdue = false()
    if overdue_before is not None:
        sla_col = func.coalesce(Unit.sla_minutes, tree.default_sla)
        overdue = or_(*[and_(sla_col == m, Mention.created_at < overdue_before - timedelta(minutes=m))
                        for m in sorted(tree.slas[NATIONAL_KEY])]) if tree.slas[NATIONAL_KEY] else false()
    late = func.coalesce(func.sum(case((overdue, 1), else_=0)), 0)
    rows = session.execute(select(Mention.unit_id, func.count(), late).join(Unit, Unit.id == Mention.unit_id)
                           .where(*conditions).group_by(Mention.unit_id)).all()
    for unit_id, n, o in rows:
        for key in (NATIONAL_KEY, str(tree.polda_of.get(unit_id, ""))):
            if key in out:
                out[key][0] += int(n)
                out[key][1] += int(o)
    # Further targets (lib/targets.py, few): a mention counts once more in each other Polda it tags.
    extra = session.execute(select(Mention.id, Mention.unit_id, MentionTarget.unit_id, overdue)
                            .join(Unit, Unit.id == Mention.unit_id)
                            .join(MentionTarget, MentionTarget.mention_id == Mention.id).where(*conditions)).all()
    seen = set()
    for mention_id, primary, target, late_row in extra:
        polda = tree.polda_of.get(target)
        if polda is None or polda == tree.polda_of.get(primary) or (mention_id, polda) in seen:
            continue
        seen.add((mention_id, polda))
        key = str(polda)
        if key in out:
            out[key][0] += 1
            out[key][1] += int(bool(late_row) and tree.unit_sla.get(primary) in tree.slas.get(key, set()))
    return out


def _today(session: Session, tree: _Tree, at: datetime) -> dict[str, int]:
    """Mentions from each unit's own local midnight up to `at`, per scope key, by primary unit
    (`lib.watch.mentions_so_far_today`)."""
    midnights = {zone: local_midnight_utc(zone, at) for zone in tree.zones[NATIONAL_KEY]}
    out = {key: 0 for key in (NATIONAL_KEY, *map(str, tree.poldas))}
    if not midnights:
        return out
    today = or_(*[and_(Unit.timezone == zone, Mention.created_at >= m) for zone, m in midnights.items()])
    rows = session.execute(select(Mention.unit_id, func.count()).join(Unit, Unit.id == Mention.unit_id)
                           .where(Mention.created_at >= min(midnights.values()), Mention.created_at < at, today)
                           .group_by(Mention.unit_id)).all()
    for unit_id, n in rows:
        for key in (NATIONAL_KEY, str(tree.polda_of.get(unit_id, ""))):
            if key in out:
                out[key] += int(n)
    return out


@dataclass(frozen=True)
class _PeriodRow:
    mentions: int
    negative: int
    within_sla_share: float | None
    median_minutes: float | None


@dataclass(frozen=True)
class _Piece:
    """A live-scanned range added to (+1) or subtracted from (-1) a zone's stored days for a start."""

    lo: datetime
    hi: datetime
    sign: int


def _plan(zone: str, start: datetime, at: datetime) -> tuple[date, date, list[_Piece]]:
    """The period [start, at) for a unit of `zone`: whole local days [first, end) from `daily_counts`
    and the live pieces around them, each at most half a day: the start rounded to the nearer local
    midnight, and today read live up to `at` or, when less of it lies after `at`, from its stored
    row less what lies after `at` (as `counts.widened` does)."""
    tz = ZoneInfo(zone)
    today = at.astimezone(tz).date()
    day = start.astimezone(tz).date()
    lo, hi = Period.local_days(day, day, zone).since, Period.local_days(day, day, zone).until
    first, edge = (day, lo) if start - lo <= hi - start else (day + DAY, hi)
    if first >= today:  # shorter than a day: all live
        return today, today, [_Piece(start, at, 1)]
    head = [_Piece(start, edge, 1)] if start < edge else [_Piece(edge, start, -1)] if edge < start else []
    midnight, next_midnight = Period.local_days(today, today, zone).since, Period.local_days(today, today, zone).until
    if next_midnight - at < at - midnight:
        return first, today + DAY, [*head, _Piece(at, next_midnight, -1)]
    return first, today, [*head, _Piece(midnight, at, 1)]


def _weights(bounds: list, spans: list[tuple]) -> np.ndarray:
    """Per bucket b (values >= bounds[b-1] and < bounds[b]; bucket 0 below bounds[0]) the sum of the
    signs of the spans (lo, hi, sign) holding it."""
    lows = [None, *bounds]
    return np.array([sum(sign for lo, hi, sign in spans if b is not None and lo <= b < hi) for b in lows],
                    dtype=np.int64)


def _clusters(ranges: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The union of the ranges as disjoint ranges: one live scan each."""
    out: list[list[datetime]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


def _edge_bucket(bounds: list[datetime], lo: datetime, hi: datetime) -> ColumnElement[int]:
    """The index of a row of [lo, hi) among all `bounds` (`_weights`' buckets), comparing only the
    bounds inside the range."""
    offset = sum(b <= lo for b in bounds)
    inner = [b for b in bounds if lo < b < hi]
    return sum((case((Mention.created_at >= ts(b), 1), else_=0) for b in inner), literal(offset))


def _period_counts(session: Session, units: pd.DataFrame, policy: SlaPolicy, starts: list[datetime],
                   at: datetime) -> dict[datetime, pd.DataFrame]:
    """`unit_counts(session, NATIONAL, policy, Period(start, at), now=at, units=units,
    pending_only=True)` for every start at once: the periods share their end, so one read of the
    stored days grouped by date bucket, one live scan per cluster of edges (each unit's zone, the
    start rounded to its nearer local midnight: a few hours, not a day), one read of the open
    backlog's SLA window and of the further targets serve them all."""
    if units.empty:
        return {start: pd.DataFrame(columns=["unit_id", *COUNT_COLUMNS]) for start in starts}
    daily.refresh(session, policy.first_response_minutes)
    zones = sorted(units["timezone"].unique())
    ids = units["unit_id"].to_numpy()
    zone_ix = units["timezone"].map({z: i for i, z in enumerate(zones)}).to_numpy()
    unit_sla = units["sla_minutes"].fillna(policy.first_response_minutes).astype(int)
    slas = sorted(int(s) for s in unit_sla.unique())
    sla_ix = unit_sla.map({s: i for i, s in enumerate(slas)}).to_numpy()
    plans = {(z, s): _plan(z, s, at) for z in zones for s in starts}

    def rows_of(statement) -> tuple[np.ndarray, np.ndarray]:
        """The statement's integer rows of units in the frame, and their positions in it."""
        keys, rows = plain_rows(session, statement)
        data = ints(rows, len(keys))
        at_ = positions(ids, data[:, 0])
        keep = at_ >= 0  # inactive units are left out, as `unit_counts` does
        return data[keep], at_[keep]

    # Whole days: (unit, date bucket) sums, weighted per zone and start.
    d = DailyCount
    days = sorted({x.isoformat() for first, end, _ in plans.values() for x in (first, end)})
    day_bucket = sum((case((d.day >= x, 1), else_=0) for x in days), literal(0)).label("bucket")
    unit_key = (d.unit_id + 0).label("unit_id")  # as `counts._stored_days`: the day index, not the key
    stored, stored_at = rows_of(select(unit_key, day_bucket, func.sum(d.mentions), func.sum(d.answered),
                                       func.sum(d.within_sla), func.sum(d.negative))
                                .where(d.day >= days[0], d.day < days[-1]).group_by(unit_key, day_bucket))
    # Live edges: one scan per cluster of overlapping pieces, bucketed by every piece's bounds.
    pieces = sorted({(p.lo, p.hi) for _, _, ps in plans.values() for p in ps})
    bounds = sorted({t for lo_hi in pieces for t in lo_hi})
    secs = response_seconds(session.get_bind().dialect.name)
    live_cols = [func.count(), count_if(Mention.answered_at.is_not(None)), count_if(Mention.sentiment == "negative"),
                 *[count_if(secs <= s * 60) for s in slas]]
    live_parts = []
    for lo, hi in _clusters(pieces):
        bucket = _edge_bucket(bounds, lo, hi).label("bucket")
        key = (Mention.unit_id + 0).label("unit_id")
        live_parts.append(rows_of(select(key, bucket, *live_cols)
                                  .where(Mention.created_at >= ts(lo), Mention.created_at < ts(hi))
                                  .group_by(key, bucket)))
    live = np.concatenate([p[0] for p in live_parts]) if live_parts else np.zeros((0, 5 + len(slas)), np.int64)
    live_at = np.concatenate([p[1] for p in live_parts]) if live_parts else np.zeros(0, np.int64)
    live_within = live[np.arange(len(live)), 5 + sla_ix[live_at]] if len(live) else live[:, 0]
    # Pending: open, in the period and younger than the unit's SLA at `at` (one short window).
    cut = {s: [max(s, at - timedelta(minutes=m)) for m in slas] for s in starts}
    marks = sorted({t for ts_ in cut.values() for t in ts_})
    pending, pending_at = rows_of(select(Mention.unit_id, *[count_if(Mention.created_at >= ts(t)) for t in marks])
                                  .where(unanswered_clause(), Mention.created_at >= ts(marks[0]),
                                         Mention.created_at < ts(at)).group_by(Mention.unit_id))
    targets = target_rows(session, Period(min(starts), at))
    out = {}
    for start in starts:
        stored_w = np.array([_weights(days, [(f.isoformat(), e.isoformat(), 1)])
                             for f, e, _ in (plans[(z, start)] for z in zones)])
        live_w = np.array([_weights(bounds, [(p.lo, p.hi, p.sign) for p in plans[(z, start)][2]]) for z in zones])
        stored_w = stored_w[zone_ix[stored_at], stored[:, 1]]  # per row: counted, or not, for this start
        live_w = live_w[zone_ix[live_at], live[:, 1]]  # per row: added, subtracted or not counted
        values = np.zeros((len(ids), len(COUNT_COLUMNS)), dtype=np.int64)
        for name, stored_col, live_values in (("mentions", 2, live[:, 2]), ("answered", 3, live[:, 3]),
                                              ("within_sla", 4, live_within), ("negative", 5, live[:, 4])):
            column = values[:, COUNT_COLUMNS.index(name)]  # a view: added to in place
            np.add.at(column, stored_at, stored[:, stored_col] * stored_w)
            np.add.at(column, live_at, live_values * live_w)
        mark_of = np.array([marks.index(cut[start][j]) for j in range(len(slas))])  # per SLA
        np.add.at(values[:, COUNT_COLUMNS.index("pending")], pending_at,
                  pending[np.arange(len(pending)), 1 + mark_of[sla_ix[pending_at]]])
        period = Period(start, at)
        flags = target_flags(targets, units, policy, period, at)
        if len(flags):
            extra = flags[flags["extra"] == 1]
            where = positions(ids, extra["unit_id"].to_numpy())
            keep = where >= 0
            np.add.at(values, where[keep], extra[COUNT_COLUMNS].to_numpy(dtype=np.int64)[keep])
        values[:, [COUNT_COLUMNS.index(c) for c in ("today", "unanswered", "overdue", "over_hard_limit")]] = 0
        frame = pd.DataFrame(values, columns=COUNT_COLUMNS)
        frame.insert(0, "unit_id", ids)
        frame.attrs["overlap"] = overlap(flags, units)
        out[start] = frame
    return out


def _median(frame: pd.DataFrame, key: int | None = None) -> float | None:
    if key is not None:
        frame = frame[frame["key"] == key]
    value = frame["median_minutes"].iloc[0] if len(frame) else None
    return None if value is None or pd.isna(value) else float(value)


def _periods(session: Session, tree: _Tree, policy: SlaPolicy, at: datetime) -> dict[tuple[int, str], _PeriodRow]:
    """`lib.watch.period_figures` of every scope and period option, keyed (days, scope key), for
    the calendar period of `days` ending at `at`: the per-unit counts of every distinct period
    start (the scopes' zones decide it) at once (`_period_counts`), rolled up per Polda; the median
    by the dashboards' rule (exact for a small Polda, else the national histogram read once per
    start with the Polda level)."""
    starts: dict[datetime, list[tuple[int, str]]] = {}
    for days in PERIOD_DAYS:
        for key in (NATIONAL_KEY, *map(str, tree.poldas)):
            zones = tree.zones.get(key) or ["Asia/Jakarta"]
            since = min(local_midnight_utc(z, at) for z in zones) - timedelta(days=days - 1)
            starts.setdefault(since, []).append((days, key))
    units = units_frame(session, NATIONAL)
    all_counts = _period_counts(session, units, policy, sorted(starts), at)
    ancestors = unit_ancestors(session, NATIONAL, "polda")
    limit = EXACT_LIMIT_SQLITE if session.get_bind().dialect.name == "sqlite" else EXACT_LIMIT
    rolled = {since: rolled_up(units, counts).set_index("unit_id") for since, counts in all_counts.items()}
    poldas = {since: [int(k) for _, k in keys if k != NATIONAL_KEY and int(k) in rolled[since].index]
              for since, keys in starts.items()}
    large = {since: [p for p in ps if int(rolled[since].loc[p, "answered"]) > limit] for since, ps in poldas.items()}
    # A Polda in one zone (all of them, usually) takes its histogram from `_polda_histograms`.
    one_zone = {since: [p for p in ps if len(tree.zones.get(str(p), [])) == 1] for since, ps in large.items()}
    medians_of = _polda_histograms(session, tree, one_zone, at, ancestors)
    out: dict[tuple[int, str], _PeriodRow] = {}
    for since, keys in starts.items():
        period, counts = Period(since, at), all_counts[since]
        small = [p for p in poldas[since] if p not in large[since]]
        medians = medians_of.get(since, {})
        medians.update(_exact_medians(session, units, small, period, ancestors) if small else {})
        rest = [p for p in large[since] if p not in medians]
        hist = None
        if rest:
            hist = response_histogram(session, NATIONAL, period, policy, at, ("polda",), refresh=False)
            pct = histogram_percentiles(hist, ancestors, "polda")
            medians.update({p: _median(pct, p) for p in rest})
        for days, key in keys:
            if key == NATIONAL_KEY:
                total = scope_totals(counts)
                if hist is not None and int(total["answered"]) > limit:  # `scope_percentiles`, read already
                    national = _median(histogram_percentiles(hist))
                else:
                    national = _median(scope_percentiles(session, NATIONAL, policy, period, counts, at))
                out[(days, key)] = _row(total, national)
            elif int(key) in medians:
                out[(days, key)] = _row(rolled[since].loc[int(key)], medians[int(key)])
    return out


def _polda_histograms(session: Session, tree: _Tree, poldas: dict[datetime, list[int]], at: datetime,
                      ancestors: pd.Series) -> dict[datetime, dict[int, float | None]]:
    """The histogram median of each listed one-zone Polda over [start, at), as
    `histogram_percentiles(response_histogram(NATIONAL, ..., levels=("polda",)), ...)` gives it (the
    counts per bucket are exact, however the days are split), for every start at once: the Polda's
    stored subtree rows per day read once, its edges binned live once per cluster (`_plan`)."""
    wanted = sorted({p for ps in poldas.values() for p in ps})
    if not wanted:
        return {}
    zone_of = {p: tree.zones[str(p)][0] for p in wanted}
    plans = {(zone_of[p], s): _plan(zone_of[p], s, at) for s, ps in poldas.items() for p in ps}
    days = sorted({x.isoformat() for first, end, _ in plans.values() for x in (first, end)})
    h = DailyResponseHist
    _, rows = plain_rows(session, select(h.unit_id, h.day, h.hist).where(
        h.unit_id.in_(wanted), h.day >= days[0], h.day < days[-1]))
    stored = unpack([(i, r[2]) for i, r in enumerate(rows)])
    row_unit = np.array([r[0] for r in rows], dtype=np.int64)
    row_day = np.array([r[1] for r in rows], dtype=object)
    # Live edges: (Polda, edge bucket, response bucket, n) per cluster of pieces, as `_period_counts`.
    bounds = sorted({t for _, _, ps in plans.values() for p in ps for t in (p.lo, p.hi)})
    unit, parent, grand = aliased(Unit), aliased(Unit), aliased(Unit)
    anchor = _ancestor_at("polda", unit, parent, grand)
    secs = response_seconds(session.get_bind().dialect.name)
    live = []
    for lo, hi in _clusters([(p.lo, p.hi) for _, _, ps in plans.values() for p in ps]):
        edge = _edge_bucket(bounds, lo, hi).label("edge")
        hb = bucket_sql(secs).label("bucket")
        _, part = plain_rows(session, select(anchor.label("anchor"), edge, hb, func.count())
                             .join(unit, unit.id == Mention.unit_id)
                             .outerjoin(parent, parent.id == unit.parent_id)
                             .outerjoin(grand, grand.id == parent.parent_id)
                             .where(Mention.created_at >= ts(lo), Mention.created_at < ts(hi),
                                    Mention.answered_at.is_not(None), anchor.in_(wanted))
                             .group_by(anchor, edge, hb))
        live += part
    live_rows = ints(live, 4)
    out = {}
    for start, ps in poldas.items():
        if not ps:
            continue
        ps = sorted(ps)
        first = {p: plans[(zone_of[p], start)][0].isoformat() for p in ps}
        end = {p: plans[(zone_of[p], start)][1].isoformat() for p in ps}
        keep_row = np.array([u in first and first[u] <= d < end[u] for u, d in zip(row_unit, row_day, strict=True)],
                            dtype=bool)
        row = stored["unit_id"].to_numpy()  # `unpack` was given the row's index as its unit
        keep = keep_row[row]
        listed = np.array(ps, dtype=np.int64)  # sorted
        weights = np.array([_weights(bounds, [(x.lo, x.hi, x.sign) for x in plans[(zone_of[p], start)][2]])
                            for p in ps]).reshape(len(ps), len(bounds) + 1)
        at_ = np.searchsorted(listed, live_rows[:, 0])
        mine = (at_ < len(ps)) & (listed[np.minimum(at_, len(ps) - 1)] == live_rows[:, 0])
        w = np.where(mine, weights[np.minimum(at_, len(ps) - 1), live_rows[:, 1]], 0)
        hist = ResponseHistogram(
            stored=pd.DataFrame({"unit_id": row_unit[row[keep]], "bucket": stored["bucket"].to_numpy()[keep],
                                 "n": stored["n"].to_numpy()[keep]}),
            live={"polda": pd.DataFrame({"unit_id": live_rows[w != 0, 0], "bucket": live_rows[w != 0, 2],
                                         "n": live_rows[w != 0, 3] * w[w != 0]})},
            extra=further_target_times(session, NATIONAL, Period(start, at)), roots=(), anchors=frozenset(ps))
        pct = histogram_percentiles(hist, ancestors[ancestors.isin(ps)], "polda")
        out[start] = {p: _median(pct, p) for p in ps}
    return out


def _exact_medians(session: Session, units: pd.DataFrame, poldas: list[int], period: Period,
                   ancestors: pd.Series) -> dict[int, float | None]:
    """Each Polda's exact median, as `percentiles_of(response_times(<the Polda's scope>, period))`
    gives it, from one read of their answered mentions (and the further targets, each mention once
    per Polda: `percentiles._once`)."""
    paths = units.set_index("unit_id").loc[poldas, "path"].tolist()
    in_poldas = select(Unit.id).where(or_(*[Unit.path.startswith(p, autoescape=True) for p in paths]))
    secs = response_seconds(session.get_bind().dialect.name)
    _, rows = plain_rows(session, select(Mention.unit_id, secs).where(
        Mention.created_at >= ts(period.since), Mention.created_at < ts(period.until),
        Mention.answered_at.is_not(None), Mention.unit_id.in_(in_poldas.scalar_subquery())))
    data, extra = ints(rows, 2), further_target_times(session, NATIONAL, period)
    zeros = np.zeros(len(data), dtype=np.int64)
    times = pd.DataFrame({"unit_id": np.concatenate([data[:, 0], extra["unit_id"].to_numpy()]),
                          "seconds": np.concatenate([data[:, 1], extra["seconds"].to_numpy()]),
                          "mention_id": np.concatenate([zeros, extra["mention_id"].to_numpy()]),
                          "primary_unit": np.concatenate([zeros, extra["primary_unit"].to_numpy()])})
    pct = percentiles_of(times, ancestors[ancestors.isin(poldas)])
    return {p: _median(pct, p) for p in poldas}


def _row(total: pd.Series, median: float | None) -> _PeriodRow:
    mentions, judged = int(total["mentions"]), int(total["mentions"] - total["pending"])
    return _PeriodRow(mentions=mentions, negative=int(total["negative"]),
                      within_sla_share=int(total["within_sla"]) / judged if judged else None,
                      median_minutes=median)


def take(session: Session, at: datetime, sla: SlaPolicy | int) -> list[HeadlineSnapshot]:
    """The snapshot rows of national and every active Polda, for every period option, as the
    figures stand at `at` (the current figures when `at` is now), not yet added to the session."""
    policy = SlaPolicy.of(sla)
    tree = _tree(session, policy)
    today = _today(session, tree, at)
    backlog = [_by_scope(session, tree, [part], overdue_before=at) for part in backlog_parts(at)]
    urgent = _by_scope(session, tree, [has_flag("urgent"), in_backlog_at(at)])
    complaints = _by_scope(session, tree, [has_flag("keluhan"), Mention.created_at >= at - DAY,
                                           Mention.created_at < at])
    hoax_hate = _by_scope(session, tree, [or_(has_flag("hoax"), has_flag("hate")), Mention.created_at >= at - DAY,
                                          Mention.created_at < at])
    rows = []
    for (days, key), p in _periods(session, tree, policy, at).items():
        rows.append(HeadlineSnapshot(
            scope_key=key, days=days, policy_key=policy_key(policy), taken_at=at,
            mentions_today=today[key], unanswered=sum(b[key][0] for b in backlog),
            overdue=sum(b[key][1] for b in backlog), period_mentions=p.mentions, period_negative=p.negative,
            within_sla_share=p.within_sla_share, median_minutes=p.median_minutes,
            urgent_unanswered=urgent[key][0], complaints_24h=complaints[key][0],
            hoax_hate_24h=hoax_hate[key][0]))
    return rows


def store(session: Session, rows: Iterable[HeadlineSnapshot]) -> int:
    """Replace the rows of the same marks and policy, and drop those older than `RETENTION`."""
    rows = list(rows)
    h = HeadlineSnapshot
    for taken_at, key in {(r.taken_at, r.policy_key) for r in rows}:
        session.execute(delete(h).where(h.taken_at == taken_at, h.policy_key == key))
    if rows:
        session.execute(delete(h).where(h.taken_at < max(r.taken_at for r in rows) - RETENTION))
    session.add_all(rows)
    session.flush()
    return len(rows)


def has_slot(session: Session, at: datetime, sla: SlaPolicy | int) -> bool:
    h = HeadlineSnapshot
    return session.scalar(select(func.count()).select_from(h).where(
        h.taken_at == at, h.policy_key == policy_key(sla), h.scope_key == NATIONAL_KEY)) > 0


def backfill(session: Session, since: datetime, until: datetime, sla: SlaPolicy | int) -> int:
    """Snapshots at every 5-minute mark in [since, until] from the reconstruction (each mark's
    figures as the data now says they stood then), committed mark by mark."""
    mark, n = slot_of(since) + (SLOT if slot_of(since) < since else timedelta(0)), 0
    while mark <= until:
        n += store(session, take(session, mark, sla))
        session.commit()
        mark += SLOT
    return n


def _moment(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lib.snapshots", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    fill = sub.add_parser("backfill", help="snapshots at every 5-minute mark of a past range")
    fill.add_argument("--since", type=_moment, required=True, help="ISO time, UTC unless a zone is given")
    fill.add_argument("--until", type=_moment, required=True)
    args = parser.parse_args(argv)
    settings = load_settings()
    policy = SlaPolicy(settings.sla_minutes, settings.hard_limit_minutes)
    started = time.perf_counter()
    with session_scope(get_engine()) as session:
        n = backfill(session, args.since, args.until, policy)
    print(f"{n} snapshot rows in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
