"""Median and p90 of first-response time from stored histograms: what keeps the national overview's
percentiles flat as a year of traffic fills the table.

Every answered mention's response seconds `s` fall in one fixed bucket:

- `s < 3000` (50 minutes): linear buckets two minutes wide, `b = s // 120`, represented by their
  middle (at most 60 s off);
- `s >= 3000`: geometric buckets with ratio 1.04, `b = 25 + floor(ln(s / 3000) / ln 1.04)`,
  bucket [L, 1.04 L) represented by 2·1.04 L / 2.04 (at most 0.04 / 2.04 = 1.96 % off).

**Error bound:** an estimated median or p90 is within `max(60 s, 2 % of the exact value)` of the
exact `percentile_cont` figure. The count per bucket is exact, so the order statistics the exact
figure interpolates between are found in the right bucket, each is replaced by its bucket's
representative (within the bound), and the same linear interpolation of two values within the bound
stays within it. Tested against the exact figure on generated data (tests/metrics/test_histogram.py).

`daily_response_hist` holds one histogram per unit and local day (`lib.daily` maintains it with
`daily_counts`); a period reads whole days from it and bins the partial days at its edges live (as
`unit_counts` does), merges per unit, and rolls units up to any grouping by adding counts. Further
targets (`mention_targets`, small) are read exactly and binned with the same rule, each mention once
per group. The cost grows with units × days, not with mentions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session, aliased

from lib import daily
from lib.db import plain_rows
from lib.metrics.buckets import (
    bucket_of,
    bucket_sql,
    representative,
    unpack,
)
from lib.metrics.counts import _bucket_weights, live_ranges, widened
from lib.metrics.percentiles import _ancestor_at, _once, further_target_times
from lib.metrics.sql import Period, SlaPolicy, ZoneSplit, in_scope, ints, response_seconds, split, ts
from lib.models import DailyResponseHist, Mention, Unit, utcnow
from lib.scope import Scope

COLUMNS = ["key", "answered", "median_minutes", "p90_minutes"]


@dataclass(frozen=True)
class ResponseHistogram:
    """A scope's response times for a period, ready to merge per group:
    - `stored`: (unit_id, bucket, n) of whole stored days, each row a unit's whole **subtree**, for
      the anchors read (the scope's roots and the units at the levels asked for);
    - `live`: per level read (None when none was asked), (unit_id, bucket, n) of the partial days at
      the edges, unit_id being the ancestor at that level (-1 for mentions of units above it); `n`
      is negative for the part of a stored edge day outside the period (`counts.widened`);
    - `extra`: the further targets, exactly (as `response_times`' extra rows);
    - `roots`: the units whose subtrees make up the scope; `anchors`: the units whose subtree rows
      were read (groups can only be these)."""

    stored: pd.DataFrame
    live: dict[str | None, pd.DataFrame]
    extra: pd.DataFrame
    roots: tuple[int, ...]
    anchors: frozenset[int]


def _common_days(zones: list[str], period: Period, now: datetime) -> list[ZoneSplit | None]:
    """Per zone, the local days read from storage: the whole days every zone shares (a subtree such
    as Mabes' spans zones, and its stored row adds each unit's own local day), so at most a couple
    of hours a day more are scanned live than with each zone's own whole days."""
    splits = [split(z, period.since, period.until) if period.until <= now else None for z in zones]
    if not splits or not all(splits):
        return [None] * len(zones)
    first, end = max(sp.first_day for sp in splits), min(sp.end_day for sp in splits)
    if end <= first:
        return [None] * len(zones)
    return [ZoneSplit(first, end, Period.local_days(first, end - timedelta(days=1), z).since,
                      Period.local_days(end, end, z).since) for z in zones]


def response_histogram(session: Session, scope: Scope, period: Period, sla: SlaPolicy | int = 60,
                       now: datetime | None = None, levels: tuple[str, ...] = (),
                       refresh: bool = True) -> ResponseHistogram:
    """Whole local days from `daily_response_hist` (the subtree rows of the scope's roots and of its
    units at `levels`: a few hundred rows for a national week, however many mentions it holds), the
    partial days at the edges binned live per unit. `refresh=False` when the caller has just
    refreshed the stored days in this transaction."""
    now = now or utcnow()
    _, unit_rows = plain_rows(session, select(Unit.id, Unit.timezone, Unit.level, Unit.parent_id)
                              .where(Unit.path.startswith(scope.path_prefix, autoescape=True)))
    zones = sorted({r[1] for r in unit_rows})
    roots = ((scope.root_unit_id,) if scope.root_unit_id is not None
             else tuple(r[0] for r in unit_rows if r[3] is None))
    anchors = set(roots) | {r[0] for r in unit_rows if r[2] in levels}
    splits = widened(zones, _common_days(zones, period, now), period) if zones else []
    stored = unpack([])
    if splits and splits[0] is not None:
        if refresh:
            daily.refresh(session, SlaPolicy.of(sla).first_response_minutes)
        h = DailyResponseHist
        _, rows = plain_rows(session, select(h.unit_id, h.hist).where(
            h.day >= splits[0].first_day.isoformat(), h.day < splits[0].end_day.isoformat(),
            h.unit_id.in_(sorted(anchors))))
        stored = unpack(rows)
    ranges = live_ranges(period, splits)
    bounds = sorted({period.since, period.until, *(t for sp in splits if sp for t in (sp.start, sp.end))})
    zone_bucket = sum((case((Mention.created_at >= ts(b), 1), else_=0) for b in bounds), literal(0))
    secs = response_seconds(session.get_bind().dialect.name)
    weight, _ = _bucket_weights(bounds, splits, [], period)
    # The live rows are summed in SQL per group already (the units at each level asked for, or the
    # whole scope), with the unit's zone and zone-boundary bucket for the mask: a few thousand rows
    # back however busy the edge days were.
    unit, parent, grand = aliased(Unit), aliased(Unit), aliased(Unit)
    live = {}
    for level in levels or (None,):
        anchor = literal(0) if level is None else _ancestor_at(level, unit, parent, grand)
        frames = []
        for lo, hi in ranges:
            zb, hb = zone_bucket.label("zb"), bucket_sql(secs).label("bucket")
            q = (select(anchor.label("anchor"), unit.timezone, zb, hb, func.count())
                 .join(unit, unit.id == Mention.unit_id)
                 .where(and_(Mention.created_at >= ts(lo), Mention.created_at < ts(hi),
                             Mention.answered_at.is_not(None), in_scope(scope))))
            if level is not None:
                q = q.outerjoin(parent, parent.id == unit.parent_id).outerjoin(grand, grand.id == parent.parent_id)
            _, rows = plain_rows(session, q.group_by(anchor, unit.timezone, zb, hb))
            rows = [r for r in rows if r[1] in zones]
            anchors_ = np.array([-1 if r[0] is None else r[0] for r in rows], dtype=np.int64)
            zone = np.array([zones.index(r[1]) for r in rows], dtype=np.int64)
            data = ints([r[2:] for r in rows], 3)
            w = weight[zone, data[:, 0]] if len(data) else np.zeros(0, dtype=np.int64)
            keep = w != 0  # subtracted rows (stored days outside the period) carry -1
            frames.append(pd.DataFrame({"unit_id": anchors_[keep], "bucket": data[keep, 1],
                                        "n": data[keep, 2] * w[keep]}))
        live[level] = pd.concat(frames, ignore_index=True)
    return ResponseHistogram(stored=stored, live=live,
                             extra=further_target_times(session, scope, period), roots=roots,
                             anchors=frozenset(anchors))


def histogram_percentiles(hist: ResponseHistogram, keys: pd.Series | None = None,
                          level: str | None = None) -> pd.DataFrame:
    """Estimated median and p90 (see the module doc for the bound), over everything (keys None) or
    per unit at `level` (`keys`: unit_id → its ancestor at `level`, `unit_ancestors`; the level
    must have been read). Same columns as `percentiles_of`. The counts go into a
    dense (group × bucket) matrix with one `bincount`; percentiles are read from its running sums."""
    def columns(frame: pd.DataFrame) -> tuple[np.ndarray, ...]:
        return tuple(frame[c].to_numpy(dtype=np.int64) for c in ("unit_id", "bucket", "n"))

    s_units, s_buckets, s_n = columns(hist.stored)
    # Live rows: per group of the level read; the whole scope is the sum over any level's rows.
    if keys is not None and level not in hist.live:
        raise ValueError(f"the histogram was read without level {level!r}")
    l_units, l_buckets, l_n = columns(next(iter(hist.live.values())) if keys is None else hist.live[level])
    if keys is None:
        group_keys = np.array([0])
        mine = np.isin(s_units, np.array(hist.roots, dtype=np.int64))  # the roots' subtrees
        ix = [np.zeros(int(mine.sum()), dtype=np.int64), np.zeros(len(l_units), dtype=np.int64)]
    else:
        group_keys = np.unique(keys.to_numpy(dtype=np.int64))
        mine = np.isin(s_units, group_keys)  # a group's anchor unit holds its subtree
        if not np.isin(group_keys, np.array(sorted(hist.anchors), dtype=np.int64)).all():
            raise ValueError("the histogram was read without these groups' units (pass their level)")
        known = np.isin(l_units, group_keys)
        ix = [np.searchsorted(group_keys, s_units[mine]), np.searchsorted(group_keys, l_units[known])]
        l_buckets, l_n = l_buckets[known], l_n[known]
    buckets, counts = [s_buckets[mine], l_buckets], [s_n[mine], l_n]
    if len(hist.extra):
        extra = _once(hist.extra, keys)
        ix.append(np.searchsorted(group_keys, extra["key"].to_numpy(dtype=np.int64)))
        buckets.append(bucket_of(extra["seconds"].to_numpy()))
        counts.append(np.ones(len(extra), dtype=np.int64))
    ix_all, b_all, n_all = np.concatenate(ix), np.concatenate(buckets), np.concatenate(counts)
    width = int(b_all.max()) + 1 if len(b_all) else 1
    matrix = np.bincount(ix_all * width + b_all, weights=n_all, minlength=len(group_keys) * width)
    matrix = matrix.reshape(len(group_keys), width).astype(np.int64)
    total = matrix.sum(axis=1)
    present = total > 0
    matrix, total, group_keys = matrix[present], total[present], group_keys[present]
    if not len(group_keys):
        return pd.DataFrame(columns=COLUMNS)
    cum = np.cumsum(matrix, axis=1)
    values = representative(np.arange(width))

    def at(position: np.ndarray) -> np.ndarray:
        """The representative of the bucket holding the 0-based order statistic `position` per row."""
        return values[(cum <= position[:, None]).sum(axis=1)]

    n = total
    med = _interpolated(n, at((n - 1) // 2), at(n // 2), 1, 2)
    p90 = _interpolated(n, at((n - 1) * 9 // 10), at(((n - 1) * 9 + 9) // 10), 9, 10)
    return pd.DataFrame({"key": group_keys, "answered": n, "median_minutes": med / 60, "p90_minutes": p90 / 60},
                        columns=COLUMNS)


def _interpolated(n: np.ndarray, lo: np.ndarray, hi: np.ndarray, num: int, den: int) -> np.ndarray:
    """`percentiles._interpolate` for arrays of groups (the same position arithmetic)."""
    frac = ((n - 1) * num % den) / den
    return lo + (hi - lo) * frac
