"""The one place numbers, durations, dates and times are written for people (Bahasa Indonesia).

Indonesian conventions: "10.408" (dot groups thousands), "1,1 jam" (comma decimals), "24 Nov 2026",
and every clock time carries its zone (WIB / WITA / WIT) or is shown in the unit's own zone.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
MONTHS_LONG = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
               "Oktober", "November", "Desember"]
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
DASH = "–"


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def number(x: int | float | None) -> str:
    """10408 -> "10.408"; None/NaN -> "–"."""
    if _missing(x):
        return DASH
    return f"{int(round(x)):,}".replace(",", ".")


def decimal(x: float | None, digits: int = 1) -> str:
    """1.25 -> "1,3" (one digit); thousands grouped with dots."""
    if _missing(x):
        return DASH
    return f"{x:,.{digits}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(share: float | None, digits: int = 0) -> str:
    """0.123 -> "12%" (a share between 0 and 1)."""
    if _missing(share):
        return DASH
    return f"{decimal(share * 100, digits)}%"


def signed_change(now: float | None, before: float | None) -> str:
    """Change against a baseline as "+12%", "−5%", "baru" (no baseline) or "–"."""
    if _missing(now) or _missing(before):
        return DASH
    if before == 0:
        return "baru" if now else "0%"
    change = (now - before) / before * 100
    text = decimal(abs(change), 0)
    sign = "" if text == "0" else ("+" if change > 0 else "−")  # never "−0%"
    return f"{sign}{text}%"


def duration_minutes(minutes: float | None) -> str:
    """45 -> "45 mnt", 66 -> "1,1 jam", 3000 -> "2,1 hari"."""
    if _missing(minutes):
        return DASH
    if minutes < 60:
        return f"{minutes:.0f} mnt"
    if minutes < 48 * 60:
        return f"{decimal(minutes / 60)} jam"
    return f"{decimal(minutes / 1440)} hari"


def duration_seconds(seconds: float | None) -> str:
    return DASH if _missing(seconds) else duration_minutes(seconds / 60)


def ago(when: datetime | None, now: datetime) -> str:
    """"3 menit lalu" style freshness text."""
    if when is None:
        return "belum pernah"
    secs = max(0, int((now - when).total_seconds()))
    if secs < 60:
        return "baru saja"
    if secs < 3600:
        return f"{secs // 60} menit lalu"
    if secs < 86400:
        return f"{secs // 3600} jam lalu"
    return f"{secs // 86400} hari lalu"


def zone_name(tz: str) -> str:
    return ZONE_NAMES.get(tz, tz)


def day_label(day: date, with_weekday: bool = False) -> str:
    """"24 Nov 2026" (or "Selasa, 24 Nov 2026")."""
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{DAYS[day.weekday()]}, {text}" if with_weekday else text


def local_label(when: datetime | None, tz: str) -> str:
    """"26 Nov 10:15 WIB" for an aware UTC time in zone `tz`."""
    if when is None:
        return ""
    local = when.astimezone(ZoneInfo(tz))
    return f"{local.day} {MONTHS[local.month - 1]} {local:%H:%M} {zone_name(tz)}"


def datetime_label(when: datetime | None, tz: str) -> str:
    """"24 Nov 2026 10:15 WIB" for an aware UTC time in zone `tz` ("–" when missing)."""
    if when is None or when != when:  # None or NaT
        return DASH
    if when.tzinfo is None:  # SQLite hands stored UTC back without its zone
        when = when.replace(tzinfo=UTC)
    local = when.astimezone(ZoneInfo(tz))
    return f"{day_label(local.date())} {local:%H:%M} {zone_name(tz)}"


def clock_label(when: datetime, tz: str) -> str:
    """"08:47 WIB"."""
    return f"{when.astimezone(ZoneInfo(tz)):%H:%M} {zone_name(tz)}"


CURRENCY_SYMBOLS = {"USD": "US$", "IDR": "Rp"}


def money(x: float | None, currency: str = "USD", digits: int = 2) -> str:
    """8.7 USD -> "US$ 8,70"; 150000 IDR -> "Rp 150.000" (rupiah without cents); `digits=3` for
    unit prices such as "US$ 0,005"."""
    if _missing(x):
        return DASH
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    return f"{symbol} {number(x) if currency == 'IDR' else decimal(x, digits)}"
