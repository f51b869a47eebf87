"""lib/snapshots.py: the worker's headline snapshots agree with the reconstruction they replace,
the lookup window, retention, and the fallback (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

import pytest
from sqlalchemy import func, select

from lib import snapshots, sync, watch
from lib.metrics import SlaPolicy
from lib.metrics import dashboards as metric_dashboards
from lib.models import HeadlineSnapshot, Mention, MentionTarget, Unit, utcnow
from lib.scope import NATIONAL, scope_for_unit
from tests.conftest import NOW  # Thursday 2026-11-26 10:00 WIB

SLA = SlaPolicy(60, 24 * 60)
WEEK = timedelta(days=7)
_ids = count(1)


@pytest.fixture
def s(registry, session):
    return session


def unit(s, code: str) -> int:
    return s.scalar(select(Unit.id).where(Unit.code == code))


def put(s, code: str, minutes_ago: float, *, flags: str = "", sentiment: str = "neutral", status: str = "baru",
        answered_after: float | None = None, updated_minutes_ago: float | None = None) -> Mention:
    created = NOW - timedelta(minutes=minutes_ago)
    answered = created + timedelta(minutes=answered_after) if answered_after is not None else None
    updated = NOW - timedelta(minutes=updated_minutes_ago) if updated_minutes_ago is not None else (answered or created)
    m = Mention(platform="x", external_id=f"s{next(_ids)}", unit_id=unit(s, code), text="teks", author_handle="warga",
                created_at=created, fetched_at=created, sentiment=sentiment, flags=flags, status=status,
                answered_at=answered, answered_by="api" if answered is not None else None, updated_at=updated,
                version=1, sentiment_score=0.0)
    s.add(m)
    s.flush()
    return m


def history(s) -> None:
    """Mentions over ~100 days in both Polda (WIB and WITA), at Mabes, with every state the
    figures tell apart: open within SLA and overdue, answered in and out of SLA, answered or closed
    only later, flagged, negative, and tagging a unit of the other Polda."""
    codes = ["POLSEK-BENDA", "POLSEK-CILEDUG", "POLSEK-BALIKPAPAN-UTARA", "POLRESTA-BALIKPAPAN", "MABES",
             "POLDA-METRO-JAYA"]
    flags = ["", "urgent", "keluhan", "", "hoax", "hate", "", "keluhan,urgent"]
    for i in range(240):
        ago = (i * 617) % (100 * 24 * 60) + i % 7  # spread over 100 days, some in the last hours
        if i % 5 == 0:
            ago = (i * 37) % (9 * 24 * 60) + WEEK.total_seconds() / 60 - 24 * 60  # around a week ago
        kind = i % 6
        m = put(s, codes[i % len(codes)], ago, flags=flags[i % len(flags)],
                sentiment="negative" if i % 4 == 0 else "neutral",
                status="diabaikan" if kind == 4 else "baru",
                answered_after=None if kind in (0, 4) else [5, 45, 90, 3000][i % 4],
                updated_minutes_ago=max(0, ago - 200) if kind == 4 else None)
        if i % 9 == 0:  # also tags a unit of the other Polda (or its own: counted once)
            other = "POLSEK-BALIKPAPAN-UTARA" if m.unit_id != unit(s, "POLSEK-BALIKPAPAN-UTARA") else "POLSEK-BENDA"
            s.add(MentionTarget(mention_id=m.id, unit_id=unit(s, other), created_at=m.created_at))
        if i % 27 == 0:
            s.add(MentionTarget(mention_id=m.id, unit_id=unit(s, "POLSEK-CILEDUG"), created_at=m.created_at))
    for ago in (10, 20, WEEK.total_seconds() / 60 + 15):  # open, within SLA now and a week ago
        put(s, "POLSEK-BALIKPAPAN-UTARA", ago, flags="urgent")
    s.commit()


def scope_of(s, key: str):
    return NATIONAL if key == snapshots.NATIONAL_KEY else scope_for_unit(s, int(key))


def reconstructed(s, key: str, days: int, at) -> dict:
    """What `lib.watch` reconstructs for that scope at `at` (the path a snapshot replaces)."""
    scope = scope_of(s, key)
    unanswered, overdue = watch.backlog_at(s, scope, SLA, at)
    p = watch.period_figures(s, scope, SLA, watch.calendar_period(s, scope, days, at))
    ago = watch.burning(s, scope, at + WEEK)  # its week-ago side is `at`
    return dict(mentions_today=watch.mentions_so_far_today(s, scope, at), unanswered=unanswered, overdue=overdue,
                period_mentions=p.mentions, period_negative=p.negative, within_sla_share=p.within_sla_share,
                median_minutes=p.median_minutes, urgent_unanswered=ago.urgent_unanswered_week_ago,
                complaints_24h=ago.complaints_24h_week_ago, hoax_hate_24h=ago.hoax_hate_24h_week_ago)


def figures(row: HeadlineSnapshot) -> dict:
    return {f: getattr(row, f) for f in ("mentions_today", "unanswered", "overdue", "period_mentions",
                                         "period_negative", "within_sla_share", "median_minutes",
                                         "urgent_unanswered", "complaints_24h", "hoax_hate_24h")}


def assert_agrees(s, at) -> list[HeadlineSnapshot]:
    rows = snapshots.take(s, at, SLA)
    keys = {r.scope_key for r in rows}
    assert keys == {"national", str(unit(s, "POLDA-METRO-JAYA")), str(unit(s, "POLDA-KALTIM"))}
    assert sorted({r.days for r in rows}) == [7, 30, 90]
    for row in rows:
        want = reconstructed(s, row.scope_key, row.days, at)
        assert figures(row) == pytest.approx(want, nan_ok=True), (row.scope_key, row.days)
    return rows


# The evening offset reads today from its stored row less what lies after the mark (`snapshots._plan`).
@pytest.mark.parametrize("offset", [timedelta(0), -WEEK + timedelta(minutes=35), -timedelta(days=3, hours=7),
                                    -timedelta(hours=15)])
def test_a_snapshot_equals_the_reconstruction_at_its_moment(s, offset):
    history(s)
    rows = assert_agrees(s, NOW + offset)
    national = {r.days: r for r in rows if r.scope_key == "national"}
    assert national[90].period_mentions > national[7].period_mentions > 0
    assert national[7].unanswered >= national[7].overdue > 0
    assert any(r.urgent_unanswered and r.complaints_24h for r in rows) or offset != timedelta(0)


def test_a_snapshot_equals_the_reconstruction_from_the_stored_histograms(s, monkeypatch):
    """Large scopes take the median from the stored histograms: forced here on the small data set."""
    for name in ("EXACT_LIMIT", "EXACT_LIMIT_SQLITE"):
        monkeypatch.setattr(metric_dashboards, name, -1)
        monkeypatch.setattr(snapshots, name, -1)
    history(s)
    rows = assert_agrees(s, NOW - WEEK)
    assert any(r.median_minutes for r in rows)


def test_week_ago_reads_the_snapshot_and_gives_the_same_figures(s):
    history(s)
    for scope in (NATIONAL, scope_for_unit(s, unit(s, "POLDA-KALTIM"))):
        for days in (7, 30):
            period = watch.calendar_period(s, scope, days, NOW)
            live = watch.week_ago(s, scope, SLA, period, days)
            assert not live.stored and live.at == NOW - WEEK
            snapshots.store(s, snapshots.take(s, NOW - WEEK, SLA))
            s.commit()
            stored = watch.week_ago(s, scope, SLA, period, days)
            assert stored.stored and stored.at == NOW - WEEK
            assert stored.period == pytest.approx(live.period) or stored.period == live.period
            assert (stored.mentions_today, stored.unanswered, stored.overdue) == \
                (live.mentions_today, live.unanswered, live.overdue)
            s.query(HeadlineSnapshot).delete()
            s.commit()


def test_burning_reads_the_snapshot_and_gives_the_same_counts(s):
    history(s)
    scope = scope_for_unit(s, unit(s, "POLDA-METRO-JAYA"))
    live = watch.burning(s, scope, NOW)
    snapshots.store(s, snapshots.take(s, NOW - WEEK - timedelta(minutes=5), SLA))
    s.commit()
    # the snapshot five minutes before is used: the figures are those of its own moment
    stored = watch.burning(s, scope, NOW)
    then = watch.burning(s, scope, NOW - timedelta(minutes=5))
    assert stored.urgent_unanswered == live.urgent_unanswered
    assert (stored.urgent_unanswered_week_ago, stored.complaints_24h_week_ago, stored.hoax_hate_24h_week_ago) == \
        (then.urgent_unanswered_week_ago, then.complaints_24h_week_ago, then.hoax_hate_24h_week_ago)


def test_small_scopes_and_missing_marks_are_reconstructed(s):
    history(s)
    snapshots.store(s, snapshots.take(s, NOW - WEEK, SLA))
    s.commit()
    polres = scope_for_unit(s, unit(s, "POLRES-METRO-TANGERANG-KOTA"))
    assert snapshots.scope_key(s, polres) is None
    assert not watch.week_ago(s, polres, SLA, watch.calendar_period(s, polres, 7, NOW), 7).stored
    # another policy, or 11 minutes later: no snapshot in the window
    national = watch.calendar_period(s, NATIONAL, 7, NOW)
    assert not watch.week_ago(s, NATIONAL, SlaPolicy(30, 24 * 60), national, 7).stored
    later = watch.calendar_period(s, NATIONAL, 7, NOW + timedelta(minutes=11))
    assert not watch.week_ago(s, NATIONAL, SLA, later, 7).stored
    assert watch.week_ago(s, NATIONAL, SLA, national, 7).stored


def test_lookup_window_edges(s):
    t = NOW - WEEK
    snapshots.store(s, [row for at in (t, t + timedelta(minutes=5)) for row in snapshots.take(s, at, SLA)])
    s.commit()
    newest = t + timedelta(minutes=5)

    def found(at, **kw):
        row = snapshots.lookup(s, "national", 7, SLA, at, **kw)
        return row.taken_at if row else None

    assert found(t) == t
    assert found(t + timedelta(minutes=4, seconds=59)) == t
    assert found(newest) == newest
    assert found(newest + timedelta(minutes=10)) == newest
    assert found(newest + timedelta(minutes=10, seconds=1)) is None
    assert found(t - timedelta(seconds=1)) is None
    assert found(newest, not_before=newest + timedelta(seconds=1)) is None
    assert snapshots.lookup(s, "national", 7, SlaPolicy(45), newest) is None
    assert snapshots.lookup(s, "national", None, None, newest).taken_at == newest


def test_a_snapshot_before_the_local_midnight_is_not_today(s):
    """At 00:03 WIB last week's "today" began 3 minutes before: the 23:55 snapshot is another day."""
    midnight = NOW.replace(hour=17) - timedelta(days=1)  # 00:00 WIB on NOW's day
    snapshots.store(s, snapshots.take(s, midnight - WEEK - timedelta(minutes=5), SLA))
    s.commit()
    metro = scope_for_unit(s, unit(s, "POLDA-METRO-JAYA"))
    at = midnight + timedelta(minutes=3)
    assert not watch.week_ago(s, metro, SLA, watch.calendar_period(s, metro, 7, at), 7).stored


