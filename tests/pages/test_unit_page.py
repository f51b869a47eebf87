"""The Unit page (a Kapolres' view) and the overview's league and trend, run as scripts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from lib.db import session_scope
from lib.models import Mention, Unit, utcnow
from tests.helpers import signed_in

TIMEOUT = 60
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def traffic(registry: Engine) -> dict[str, int]:
    """Recent mentions relative to the real clock (the pages use it): Benda has two open ones, one of
    them overdue; Ciledug answered one in 20 minutes; Balikpapan Utara has one open."""
    now = utcnow()
    rows = [("POLSEK-BENDA", 90, None, "Jalan macet parah di Benda"), ("POLSEK-BENDA", 10, None, "Ada begal?"),
            ("POLSEK-CILEDUG", 120, 20, "Terima kasih pak"), ("POLSEK-BALIKPAPAN-UTARA", 30, None, "Lapor pak")]
    with session_scope(registry) as s:
        ids = dict(s.execute(select(Unit.code, Unit.id)).all())
        for i, (code, age, answer, text) in enumerate(rows):
            created = now - timedelta(minutes=age)
            s.add(Mention(platform="x", external_id=f"p{i}", unit_id=ids[code], text=text, created_at=created,
                          answered_at=None if answer is None else created + timedelta(minutes=answer),
                          status="baru" if answer is None else "selesai"))
    return ids


def test_unit_page_shows_polres_and_each_polsek(traffic: dict[str, int]) -> None:
    at = signed_in(AppTest.from_file(str(ROOT / "pages" / "unit.py"), default_timeout=TIMEOUT))
    at.query_params["unit"] = str(traffic["POLRES-METRO-TANGERANG-KOTA"])
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Sebutan (7 hari)"] == "3" and metrics["Belum dijawab"] == "2" and metrics["Lewat SLA"] == "1"
    assert metrics["Darurat belum dijawab"] == "0"  # the burning strip sits above the figures
    assert metrics["Median respons"] == "20 mnt"
    league = at.dataframe[0].value
    assert sorted(league["Unit"]) == ["Polsek Benda", "Polsek Ciledug"]
    assert league.iloc[0]["Unit"] == "Polsek Benda"  # most overdue first
    assert len(at.get("vega_lite_chart")) == 1  # the daily trend


def test_unit_page_drills_down_to_a_polsek(traffic: dict[str, int]) -> None:
    at = signed_in(AppTest.from_file(str(ROOT / "pages" / "unit.py"), default_timeout=TIMEOUT))
    at.query_params["unit"] = str(traffic["POLRES-METRO-TANGERANG-KOTA"])
    at.run()
    at.selectbox(key="unit_drill").set_value(traffic["POLSEK-BENDA"]).run()
    assert not at.exception
    items = at.dataframe[-1].value  # in the dialog
    assert items["Teks"].tolist() == ["Jalan macet parah di Benda", "Ada begal?"]  # oldest first
    assert items["Umur"].iloc[0].startswith("⏰")
    assert items["Status"].tolist() == ["Baru", "Baru"]  # labels, not raw codes


def test_unit_page_switches_polres(traffic: dict[str, int]) -> None:
    at = signed_in(AppTest.from_file(str(ROOT / "pages" / "unit.py"), default_timeout=TIMEOUT))
    at.run()
    at.selectbox(key="unit_polres").set_value(traffic["POLRESTA-BALIKPAPAN"]).run()
    assert not at.exception
    assert at.query_params["unit"] in (str(traffic["POLRESTA-BALIKPAPAN"]), [str(traffic["POLRESTA-BALIKPAPAN"])])
    assert at.dataframe[0].value["Unit"].tolist() == ["Polsek Balikpapan Utara"]
    assert {m.label: m.value for m in at.metric}["Belum dijawab"] == "1"


def test_overview_shows_league_and_trend(traffic: dict[str, int]) -> None:
    at = signed_in(AppTest.from_file(str(ROOT / "pages" / "ringkasan.py"), default_timeout=TIMEOUT))
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Belum dijawab"] == "3"
    league = at.dataframe[-1].value
    assert league["Unit"].tolist()[:1] == ["Polda Metro Jaya"]  # two overdue-or-open vs one
    at.segmented_control(key="overview_period").set_value(30).run()
    assert not at.exception
    assert any("30 hari" in s.value for s in at.subheader)


def test_status_change_shows_at_once(traffic: dict[str, int], engine: Engine) -> None:
    """Cached figures are keyed on the data version: a status change is visible on the next run."""
    from lib.scope import NATIONAL
    from lib.workflow import change_status

    at = signed_in(AppTest.from_file(str(ROOT / "pages" / "ringkasan.py"), default_timeout=TIMEOUT))
    at.run()
    assert {m.label: m.value for m in at.metric}["Belum dijawab"] == "3"
    with session_scope(engine) as s:
        m = s.scalar(select(Mention).where(Mention.external_id == "p0"))
        assert change_status(s, NATIONAL, m.id, m.version, "ditangani", "tester").ok
    at.run()
    assert {m.label: m.value for m in at.metric}["Belum dijawab"] == "2"
