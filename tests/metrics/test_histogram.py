"""Percentiles from the stored per-unit-per-day histograms (lib/metrics/histogram.py) stay within the
stated bound, max(1 minute, 2 %), of the exact figure on generated data, on both backends; the
migration to 0013_scale fills them for a database that already holds mentions."""

from __future__ import annotations

import random
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, func, literal, select, update

from lib import daily, metrics
from lib.config import ROOT
from lib.db import make_engine, session_scope
from lib.metrics import Period, SlaPolicy, dashboards
from lib.metrics.buckets import bucket_of, bucket_sql, representative
from lib.metrics.histogram import histogram_percentiles, response_histogram
from lib.models import DailyCountsState, DailyResponseHist, Mention, MentionTarget, Unit
from lib.scope import NATIONAL, scope_for_unit
from tests.conftest import NOW
from tests.test_targets import old_database  # noqa: F401  (fixture)

POLICY = SlaPolicy(60, 24 * 60)


def bound(exact: float) -> float:
    """The stated bound in minutes (plus float slack)."""
    return max(1.0, 0.02 * exact) + 1e-9


def test_every_second_lies_within_the_bound_of_its_bucket() -> None:
    seconds = np.r_[np.arange(0, 200_000), np.unique(np.geomspace(200_000, 10**9, 20_000).astype(np.int64))]
    rep = representative(bucket_of(seconds))
    assert np.all(np.abs(rep - seconds) <= np.maximum(60, 0.02 * seconds))
    assert bucket_of(np.array([10**9])).max() < 2**16  # fits the packed uint16


def test_the_database_buckets_like_numpy(engine: Engine) -> None:
    seconds = [0, 1, 119, 120, 2999, 3000, 3119, 3120, 3121, 7200, 86_399, 86_400, 10**7, -5]
    with session_scope(engine) as s:
        got = [s.scalar(select(bucket_sql(literal(v)))) for v in seconds]
    assert got == list(bucket_of(np.array(seconds)))


@pytest.fixture
def generated(registry: Engine) -> Engine:
    """~1,500 mentions over 12 days (lognormal replies, a long tail up to days, some at local
    midnights), a fifth with further targets."""
    rng = random.Random(17)
    with session_scope(registry) as s:
        ids = sorted(s.scalars(select(Unit.id)))
        for i in range(1500):
            created = NOW - timedelta(seconds=rng.uniform(0, 12 * 86400))
            if i % 23 == 0:
                created = NOW.replace(hour=17, minute=0, second=0) - timedelta(days=rng.randint(1, 9))
            reply = rng.lognormvariate(np.log(25 * 60), 1.4) if rng.random() < 0.85 else None
            answered = created + timedelta(seconds=reply) if reply and created + timedelta(seconds=reply) < NOW else None
            targets = rng.sample(ids, rng.choice([1, 1, 1, 1, 2, 3]))
            m = Mention(platform="x", external_id=f"g{i}", unit_id=targets[0], text=f"sebutan {i}",
                        created_at=created, answered_at=answered, status="selesai" if answered else "baru",
                        sentiment="neutral")
            s.add(m)
            s.flush()
            for t in targets[1:]:
                s.add(MentionTarget(mention_id=m.id, unit_id=t, created_at=created))
    return registry


def assert_within_bound(estimate: pd.DataFrame, exact: pd.DataFrame) -> None:
    both = exact.merge(estimate, on="key", how="outer", suffixes=("", "_est"))
    assert len(both) and not both.isna().any().any()
    assert (both["answered"] == both["answered_est"]).all()  # counts are exact
    for col in ("median_minutes", "p90_minutes"):
        err = (both[f"{col}_est"] - both[col]).abs()
        assert (err <= both[col].map(bound)).all(), both[[col, f"{col}_est"]]


def test_histogram_percentiles_lie_within_the_bound_of_the_exact_figure(generated: Engine) -> None:
    with session_scope(generated) as s:
        polda = scope_for_unit(s, s.scalar(select(Unit.id).where(Unit.code == "POLDA-KALTIM")))
        checked = 0
        for scope in (NATIONAL, polda):
            for days in (1, 7, 10):
                # NOW - 13 h (21:00 WIB): today's stored histogram less the replies after now
                for now in (NOW, NOW + timedelta(hours=13, minutes=30), NOW - timedelta(hours=13)):
                    period = Period.last_days(days, now)
                    hist = response_histogram(s, scope, period, POLICY, now, levels=("polda", "polres", "polsek"))
                    times = metrics.response_times(s, scope, period)
                    assert_within_bound(histogram_percentiles(hist), metrics.percentiles_of(times))
                    for level in ("polda", "polres", "polsek"):
                        keys = metrics.unit_ancestors(s, scope, level)
                        exact = metrics.percentiles_of(times, keys)
                        if len(exact):
                            assert_within_bound(histogram_percentiles(hist, keys, level), exact)
                            checked += 1
        assert checked > 20
        assert s.scalar(select(func.count()).select_from(DailyResponseHist)) > 40  # stored days were used


