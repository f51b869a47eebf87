"""Users and kiosk tokens: admin-only changes, each audited, and the command line.

    python -m lib.users add USERNAME --role admin|pimpinan|operator [--unit CODE] [--name NAME]
                            [--email EMAIL] [--password-stdin]
    python -m lib.users kiosk UNIT_CODE [--label LABEL]
    python -m lib.users revoke-kiosk TOKEN_ID
    python -m lib.users list

`add` asks for the password twice on the terminal (or reads one line from stdin with
`--password-stdin`) and never prints it; `kiosk` prints the new token once, it is not stored.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import secrets
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lib import audit, throttle
from lib.auth import ADMIN, ROLE_LABELS, Principal, actor_name, hash_password, new_kiosk_secret, require_admin
from lib.models import ROLES, AuditEntry, KioskToken, Unit, User, utcnow

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
MIN_PASSWORD = 10


class UserError(ValueError):
    """Invalid input for a user or token change; the message is for the user."""


@dataclass(frozen=True)
class NewKiosk:
    id: int
    token: str  # shown once, never stored
    label: str
    unit_name: str


def _unit(session: Session, unit_id: int | None = None, code: str | None = None) -> Unit | None:
    if code:
        unit = session.scalar(select(Unit).where(Unit.code == code.strip().upper()))
        if unit is None:
            raise UserError(f"Kode unit tidak dikenal: {code!r}.")
        return unit
    if unit_id is None:
        return None
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise UserError("Unit tidak dikenal.")
    return unit


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"Kata sandi minimal {MIN_PASSWORD} karakter.")


def _check_role_unit(role: str, unit: Unit | None) -> None:
    if role not in ROLES:
        raise UserError(f"Peran tidak dikenal: {role!r} (pilih {', '.join(ROLES)}).")
    if role != ADMIN and unit is None:
        raise UserError("Pimpinan dan operator harus punya unit.")


def create_user(session: Session, actor: Principal | str, username: str, role: str, *,
                password: str | None = None, display_name: str | None = None, unit_id: int | None = None,
                unit_code: str | None = None, email: str | None = None) -> User:
    require_admin(session, actor, "user", "create")
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise UserError("Nama pengguna 3–40 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung.")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UserError("Nama pengguna sudah dipakai.")
    email = (email or "").strip().lower() or None
    if email and session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise UserError("Email sudah dipakai pengguna lain.")
    if password is None and email is None:
        raise UserError("Isi kata sandi (masuk lokal) atau email (masuk SSO).")
    if password is not None:
        _check_password(password)
    unit = _unit(session, unit_id, unit_code)
    _check_role_unit(role, unit)
    user = User(username=username, display_name=(display_name or username).strip()[:100], email=email, role=role,
                unit_id=unit.id if unit else None, password_hash=hash_password(password) if password else None,
                failed_attempts=0, active=True, session_epoch=1, created_at=utcnow())
    session.add(user)
    session.flush()
    audit.record(session, actor=actor_name(actor), entity="user", entity_id=user.id, action="create",
                 to_value=_describe(role, unit, email))
    return user


def _describe(role: str, unit: Unit | None, email: str | None = None) -> str:
    text = f"{role} @ {unit.code if unit else 'nasional'}"
    return f"{text} · {email}" if email else text


def _get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id, populate_existing=True)
    if user is None:
        raise UserError("Pengguna tidak ditemukan.")
    return user


def update_user(session: Session, actor: Principal | str, user_id: int, *, role: str, unit_id: int | None,
                display_name: str, email: str | None) -> User:
    """Change role, unit, name or email; open sessions pick the change up at their next refresh."""
    require_admin(session, actor, "user", "update", user_id)
    user = _get_user(session, user_id)
    unit = _unit(session, unit_id)
    _check_role_unit(role, unit)
    email = (email or "").strip().lower() or None
    if email and session.scalar(select(User.id).where(func.lower(User.email) == email, User.id != user_id)):
        raise UserError("Email sudah dipakai pengguna lain.")
    if isinstance(actor, Principal) and actor.id == user_id and actor.kind == "user" and role != ADMIN:
        raise UserError("Anda tidak dapat mencabut peran admin Anda sendiri.")
    before = _describe(user.role, user.unit, user.email)
    user.role, user.unit_id, user.email = role, unit.id if unit else None, email
    user.display_name = display_name.strip()[:100] or user.username
    session.flush()
    session.refresh(user)
    audit.record(session, actor=actor_name(actor), entity="user", entity_id=user.id, action="update",
                 from_value=before, to_value=_describe(role, unit, email))
    return user


def reset_password(session: Session, actor: Principal | str, user_id: int, password: str) -> None:
    """Set a new password, clear the lockout and end the user's open sessions."""
    require_admin(session, actor, "user", "reset_password", user_id)
    _check_password(password)
    user = _get_user(session, user_id)
    user.password_hash = hash_password(password)
    user.failed_attempts, user.locked_until = 0, None
    user.session_epoch += 1
    audit.record(session, actor=actor_name(actor), entity="user", entity_id=user.id, action="reset_password",
                 note="kata sandi diganti; kunci dibuka; sesi lama diakhiri")


