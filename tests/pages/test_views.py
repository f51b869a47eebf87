"""Every page renders through AppTest and shows the right figures for a known small data set."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from lib import audit
from lib.config import ROOT
from lib.db import session_scope
from lib.models import Mention, utcnow
from tests.helpers import add_mentions, minutes, signed_in

TIMEOUT = 60


def page(name: str) -> AppTest:
    """The page, signed in as the national admin `admin`."""
    return signed_in(AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=TIMEOUT))


@pytest.fixture
def data(registry):
    """Ciledug (SLA 30): one overdue, one fresh, one answered; Balikpapan Utara: one overdue."""
    now = utcnow()
    with session_scope(registry) as s:
        add_mentions(s, "polsekciledug", [("c1", "tolong ada begal di ciledug", now - minutes(45)),
                                          ("c2", "makasih pak polisi", now - minutes(5)),
                                          ("c3", "mau tanya skck", now - minutes(300))],
                     replies=[("c3", now - minutes(280))])
        add_mentions(s, "polsekbpputara", [("b1", "macet parah gak ada petugas", now - minutes(120))])
        s.execute(update(Mention).values(sentiment="neutral"))
        s.execute(update(Mention).where(Mention.external_id.in_(["c1", "b1"])).values(sentiment="negative"))
    return registry


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_shows_known_figures(data):
    at = page("ringkasan").run()
    assert not at.exception
    values = metric_values(at)
    assert values["Belum dijawab"] == "3"
    assert values["Lewat SLA"] == "2"
    assert values["Median respons (7 hari)"] == "20 mnt"
    assert values["Sebutan negatif (7 hari)"] == "50%"
    assert len(at.get("vega_lite_chart")) == 2  # Polsek backlog and the daily trend


def test_overview_scope_picker_narrows_figures(data):
    at = page("ringkasan").run()
    picker = at.selectbox(key="scope")
    kaltim = next(o for o in picker.options if "Kalimantan Timur" in o)
    picker.select(kaltim).run()
    assert metric_values(at)["Belum dijawab"] == "1"


def test_wall_mode_has_no_picker_and_reads_unit_from_url(data):
    with session_scope(data) as s:
        from tests.helpers import unit

        metro = unit(s, "POLDA-METRO-JAYA").id
    at = page("ringkasan")
    at.query_params["mode"] = "wall"
    at.query_params["unit"] = str(metro)
    at.run()
    assert not at.exception
    assert len(at.selectbox) == 0 and len(at.title) == 0
    assert metric_values(at)["Belum dijawab"] == "2"


def test_inbox_dialog_changes_status_and_writes_audit(data):
    at = page("kotak_masuk").run()
    assert not at.exception
    with session_scope(data) as s:
        target = s.scalar(select(Mention).where(Mention.external_id == "c1"))
    at.selectbox(key="one_id").select(target.id).run()
    at.button(key="open_dialog").click().run()
    [status] = [s for s in at.selectbox if s.label == "Status baru"]
    status.select("ditangani")
    [note] = [t for t in at.text_area if t.label == "Catatan"]
    note.input("sudah ditelepon")
    [save] = [b for b in at.button if b.label == "Simpan"]
    save.click().run()
    assert [t.value for t in at.toast] == ["Status diubah menjadi 'Ditangani'."]
    with session_scope(data) as s:
        m = s.get(Mention, target.id)
        assert (m.status, m.answered_by) == ("ditangani", "admin")
        [entry] = audit.history(s, "mention", m.id)
        assert (entry.actor, entry.from_value, entry.to_value, entry.note) == (
            "admin", "baru", "ditangani", "sudah ditelepon")


def test_correction_then_status_change_in_the_same_dialog(data):
    """Saving a correction bumps the version; the user's own status change after it is no conflict."""
    at = page("kotak_masuk").run()
    with session_scope(data) as s:
        target = s.scalar(select(Mention).where(Mention.external_id == "c2"))
    at.selectbox(key="one_id").select(target.id).run()
    at.button(key="open_dialog").click().run()
    at.selectbox(key=f"cs_{target.id}").select("positive")
    [fix] = [b for b in at.button if b.label == "Simpan koreksi"]
    fix.click().run()
    assert any("Koreksi analisis disimpan" in s.value for s in at.success)
    [status] = [s for s in at.selectbox if s.label == "Status baru"]
    status.select("selesai")
    [save] = [b for b in at.button if b.label == "Simpan"]
    save.click().run()
    assert not at.error, [e.value for e in at.error]
    with session_scope(data) as s:
        m = s.get(Mention, target.id)
        assert (m.sentiment, m.status, m.version) == ("positive", "selesai", 3)


def test_inbox_filters_by_sentiment_and_text(data):
    at = page("kotak_masuk").run()
    assert "3 sebutan cocok" in at.caption[0].value  # the default view: unanswered only
    at.toggle[0].set_value(False).run()
    assert "4 sebutan cocok" in at.caption[0].value
    [sentiment] = [m for m in at.multiselect if m.label == "Sentimen"]
    sentiment.select("negative").run()
    assert "2 sebutan cocok" in at.caption[0].value
    at.text_input[0].input("macet").run()
    assert "1 sebutan cocok" in at.caption[0].value


