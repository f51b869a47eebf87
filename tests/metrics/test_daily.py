"""The per-unit-per-day table (lib/daily.py) must give exactly the live engine's figures, on both
backends, including after late replies, status changes, corrections and back-filled mentions."""

from __future__ import annotations

import random
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from lib import daily, metrics
from lib.db import session_scope
from lib.metrics import Period, SlaPolicy
from lib.models import DailyCount, Mention, Unit
from lib.scope import NATIONAL, scope_for_unit
from lib.workflow import change_status
from tests.conftest import NOW
from tests.helpers import add_mentions

POLICIES = [SlaPolicy(60, 24 * 60), SlaPolicy(120, 72 * 60)]
HANDLES = ["PoldaMetroJaya", "polsekciledug", "polsekbenda", "polrestabalikpapan", "polsekbpputara"]


def spread(rng: random.Random, tag: str, n: int) -> list[tuple[str, str, object]]:
    """n mentions over the last 12 days, some right at local midnights (WIB and WITA)."""
    items = []
    for i in range(n):
        if i % 7 == 0:  # a local midnight, give or take a second
            day = NOW.replace(hour=17 if i % 2 else 16, minute=0, second=0) - timedelta(days=rng.randint(1, 10))
            at = day + timedelta(seconds=rng.choice([-1, 0, 1]))
        else:
            at = NOW - timedelta(seconds=rng.randint(0, 12 * 86400))
        items.append((f"{tag}{i}", rng.choice(["tolong begal pak", "terima kasih pak", "macet parah"]), at))
    return items


@pytest.fixture
def spread_data(registry: Engine) -> Engine:
    rng = random.Random(5)
    with session_scope(registry) as s:
        for h in HANDLES:
            items = spread(rng, h, 40)
            replies = [(e, at + timedelta(seconds=rng.choice([30, 600, 1800, 3600, 3601, 7200, 20000])))
                       for e, _, at in items if rng.random() < 0.6]
            add_mentions(s, h, items, replies)
        for m in s.scalars(select(Mention)):
            m.sentiment = rng.choice(["negative", "neutral", "positive"])
            if m.answered_at is None and rng.random() < 0.3:
                m.status = rng.choice(["selesai", "diabaikan", "diteruskan"])
    return registry


def assert_same(engine: Engine) -> None:
    with session_scope(engine) as s:
        scopes = [NATIONAL, scope_for_unit(s, s.scalar(select(Unit.id).where(Unit.code == "POLDA-KALTIM"))),
                  scope_for_unit(s, s.scalar(select(Unit.id).where(Unit.code == "POLSEK-BENDA")))]
        for policy in POLICIES:
            for days in (1, 3, 7, 10, 30):
                for scope in scopes:
                    # 16:30 UTC = 23:30 WIB / 00:30 WITA; NOW - 13 h = 21:00 WIB, with mentions after it: today's
                    # stored row is read and what lies after `now` subtracted (`lib.metrics.counts.widened`).
                    for now in (NOW, NOW + timedelta(hours=13, minutes=30), NOW - timedelta(hours=13)):
                        period = Period.last_days(days, now)
                        fast = metrics.unit_counts(s, scope, policy, period, now)
                        live = metrics.unit_counts(s, scope, policy, period, now, stored_days=False)
                        pd.testing.assert_frame_equal(fast, live)
                for days in (7, 30):
                    for now in (NOW, NOW - timedelta(hours=13)):
                        fast = metrics.daily_trend(s, NATIONAL, policy, days, now)
                        live = metrics.daily_trend(s, NATIONAL, policy, days, now, stored_days=False)
                        pd.testing.assert_frame_equal(fast, live)


def test_stored_days_equal_the_live_scan(spread_data: Engine) -> None:
    assert_same(spread_data)
    with session_scope(spread_data) as s:
        assert s.scalar(select(func.count()).select_from(DailyCount)) > 50  # the table is really used


