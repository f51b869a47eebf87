"""Secrets stay secret: the CLI never echoes a password, kiosk tokens are printed once and stored
hashed, refusals and logs carry no secret; the first admin for a fresh `make run`."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest
from sqlalchemy import select, text

from lib.auth import LoginRefused, authenticate, token_digest
from lib.config import ROOT
from lib.db import session_scope
from lib.models import AuditEntry, KioskToken, User
from lib.users import ensure_first_admin
from tests.helpers import PASSWORD, make_user


def cli(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = os.environ | {"PANTAU_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "lib.users", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=60)


def test_cli_adds_users_without_echoing_the_password(registry, database_url):
    secret = "sandi-dari-stdin-123"
    done = cli(database_url, "add", "Kapolres.Tangkot", "--role", "pimpinan", "--unit",
               "POLRES-METRO-TANGERANG-KOTA", "--password-stdin", stdin=secret + "\n")
    assert done.returncode == 0, done.stderr
    assert secret not in done.stdout + done.stderr
    with session_scope(registry) as s:
        assert authenticate(s, "kapolres.tangkot", secret).role == "pimpinan"
    bad = cli(database_url, "add", "operator1", "--role", "operator", "--password-stdin", stdin="pendek\n")
    assert bad.returncode == 1 and "minimal" in bad.stderr and "pendek" not in bad.stdout + bad.stderr


def test_cli_kiosk_token_printed_once_and_stored_hashed(registry, database_url):
    done = cli(database_url, "kiosk", "POLSEK-CILEDUG", "--label", "Layar Ciledug")
    assert done.returncode == 0, done.stderr
    raw = done.stdout.split("?kiosk=")[1].split()[0]
    with session_scope(registry) as s:
        assert s.scalar(select(KioskToken.token_hash)) == token_digest(raw)
        everything = str(s.execute(text("SELECT * FROM kiosk_tokens")).all())
        everything += str(s.execute(text("SELECT * FROM audit_log")).all())
    assert raw not in everything
    listing = cli(database_url, "list")
    assert listing.returncode == 0 and raw not in listing.stdout


def test_no_password_in_logs_or_exceptions(registry, caplog):
    make_user(registry, "operator", "POLSEK-CILEDUG", "budi")
    caplog.set_level(logging.DEBUG)
    with pytest.raises(LoginRefused) as err, session_scope(registry) as s:
        authenticate(s, "budi", "tebakan-rahasia-1")
    with session_scope(registry) as s:
        principal = authenticate(s, "budi", PASSWORD)
        audit = str(s.execute(select(AuditEntry.actor, AuditEntry.note, AuditEntry.to_value)).all())
    for secret in ("tebakan-rahasia-1", PASSWORD):
        assert secret not in caplog.text and secret not in str(err.value) and secret not in repr(err.value)
        assert secret not in repr(principal) and secret not in audit


def test_first_admin_for_a_fresh_install(registry):
    with session_scope(registry) as s:
        username, generated = ensure_first_admin(s, None)
    assert username == "admin" and generated and len(generated) >= 16
    with session_scope(registry) as s:
        assert authenticate(s, "admin", generated).is_admin
        assert ensure_first_admin(s, "ignored-because-users-exist") is None
        assert s.scalar(select(User.password_hash)).startswith("$argon2id$")


def test_seed_uses_the_admin_password_from_the_environment(registry, database_url):
    env = os.environ | {"PANTAU_DATABASE_URL": database_url, "PANTAU_DEMO_SOURCE": "0",
                        "PANTAU_ADMIN_PASSWORD": "sandi-admin-dari-env"}
    done = subprocess.run([sys.executable, "-m", "lib.seed"], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Admin pertama dibuat" in done.stdout and "sandi-admin-dari-env" not in done.stdout
    with session_scope(registry) as s:
        assert authenticate(s, "admin", "sandi-admin-dari-env").is_admin
