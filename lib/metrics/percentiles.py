"""Exact median and 90th percentile of first-response time, per scope, unit, level or day."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from lib.db import plain_rows
from lib.metrics.sql import (
    GROUP_LEVELS,
    Period,
    in_scope,
    ints,
    local_day,
    positions,
    response_seconds,
    ts,
)
from lib.models import Mention, MentionTarget, Unit
from lib.scope import Scope


def _ancestor_at(level: str, unit, parent, grandparent) -> ColumnElement[int]:
    return case((unit.level == level, unit.id), (parent.level == level, parent.id),
                (grandparent.level == level, grandparent.id), else_=None)



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
        Mention.created_at >= ts(period.since), Mention.created_at < ts(period.until),
        Mention.answered_at.is_not(None), in_scope(scope))
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
    faster than window functions on SQLite and gives the same exact values.

    Further targets (lib/targets.py) add a row per targeted unit in scope, with the mention's id and
    its primary unit (-1 when that lies outside the scope); other rows carry 0 in both, and
    `percentiles_of` counts each mention once per group."""
    dialect, national = session.get_bind().dialect.name, scope.path_prefix == "/"
    params = {"since": period.since, "until": period.until, "scope": scope.like_pattern()}
    # One round trip: the further targets' rows come after the mentions' own (mention_id 0).
    _, rows = plain_rows(session, _times_statements(dialect, national)[2], params)
    data = ints(rows, 4)  # ~70k rows at 1M mentions
    return pd.DataFrame({"unit_id": data[:, 0], "seconds": data[:, 1], "mention_id": data[:, 2],
                         "primary_unit": data[:, 3]})


def further_target_times(session: Session, scope: Scope, period: Period) -> pd.DataFrame:
    """The further targets' rows of `response_times` (unit_id, seconds, mention_id, primary_unit)."""
    params = {"since": period.since, "until": period.until, "scope": scope.like_pattern()}
    _, extra_rows = plain_rows(session, _times_statements(session.get_bind().dialect.name,
                                                          scope.path_prefix == "/")[1], params)
    extra = ints(extra_rows, 4)
    return pd.DataFrame(extra, columns=["unit_id", "seconds", "mention_id", "primary_unit"])


@lru_cache(maxsize=8)
def _times_statements(dialect: str, national: bool) -> tuple:
    """`response_times`' statements (the mentions' own rows, the further targets' rows, both in one
    UNION ALL), built once per backend and scope kind (parameters `since`,
    `until` and the path pattern `scope`): building them cost more than a small scope's rows."""
    secs = response_seconds(dialect)
    at, t = Mention.created_at, MentionTarget

    def p(name: str, col=at) -> BindParameter:
        return bindparam(name, type_=col.type)

    units = select(Unit.id).where(Unit.path.like(bindparam("scope"), escape="/"))
    own = select(Mention.unit_id, secs).where(at >= p("since"), at < p("until"), Mention.answered_at.is_not(None),
                                              true() if national else Mention.unit_id.in_(units.scalar_subquery()))
    primary = Mention.unit_id if national else case((Mention.unit_id.in_(units), Mention.unit_id), else_=-1)
    further = (select(t.unit_id, secs, t.mention_id, primary).join(Mention, Mention.id == t.mention_id)
               .where(t.created_at >= p("since", t.created_at), t.created_at < p("until", t.created_at),
                      Mention.answered_at.is_not(None), true() if national else t.unit_id.in_(units)))
    both = union_all(own.add_columns(literal(0), literal(0)), further)
    return own, further, both


def _once(times: pd.DataFrame, keys: pd.Series | None) -> pd.DataFrame:
    """`times` with a "key" column (0 without `keys`), each mention once per key: a further
    target's row goes when its primary unit's row, or another target's, has the same key."""
    if keys is None:
        keyed = times.assign(key=0)
        primary_key = pd.Series(np.where(times["primary_unit"] == -1, np.nan, 0), index=times.index)
    else:
        keyed = times.assign(key=times["unit_id"].map(keys))
        primary_key = times["primary_unit"].map(keys)
    extra = keyed["mention_id"] != 0
    if not extra.any():
        return keyed.dropna(subset=["key"])
    keep = ~extra | (primary_key != keyed["key"])
    keyed = keyed[keep & keyed["key"].notna()]
    return keyed[~(keyed["mention_id"] != 0) | ~keyed.duplicated(["key", "mention_id"])]


def unit_ancestors(session: Session, scope: Scope, level: str) -> pd.Series:
    """Unit id → id of its ancestor at `level` (itself included), for every unit in scope, active or
    not: the same parent/grandparent rule as `response_percentiles`."""
    unit, parent, grand = aliased(Unit), aliased(Unit), aliased(Unit)
    ancestor = _ancestor_at(level, unit, parent, grand)
    _, rows = plain_rows(session, select(unit.id, ancestor).outerjoin(parent, parent.id == unit.parent_id)
                         .outerjoin(grand, grand.id == parent.parent_id)
                         .where(unit.path.startswith(scope.path_prefix, autoescape=True), ancestor.is_not(None)))
    data = ints(rows, 2)
    return pd.Series(data[:, 1], index=data[:, 0], dtype="int64")


def percentiles_of(times: pd.DataFrame, keys: pd.Series | None = None) -> pd.DataFrame:
    """Exact median and p90 (percentile_cont) of `times["seconds"]`, over all rows (keys None) or
    per group (`keys` maps unit_id → group key; units without a key are left out). Same arithmetic
    as `response_percentiles`, so the values are identical. Columns: key, answered, median_minutes,
    p90_minutes."""
    if "mention_id" in times and times["mention_id"].to_numpy().any():  # numpy: a Series compare costs more
        times = _once(times, keys)
        if keys is None:
            keys = pd.Series(dtype="int64")  # the "key" column is already there
    if keys is None:
        groups = [(0, times["seconds"].to_numpy())] if len(times) else []
    else:
        if "key" in times:
            key = times["key"].to_numpy(dtype=float, na_value=np.nan)
        else:  # numpy: a groupby costs more than the figures on a small scope's few rows
            at = positions(keys.index.to_numpy(), times["unit_id"].to_numpy())
            key = np.where(at >= 0, keys.to_numpy(dtype=float)[np.where(at >= 0, at, 0)] if len(keys) else 0,
                           np.nan)
        seconds = times["seconds"].to_numpy()
        keep = ~np.isnan(key)
        key, seconds = key[keep].astype(np.int64), seconds[keep]
        order = np.argsort(key, kind="stable")
        key, seconds = key[order], seconds[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.array([], dtype=np.int64)
        ends = np.r_[starts[1:], len(key)] if len(key) else starts
        groups = [(int(key[a]), seconds[a:b]) for a, b in zip(starts, ends, strict=True)]
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
