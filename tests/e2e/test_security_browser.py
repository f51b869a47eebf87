"""The real app in Debian's Chromium (Playwright): sign-in, wrong password, a kiosk wall limited to its
scope and revocable, hostile mention text rendered as plain text with an intact layout, and a
conflict told to the second editor. Screenshots go to tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from lib.db import session_scope
from lib.scope import NATIONAL
from lib.units import load_registry
from lib.users import revoke_kiosk_token
from lib.workflow import change_status
from tests.conftest import TEST_DATA, empty_tables
from tests.e2e.conftest import ARTIFACTS, running_app
from tests.helpers import PASSWORD, add_mention, kiosk_token, make_user, unit_id

pytestmark = pytest.mark.browser

LONG_LINE = ("PANJANG" + "x" * 19_993)[:20_000]
HOSTILE = "\n".join([
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    "[klik](javascript:alert(3))",
    "\u202eKANAN-KE-KIRI 😀🚓🔥" * 3,
    LONG_LINE,
])


@pytest.fixture(scope="module")
def site(_engine, database_url) -> Iterator[dict]:
    """A fresh data set, then `streamlit run app.py` against it on a free port."""
    engine = _engine
    empty_tables(engine)
    with session_scope(engine) as s:
        load_registry(s, TEST_DATA / "units.csv", TEST_DATA / "accounts.csv")
        add_mention(s, "POLSEK-BALIKPAPAN-UTARA", "BALIKPAPAN-RAHASIA jambret", minutes_ago=5)
        add_mention(s, "POLSEK-BENDA", "BENDA-TERLIHAT tawuran", minutes_ago=10)
        hostile_id = add_mention(s, "POLSEK-CILEDUG", HOSTILE, minutes_ago=1, author_handle="<b>x</b>",
                                 author_name="[a](javascript:alert(4))").id
        other = unit_id(s, "POLRESTA-BALIKPAPAN")
    make_user(engine, "operator", "POLSEK-CILEDUG", "budi")
    make_user(engine, "pimpinan", "POLRES-METRO-TANGERANG-KOTA", "kapolres")
    admin = make_user(engine, "admin")
    token_id, token = kiosk_token(engine, "POLRES-METRO-TANGERANG-KOTA")
    with running_app(database_url, "streamlit-security.log", PANTAU_WALL_REFRESH_SECONDS="5") as base:
        yield dict(base=base, engine=engine, token=token, token_id=token_id, admin=admin, hostile_id=hostile_id,
                   other_unit=other, log=ARTIFACTS / "streamlit-security.log")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    pg.dialogs_seen = []  # any alert/confirm/prompt would mean script ran
    pg.on("dialog", lambda d: (pg.dialogs_seen.append(d.message), d.dismiss()))
    yield pg
    context.close()


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(base)
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def test_sign_in_works(site, page):
    sign_in(page, site["base"], "budi", PASSWORD)
    page.get_by_text("Sebutan hari ini").wait_for(timeout=30_000)
    assert page.get_by_text("Masuk sebagai").count() >= 1
    assert PASSWORD not in page.content()
    page.screenshot(path=str(ARTIFACTS / "signed-in.png"), full_page=True)


def test_wrong_password_is_refused(site, page):
    sign_in(page, site["base"], "budi", "bukan-sandinya-sama-sekali")
    page.get_by_text("Nama pengguna atau kata sandi salah").wait_for(timeout=30_000)
    assert page.get_by_text("Sebutan hari ini").count() == 0
    assert page.get_by_label("Kata sandi").count() == 1


def test_kiosk_wall_shows_its_scope_only(site, page):
    page.goto(f"{site['base']}/?kiosk={site['token']}")
    page.locator(".pw-scope", has_text="Polres Metro Tangerang Kota").wait_for(timeout=30_000)  # the header
    page.get_by_text("Sebutan hari ini").wait_for()
    # the wall lists the newest negatives as plain text: its own units' are there, no other unit's
    page.get_by_text("BENDA-TERLIHAT", exact=False).first.wait_for(timeout=30_000)
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=30_000)
    html = page.content()
    assert "BALIKPAPAN-RAHASIA" not in html and "Balikpapan" not in html
    assert page.get_by_label("Kata sandi").count() == 0
    assert page.locator('[data-testid="stSidebar"]').is_hidden()
    assert page.get_by_role("textbox").count() == 0  # no free-text search
    page.screenshot(path=str(ARTIFACTS / "kiosk-wall.png"), full_page=True)
    # asking the same token for another Polres shows nothing of it
    page.goto(f"{site['base']}/?kiosk={site['token']}&unit={site['other_unit']}")
    page.get_by_text("di luar cakupan").wait_for(timeout=30_000)
    assert page.get_by_text("Sebutan hari ini").count() == 0
    assert "BALIKPAPAN-RAHASIA" not in page.content()


def test_revoked_kiosk_goes_dark_on_next_refresh(site, page):
    engine = site["engine"]
    tid, token = kiosk_token(engine, "POLSEK-CILEDUG", "Layar dicabut")
    page.goto(f"{site['base']}/?kiosk={token}")
    page.get_by_text("Sebutan hari ini").wait_for(timeout=30_000)
    with session_scope(engine) as s:
        revoke_kiosk_token(s, site["admin"], tid)
    # the wall's own auto-refresh (every 5 s here) notices without anyone touching the screen
    page.get_by_text("tidak berlaku atau sudah dicabut").wait_for(timeout=30_000)
    # the refusal is drawn first; the board's old elements go when that run ends (Streamlit clears
    # stale elements at the end of a run), so wait for it rather than racing it
    expect(page.get_by_text("Sebutan hari ini")).to_have_count(0, timeout=15_000)
    page.reload()
    page.get_by_text("tidak berlaku atau sudah dicabut").wait_for(timeout=30_000)


def open_inbox_dialog(page, site) -> None:
    sign_in(page, site["base"], "budi", PASSWORD)
    page.get_by_text("Sebutan hari ini").wait_for(timeout=30_000)
    page.get_by_role("link", name="Kotak Masuk").click()
    page.get_by_role("button", name="Buka formulir status").click()
    page.get_by_role("dialog").get_by_text("Jejak audit").wait_for(timeout=30_000)


def test_hostile_text_renders_as_plain_text(site, page):
    open_inbox_dialog(page, site)
    dialog = page.get_by_role("dialog")
    time.sleep(1)  # give any injected handler (onerror, script) the chance to fire
    assert page.dialogs_seen == []
    shown = dialog.inner_text()
    for payload in ("<img src=x onerror=alert(1)>", "<script>alert(2)</script>", "[klik](javascript:alert(3))",
                    "PANJANGxxxx", "😀🚓🔥"):
        assert payload in shown, payload
    assert "\u202e" not in shown
    assert "<b>x</b>" in shown and "[a](javascript:alert(4))" in shown  # author shown literally
    dom = page.evaluate("""() => ({
        imgs: [...document.querySelectorAll('img')].filter(i => i.getAttribute('src') === 'x').length,
        scripts: [...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert(')).length,
        jsLinks: [...document.querySelectorAll('a')].filter(a => (a.getAttribute('href') || '')
                      .toLowerCase().startsWith('javascript')).length,
        bold: [...document.querySelectorAll('b')].filter(b => b.textContent === 'x').length,
        docWidth: document.documentElement.scrollWidth, viewport: window.innerWidth,
        dialogRight: document.querySelector('[role=dialog]').getBoundingClientRect().right,
    })""")
    assert dom["imgs"] == dom["scripts"] == dom["jsLinks"] == dom["bold"] == 0, dom
    assert dom["docWidth"] <= dom["viewport"] + 1, dom  # the 20,000-character line does not widen the page
    assert dom["dialogRight"] <= dom["viewport"] + 1, dom
    # the 20,000-character line stays inside the dialog (wrapped or scrolled within its own box)
    widths = page.evaluate("""() => [...document.querySelectorAll('[role=dialog] [data-testid=stText]')]
        .map(e => e.getBoundingClientRect().right)""")
    assert widths and max(widths) <= dom["dialogRight"] + 1, (widths, dom)
    page.screenshot(path=str(ARTIFACTS / "hostile-text-dialog.png"), full_page=True)
    assert page.dialogs_seen == []


def test_second_editor_is_told_who_changed_it(site, page):
    open_inbox_dialog(page, site)
    kapolres = make_user(site["engine"], "pimpinan", "POLRES-METRO-TANGERANG-KOTA", "kapolres")
    with session_scope(site["engine"]) as s:  # while budi looks at the form, the Kapolres forwards it
        from lib.mentions import get_mention

        version = get_mention(s, NATIONAL, site["hostile_id"]).version
        assert change_status(s, kapolres.scope, site["hostile_id"], version, "diteruskan", kapolres, None,
                             "Reskrim").ok
    page.get_by_role("dialog").get_by_role("button", name="Simpan").click()
    page.get_by_text("sudah diubah oleh kapolres").wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "conflict.png"), full_page=True)


def test_no_secret_in_the_server_log(site):
    """Runs last in this module: the server's own output never carries a token or a password."""
    logged = site["log"].read_text(errors="replace")
    assert site["token"] not in logged and PASSWORD not in logged
