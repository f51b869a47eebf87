"""Accounts and their verification against the mandate (every unit verified on the mandated platforms).

Verification is stored per platform with its type (X: blue / business / government); which types
count as compliant is configuration, because a paid blue check is not an official one.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.config import setting
from lib.models import MANDATED_PLATFORMS, Account, Unit
from lib.scope import Scope

PLATFORM_LABELS = {"x": "X", "instagram": "Instagram", "facebook": "Facebook", "tiktok": "TikTok",
                   "youtube": "YouTube", "whatsapp": "WhatsApp", "line": "LINE", "lainnya": "Lainnya"}

# Per-platform cell values of the compliance matrix.
VERIFIED, UNVERIFIED, UNKNOWN, MISSING = "terverifikasi", "belum", "tidak diketahui", "tidak ada"


def mandate_platforms() -> tuple[str, ...]:
    raw = setting("mandate_platforms", "x,instagram,facebook") or ""
    return tuple(p.strip() for p in raw.split(",") if p.strip())


def accepted_x_types() -> frozenset[str]:
    raw = setting("x_accepted_verified_types", "government,business,blue") or ""
    return frozenset(p.strip() for p in raw.split(",") if p.strip())


def account_state(acc: Account, accepted: frozenset[str]) -> str:
    if acc.verified is None:
        return UNKNOWN
    if not acc.verified:
        return UNVERIFIED
    if acc.platform == "x" and acc.verified_type and acc.verified_type not in accepted:
        return UNVERIFIED
    return VERIFIED


def accounts_table(session: Session, scope: Scope) -> pd.DataFrame:
    """Every account of every unit in scope (one row per account)."""
    rows = session.execute(
        select(Account, Unit.name, Unit.level).join(Unit, Unit.id == Account.unit_id)
        .where(scope.unit_clause(), Account.active).order_by(Unit.path, Account.platform)
    ).all()
    accepted = accepted_x_types()
    return pd.DataFrame(
        [dict(account_id=a.id, unit=name, level=level, platform=a.platform, handle=a.handle,
              state=account_state(a, accepted), verified_type=a.verified_type, followers=a.followers,
              last_checked_at=a.last_checked_at, problem=a.problem) for a, name, level in rows],
        columns=["account_id", "unit", "level", "platform", "handle", "state", "verified_type", "followers",
                 "last_checked_at", "problem"],
    )


def compliance_by_unit(session: Session, scope: Scope) -> pd.DataFrame:
    """One row per Polda/Polres/Polsek: best state per mandated platform and overall compliance."""
    platforms = mandate_platforms()
    accepted = accepted_x_types()
    units = session.execute(
        select(Unit.id, Unit.name, Unit.level, Unit.path).where(scope.unit_clause(), Unit.level != "mabes",
                                                               Unit.active).order_by(Unit.path)
    ).all()
    rank = {VERIFIED: 3, UNKNOWN: 2, UNVERIFIED: 1, MISSING: 0}
    best: dict[tuple[int, str], str] = {}
    for acc in session.scalars(
        select(Account).join(Unit, Unit.id == Account.unit_id).where(scope.unit_clause(), Account.active)
    ):
        key = (acc.unit_id, acc.platform)
        state = account_state(acc, accepted)
        if rank[state] > rank[best.get(key, MISSING)]:
            best[key] = state
    rows = []
    for u in units:
        row = dict(unit_id=u.id, name=u.name, level=u.level, path=u.path)
        for p in set(platforms) | set(MANDATED_PLATFORMS):
            row[p] = best.get((u.id, p), MISSING)
        row["compliant"] = all(row[p] == VERIFIED for p in platforms)
        row["missing"] = ", ".join(PLATFORM_LABELS.get(p, p) for p in platforms if row[p] != VERIFIED)
        rows.append(row)
    cols = ["unit_id", "name", "level", "path", *sorted(set(platforms) | set(MANDATED_PLATFORMS)),
            "compliant", "missing"]
    return pd.DataFrame(rows, columns=cols)


def compliance_rollup(session: Session, scope: Scope, level: str) -> pd.DataFrame:
    """Share of compliant units in each Polda's or Polres' subtree (the unit itself included)."""
    comp = compliance_by_unit(session, scope)
    heads = comp[comp["level"] == level]
    rows = []
    for head in heads.itertuples():
        sub = comp[comp["path"].str.startswith(head.path)]
        rows.append(dict(unit_id=head.unit_id, name=head.name, units=len(sub),
                         compliant=int(sub["compliant"].sum()), share=float(sub["compliant"].mean())))
    return pd.DataFrame(rows, columns=["unit_id", "name", "units", "compliant", "share"])
