"""End to end at 1366×768 (a command-room laptop): no English placeholder text and no request to
the internet on any page, a click
on an inbox row opens its dialog, a bulk change acts on exactly the confirmed rows, and a complaint
typed in "now" is 0 minutes old in the inbox. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from lib.db import session_scope
from lib.models import Mention
from tests.helpers import add_mention, browser_sign_in, make_user

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
PAGES = ["Ringkasan", "Kotak Masuk", "Isu Negatif", "Akun & Verifikasi", "Unit", "Input & Impor", "Sumber Data",
         "Pengguna & Audit"]
ENGLISH = re.compile(r"Choose options?|Choose an option|Press (Ctrl|⌘|Cmd)?\+?Enter|\bNone\b|\bnan\b|\bNaT\b|"
                     r"Select (a )?date|No results|\bUpload\b|per file|Drag and drop|Browse files")
ROW_HEIGHT = 35


@pytest.fixture
def inbox(registry):
    """Three unanswered Ciledug mentions (oldest first: A, B, C) and one answered."""
    with session_scope(registry) as s:
        ids = {
            "A": add_mention(s, "POLSEK-CILEDUG", "AAA begal di jalan raya", minutes_ago=120).id,
            "B": add_mention(s, "POLSEK-CILEDUG", "BBB DARURAT kebakaran pasar", minutes_ago=90).id,
            "C": add_mention(s, "POLSEK-CILEDUG", "CCC tanya syarat skck", minutes_ago=60, sentiment="neutral").id,
            "D": add_mention(s, "POLSEK-BALIKPAPAN-UTARA", "DDD makasih pak", minutes_ago=30, status="selesai").id,
        }
        s.execute(update(Mention).values(sentiment_score=0.9))
        s.execute(update(Mention).where(Mention.id == ids["B"]).values(flags="urgent"))
    make_user(registry, "admin")
    return ids


def open_page(page, name: str) -> None:
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(1500)  # let the script finish rendering
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=30_000)


def signed_in_page(browser, app_server):
    page = browser.new_page(viewport=LAPTOP)
    browser_sign_in(page, app_server)
    expect(page.get_by_role("link", name="Kotak Masuk")).to_be_visible(timeout=30_000)
    return page


def grid_cell(page, row: int, x: float = 400):
    """Click position of a grid row (0 = first data row)."""
    box = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    return box["x"] + x, box["y"] + ROW_HEIGHT * (row + 1) + ROW_HEIGHT / 2


def test_no_english_placeholder_text_and_no_outside_request_on_any_page(app_server, browser, artifacts, inbox):
    """Command rooms may sit on a closed network: no page may need anything but Pantau's own server
    (Streamlit fills in an online base map for a map without a style, and fetches a Material icon
    used as the page icon)."""
    page = signed_in_page(browser, app_server)
    outside: set[str] = set()
    page.on("request", lambda r: None if r.url.startswith((app_server, "data:", "blob:")) else outside.add(r.url))
    found = {}
    for name in PAGES:
        open_page(page, name)
        tabs = page.get_by_role("tab")
        for i in range(max(1, tabs.count())):  # every tab: a hidden tab's table is not drawn until shown
            if tabs.count():
                tabs.nth(i).click()
                page.wait_for_timeout(1500)
            text = page.locator('[data-testid="stMain"]').inner_text()  # what is shown (CSS-hidden text is not)
            hits = sorted(set(m.group(0) for m in ENGLISH.finditer(text)))
            if hits:
                found[f"{name} #{i}"] = hits
            page.screenshot(path=artifacts / f"lang-{name.split()[0].lower()}-{i}-1366.png", full_page=True)
    assert found == {}
    assert outside == set()


def test_row_click_opens_the_dialog(app_server, browser, artifacts, inbox):
    page = signed_in_page(browser, app_server)
    open_page(page, "Kotak Masuk")
    expect(page.get_by_text("3 sebutan cocok")).to_be_visible(timeout=30_000)
    page.mouse.click(*grid_cell(page, 1))  # the second row: B, oldest first
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=15_000)
    expect(dialog.get_by_text("BBB DARURAT kebakaran pasar")).to_be_visible()
    page.screenshot(path=artifacts / "inbox-dialog-1366.png")
    dialog.get_by_label("Close").click()
    expect(dialog).to_have_count(0, timeout=15_000)
    page.wait_for_timeout(1000)
    page.mouse.click(*grid_cell(page, 1))  # the same row again: opens again
    expect(page.get_by_role("dialog").get_by_text("BBB DARURAT kebakaran pasar")).to_be_visible(timeout=15_000)
    page.get_by_role("dialog").get_by_label("Close").click()
    expect(page.get_by_role("dialog")).to_have_count(0, timeout=15_000)
    page.wait_for_timeout(1000)
    page.mouse.click(*grid_cell(page, 0, x=17))  # the tick box selects for bulk, it opens nothing
    expect(page.get_by_text("(1 dipilih")).to_be_visible(timeout=15_000)
    page.wait_for_timeout(1000)
    assert page.get_by_role("dialog").count() == 0
    page.mouse.click(*grid_cell(page, 2))  # open another row, close it: the tick stays
    expect(page.get_by_role("dialog").get_by_text("CCC tanya syarat skck")).to_be_visible(timeout=15_000)
    page.get_by_role("dialog").get_by_label("Close").click()
    expect(page.get_by_role("dialog")).to_have_count(0, timeout=15_000)
    expect(page.get_by_text("(1 dipilih")).to_be_visible(timeout=15_000)


def test_bulk_change_acts_on_exactly_the_confirmed_rows(app_server, browser, artifacts, inbox, registry):
    page = signed_in_page(browser, app_server)
    open_page(page, "Kotak Masuk")
    expect(page.get_by_text("3 sebutan cocok")).to_be_visible(timeout=30_000)
    grid = page.locator('[data-testid="stDataFrame"]').first
    before = grid.bounding_box()["y"]
    for row in (0, 2):  # tick A and C, not B (the fire report)
        page.mouse.click(*grid_cell(page, row, x=17))
        expect(page.get_by_text(f"({1 if row == 0 else 2} dipilih")).to_be_visible(timeout=15_000)
        assert grid.bounding_box()["y"] == before  # ticking never moves the grid under the cursor
    page.get_by_role("button", name="Terapkan ke yang dipilih").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("2 sebutan", exact=True)).to_be_visible(timeout=15_000)
    listed = dialog.locator('[data-testid="stDataFrame"]')
    expect(listed).to_contain_text("AAA begal", timeout=15_000)
    expect(listed).to_contain_text("CCC tanya")
    assert "BBB" not in listed.text_content()
    page.screenshot(path=artifacts / "inbox-bulk-confirm-1366.png")
    dialog.get_by_role("button", name="Ya, ubah 2 sebutan").click()
    expect(page.get_by_text("2 sebutan diubah.")).to_be_visible(timeout=15_000)
    with session_scope(registry) as s:
        status = {k: s.get(Mention, i).status for k, i in inbox.items()}
    assert status == {"A": "ditangani", "B": "baru", "C": "ditangani", "D": "selesai"}
    expect(page.get_by_text("1 sebutan cocok")).to_be_visible(timeout=15_000)


def test_manual_complaint_entered_now_is_zero_minutes_old(app_server, browser, artifacts, inbox, registry):
    page = signed_in_page(browser, app_server)
    open_page(page, "Input & Impor")
    page.locator('[data-testid="stSelectbox"]', has_text="Unit").click()
    page.get_by_role("option", name="Polsek Balikpapan Utara").click()  # WITA, UTC+8
    page.get_by_label("Isi sebutan / aduan").fill("EEE aduan telepon: ada pencurian motor barusan")
    page.get_by_role("button", name="Simpan sebutan").click()
    expect(page.get_by_text(re.compile(r"Sebutan disimpan untuk Polsek Balikpapan Utara, diterima .* WITA"))
           ).to_be_visible(timeout=15_000)
    page.screenshot(path=artifacts / "input-saved-1366.png")
    open_page(page, "Kotak Masuk")
    page.get_by_role("combobox", name=re.compile("Urutan")).click()
    page.get_by_role("option", name="Terbaru").click()
    grid = page.locator('[data-testid="stDataFrame"]').first
    expect(grid.locator('[role="row"]').nth(1)).to_contain_text("EEE aduan telepon", timeout=15_000)
    first_row = grid.locator('[role="row"]').nth(1).text_content()
    assert "EEE aduan telepon" in first_row and "0 mnt" in first_row and "WITA" in first_row, first_row
    with session_scope(registry) as s:
        assert s.scalar(select(Mention.answered_at).where(Mention.text.startswith("EEE"))) is None
