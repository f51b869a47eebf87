"""Alert settings (environment or secrets.toml, like every setting): thresholds, channels, links.
The bot token and the SMTP password are read here and only handed to the channel objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from lib.config import float_setting, int_setting, secrets_section, setting


@dataclass(frozen=True)
class AlertSettings:
    public_url: str = "http://localhost:8501"
    urgent_minutes: int = 10  # an urgent mention unanswered this long alerts
    overdue_threshold: int = 10  # a unit with this many overdue mentions alerts (once per crossing)
    issue_min_per_hour: int = 5  # an issue growing: at least this many mentions in the last hour ...
    issue_growth_factor: float = 3.0  # ... and this many times its own hourly baseline (previous 24 h)
    campaign_min_accounts: int = 3  # one hoax/SARA text posted by this many accounts ...
    campaign_hours: int = 6  # ... within this many hours
    rate_per_minute: int = 20  # messages per chat or address per minute (Telegram allows ~20 in a group)
    max_attempts: int = 8  # a delivery failing this often is given up (and shown on Sumber Data)
    report_time: time = time(7, 0)  # the daily report goes out at this local time (for yesterday)
    telegram_bot_token: str | None = None
    telegram_bots: tuple[tuple[str, str], ...] = ()  # (name, token): more bots, e.g. one per Polda
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "pantau@localhost"
    smtp_starttls: bool = True


def load_alert_settings() -> AlertSettings:
    raw_time = setting("report_time", "07:00") or "07:00"
    try:
        report_time = time.fromisoformat(raw_time)
    except ValueError as exc:
        raise RuntimeError(f"PANTAU_REPORT_TIME harus jam seperti 07:00, bukan {raw_time!r}") from exc
    return AlertSettings(
        public_url=(setting("public_url", "http://localhost:8501") or "").rstrip("/"),
        urgent_minutes=int_setting("alert_urgent_minutes", 10),
        overdue_threshold=int_setting("alert_overdue_threshold", 10),
        issue_min_per_hour=int_setting("alert_issue_min_per_hour", 5),
        issue_growth_factor=float_setting("alert_issue_growth_factor", 3.0),
        campaign_min_accounts=int_setting("alert_campaign_min_accounts", 3),
        campaign_hours=int_setting("alert_campaign_hours", 6),
        rate_per_minute=int_setting("alert_rate_per_minute", 20),
        max_attempts=int_setting("alert_max_attempts", 8),
        report_time=report_time,
        telegram_bot_token=setting("telegram_bot_token"),
        telegram_bots=tuple(sorted((str(k), str(v)) for k, v in secrets_section("telegram_bots").items() if v)),
        smtp_host=setting("smtp_host"),
        smtp_port=int_setting("smtp_port", 587),
        smtp_user=setting("smtp_user"),
        smtp_password=setting("smtp_password"),
        smtp_from=setting("smtp_from", "pantau@localhost") or "pantau@localhost",
        smtp_starttls=(setting("smtp_starttls", "1") or "1") in ("1", "true", "yes"),
    )
