"""Mentions with several targets (lib/targets.py) in the figures: every figure equals a
mention-by-mention count in plain Python over random data, where each unit counts the mentions that
target it (against its own SLA and zone) and every total over several units counts a mention once."""

from __future__ import annotations

import random
from datetime import timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from sqlalchemy import Engine, select

from lib import metrics
from lib.db import session_scope
from lib.metrics import Period, SlaPolicy
from lib.models import OPEN_STATUSES, Mention, MentionTarget, Unit
from lib.scope import NATIONAL, scope_for_unit
from tests.conftest import NOW

POLICY = SlaPolicy(first_response_minutes=60, hard_limit_minutes=24 * 60)
WEEK = Period.last_days(7, NOW)
COLUMNS = metrics.COUNT_COLUMNS


def _load(engine: Engine, seed: int) -> tuple[list[dict], dict[int, dict]]:
    """Random mentions, about a third with one or two further targets; returns them with their
    targets and the units (id → path, zone, SLA)."""
    rng = random.Random(seed)
    with session_scope(engine) as s:
        units = {u.id: dict(path=u.path, tz=u.timezone, sla=u.sla_minutes or POLICY.first_response_minutes)
                 for u in s.scalars(select(Unit))}
        ids = sorted(units)
        mentions = []
        for i in range(120):
            created = NOW - timedelta(minutes=rng.uniform(1, 9 * 24 * 60))
            answered = None if rng.random() < 0.4 else created + timedelta(seconds=rng.randint(30, 5 * 3600))
            status = "selesai" if answered else rng.choice(["baru", "baru", "ditangani", "diabaikan"])
            targets = rng.sample(ids, rng.choice([1, 1, 2, 3]))
            m = Mention(platform="x", external_id=f"m{i}", unit_id=targets[0], text=f"sebutan {i}",
                        created_at=created, answered_at=answered, status=status,
                        sentiment=rng.choice(["negative", "neutral", "positive"]))
            s.add(m)
            s.flush()
            for t in targets[1:]:
                s.add(MentionTarget(mention_id=m.id, unit_id=t, created_at=created))
            mentions.append(dict(id=m.id, targets=targets, created=created, answered=answered, status=status,
                                 negative=m.sentiment == "negative"))
    return mentions, units


def _flags(m: dict, unit: dict) -> dict[str, int]:
    """One mention's figures for one targeted unit, straight from the definitions."""
    in_period = WEEK.since <= m["created"] < WEEK.until
    secs = None if m["answered"] is None else int((m["answered"].replace(microsecond=0)
                                                  - m["created"].replace(microsecond=0)).total_seconds())
    open_ = m["answered"] is None and m["status"] in OPEN_STATUSES
    local_now = NOW.astimezone(ZoneInfo(unit["tz"]))
    midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    due = NOW - timedelta(minutes=unit["sla"])
    return dict(
        mentions=in_period, today=in_period and m["created"] >= midnight, answered=in_period and secs is not None,
        within_sla=in_period and secs is not None and secs <= unit["sla"] * 60,
        pending=open_ and in_period and m["created"] >= due, negative=in_period and m["negative"],
        unanswered=open_, overdue=open_ and m["created"] < due,
        over_hard_limit=open_ and m["created"] < NOW - timedelta(minutes=POLICY.hard_limit_minutes))


