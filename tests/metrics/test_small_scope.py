"""The dashboard's numpy assembly (league, Polsek backlog, roll-up: issue 17's small-scope speed) gives
exactly what the pandas version it replaced gave, on generated data with ties and further targets,
for the national scope and every Polda, Polres and Polsek, on both backends."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from lib import metrics
from lib.db import session_scope
from lib.metrics import SlaPolicy, dashboards
from lib.metrics.counts import COUNT_COLUMNS, rolled_up, units_frame, verified_compliance
from lib.metrics.dashboards import _percentiles, _times
from lib.metrics.percentiles import unit_ancestors
from lib.models import Unit
from lib.scope import NATIONAL, scope_for_unit
from tests.conftest import NOW
from tests.metrics.test_histogram import generated  # noqa: F401  (fixture)

POLICY = SlaPolicy(60, 24 * 60)


def _rolled_up_pandas(units: pd.DataFrame, counts: pd.DataFrame, compliance: pd.DataFrame) -> pd.DataFrame:
    """The previous assembly: the new function's totals, added to a copy column by column."""
    new = rolled_up(units, counts, compliance)
    out = units.copy()
    for col in [c for c in new.columns if c not in units.columns]:
        out[col] = new[col].to_numpy()
    return out


def _league_pandas(session, scope, level, units, counts, compliance, times) -> pd.DataFrame:
    frame = _rolled_up_pandas(units, counts, compliance)
    frame = frame[frame["level"] == level].copy()
    pct = _percentiles(times, unit_ancestors(session, scope, level), level).set_index("key")
    frame["median_minutes"] = frame["unit_id"].map(pct["median_minutes"]).astype(float)
    frame["p90_minutes"] = frame["unit_id"].map(pct["p90_minutes"]).astype(float)
    checked = frame["units_checked"].where(frame["units_checked"] > 0)
    frame["compliance_share"] = (frame["compliant"] / checked).astype(float)
    judged = frame["mentions"] - frame["pending"]
    frame["within_sla_share"] = (frame["within_sla"] / judged.where(judged > 0)).astype(float)
    frame["negative_share"] = (frame["negative"] / frame["mentions"].where(frame["mentions"] > 0)).astype(float)
    return frame.reset_index(drop=True)


def _backlog_pandas(units: pd.DataFrame, counts: pd.DataFrame, limit: int) -> pd.DataFrame:
    out = units.merge(counts, on="unit_id")
    out = out[(out["level"] == "polsek") & (out["unanswered"] > 0)].copy()
    out["within_sla"] = out["unanswered"] - out["overdue"]
    out = out.sort_values(["unanswered", "overdue"], ascending=False).head(limit)
    return out[["unit_id", "short_name", "name", "unanswered", "overdue", "within_sla"]].reset_index(drop=True)


def test_numpy_assembly_equals_the_pandas_one(generated: Engine) -> None:  # noqa: F811
    with session_scope(generated) as s:
        ids = list(s.scalars(select(Unit.id).where(Unit.level != "mabes").order_by(Unit.path)))
        scopes = [NATIONAL, *(scope_for_unit(s, i) for i in ids)]
        checked_rows = 0
        for scope in scopes:
            got = metrics.dashboard(s, scope, POLICY, 7, now=NOW, polsek_limit=3)
            period = metrics.Period.last_days(7, NOW)
            units = units_frame(s, scope)
            counts = metrics.unit_counts(s, scope, POLICY, period, NOW, units)
            compliance = verified_compliance(s, scope)
            times = _times(s, scope, POLICY, period, counts, NOW, (got.level,))
            want = _league_pandas(s, scope, got.level, units, counts, compliance, times)
            pd.testing.assert_frame_equal(got.league, want)
            pd.testing.assert_frame_equal(got.backlog_by_polsek, _backlog_pandas(units, counts, 3))
            pd.testing.assert_frame_equal(rolled_up(units, counts), _rolled_up_pandas(units, counts, compliance)
                                          [list(units.columns) + COUNT_COLUMNS])
            checked_rows += len(want)
        assert checked_rows > len(ids) // 2  # the scopes had league rows to compare


def test_backlog_ties_keep_the_unit_order() -> None:
    units = pd.DataFrame({"unit_id": [1, 2, 3, 4, 5], "short_name": list("abcde"), "name": list("ABCDE"),
                          "level": ["polres", "polsek", "polsek", "polsek", "polsek"]})
    counts = pd.DataFrame({"unit_id": [5, 4, 3, 2, 1], "unanswered": [2, 3, 2, 2, 9], "overdue": [1, 0, 1, 0, 9]})
    got = dashboards._backlog_by_polsek(units, counts, 10)
    assert got["unit_id"].tolist() == [4, 3, 5, 2]  # 3 unanswered; then 2 with 1 overdue by unit order
    pd.testing.assert_frame_equal(got, _backlog_pandas(units, counts, 10))
    assert np.array_equal(got["within_sla"].to_numpy(), [3, 1, 1, 2])


def test_pending_only_reads_the_same_period_figures(generated: Engine) -> None:  # noqa: F811
    """Last week's side of the overview reads only the SLA window of the backlog: every figure it
    uses equals the full count's, for periods ending now, mid-day a week ago and at a midnight."""
    from datetime import timedelta

    period_cols = ["mentions", "today", "answered", "within_sla", "pending", "negative"]
    with session_scope(generated) as s:
        polres = s.scalar(select(Unit.id).where(Unit.level == "polres").order_by(Unit.id))
        ends = [NOW, NOW - timedelta(days=7), NOW - timedelta(days=7, hours=5, minutes=17),
                NOW.replace(hour=17, minute=0, second=0, microsecond=0) - timedelta(days=3)]
        pending_seen = 0
        for scope in (NATIONAL, scope_for_unit(s, polres)):
            for end in ends:
                period = metrics.Period(end - timedelta(days=7, hours=3), end)
                full = metrics.unit_counts(s, scope, POLICY, period, now=end)
                lean = metrics.unit_counts(s, scope, POLICY, period, now=end, pending_only=True)
                pd.testing.assert_frame_equal(lean[["unit_id", *period_cols]], full[["unit_id", *period_cols]])
                assert (lean[["unanswered", "overdue", "over_hard_limit"]].to_numpy() == 0).all()
                pending_seen += int(full["pending"].sum())
        assert pending_seen > 0  # the window had pending mentions to find