def test_groups_need_their_level_read(generated: Engine) -> None:
    with session_scope(generated) as s:
        hist = response_histogram(s, NATIONAL, Period.last_days(7, NOW), POLICY, NOW)
        with pytest.raises(ValueError):
            histogram_percentiles(hist, metrics.unit_ancestors(s, NATIONAL, "polres"), "polres")


def test_a_large_scope_reads_the_histograms_and_stays_within_the_bound(generated: Engine, monkeypatch) -> None:
    with session_scope(generated) as s:
        exact = metrics.dashboard(s, NATIONAL, POLICY, 7, now=NOW)
        monkeypatch.setattr(dashboards, "EXACT_LIMIT", 0)
        monkeypatch.setattr(dashboards, "EXACT_LIMIT_SQLITE", 0)
        calls = []
        real = dashboards.response_histogram
        monkeypatch.setattr(dashboards, "response_histogram", lambda *a, **k: calls.append(1) or real(*a, **k))
        approx = metrics.dashboard(s, NATIONAL, POLICY, 7, now=NOW)
    assert calls
    for name in ("median_response_minutes", "p90_response_minutes"):
        assert abs(getattr(approx.overview, name) - getattr(exact.overview, name)) <= bound(
            getattr(exact.overview, name))
    league = exact.league.merge(approx.league, on="unit_id", suffixes=("", "_est"))
    assert ((league["median_minutes_est"] - league["median_minutes"]).abs()
            <= league["median_minutes"].map(bound)).all()
    assert approx.overview.period_mentions == exact.overview.period_mentions


def test_a_late_reply_updates_the_stored_histogram(generated: Engine) -> None:
    with session_scope(generated) as s:
        period = Period.last_days(7, NOW)
        histogram_percentiles(response_histogram(s, NATIONAL, period, POLICY, NOW))  # builds the table
        m = s.scalar(select(Mention).where(Mention.answered_at.is_(None),
                                           Mention.created_at < NOW - timedelta(days=3)).limit(1))
        m.answered_at = m.created_at + timedelta(hours=30)
        m.updated_at = NOW
    with session_scope(generated) as s:
        hist = response_histogram(s, NATIONAL, Period.last_days(7, NOW), POLICY, NOW)
        assert_within_bound(histogram_percentiles(hist),
                            metrics.percentiles_of(metrics.response_times(s, NATIONAL, period)))


def test_migration_fills_the_histograms_of_an_existing_database(old_database) -> None:  # noqa: F811
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.attributes["url"] = old_database
    command.upgrade(cfg, "0009_targets")
    engine = make_engine(old_database)
    with session_scope(engine) as s:
        s.add(Unit(id=1, code="MABES", name="Mabes", short_name="Mabes", level="mabes", path="/1/",
                   timezone="Asia/Jakarta", active=True))
        for i in range(60):
            at = NOW - timedelta(hours=2 + i * 2)
            s.add(Mention(platform="x", external_id=f"e{i}", unit_id=1, text="t", created_at=at, updated_at=at,
                          answered_at=at + timedelta(minutes=5 + 7 * i), status="selesai", sentiment="neutral"))
    with session_scope(engine) as s:  # as the code before 0013 leaves it: daily_counts up to date
        top = s.scalar(select(func.max(Mention.updated_at)))
        s.execute(update(DailyCountsState).values(
            watermark=top, recent=daily._updated_since(s, top - daily.OVERLAP),
            units_key=daily._units_key(s, POLICY.first_response_minutes)))
    command.upgrade(cfg, "head")
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(DailyResponseHist)) == 0
        period = Period.last_days(7, NOW)
        estimate = histogram_percentiles(response_histogram(s, NATIONAL, period, POLICY, NOW))
        assert s.scalar(select(func.count()).select_from(DailyResponseHist)) >= 5
        assert_within_bound(estimate, metrics.percentiles_of(metrics.response_times(s, NATIONAL, period)))
    engine.dispose()
