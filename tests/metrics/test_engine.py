"""The metrics engine against figures worked out by hand (see conftest.py for the data set)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from lib import metrics
from lib.accounts import compliance_by_unit
from lib.db import session_scope
from lib.metrics import Period, SlaPolicy
from lib.models import Unit
from lib.scope import NATIONAL, scope_for_unit
from tests.conftest import NOW

POLICY = SlaPolicy(first_response_minutes=60, hard_limit_minutes=24 * 60)
WEEK = Period.last_days(7, NOW)


def counts_by_code(session, scope, policy=POLICY) -> pd.DataFrame:
    counts = metrics.unit_counts(session, scope, policy, WEEK, NOW)
    codes = dict(session.execute(select(Unit.id, Unit.code)).all())
    return counts.assign(code=counts["unit_id"].map(codes)).set_index("code")


def test_overview_national(known: dict[str, int], engine: Engine) -> None:
    with session_scope(engine) as s:
        ov = metrics.overview(s, NATIONAL, POLICY, 7, now=NOW)
    assert ov.period_mentions == 11
    assert ov.mentions_today == 9  # Balikpapan's 00:30 WITA counts; Benda's 23:30 WIB does not
    assert ov.unanswered == 4
    assert ov.overdue == 3  # b2 (90 > 60), b4, and c1 against Ciledug's own 30 minutes
    assert ov.over_hard_limit == 1
    assert ov.answered == 6
    assert ov.within_sla_share == pytest.approx(4 / 10)  # 4 within SLA; b3 is still pending
    assert ov.negative_share == pytest.approx(2 / 11)
    # answered in seconds: 60, 600, 1200, 2400, 3600, 7200
    assert ov.median_response_minutes == pytest.approx(1800 / 60)
    assert ov.p90_response_minutes == pytest.approx(5400 / 60)


def test_today_is_per_unit_zone(known: dict[str, int], engine: Engine) -> None:
    with session_scope(engine) as s:
        by = counts_by_code(s, NATIONAL)
    assert by.loc["POLSEK-BENDA", "today"] == 3  # b1 at 23:30 WIB is yesterday
    assert by.loc["POLSEK-BALIKPAPAN-UTARA", "today"] == 2  # u1 at 00:30 WITA is today
    assert by.loc["POLSEK-CILEDUG", "today"] == 4


def test_per_unit_sla_and_hard_limit(known: dict[str, int], engine: Engine) -> None:
    with session_scope(engine) as s:
        by = counts_by_code(s, NATIONAL)
        lenient = counts_by_code(s, NATIONAL, SlaPolicy(first_response_minutes=120, hard_limit_minutes=72 * 60))
    assert by.loc["POLSEK-CILEDUG", ["overdue", "within_sla"]].tolist() == [1, 1]  # c3 (40 min) misses 30
    assert by.loc["POLSEK-BENDA", ["overdue", "over_hard_limit", "pending"]].tolist() == [2, 1, 1]
    assert by.loc["POLSEK-BALIKPAPAN-UTARA", "within_sla"] == 2  # u1 answered at exactly 60 minutes
    # A longer national default changes units without their own SLA, not Ciledug.
    assert lenient.loc["POLSEK-BENDA", ["overdue", "over_hard_limit", "pending"]].tolist() == [1, 0, 2]
    assert lenient.loc["POLSEK-CILEDUG", "overdue"] == 1


def test_percentiles_by_level_are_exact(known: dict[str, int], engine: Engine) -> None:
    with session_scope(engine) as s:
        pct = metrics.response_percentiles(s, NATIONAL, WEEK, by="polres").set_index("key")
        unit = metrics.response_percentiles(s, NATIONAL, WEEK, by="unit").set_index("key")
    tangkot, balikpapan = known["POLRES-METRO-TANGERANG-KOTA"], known["POLRESTA-BALIKPAPAN"]
    assert pct.loc[tangkot, "answered"] == 4  # 600, 1200, 2400, 7200 s
    assert pct.loc[tangkot, "median_minutes"] == pytest.approx(1800 / 60)
    assert pct.loc[tangkot, "p90_minutes"] == pytest.approx((2400 + 0.7 * 4800) / 60)
    assert pct.loc[balikpapan, "median_minutes"] == pytest.approx(1830 / 60)
    assert pct.loc[balikpapan, "p90_minutes"] == pytest.approx((60 + 0.9 * 3540) / 60)
    assert unit.loc[known["POLSEK-CILEDUG"], "median_minutes"] == pytest.approx(30)  # 20 and 40 min
    assert unit.loc[known["POLSEK-BENDA"], "p90_minutes"] == pytest.approx((600 + 0.9 * 6600) / 60)


def test_league_rolls_up_the_tree(known: dict[str, int], engine: Engine) -> None:
    with session_scope(engine) as s:
        polda = metrics.league(s, NATIONAL, POLICY, WEEK, "polda", now=NOW).set_index("name")
        polsek = metrics.league(s, scope_for_unit(s, known["POLRES-METRO-TANGERANG-KOTA"]), POLICY, WEEK,
                                "polsek", now=NOW).set_index("name")
    assert polda.loc["Polda Metro Jaya", ["mentions", "unanswered", "overdue", "over_hard_limit"]].tolist() \
        == [9, 4, 3, 1]
    assert polda.loc["Polda Kalimantan Timur", ["mentions", "today", "within_sla"]].tolist() == [2, 2, 2]
    assert polda.loc["Polda Kalimantan Timur", "median_minutes"] == pytest.approx(30.5)
    assert polda.loc["Polda Metro Jaya", "within_sla_share"] == pytest.approx(2 / 8)
    assert sorted(polsek.index) == ["Polsek Benda", "Polsek Ciledug"]
    assert polsek.loc["Polsek Ciledug", "mentions"] == 4


def test_trend_days_are_local(known: dict[str, int], engine: Engine) -> None:
    with session_scope(engine) as s:
        trend = metrics.daily_trend(s, NATIONAL, POLICY, 7, now=NOW).set_index("day")
    assert list(trend.index) == [date(2026, 11, d) for d in range(20, 27)]
    assert trend["mentions"].to_dict() == {date(2026, 11, d): n for d, n in
                                           [(20, 0), (21, 0), (22, 0), (23, 0), (24, 1), (25, 1), (26, 9)]}
    assert trend.loc[date(2026, 11, 25), "within_sla"] == 1  # b1: 600 s
    assert trend.loc[date(2026, 11, 26), "unanswered"] == 3
    assert pd.isna(trend.loc[date(2026, 11, 20), "within_sla_share"])
    assert trend.loc[date(2026, 11, 26), "within_sla"] == 3  # c2, u1, u2; b5 and c3 missed their SLA


def test_compliance_matches_the_account_rules(known: dict[str, int], engine: Engine,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_MANDATE_PLATFORMS", "instagram")
    with session_scope(engine) as s:
        fast = metrics.verified_compliance(s, NATIONAL).set_index("unit_id")["compliant"]
        slow = compliance_by_unit(s, NATIONAL).set_index("unit_id")["compliant"]
        ov = metrics.overview(s, NATIONAL, POLICY, 7, now=NOW)
    assert fast.sort_index().tolist() == slow.sort_index().tolist()
    assert ov.verified_share == pytest.approx(2 / 7)


def test_rollup_equals_subtree_sums(known: dict[str, int], engine: Engine) -> None:
    with session_scope(engine) as s:
        roll = metrics.rollup(s, NATIONAL, POLICY, now=NOW).set_index("unit_id")
        own = metrics.per_unit(s, NATIONAL, NOW, 60, WEEK.since).set_index("unit_id")
        paths = dict(s.execute(select(Unit.id, Unit.path)).all())
    for uid, path in paths.items():
        sub = [v for v, p in paths.items() if p.startswith(path)]
        for col in ("period", "today", "unanswered", "overdue", "negative"):
            assert roll.loc[uid, col] == own.reindex(sub)[col].fillna(0).sum(), (uid, col)
    assert roll.loc[known["MABES"], "period"] == 11


def test_scope_limits_every_figure(known: dict[str, int], engine: Engine) -> None:
    with session_scope(engine) as s:
        kaltim = scope_for_unit(s, known["POLDA-KALTIM"])
        ov = metrics.overview(s, kaltim, POLICY, 7, now=NOW)
        polsek = metrics.unanswered_by_polsek(s, NATIONAL, POLICY, now=NOW)
    assert (ov.period_mentions, ov.unanswered, ov.mentions_today) == (2, 0, 2)
    assert ov.median_response_minutes == pytest.approx(30.5)
    assert polsek.set_index("short_name")[["unanswered", "overdue", "within_sla"]].to_dict("index") == {
        "Benda": {"unanswered": 3, "overdue": 2, "within_sla": 1},
        "Ciledug": {"unanswered": 1, "overdue": 1, "within_sla": 0},
    }


def test_empty_scope_has_no_figures(registry: Engine) -> None:
    with session_scope(registry) as s:
        ov = metrics.overview(s, NATIONAL, POLICY, 7, now=NOW)
        trend = metrics.daily_trend(s, NATIONAL, POLICY, 30, now=NOW)
    assert (ov.period_mentions, ov.median_response_minutes, ov.within_sla_share) == (0, None, None)
    assert len(trend) == 30 and trend["mentions"].sum() == 0


def test_dashboard_matches_the_separate_figures(known: dict[str, int], engine: Engine) -> None:
    with session_scope(engine) as s:
        board = metrics.dashboard(s, NATIONAL, POLICY, 7, now=NOW)
        assert board.level == "polda"
        assert board.overview == metrics.overview(s, NATIONAL, POLICY, 7, now=NOW)
        pd.testing.assert_frame_equal(board.league, metrics.league(s, NATIONAL, POLICY, WEEK, "polda", now=NOW))
        backlog = metrics.unanswered_by_polsek(s, NATIONAL, POLICY, now=NOW)
    pd.testing.assert_frame_equal(board.backlog_by_polsek, backlog)


@pytest.mark.parametrize("level", [None, "polda", "polres", "polsek"])
def test_numpy_percentiles_equal_the_sql_ones(known: dict[str, int], engine: Engine, level: str | None) -> None:
    """The dashboard reads the response times once and takes percentiles in numpy: the values must
    be the SQL window-function ones exactly (same positions, same interpolation)."""
    with session_scope(engine) as s:
        sql = metrics.response_percentiles(s, NATIONAL, WEEK, by=level)
        times = metrics.response_times(s, NATIONAL, WEEK)
        keys = None if level is None else metrics.unit_ancestors(s, NATIONAL, level)
        fast = metrics.percentiles_of(times, keys)
    assert len(fast) == len(sql) > 0
    assert fast.sort_values("key").to_dict("records") == sql.astype({"key": int}).sort_values("key").to_dict("records")
