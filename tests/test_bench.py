"""`make bench` must keep working: the whole benchmark run, on a tiny registry and two small sizes.

The figures themselves are not checked (they depend on the machine); what is checked is that every
measure is taken at every size, that the pages really rendered signed in (the run fails otherwise)
and that the table and the growth table are written. It always uses its own SQLite file: the run
drops and recreates its database.
"""

from __future__ import annotations

import sys
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
    "snapshots: backfill of 75 min of marks a week back (one-off)",
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
