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

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, Float, Integer, and_, case, cast, func, literal, select
from sqlalchemy.orm import Session

from lib import daily
from lib.db import plain_rows
from lib.metrics.sql import Period, SlaPolicy, in_scope, ints, response_seconds, split, ts
from lib.models import DailyResponseHist, Mention, Unit, utcnow
from lib.scope import Scope

LINEAR_END = 3000
LINEAR_WIDTH = 120
FIRST_LOG = LINEAR_END // LINEAR_WIDTH  # 25
RATIO = 1.04
LN_RATIO = math.log(RATIO)
PAIR = np.dtype([("bucket", "<u2"), ("n", "<u4")])
COLUMNS = ["key", "answered", "median_minutes", "p90_minutes"]


def bucket_sql(secs: ColumnElement[int]) -> ColumnElement[int]:
    """The bucket of `secs`, computed by the database (the same rule as `bucket_of`)."""
    log_bucket = FIRST_LOG + func.floor(func.ln(cast(secs, Float) / float(LINEAR_END)) / LN_RATIO)
    return case((secs < 0, 0), (secs < LINEAR_END, secs // LINEAR_WIDTH),
                else_=cast(log_bucket, Integer))


def bucket_of(seconds: np.ndarray) -> np.ndarray:
    s = np.maximum(np.asarray(seconds, dtype=np.float64), 0)
    with np.errstate(divide="ignore"):
        log = FIRST_LOG + np.floor(np.log(np.maximum(s, LINEAR_END) / LINEAR_END) / LN_RATIO)
    return np.where(s < LINEAR_END, s // LINEAR_WIDTH, log).astype(np.int64)


def representative(buckets: np.ndarray) -> np.ndarray:
    """Seconds that stand for each bucket (see the module doc for the error)."""
    b = np.asarray(buckets, dtype=np.float64)
    low = LINEAR_END * RATIO ** (b - FIRST_LOG)
    return np.where(b < FIRST_LOG, b * LINEAR_WIDTH + (LINEAR_WIDTH - 1) / 2, low * 2 * RATIO / (1 + RATIO))


def pack(buckets: np.ndarray, counts: np.ndarray) -> bytes:
    out = np.empty(len(buckets), dtype=PAIR)
    out["bucket"], out["n"] = buckets, counts
    return out.tobytes()


def unpack(rows: list[tuple]) -> pd.DataFrame:
    """(unit_id, packed histogram) rows → one (unit_id, bucket, n) row per stored pair."""
    if not rows:
        return pd.DataFrame({"unit_id": [], "bucket": [], "n": []}, dtype="int64")
    blobs = [bytes(r[1]) for r in rows]
    pairs = np.frombuffer(b"".join(blobs), dtype=PAIR)
    lengths = np.fromiter((len(b) for b in blobs), dtype=np.int64, count=len(blobs)) // PAIR.itemsize
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    return pd.DataFrame({"unit_id": np.repeat(ids, lengths), "bucket": pairs["bucket"].astype(np.int64),
                         "n": pairs["n"].astype(np.int64)})


@dataclass(frozen=True)
class ResponseHistogram:
    """A scope's response times for a period: `own` holds (unit_id, bucket, n) of each mention under
    its primary unit; `extra` the further targets exactly (as `response_times`' extra rows)."""

    own: pd.DataFrame
    extra: pd.DataFrame


def response_histogram(session: Session, scope: Scope, period: Period, sla: SlaPolicy | int = 60,
                       now: datetime | None = None) -> ResponseHistogram:
    """Whole local days from `daily_response_hist`, the partial days at the edges binned live."""
    from lib.metrics.counts import _bucket_masks, _stored_rows
    from lib.metrics.percentiles import further_target_times

    now = now or utcnow()
    _, unit_rows = plain_rows(session, select(Unit.id, Unit.timezone)
                              .where(Unit.path.startswith(scope.path_prefix, autoescape=True)))
    zones = sorted({tz for _, tz in unit_rows})
    splits = [split(z, period.since, period.until) if period.until <= now else None for z in zones]
    parts = []
    if any(splits):
        daily.refresh(session, SlaPolicy.of(sla).first_response_minutes)
        _, stored = plain_rows(session, select(DailyResponseHist.unit_id, DailyResponseHist.hist)
                               .where(_stored_rows(scope, zones, splits, DailyResponseHist)))
        parts.append(unpack(stored))
    head_end = max((sp.start if sp else period.until) for sp in splits) if splits else period.until
    tail_start = min((sp.end if sp else period.since) for sp in splits) if splits else period.since
    ranges = [(period.since, head_end), (tail_start, period.until)] if head_end < tail_start else [
        (period.since, period.until)]
    bounds = sorted({t for sp in splits if sp for t in (sp.start, sp.end)})
    zone_bucket = sum((case((Mention.created_at >= ts(b), 1), else_=0) for b in bounds), literal(0))
    secs = response_seconds(session.get_bind().dialect.name)
    unit_key, hb = (Mention.unit_id + 0).label("unit_id"), bucket_sql(secs).label("bucket")
    zone_of = pd.Series({uid: zones.index(tz) for uid, tz in unit_rows}, dtype="int64")
    edge, _ = _bucket_masks(bounds, splits, [])
    for lo, hi in ranges:
        zb = zone_bucket.label("zb")
        _, rows = plain_rows(session, select(unit_key, zb, hb, func.count())
                             .where(and_(Mention.created_at >= ts(lo), Mention.created_at < ts(hi),
                                         Mention.answered_at.is_not(None), in_scope(scope)))
                             .group_by(unit_key, zb, hb))
        data = ints(rows, 4)
        zone = zone_of.reindex(data[:, 0]).to_numpy()
        known = ~np.isnan(zone)
        data, zone = data[known], zone[known].astype(np.int64)
        live = edge[zone, data[:, 1]] if len(data) else np.zeros(0, dtype=bool)
        data = data[live]
        parts.append(pd.DataFrame({"unit_id": data[:, 0], "bucket": data[:, 2], "n": data[:, 3]}))
    own = pd.concat(parts, ignore_index=True) if parts else unpack([])
    return ResponseHistogram(own=own, extra=further_target_times(session, scope, period))


def histogram_percentiles(hist: ResponseHistogram, keys: pd.Series | None = None) -> pd.DataFrame:
    """Estimated median and p90 (see the module doc for the bound), over everything (keys None) or
    per group (`keys`: unit_id → group key). Same columns as `percentiles_of`."""
    from lib.metrics.percentiles import _interpolate, _minutes, _once

    own = hist.own
    own = own.assign(key=0) if keys is None else own.assign(key=own["unit_id"].map(keys)).dropna(subset=["key"])
    frames = [own[["key", "bucket", "n"]]]
    if len(hist.extra):
        extra = _once(hist.extra, keys)
        frames.append(pd.DataFrame({"key": extra["key"].to_numpy(), "bucket": bucket_of(extra["seconds"].to_numpy()),
                                    "n": 1}))
    merged = pd.concat(frames, ignore_index=True)
    merged = merged[merged["n"] > 0]
    if merged.empty:
        return pd.DataFrame(columns=COLUMNS)
    summed = merged.astype({"key": "int64"}).groupby(["key", "bucket"], sort=True)["n"].sum().reset_index()
    keys_arr, buckets, counts = (summed[c].to_numpy() for c in ("key", "bucket", "n"))
    values = representative(buckets)
    starts = np.flatnonzero(np.r_[True, keys_arr[1:] != keys_arr[:-1]])
    ends = np.r_[starts[1:], len(keys_arr)]
    out = []
    for s, e in zip(starts, ends, strict=True):
        cum = np.cumsum(counts[s:e])
        n = int(cum[-1])

        def at(position: int, s=s, e=e, cum=cum) -> float:
            return float(values[s:e][np.searchsorted(cum, position, side="right")])

        med = _interpolate(n, at((n - 1) // 2), at(n // 2), 1, 2)
        p90 = _interpolate(n, at((n - 1) * 9 // 10), at(((n - 1) * 9 + 9) // 10), 9, 10)
        out.append(dict(key=int(keys_arr[s]), answered=n, median_minutes=_minutes(med), p90_minutes=_minutes(p90)))
    return pd.DataFrame(out, columns=COLUMNS)
