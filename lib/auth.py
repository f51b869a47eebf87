"""Who is asking: a `Principal` (a signed-in user or a wall display's kiosk token) and what it may do.

Every write in `lib/` that a person can trigger takes the principal as its actor and refuses
what the role or the scope does not allow; the UI only hides what is refused here anyway.

Roles:
- admin     national scope; everything, including users, kiosk tokens, registry and settings;
- pimpinan  Kapolda / Kapolres / Kapolsek: reads the unit's subtree, may change status there;
- operator  a unit's Humas admin: works the inbox of the unit's subtree;
- wall      a kiosk token: read-only overview of one subtree, no free-text search.

A refusal is written to the audit log (outcome "denied") and committed at once, then raised, so
the refusal is on record even though the caller's unit of work fails.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from lib import audit, throttle
from lib.models import KioskToken, Unit, User, utcnow
from lib.scope import NATIONAL, OutOfScope, Scope

ADMIN, PIMPINAN, OPERATOR, WALL = "admin", "pimpinan", "operator", "wall"
ROLE_LABELS = {ADMIN: "Admin", PIMPINAN: "Pimpinan", OPERATOR: "Operator", WALL: "Layar dinding"}

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
KIOSK_TOUCH_EVERY = timedelta(minutes=5)  # last_used_at is informative; don't write on every refresh

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the username is unknown, so a miss costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class Denied(PermissionError):
    """The principal's role does not allow this action (the message is for the user)."""


class LoginRefused(PermissionError):
    """Signing in failed; the message is for the user and never says which half was wrong."""


@dataclass(frozen=True)
class Principal:
    """Who is acting. `name` is what the audit log records; it never contains a secret."""

    kind: str  # "user" | "kiosk"
    id: int
    name: str
    display_name: str
    role: str
    unit_id: int | None
    scope: Scope
    epoch: int = 0

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def is_wall(self) -> bool:
        return self.role == WALL

    @property
    def can_change_status(self) -> bool:
        return self.role in (ADMIN, PIMPINAN, OPERATOR)

    @property
    def can_search(self) -> bool:
        return self.role != WALL

    def may_open(self, page: str) -> bool:
        """Pages by name: "ringkasan" for everyone; "admin" for admins; the rest for people only."""
        if page == "ringkasan":
            return True
        if page == "admin":
            return self.is_admin
        return self.role != WALL

    def __str__(self) -> str:
        return self.name


def actor_name(actor: Principal | str) -> str:
    return actor.name if isinstance(actor, Principal) else actor


# --- refusals -------------------------------------------------------------------------------

def deny(session: Session, actor: Principal | str, entity: str, entity_id: int | None, action: str,
         reason: str, exc: type[PermissionError] = Denied, to_value: str | None = None) -> PermissionError:
    """Record the refusal durably (commit now), and return the exception for the caller to raise."""
    audit.record(session, actor=actor_name(actor), entity=entity, entity_id=entity_id, action=action,
                 to_value=to_value, note=reason, outcome="denied")
    session.commit()
    return exc(reason)


def require_admin(session: Session, actor: Principal | str, entity: str, action: str,
                  entity_id: int | None = None) -> None:
    """Admin-only actions (users, kiosk tokens, registry, settings). Plain strings are system actors
    (the CLI, seeding, the sync worker) and are trusted: they never come from a browser."""
    if isinstance(actor, Principal) and not actor.is_admin:
        raise deny(session, actor, entity, entity_id, action, "Hanya admin yang boleh melakukan ini.")


def require_write(session: Session, actor: Principal | str, scope: Scope, entity: str,
                  entity_id: int | None, action: str, to_value: str | None = None) -> None:
    """A data change (status, manual input, import) needs a role that writes and a scope inside the
    principal's own scope."""
    if not isinstance(actor, Principal):
        return
    if not actor.can_change_status:
        raise deny(session, actor, entity, entity_id, action, "Peran Anda hanya boleh melihat, tidak mengubah.",
                   to_value=to_value)
    if not actor.scope.contains_path(scope.path_prefix):
        raise deny(session, actor, entity, entity_id, action, "Cakupan di luar unit Anda.", OutOfScope,
                   to_value=to_value)


def require_status_write(session: Session, actor: Principal | str, scope: Scope, entity: str,
                         entity_id: int | None, to_value: str | None = None) -> None:
    require_write(session, actor, scope, entity, entity_id, "status", to_value)