def test_still_equal_after_late_replies_status_changes_and_backfill(spread_data: Engine) -> None:
    assert_same(spread_data)  # builds the table
    with session_scope(spread_data) as s:
        old = list(s.scalars(select(Mention).where(Mention.answered_at.is_(None), Mention.status == "baru",
                                                    Mention.created_at < NOW - timedelta(days=3))
                             .order_by(Mention.id)))
        late, handled, corrected = old[0], old[1], old[2]
        account = s.get(Mention, late.id).account
        handle = account.handle
        ext = late.external_id
        change_status(s, NATIONAL, handled.id, handled.version, "ditangani", "tester")  # answered now
        corrected.sentiment = "negative" if corrected.sentiment != "negative" else "positive"
        corrected.updated_at = metrics.utcnow()  # what lib.corrections does
    with session_scope(spread_data) as s:
        add_mentions(s, handle, [("backfill1", "begal lagi", NOW - timedelta(days=5, hours=3))],
                     replies=[(ext, late.created_at + timedelta(minutes=20))])  # a late reply, five days on
    with session_scope(spread_data) as s:
        assert s.get(Mention, late.id).answered_at is not None
    assert_same(spread_data)


def test_a_registry_change_rebuilds(spread_data: Engine) -> None:
    assert_same(spread_data)
    with session_scope(spread_data) as s:
        s.scalar(select(Unit).where(Unit.code == "POLSEK-BENDA")).sla_minutes = 15
    assert_same(spread_data)


def test_refresh_with_nothing_changed_keeps_the_rows(spread_data: Engine) -> None:
    with session_scope(spread_data) as s:
        daily.refresh(s, 60)
        before = s.execute(select(DailyCount.unit_id, DailyCount.day, DailyCount.mentions)).all()
        daily.refresh(s, 60)
        assert s.execute(select(DailyCount.unit_id, DailyCount.day, DailyCount.mentions)).all() == before


def test_whole_days_are_read_from_the_table(spread_data: Engine) -> None:
    """Guard against a silently live path: a tampered row shows up in the figures."""
    policy, period = POLICIES[0], Period.last_days(7, NOW)
    with session_scope(spread_data) as s:
        before = int(metrics.unit_counts(s, NATIONAL, policy, period, NOW)["mentions"].sum())
        row = s.scalars(select(DailyCount).where(DailyCount.day == (NOW - timedelta(days=3)).date().isoformat())
                        .limit(1)).one()
        row.mentions += 1000
        s.flush()
        assert int(metrics.unit_counts(s, NATIONAL, policy, period, NOW)["mentions"].sum()) == before + 1000


def reference_counts(session, policy: SlaPolicy, period: Period, now) -> pd.DataFrame:
    """The per-unit figures worked out mention by mention in plain Python (no SQL aggregates): an
    independent check of the engine's bucketed live scan and its stored days."""
    from zoneinfo import ZoneInfo

    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.active))}
    rows = {uid: dict.fromkeys(metrics.COUNT_COLUMNS, 0) for uid in units}
    for m in session.scalars(select(Mention)):
        unit = units.get(m.unit_id)
        if unit is None:
            continue
        sla = (unit.sla_minutes or policy.first_response_minutes) * 60
        r = rows[m.unit_id]
        open_ = m.answered_at is None and m.status in ("baru", "diteruskan", "ditangani")
        in_period = period.since <= m.created_at < period.until
        if open_:
            r["unanswered"] += 1
            r["overdue"] += m.created_at < now - timedelta(seconds=sla)
            r["over_hard_limit"] += m.created_at < now - timedelta(minutes=policy.hard_limit_minutes)
            r["pending"] += in_period and m.created_at >= now - timedelta(seconds=sla)
        if not in_period:
            continue
        local_now = now.astimezone(ZoneInfo(unit.timezone))
        r["mentions"] += 1
        r["today"] += m.created_at.astimezone(ZoneInfo(unit.timezone)).date() == local_now.date()
        r["negative"] += m.sentiment == "negative"
        if m.answered_at is not None:
            r["answered"] += 1
            r["within_sla"] += int(m.answered_at.timestamp()) - int(m.created_at.timestamp()) <= sla
    return pd.DataFrame([{"unit_id": uid, **r} for uid, r in rows.items()]).astype("int64")


