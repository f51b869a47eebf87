"""One pass of the alert worker: detect, record events once, send what is due. The clock is a
parameter (tests run it with a fake one); the loop lives in `__main__`."""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy.orm import Session

from lib.alerts import detect
from lib.alerts.channels import Attachment, Channel, EmailChannel, Message, TelegramChannel
from lib.alerts.events import record_events
from lib.alerts.outbox import send_due
from lib.alerts.settings import AlertSettings
from lib.models import AlertEvent, Unit
from lib.reports import daily_report, render_files

_DAILY = re.compile(r"^daily_report:(\d+):(\d{4}-\d{2}-\d{2})$")


def channels_from(cfg: AlertSettings) -> dict[str, Channel]:
    """The channels that are configured (a missing one leaves its deliveries waiting, shown as such)."""
    out: dict[str, Channel] = {}
    if cfg.telegram_bot_token:
        out["telegram"] = TelegramChannel(cfg.telegram_bot_token)
    for name, token in cfg.telegram_bots:
        out[f"telegram:{name}"] = TelegramChannel(token)
    if cfg.smtp_host:
        out["email"] = EmailChannel(cfg.smtp_host, cfg.smtp_port, cfg.smtp_from, cfg.smtp_user, cfg.smtp_password,
                                    cfg.smtp_starttls)
    return out


def message_for(session: Session, sla: int, now: datetime):
    """Builds each event's message once per pass; the daily report's PDF and Excel are attached."""

    def build(event: AlertEvent) -> Message:
        attachments: tuple[Attachment, ...] = ()
        match = _DAILY.match(event.subject)
        if match:
            unit = session.get(Unit, int(match.group(1))) if match.group(1) != "0" else None
            report = daily_report(session, unit.code if unit else None, date.fromisoformat(match.group(2)), sla,
                                  now=now)
            files = render_files(report)
            attachments = (Attachment(f"{report.file_stem()}.pdf", files["pdf"], "application/pdf"),
                           Attachment(f"{report.file_stem()}.xlsx", files["xlsx"],
                                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        return Message(event.title, event.body, event.link, attachments)

    return build


def run_once(session: Session, cfg: AlertSettings, sla: int, now: datetime,
             channels: dict[str, Channel] | None = None) -> dict[str, int]:
    """Detect every kind, record new events (clearing ended ones), send due deliveries."""
    candidates = [
        *detect.urgent_unanswered(session, cfg, now),
        *detect.overdue_units(session, cfg, sla, now),
        *detect.growing_issues(session, cfg, now),
        *detect.campaigns(session, cfg, now),
        *detect.daily_reports_due(session, cfg, now),
    ]
    new = record_events(session, candidates, detect.KINDS, now)
    result = send_due(session, channels_from(cfg) if channels is None else channels, now, cfg.rate_per_minute,
                      cfg.max_attempts, message_for(session, sla, now))
    return {"events": len(new), **result}
