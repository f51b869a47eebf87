"""`make bench` must keep working: the whole benchmark run, on a tiny registry and two small sizes.

The figures themselves are not checked (they depend on the machine); what is checked is that every
measure is taken at every size, that the pages really rendered signed in (the run fails otherwise)
and that the table and the growth table are written. It always uses its own SQLite file: the run
drops and recreates its database.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench import run

MEASURES = [
    "ingest: store_mentions (analysis stubbed)",
    "ingest: raw executemany (floor)",
    "query: dashboard national 7 d (overview + league + backlog)",
    "query: percentiles national 7 d + Polda, stored histograms",
    "query: daily trend national 90 d",
    "snapshots: one take, national + Polda (the worker, every 5 min)",
    "snapshots: backfill of 40 min of marks a week back (one-off)",
    "page: ringkasan (overview), cold cache",
    "page: unit, cold cache",
    "page: akun, warm cache",
]


def test_the_benchmark_runs_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "run.md"
    url = f"sqlite:///{tmp_path}/bench.db"
    for key in ("PANTAU_DATABASE_URL", "PANTAU_DEMO_SOURCE"):  # the run sets them; restore them after
        monkeypatch.setenv(key, "")
    monkeypatch.setattr(sys, "argv", ["bench.run", "--url", url, "--sizes", "1500,3000", "--units", "2,3,6",
                                      "--ingest", "200", "--wall-runs", "5", "--markdown", str(out)])
    run.main()
    text = out.read_text(encoding="utf-8")
    table, growth = text.split("Growth with the number of mentions:")
    for measure in MEASURES:
        assert f"| {measure} | 1,500 |" in table
        assert f"| {measure} | 3,000 |" in table
        assert f"| {measure} |" in growth
    assert "| memory: wall display re-rendered 5×, RSS growth | 3,000 |" in table
    assert "| (set at 1M on SQLite) |" in table  # the 0.5 s target applies at 1M mentions


def test_reuse_measures_a_loaded_database_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--reuse` keeps the registry and mentions of an earlier run: smaller sizes are skipped, the
    loaded size is measured again without loading, a larger one appends only the difference."""
    from sqlalchemy import text

    from lib.db import make_engine

    url = f"sqlite:///{tmp_path}/bench.db"
    for key in ("PANTAU_DATABASE_URL", "PANTAU_DEMO_SOURCE"):
        monkeypatch.setenv(key, "")
    args = ["bench.run", "--url", url, "--units", "2,3,6", "--ingest", "50", "--wall-runs", "0"]
    monkeypatch.setattr(sys, "argv", [*args, "--sizes", "1000"])
    run.main()
    out = tmp_path / "again.md"
    monkeypatch.setattr(sys, "argv", [*args, "--reuse", "--sizes", "500,1000,1200", "--markdown", str(out)])
    run.main()
    table = out.read_text(encoding="utf-8")
    assert "| page: ringkasan (overview), cold cache | 1,000 |" in table
    assert "| 500 |" not in table
    assert "| load: generate + COPY + indexes + vacuum | 1,000 |" not in table  # not loaded again
    assert "| load: generate + COPY + indexes + vacuum | 1,200 |" in table
    with make_engine(url).connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM mentions")) == 1200
        assert conn.scalar(text("SELECT count(*) FROM units")) == 12


def test_a_larger_database_is_a_longer_history_not_a_busier_day() -> None:
    """Up to 10M the last 90 days fill; past it the history grows back at the same daily rate."""
    from bench.generate import PER_DAY, RECENT_DAYS, spans

    assert spans(0, 1_000_000) == [(1_000_000, 0.0, 90.0)]
    assert spans(1_000_000, 9_000_000) == [(9_000_000, 0.0, 90.0)]
    (count, newest, oldest), = spans(10_000_000, 40_000_000)
    assert count == 40_000_000 and newest == RECENT_DAYS and oldest == pytest.approx(450.0)
    # Straight to 50M: the same placement as 10M and then 40M more.
    assert spans(0, 50_000_000) == [(10_000_000, 0.0, 90.0), (40_000_000, 90.0, pytest.approx(450.0))]
    assert 40_000_000 / (oldest - newest) == pytest.approx(PER_DAY)


def test_an_append_keeps_ages_inside_its_span() -> None:
    """Every generated mention of a part lies between its newest and oldest age."""
    from bench.generate import mention_columns, registry
    from lib.db import make_engine
    from lib.models import Base

    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    registry(engine, polda=1, polres=2, polsek=4)
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    created = [c for chunk in mention_columns(engine, 5000, 0, now, 120.0, chunk=1000, newest=90.0)
               for c in chunk[6]]
    ages = [(now.replace(tzinfo=None) - datetime.fromisoformat(c)).total_seconds() / 86400 for c in created]
    assert min(ages) >= 90.0 and max(ages) <= 120.0
    assert created == sorted(created)  # oldest first, as the sync stores them