def _total(mentions: list[dict], units: dict[int, dict], inside) -> dict[str, int]:
    """Figures over the units for which `inside(unit_id)` holds: each mention once, counted where it
    counts for at least one of its targets inside."""
    out = dict.fromkeys(COLUMNS, 0)
    for m in mentions:
        hits = [_flags(m, units[t]) for t in m["targets"] if inside(t)]
        for col in COLUMNS:
            out[col] += int(any(h[col] for h in hits))
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_counts_per_unit_subtree_and_scope(registry: Engine, seed: int) -> None:
    mentions, units = _load(registry, seed)
    assert any(len(m["targets"]) > 1 for m in mentions)
    with session_scope(registry) as s:
        for stored in (True, False):
            own = metrics.unit_counts(s, NATIONAL, POLICY, WEEK, NOW, stored_days=stored).set_index("unit_id")
            for uid in units:
                assert own.loc[uid, COLUMNS].to_dict() == _total(mentions, units, lambda t, u=uid: t == u), uid
        rolled = metrics.rollup(s, NATIONAL, POLICY, now=NOW).set_index("unit_id")
        for uid, unit in units.items():
            want = _total(mentions, units, lambda t, p=unit["path"]: units[t]["path"].startswith(p))
            got = rolled.loc[uid].rename({"period": "mentions"})
            assert {c: int(got[c]) for c in COLUMNS if c in got} == {c: want[c] for c in COLUMNS if c in got}, uid
        for uid, unit in units.items():
            scope = NATIONAL if unit["path"].count("/") == 2 else scope_for_unit(s, uid)
            ov = metrics.overview(s, scope, POLICY, 7, now=NOW)
            want = _total(mentions, units, lambda t, p=scope.path_prefix: units[t]["path"].startswith(p))
            assert (ov.period_mentions, ov.mentions_today, ov.unanswered, ov.overdue, ov.answered,
                    ov.over_hard_limit) == (want["mentions"], want["today"], want["unanswered"], want["overdue"],
                                            want["answered"], want["over_hard_limit"]), uid


def _seconds(m: dict) -> int:
    return int((m["answered"].replace(microsecond=0) - m["created"].replace(microsecond=0)).total_seconds())


@pytest.mark.parametrize("seed", [3])
def test_response_times_count_each_mention_once(registry: Engine, seed: int) -> None:
    mentions, units = _load(registry, seed)
    answered = [m for m in mentions if m["answered"] is not None and WEEK.since <= m["created"] < WEEK.until]
    with session_scope(registry) as s:
        for uid, unit in units.items():
            scope = scope_for_unit(s, uid)
            times = metrics.response_times(s, scope, WEEK)
            pct = metrics.percentiles_of(times)
            want = [_seconds(m) for m in answered if any(units[t]["path"].startswith(unit["path"])
                                                         for t in m["targets"])]
            if not want:
                assert pct.empty
                continue
            assert pct["answered"].iloc[0] == len(want), uid
            assert pct["median_minutes"].iloc[0] == pytest.approx(np.median(want) / 60), uid
            assert pct["p90_minutes"].iloc[0] == pytest.approx(np.percentile(want, 90) / 60), uid
        league = metrics.league(s, NATIONAL, POLICY, WEEK, "polres", now=NOW).set_index("unit_id")
    for uid in league.index:
        want = [_seconds(m) for m in answered if any(units[t]["path"].startswith(units[uid]["path"])
                                                     for t in m["targets"])]
        assert league.loc[uid, "median_minutes"] == pytest.approx(np.median(want) / 60 if want else np.nan,
                                                                  nan_ok=True), uid


@pytest.mark.parametrize("seed", [4])
def test_trend_counts_each_mention_once_on_its_target_day(registry: Engine, seed: int) -> None:
    mentions, units = _load(registry, seed)
    with session_scope(registry) as s:
        for uid in [None, *units]:
            scope = NATIONAL if uid is None else scope_for_unit(s, uid)
            for stored in (True, False):
                trend = metrics.daily_trend(s, scope, POLICY, 7, now=NOW, stored_days=stored)
                want: dict = {}
                first = trend["day"].min()
                for m in mentions:
                    inside = [t for t in m["targets"] if units[t]["path"].startswith(scope.path_prefix)]
                    if not inside:
                        continue
                    shown = m["targets"][0] if m["targets"][0] in inside else min(inside)
                    day = m["created"].astimezone(ZoneInfo(units[shown]["tz"])).date()
                    if day < first:
                        continue
                    row = want.setdefault(day, [0, 0, 0, 0])
                    secs = None if m["answered"] is None else _seconds(m)
                    row[0] += 1
                    row[1] += int(secs is not None and secs <= units[shown]["sla"] * 60)
                    row[2] += int(m["negative"])
                    row[3] += int(m["answered"] is None and m["status"] in OPEN_STATUSES)
                got = {r.day: [r.mentions, r.within_sla, r.negative, r.unanswered]
                       for r in trend.itertuples() if r.mentions}
                assert got == want, (uid, stored)