def check_target_unit(session: Session, actor: Principal | str, scope: Scope, unit_id: int, entity: str,
                      entity_id: int | None, action: str, to_value: str | None = None) -> None:
    """The item's unit must lie inside both the requested scope and the principal's scope."""
    unit = session.get(Unit, unit_id)
    inside = unit is not None and scope.contains_path(unit.path)
    if inside and isinstance(actor, Principal):
        inside = actor.scope.contains_path(unit.path)
    if not inside:
        raise deny(session, actor, entity, entity_id, action, "Data ini di luar cakupan unit Anda.", OutOfScope,
                   to_value=to_value)


# --- passwords and local sign-in ---------------------------------------------------------------

def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant-cost check (a dummy hash when there is none), at most a few at once (lib/throttle.py)."""
    with throttle.verification_slot():
        try:
            return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def scope_of(session: Session, role: str, unit_id: int | None) -> Scope:
    if role == ADMIN or unit_id is None:
        if role != ADMIN:
            raise Denied("Pengguna ini belum punya unit; hubungi admin.")
        return NATIONAL
    return NATIONAL.narrow(session, unit_id)


def principal_for_user(session: Session, user: User) -> Principal:
    return Principal("user", user.id, user.username, user.display_name, user.role, user.unit_id,
                     scope_of(session, user.role, user.unit_id), user.session_epoch)


LOGIN_FAILED = ("Nama pengguna atau kata sandi salah, atau akun dikunci sementara setelah terlalu banyak "
                "percobaan. Coba lagi nanti atau hubungi admin.")
LOGIN_THROTTLED = "Terlalu banyak percobaan masuk. Tunggu beberapa menit lalu coba lagi."
LOGIN_BUSY = "Server sedang sibuk memeriksa kata sandi lain. Coba lagi sebentar lagi."


def authenticate(session: Session, username: str, password: str, now: datetime | None = None,
                 client: str | None = None) -> Principal:
    """Check a local password with lockout after repeated failures; every attempt is audited.

    Unknown, inactive and locked accounts get the same message and cost the same time, so the
    answer does not tell which usernames exist. Failures are also limited per username and per
    client address (`client`), and only a few checks run at once (lib/throttle.py).
    The attempted username is not logged when it is unknown: people type passwords into it.
    """
    now = now or utcnow()
    key = username.strip().lower()
    client_key = client or "?"
    if throttle.by_username.blocked(key) or throttle.by_client.blocked(client_key):
        raise _login_failed(session, None, "dibatasi: terlalu banyak percobaan", LOGIN_THROTTLED)
    try:
        principal = _check_password(session, key, password, now)
        throttle.by_username.forget(key)  # the owner got in: earlier typos no longer count against him
        return principal
    except throttle.Busy:
        raise _login_failed(session, None, "server sibuk", LOGIN_BUSY) from None
    except LoginRefused:
        throttle.by_username.fail(key)
        throttle.by_client.fail(client_key)
        raise


def _check_password(session: Session, username: str, password: str, now: datetime) -> Principal:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        verify_password(None, password)
        raise _login_failed(session, None, "nama pengguna tidak dikenal")
    if not user.active:
        verify_password(None, password)
        raise _login_failed(session, user, "akun nonaktif")
    if user.locked_until is not None and user.locked_until > now:
        verify_password(None, password)
        raise _login_failed(session, user, "akun terkunci")
    if not verify_password(user.password_hash, password):
        session.execute(update(User).where(User.id == user.id)
                        .values(failed_attempts=User.failed_attempts + 1))
        attempts = session.scalar(select(User.failed_attempts).where(User.id == user.id)) or 0
        if attempts >= MAX_FAILED_ATTEMPTS:
            session.execute(update(User).where(User.id == user.id).values(locked_until=now + LOCKOUT))
            audit.record(session, actor="sistem", entity="user", entity_id=user.id, action="lock",
                         to_value=f"terkunci {int(LOCKOUT.total_seconds() // 60)} menit",
                         note=f"{attempts} percobaan gagal")
        raise _login_failed(session, user, "kata sandi salah")
    if _hasher.check_needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    user.failed_attempts, user.locked_until, user.last_login_at = 0, None, now
    audit.record(session, actor=user.username, entity="user", entity_id=user.id, action="login")
    session.flush()
    return principal_for_user(session, user)


def _login_failed(session: Session, user: User | None, why: str, message: str = LOGIN_FAILED) -> LoginRefused:
    audit.record(session, actor=user.username if user else "anonim", entity="user",
                 entity_id=user.id if user else None, action="login", note=why, outcome="denied")
    session.commit()
    return LoginRefused(message)


def reload_principal(session: Session, kind: str, ident: int, epoch: int) -> Principal | None:
    """Rebuild a signed-in user's principal on every page run: deactivation, a role or unit change
    and a password reset take effect at the next refresh. None: the session is no longer valid."""
    if kind != "user":
        return None
    user = session.get(User, ident, populate_existing=True)
    if user is None or not user.active or user.session_epoch != epoch:
        return None
    try:
        return principal_for_user(session, user)
    except PermissionError:
        return None


# --- OIDC (st.login) --------------------------------------------------------------------------

def principal_for_email(session: Session, email: str | None, email_verified: bool | None = None) -> Principal:
    """Map an identity from the OIDC provider to a local user row (which gives role and unit)."""
    if not email:
        raise LoginRefused("Penyedia identitas tidak mengirim alamat email.")
    if email_verified is False:
        raise LoginRefused("Alamat email Anda belum terverifikasi di penyedia identitas.")
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active:
        audit.record(session, actor="anonim", entity="user", entity_id=user.id if user else None, action="login",
                     note="SSO: email tidak terdaftar atau nonaktif", outcome="denied")
        session.commit()
        raise LoginRefused("Akun Anda belum terdaftar atau dinonaktifkan di Pantau. Hubungi admin untuk "
                           "didaftarkan dengan peran dan unit.")
    return principal_for_user(session, user)


# --- kiosk tokens -----------------------------------------------------------------------------

def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def new_kiosk_secret() -> tuple[str, str]:
    """A fresh token and its digest; only the digest is stored, the token is shown once."""
    raw = secrets.token_urlsafe(32)
    return raw, token_digest(raw)


def principal_for_kiosk(session: Session, raw: str | None, now: datetime | None = None) -> Principal | None:
    """The wall principal of a live token, or None (unknown, revoked, or its unit inactive).
    Called on every refresh, so a revocation takes effect at the next one."""
    if not raw:
        return None
    if len(raw) > 200:
        return _kiosk_refused(session, None, "token tidak dikenal")
    now = now or utcnow()
    digest = token_digest(raw)
    token = session.scalar(select(KioskToken).where(KioskToken.token_hash == digest))
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return _kiosk_refused(session, None, "token tidak dikenal")
    if token.revoked_at is not None:
        return _kiosk_refused(session, token.id, "token sudah dicabut")
    unit = session.get(Unit, token.unit_id)
    if unit is None or not unit.active:
        return _kiosk_refused(session, token.id, "unit token tidak aktif")
    if token.last_used_at is None or now - token.last_used_at > KIOSK_TOUCH_EVERY:
        token.last_used_at = now
    return Principal("kiosk", token.id, f"kiosk#{token.id}", token.label, WALL, unit.id,
                     Scope(unit.path, unit.name, unit.id))


def _kiosk_refused(session: Session, token_id: int | None, why: str) -> None:
    """Audit a refused wall token (never the token itself) and commit, like every refusal."""
    audit.record(session, actor="anonim", entity="kiosk", entity_id=token_id, action="open", note=why,
                 outcome="denied")
    session.commit()
    return None


def kiosk_still_valid(session: Session, principal: Principal) -> bool:
    if principal.kind != "kiosk":
        return True
    token = session.get(KioskToken, principal.id, populate_existing=True)
    return token is not None and token.revoked_at is None


def oidc_provider(auth_section: dict) -> tuple[bool, str | None]:
    """(configured, provider) from secrets.toml's `[auth]`, in the shape `st.login` reads:
    a single provider directly in `[auth]` (provider None) or named ones in `[auth.<name>]`."""
    if not auth_section.get("redirect_uri") or not auth_section.get("cookie_secret"):
        return False, None
    if auth_section.get("client_id"):
        return True, None
    named = sorted(k for k, v in auth_section.items() if isinstance(v, dict) and v.get("client_id"))
    return (True, named[0]) if named else (False, None)
