"""What the pages show, assembled from one pass of counts, compliance and response times: overview,
league table, Polsek backlog, roll-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import (
    func,
    select,
)
from sqlalchemy.orm import Session

from lib.metrics.counts import (
    open_by_level,
    rolled_arrays,
    rolled_up,
    scope_totals,
    unit_counts,
    units_frame,
    verified_compliance,
)
from lib.metrics.histogram import ResponseHistogram, histogram_percentiles, response_histogram
from lib.metrics.percentiles import percentiles_of, response_times, unit_ancestors
from lib.metrics.sql import Period, SlaPolicy, positions
from lib.models import SyncRun, Unit, utcnow
from lib.scope import Scope

# Up to this many answered mentions in the period the percentiles are exact (reading them costs
# less than the histograms' fixed cost); above it they come from the stored histograms, within
# max(1 minute, 2 %) of the exact figure (lib/metrics/histogram.py). SQLite reads rows in-process,
# so its exact path stays cheaper far longer (measured at 1M: exact 170 ms, histograms 312 ms).
EXACT_LIMIT = 20_000
EXACT_LIMIT_SQLITE = 250_000


def _times(session: Session, scope: Scope, sla: SlaPolicy | int, period: Period, counts: pd.DataFrame,
           now: datetime, levels: tuple[str, ...] = ()) -> pd.DataFrame | ResponseHistogram:
    """The period's response times: exact rows for a small scope, merged histograms for a large one
    (with the subtrees of the units at `levels`, the groups asked for)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    if int(scope_totals(counts)["answered"]) <= (EXACT_LIMIT_SQLITE if sqlite else EXACT_LIMIT):
        return response_times(session, scope, period)
    return response_histogram(session, scope, period, sla, now, levels, refresh=False)  # unit_counts did


def _percentiles(times: pd.DataFrame | ResponseHistogram, keys: pd.Series | None = None,
                 level: str | None = None) -> pd.DataFrame:
    if isinstance(times, ResponseHistogram):
        return histogram_percentiles(times, keys, level)
    return percentiles_of(times, keys)


def scope_percentiles(session: Session, scope: Scope, sla: SlaPolicy | int, period: Period, counts: pd.DataFrame,
                      now: datetime) -> pd.DataFrame:
    """The scope's median and p90 for the period by the dashboards' rule (exact for a small scope,
    stored histograms for a large one); `counts` is the period's `unit_counts`."""
    return _percentiles(_times(session, scope, sla, period, counts, now))


