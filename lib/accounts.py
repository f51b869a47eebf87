"""Accounts and their verification against the mandate (every unit verified on the mandated platforms).

Verification is stored per platform with its type (X: blue / business / government); which types
count as compliant is configuration, because a paid blue check is not an official one.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, and_, bindparam, case, func, select, true
from sqlalchemy.orm import Session

from lib.arrays import positions
from lib.config import setting
from lib.db import plain_rows
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


def _state_rank(accepted: frozenset[str]):
    """The account's state as a rank (3 verified, 2 unknown, 1 not verified), in SQL: the one rule
    (a paid-only X check is not verified), so a unit's best state per platform is one `max` over its
    accounts; `verified_clause` is rank 3."""
    paid_only = and_(Account.platform == "x", Account.verified_type.is_not(None),
                     Account.verified_type.not_in(sorted(accepted)) if accepted else true())
    return case((Account.verified.is_(None), 2), (Account.verified.is_(False), 1), (paid_only, 1), else_=3)


def verified_clause(accepted: frozenset[str] | None = None) -> ColumnElement[bool]:
    """The one rule for "this account is verified" in SQL (rank 3 of `_state_rank`), shared by the
    compliance matrix and the metrics."""
    return _state_rank(accepted_x_types() if accepted is None else accepted) == 3


def compliant_units(session: Session, scope: Scope) -> pd.DataFrame:
    """Per active Polda/Polres/Polsek in scope: compliant when it holds a verified active account on
    every mandated platform. One aggregate over units joined to their accounts (the dashboards'
    fast path; `compliance_by_unit` gives the per-platform detail with the same rule)."""
    platforms = mandate_platforms()
    _, rows = plain_rows(session, _compliant_statement(platforms, accepted_x_types()),
                         {"scope": scope.like_pattern()})
    data = np.array(rows, dtype=np.int64).reshape(-1, 2)
    return pd.DataFrame({"unit_id": data[:, 0], "compliant": data[:, 1] >= len(platforms)})


@lru_cache(maxsize=8)
def _compliant_statement(platforms: tuple[str, ...], accepted: frozenset[str]):
    """`compliant_units`' statement, built once per configuration (the dashboards read it on every
    run); the scope's path pattern is the parameter `scope`."""
    good = and_(Account.unit_id == Unit.id, Account.active, Account.platform.in_(platforms),
                verified_clause(accepted))
    return (select(Unit.id, func.count(func.distinct(Account.platform))).select_from(Unit).outerjoin(Account, good)
            .where(Unit.path.like(bindparam("scope"), escape="/"), Unit.active, Unit.level != "mabes")
            .group_by(Unit.id))


_RANK_STATE = {3: VERIFIED, 2: UNKNOWN, 1: UNVERIFIED, 0: MISSING}


def accounts_table(session: Session, scope: Scope) -> pd.DataFrame:
    """Every account of every unit in scope (one row per account)."""
    rank = _state_rank(accepted_x_types())
    # Driver rows (no Row objects, no per-value type processing): ~17k rows nationally on every run
    # of the page; the check time is converted once, column-wise.
    _, rows = plain_rows(session, select(
        Account.id, Unit.name, Unit.level, Account.platform, Account.handle, rank, Account.verified_type,
        Account.followers, Account.last_checked_at, Account.problem)
        .join(Unit, Unit.id == Account.unit_id)
        .where(scope.unit_clause(), Account.active).order_by(Unit.path, Account.platform))
    frame = pd.DataFrame.from_records(
        rows, columns=["account_id", "unit", "level", "platform", "handle", "state", "verified_type", "followers",
                       "last_checked_at", "problem"])
    frame["state"] = frame["state"].map(_RANK_STATE)
    frame["last_checked_at"] = pd.to_datetime(frame["last_checked_at"], utc=True, format="mixed")
    return frame


