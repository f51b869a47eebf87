"""The daily report for a scope (the Kapolres' morning report): one local day against the day
before and the same day last week, the backlog per Polsek, response times, negative share, top
issues, flagged hoax/SARA items and the units still missing a verified account."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from lib import formatting
from lib.mentions import MentionFilter, list_mentions
from lib.metrics import daily_trend, league, units_frame, verified_compliance
from lib.models import Issue, Mention, Unit, utcnow
from lib.reports.common import clip, local_range, scope_of, totals, unit_by_code, zone_of
from lib.reports.model import COUNT, MINUTES, SHARE, TEXT, TIME, Column, Figure, Report, Table
from lib.scope import NATIONAL, Scope

PREVIOUS, LAST_WEEK = "Kemarin", "Minggu lalu"
TREND_DAYS = 14


def daily_report(session: Session, unit_code: str | None, day: date, sla: int, now: datetime | None = None,
                 within: Scope = NATIONAL) -> Report:
    """Day `day` (in the unit's own zone) for the unit's subtree; the backlog is as of `now`."""
    now = now or utcnow()
    unit = unit_by_code(session, unit_code)
    scope = scope_of(unit, within)
    tz = zone_of(unit)
    period = local_range(tz, day)
    units = units_frame(session, scope)
    today = totals(session, scope, sla, period, now, units)
    before = totals(session, scope, sla, local_range(tz, day - timedelta(days=1)), now, units)
    week = totals(session, scope, sla, local_range(tz, day - timedelta(days=7)), now, units)

    def fig(label: str, key: str, kind: str) -> Figure:
        return Figure(label, today[key], kind, {PREVIOUS: before[key], LAST_WEEK: week[key]})

    figures = [
        fig("Sebutan", "mentions", COUNT),
        fig("Dijawab", "answered", COUNT),
        fig("Dijawab sesuai SLA", "within_sla_share", SHARE),
        fig("Median respons", "median_minutes", MINUTES),
        fig("P90 respons", "p90_minutes", MINUTES),
        fig("Negatif", "negative_share", SHARE),
        Figure("Belum dijawab (sekarang)", today["unanswered"], COUNT),
        Figure("Lewat SLA (sekarang)", today["overdue"], COUNT),
    ]
    trend_end = min(now, period.until - timedelta(seconds=1))
    return Report(
        kind="harian", title="Laporan Harian", scope_label=scope.label,
        period_label=formatting.day_label(day, with_weekday=True), timezone=tz, generated_at=now,
        figures=figures,
        tables=[_polsek_table(session, scope, sla, period, now), _issues_table(session, scope, period),
                _flagged_table(session, scope, sla, period, now), _unverified_table(session, scope, units)],
        trend=daily_trend(session, scope, sla, TREND_DAYS, trend_end),
        notes=[f"Belum dijawab dan lewat SLA dihitung per {formatting.local_label(now, tz)}.",
               f"Pembanding: {PREVIOUS.lower()} dan hari yang sama {LAST_WEEK.lower()}."],
    )


def _polsek_table(session: Session, scope: Scope, sla: int, period, now: datetime) -> Table:
    frame = league(session, scope, sla, period, "polsek", now)
    frame = frame[(frame["mentions"] > 0) | (frame["unanswered"] > 0)]
    frame = frame.sort_values(["overdue", "unanswered", "mentions"], ascending=False).head(100)
    rows = [[r.name, int(r.mentions), int(r.unanswered), int(r.overdue), r.median_minutes, r.within_sla_share]
            for r in frame.itertuples()]
    return Table("Per Polsek", [Column("Polsek"), Column("Sebutan", COUNT), Column("Belum dijawab", COUNT),
                                Column("Lewat SLA", COUNT), Column("Median respons", MINUTES),
                                Column("Sesuai SLA", SHARE)], rows, "Tidak ada sebutan untuk Polsek.")


def _issues_table(session: Session, scope: Scope, period) -> Table:
    """The issues with most mentions in scope during the day (counted within the day only)."""
    in_day = and_(Mention.created_at >= period.since, Mention.created_at < period.until, scope.unit_clause())
    rows = session.execute(
        select(Issue.title, func.count(Mention.id), func.count(func.distinct(Mention.unit_id)),
               func.min(Mention.created_at), func.max(Mention.created_at))
        .join(Mention, Mention.issue_id == Issue.id).join(Unit, Unit.id == Mention.unit_id).where(in_day)
        .group_by(Issue.id, Issue.title).order_by(func.count(Mention.id).desc(), Issue.id).limit(10)).all()
    return Table("Isu negatif teratas", [Column("Isu"), Column("Sebutan", COUNT), Column("Unit", COUNT),
                                         Column("Pertama", TIME), Column("Terakhir", TIME)],
                 [list(r) for r in rows], "Tidak ada isu negatif.")


def _flagged_table(session: Session, scope: Scope, sla: int, period, now: datetime) -> Table:
    rows = []
    for flag in ("hoax", "hate"):
        found = list_mentions(session, scope, MentionFilter(flags=[flag], since=period.since, until=period.until),
                              sla, limit=50, now=now)
        for r in found.itertuples():
            rows.append((r.created_at, r.id, [r.created_at.to_pydatetime(), r.unit, r.platform, r.author,
                                              r.flags.replace("hate", "SARA"), clip(r.text), r.status]))
    seen, out = set(), []
    for _, mid, row in sorted(rows, key=lambda x: (x[0], x[1])):
        if mid not in seen:
            seen.add(mid)
            out.append(row)
    return Table("Hoaks dan SARA", [Column("Waktu", TIME), Column("Unit"), Column("Platform"), Column("Penulis"),
                                    Column("Tanda"), Column("Teks", TEXT), Column("Status")], out,
                 "Tidak ada sebutan bertanda hoaks atau SARA.")


def _unverified_table(session: Session, scope: Scope, units) -> Table:
    compliance = verified_compliance(session, scope)
    missing = units.merge(compliance[~compliance["compliant"]], on="unit_id")
    rows = [[r.name, r.level.capitalize()] for r in missing.itertuples()]
    return Table("Belum terverifikasi", [Column("Unit"), Column("Tingkat")], rows,
                 "Semua unit sudah terverifikasi di setiap platform wajib.")
