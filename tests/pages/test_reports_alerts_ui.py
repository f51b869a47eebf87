"""The UI of issue 16 through AppTest: report downloads on Ringkasan and Unit, tickets and evidence
in the inbox dialog, ticket search, and failed alert deliveries on Sumber Data."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from lib.alerts.events import add_subscription
from lib.config import ROOT
from lib.db import session_scope
from lib.models import AlertDelivery, AlertEvent, EvidenceFile, TicketLink, utcnow
from tests.helpers import add_mentions, minutes, signed_in, unit_id


def page(name: str) -> AppTest:
    return signed_in(AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=60))


def downloads(at: AppTest) -> list[str]:
    return [d.proto.label for d in at.get("download_button")]


def test_overview_builds_daily_report_for_download(registry):
    with session_scope(registry) as s:
        add_mentions(s, "polsekciledug", [("c1", "tolong ada begal", utcnow() - timedelta(days=1))])
    at = page("ringkasan").run()
    assert not at.exception
    assert downloads(at) == []
    at.button(key="overview_report_make").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert downloads(at) == ["Unduh PDF", "Unduh Excel"]


def test_unit_page_handover_refusal_is_a_clear_message(registry):
    at = page("unit").run()
    at.radio(key="unit_report_kind").set_value("serah").run()
    at.date_input(key="unit_report_sday").set_value(utcnow().date() + timedelta(days=0)).run()
    at.time_input(key="unit_report_stime").set_value(time(23, 59)).run()
    at.button(key="unit_report_make").click().run()
    assert not at.exception
    assert any("belum selesai" in e.value for e in at.error)


def test_inbox_dialog_links_ticket_and_keeps_evidence(registry):
    with session_scope(registry) as s:
        [m] = add_mentions(s, "polsekciledug", [("h1", "Beredar hoaks penculikan, sebarkan!", utcnow() - minutes(30))])
    at = page("kotak_masuk").run()
    at.selectbox(key="one_id").select(m.id).run()
    at.button(key="open_dialog").click().run()
    [number] = [t for t in at.text_input if t.label == "Nomor tiket"]
    number.input("LAP-2026-77")
    [link] = [b for b in at.button if b.label == "Tautkan tiket"]
    link.click().run()
    assert any(s.value == "Tiket ditautkan." for s in at.success)
    [keep] = [b for b in at.button if b.label == "Simpan sebagai bukti"]
    keep.click().run()
    assert any(s.value.startswith("Berkas bukti disimpan. SHA-256 ") for s in at.success)
    with session_scope(registry) as s:
        assert s.scalar(select(TicketLink.ticket_id)) == "LAP-2026-77"
        assert s.scalar(select(EvidenceFile.mention_id)) == m.id

    at = page("kotak_masuk").run()
    at.text_input(key="ticket_search").input("lap-2026").run()
    table = at.dataframe[0].value
    assert table["ID"].tolist() == [m.id] and table["Tiket"].tolist() == ["LAPOR! LAP-2026-77"]


def test_sources_page_shows_failed_delivery_and_resends(registry):
    now = utcnow()
    with session_scope(registry) as s:
        add_subscription(s, "admin", unit_id(s, "POLSEK-CILEDUG"), "telegram", "-100777", kinds=["urgent"])
        event = AlertEvent(key="urgent:1#1", subject="urgent:1", kind="urgent", title="DARURAT belum dijawab",
                           body="x", created_at=now)
        s.add(event)
        s.flush()
        s.add(AlertDelivery(event_id=event.id, channel="telegram", target="-100777", status="failed", attempts=8,
                            last_error="ApiTelegramException: chat not found", next_attempt_at=now, created_at=now))
    at = page("admin_sources").run()
    assert not at.exception
    assert any("gagal (menyerah) 1" in c.value for c in at.caption)
    problems = at.dataframe[0].value
    assert problems["last_error"].tolist() == ["ApiTelegramException: chat not found"]
    [resend] = [b for b in at.button if b.label == "Kirim ulang sekarang"]
    resend.click().run()
    with session_scope(registry) as s:
        d = s.scalar(select(AlertDelivery))
        assert (d.status, d.attempts) == ("pending", 0)


def test_alert_link_opens_the_item(registry):
    with session_scope(registry) as s:
        [m] = add_mentions(s, "polsekciledug", [("u1", "tolong darurat", utcnow() - minutes(20))])
    at = page("kotak_masuk")
    at.query_params["mention"] = str(m.id)
    at.run()
    assert not at.exception
    assert [s.label for s in at.selectbox if s.label == "Status baru"] == ["Status baru"]
    assert "mention" not in at.query_params