def _share(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den as floats, NaN where den is 0."""
    den = den.astype(float)
    return np.divide(num, den, out=np.full(len(den), np.nan), where=den > 0)



def league(session: Session, scope: Scope, sla: SlaPolicy | int, period: Period, level: str,
           now: datetime | None = None) -> pd.DataFrame:
    """Every unit at `level` in scope with its subtree's figures: the league table (unsorted)."""
    now = now or utcnow()
    units = units_frame(session, scope)
    counts = unit_counts(session, scope, sla, period, now, units)
    return _league(session, scope, level, units, counts, verified_compliance(session, scope),
                   _times(session, scope, sla, period, counts, now, (level,)))


def _league(session: Session, scope: Scope, level: str, units: pd.DataFrame, counts: pd.DataFrame,
            compliance: pd.DataFrame, times: pd.DataFrame | ResponseHistogram) -> pd.DataFrame:
    # The roll-up as arrays, only the league's rows taken into the one frame built (a roll-up frame
    # of every unit, filtered and read back column by column, cost more than the figures).
    columns, totals = rolled_arrays(units, counts, compliance)
    rows = np.flatnonzero(units["level"].to_numpy() == level)
    data = {c: units[c].array[rows] for c in units.columns if c not in columns}
    data.update({c: totals[rows, i] for i, c in enumerate(columns)})
    ids = units["unit_id"].to_numpy()[rows]
    if level == "polsek" and not isinstance(times, ResponseHistogram):
        # A Polsek is its own ancestor at that level and has no children: the keys are the Polsek
        # ids, no round trip (an inactive Polsek's mentions have no league row to show either way).
        keys = pd.Series(ids, index=ids, dtype="int64")
    else:
        keys = unit_ancestors(session, scope, level)
    pct = _percentiles(times, keys, level)
    # Numpy on the few rows, the new columns added at once (pandas' per-column inserts cost more
    # than the rest of a small scope's figures, see docs/benchmarks.md).
    at = positions(pct["key"].to_numpy(), ids)
    found = at >= 0

    def picked(col: str) -> np.ndarray:
        values = pct[col].to_numpy(dtype=float, na_value=np.nan)
        return np.where(found, values[np.where(found, at, 0)] if len(values) else np.nan, np.nan)

    col = {c: data[c] for c in ("mentions", "pending", "within_sla", "negative", "compliant", "units_checked")}
    data.update(median_minutes=picked("median_minutes"), p90_minutes=picked("p90_minutes"),
                compliance_share=_share(col["compliant"], col["units_checked"]),
                within_sla_share=_share(col["within_sla"], col["mentions"] - col["pending"]),
                negative_share=_share(col["negative"], col["mentions"]))
    return pd.DataFrame(data)



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


_LAST_SYNC = select(func.max(SyncRun.finished_at)).where(SyncRun.ok)  # built once: the same on every call


def last_sync(session: Session) -> datetime | None:
    # Core, not the ORM's execute: its per-call overhead is most of this read's cost.
    return session.connection().execute(_LAST_SYNC).scalar()


def overview(session: Session, scope: Scope, sla: SlaPolicy | int, period_days: int = 7,
             now: datetime | None = None) -> Overview:
    """The scope's headline figures for the last `period_days` days (backlog as of now)."""
    now = now or utcnow()
    period = Period.last_days(period_days, now)
    counts = unit_counts(session, scope, sla, period, now)
    return _overview(session, counts, verified_compliance(session, scope),
                     _times(session, scope, sla, period, counts, now))


def _overview(session: Session, counts: pd.DataFrame, compliance: pd.DataFrame,
              times: pd.DataFrame | ResponseHistogram) -> Overview:
    total = scope_totals(counts)  # a mention tagging several units counts once
    pct = _percentiles(times)
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
    open_by_level: dict[str, int] | None = None  # see `lib.metrics.counts.open_by_level`


def dashboard(session: Session, scope: Scope, sla: SlaPolicy | int, period_days: int, level: str | None = None,
              now: datetime | None = None, polsek_limit: int = 25, period: Period | None = None) -> Dashboard:
    """Overview, league table and Polsek backlog sharing one unit scan, one backlog scan, one
    compliance query and one read of the period's response times (percentiles for the total and
    every league row are taken from it: exact rows up to `EXACT_LIMIT` answered mentions, else the
    stored histograms). `period` (e.g. `lib.watch.calendar_period`) overrides the rolling
    `period_days`."""
    now = now or utcnow()
    period = period or Period.last_days(period_days, now)
    units = units_frame(session, scope)
    level = level or league_level(session, scope, units)
    counts = unit_counts(session, scope, sla, period, now, units)
    compliance = verified_compliance(session, scope)
    times = _times(session, scope, sla, period, counts, now, (level,))
    return Dashboard(
        overview=_overview(session, counts, compliance, times),
        league=_league(session, scope, level, units, counts, compliance, times),
        backlog_by_polsek=_backlog_by_polsek(units, counts, polsek_limit),
        level=level,
        open_by_level=open_by_level(units, counts),
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
    # Numpy on the unit list (a merge and a sort of frames cost more than the figures, see `_league`).
    at = positions(counts["unit_id"].to_numpy(), units["unit_id"].to_numpy())
    have = at >= 0
    pick = np.where(have, at, 0)
    unanswered = np.where(have, counts["unanswered"].to_numpy()[pick] if len(counts) else 0, 0)
    overdue = np.where(have, counts["overdue"].to_numpy()[pick] if len(counts) else 0, 0)
    rows = np.flatnonzero(have & (units["level"].to_numpy() == "polsek") & (unanswered > 0))
    # Worst first, by unanswered then overdue; ties keep the unit order, as the stable sort did.
    rows = rows[np.lexsort((-overdue[rows], -unanswered[rows]))][:limit]
    return pd.DataFrame({
        "unit_id": units["unit_id"].array[rows], "short_name": units["short_name"].array[rows],
        "name": units["name"].array[rows], "unanswered": unanswered[rows], "overdue": overdue[rows],
        "within_sla": unanswered[rows] - overdue[rows]})


def rollup(session: Session, scope: Scope, sla: SlaPolicy | int, now: datetime | None = None,
           period_days: int = 7) -> pd.DataFrame:
    """Every unit in scope with its own counts plus its whole subtree's (Polsek → Polres → Polda)."""
    now = now or utcnow()
    units = units_frame(session, scope)
    counts = unit_counts(session, scope, sla, Period.last_days(period_days, now), now, units)
    out = rolled_up(units, counts).rename(columns={"mentions": "period"})
    return out[["unit_id", "name", "level", "parent_id", "path", "today", "unanswered", "overdue", "period",
                "negative", "answered", "within_sla", "over_hard_limit"]]


def league_level(session: Session, scope: Scope, units: pd.DataFrame | None = None) -> str:
    """The level one below the scope's root: Polda nationally, Polres in a Polda, Polsek in a Polres.
    `units` (the scope's `units_frame`, when at hand) holds an active root's level: no round trip."""
    if scope.root_unit_id is None:
        return "polda"
    root = np.flatnonzero(units["unit_id"].to_numpy() == scope.root_unit_id) if units is not None else []
    if len(root):
        level = str(units["level"].array[root[0]])
    else:
        level = session.connection().execute(select(Unit.level).where(Unit.id == scope.root_unit_id)).scalar()
    return {"mabes": "polda", "polda": "polres"}.get(level or "", "polsek")


def polres_choices(session: Session, scope: Scope) -> list[tuple[int, str]]:
    """(id, name) of every Polres in scope, in tree order (the unit page's picker)."""
    return [tuple(r) for r in session.execute(
        select(Unit.id, Unit.name).where(scope.unit_clause(), Unit.level == "polres", Unit.active).order_by(Unit.path)
    ).all()]