def test_retention_and_replacing_a_mark(s):
    t = NOW - timedelta(days=20)
    snapshots.store(s, snapshots.take(s, t, SLA))
    snapshots.store(s, snapshots.take(s, t + timedelta(days=6), SLA))
    s.commit()
    per_mark = s.scalar(select(func.count()).select_from(HeadlineSnapshot).where(HeadlineSnapshot.taken_at == t))
    assert per_mark == 9  # national + 2 Polda, 3 periods
    snapshots.store(s, snapshots.take(s, t + timedelta(days=6), SLA))  # the same mark again: replaced
    snapshots.store(s, snapshots.take(s, t + timedelta(days=16), SLA))
    s.commit()
    marks = sorted(s.scalars(select(HeadlineSnapshot.taken_at).distinct()))
    assert marks == [t + timedelta(days=6), t + timedelta(days=16)]
    assert s.scalar(select(func.count()).select_from(HeadlineSnapshot)) == 18


def test_backfill_every_mark(s):
    history(s)
    n = snapshots.backfill(s, NOW - timedelta(minutes=12), NOW, SLA)
    assert n == 3 * 9
    marks = sorted(s.scalars(select(HeadlineSnapshot.taken_at).distinct()))
    assert marks == [NOW - timedelta(minutes=10), NOW - timedelta(minutes=5), NOW]


