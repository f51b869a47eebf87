"""The wall in Chromium: one screen at 1920×1080 and 3840×2160 with the clock and the urgent list in
view, the offline banner within 10 s of the server going away; and at 1366×768 every unit in a
chart carries a visible label (the overview's Polsek chart for a Kapolres, the Akun charts)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from itertools import count

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lib.config import ROOT
from lib.db import session_scope
from lib.models import Mention, Unit, utcnow
from lib.units import load_registry
from tests.e2e.conftest import ARTIFACTS, free_port
from tests.helpers import browser_sign_in, kiosk_token, make_user

pytestmark = pytest.mark.browser
_ids = count(1)
CLOCK = re.compile(r"^\d{2}:\d{2}:\d{2} WIB$")


def put(session, code: str, minutes_ago: float, text: str, *, flags: str = "", sentiment: str = "negative",
        status: str = "baru", answered: bool = False) -> None:
    unit_id = session.scalar(select(Unit.id).where(Unit.code == code))
    created = utcnow() - timedelta(minutes=minutes_ago)
    session.add(Mention(platform="x", external_id=f"wall{next(_ids)}", unit_id=unit_id, text=text,
                        author_handle="warga", created_at=created, fetched_at=created, sentiment=sentiment,
                        flags=flags, status=status, answered_at=created + timedelta(minutes=1) if answered else None,
                        updated_at=created, version=1, sentiment_score=0.0))


@pytest.fixture
def wall_data(registry):
    with session_scope(registry) as s:
        put(s, "POLSEK-BENDA", 3, "DARURAT kebakaran di pasar Benda sekarang, tolong", flags="urgent")
        put(s, "POLSEK-CILEDUG", 50, "begal lagi di jalan raya ciledug, polisi kemana")
        put(s, "POLSEK-CILEDUG", 20, "laporan pungli sudah ditangani", status="ditangani", answered=True)
        for i in range(12):  # more than the list can show: it must not push the page past the screen
            put(s, "POLSEK-BENDA", 60 + i, f"keluhan jalan rusak nomor {i}")
    _, token = kiosk_token(registry, "POLRES-METRO-TANGERANG-KOTA")
    return token


def assert_one_screen(page, height: int) -> None:
    sizes = page.evaluate("""() => [document.documentElement.scrollHeight,
        document.querySelector('[data-testid="stMain"]').scrollHeight,
        document.querySelector('[data-testid="stAppViewContainer"]').scrollHeight]""")
    assert max(sizes) <= height, sizes


@pytest.mark.parametrize("width,height", [(1920, 1080), (3840, 2160)])
def test_wall_is_one_screen_with_clock_and_urgent_list(app_server, browser, artifacts, wall_data, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{app_server}/?kiosk={wall_data}")
    clock = page.locator(".pw-clock")
    expect(clock).to_have_text(CLOCK, timeout=30_000)
    urgent = page.get_by_text("DARURAT kebakaran di pasar Benda", exact=False)
    expect(urgent).to_be_visible(timeout=15_000)
    expect(page.get_by_text("Darurat & negatif belum ditangani")).to_be_visible()
    expect(page.get_by_text("begal lagi di jalan raya ciledug", exact=False)).to_be_visible()
    expect(page.get_by_text("laporan pungli sudah ditangani")).to_have_count(0)  # handled: not on the wall
    expect(page.locator('[class*="st-key-wall_alert_"][class*="_newest"]')).to_contain_text("kebakaran")
    expect(page.get_by_text("Belum dijawab per Polsek")).to_be_visible()
    page.wait_for_timeout(1500)
    for box in (clock.bounding_box(), urgent.bounding_box()):
        assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= height
    page.screenshot(path=artifacts / f"wall-{width}x{height}.png")
    assert_one_screen(page, height)
    assert page.locator('[data-testid="stTooltipIcon"]').count() == 0  # no "?" help icons on a TV
    expect(clock).not_to_have_text(clock.inner_text(), timeout=5_000)  # the clock ticks in the browser
    expect(page.locator("#pantau-offline")).to_be_hidden()
    page.screenshot(path=artifacts / f"wall-{width}x{height}.png")


def test_wall_shows_offline_banner_within_10_s_of_the_server_stopping(database_url, browser, artifacts, wall_data):
    port = free_port()
    env = dict(os.environ, PANTAU_DATABASE_URL=database_url, PANTAU_DEMO_SOURCE="0")
    env.pop("PANTAU_X_BEARER_TOKEN", None)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with (ARTIFACTS / "streamlit-wall-offline.log").open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                    break
                except OSError:
                    assert proc.poll() is None and time.monotonic() < deadline, "Streamlit did not start"
                    time.sleep(0.3)
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(f"{url}/?kiosk={wall_data}")
            expect(page.locator(".pw-clock")).to_have_text(CLOCK, timeout=30_000)
            expect(page.get_by_text("DARURAT kebakaran", exact=False)).to_be_visible(timeout=15_000)
            banner = page.locator("#pantau-offline")
            expect(banner).to_be_hidden()
            stopped = time.monotonic()
            proc.terminate()
            proc.wait(timeout=10)
            expect(banner).to_be_visible(timeout=10_000)
            assert time.monotonic() - stopped <= 10
            expect(banner).to_contain_text("TERPUTUS DARI SERVER")
            page.wait_for_timeout(3000)  # Streamlit's own English "Connection error" modal stays hidden
            expect(page.get_by_text("Connection error")).to_be_hidden()
            expect(banner).to_be_visible()
            page.screenshot(path=artifacts / "wall-offline.png")
        finally:
            if proc.poll() is None:
                proc.kill()


@pytest.fixture
def full_registry(engine):
    """The shipped registry (data/units.csv): Polres Metro Tangerang Kota has a dozen Polsek."""
    with session_scope(engine) as s:
        load_registry(s)
    with session_scope(engine) as s:
        polres_id = s.scalar(select(Unit.id).where(Unit.code == "POLRES-METRO-TANGERANG-KOTA"))
        polsek = s.execute(select(Unit.code, Unit.short_name)
                           .where(Unit.level == "polsek", Unit.parent_id == polres_id)).all()
        for i, (code, _) in enumerate(polsek):
            for j in range(1 + i % 4):
                put(s, code, 30 + 90 * j, f"belum dijawab {code} {j}")
        polres = s.execute(select(Unit.name).where(Unit.level == "polres")).scalars().all()
        polda = s.execute(select(Unit.name).where(Unit.level == "polda")).scalars().all()
    return {"polsek": sorted(name for _, name in polsek), "polres": sorted(polres), "polda": sorted(polda)}


def axis_labels(chart) -> list[str]:
    """The visible y-axis labels of a Vega chart drawn as SVG (a dropped label has opacity 0)."""
    return chart.evaluate("""el => [...el.querySelectorAll('g.role-axis-label text')]
        .filter(t => getComputedStyle(t).opacity !== '0' && t.getAttribute('opacity') !== '0'
                     && t.getBoundingClientRect().width > 0)
        .map(t => t.textContent)""")


def test_every_unit_in_a_chart_has_a_visible_label(app_server, browser, artifacts, full_registry, engine):
    make_user(engine, "pimpinan", "POLRES-METRO-TANGERANG-KOTA", "kapolres")
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    browser_sign_in(page, app_server, "kapolres")
    expect(page.get_by_text("Belum dijawab per Polsek", exact=True)).to_be_visible(timeout=30_000)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    expect(chart.locator("g.role-axis-label text").first).to_be_attached(timeout=15_000)
    labels = axis_labels(chart)
    assert sorted(set(labels) & set(full_registry["polsek"])) == full_registry["polsek"], labels
    page.screenshot(path=artifacts / "overview-kapolres-1366.png")

    make_user(engine, "admin")
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    browser_sign_in(page, app_server)
    page.get_by_role("link", name="Akun & Verifikasi").click()
    expect(page.get_by_text("Per Polres", exact=True)).to_be_visible(timeout=30_000)
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    expect(charts).to_have_count(2, timeout=15_000)
    for chart, names in zip((charts.nth(0), charts.nth(1)), (full_registry["polda"], full_registry["polres"]),
                            strict=True):
        chart.scroll_into_view_if_needed()
        expect(chart.locator("g.role-axis-label text").first).to_be_attached(timeout=15_000)
        labels = axis_labels(chart)
        assert sorted(set(labels) & set(names)) == names, labels


def test_one_polsek_wall_keeps_its_bar_and_legend(app_server, browser, artifacts, wall_data, registry):
    _, token = kiosk_token(registry, "POLSEK-CILEDUG")
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{app_server}/?kiosk={token}")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    expect(chart.locator("g.role-axis-label text").first).to_be_attached(timeout=30_000)
    assert "Ciledug" in axis_labels(chart)
    assert chart.locator("g.role-legend-label text", has_text="Lewat SLA").count() == 1
    assert chart.locator("path.mark-rect, g.mark-rect path").count() >= 1  # the bar itself
    expect(page.get_by_text("begal lagi di jalan raya ciledug", exact=False)).to_be_visible()
    page.wait_for_timeout(1000)
    assert_one_screen(page, 1080)
    page.screenshot(path=artifacts / "wall-one-polsek.png")


def test_kapolres_acts_from_the_unit_drill_down(app_server, browser, artifacts, wall_data, registry):
    """The drill-down opens in view (a dialog) and a status change there goes through lib.workflow."""
    make_user(registry, "pimpinan", "POLRES-METRO-TANGERANG-KOTA", "kapolres")
    with session_scope(registry) as s:
        polres = s.scalar(select(Unit.id).where(Unit.code == "POLRES-METRO-TANGERANG-KOTA"))
        begal = s.scalar(select(Mention.id).where(Mention.text.startswith("begal lagi")))
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    browser_sign_in(page, f"{app_server}/unit?unit={polres}", "kapolres")
    box = page.locator('[data-testid="stSelectbox"]', has_text="Rincian Polsek")
    expect(box).to_be_visible(timeout=30_000)
    box.scroll_into_view_if_needed()
    box.click()
    page.get_by_role("option", name="Polsek Ciledug").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=15_000)
    frame = dialog.locator('[data-testid="stDataFrame"]')
    expect(frame).to_be_visible()
    top = frame.bounding_box()
    assert top is not None and 0 <= top["y"] and top["y"] + top["height"] <= 768  # in view
    page.mouse.click(top["x"] + 16, top["y"] + 35 + 17)  # the first row's selection box
    expect(dialog.get_by_text("begal lagi di jalan raya ciledug, polisi kemana").last).to_be_visible(timeout=15_000)
    dialog.locator('[data-testid="stSelectbox"]', has_text="Status baru").click()
    page.get_by_role("option", name="Ditangani").click()
    dialog.get_by_label("Catatan (opsional)").fill("anggota ke lokasi")
    dialog.get_by_role("button", name="Simpan status").click()
    expect(dialog.get_by_text("Status diubah menjadi 'Ditangani'.")).to_be_visible(timeout=15_000)
    page.screenshot(path=artifacts / "unit-drill-down-1366.png")
    with session_scope(registry) as s:
        m = s.get(Mention, begal)
        assert (m.status, m.updated_by) == ("ditangani", "kapolres")
