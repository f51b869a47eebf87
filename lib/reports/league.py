"""The monthly league ("Polda/Polres paling aktif"): every Polda nationally (every Polres within a
Polda) over one calendar month, ranked by mentions answered, then by the share within SLA."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from lib import formatting
from lib.metrics import Period, league, league_level
from lib.models import utcnow
from lib.reports.common import ReportError, local_range, scope_of, unit_by_code, zone_of
from lib.reports.model import COUNT, MINUTES, SHARE, Column, Figure, Report, Table
from lib.scope import NATIONAL, Scope

LEVEL_TITLES = {"polda": "Polda", "polres": "Polres", "polsek": "Polsek"}


def month_period(tz: str, month: str) -> tuple[date, Period]:
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError as exc:
        raise ReportError(f"Bulan {month!r} tidak valid; tulis seperti 2026-11.") from exc
    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, local_range(tz, first, (nxt - first).days)


def monthly_league(session: Session, unit_code: str | None, month: str, sla: int, now: datetime | None = None,
                   within: Scope = NATIONAL) -> Report:
    """`month` is "YYYY-MM", its days in the scope's zone (WIB nationally); backlog as of `now`."""
    now = now or utcnow()
    unit = unit_by_code(session, unit_code)
    scope = scope_of(unit, within)
    tz = zone_of(unit)
    first, period = month_period(tz, month)
    if period.since >= now:
        raise ReportError("Bulan ini belum dimulai.")
    period = Period(period.since, min(period.until, now))
    level = league_level(session, scope)
    frame = league(session, scope, sla, period, level, now)
    frame = frame.sort_values(["answered", "within_sla_share", "mentions"], ascending=[False, False, False],
                              na_position="last").reset_index(drop=True)
    rows = [[i + 1, r.name, int(r.mentions), int(r.answered), r.within_sla_share, r.median_minutes,
             r.negative_share, int(r.overdue), r.compliance_share] for i, r in enumerate(frame.itertuples())]
    title = LEVEL_TITLES[level]
    table = Table(f"Liga {title}", [Column("Peringkat", COUNT), Column(title), Column("Sebutan", COUNT),
                                    Column("Dijawab", COUNT), Column("Sesuai SLA", SHARE),
                                    Column("Median respons", MINUTES), Column("Negatif", SHARE),
                                    Column("Lewat SLA (sekarang)", COUNT), Column("Akun terverifikasi", SHARE)],
                  rows, f"Tidak ada {title} dalam cakupan.")
    figures = [Figure(f"Jumlah {title}", len(rows)), Figure("Sebutan", int(frame["mentions"].sum())),
               Figure("Dijawab", int(frame["answered"].sum()))]
    return Report(kind="liga-bulanan", title=f"Liga Bulanan {title}", scope_label=scope.label,
                  period_label=f"{formatting.MONTHS_LONG[first.month - 1]} {first.year}", timezone=tz,
                  generated_at=now, figures=figures, tables=[table],
                  notes=[f"Peringkat: sebutan yang dijawab terbanyak, lalu porsi sesuai SLA. "
                         f"Hari dihitung dalam {formatting.zone_name(tz)}."])
