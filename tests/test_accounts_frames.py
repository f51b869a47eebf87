"""The Akun page's frames (`compliance_by_unit`, `compliance_rollup`), now built in numpy, are
exactly what the pandas version gave (pivot, map, path split), on the test registry with accounts
in every state, for the national scope and every unit's subtree, on both backends."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from lib.accounts import (
    _RANK_STATE,
    MISSING,
    PLATFORM_LABELS,
    UNKNOWN,
    UNVERIFIED,
    VERIFIED,
    compliance_by_unit,
    compliance_rollup,
    mandate_platforms,
    unit_rank_rows,
)
from lib.db import session_scope
from lib.models import MANDATED_PLATFORMS, Account, Unit
from lib.scope import NATIONAL, scope_for_unit


def _by_unit_pandas(session, scope) -> pd.DataFrame:
    platforms = mandate_platforms()
    shown = sorted(set(platforms) | set(MANDATED_PLATFORMS))
    units, best = unit_rank_rows(session, scope, shown)
    frame = pd.DataFrame.from_records(units, columns=["unit_id", "name", "level", "path"])
    ranks = (pd.DataFrame.from_records(best, columns=["unit_id", "platform", "rank"])
             .pivot(index="unit_id", columns="platform", values="rank")
             .reindex(index=frame["unit_id"], columns=shown).fillna(0).astype(int))
    for p in shown:
        frame[p] = ranks[p].map(_RANK_STATE).to_numpy()
    verified = ranks[list(platforms)] == 3
    frame["compliant"] = verified.all(axis=1).to_numpy().astype(bool)
    labels = [PLATFORM_LABELS.get(p, p) for p in platforms]
    frame["missing"] = [", ".join(label for label, ok in zip(labels, row, strict=True) if not ok)
                        for row in verified.to_numpy()]
    return frame[["unit_id", "name", "level", "path", *shown, "compliant", "missing"]]


def _rollup_pandas(comp: pd.DataFrame, level: str) -> pd.DataFrame:
    heads = comp[comp["level"] == level]
    found = []
    for depth in sorted(set(heads["path"].str.count("/") - 1)):
        parts = comp["path"].str.split("/", n=depth + 1, expand=True)
        if depth in parts:
            found.append(comp.assign(head=pd.to_numeric(parts[depth], errors="coerce")))
    pairs = pd.concat(found) if found else comp.assign(head=float("nan"))
    sums = pairs[pairs["head"].isin(heads["unit_id"])].groupby("head")["compliant"].agg(["size", "sum"])
    out = heads[["unit_id", "name"]].join(sums, on="unit_id")
    out = out.assign(units=out["size"].fillna(0).astype(int), compliant=out["sum"].fillna(0).astype(int))
    out["share"] = (out["compliant"] / out["units"]).astype(float)
    return out[["unit_id", "name", "units", "compliant", "share"]].reset_index(drop=True)


def test_numpy_frames_equal_the_pandas_ones(registry: Engine) -> None:
    with session_scope(registry) as s:
        ids = list(s.scalars(select(Unit.id).order_by(Unit.path)))
        # Every state: a paid-only X check, an unknown state, an inactive account.
        x = s.scalar(select(Account).where(Account.platform == "x").limit(1))
        x.verified, x.verified_type = True, "blue_paid"
        other = s.scalar(select(Account).where(Account.platform == "instagram").limit(1))
        other.verified = None
        s.flush()
        compared = 0
        for scope in [NATIONAL, *(scope_for_unit(s, i) for i in ids)]:
            comp = compliance_by_unit(s, scope)
            pd.testing.assert_frame_equal(comp, _by_unit_pandas(s, scope))
            for level in ("polda", "polres"):
                pd.testing.assert_frame_equal(compliance_rollup(s, scope, level, comp), _rollup_pandas(comp, level))
            compared += len(comp)
        assert compared > len(ids)
        national = compliance_by_unit(s, NATIONAL)
        states = set(national[list(MANDATED_PLATFORMS)].to_numpy().ravel())
        assert states == {VERIFIED, UNVERIFIED, UNKNOWN, MISSING}  # the comparison saw every state
        assert ((national["missing"] == "") == national["compliant"]).all()
