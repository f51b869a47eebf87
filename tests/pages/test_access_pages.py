"""Roles × pages in the real Streamlit scripts (AppTest): the gate shows nothing before sign-in,
refuses pages a role may not open, and never shows another unit's two_units, even when asked to."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lib.auth import LOGIN_FAILED
from lib.db import session_scope
from lib.models import AuditEntry
from tests.helpers import PASSWORD, kiosk_token, login_as, make_user, page_app, unit_id

PAGES = ["ringkasan", "kotak_masuk", "isu_negatif", "akun", "input", "admin_sources", "admin_users"]
PEOPLE_PAGES = {"ringkasan", "kotak_masuk", "isu_negatif", "akun", "input"}
REFUSED = "Anda tidak memiliki akses ke halaman ini."
TANGKOT = "POLRES-METRO-TANGERANG-KOTA"
ROLES = {"admin": None, "pimpinan": TANGKOT, "operator": "POLSEK-CILEDUG"}
ALLOWED = {
    "admin": set(PAGES),
    "pimpinan": PEOPLE_PAGES,
    "operator": PEOPLE_PAGES,
    "wall": {"ringkasan"},
}


def everything_shown(at) -> str:
    """All text a page put on screen (markdown, text, captions, errors, table cells), for assertions."""
    parts = [str(getattr(e, "value", "")) for kind in ("markdown", "text", "caption", "error", "warning", "info",
                                                        "success", "title", "subheader") for e in getattr(at, kind)]
    parts += [d.value.to_string() for d in at.dataframe]
    return "\n".join(parts)


@pytest.mark.parametrize("page", [None, *PAGES])
def test_nothing_before_sign_in(two_units, page):
    at = page_app(page)
    at.run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Nama pengguna", "Kata sandi"]
    assert len(at.dataframe) == 0 and len(at.metric) == 0
    assert "TEXT" not in everything_shown(at)


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("page", list(PAGES))
def test_role_page_matrix_for_people(two_units, role, page):
    at = page_app(page)
    login_as(at, role, ROLES[role])
    at.run()
    assert not at.exception, at.exception
    refused = [e.value for e in at.error if e.value == REFUSED]
    if page in ALLOWED[role]:
        assert not refused
    else:
        assert refused and len(at.dataframe) == 0


@pytest.mark.parametrize("page", list(PAGES))
def test_role_page_matrix_for_wall(two_units, page):
    engine, _ = two_units
    _, raw = kiosk_token(engine, TANGKOT)
    at = page_app(page)
    at.query_params["kiosk"] = raw
    at.run()
    assert not at.exception, at.exception
    refused = any(e.value == REFUSED for e in at.error)
    assert refused == (page not in ALLOWED["wall"])


def test_navigation_offers_admin_page_to_admins_only(two_units):
    for role, expect in (("admin", True), ("pimpinan", False), ("operator", False)):
        at = page_app()
        login_as(at, role, ROLES[role])
        at.run()
        assert not at.exception
        if expect:
            at.switch_page("pages/admin_users.py").run()
            assert not at.exception and not any(e.value == REFUSED for e in at.error)
            assert "Pengguna & Audit" in [t.value for t in at.title]
        else:  # not even registered in st.navigation
            for admin_page in ("pages/admin_users.py", "pages/admin_sources.py"):
                with pytest.raises(ValueError, match="Could not find a navigation page"):
                    at.switch_page(admin_page)


def test_inbox_shows_only_the_principals_subtree(two_units):
    engine, ids = two_units
    for role, expected in (("operator", {ids["ciledug"]}), ("pimpinan", {ids["ciledug"]}),
                           ("admin", {ids["ciledug"], ids["balikpapan"]})):
        at = page_app("kotak_masuk")
        login_as(at, role, ROLES[role])
        at.run()
        assert set(at.dataframe[0].value["id"]) == expected, role
        shown = everything_shown(at)
        assert ("BALIKPAPAN-TEXT" in shown) == (role == "admin")


def test_forged_unit_in_the_address_is_refused_for_a_wall(two_units):
    engine, _ = two_units
    _, raw = kiosk_token(engine, TANGKOT)
    with session_scope(engine) as s:
        other = unit_id(s, "POLRESTA-BALIKPAPAN")
    at = page_app("ringkasan")
    at.query_params["kiosk"] = raw
    at.query_params["unit"] = str(other)
    at.run()
    assert any("di luar cakupan" in e.value for e in at.error)
    assert len(at.metric) == 0 and "BALIKPAPAN-TEXT" not in everything_shown(at)


def test_wall_shows_its_own_scope(two_units):
    engine, _ = two_units
    _, raw = kiosk_token(engine, TANGKOT)
    at = page_app("ringkasan")
    at.query_params["kiosk"] = raw
    at.run()
    assert not at.exception
    assert any("Polres Metro Tangerang Kota" in h.proto.body for h in at.get("html"))  # the wall's header
    shown = everything_shown(at)
    assert "CILEDUG-TEXT" in shown and "BALIKPAPAN-TEXT" not in shown
    assert len(at.text_input) == 0  # no free-text search on a wall


@pytest.mark.parametrize("page", ["kotak_masuk", "ringkasan", "isu_negatif", "akun"])
def test_forged_unit_in_the_address_is_ignored_for_people(two_units, page):
    """`?unit=<another Polda>` does not widen an operator's scope: the picker only offers, and the data
    layer only returns, the principal's own subtree. (Widget values outside their options cannot be
    sent at all: the server maps them back to the options it offered.)"""
    engine, _ = two_units
    with session_scope(engine) as s:
        other = unit_id(s, "POLDA-KALTIM")
    at = page_app(page)
    login_as(at, "operator", "POLSEK-CILEDUG")
    at.query_params["unit"] = str(other)
    at.run()
    assert not at.exception
    assert "BALIKPAPAN" not in everything_shown(at).upper()
    assert "Kaltim" not in str([o for sb in at.selectbox for o in sb.options])


def test_mention_moved_out_of_scope_mid_session_is_refused(two_units):
    """The operator opens the status form, then an admin moves him to another unit: on submit the
    page reloads his principal and the mention is no longer his to change."""
    engine, ids = two_units
    at = page_app("kotak_masuk")
    p = login_as(at, "operator", "POLSEK-CILEDUG")
    at.run()
    at.button(key="open_dialog").click().run()
    assert "CILEDUG-TEXT maling motor" in [t.value for t in at.text]
    from lib.users import update_user

    with session_scope(engine) as s:
        update_user(s, make_user(engine, "admin"), p.id, role="operator", unit_id=unit_id(s, "POLSEK-BENDA"),
                    display_name="Operator", email=None)
    at.button(key="open_dialog").click().run()
    assert "CILEDUG-TEXT maling motor" not in everything_shown(at)


def test_revoked_kiosk_goes_dark_on_next_refresh(two_units):
    engine, _ = two_units
    token_id, raw = kiosk_token(engine, TANGKOT)
    at = page_app("ringkasan")
    at.query_params["kiosk"] = raw
    at.run()
    assert len(at.metric) >= 4
    from lib.users import revoke_kiosk_token

    with session_scope(engine) as s:
        revoke_kiosk_token(s, make_user(engine, "admin"), token_id)
    at.run()
    assert len(at.metric) == 0
    assert any("dicabut" in e.value for e in at.error)


def test_deactivated_user_is_signed_out_on_next_refresh(two_units):
    engine, _ = two_units
    at = page_app("kotak_masuk")
    p = login_as(at, "operator", "POLSEK-CILEDUG")
    at.run()
    assert len(at.dataframe) == 1
    from lib.users import set_active

    with session_scope(engine) as s:
        set_active(s, make_user(engine, "admin"), p.id, False)
    at.run()
    assert len(at.dataframe) == 0 and [t.label for t in at.text_input] == ["Nama pengguna", "Kata sandi"]


def test_sign_in_form_and_wrong_password(two_units):
    engine, _ = two_units
    make_user(engine, "operator", "POLSEK-CILEDUG", "budi")
    at = page_app()
    at.run()
    at.run()  # AppTest's first run has no page yet; the browser's does (the form's widget ids follow it)
    at.text_input[0].input("budi")
    at.text_input[1].input("bukan-sandinya")
    at.button[0].click().run()
    assert [e.value for e in at.error] == [LOGIN_FAILED]
    assert len(at.metric) == 0
    at.text_input[0].input("budi")
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert len(at.metric) >= 4  # the overview
    assert PASSWORD not in everything_shown(at)
    with session_scope(engine) as s:
        outcomes = list(s.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "login")
                                  .order_by(AuditEntry.id)))
    assert outcomes == ["denied", "ok"]


def test_wall_unit_outside_the_token_scope_is_refused_and_audited(two_units):
    """Issue 11: `?unit=` outside a kiosk token's scope is refused on screen and in the audit log."""
    engine, _ = two_units
    _, token = kiosk_token(None, "POLSEK-CILEDUG")
    with session_scope(engine) as s:
        other = unit_id(s, "POLSEK-BALIKPAPAN-UTARA")
    at = page_app("ringkasan")
    at.query_params["kiosk"] = token
    at.query_params["mode"] = "wall"
    at.query_params["unit"] = str(other)
    at.run()
    assert any("di luar cakupan" in e.value for e in at.error)
    with session_scope(engine) as s:
        rows = s.execute(select(AuditEntry.entity, AuditEntry.entity_id, AuditEntry.outcome).where(AuditEntry.entity == "unit")).all()
    assert [(r.entity_id, r.outcome) for r in rows] == [(other, "denied")]
