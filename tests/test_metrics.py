"""Overview figures on a small data set whose answers are known."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from lib import metrics
from lib.db import session_scope
from lib.models import Mention, SyncRun
from lib.scope import NATIONAL, scope_for_unit
from lib.workflow import change_status
from tests.helpers import add_mentions, minutes, unit

# 2026-11-26 16:30 UTC = 23:30 WIB (still the 26th) = 00:30 WITA (already the 27th).
NOW = datetime(2026, 11, 26, 16, 30, tzinfo=UTC)


def test_today_follows_each_units_time_zone(registry, session):
    # Midnight WITA is 16:00 UTC: 15:50 UTC is still the 26th in Balikpapan (yesterday there) but the 26th
    # is today in Jakarta (22:50 WIB); 16:10 UTC is today in both zones.
    add_mentions(session, "polsekciledug", [("j1", "halo", datetime(2026, 11, 26, 15, 50, tzinfo=UTC))])
    add_mentions(session, "polsekbpputara", [("b1", "halo", datetime(2026, 11, 26, 15, 50, tzinfo=UTC)),
                                             ("b2", "halo", datetime(2026, 11, 26, 16, 10, tzinfo=UTC))])
    ov = metrics.overview(session, NATIONAL, 60, now=NOW)
    assert ov.mentions_today == 2  # j1 (WIB day of the 26th) and b2 (WITA day of the 27th)


def test_unanswered_overdue_median_negative_share(registry, session):
    add_mentions(session, "polsekciledug", [  # Ciledug has a 30-minute SLA
        ("c1", "tolong begal", NOW - minutes(45)),  # overdue at 30 min
        ("c2", "makasih pak", NOW - minutes(10)),   # within SLA
        ("c3", "lapor pak", NOW - minutes(200)),    # answered after 20 minutes
    ], replies=[("c3", NOW - minutes(180))])
    add_mentions(session, "polsekbenda", [("d1", "macet parah", NOW - minutes(45)),  # 60-minute default: not overdue
                                          ("d2", "lapor", NOW - minutes(100))],
                 replies=[("d2", NOW - minutes(60))])  # 40 minutes
    # Fix the sentiment so this test does not depend on the analyser.
    session.execute(update(Mention).values(sentiment="neutral"))
    session.execute(update(Mention).where(Mention.external_id.in_(["c1", "d1"])).values(sentiment="negative"))
    ov = metrics.overview(session, NATIONAL, 60, now=NOW)
    assert (ov.unanswered, ov.overdue) == (3, 1)
    assert ov.median_response_minutes == 30.0  # median of 20 and 40
    assert ov.period_mentions == 5
    assert ov.negative_share == 2 / 5
    polsek = metrics.unanswered_by_polsek(session, NATIONAL, 60, now=NOW)
    assert polsek.set_index("short_name").loc["Ciledug", ["unanswered", "overdue", "within_sla"]].tolist() == [2, 1, 1]


def test_handled_by_admin_is_not_unanswered_and_scope_limits_figures(registry, session):
    ms = add_mentions(session, "polsekciledug", [("c1", "halo", NOW - minutes(90))])
    add_mentions(session, "polsekbpputara", [("b1", "halo", NOW - minutes(90))])
    assert change_status(session, NATIONAL, ms[0].id, 1, "ditangani", "ani").ok
    session.commit()
    kaltim = scope_for_unit(session, unit(session, "POLDA-KALTIM").id)
    assert metrics.overview(session, NATIONAL, 60, now=NOW).unanswered == 1
    assert metrics.overview(session, kaltim, 60, now=NOW).unanswered == 1
    metro = scope_for_unit(session, unit(session, "POLDA-METRO-JAYA").id)
    assert metrics.overview(session, metro, 60, now=NOW).unanswered == 0


def test_rollup_sums_subtrees(registry, session):
    add_mentions(session, "polsekciledug", [("c1", "halo", NOW - minutes(5))])
    add_mentions(session, "polsekbenda", [("d1", "halo", NOW - minutes(5))])
    add_mentions(session, "PolrestroTangkot", [("p1", "halo", NOW - minutes(5))])
    roll = metrics.rollup(session, NATIONAL, 60, now=NOW).set_index("name")
    assert roll.loc["Polres Metro Tangerang Kota", "unanswered"] == 3
    assert roll.loc["Polda Metro Jaya", "unanswered"] == 3
    assert roll.loc["Mabes Polri", "unanswered"] == 3
    assert roll.loc["Polsek Benda", "unanswered"] == 1


def test_last_sync_is_the_newest_successful_run(registry):
    with session_scope(registry) as s:
        s.add(SyncRun(source="demo", started_at=NOW - minutes(10), finished_at=NOW - minutes(9), ok=True))
        s.add(SyncRun(source="demo", started_at=NOW - minutes(2), finished_at=NOW - minutes(1), ok=False))
    with session_scope(registry) as s:
        assert metrics.last_sync(s) == NOW - minutes(9)
