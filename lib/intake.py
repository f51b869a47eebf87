"""Intake: mentions from outside the APIs (an audited write service, not a source): a CSV file export, or one typed in by an admin (WhatsApp, LINE,
phone, walk-in, Instagram/Facebook without API access).

Imports are all-or-nothing: every row is checked first and one bad row rejects the whole file, with
each problem named by line in Bahasa Indonesia.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib import audit, issues
from lib.auth import Principal, deny, require_write
from lib.ingest import ChannelTarget, store_mentions
from lib.models import PLATFORMS, Account, Unit, utcnow
from lib.scope import Scope
from lib.sources.base import MentionRecord

REQUIRED = ("unit_code", "platform", "text", "created_at")
OPTIONAL = ("author", "url", "external_id")
MAX_TEXT = 10_000
MAX_ROWS = 50_000


@dataclass
class ImportResult:
    ok: bool
    new: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)


def _parse_time(raw: str, tz: str) -> datetime:
    """ISO 8601; a time without offset is read in the unit's own zone."""
    value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(tz))


def _external_id(platform: str, unit_code: str, author: str, text: str, at: datetime) -> str:
    """A stable id for rows without one, so importing the same file twice adds nothing."""
    digest = hashlib.sha256(f"{platform}|{unit_code}|{author}|{text}|{at.isoformat()}".encode()).hexdigest()
    return f"file-{digest[:24]}"


def _target(session: Session, unit: Unit, platform: str) -> ChannelTarget:
    acc_id = session.scalar(select(Account.id).where(Account.unit_id == unit.id, Account.platform == platform,
                                                     Account.active).order_by(Account.id).limit(1))
    return ChannelTarget(platform=platform, unit_id=unit.id, id=acc_id)


def import_csv(session: Session, scope: Scope, data: bytes, actor: Principal | str,
               filename: str = "berkas") -> ImportResult:
    """Check every row, then store all of them in the caller's transaction — or none."""
    require_write(session, actor, scope, "import", None, "impor berkas")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ImportResult(False, errors=["Berkas bukan teks UTF-8. Simpan ulang sebagai CSV UTF-8."])
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        return ImportResult(False, errors=[f"Kolom wajib tidak ada: {', '.join(missing)}. "
                                           f"Kolom yang diharapkan: {', '.join(REQUIRED + OPTIONAL)}."])
    units = {u.code: u for u in session.scalars(select(Unit))}
    errors: list[str] = []
    outside: list[str] = []  # refused rows are audited once per file, like any refused write
    grouped: dict[tuple[str, str], list[MentionRecord]] = {}
    rows = enumerate(reader, start=2)
    line = 1
    while True:
        try:
            line, row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. a field over the csv module's 131,072-character limit
            errors.append(f"Baris {line + 1}: format CSV rusak atau kolom terlalu panjang "
                          f"(maksimum {MAX_TEXT} karakter per teks)." if "field larger" in str(exc) else
                          f"Baris {line + 1}: format CSV rusak.")
            break
        if line - 1 > MAX_ROWS:
            errors.append(f"Terlalu banyak baris (maksimum {MAX_ROWS}). Pecah berkas menjadi beberapa bagian.")
            break
        unit = units.get((row.get("unit_code") or "").strip())
        platform = (row.get("platform") or "").strip().lower()
        body = (row.get("text") or "").strip()
        problems = []
        if unit is None:
            problems.append(f"kode unit {row.get('unit_code')!r} tidak dikenal")
        elif not scope.contains_path(unit.path):
            problems.append(f"unit {unit.code} di luar cakupan Anda")
            outside.append(unit.code)
        if platform not in PLATFORMS:
            problems.append(f"platform {row.get('platform')!r} tidak dikenal ({', '.join(PLATFORMS)})")
        if not body:
            problems.append("teks kosong")
        elif len(body) > MAX_TEXT:
            problems.append(f"teks lebih dari {MAX_TEXT} karakter")
        created = None
        try:
            created = _parse_time(row.get("created_at") or "", unit.timezone if unit else "Asia/Jakarta")
            if created > utcnow():
                problems.append("waktu di masa depan")
        except ValueError:
            problems.append(f"waktu {row.get('created_at')!r} bukan format ISO (contoh 2026-11-26 14:05)")
        if problems:
            errors.append(f"Baris {line}: " + "; ".join(problems))
            continue
        author = (row.get("author") or "").strip() or None
        ext = (row.get("external_id") or "").strip() or _external_id(platform, unit.code, author or "", body, created)
        grouped.setdefault((unit.code, platform), []).append(MentionRecord(
            external_id=ext, text=body, created_at=created, author_handle=author, url=(row.get("url") or None)))
    if outside:
        deny(session, actor, "import", None, "impor berkas",
             f"{len(outside)} baris untuk unit di luar cakupan: {', '.join(sorted(set(outside)))[:300]}",
             to_value=filename[:200])
    if errors:
        return ImportResult(False, errors=errors)
    if not grouped:
        return ImportResult(False, errors=["Berkas tidak berisi baris data."])
    result = ImportResult(True)
    for (code, platform), records in grouped.items():
        new, dupes = store_mentions(session, _target(session, units[code], platform), records)
        result.new += new
        result.duplicates += dupes
    issues.regroup(session)
    audit.record(session, actor=actor, entity="import", entity_id=None, action="impor berkas",
                 to_value=f"{result.new} baru, {result.duplicates} duplikat", note=filename[:200])
    return result


def add_manual(session: Session, scope: Scope, unit_id: int, platform: str, text: str, created_at: datetime,
               actor: Principal | str, author: str | None = None, url: str | None = None) -> ImportResult:
    """One mention typed in by an admin (e.g. a WhatsApp complaint); audited like any change."""
    require_write(session, actor, scope, "import", None, "input manual")
    unit = session.get(Unit, unit_id)
    if unit is None or not scope.contains_path(unit.path):
        deny(session, actor, "import", None, "input manual", "Unit tidak dikenal atau di luar cakupan Anda.",
             to_value=str(unit_id))
        return ImportResult(False, errors=["Unit tidak dikenal atau di luar cakupan Anda."])
    body = (text or "").strip()
    if not body:
        return ImportResult(False, errors=["Teks sebutan wajib diisi."])
    if platform not in PLATFORMS:
        return ImportResult(False, errors=["Platform tidak dikenal."])
    if created_at.tzinfo is None or created_at > utcnow():
        return ImportResult(False, errors=["Waktu sebutan tidak valid (harus tidak di masa depan)."])
    ext = f"manual-{hashlib.sha256(f'{unit.code}|{platform}|{body}|{created_at.isoformat()}'.encode()).hexdigest()[:24]}"
    record = MentionRecord(external_id=ext, text=body[:MAX_TEXT], created_at=created_at,
                           author_handle=(author or "").strip() or None, url=url or None)
    new, dupes = store_mentions(session, _target(session, unit, platform), [record])
    if new:
        issues.regroup(session)
        audit.record(session, actor=actor, entity="import", entity_id=None, action="input manual",
                     to_value=f"{unit.code} / {platform}", note=body[:200])
    return ImportResult(True, new=new, duplicates=dupes)
