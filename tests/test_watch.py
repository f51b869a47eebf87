"""lib/watch.py: last week's side of each figure, the burning strip, the unhandled alerts, the map's
points and where the backlog sits, on a small explicit data set (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

import pandas as pd
import pytest
from sqlalchemy import func, select

from lib import metrics, watch
from lib.mentions import in_backlog_at
from lib.metrics import SlaPolicy
from lib.models import Issue, Mention, Unit
from lib.scope import NATIONAL, scope_for_unit
from tests.conftest import NOW  # Thursday 2026-11-26 10:00 WIB

_ids = count(1)
SLA = SlaPolicy(60, 24 * 60)


def put(session, code: str, minutes_ago: float, *, flags: str = "", sentiment: str = "neutral",
        status: str = "baru", answered_after: float | None = None, updated_minutes_ago: float | None = None,
        issue_id: int | None = None, text: str = "teks") -> Mention:
    unit_id = session.scalar(select(Unit.id).where(Unit.code == code))
    created = NOW - timedelta(minutes=minutes_ago)
    answered = created + timedelta(minutes=answered_after) if answered_after is not None else None
    # as in production, every change (an answer too) bumps updated_at
    updated = NOW - timedelta(minutes=updated_minutes_ago) if updated_minutes_ago is not None else (answered or created)
    m = Mention(platform="x", external_id=f"w{next(_ids)}", unit_id=unit_id, text=text, author_handle="warga",
                created_at=created, fetched_at=created, sentiment=sentiment, flags=flags, status=status,
                answered_at=answered,
                answered_by="api" if answered_after is not None else None, updated_at=updated, version=1,
                issue_id=issue_id, sentiment_score=0.0)
    session.add(m)
    session.flush()
    return m


WEEK = 7 * 24 * 60


@pytest.fixture
def s(registry, session):
    return session


def test_backlog_now_is_the_live_backlog_and_last_week_is_reconstructed(s):
    put(s, "POLSEK-BENDA", 30)  # open, within SLA
    put(s, "POLSEK-BENDA", 120)  # open, overdue
    put(s, "POLSEK-CILEDUG", 45)  # Ciledug's own SLA is 30 min: overdue
    put(s, "POLSEK-BENDA", WEEK + 120)  # a week ago: open and overdue then, still open now
    put(s, "POLSEK-BENDA", WEEK + 30, answered_after=60)  # open then (answered 30 min after that instant)
    put(s, "POLSEK-BENDA", WEEK + 200, answered_after=10)  # answered before last week's instant
    put(s, "POLSEK-BENDA", WEEK + 90, status="diabaikan", updated_minutes_ago=WEEK + 60)  # closed before
    put(s, "POLSEK-BENDA", WEEK + 90, status="diabaikan", updated_minutes_ago=60)  # closed only later
    s.commit()
    live = metrics.overview(s, NATIONAL, SLA, 7, now=NOW)
    assert watch.backlog_at(s, NATIONAL, SLA, NOW) == (live.unanswered, live.overdue) == (4, 3)
    # a week ago: the one still open (overdue by then), the one answered later (within SLA then),
    # the one closed only later (overdue then)
    assert watch.backlog_at(s, NATIONAL, SLA, NOW - timedelta(days=7)) == (3, 2)


def test_same_hours_last_week_and_calendar_period(s):
    put(s, "POLSEK-BENDA", 60)  # today 09:00 WIB
    put(s, "POLSEK-BENDA", 9 * 60 + 30)  # 00:30 WIB today
    put(s, "POLSEK-BENDA", 11 * 60)  # yesterday 23:00 WIB
    put(s, "POLSEK-BENDA", WEEK + 60)  # last Thursday 09:00: same hours
    put(s, "POLSEK-BENDA", WEEK - 60)  # last Thursday 11:00: after the same hours
    put(s, "POLSEK-BALIKPAPAN-UTARA", 10 * 60 + 30)  # 23:30 WIB yesterday = 00:30 WITA today
    s.commit()
    assert watch.mentions_so_far_today(s, NATIONAL, NOW) == 3
    assert watch.mentions_so_far_today(s, NATIONAL, NOW - timedelta(days=7)) == 1
    period = watch.calendar_period(s, NATIONAL, 7, NOW)
    assert period.until == NOW
    # WITA's midnight (16:00 UTC) is the earliest; six more days back
    assert period.since.isoformat() == "2026-11-19T16:00:00+00:00"
    trend = metrics.daily_trend(s, NATIONAL, SLA, 7, now=NOW)
    board = metrics.dashboard(s, NATIONAL, SLA, 7, now=NOW, period=period)
    # one meaning of "7 hari": the headline and the trend count the same mentions
    assert board.overview.period_mentions == int(trend["mentions"].sum())


def test_week_ago_figures(s):
    put(s, "POLSEK-BENDA", 60, sentiment="negative", answered_after=30, status="selesai")
    put(s, "POLSEK-BENDA", 120, answered_after=90, status="selesai")
    put(s, "POLSEK-BENDA", WEEK + 60, sentiment="negative", answered_after=10, status="selesai")
    s.commit()
    period = watch.calendar_period(s, NATIONAL, 7, NOW)
    ago = watch.week_ago(s, NATIONAL, SLA, period)
    assert ago.at == NOW - timedelta(days=7)
    assert ago.mentions_today == 1
    assert ago.period.mentions == 1 and ago.period.negative == 1 and ago.period.negative_share == 1.0
    assert ago.period.median_minutes == pytest.approx(10)
    now_side = watch.period_figures(s, NATIONAL, SLA, period)
    assert now_side.mentions == 2 and now_side.median_minutes == pytest.approx(60)
    assert now_side.within_sla_share == pytest.approx(0.5)


def test_burning_strip(s):
    grow = Issue(topic="begal", title="Begal di Ciledug", status="terbuka", first_seen=NOW, last_seen=NOW)
    calm = Issue(topic="macet", title="Macet", status="terbuka", first_seen=NOW, last_seen=NOW)
    s.add_all([grow, calm])
    s.flush()
    put(s, "POLSEK-BENDA", 30, flags="urgent")  # urgent, unanswered
    put(s, "POLSEK-BENDA", 40, flags="hoax,urgent", answered_after=5)  # answered: not in the strip's first tile
    put(s, "POLSEK-CILEDUG", 100, flags="keluhan")
    put(s, "POLSEK-CILEDUG", 25 * 60, flags="keluhan")  # older than 24 hours
    put(s, "POLSEK-BENDA", 60, flags="hate")
    put(s, "POLSEK-BENDA", WEEK + 60, flags="hoax")  # last week's 24 hours
    put(s, "POLSEK-BENDA", WEEK + 60, flags="urgent")  # urgent and open a week ago, still open
    for minutes in (10, 20, 30):
        put(s, "POLSEK-CILEDUG", minutes, issue_id=grow.id, sentiment="negative")
    for minutes in (10, 30 * 60, 31 * 60, 32 * 60):
        put(s, "POLSEK-BENDA", minutes, issue_id=calm.id, sentiment="negative")
    s.commit()
    b = watch.burning(s, NATIONAL, NOW)
    assert b.urgent_unanswered == 2
    assert b.urgent_unanswered_week_ago == 1
    assert (b.complaints_24h, b.complaints_24h_week_ago) == (1, 0)
    assert (b.hoax_hate_24h, b.hoax_hate_24h_week_ago) == (2, 1)
    assert b.growing is not None and b.growing.title == "Begal di Ciledug"
    assert (b.growing.last_day, b.growing.day_before) == (3, 0)
    # scope-bound: Balikpapan sees none of it
    balikpapan = scope_for_unit(s, s.scalar(select(Unit.id).where(Unit.code == "POLRESTA-BALIKPAPAN")))
    nothing = watch.burning(s, balikpapan, NOW)
    assert (nothing.urgent_unanswered, nothing.hoax_hate_24h, nothing.growing) == (0, 0, None)


def test_unhandled_alerts_urgent_first_then_newest_and_only_unhandled(s):
    put(s, "POLSEK-BENDA", 10, sentiment="negative", text="negatif baru")
    put(s, "POLSEK-BENDA", 90, flags="urgent", text="darurat lama")
    put(s, "POLSEK-BENDA", 5, sentiment="negative", status="ditangani", answered_after=2, text="sudah ditangani")
    put(s, "POLSEK-BENDA", 3, sentiment="negative", status="selesai", text="sudah selesai")
    put(s, "POLSEK-BENDA", 20, sentiment="positive", text="terima kasih")
    put(s, "POLSEK-BENDA", 40, sentiment="negative", flags="urgent", text="darurat negatif")
    put(s, "POLSEK-BENDA", 9 * 24 * 60, flags="urgent", text="darurat sembilan hari")  # still counted as burning
    put(s, "POLSEK-BENDA", 9 * 24 * 60, sentiment="negative", text="negatif sembilan hari")  # past the window
    s.commit()
    alerts = watch.unhandled_alerts(s, NATIONAL, SLA, limit=10, now=NOW)
    assert alerts["text"].tolist() == ["darurat negatif", "darurat lama", "darurat sembilan hari", "negatif baru"]
    assert alerts["urgent"].tolist() == [True, True, True, False]
    assert int(alerts["urgent"].sum()) == watch.burning(s, NATIONAL, NOW).urgent_unanswered
    assert watch.unhandled_alerts(s, NATIONAL, SLA, limit=2, now=NOW)["text"].tolist() == [
        "darurat negatif", "darurat lama"]


def test_backlog_by_account_level_reconciles(s):
    put(s, "POLSEK-BENDA", 30)
    put(s, "POLSEK-CILEDUG", 30)
    put(s, "POLRES-METRO-TANGERANG-KOTA", 30)
    put(s, "POLDA-METRO-JAYA", 30)
    put(s, "MABES", 30)
    put(s, "MABES", 30, status="selesai", answered_after=1)
    s.commit()
    levels = watch.unanswered_by_account_level(s, NATIONAL)
    assert levels == {"mabes": 1, "polda": 1, "polres": 1, "polsek": 2}
    assert sum(levels.values()) == metrics.overview(s, NATIONAL, SLA, 7, now=NOW).unanswered


def test_backlog_by_account_level_from_the_board_is_the_same(s):
    """The page takes the split from the dashboard's own backlog read; an inactive unit's open
    mention (a level the board's units do not know) makes it count again, with the same answer."""
    for code in ("POLSEK-BENDA", "POLSEK-BENDA", "POLSEK-CILEDUG", "POLRES-METRO-TANGERANG-KOTA", "MABES"):
        put(s, code, 30)
    put(s, "POLDA-METRO-JAYA", 3000)
    s.commit()
    polda = scope_for_unit(s, s.scalar(select(Unit.id).where(Unit.code == "POLDA-METRO-JAYA")))
    split = {}
    for scope in (NATIONAL, polda):
        board = metrics.dashboard(s, scope, SLA, 7, now=NOW)
        assert board.open_by_level is not None
        split[scope.path_prefix] = watch.unanswered_by_account_level(s, scope, board)
        assert split[scope.path_prefix] == watch.unanswered_by_account_level(s, scope)
    assert split["/"] == {"mabes": 1, "polda": 1, "polres": 1, "polsek": 3}
    assert split[polda.path_prefix] == {"mabes": 0, "polda": 1, "polres": 1, "polsek": 3}
    s.get(Unit, s.scalar(select(Unit.id).where(Unit.code == "POLSEK-CILEDUG"))).active = False
    s.commit()
    board = metrics.dashboard(s, NATIONAL, SLA, 7, now=NOW)
    assert board.open_by_level is None
    assert watch.unanswered_by_account_level(s, NATIONAL, board)["polsek"] == 3


def _open_in_two_polsek(s):
    """Two open mentions in Polsek Benda (one overdue), one in Polsek Ciledug; returns their Polres' scope."""
    put(s, "POLSEK-BENDA", 30)
    put(s, "POLSEK-BENDA", 120)
    put(s, "POLSEK-CILEDUG", 10)
    s.commit()
    return scope_for_unit(s, s.scalar(select(Unit.id).where(Unit.code == "POLRES-METRO-TANGERANG-KOTA")))


def test_backlog_map_points_one_level_down(s):
    polres = _open_in_two_polsek(s)
    points = watch.backlog_map(s, polres, SLA, NOW).set_index("name")
    assert set(points.index) == {"Polsek Ciledug", "Polsek Benda"}
    assert (points.loc["Polsek Benda", "unanswered"], points.loc["Polsek Benda", "overdue"]) == (2, 1)
    assert (points.loc["Polsek Ciledug", "unanswered"], points.loc["Polsek Ciledug", "overdue"]) == (1, 0)
    assert points["lat"].notna().all() and points["lon"].notna().all()
    national = watch.backlog_map(s, NATIONAL, SLA, NOW).set_index("name")
    assert national.loc["Polda Metro Jaya", "unanswered"] == 3 and set(national["level"]) == {"polda"}
    assert watch.scope_zone(s, NATIONAL) == "Asia/Jakarta"


def test_a_mention_counts_in_the_scope_of_each_unit_it_tags(s):
    """The burning strip reads through targets: a post stored under Benda that also tags Ciledug is
    Ciledug's urgent item too (lib/targets.py)."""
    from lib.models import MentionTarget

    m = put(s, "POLSEK-BENDA", 20, flags="urgent", sentiment="negative")
    ciledug = s.scalar(select(Unit.id).where(Unit.code == "POLSEK-CILEDUG"))
    s.add(MentionTarget(mention_id=m.id, unit_id=ciledug, created_at=m.created_at))
    s.commit()
    for code in ("POLSEK-BENDA", "POLSEK-CILEDUG"):
        assert watch.burning(s, scope_for_unit(s, s.scalar(select(Unit.id).where(Unit.code == code))),
                             now=NOW).urgent_unanswered == 1, code
    assert watch.burning(s, NATIONAL, now=NOW).urgent_unanswered == 1


def test_map_points_from_the_dashboard_league_equal_the_backlog_map(s):
    """The overview page builds its map from the dashboard's league (no second backlog count)."""
    polres = _open_in_two_polsek(s)
    for scope in (NATIONAL, polres):
        board = metrics.dashboard(s, scope, SLA, 7, now=NOW)
        points = watch.map_points(board.league, watch.unit_coordinates(s, scope))
        expected = watch.backlog_map(s, scope, SLA, NOW)
        pd.testing.assert_frame_equal(points.sort_values("unit_id", ignore_index=True),
                                      expected.sort_values("unit_id", ignore_index=True))
        assert points["unanswered"].sum() == 3


def test_backlog_at_in_a_small_scope_counts_its_further_targets_once(s):
    """A Polres scope reads its units by id (two parts each); a mention stored under Balikpapan that
    also tags Benda counts in Benda's Polres, as the single-query reading (`lib.mentions.in_backlog_at`) does."""
    from lib.models import MentionTarget

    put(s, "POLSEK-BENDA", WEEK + 120)  # open then and now
    put(s, "POLSEK-BENDA", WEEK + 30, answered_after=60)  # answered after the instant
    put(s, "POLSEK-CILEDUG", WEEK + 90, status="diabaikan", updated_minutes_ago=60)  # closed later
    put(s, "POLSEK-BENDA", WEEK + 200, answered_after=10)  # answered before: not counted
    tagged = put(s, "POLRESTA-BALIKPAPAN", WEEK + 100)
    s.add(MentionTarget(mention_id=tagged.id, unit_id=s.scalar(select(Unit.id).where(Unit.code == "POLSEK-BENDA")),
                        created_at=tagged.created_at))
    s.commit()
    polres = scope_for_unit(s, s.scalar(select(Unit.id).where(Unit.code == "POLRES-METRO-TANGERANG-KOTA")))
    for scope in (polres, NATIONAL):
        for at in (NOW - timedelta(days=7), NOW):
            expected = s.scalar(select(func.count()).select_from(Mention).where(in_backlog_at(at),
                                                                                  watch._in_scope(scope)))
            assert watch.backlog_at(s, scope, SLA, at)[0] == expected
    assert watch.backlog_at(s, polres, SLA, NOW - timedelta(days=7))[0] == 4