def change_own_password(session: Session, actor: Principal, current: str, new: str) -> int:
    """A signed-in user replaces his own password (the current one is checked); other sessions end.
    Returns the new session epoch for the session that made the change."""
    from lib.auth import verify_password

    if actor.kind != "user":
        raise UserError("Hanya pengguna yang dapat mengganti kata sandi.")
    user = _get_user(session, actor.id)
    try:
        matches = verify_password(user.password_hash, current)
    except RuntimeError:  # throttle.Busy: every password-check slot is taken
        raise UserError("Server sedang sibuk; coba lagi sebentar lagi.") from None
    if not matches:
        audit.record(session, actor=actor.name, entity="user", entity_id=user.id, action="change_password",
                     note="kata sandi lama salah", outcome="denied")
        session.commit()
        raise UserError("Kata sandi lama salah.")
    _check_password(new)
    user.password_hash = hash_password(new)
    user.session_epoch += 1
    audit.record(session, actor=actor.name, entity="user", entity_id=user.id, action="change_password")
    return user.session_epoch


def unlock(session: Session, actor: Principal | str, user_id: int) -> None:
    require_admin(session, actor, "user", "unlock", user_id)
    user = _get_user(session, user_id)
    user.failed_attempts, user.locked_until = 0, None
    throttle.by_username.forget(user.username)  # this process's sign-in limit for the name too
    audit.record(session, actor=actor_name(actor), entity="user", entity_id=user.id, action="unlock")


def set_active(session: Session, actor: Principal | str, user_id: int, active: bool) -> None:
    """Deactivate (ends open sessions at the next refresh) or reactivate a user."""
    require_admin(session, actor, "user", "activate" if active else "deactivate", user_id)
    user = _get_user(session, user_id)
    if not active and isinstance(actor, Principal) and actor.kind == "user" and actor.id == user_id:
        raise UserError("Anda tidak dapat menonaktifkan akun Anda sendiri.")
    before = user.active
    user.active = active
    if not active:
        user.session_epoch += 1
    audit.record(session, actor=actor_name(actor), entity="user", entity_id=user.id,
                 action="activate" if active else "deactivate", from_value=str(before), to_value=str(active))


def user_detail(session: Session, actor: Principal | str, user_id: int) -> dict:
    """The editable fields of one user, for the admin's form."""
    require_admin(session, actor, "user", "read", user_id)
    user = _get_user(session, user_id)
    return dict(role=user.role, unit_id=user.unit_id, display_name=user.display_name, email=user.email or "",
                active=user.active)


def list_users(session: Session, actor: Principal | str) -> pd.DataFrame:
    require_admin(session, actor, "user", "list")
    rows = session.execute(
        select(User, Unit.name).outerjoin(Unit, Unit.id == User.unit_id).order_by(User.username)
    ).all()
    now = utcnow()
    return pd.DataFrame(
        [dict(id=u.id, username=u.username, display_name=u.display_name, email=u.email,
              role=ROLE_LABELS.get(u.role, u.role), unit=unit_name or "Nasional", active=u.active,
              locked=bool(u.locked_until and u.locked_until > now), failed_attempts=u.failed_attempts,
              last_login_at=u.last_login_at, sso=u.password_hash is None) for u, unit_name in rows],
        columns=["id", "username", "display_name", "email", "role", "unit", "active", "locked", "failed_attempts",
                 "last_login_at", "sso"],
    )


def create_kiosk_token(session: Session, actor: Principal | str, label: str, *, unit_id: int | None = None,
                       unit_code: str | None = None) -> NewKiosk:
    require_admin(session, actor, "kiosk", "create")
    unit = _unit(session, unit_id, unit_code)
    if unit is None:
        raise UserError("Pilih unit untuk layar dinding.")
    label = label.strip()[:100] or f"Layar {unit.short_name}"
    raw, digest = new_kiosk_secret()
    token = KioskToken(token_hash=digest, label=label, unit_id=unit.id, created_by=actor_name(actor),
                       created_at=utcnow())
    session.add(token)
    session.flush()
    audit.record(session, actor=actor_name(actor), entity="kiosk", entity_id=token.id, action="create",
                 to_value=f"{label} @ {unit.code}")
    return NewKiosk(token.id, raw, label, unit.name)


def revoke_kiosk_token(session: Session, actor: Principal | str, token_id: int) -> None:
    require_admin(session, actor, "kiosk", "revoke", token_id)
    token = session.get(KioskToken, token_id, populate_existing=True)
    if token is None:
        raise UserError("Token tidak ditemukan.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    audit.record(session, actor=actor_name(actor), entity="kiosk", entity_id=token.id, action="revoke",
                 to_value=token.label)


