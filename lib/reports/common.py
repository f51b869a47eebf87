"""What the reports share: the unit a report is about, its scope, local day bounds, totals."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.metrics import COUNT_COLUMNS, Period, percentiles_of, response_times, unit_counts, units_frame
from lib.models import Unit
from lib.scope import NATIONAL, Scope


class ReportError(ValueError):
    """A report cannot be made from what was asked (the message is for people)."""


def unit_by_code(session: Session, code: str | None) -> Unit | None:
    """The unit with `code` (None: the national scope, no unit)."""
    if not code:
        return None
    unit = session.scalar(select(Unit).where(Unit.code == code.strip().upper()))
    if unit is None:
        raise ReportError(f"Unit dengan kode {code!r} tidak ditemukan.")
    return unit


def scope_of(unit: Unit | None, within: Scope = NATIONAL) -> Scope:
    """The report's scope, which must lie inside the requester's (`within`)."""
    if unit is None:
        if within.path_prefix != "/":
            raise ReportError("Laporan nasional hanya untuk pengguna tingkat nasional.")
        return NATIONAL
    if not within.contains_path(unit.path):
        raise ReportError("Unit di luar cakupan Anda.")
    return Scope(unit.path, unit.name, unit.id)


def zone_of(unit: Unit | None) -> str:
    return unit.timezone if unit is not None else "Asia/Jakarta"


def local_range(tz: str, start: date, days: int = 1) -> Period:
    """Local days [start, start + days) in zone `tz`, as a UTC period."""
    zone = ZoneInfo(tz)
    since = datetime.combine(start, time(0), zone)
    return Period(since.astimezone(ZoneInfo("UTC")),
                  datetime.combine(start + timedelta(days=days), time(0), zone).astimezone(ZoneInfo("UTC")))


def totals(session: Session, scope: Scope, sla: int, period: Period, now: datetime,
           units: pd.DataFrame | None = None) -> dict:
    """The scope's summed counts for `period` (backlog as of `now`) and its response percentiles."""
    units = units_frame(session, scope) if units is None else units
    counts = unit_counts(session, scope, sla, period, now, units)
    total = counts[COUNT_COLUMNS].sum()
    pct = percentiles_of(response_times(session, scope, period))
    judged = int(total["mentions"] - total["pending"])
    return {
        "mentions": int(total["mentions"]),
        "answered": int(total["answered"]),
        "negative": int(total["negative"]),
        "unanswered": int(total["unanswered"]),
        "overdue": int(total["overdue"]),
        "within_sla_share": int(total["within_sla"]) / judged if judged else None,
        "negative_share": int(total["negative"]) / int(total["mentions"]) if total["mentions"] else None,
        "median_minutes": float(pct["median_minutes"].iloc[0]) if len(pct) else None,
        "p90_minutes": float(pct["p90_minutes"].iloc[0]) if len(pct) else None,
    }


def clip(text: str | None, limit: int = 280) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
