"""The benchmark floors (hand-written SQL) must compute the same numbers as the metrics engine,
or comparing their times would mean nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from bench import floors
from lib import metrics
from lib.db import session_scope
from lib.metrics import SlaPolicy
from lib.models import Unit
from lib.scope import NATIONAL, scope_for_unit
from tests.conftest import NOW


def test_overview_floor_gives_the_engine_numbers(known: dict[str, int], engine: Engine) -> None:
    statements = floors.statements(engine, NOW, "/")
    row = floors.execute(engine, statements["overview7"])[0]
    with session_scope(engine) as s:
        ov = metrics.overview(s, NATIONAL, SlaPolicy(60, 24 * 60), 7, now=NOW)
    mentions, today, answered, within, pending, negative, unanswered, overdue, hard = (int(v) for v in row[:9])
    assert (mentions, today, answered, negative) == (ov.period_mentions, ov.mentions_today, ov.answered, 2)
    assert (unanswered, overdue, hard) == (ov.unanswered, ov.overdue, ov.over_hard_limit)
    assert within / (mentions - pending) == pytest.approx(ov.within_sla_share)
    if engine.dialect.name == "postgresql":
        median, p90 = row[11], row[12]
    else:
        n, lo, hi, p_lo, p_hi = row[10:15]
        median, p90 = lo + (hi - lo) * ((n - 1) % 2) / 2, p_lo + (p_hi - p_lo) * ((n - 1) * 9 % 10) / 10
    assert float(median) / 60 == pytest.approx(ov.median_response_minutes)
    assert float(p90) / 60 == pytest.approx(ov.p90_response_minutes)
    assert float(row[-1]) == pytest.approx(ov.verified_share)


def test_polres_floor_gives_the_dashboard_figures(known: dict[str, int], engine: Engine) -> None:
    """The small-scope floor returns what the Polres dashboard returns: the totals (id 0) and the
    same figures for each unit in it (its league of Polsek and their backlog)."""
    with session_scope(engine) as s:
        scope = scope_for_unit(s, s.scalar(select(Unit.parent_id).where(Unit.id == known["POLSEK-BENDA"])))
        board = metrics.dashboard(s, scope, SlaPolicy(60, 24 * 60), 7, now=NOW)
    rows = {int(r[0]): r for r in floors.execute(engine, floors.statements(engine, NOW, scope.path_prefix)["polres7"])}
    assert board.level == "polsek" and len(board.league) >= 2
    ov = board.overview
    total = rows.pop(0)
    assert [int(v or 0) for v in total[1:10]] == [
        ov.period_mentions, ov.mentions_today, ov.answered, int(total[4]), int(total[5]),
        round(ov.negative_share * ov.period_mentions), ov.unanswered, ov.overdue, ov.over_hard_limit]
    assert int(total[4]) / (ov.period_mentions - int(total[5])) == pytest.approx(ov.within_sla_share)
    assert float(total[-1]) == pytest.approx(ov.verified_share)

    def median(row) -> float | None:
        if not row[11]:  # no answered mention (None: none at all)
            return None
        if engine.dialect.name == "postgresql":
            return float(row[12]) / 60
        n, lo, hi = row[11:14]
        return (lo + (hi - lo) * ((n - 1) % 2) / 2) / 60

    assert median(total) == pytest.approx(ov.median_response_minutes)
    checked = 0
    for league in board.league.itertuples():
        row = rows[league.unit_id]
        mentions, today, answered, within, pending, negative, unanswered, overdue = (int(v or 0) for v in row[1:9])
        assert (mentions, today, answered, within, pending, negative) == (
            league.mentions, league.today, league.answered, league.within_sla, league.pending, league.negative)
        assert (unanswered, overdue) == (league.unanswered, league.overdue)
        assert float(row[-1]) == league.compliant
        if league.median_minutes == league.median_minutes:  # not NaN
            assert median(row) == pytest.approx(league.median_minutes)
            checked += 1
        else:
            assert median(row) is None
    assert checked >= 1