def unit_rank_rows(session: Session, scope: Scope, shown: list[str]) -> tuple[list, list]:
    """The scope's active Polda/Polres/Polsek (id, name, level, path) in path order, and the best
    state rank per (unit, platform) among `shown` platforms: the two queries behind the Akun frames."""
    _, units = plain_rows(session, select(Unit.id, Unit.name, Unit.level, Unit.path)
                          .where(scope.unit_clause(), Unit.level != "mabes", Unit.active).order_by(Unit.path))
    _, best = plain_rows(session, select(Account.unit_id, Account.platform, func.max(_state_rank(accepted_x_types())))
                         .join(Unit, Unit.id == Account.unit_id)
                         .where(scope.unit_clause(), Account.active, Account.platform.in_(shown))
                         .group_by(Account.unit_id, Account.platform))
    return units, best


def compliance_by_unit(session: Session, scope: Scope) -> pd.DataFrame:
    """One row per Polda/Polres/Polsek: best state per mandated platform and overall compliance.

    One grouped query (best state rank per unit and platform) and a pivot: no ORM objects, so it
    stays fast at national scale (5,539 units, ~17k accounts)."""
    platforms = mandate_platforms()
    shown = sorted(set(platforms) | set(MANDATED_PLATFORMS))
    units, best = unit_rank_rows(session, scope, shown)
    # Numpy on the rank matrix and the frame built once: pivoting, mapping and adding columns one by
    # one cost more than the two queries nationally (issue 17).
    ids = np.fromiter((u[0] for u in units), dtype=np.int64, count=len(units))
    column = {p: j for j, p in enumerate(shown)}
    ranks = np.zeros((len(ids), len(shown)), dtype=np.int64)
    if best:
        at = positions(ids, np.fromiter((b[0] for b in best), dtype=np.int64, count=len(best)))
        col = np.fromiter((column[b[1]] for b in best), dtype=np.int64, count=len(best))
        rank = np.fromiter((b[2] for b in best), dtype=np.int64, count=len(best))
        keep = at >= 0
        ranks[at[keep], col[keep]] = rank[keep]
    states = np.array([_RANK_STATE[r] for r in range(4)], dtype=object)
    verified = ranks[:, [column[p] for p in platforms]] == 3
    labels = [PLATFORM_LABELS.get(p, p) for p in platforms]
    # The "missing" text per combination of verified platforms (a bit each), not per unit.
    code = verified.astype(np.int64) @ (1 << np.arange(len(platforms), dtype=np.int64))
    texts = np.array([", ".join(label for i, label in enumerate(labels) if not c >> i & 1)
                      for c in range(1 << len(platforms))], dtype=object)
    data = {name: [u[i] for u in units] for i, name in enumerate(("unit_id", "name", "level", "path"))}
    data["unit_id"] = ids
    data.update({p: states[ranks[:, j]] for j, p in enumerate(shown)})
    data.update(compliant=verified.all(axis=1), missing=texts[code])
    return pd.DataFrame(data)


def compliance_rollup(session: Session, scope: Scope, level: str,
                      comp: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of compliant units in each Polda's or Polres' subtree (the unit itself included).
    `comp`: a `compliance_by_unit` frame already read (the page reads it once for all three views)."""
    comp = compliance_by_unit(session, scope) if comp is None else comp
    levels, unit_ids = comp["level"].to_numpy(), comp["unit_id"].to_numpy()
    heads = np.flatnonzero(levels == level)
    head_ids = unit_ids[heads]
    # Each unit's head at `level` is the path component at the head's depth (paths are "/1/2/3/").
    parts = [p.split("/") for p in comp["path"].tolist()]
    compliant = comp["compliant"].to_numpy(dtype=np.int64)
    units = np.zeros(len(heads), dtype=np.int64)
    good = np.zeros(len(heads), dtype=np.int64)
    for depth in sorted({len(parts[h]) - 2 for h in heads}):
        head = np.array([int(x[depth]) if len(x) > depth and x[depth].isdigit() else -1 for x in parts],
                        dtype=np.int64)
        at = positions(head_ids, head)
        keep = at >= 0
        units += np.bincount(at[keep], minlength=len(heads))
        good += np.bincount(at[keep], weights=compliant[keep], minlength=len(heads)).astype(np.int64)
    share = np.divide(good, units, out=np.full(len(heads), np.nan), where=units > 0)
    return pd.DataFrame({"unit_id": head_ids, "name": comp["name"].array[heads], "units": units,
                         "compliant": good, "share": share})
