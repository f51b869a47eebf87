"""Times shown in each unit's own zone with the Indonesian zone name (WIB / WITA / WIT)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


def local_label(when: datetime | None, tz: str) -> str:
    """"26 Nov 10:15 WIB" for an aware UTC time in zone `tz`."""
    if when is None:
        return ""
    local = when.astimezone(ZoneInfo(tz))
    return f"{local.day} {_MONTHS[local.month - 1]} {local:%H:%M} {ZONE_NAMES.get(tz, tz)}"
