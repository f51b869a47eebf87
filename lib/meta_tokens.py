"""Facebook Page access tokens, one per unit: encrypted at rest, never shown again, expiry tracked.

A token is Fernet-encrypted (AES-128-CBC + HMAC-SHA256, `cryptography`) with the key in
`PANTAU_META_TOKEN_KEY` (or `meta_token_key` in secrets.toml); without the key nothing can be
stored or read. The plain token leaves this module only towards the Graph API client. Setting or
removing a token is audited (without the token). Bulk set-up from the command line:

    python -m lib.meta_tokens generate-key
    python -m lib.meta_tokens set POLRES-METRO-TANGERANG-KOTA --expires 2027-02-01 < token.txt
    python -m lib.meta_tokens import tokens.csv      # unit_code,token[,expires_at]
    python -m lib.meta_tokens list
    python -m lib.meta_tokens remove UNIT_CODE
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select
from sqlalchemy.orm import Session

from lib import audit
from lib.config import setting
from lib.models import Account, MetaToken, Unit, utcnow
from lib.scope import NATIONAL, OutOfScope, Scope

KEY_SETTING = "meta_token_key"
KEY_ENV = "PANTAU_META_TOKEN_KEY"
WARN_BEFORE = timedelta(days=14)
META_PLATFORMS = ("instagram", "facebook")

# Token states shown on the Sumber Data page.
ACTIVE, EXPIRING, EXPIRED, REFUSED = "aktif", "segera kedaluwarsa", "kedaluwarsa", "ditolak Meta"


class TokenError(Exception):
    """A token could not be stored or read; the message is Indonesian and never contains the token."""


def _fernet() -> Fernet:
    key = setting(KEY_SETTING)
    if not key:
        raise TokenError(f"Kunci enkripsi token Meta belum dipasang: setel {KEY_ENV} atau {KEY_SETTING} "
                         "di .streamlit/secrets.toml (buat dengan `python -m lib.meta_tokens generate-key`)")
    try:
        return Fernet(key.encode())
    except (ValueError, TypeError):
        raise TokenError(f"{KEY_ENV} bukan kunci Fernet yang sah (32 bita, base64 url-safe)") from None


def key_configured() -> bool:
    return bool(setting(KEY_SETTING))


def _clean(token: str) -> str:
    token = (token or "").strip()
    if len(token) < 20 or any(ch.isspace() for ch in token):
        raise TokenError("Token tidak sah: tempelkan token akses halaman Facebook lengkap (satu baris)")
    return token


def set_token(session: Session, unit_id: int, token: str, actor: str, expires_at: datetime | None = None,
              scope: Scope = NATIONAL) -> MetaToken:
    """Store (or replace) a unit's token, encrypted; clears a previous refusal. The caller commits."""
    ciphertext = _fernet().encrypt(_clean(token).encode()).decode()
    try:
        scope.check_unit(session, unit_id)
    except OutOfScope:
        raise TokenError("Satuan tidak ditemukan atau di luar cakupan Anda") from None
    row = session.scalar(select(MetaToken).where(MetaToken.unit_id == unit_id))
    action = "meta_token_replace" if row is not None else "meta_token_set"
    if row is None:
        row = MetaToken(unit_id=unit_id, ciphertext=ciphertext, set_by=str(actor))
        session.add(row)
    row.ciphertext, row.set_by, row.set_at, row.expires_at = ciphertext, str(actor), utcnow(), expires_at
    row.invalid_at = row.last_error = row.last_ok_at = None
    audit.record(session, actor=str(actor), entity="unit", entity_id=unit_id, action=action,
                 to_value=f"kedaluwarsa {expires_at:%Y-%m-%d}" if expires_at else "tanpa tanggal kedaluwarsa")
    session.flush()
    return row


def remove_token(session: Session, unit_id: int, actor: str) -> bool:
    row = session.scalar(select(MetaToken).where(MetaToken.unit_id == unit_id))
    if row is None:
        return False
    session.delete(row)
    audit.record(session, actor=str(actor), entity="unit", entity_id=unit_id, action="meta_token_remove")
    return True


def token_for(session: Session, unit_id: int) -> str | None:
    """The plain token for the Graph API client; None when absent or refused by Meta."""
    row = session.scalar(select(MetaToken).where(MetaToken.unit_id == unit_id))
    if row is None or row.invalid_at is not None:
        return None
    try:
        return _fernet().decrypt(row.ciphertext.encode()).decode()
    except InvalidToken:
        raise TokenError("Token Meta tersimpan tidak dapat dibuka: kunci enkripsi berubah? Pasang ulang "
                         "token satuan ini") from None


def has_usable_token(session: Session, unit_id: int) -> bool:
    row = session.execute(select(MetaToken.id, MetaToken.invalid_at).where(MetaToken.unit_id == unit_id)).first()
    return row is not None and row.invalid_at is None


def mark_ok(session: Session, unit_id: int, now: datetime | None = None) -> None:
    row = session.scalar(select(MetaToken).where(MetaToken.unit_id == unit_id))
    if row is not None:
        row.last_ok_at, row.last_error = now or utcnow(), None


def mark_refused(session: Session, unit_id: int, message: str, now: datetime | None = None) -> None:
    """Meta refused the token (code 190): stop using it until an admin enters a new one."""
    row = session.scalar(select(MetaToken).where(MetaToken.unit_id == unit_id))
    if row is not None:
        row.invalid_at, row.last_error = now or utcnow(), message


def state_of(row: MetaToken, now: datetime) -> str:
    if row.invalid_at is not None:
        return REFUSED
    if row.expires_at is not None and row.expires_at <= now:
        return EXPIRED
    if row.expires_at is not None and row.expires_at - now <= WARN_BEFORE:
        return EXPIRING
    return ACTIVE


