"""Writes through the pages: an issue form, a conflict between two sessions, the admin page
(users, kiosk tokens shown once, revocation, audit viewer), and hostile text kept out of Markdown."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lib.auth import token_digest
from lib.db import session_scope
from lib.models import AuditEntry, Issue, KioskToken, Mention, User, utcnow
from tests.helpers import add_mention, login_as, page_app, unit_id


@pytest.fixture
def issue(two_units):
    """An open issue grouping the Ciledug mention."""
    engine, ids = two_units
    with session_scope(engine) as s:
        issue = Issue(topic="curanmor", title="Curanmor", status="terbuka", first_seen=utcnow(), last_seen=utcnow(),
                      version=1)
        s.add(issue)
        s.flush()
        s.get(Mention, ids["ciledug"]).issue_id = issue.id
    return engine, ids, issue.id


def click(at, label: str):
    return [b for b in at.button if b.label == label][0].click().run()


def test_pimpinan_marks_issue_handled_through_the_page(issue):
    engine, ids, issue_id = issue
    at = page_app("isu_negatif")
    p = login_as(at, "pimpinan", "POLRES-METRO-TANGERANG-KOTA")
    at.run()
    assert not at.exception, at.exception
    click(at, "Tandai 1 sebutan ditangani")
    assert not at.exception and not at.error, [e.value for e in at.error]
    with session_scope(engine) as s:
        assert s.get(Issue, issue_id).status == "ditangani"
        m = s.get(Mention, ids["ciledug"])
        assert (m.status, m.updated_by) == ("ditangani", p.name)


def test_second_session_on_the_same_issue_is_refused_and_audited(issue):
    """Two people have the issue page open; the second to act is told it changed, nothing is overwritten."""
    engine, ids, issue_id = issue
    first, second = page_app("isu_negatif"), page_app("isu_negatif")
    login_as(first, "operator", "POLSEK-CILEDUG", username="ani")
    login_as(second, "pimpinan", "POLRES-METRO-TANGERANG-KOTA", username="kapolres")
    first.run()
    second.run()
    click(second, "Tandai 1 sebutan ditangani")
    assert not second.error
    click(first, "Tandai 1 sebutan ditangani")  # ani's page still holds version 1
    assert any("sudah diubah oleh kapolres" in e.value for e in first.error), [e.value for e in first.error]
    with session_scope(engine) as s:
        rows = s.execute(select(AuditEntry.actor, AuditEntry.outcome).where(AuditEntry.entity == "issue")).all()
        assert s.get(Mention, ids["ciledug"]).updated_by == "kapolres"
    assert sorted(rows) == [("ani", "conflict"), ("kapolres", "ok")]


def test_admin_creates_user_and_kiosk_token_shown_once(two_units):
    engine, _ = two_units
    at = page_app("admin_users")
    login_as(at, "admin")
    at.run()
    assert not at.exception, at.exception
    inputs = {t.label: t for t in at.text_input}
    inputs["Nama pengguna"].input("kapolsek.ciledug")
    inputs["Nama tampilan"].input("Kapolsek Ciledug")
    [sb for sb in at.selectbox if sb.label == "Peran"][0].set_value("pimpinan")
    with session_scope(engine) as s:
        ciledug = unit_id(s, "POLSEK-CILEDUG")
    [sb for sb in at.selectbox if sb.label == "Unit"][0].set_value(ciledug)
    inputs["Kata sandi awal (min. 10 karakter; kosong = hanya SSO)"].input("sandi-kapolsek-123")
    [b for b in at.button if b.label == "Buat pengguna"][0].click().run()
    assert not at.exception, at.exception
    with session_scope(engine) as s:
        user = s.scalar(select(User).where(User.username == "kapolsek.ciledug"))
        assert user.role == "pimpinan" and user.unit.code == "POLSEK-CILEDUG"
    # kiosk token
    [t for t in at.text_input if t.label == "Nama layar"][0].input("Layar Polsek Ciledug")
    [b for b in at.button if b.label == "Buat token"][0].click().run()
    codes = [c.value for c in at.code]
    assert len(codes) == 1 and codes[0].startswith("?kiosk=")
    raw = codes[0].removeprefix("?kiosk=")
    with session_scope(engine) as s:
        assert s.scalar(select(KioskToken.token_hash)) == token_digest(raw)
    at.run()  # shown once: gone at the next run
    assert not [c for c in at.code if raw in c.value]
    # revoke
    [b for b in at.button if b.label.startswith("Cabut")][0].click().run()
    with session_scope(engine) as s:
        assert s.scalar(select(KioskToken.revoked_at)) is not None
        actions = set(s.scalars(select(AuditEntry.action).where(AuditEntry.entity.in_(["user", "kiosk"]))))
    assert {"create", "revoke"} <= actions


def test_audit_viewer_is_read_only(two_units):
    at = page_app("admin_users")
    login_as(at, "admin")
    at.run()
    # the only widgets on the audit tab are filters; the log is a plain dataframe, not an editor
    log = at.dataframe[-1]
    assert "outcome" in log.value.columns
    assert not [b for b in at.button if "hapus" in b.label.lower() or "delete" in b.label.lower()]


HOSTILE = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "[klik](javascript:alert(1))",
           "**tebal** :red[merah] $x$"]


def test_hostile_text_never_reaches_markdown(two_units):
    engine, _ = two_units
    with session_scope(engine) as s:
        mid = add_mention(s, "POLSEK-CILEDUG", " ".join(HOSTILE), author_handle="[a](javascript:x)",
                          author_name="<b>bold</b>\u202eevil", minutes_ago=1).id
    at = page_app("kotak_masuk")
    login_as(at, "operator", "POLSEK-CILEDUG")
    at.run()
    at.selectbox(key="one_id").set_value(mid)
    at.button(key="open_dialog").click().run()
    assert not at.exception
    texts = [t.value for t in at.text]
    assert " ".join(HOSTILE) in texts  # shown verbatim, as plain text
    assert any("\u202e" not in t and "<b>bold</b>evil" in t for t in texts)
    markdown = [str(e.value) for kind in ("markdown", "caption", "error", "success", "title") for e in getattr(at, kind)]
    for payload in ("<img", "<script", "](javascript", "[a]", "**tebal**"):
        assert not any(payload in m for m in markdown), payload


def test_audit_viewer_shows_no_nan(two_units):
    """Issue 11: entries without an id, a from-value or a note showed the text "nan"."""
    engine, _ = two_units
    from lib import audit

    with session_scope(engine) as s:
        audit.record(s, actor="anonim", entity="kiosk", entity_id=None, action="open", outcome="denied")
        audit.record(s, actor="ani", entity="mention", entity_id=7, action="status", from_value="baru",
                     to_value="selesai", note="ok")
    at = page_app("admin_users")
    login_as(at, "admin")
    at.run()
    log = at.dataframe[-1].value
    cells = [str(v) for v in log.astype(object).to_numpy().ravel()]
    assert "nan" not in cells and "7.0" not in cells
    assert {"7", "Selesai", "Baru"} <= set(cells)  # statuses in words (lib/labels.py)
