"""Issue 11: the page-load throttle and the freshness caption are per source and account (a Polsek
wall's run does not make the country look fresh), and a long-held sync lease is told, with its age."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from lib import sync
from lib.config import load_settings
from lib.db import session_scope
from lib.models import Account, SyncLock, SyncState, utcnow
from lib.scope import NATIONAL
from tests.helpers import page_app, signed_in, unit


def _settings(monkeypatch):
    monkeypatch.setenv("PANTAU_DEMO_SOURCE", "1")
    monkeypatch.setenv("PANTAU_SYNC_INTERVAL_SECONDS", "3600")
    return load_settings()


def _read_accounts(engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count(SyncState.id)).where(SyncState.source == "demo",
                                                               SyncState.last_run_at.is_not(None)))


def test_a_polsek_wall_run_does_not_throttle_the_national_sync(registry, monkeypatch):
    settings = _settings(monkeypatch)
    with session_scope(registry) as s:
        ciledug = NATIONAL.narrow(s, unit(s, "POLSEK-CILEDUG").id)
        total = s.scalar(select(func.count(Account.id)).where(Account.active))
    assert sync.maybe_sync(registry, settings, ciledug).status == "ran"
    assert _read_accounts(registry) == 1
    assert sync.freshness(registry, settings, NATIONAL) is None  # the country is not "baru saja"
    assert sync.freshness(registry, settings, ciledug) is not None
    assert sync.maybe_sync(registry, settings, ciledug).status == "throttled"  # Ciledug itself is fresh
    assert sync.maybe_sync(registry, settings, NATIONAL).status == "ran"  # the rest was still due
    assert _read_accounts(registry) == total
    assert sync.maybe_sync(registry, settings, NATIONAL).status == "throttled"
    national = sync.freshness(registry, settings, NATIONAL)
    assert national is not None and utcnow() - national < timedelta(minutes=1)


def test_freshness_is_the_stalest_account(registry, monkeypatch):
    settings = _settings(monkeypatch)
    sync.maybe_sync(registry, settings, NATIONAL)
    old = utcnow() - timedelta(hours=5)
    with session_scope(registry) as s:
        benda = s.scalar(select(Account.id).where(Account.handle == "polsekbenda"))
        s.execute(update(SyncState).where(SyncState.account_id == benda).values(last_success_at=old,
                                                                                 last_run_at=old))
    assert abs((sync.freshness(registry, settings, NATIONAL) - old).total_seconds()) < 1
    assert sync.maybe_sync(registry, settings, NATIONAL).status == "ran"  # benda is due again


def test_a_lease_held_long_is_shown_with_its_age(registry, monkeypatch):
    _settings(monkeypatch)
    monkeypatch.setenv("PANTAU_X_SYNC_ON_PAGE_LOAD", "0")
    assert sync.acquire_lock(registry, "worker-yang-mati:123")
    with session_scope(registry) as s:  # a worker crashed 4 minutes into its run
        s.execute(update(SyncLock).values(acquired_at=utcnow() - timedelta(minutes=4),
                                          expires_at=utcnow() + timedelta(minutes=6)))
    at = signed_in(page_app("ringkasan")).run()
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "Sinkronisasi tertahan" in warning and "4 menit lalu" in warning and "6 mnt" in warning
    assert "belum pernah" in " ".join(c.value for c in at.caption)  # nothing was read: not "baru saja"


def test_a_database_error_is_stored_without_its_sql(registry, caplog):
    from sqlalchemy.exc import DataError

    from tests.test_sync import FakeSource

    class Poisoned(FakeSource):
        def fetch(self, session, account, cursor):
            raise DataError("INSERT INTO mentions (text) VALUES (%(text)s)", {"text": "RAHASIA-WARGA"},
                            Exception("value too long"))

    result = sync.run(registry, [Poisoned()])
    assert result.errors and all("RAHASIA" not in e and "INSERT" not in e for e in result.errors)
    with session_scope(registry) as s:
        stored = " ".join(x or "" for x in s.scalars(select(SyncState.last_error)))
    assert "galat basis data (Exception)" in stored and "RAHASIA" not in stored
    assert "RAHASIA-WARGA" in caplog.text  # the details are in the server log