@pytest.mark.parametrize("days", [1, 7, 10])
def test_engine_equals_a_mention_by_mention_count(spread_data: Engine, days: int) -> None:
    with session_scope(spread_data) as s:
        s.scalar(select(Unit).where(Unit.code == "POLSEK-CILEDUG")).sla_minutes = 30
        s.scalar(select(Unit).where(Unit.code == "POLSEK-BENDA")).sla_minutes = 120
    with session_scope(spread_data) as s:
        for policy in POLICIES:
            for now in (NOW, NOW + timedelta(hours=13, minutes=30), NOW + timedelta(hours=16, minutes=30),
                        NOW - timedelta(hours=13)):
                period = Period.last_days(days, now)
                expected = reference_counts(s, policy, period, now).sort_values("unit_id", ignore_index=True)
                for stored in (True, False):
                    got = metrics.unit_counts(s, NATIONAL, policy, period, now, stored_days=stored)
                    got = got.sort_values("unit_id", ignore_index=True)
                    pd.testing.assert_frame_equal(got[expected.columns], expected, check_dtype=False)
                    assert got["mentions"].sum() > 0


LATE_EVENING = NOW - timedelta(hours=13)  # 14:00 UTC: 21:00 WIB, 22:00 WITA, 23:00 WIT


def test_today_is_read_from_the_stored_day_less_what_lies_after_now(spread_data: Engine) -> None:
    """Late in the local day the period's tail is today's stored row minus the mentions after `now`
    (there are some: the data runs to NOW); a tampered row of today shows up, so the stored path is
    really taken, and the figures equal the live scan and a mention-by-mention count."""
    policy, period = POLICIES[0], Period.last_days(7, LATE_EVENING)
    today = LATE_EVENING.astimezone(metrics.UTC).date().isoformat()  # 21:00 WIB: the same date in every zone
    with session_scope(spread_data) as s:
        after = s.scalar(select(func.count()).select_from(Mention).where(
            Mention.created_at >= LATE_EVENING, Mention.created_at < NOW.replace(hour=15)))
        assert after > 0
        fast = metrics.unit_counts(s, NATIONAL, policy, period, LATE_EVENING)
        pd.testing.assert_frame_equal(fast, metrics.unit_counts(s, NATIONAL, policy, period, LATE_EVENING,
                                                                stored_days=False))
        expected = reference_counts(s, policy, period, LATE_EVENING).sort_values("unit_id", ignore_index=True)
        got = fast.sort_values("unit_id", ignore_index=True)
        pd.testing.assert_frame_equal(got[expected.columns], expected, check_dtype=False)
        assert got["today"].sum() > 0
        row = s.scalars(select(DailyCount).where(DailyCount.day == today).order_by(DailyCount.unit_id).limit(1)).one()
        row.mentions += 1000
        s.flush()
        tampered = metrics.unit_counts(s, NATIONAL, policy, period, LATE_EVENING)
        assert int(tampered["today"].sum()) == int(fast["today"].sum()) + 1000
        assert int(tampered["mentions"].sum()) == int(fast["mentions"].sum()) + 1000


def test_mentions_stored_after_the_last_refresh_are_in_today(spread_data: Engine) -> None:
    """A read refreshes today's stored row first: mentions stored since the previous read (before
    and after `now`) leave the figures equal to the raw count."""
    policy, period = POLICIES[0], Period.last_days(7, LATE_EVENING)
    with session_scope(spread_data) as s:
        before = metrics.unit_counts(s, NATIONAL, policy, period, LATE_EVENING)  # refreshes the table
        trend_before = metrics.daily_trend(s, NATIONAL, policy, 7, LATE_EVENING)
    with session_scope(spread_data) as s:
        add_mentions(s, "polsekbenda", [("late1", "tolong pak", LATE_EVENING - timedelta(minutes=5)),
                                        ("late2", "macet", LATE_EVENING - timedelta(hours=3)),
                                        ("late3", "begal", LATE_EVENING + timedelta(minutes=5))],
                     replies=[("late2", LATE_EVENING - timedelta(hours=2, minutes=50))])
    with session_scope(spread_data) as s:
        after = metrics.unit_counts(s, NATIONAL, policy, period, LATE_EVENING)
        pd.testing.assert_frame_equal(after, metrics.unit_counts(s, NATIONAL, policy, period, LATE_EVENING,
                                                                 stored_days=False))
        assert int(after["today"].sum()) == int(before["today"].sum()) + 2
        assert int(after["answered"].sum()) == int(before["answered"].sum()) + 1
        trend = metrics.daily_trend(s, NATIONAL, policy, 7, LATE_EVENING)
        pd.testing.assert_frame_equal(trend, metrics.daily_trend(s, NATIONAL, policy, 7, LATE_EVENING,
                                                                 stored_days=False))
        assert int(trend["mentions"].iloc[-1]) == int(trend_before["mentions"].iloc[-1]) + 2
