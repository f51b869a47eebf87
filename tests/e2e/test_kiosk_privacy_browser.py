"""Issue 11, item 2: a wall screen's token never leaves the machine and leaves the address bar.

The app runs with the committed .streamlit/config.toml only (no command-line overrides), every
request and WebSocket the page opens is recorded, and none may go anywhere but 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from lib.db import session_scope
from lib.units import load_registry
from tests.conftest import TEST_DATA, empty_tables
from tests.e2e.conftest import ARTIFACTS, running_app
from tests.helpers import add_mention, browser_sign_in, kiosk_token, make_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def wall_site(_engine, database_url) -> Iterator[dict]:
    empty_tables(_engine)
    with session_scope(_engine) as s:
        load_registry(s, TEST_DATA / "units.csv", TEST_DATA / "accounts.csv")
        add_mention(s, "POLSEK-BENDA", "BENDA-TERLIHAT tawuran", minutes_ago=10)
    _, token = kiosk_token(_engine, "POLRES-METRO-TANGERANG-KOTA")
    with running_app(database_url, "streamlit-kiosk-privacy.log") as base:
        yield dict(base=base, token=token)


def _foreign(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != "127.0.0.1"


def test_token_stays_on_the_machine_and_leaves_the_address_bar(wall_site, browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    page.on("websocket", lambda ws: seen.append(ws.url))
    token = wall_site["token"]

    page.goto(f"{wall_site['base']}/?kiosk={token}")
    page.get_by_text("Sebutan hari ini").wait_for(timeout=30_000)
    page.wait_for_function("() => !location.href.includes('kiosk=')", timeout=15_000)
    page.wait_for_timeout(3_000)  # give the frontend time to post anything it would post
    assert token not in page.evaluate("location.href")
    assert "mode=wall" in page.evaluate("location.href")
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["pantau_kiosk"]["value"] == token and cookies["pantau_kiosk"]["sameSite"] == "Strict"

    # A reload (power cut, browser restart) brings the wall back from the cookie, not the address.
    page.reload()
    page.get_by_text("Sebutan hari ini").wait_for(timeout=30_000)
    page.get_by_text("BENDA-TERLIHAT", exact=False).first.wait_for(timeout=30_000)
    assert token not in page.evaluate("location.href")
    page.screenshot(path=str(ARTIFACTS / "kiosk-after-reload.png"))

    foreign = [u for u in seen if _foreign(u)]
    assert not foreign, f"requests left the machine: {foreign}"
    assert all(token not in u for u in seen[1:]), "the token was sent again after first use"
    assert seen, "no requests were recorded at all"
    context.close()


def test_cookie_alone_does_not_turn_the_plain_address_into_a_wall(wall_site, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{wall_site['base']}/?kiosk={wall_site['token']}")
    page.wait_for_function("() => location.href.includes('mode=wall')", timeout=30_000)
    page.goto(wall_site["base"])
    page.get_by_label("Kata sandi").wait_for(timeout=30_000)
    assert page.get_by_text("Sebutan hari ini").count() == 0
    context.close()


def test_a_bad_token_is_dropped_from_the_address(wall_site, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{wall_site['base']}/?kiosk=bukan-token-yang-sah")
    page.get_by_text("tidak berlaku atau sudah dicabut").wait_for(timeout=30_000)
    page.wait_for_function("() => !location.href.includes('kiosk=')", timeout=15_000)
    assert "pantau_kiosk" not in {c["name"] for c in context.cookies()}
    context.close()


def test_tables_offer_no_raw_csv_download(wall_site, _engine, browser):
    """Issue 11, item 3: Streamlit's own "Download as CSV" (formulas exported raw) is not offered."""
    make_user(_engine, "admin")
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    browser_sign_in(page, wall_site["base"])
    page.get_by_text("Sebutan hari ini").wait_for(timeout=30_000)
    page.get_by_role("link", name="Kotak Masuk").click()
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(timeout=30_000)
    grid.hover()
    page.wait_for_timeout(1_000)
    toolbar = page.locator('[data-testid="stElementToolbar"]').first
    toolbar.wait_for(state="attached", timeout=10_000)  # the table's toolbar is there (search, fullscreen)
    assert page.get_by_role("button", name="Download as CSV").count() == 0
    assert page.locator('[data-testid="stElementToolbarButton"]', has_text="Download").count() == 0
    page.screenshot(path=str(ARTIFACTS / "table-toolbar-no-download.png"))
    context.close()


def test_an_unreadable_database_shows_a_message_and_no_page_files(browser, tmp_path):
    """Issue 11: with a database that fails to open, no raw page file names (admin_users, …) appear."""
    bad = tmp_path / "rusak.db"
    bad.write_bytes(b"bukan basis data " * 400)
    with running_app(f"sqlite:///{bad}", "streamlit-broken-db.log") as base:
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = context.new_page()
        page.goto(base)
        page.get_by_text("tidak dapat dibuka").wait_for(timeout=30_000)
        body = page.inner_text("body")
        assert "admin_users" not in body and "kotak_masuk" not in body and "isu_negatif" not in body
        assert "Traceback" not in body and str(bad) not in body
        page.screenshot(path=str(ARTIFACTS / "broken-db.png"))
        context.close()


def test_a_page_address_asked_first_is_served_by_the_app(database_url, _engine, browser):
    """Issue 11: the first address a fresh server gets, if it names a page, used to run that page
    alone in Streamlit's old pages/ mode (raw file names in the sidebar, no app layout)."""
    make_user(_engine, "admin")
    with running_app(database_url, "streamlit-first-address.log") as base:
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = context.new_page()
        browser_sign_in(page, f"{base}/kotak_masuk")
        page.get_by_role("heading", name="Kotak Masuk").wait_for(timeout=30_000)
        page.get_by_role("link", name="Isu Negatif").wait_for(timeout=30_000)  # app.py's navigation
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert "admin users" not in sidebar and "kotak masuk" not in sidebar and "Masuk sebagai" in sidebar
        context.close()
