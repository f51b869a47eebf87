"""Password storage (argon2id, never in clear), sign-in, lockout after repeated failures, resets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from lib.auth import LOCKOUT, LOGIN_FAILED, MAX_FAILED_ATTEMPTS, LoginRefused, authenticate, reload_principal
from lib.db import session_scope
from lib.models import AuditEntry, User, utcnow
from lib.users import UserError, create_user, reset_password, set_active, unlock
from tests.helpers import PASSWORD, make_user


def test_password_is_stored_as_argon2id_only(registry):
    make_user(registry, "operator", "POLSEK-CILEDUG", "budi")
    with session_scope(registry) as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "budi"))
        dump = "\n".join(str(row) for row in s.execute(text("SELECT * FROM users")))
        dump += "\n".join(str(row) for row in s.execute(text("SELECT * FROM audit_log")))
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in dump


def test_same_password_gets_different_hashes(registry):
    make_user(registry, "operator", "POLSEK-CILEDUG", "satu")
    make_user(registry, "operator", "POLSEK-CILEDUG", "dua")
    with session_scope(registry) as s:
        hashes = set(s.scalars(select(User.password_hash)))
    assert len(hashes) == 2


def test_login_ok_and_refused_with_the_same_message(registry):
    make_user(registry, "operator", "POLSEK-CILEDUG", "budi")
    with session_scope(registry) as s:
        assert authenticate(s, " Budi ", PASSWORD).name == "budi"
    messages = []
    for username, password in (("budi", "salah-sekali"), ("tidakada", PASSWORD)):
        with pytest.raises(LoginRefused) as err, session_scope(registry) as s:
            authenticate(s, username, password)
        messages.append(str(err.value))
    assert messages[0] == messages[1] == LOGIN_FAILED
    with session_scope(registry) as s:
        rows = s.execute(select(AuditEntry.actor, AuditEntry.outcome, AuditEntry.note)
                         .where(AuditEntry.action == "login").order_by(AuditEntry.id)).all()
    assert [r.outcome for r in rows] == ["ok", "denied", "denied"]
    assert "tidakada" not in str(rows)  # an unknown username may be a mistyped password: never logged


def test_lockout_after_repeated_failures_and_admin_unlock(registry):
    make_user(registry, "operator", "POLSEK-CILEDUG", "budi")
    for _ in range(MAX_FAILED_ATTEMPTS):
        with pytest.raises(LoginRefused), session_scope(registry) as s:
            authenticate(s, "budi", "salah-sekali")
    with pytest.raises(LoginRefused) as locked, session_scope(registry) as s:
        authenticate(s, "budi", PASSWORD)  # even the right password, while locked
    assert str(locked.value) == LOGIN_FAILED  # the same words as an unknown user: no username oracle
    with session_scope(registry) as s:
        user = s.scalar(select(User).where(User.username == "budi"))
        assert user.locked_until > utcnow() + LOCKOUT - timedelta(minutes=1)
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "lock")) is not None
    # the lock expires by itself
    later = utcnow() + LOCKOUT + timedelta(seconds=1)
    with session_scope(registry) as s:
        assert authenticate(s, "budi", PASSWORD, now=later).name == "budi"
    # and an admin can lift it at once
    for _ in range(MAX_FAILED_ATTEMPTS):
        with pytest.raises(LoginRefused), session_scope(registry) as s:
            authenticate(s, "budi", "salah-sekali")
    admin = make_user(registry, "admin")
    with session_scope(registry) as s:
        unlock(s, admin, user.id)
    with session_scope(registry) as s:
        assert authenticate(s, "budi", PASSWORD).name == "budi"
        assert s.get(User, user.id).failed_attempts == 0


def test_failures_below_the_limit_are_forgotten_after_success(registry):
    make_user(registry, "operator", "POLSEK-CILEDUG", "budi")
    for _ in range(MAX_FAILED_ATTEMPTS - 1):
        with pytest.raises(LoginRefused), session_scope(registry) as s:
            authenticate(s, "budi", "salah-sekali")
    with session_scope(registry) as s:
        authenticate(s, "budi", PASSWORD)
    with pytest.raises(LoginRefused, match="salah"), session_scope(registry) as s:
        authenticate(s, "budi", "salah-sekali")


def test_reset_password_ends_open_sessions_and_deactivation_too(registry):
    p = make_user(registry, "operator", "POLSEK-CILEDUG", "budi")
    admin = make_user(registry, "admin")
    with session_scope(registry) as s:
        assert reload_principal(s, "user", p.id, p.epoch) is not None
        reset_password(s, admin, p.id, "sandi-baru-yang-panjang")
    with session_scope(registry) as s:
        assert reload_principal(s, "user", p.id, p.epoch) is None
        fresh = authenticate(s, "budi", "sandi-baru-yang-panjang")
        with pytest.raises(LoginRefused):
            authenticate(s, "budi", PASSWORD)
    with session_scope(registry) as s:
        set_active(s, admin, p.id, False)
    with session_scope(registry) as s:
        assert reload_principal(s, "user", fresh.id, fresh.epoch) is None
    with pytest.raises(LoginRefused), session_scope(registry) as s:
        authenticate(s, "budi", "sandi-baru-yang-panjang")


def test_password_and_username_rules(registry):
    with session_scope(registry) as s:
        with pytest.raises(UserError, match="minimal"):
            create_user(s, "test", "pendek", "admin", password="123")
        with pytest.raises(UserError, match="Nama pengguna"):
            create_user(s, "test", "<b>x</b>", "admin", password=PASSWORD)
        with pytest.raises(UserError, match="unit"):
            create_user(s, "test", "tanpa-unit", "operator", password=PASSWORD)


def test_user_changes_own_password(registry):
    from lib.users import change_own_password

    p = make_user(registry, "operator", "POLSEK-CILEDUG", "budi")
    with pytest.raises(UserError, match="lama salah"), session_scope(registry) as s:
        change_own_password(s, p, "bukan-yang-lama", "sandi-baru-panjang-1")
    with session_scope(registry) as s:
        epoch = change_own_password(s, p, PASSWORD, "sandi-baru-panjang-1")
    with session_scope(registry) as s:
        assert reload_principal(s, "user", p.id, p.epoch) is None  # other sessions end
        assert reload_principal(s, "user", p.id, epoch) is not None  # this one continues
        assert authenticate(s, "budi", "sandi-baru-panjang-1").name == "budi"
        outcomes = [o for o, in s.execute(select(AuditEntry.outcome).where(AuditEntry.action == "change_password")
                                          .order_by(AuditEntry.id))]
    assert outcomes == ["denied", "ok"]
