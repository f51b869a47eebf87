"""Sync runs: the database lock, throttling, per-account failure isolation, freshness."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lib import sync
from lib.config import load_settings
from lib.db import session_scope
from lib.models import Account, Mention, SyncRun, SyncState
from lib.sources.base import Batch, MentionRecord, Source
from tests.conftest import NOW


class FakeSource(Source):
    """Returns one mention per account; fails for the handles it is told to."""

    name = "fake"
    platforms = ("x", "instagram", "facebook")

    def __init__(self, failing: set[str] = frozenset()):
        self.failing = failing
        self.calls = 0

    def fetch(self, session, account: Account, cursor):
        self.calls += 1
        if account.handle in self.failing:
            raise ConnectionError("jaringan putus")
        return Batch(mentions=[MentionRecord(f"{account.handle}-1", "halo pak", NOW)], cursor="c1")


def test_lock_is_exclusive_until_released_or_expired(engine):
    assert sync.acquire_lock(engine, "a")
    assert not sync.acquire_lock(engine, "b")
    sync.release_lock(engine, "a")
    assert sync.acquire_lock(engine, "b")
    assert sync.acquire_lock(engine, "c", ttl=timedelta(seconds=-1)) is False
    sync.release_lock(engine, "b")
    assert sync.acquire_lock(engine, "c", ttl=timedelta(seconds=-1))  # stored already expired
    assert sync.acquire_lock(engine, "d")  # ... so the next caller may take it over


def test_busy_when_another_process_holds_the_lock(registry):
    assert sync.acquire_lock(registry, "other-process")
    result = sync.run(registry, [FakeSource()])
    assert result.status == "busy"


def test_one_failing_account_does_not_stop_the_others(registry):
    source = FakeSource(failing={"polsekciledug"})
    result = sync.run(registry, [source])
    assert result.status == "ran" and len(result.errors) == 1 and "jaringan putus" in result.errors[0]
    with session_scope(registry) as s:
        assert s.scalar(select(func.count(Mention.id))) == 6  # the 6 other accounts
        failed = s.scalar(select(SyncState).join(Account).where(Account.handle == "polsekciledug"))
        assert failed.error_count == 1 and "jaringan putus" in failed.last_error
        run = s.scalar(select(SyncRun))
        assert run.ok is False and run.new_mentions == 6
    assert sync.last_failure(registry) is not None
    # The next good run keeps everything stored before and clears the failure banner.
    assert sync.run(registry, [FakeSource()]).ok
    assert sync.last_failure(registry) is None


def test_maybe_sync_is_throttled(registry, monkeypatch):
    monkeypatch.setenv("PANTAU_DEMO_SOURCE", "1")
    monkeypatch.setenv("PANTAU_SYNC_INTERVAL_SECONDS", "3600")
    settings = load_settings()
    assert sync.maybe_sync(registry, settings).status == "ran"
    assert sync.maybe_sync(registry, settings).status == "throttled"
    assert sync.maybe_sync(registry, settings, force=True).status == "ran"


def test_cli_runs_the_demo_source(registry, monkeypatch, capsys):
    monkeypatch.setenv("PANTAU_DEMO_SOURCE", "1")
    assert sync.main(["--source", "demo"]) == 0
    assert "status=ran" in capsys.readouterr().out
    with session_scope(registry) as s:
        assert s.scalar(select(func.count(Mention.id))) > 100
