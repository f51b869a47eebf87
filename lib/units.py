"""The unit registry: Mabes → Polda → Polres → Polsek, loaded from `data/units.csv` and `data/accounts.csv`."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.config import DATA_DIR
from lib.models import LEVELS, PLATFORMS, Account, Unit
from lib.scope import Scope

LEVEL_LABELS = {"mabes": "Mabes", "polda": "Polda", "polres": "Polres", "polsek": "Polsek"}


class RegistryError(ValueError):
    """The registry files are inconsistent; the message names the line."""


@dataclass(frozen=True)
class UnitChoice:
    id: int
    name: str
    level: str
    parent_id: int | None


def _opt_float(raw: str) -> float | None:
    return float(raw) if raw.strip() else None


def _opt_int(raw: str) -> int | None:
    return int(raw) if raw.strip() else None


def _opt_bool(raw: str) -> bool | None:
    raw = raw.strip().lower()
    return None if raw == "" else raw in ("true", "1", "ya", "yes")


def _opt_time(raw: str) -> datetime | None:
    return datetime.fromisoformat(raw.strip().replace("Z", "+00:00")) if raw.strip() else None


def load_registry(session: Session, units_csv: Path | None = None, accounts_csv: Path | None = None) -> int:
    """Insert or update units and accounts from CSV (idempotent by unit code and platform+handle)."""
    units_csv = units_csv or DATA_DIR / "units.csv"
    accounts_csv = accounts_csv or DATA_DIR / "accounts.csv"
    by_code = {u.code: u for u in session.scalars(select(Unit))}
    with units_csv.open(newline="", encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            if row["level"] not in LEVELS:
                raise RegistryError(f"{units_csv.name} baris {line}: tingkat tidak dikenal {row['level']!r}")
            ZoneInfo(row["timezone"])
            parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
            if row["parent_code"] and parent is None:
                raise RegistryError(f"{units_csv.name} baris {line}: induk {row['parent_code']!r} belum ada")
            unit = by_code.get(row["code"]) or Unit(code=row["code"], path="")
            unit.name, unit.short_name, unit.level = row["name"], row["short_name"], row["level"]
            unit.parent_id = parent.id if parent else None
            unit.province, unit.regions, unit.timezone = row["province"] or None, row["regions"] or None, row["timezone"]
            unit.lat, unit.lon = _opt_float(row["lat"]), _opt_float(row["lon"])
            unit.sla_minutes = _opt_int(row["sla_minutes"])
            session.add(unit)
            session.flush()
            unit.path = f"{parent.path if parent else '/'}{unit.id}/"
            by_code[unit.code] = unit
    accounts = {(a.platform, a.handle): a for a in session.scalars(select(Account))}
    with accounts_csv.open(newline="", encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            unit = by_code.get(row["unit_code"])
            if unit is None or row["platform"] not in PLATFORMS:
                raise RegistryError(f"{accounts_csv.name} baris {line}: unit atau platform tidak dikenal")
            acc = accounts.get((row["platform"], row["handle"])) or Account(platform=row["platform"], handle=row["handle"])
            acc.unit_id = unit.id
            acc.verified = _opt_bool(row["verified"])
            acc.verified_type = row["verified_type"] or None
            acc.followers = _opt_int(row["followers"])
            acc.last_checked_at = _opt_time(row["last_checked"])
            session.add(acc)
    session.flush()
    return len(by_code)


def units_in_scope(session: Session, scope: Scope, levels: Sequence[str] = LEVELS) -> Sequence[Unit]:
    return session.scalars(
        select(Unit).where(scope.unit_clause(), Unit.level.in_(levels), Unit.active).order_by(Unit.path)
    ).all()


def unit_choices(session: Session, scope: Scope) -> list[UnitChoice]:
    """Units a scope picker may offer (Polda and Polres), in tree order."""
    rows = session.execute(select(Unit.id, Unit.name, Unit.level, Unit.parent_id)
                           .where(scope.unit_clause(), Unit.level.in_(("polda", "polres")), Unit.active)
                           .order_by(Unit.path))
    return [UnitChoice(*row) for row in rows]


def subtree_ids(session: Session, unit: Unit) -> list[int]:
    return list(session.scalars(select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True))))
