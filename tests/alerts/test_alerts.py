"""Alerts against a fake clock (every pass is given its `now`), a recorded Telegram Bot API
(`responses`) and a local in-process SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import re
import socket
from datetime import timedelta
from email import message_from_bytes
from email import policy as email_policy
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from lib.alerts.channels import EmailChannel, TelegramChannel
from lib.alerts.detect import campaign_key
from lib.alerts.events import SubscriptionError, add_subscription
from lib.alerts.outbox import delivery_problems, retry_now
from lib.alerts.settings import AlertSettings
from lib.alerts.worker import run_once
from lib.models import AlertDelivery, AlertEvent, AuditEntry, Issue
from tests.helpers import unit_id
from tests.reports.conftest import put, utc

TOKEN = "123456:TEST-token-never-shown"
SEND = re.compile(r"https://api\.telegram\.org/bot.+/sendMessage")
DOC = re.compile(r"https://api\.telegram\.org/bot.+/sendDocument")
T0 = utc(2026, 11, 26, 2, 0)  # 09:00 WIB, 10:00 WITA
BPP_CODE = "POLSEK-BALIKPAPAN-UTARA"
CFG = AlertSettings(public_url="https://pantau.polri.test", urgent_minutes=10, overdue_threshold=2,
                    rate_per_minute=20, max_attempts=3)
RECORDED_OK = {"ok": True, "result": {"message_id": 7, "date": 1764122400,
                                      "chat": {"id": -1001234, "type": "supergroup", "title": "Piket"},
                                      "text": "..."}}
RECORDED_DOC = {"ok": True, "result": {"message_id": 8, "date": 1764122400,
                                       "chat": {"id": -1001234, "type": "supergroup", "title": "Piket"},
                                       "document": {"file_id": "f", "file_unique_id": "u"}}}
RECORDED_429 = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 5",
                "parameters": {"retry_after": 5}}


def telegram():
    return {"telegram": TelegramChannel(TOKEN)}


def sent_texts(calls) -> list[dict]:
    """The parameters of each recorded sendMessage (pyTelegramBotAPI sends them in the query string)."""
    return [dict(parse_qsl(urlsplit(c.request.url).query)) for c in calls if "sendMessage" in c.request.url]


def subscribe(session, code, target="-1001234", kinds=("urgent",), channel="telegram"):
    sub = add_subscription(session, "admin", unit_id(session, code) if code else None, channel, target, "pimpinan",
                           kinds)
    session.commit()
    return sub


@responses.activate
def test_urgent_mention_alerts_once_per_event(registry, session):
    responses.add(responses.POST, SEND, json=RECORDED_OK)
    subscribe(session, "POLRES-METRO-TANGERANG-KOTA")
    subscribe(session, "POLDA-KALTIM", target="-999")  # another Polda: must not hear about Ciledug
    m = put(session, "POLSEK-CILEDUG", T0, flags="urgent", text="Tolong pak ada begal <b>sekarang</b>!",
            author="korban")
    put(session, "POLSEK-CILEDUG", T0, text="terima kasih pak")  # not urgent
    session.commit()

    assert run_once(session, CFG, 60, T0 + timedelta(minutes=5), telegram())["events"] == 0
    first = run_once(session, CFG, 60, T0 + timedelta(minutes=11), telegram())
    assert (first["events"], first["sent"]) == (1, 1)
    for minute in (12, 30, 90):  # the condition holds; no second message
        assert run_once(session, CFG, 60, T0 + timedelta(minutes=minute), telegram())["sent"] == 0
    assert len(responses.calls) == 1
    sent = sent_texts(responses.calls)[0]
    assert sent["chat_id"] == "-1001234"
    assert "parse_mode" not in sent  # plain text: the post's <b> is not markup
    assert "DARURAT belum dijawab 11 mnt – Polsek Ciledug" in sent["text"]
    assert "<b>sekarang</b>" in sent["text"]
    assert f"https://pantau.polri.test/kotak_masuk?mention={m.id}" in sent["text"]
    assert TOKEN not in sent["text"]

    # Answered: the event is cleared, nothing is sent.
    m.answered_at = T0 + timedelta(minutes=95)
    session.commit()
    run_once(session, CFG, 60, T0 + timedelta(minutes=96), telegram())
    event = session.scalar(select(AlertEvent).where(AlertEvent.kind == "urgent"))
    assert event.cleared_at == T0 + timedelta(minutes=96)
    assert len(responses.calls) == 1
    audited = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "alert",
                                                              AuditEntry.entity_id == event.id)).all()
    assert sorted(audited) == ["event", "kirim-telegram"]
    assert session.scalar(select(func.count()).where(AlertEvent.kind == "urgent")) == 1


@responses.activate
def test_failed_delivery_is_retried_and_shown(registry, session):
    responses.add(responses.POST, SEND, json=RECORDED_429, status=429)
    responses.add(responses.POST, SEND, json=RECORDED_OK)
    subscribe(session, "POLSEK-CILEDUG")
    put(session, "POLSEK-CILEDUG", T0, flags="urgent", text="darurat tolong")
    session.commit()

    now = T0 + timedelta(minutes=15)
    assert run_once(session, CFG, 60, now, telegram())["failed"] == 1
    problems = delivery_problems(session)
    assert problems["status"].tolist() == ["pending"] and problems["attempts"].tolist() == [1]
    assert "429" in problems["last_error"].iloc[0] and TOKEN not in problems["last_error"].iloc[0]
    assert run_once(session, CFG, 60, now + timedelta(seconds=30), telegram())["sent"] == 0  # back-off: not due
    assert run_once(session, CFG, 60, now + timedelta(minutes=1), telegram())["sent"] == 1
    assert len(responses.calls) == 2
    assert delivery_problems(session).empty
    outcomes = session.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "kirim-telegram")
                               .order_by(AuditEntry.id)).all()
    assert outcomes == ["error", "ok"]


@responses.activate
def test_delivery_gives_up_then_admin_resends(registry, session):
    responses.add(responses.POST, SEND, json={"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
                  status=400)
    subscribe(session, "POLSEK-CILEDUG", target="-404")
    put(session, "POLSEK-CILEDUG", T0, flags="urgent")
    session.commit()
    now = T0 + timedelta(minutes=15)
    for _ in range(CFG.max_attempts):
        run_once(session, CFG, 60, now, telegram())
        now += timedelta(hours=2)
    d = session.scalar(select(AlertDelivery))
    assert (d.status, d.attempts) == ("failed", 3)
    assert "chat not found" in d.last_error
    run_once(session, CFG, 60, now, telegram())
    assert len(responses.calls) == 3  # given up: no more attempts on its own
    assert retry_now(session, "admin", d.id, now)
    session.refresh(d)
    assert (d.status, d.attempts) == ("pending", 0)


@responses.activate
def test_rate_limit_per_chat(registry, session):
    responses.add(responses.POST, SEND, json=RECORDED_OK)
    subscribe(session, "POLSEK-CILEDUG")
    for i in range(25):
        put(session, "POLSEK-CILEDUG", T0 + timedelta(seconds=i), flags="urgent", text=f"tolong {i}")
    session.commit()
    now = T0 + timedelta(minutes=20)
    first = run_once(session, CFG, 60, now, telegram())
    assert (first["events"], first["sent"], first["deferred"]) == (25, 20, 5)
    assert run_once(session, CFG, 60, now + timedelta(seconds=20), telegram())["sent"] == 0
    assert run_once(session, CFG, 60, now + timedelta(seconds=61), telegram())["sent"] == 5
    assert len(responses.calls) == 25


@responses.activate
def test_overdue_threshold_alerts_once_per_crossing(registry, session):
    responses.add(responses.POST, SEND, json=RECORDED_OK)
    subscribe(session, None, kinds=("overdue",))  # national
    a = put(session, "POLSEK-BENDA", T0 - timedelta(hours=3))
    put(session, "POLSEK-BENDA", T0 - timedelta(hours=2))
    session.commit()
    assert run_once(session, CFG, 60, T0, telegram())["sent"] == 1
    assert run_once(session, CFG, 60, T0 + timedelta(minutes=5), telegram())["sent"] == 0
    a.answered_at = T0 + timedelta(minutes=6)  # one overdue left: below the threshold, cleared
    session.commit()
    run_once(session, CFG, 60, T0 + timedelta(minutes=7), telegram())
    put(session, "POLSEK-BENDA", T0 - timedelta(hours=1))  # crosses again: a new event
    session.commit()
    assert run_once(session, CFG, 60, T0 + timedelta(minutes=8), telegram())["sent"] == 1
    keys = session.scalars(select(AlertEvent.key).order_by(AlertEvent.id)).all()
    assert keys == [f"overdue:{unit_id(session, 'POLSEK-BENDA')}#1", f"overdue:{unit_id(session, 'POLSEK-BENDA')}#2"]
    assert "Polsek Benda: 2 sebutan lewat SLA" in sent_texts(responses.calls)[0]["text"]


@responses.activate
def test_growing_issue_and_campaign(registry, session):
    responses.add(responses.POST, SEND, json=RECORDED_OK)
    subscribe(session, "POLDA-METRO-JAYA", kinds=("issue_growth", "campaign"))
    issue = Issue(topic="begal", title="Begal di Jl. Raya Ciledug", first_seen=T0, last_seen=T0)
    session.add(issue)
    session.flush()
    for i in range(6):  # 6 in the last hour against a baseline of 1 in the day before
        put(session, "POLSEK-CILEDUG", T0 - timedelta(minutes=5 * i + 1), sentiment="negative").issue_id = issue.id
    put(session, "POLSEK-CILEDUG", T0 - timedelta(hours=10), sentiment="negative").issue_id = issue.id
    hoax = "Beredar pesan: penculikan anak di Ciledug, polisi diam saja! Sebarkan"
    for i, text in enumerate([hoax, hoax.upper() + " https://t.co/x", "@polsekciledug " + hoax + "!!"]):
        put(session, "POLSEK-BENDA", T0 - timedelta(minutes=30 + i), flags="hoax", text=text, author=f"akun{i}")
    session.commit()
    assert run_once(session, CFG, 60, T0, telegram())["events"] == 2
    assert run_once(session, CFG, 60, T0 + timedelta(minutes=2), telegram())["events"] == 0
    texts = [s["text"] for s in sent_texts(responses.calls)]
    assert any("Isu tumbuh cepat: Begal di Jl. Raya Ciledug" in t for t in texts)
    assert any("Kampanye hoaks menyebar: 3 akun, 1 unit" in t for t in texts)
    assert campaign_key(hoax) == campaign_key("@x " + hoax.lower() + " http://a.b")


def test_daily_report_by_email_at_local_time(registry, session):
    received = []

    class Handler:
        async def handle_DATA(self, server, smtp_session, envelope):  # noqa: N802 (aiosmtpd's hook name)
            received.append(envelope)
            return "250 OK"

    with socket.socket() as probe:  # a free local port (aiosmtpd's readiness check cannot use port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        email = {"email": EmailChannel("127.0.0.1", port, "pantau@polri.test", starttls=False)}
        subscribe(session, "POLRESTA-BALIKPAPAN", target="kapolres@polri.test", kinds=("daily_report",),
                  channel="email")
        put(session, "POLSEK-BALIKPAPAN-UTARA", utc(2026, 11, 25, 3, 0), answered_after=10)
        session.commit()
        # 06:59 WITA on the 26th: not yet; 07:00 WITA: yesterday's report, once.
        assert run_once(session, CFG, 60, utc(2026, 11, 25, 22, 59), email)["events"] == 0
        assert run_once(session, CFG, 60, utc(2026, 11, 25, 23, 0), email)["sent"] == 1
        assert run_once(session, CFG, 60, utc(2026, 11, 26, 4, 0), email)["sent"] == 0
    finally:
        controller.stop()
    assert len(received) == 1
    mail = message_from_bytes(received[0].content, policy=email_policy.default)
    assert received[0].rcpt_tos == ["kapolres@polri.test"]
    assert "Laporan harian Polresta Balikpapan – Rabu, 25 Nov 2026" in mail["Subject"]
    files = {part.get_filename(): part.get_payload(decode=True) for part in mail.walk() if part.get_filename()}
    assert sorted(n.rsplit(".", 1)[1] for n in files) == ["pdf", "xlsx"]
    assert next(v for n, v in files.items() if n.endswith(".pdf")).startswith(b"%PDF")


def test_unconfigured_channel_waits_and_says_why(registry, session):
    subscribe(session, "POLSEK-CILEDUG")
    put(session, "POLSEK-CILEDUG", T0, flags="urgent")
    session.commit()
    assert run_once(session, CFG, 60, T0 + timedelta(minutes=15), {})["deferred"] == 1
    assert "belum dikonfigurasi" in delivery_problems(session)["last_error"].iloc[0]
    assert session.scalar(select(func.count()).select_from(AlertDelivery).where(AlertDelivery.status == "pending")) == 1


def test_subscription_is_validated(registry, session):
    with pytest.raises(SubscriptionError):
        add_subscription(session, "admin", None, "sms", "0812")
    with pytest.raises(SubscriptionError):
        add_subscription(session, "admin", None, "email", "bukan-alamat")
    with pytest.raises(SubscriptionError):
        add_subscription(session, "admin", None, "telegram", "-1", kinds=["gempa"])


@responses.activate
def test_daily_report_to_telegram_as_documents(registry, session):
    responses.add(responses.POST, SEND, json=RECORDED_OK)
    responses.add(responses.POST, DOC, json=RECORDED_DOC)
    subscribe(session, "POLRES-METRO-TANGERANG-KOTA", kinds=("daily_report",))
    subscribe(session, "POLDA-METRO-JAYA", target="-555", kinds=("daily_report",))
    put(session, "POLSEK-CILEDUG", utc(2026, 11, 25, 3, 0), answered_after=10)
    session.commit()
    result = run_once(session, CFG, 60, utc(2026, 11, 26, 0, 30), telegram())  # 07:30 WIB
    assert (result["events"], result["sent"]) == (2, 2)  # one report per subscribed unit, each to its own chat
    texts = {s["chat_id"]: s["text"] for s in sent_texts(responses.calls)}
    assert "Laporan harian Polres Metro Tangerang Kota – Rabu, 25 Nov 2026" in texts["-1001234"]
    assert "Laporan harian Polda Metro Jaya – Rabu, 25 Nov 2026" in texts["-555"]
    documents = [c.request for c in responses.calls if "sendDocument" in c.request.url]
    assert len(documents) == 4
    assert any(b'filename=harian-polres-metro-tangerang-kota-rabu-25-nov-2026.pdf' in d.body for d in documents)
    assert all(TOKEN not in (d.body.decode("latin-1") if isinstance(d.body, bytes) else d.body) for d in documents)


@responses.activate
def test_a_delivery_claimed_by_another_worker_is_not_sent_twice(registry, session, engine):
    from sqlalchemy import update as sql_update

    from lib.alerts.outbox import send_due

    responses.add(responses.POST, SEND, json=RECORDED_OK)
    subscribe(session, "POLSEK-CILEDUG")
    put(session, "POLSEK-CILEDUG", T0, flags="urgent")
    session.commit()
    now = T0 + timedelta(minutes=15)
    run_once(session, CFG, 60, now, {})  # recorded, nothing sent (no channel)
    d = session.scalar(select(AlertDelivery))
    stale = d.attempts

    class OtherWorkerFirst:
        """A channel whose first use happens after another worker claimed the row."""
        name = "telegram"

        def send(self, target, message):
            raise AssertionError("must not be sent: the other worker holds this attempt")

    with engine.begin() as conn:  # the other worker's claim
        conn.execute(sql_update(AlertDelivery).values(attempts=stale + 1))
    d.attempts = stale  # what this worker read before the other one's claim
    result = send_due(session, {"telegram": OtherWorkerFirst()}, now, 20, 8, lambda e: None)
    assert result == {"sent": 0, "failed": 0, "deferred": 0}, result


@responses.activate
def test_a_polda_with_its_own_bot(registry, session):
    from dataclasses import replace

    responses.add(responses.POST, SEND, json=RECORDED_OK)
    cfg = replace(CFG, telegram_bot_token=TOKEN, telegram_bots=(("kaltim", "999:KALTIM-token"),))
    add_subscription(session, "admin", unit_id(session, "POLDA-KALTIM"), "telegram:kaltim", "-777", kinds=["urgent"])
    add_subscription(session, "admin", None, "telegram", "-1", kinds=["urgent"])
    session.commit()
    put(session, BPP_CODE, T0, flags="urgent")
    session.commit()
    assert run_once(session, cfg, 60, T0 + timedelta(minutes=15))["sent"] == 2  # channels from the settings
    by_bot = {urlsplit(c.request.url).path.split("/")[1]: dict(parse_qsl(urlsplit(c.request.url).query))["chat_id"]
              for c in responses.calls}
    assert by_bot == {"bot999:KALTIM-token": "-777", f"bot{TOKEN}": "-1"}
    with pytest.raises(SubscriptionError):
        add_subscription(session, "admin", None, "telegram:Bot Jahat!", "-1")