def test_the_worker_stores_one_snapshot_per_slot_and_never_fails(s, registry, monkeypatch):
    history(s)
    assert sync.store_snapshot(registry, NOW + timedelta(minutes=2))
    assert not sync.store_snapshot(registry, NOW + timedelta(minutes=4))  # the same slot
    s.expire_all()
    assert s.scalars(select(HeadlineSnapshot.taken_at).distinct()).all() == [NOW]

    def broken(*_args, **_kw):
        raise RuntimeError("boom")

    monkeypatch.setattr(snapshots, "take", broken)
    assert not sync.store_snapshot(registry, NOW + timedelta(minutes=5))


def test_a_sync_run_stores_the_current_slot(s, registry):
    before = snapshots.slot_of(utcnow())
    assert sync.run(registry, []).status == "ran"
    after = snapshots.slot_of(utcnow())
    s.expire_all()
    assert set(s.scalars(select(HeadlineSnapshot.taken_at).distinct())) & {before, after}


@pytest.mark.parametrize("at", [NOW, NOW - timedelta(hours=15)])
def test_period_counts_equal_unit_counts_for_every_start(s, at):
    """`_period_counts` (all starts at once, each zone's start rounded to its nearer midnight) gives
    `unit_counts`' per-unit figures for any start: zone midnights, mid-day starts either side of
    noon, and a period shorter than a day."""
    from lib.metrics.counts import unit_counts, units_frame
    from lib.metrics.sql import Period, local_midnight_utc

    history(s)
    units = units_frame(s, NATIONAL)
    starts = sorted({local_midnight_utc(z, at) - timedelta(days=d) for z in ("Asia/Jakarta", "Asia/Makassar")
                     for d in (6, 29)} | {at - timedelta(days=5, hours=3), at - timedelta(days=8, hours=14),
                                          at - timedelta(hours=5)})
    got = snapshots._period_counts(s, units, SLA, starts, at)
    used = ["mentions", "answered", "within_sla", "pending", "negative"]
    for start in starts:
        want = unit_counts(s, NATIONAL, SLA, Period(start, at), now=at, units=units, pending_only=True)
        assert got[start][used].to_numpy().tolist() == want[used].to_numpy().tolist(), start
    assert got[starts[0]]["mentions"].sum() > got[starts[-1]]["mentions"].sum()
