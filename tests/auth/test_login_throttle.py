"""Issue 11: signing in is rate-limited per username and per client, and only a few argon2 checks
run at once (each costs ~64 MiB)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from lib import auth, throttle
from lib.auth import LOGIN_FAILED, LOGIN_THROTTLED, LoginRefused, authenticate
from lib.db import session_scope
from lib.models import AuditEntry
from tests.helpers import PASSWORD, make_user


def _attempt(engine, username: str, password: str, client: str) -> str:
    try:
        with session_scope(engine) as s:
            authenticate(s, username, password, client=client)
        return "ok"
    except LoginRefused as exc:
        return str(exc)


@pytest.fixture
def small_limits(monkeypatch):
    """The production limits (10 per username, 30 per client) at a size that keeps argon2 time short."""
    monkeypatch.setattr(throttle.by_username, "limit", 3)
    monkeypatch.setattr(throttle.by_client, "limit", 4)


def test_failures_per_username_are_limited_even_for_unknown_names(registry, small_limits):
    make_user(registry, "operator", "POLSEK-CILEDUG", "budi")
    for name in ("budi", "tidakada"):
        answers = [_attempt(registry, name, "tebakan-salah", client=f"10.0.0.{i}") for i in range(4)]
        assert answers[:-1] == [LOGIN_FAILED] * 3
        assert answers[-1] == LOGIN_THROTTLED  # same for a real and an unknown name
    # budi's right password is refused while his name is throttled (the DB lock applies too)
    assert _attempt(registry, "budi", PASSWORD, client="10.9.9.9") == LOGIN_THROTTLED
    with session_scope(registry) as s:
        notes = s.scalars(select(AuditEntry.note).where(AuditEntry.action == "login")).all()
    assert notes.count("dibatasi: terlalu banyak percobaan") == 3


def test_failures_per_client_are_limited_across_usernames(registry, small_limits):
    answers = [_attempt(registry, f"nama{i}", "salah", client="203.0.113.7") for i in range(5)]
    assert answers[-1] == LOGIN_THROTTLED and answers[-2] == LOGIN_FAILED
    assert _attempt(registry, "nama-baru", "salah", client="198.51.100.1") == LOGIN_FAILED  # another client


def test_the_window_slides():
    window = throttle.FailureWindow(limit=2, window=60)
    window.fail("x", now=0)
    window.fail("x", now=30)
    assert window.blocked("x", now=59)
    assert not window.blocked("x", now=61)  # the first failure left the window


def test_parallel_sign_ins_run_few_password_checks_at_once(registry, monkeypatch):
    make_user(registry, "operator", "POLSEK-CILEDUG", "budi")
    running, peak, lock = [0], [0], threading.Lock()
    real = auth._hasher

    def slow_verify(stored, password):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        try:
            time.sleep(0.05)
            return real.verify(stored, password)
        finally:
            with lock:
                running[0] -= 1

    class SlowHasher:  # argon2's PasswordHasher has slots; wrap it instead of patching a method
        def verify(self, stored, password):
            return slow_verify(stored, password)

        def check_needs_rehash(self, stored):
            return False

    monkeypatch.setattr(auth, "_hasher", SlowHasher())
    monkeypatch.setattr(throttle, "VERIFY_WAIT_SECONDS", 120)  # a loaded test machine must not turn this into "busy"
    results: list[str] = []
    threads = [threading.Thread(target=lambda i=i: results.append(
        _attempt(registry, "budi", PASSWORD, client=f"10.1.0.{i}"))) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert results == ["ok"] * 16
    assert 1 <= peak[0] <= throttle.MAX_CONCURRENT_VERIFICATIONS


def test_no_free_slot_is_a_busy_message_not_an_error(registry, monkeypatch):
    make_user(registry, "operator", "POLSEK-CILEDUG", "budi")
    monkeypatch.setattr(throttle, "VERIFY_WAIT_SECONDS", 0.01)
    monkeypatch.setattr(throttle, "_slots", threading.BoundedSemaphore(1))
    throttle._slots.acquire()  # someone else holds the only slot
    try:
        with pytest.raises(LoginRefused, match="sibuk"), session_scope(registry) as s:
            authenticate(s, "budi", PASSWORD, client="10.2.0.1")
    finally:
        throttle._slots.release()
