"""The benchmark floors (hand-written SQL) must compute the same numbers as the metrics engine,
or comparing their times would mean nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from bench import floors
from lib import metrics
from lib.db import session_scope
from lib.metrics import SlaPolicy
from lib.scope import NATIONAL
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
