"""Registry loading, unit paths and scope narrowing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lib.config import DATA_DIR
from lib.db import session_scope
from lib.models import Account, Unit
from lib.scope import NATIONAL, OutOfScope, scope_for_unit
from lib.units import RegistryError, load_registry, subtree_ids, unit_choices
from tests.conftest import TEST_DATA


def test_registry_builds_paths_and_accounts(registry, session):
    ciledug = session.scalar(select(Unit).where(Unit.code == "POLSEK-CILEDUG"))
    polres = session.scalar(select(Unit).where(Unit.code == "POLRES-METRO-TANGERANG-KOTA"))
    assert ciledug.parent_id == polres.id
    assert ciledug.path.startswith(polres.path) and ciledug.path.endswith(f"/{ciledug.id}/")
    assert ciledug.sla_minutes == 30
    acc = session.scalar(select(Account).where(Account.handle == "PoldaMetroJaya"))
    assert acc.verified is True and acc.verified_type == "government"
    assert session.scalar(select(Account).where(Account.handle == "polsekbenda")).verified is None


def test_loading_twice_is_idempotent(registry, session):
    before = session.query(Unit).count(), session.query(Account).count()
    with session_scope(registry) as s:
        load_registry(s, TEST_DATA / "units.csv", TEST_DATA / "accounts.csv")
    assert (session.query(Unit).count(), session.query(Account).count()) == before


def test_shipped_registry_is_consistent(engine):
    with session_scope(engine) as s:
        count = load_registry(s, DATA_DIR / "units.csv", DATA_DIR / "accounts.csv")
        levels = {lvl for (lvl,) in s.execute(select(Unit.level).distinct())}
        zones = {tz for (tz,) in s.execute(select(Unit.timezone).distinct())}
    assert count >= 40
    assert levels == {"mabes", "polda", "polres", "polsek"}
    assert {"Asia/Jakarta", "Asia/Makassar"} <= zones


def test_unknown_parent_is_refused_with_line_number(engine, tmp_path):
    bad = tmp_path / "units.csv"
    bad.write_text("code,name,short_name,level,parent_code,province,regions,timezone,lat,lon,sla_minutes\n"
                   "X,Polsek X,X,polsek,NOPE,,,Asia/Jakarta,,,\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="baris 2"), session_scope(engine) as s:
        load_registry(s, bad, TEST_DATA / "accounts.csv")


def test_scope_narrowing_refuses_units_outside(registry, session):
    kaltim = session.scalar(select(Unit).where(Unit.code == "POLDA-KALTIM"))
    ciledug = session.scalar(select(Unit).where(Unit.code == "POLSEK-CILEDUG"))
    scope = scope_for_unit(session, kaltim.id)
    with pytest.raises(OutOfScope):
        scope.narrow(session, ciledug.id)
    assert [c.name for c in unit_choices(session, scope)] == ["Polda Kalimantan Timur", "Polresta Balikpapan"]
    assert len(subtree_ids(session, kaltim)) == 3
    assert NATIONAL.narrow(session, None) is NATIONAL