def list_kiosk_tokens(session: Session, actor: Principal | str) -> pd.DataFrame:
    require_admin(session, actor, "kiosk", "list")
    rows = session.execute(
        select(KioskToken, Unit.name).join(Unit, Unit.id == KioskToken.unit_id).order_by(KioskToken.id.desc())
    ).all()
    return pd.DataFrame(
        [dict(id=t.id, label=t.label, unit=unit_name, created_by=t.created_by, created_at=t.created_at,
              last_used_at=t.last_used_at, revoked_at=t.revoked_at, active=t.revoked_at is None)
         for t, unit_name in rows],
        columns=["id", "label", "unit", "created_by", "created_at", "last_used_at", "revoked_at", "active"],
    )


def ensure_first_admin(session: Session, password: str | None = None) -> tuple[str, str | None] | None:
    """On an empty user table, create `admin`; returns (username, generated password or None)."""
    if session.scalar(select(func.count(User.id))):
        return None
    generated = None
    if not password:
        generated = password = secrets.token_urlsafe(12)
    create_user(session, "seed", "admin", ADMIN, password=password, display_name="Admin Pantau")
    return "admin", generated


# --- command line -----------------------------------------------------------------------------

def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Kata sandi: ")
    if getpass.getpass("Ulangi kata sandi: ") != first:
        raise UserError("Kedua kata sandi tidak sama.")
    return first


def _cli_actor() -> str:
    return f"cli:{getpass.getuser() if hasattr(os, 'getuid') else 'operator'}"


def main(argv: Sequence[str] | None = None) -> int:
    from lib.db import check_database, get_engine, session_scope

    parser = argparse.ArgumentParser(prog="python -m lib.users", description="Pengguna dan token layar Pantau")
    sub = parser.add_subparsers(dest="cmd", required=True)
    add = sub.add_parser("add", help="buat pengguna")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--unit", help="kode unit (wajib untuk pimpinan dan operator)")
    add.add_argument("--name", help="nama tampilan")
    add.add_argument("--email", help="email untuk masuk lewat SSO (OIDC)")
    add.add_argument("--password-stdin", action="store_true", help="baca kata sandi dari stdin (satu baris)")
    add.add_argument("--sso-only", action="store_true", help="tanpa kata sandi lokal (wajib --email)")
    kiosk = sub.add_parser("kiosk", help="buat token layar dinding untuk satu unit")
    kiosk.add_argument("unit")
    kiosk.add_argument("--label", default="")
    revoke = sub.add_parser("revoke-kiosk", help="cabut token layar dinding")
    revoke.add_argument("token_id", type=int)
    sub.add_parser("list", help="daftar pengguna dan token")
    args = parser.parse_args(argv)

    engine = get_engine()
    check_database(engine)
    try:
        with session_scope(engine) as s:
            if args.cmd == "add":
                password = None if args.sso_only else _read_password(args.password_stdin)
                user = create_user(s, _cli_actor(), args.username, args.role, password=password,
                                   display_name=args.name, unit_code=args.unit, email=args.email)
                print(f"Pengguna {user.username} ({user.role}) dibuat.")
            elif args.cmd == "kiosk":
                new = create_kiosk_token(s, _cli_actor(), args.label, unit_code=args.unit)
                print(f"Token layar #{new.id} untuk {new.unit_name} (ditampilkan sekali ini saja):")
                print(f"  ?kiosk={new.token}")
            elif args.cmd == "revoke-kiosk":
                revoke_kiosk_token(s, _cli_actor(), args.token_id)
                print(f"Token #{args.token_id} dicabut.")
            else:
                print(list_users(s, _cli_actor()).to_string(index=False))
                print(list_kiosk_tokens(s, _cli_actor()).to_string(index=False))
    except UserError as exc:
        print(f"galat: {exc}", file=sys.stderr)
        return 1
    return 0


def search_log(session: Session, viewer, *, entity: str | None = None, outcome: str | None = None,
               actor: str | None = None, since: datetime | None = None, until: datetime | None = None,
               limit: int = 1000) -> pd.DataFrame:
    """The newest entries matching the filters, for the admin's read-only viewer (admin only).
    Here rather than in `lib.audit`, which `lib.auth` records through (no import loop)."""
    require_admin(session, viewer, "audit", "read")
    q = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if entity:
        q = q.where(AuditEntry.entity == entity)
    if outcome:
        q = q.where(AuditEntry.outcome == outcome)
    if actor and actor.strip():
        q = q.where(AuditEntry.actor.contains(actor.strip().lower(), autoescape=True))
    if since:
        q = q.where(AuditEntry.at >= since)
    if until:
        q = q.where(AuditEntry.at < until)
    cols = ["at", "actor", "entity", "entity_id", "action", "from_value", "to_value", "note", "outcome"]
    frame = pd.DataFrame([{c: getattr(e, c) for c in cols} for e in session.scalars(q)], columns=cols)
    frame["entity_id"] = frame["entity_id"].astype("Int64")  # an id, not a float: no "3.0" and no "nan"
    return frame


if __name__ == "__main__":
    raise SystemExit(main())
