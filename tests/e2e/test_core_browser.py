"""End to end: the overview loads with numbers, an item is marked handled in the dialog, and the
change survives a reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lib import audit
from lib.db import session_scope
from lib.models import Mention, utcnow
from tests.helpers import add_mentions, browser_sign_in, make_user, minutes

pytestmark = pytest.mark.browser


@pytest.fixture
def data(registry):
    now = utcnow()
    with session_scope(registry) as s:
        add_mentions(s, "polsekciledug", [("e1", "tolong ada begal di jalan raya ciledug", now - minutes(45)),
                                          ("e2", "makasih pak", now - minutes(5))])
    with session_scope(registry) as s:
        return s.scalar(select(Mention.id).where(Mention.external_id == "e1"))


def metric(page, label: str):
    """The value of the metric labelled exactly `label` ("Belum dijawab", not "Darurat belum dijawab")."""
    name = page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(f"^{re.escape(label)}$"))
    return page.locator('[data-testid="stMetric"]', has=name).locator('[data-testid="stMetricValue"]')


def test_overview_then_mark_handled_and_reload(app_server, browser, artifacts, data, registry):
    make_user(registry, "admin")
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    browser_sign_in(page, app_server)  # a new browser session starts at the sign-in form
    expect(metric(page, "Belum dijawab")).to_have_text("2", timeout=30_000)
    expect(metric(page, "Lewat SLA")).to_have_text("1")
    page.screenshot(path=artifacts / "overview.png", full_page=True)

    page.get_by_role("link", name="Kotak Masuk").click()
    expect(page.get_by_text("2 sebutan cocok")).to_be_visible(timeout=30_000)
    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 400, box["y"] + 35 + 17)  # a click on the first row (oldest unanswered: e1)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=15_000)
    expect(dialog.get_by_text("tolong ada begal di jalan raya ciledug")).to_be_visible()
    dialog.locator('[data-testid="stSelectbox"]', has_text="Status baru").click()
    page.get_by_role("option", name="Ditangani").click()
    dialog.get_by_label("Catatan").fill("anggota sudah ke lokasi")
    page.screenshot(path=artifacts / "dialog.png")
    dialog.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Status diubah menjadi 'Ditangani'.")).to_be_visible(timeout=15_000)

    browser_sign_in(page, f"{app_server}/kotak_masuk")  # a reload is a new session: sign in again
    expect(page.get_by_text("1 sebutan cocok")).to_be_visible(timeout=30_000)  # unanswered only
    grid = page.locator('[data-testid="stDataFrame"]').first
    expect(grid).to_be_visible()
    page.get_by_role("link", name="Ringkasan").click()
    expect(metric(page, "Belum dijawab")).to_have_text("1", timeout=30_000)
    page.screenshot(path=artifacts / "overview-after.png", full_page=True)
    with session_scope(registry) as s:
        m = s.get(Mention, data)
        assert m.status == "ditangani"
        assert [e.note for e in audit.history(s, "mention", data)] == ["anggota sudah ke lokasi"]
    assert re.match(r"http://127\.0\.0\.1:\d+", app_server)