STATUS_COLUMNS = ["unit_id", "unit", "code", "accounts", "state", "expires_at", "set_at", "set_by", "last_ok_at",
                  "last_error"]


def token_status(session: Session, scope: Scope, now: datetime | None = None) -> pd.DataFrame:
    """One row per unit in scope that has an Instagram or Facebook account or a token (never the token)."""
    now = now or utcnow()
    handles: dict[int, list[str]] = {}
    for unit_id, platform, handle in session.execute(
        select(Account.unit_id, Account.platform, Account.handle).join(Unit, Unit.id == Account.unit_id)
        .where(Account.active, Account.platform.in_(META_PLATFORMS), scope.unit_clause())
        .order_by(Account.platform, Account.handle)
    ):
        handles.setdefault(unit_id, []).append(f"{'IG' if platform == 'instagram' else 'FB'} {handle}")
    tokens = {t.unit_id: t for t in session.scalars(
        select(MetaToken).join(Unit, Unit.id == MetaToken.unit_id).where(scope.unit_clause()))}
    units = session.execute(select(Unit.id, Unit.name, Unit.code).where(Unit.id.in_(set(handles) | set(tokens)))
                            .order_by(Unit.path)).all()
    rows = []
    for unit_id, name, code in units:
        t = tokens.get(unit_id)
        rows.append(dict(unit_id=unit_id, unit=name, code=code, accounts=", ".join(handles.get(unit_id, [])),
                         state=state_of(t, now) if t else "belum ada token",
                         expires_at=t.expires_at if t else None, set_at=t.set_at if t else None,
                         set_by=t.set_by if t else None, last_ok_at=t.last_ok_at if t else None,
                         last_error=t.last_error if t else None))
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)


@dataclass(frozen=True)
class ExpiryWarning:
    unit: str
    state: str
    expires_at: datetime | None


def warnings(session: Session, scope: Scope, now: datetime | None = None) -> list[ExpiryWarning]:
    """Tokens expired, expiring within `WARN_BEFORE`, or refused by Meta (for the Sumber Data page)."""
    now = now or utcnow()
    out = []
    for row, name in session.execute(select(MetaToken, Unit.name).join(Unit, Unit.id == MetaToken.unit_id)
                                     .where(scope.unit_clause()).order_by(Unit.path)):
        state = state_of(row, now)
        if state != ACTIVE:
            out.append(ExpiryWarning(name, state, row.expires_at))
    return out


def parse_expiry(raw: str | None) -> datetime | None:
    """"2027-02-01" (end of that day UTC) or an ISO time; empty → None."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            return datetime(day.year, day.month, day.day, 23, 59, tzinfo=UTC)
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise TokenError(f"Tanggal kedaluwarsa {raw!r} tidak sah: pakai YYYY-MM-DD") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def unit_by_code(session: Session, code: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.code == code.strip()))
    if unit is None:
        raise TokenError(f"Kode satuan {code!r} tidak dikenal")
    return unit


def import_csv(session: Session, path: Path, actor: str) -> int:
    """`unit_code,token[,expires_at]` per line; all or nothing, errors name the line (never the token)."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    problems = []
    for n, row in enumerate(rows, start=2):
        try:
            unit = unit_by_code(session, row.get("unit_code") or "")
            set_token(session, unit.id, row.get("token") or "", actor, parse_expiry(row.get("expires_at")))
        except TokenError as exc:
            problems.append(f"baris {n}: {exc}")
    if problems:
        session.rollback()
        raise TokenError("; ".join(problems))
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    from lib.db import get_engine, session_scope

    parser = argparse.ArgumentParser(prog="python -m lib.meta_tokens", description="Token halaman Meta per satuan.")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("generate-key", help="buat kunci enkripsi baru (simpan sebagai PANTAU_META_TOKEN_KEY)")
    p_set = sub.add_parser("set", help="pasang token satu satuan (token dibaca dari stdin)")
    p_set.add_argument("unit_code")
    p_set.add_argument("--expires", help="tanggal kedaluwarsa YYYY-MM-DD (kosong: tidak kedaluwarsa)")
    p_imp = sub.add_parser("import", help="pasang banyak token dari CSV unit_code,token[,expires_at]")
    p_imp.add_argument("path", type=Path)
    p_rm = sub.add_parser("remove", help="hapus token satu satuan")
    p_rm.add_argument("unit_code")
    sub.add_parser("list", help="status token (tanpa token)")
    args = parser.parse_args(argv)
    if args.cmd == "generate-key":
        print(Fernet.generate_key().decode())
        return 0
    actor = "cli"
    try:
        with session_scope(get_engine()) as s:
            if args.cmd == "set":
                unit = unit_by_code(s, args.unit_code)
                set_token(s, unit.id, sys.stdin.readline(), actor, parse_expiry(args.expires))
                print(f"Token untuk {unit.name} tersimpan (terenkripsi).")
            elif args.cmd == "import":
                print(f"{import_csv(s, args.path, actor)} token tersimpan (terenkripsi).")
            elif args.cmd == "remove":
                unit = unit_by_code(s, args.unit_code)
                print("Token dihapus." if remove_token(s, unit.id, actor) else "Satuan ini tidak punya token.")
            else:
                frame = token_status(s, NATIONAL)
                for r in frame.itertuples():
                    expires = f"{r.expires_at:%Y-%m-%d}" if pd.notna(r.expires_at) else "-"
                    print(f"{r.code}\t{r.state}\tkedaluwarsa {expires}\t{r.accounts}")
    except (TokenError, OSError) as exc:
        print(f"Gagal: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