def test_inbox_bulk_marking(data):
    at = page("kotak_masuk").run()
    assert len(at.dataframe) == 1  # the grid; rows are ticked through its selection
    assert list(at.dataframe[0].value.columns)[:4] == ["status", "umur", "sla", "penanda"]  # badges first
    # Nothing ticked: the bulk form says so instead of acting.
    [apply] = [b for b in at.button if b.label == "Terapkan ke yang dipilih"]
    apply.click().run()
    assert any("Belum ada sebutan yang dipilih" in w.value for w in at.warning)


def test_issues_page_lists_and_closes_an_issue(data):
    with session_scope(data) as s:
        from lib.issues import regroup

        s.execute(update(Mention).where(Mention.external_id == "c1").values(topic="begal ciledug"))
        regroup(s)
    at = page("isu_negatif").run()
    assert not at.exception
    assert len(at.dataframe) >= 2
    [close] = [b for b in at.button if b.label.startswith("Tandai ") and b.label.endswith(" sebutan ditangani")]
    promised = int(close.label.split()[1])
    assert any(f"mengubah {promised} sebutan" in t.value for t in at.text)  # told before the click
    close.click().run()
    assert any(f"{promised} sebutan diubah menjadi 'Ditangani'" in s.value for s in at.success), \
        [s.value for s in at.success]


def test_accounts_page_shows_compliance(data):
    at = page("akun").run()
    assert not at.exception
    values = metric_values(at)
    assert values["Unit dalam cakupan"] == "7"
    assert values["Memenuhi mandat"] == "0"


def test_broken_database_shows_message_not_traceback(engine, monkeypatch, tmp_path):
    bad = tmp_path / "rusak.db"
    bad.write_bytes(b"garbage" * 500)
    monkeypatch.setenv("PANTAU_DATABASE_URL", f"sqlite:///{bad}")
    at = page("ringkasan").run()
    assert not at.exception
    assert "tidak dapat dibuka" in at.error[0].value


def test_failed_sync_keeps_data_and_warns(data, monkeypatch):
    from lib import sync

    def broken(*args, **kwargs):
        raise ConnectionError("server X tidak menjawab")

    monkeypatch.setattr(sync, "run", broken)
    monkeypatch.setenv("PANTAU_DEMO_SOURCE", "1")
    at = page("ringkasan").run()
    assert any(w.value.startswith("Sinkronisasi gagal (semua sumber)") for w in at.warning)
    assert not any("tidak menjawab" in w.value or "ConnectionError" in w.value for w in at.warning)
    assert metric_values(at)["Belum dijawab"] == "3"


def test_a_sync_error_with_sql_is_not_shown_to_the_user(data, monkeypatch):
    """Issue 11, item 6: the raw exception (SQL, parameters, mention text) stays in the server log."""
    from lib import sync

    def poisoned(*args, **kwargs):
        return sync.RunResult("ran", errors=["demo: DataError: INSERT INTO mentions ... [parameters: {'text': "
                                             "'**rahasia** [klik](javascript:x)'}]"])

    monkeypatch.setattr(sync, "run", poisoned)
    monkeypatch.setenv("PANTAU_DEMO_SOURCE", "1")
    at = page("ringkasan").run()
    shown = " ".join(w.value for w in at.warning)
    assert "Sinkronisasi gagal (demo)" in shown
    assert "INSERT" not in shown and "rahasia" not in shown and "parameters" not in shown


def test_unanswered_and_recent_timestamps_are_timezone_local(data):
    at = page("kotak_masuk").run()
    frame = at.dataframe[0].value
    assert frame["waktu"].str.endswith(("WIB", "WITA")).all()
    assert timedelta  # keep import used for readability of fixtures


@pytest.mark.parametrize("view", ["Per Polres & Polda", "Unit × platform", "Belum terverifikasi", "Semua akun"])
def test_accounts_page_renders_each_view_alone(data, view):
    at = page("akun").run()
    at.button_group(key="accounts_view").set_value(view).run()
    assert not at.exception
    tables = len(at.dataframe)
    charts = sum(len(at.get(kind)) for kind in ("arrow_vega_lite_chart", "vega_lite_chart", "altair_chart"))
    assert (charts, tables) == ((2, 0) if view == "Per Polres & Polda" else (0, 1))


def test_overview_map_needs_no_internet_and_names_every_unit(data):
    """The map's base style is inline (no basemaps.cartocdn.com, which a closed command-room network
    refuses) and every Polda point carries its name (lib/map_labels.py places them apart)."""
    import json

    at = page("ringkasan").run()
    (chart,) = at.get("deck_gl_json_chart")
    spec = json.loads(chart.proto.json)
    assert spec["mapStyle"].startswith("data:application/json,") and "http" not in spec["mapStyle"]
    text_layer = next(layer for layer in spec["layers"] if layer["@@type"] == "TextLayer")
    assert text_layer["getPixelOffset"] == "@@=offset"
    assert text_layer["data"] and all(row["label"] for row in text_layer["data"])
    assert "http" not in chart.proto.json  # nothing else points online either
