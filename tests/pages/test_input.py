"""The input page stores a typed-in complaint at the right moment and unit, and rejects a bad file
without storing anything."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from lib.config import ROOT
from lib.db import session_scope
from lib.formatting import zone_name
from lib.mentions import MentionFilter, list_mentions
from lib.models import Mention, Unit, utcnow
from lib.scope import NATIONAL
from tests.helpers import login_as, signed_in, unit_id

PAGE = str(ROOT / "pages" / "input.py")


def fill(at: AppTest, text: str) -> None:
    [area] = [t for t in at.text_area if t.label == "Isi sebutan / aduan"]
    area.input(text)


def save(at: AppTest) -> AppTest:
    [button] = [b for b in at.button if b.label == "Simpan sebutan"]
    return button.click().run()


def test_manual_form_stores_a_mention(registry):
    at = signed_in(AppTest.from_file(PAGE, default_timeout=60)).run()
    assert not at.exception
    unit = at.selectbox(key="manual_unit")
    assert unit.value is None  # no silent default unit for a national admin
    with session_scope(registry) as s:
        ciledug = unit_id(s, "POLSEK-CILEDUG")
    unit.set_value(ciledug).run()
    fill(at, "Pak, ada pungli di pos jalan raya ciledug")
    save(at)
    assert [s.value for s in at.success][0].startswith("Sebutan disimpan untuk Polsek Ciledug")
    with session_scope(registry) as s:
        m = s.scalar(select(Mention))
        assert (m.platform, m.text, m.unit_id) == ("whatsapp", "Pak, ada pungli di pos jalan raya ciledug", ciledug)
        assert s.scalar(select(func.count(Mention.id))) == 1
    assert [t.value for t in at.text_area if t.label == "Isi sebutan / aduan"] == [""]  # a fresh form


def test_without_a_unit_nothing_is_stored_and_nothing_is_lost(registry):
    at = signed_in(AppTest.from_file(PAGE, default_timeout=60)).run()
    fill(at, "aduan yang belum punya unit")
    save(at)
    assert any("Pilih unit penerima" in e.value for e in at.error)
    assert [t.value for t in at.text_area if t.label == "Isi sebutan / aduan"] == ["aduan yang belum punya unit"]
    with session_scope(registry) as s:
        assert s.scalar(select(func.count(Mention.id))) == 0


def test_an_operator_gets_his_own_unit(registry):
    at = AppTest.from_file(PAGE, default_timeout=60)
    login_as(at, "operator", "POLSEK-CILEDUG")
    at.run()
    with session_scope(registry) as s:
        assert at.selectbox(key="manual_unit").value == unit_id(s, "POLSEK-CILEDUG")


@pytest.mark.parametrize(("code", "zone"), [("POLSEK-CILEDUG", "Asia/Jakarta"),
                                             ("POLSEK-BALIKPAPAN-UTARA", "Asia/Makassar"),
                                             ("POLSEK-BALIKPAPAN-UTARA", "Asia/Jayapura")])
def test_a_complaint_entered_now_is_zero_minutes_old_in_the_inbox(registry, code, zone):
    """WIB, WITA and WIT alike: 'now' is stored as the true UTC moment, never the server's clock
    mislabelled as local time."""
    with session_scope(registry) as s:
        uid = unit_id(s, code)
        s.get(Unit, uid).timezone = zone  # the test registry has no WIT unit: make one
    at = signed_in(AppTest.from_file(PAGE, default_timeout=60)).run()
    at.selectbox(key="manual_unit").set_value(uid).run()
    assert f"({zone_name(zone)}," in at.date_input[0].label
    day = at.date_input[0].value
    assert day == datetime.now(ZoneInfo(zone)).date()  # the unit's local today is the default
    fill(at, f"kebakaran sekarang di {code}")
    save(at)
    with session_scope(registry) as s:
        frame = list_mentions(s, NATIONAL, MentionFilter(), 60)
    assert len(frame) == 1 and frame["age_minutes"].iloc[0] < 1
    assert abs((frame["created_at"].iloc[0] - utcnow()).total_seconds()) < 60


def test_an_earlier_time_is_read_in_the_units_zone(registry):
    at = signed_in(AppTest.from_file(PAGE, default_timeout=60)).run()
    with session_scope(registry) as s:
        uid = unit_id(s, "POLSEK-BALIKPAPAN-UTARA")  # WITA, UTC+8
    at.selectbox(key="manual_unit").set_value(uid).run()
    yesterday = datetime.now(ZoneInfo("Asia/Makassar")).date() - timedelta(days=1)
    [now] = [c for c in at.checkbox if c.label == "Diterima sekarang"]
    now.uncheck()
    at.date_input[0].set_value(yesterday)
    at.time_input[0].set_value(time(9, 30))
    fill(at, "aduan kemarin pagi")
    save(at)
    with session_scope(registry) as s:
        m = s.scalar(select(Mention))
        assert m.created_at == datetime.combine(yesterday, time(1, 30), ZoneInfo("UTC"))
