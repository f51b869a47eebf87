"""The shift-handover report (serah terima piket): what came in during a shift, what was handled,
what is still open and overdue at handover, by function and by unit, and who was on duty (the
names of everyone the audit log shows acting in the unit's subtree during the shift).

A shift is given in the unit's own zone, so a night shift 20:00–08:00 WITA spans two local days."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from lib import formatting
from lib.models import OPEN_STATUSES, AuditEntry, Mention, Unit, User, utcnow
from lib.reports.common import ReportError, scope_of, unit_by_code, zone_of
from lib.reports.model import COUNT, TEXT, TIME, Column, Figure, Report, Table
from lib.scope import NATIONAL, Scope

HANDLED_STATUSES = ("ditangani", "selesai", "diabaikan")
NO_FUNCTION = "(belum ditentukan)"


def handover_report(session: Session, unit_code: str | None, shift_start: datetime, hours: float, sla: int,
                    now: datetime | None = None, within: Scope = NATIONAL) -> Report:
    """The shift [shift_start, shift_start + hours); a naive `shift_start` is read in the unit's zone."""
    unit = unit_by_code(session, unit_code)
    scope = scope_of(unit, within)
    tz = zone_of(unit)
    if not 0 < hours <= 24:
        raise ReportError("Lama piket harus antara 0 dan 24 jam.")
    start = shift_start if shift_start.tzinfo else shift_start.replace(tzinfo=ZoneInfo(tz))
    start = start.astimezone(ZoneInfo("UTC"))
    end = start + timedelta(hours=hours)
    now = now or utcnow()
    if end > now:
        raise ReportError("Piket ini belum selesai; serah terima dibuat setelah jam piket berakhir.")

    came = _mentions(session, scope, Mention.created_at >= start, Mention.created_at < end)
    handled_ids = _handled_ids(session, scope, start, end)
    handled = _mentions(session, scope, Mention.id.in_(handled_ids)) if handled_ids else []
    still_open = _mentions(session, scope, Mention.created_at < end, Mention.status.in_(OPEN_STATUSES),
                           or_(Mention.answered_at.is_(None), Mention.answered_at >= end))
    sla_of = _unit_sla(session, scope, sla)
    overdue = [m for m in still_open if end - m.created_at > timedelta(minutes=sla_of[m.unit_id])]
    unit_names = dict(session.execute(select(Unit.id, Unit.short_name).where(scope.unit_clause())).all())

    figures = [Figure("Masuk", len(came)), Figure("Ditangani", len(handled)),
               Figure("Masih terbuka saat serah terima", len(still_open)),
               Figure("Lewat SLA saat serah terima", len(overdue))]
    label = (f"{formatting.local_label(start, tz)} – {formatting.local_label(end, tz)}")
    return Report(
        kind="serah-terima", title="Serah Terima Piket", scope_label=scope.label, period_label=label,
        timezone=tz, generated_at=now, figures=figures,
        tables=[
            _breakdown("Per fungsi", "Fungsi", came, handled, still_open, overdue,
                       lambda m: m.forwarded_to or m.function or NO_FUNCTION),
            _breakdown("Per unit", "Unit", came, handled, still_open, overdue, lambda m: unit_names.get(m.unit_id, "?")),
            _open_table(overdue, unit_names),
            _on_duty(session, scope, start, end),
        ],
        notes=["Terbuka = belum dijawab pada akhir piket dan statusnya masih terbuka sekarang."],
    )


def _in_scope(scope: Scope):
    return Mention.unit_id.in_(select(Unit.id).where(scope.unit_clause()).scalar_subquery())


def _mentions(session: Session, scope: Scope, *where) -> list[Mention]:
    return list(session.scalars(select(Mention).where(_in_scope(scope), *where).order_by(Mention.created_at)))


def _handled_ids(session: Session, scope: Scope, start: datetime, end: datetime) -> list[int]:
    """Mentions answered during the shift, or set to handled/closed/ignored by someone in it."""
    answered = select(Mention.id).where(_in_scope(scope), Mention.answered_at >= start, Mention.answered_at < end)
    by_status = (select(AuditEntry.entity_id).join(Mention, Mention.id == AuditEntry.entity_id)
                 .where(AuditEntry.entity == "mention", AuditEntry.action == "status", AuditEntry.outcome == "ok",
                        AuditEntry.to_value.in_(HANDLED_STATUSES), AuditEntry.at >= start, AuditEntry.at < end,
                        _in_scope(scope)))
    return sorted(set(session.scalars(answered)) | set(session.scalars(by_status)))


def _unit_sla(session: Session, scope: Scope, default: int) -> dict[int, int]:
    return {uid: s or default for uid, s in session.execute(
        select(Unit.id, Unit.sla_minutes).where(scope.unit_clause()))}


def _breakdown(title: str, key_title: str, came, handled, still_open, overdue, key) -> Table:
    keys = sorted({key(m) for group in (came, handled, still_open) for m in group})
    rows = [[k, sum(key(m) == k for m in came), sum(key(m) == k for m in handled),
             sum(key(m) == k for m in still_open), sum(key(m) == k for m in overdue)] for k in keys]
    rows.sort(key=lambda r: (-r[4], -r[3], r[0]))
    return Table(title, [Column(key_title), Column("Masuk", COUNT), Column("Ditangani", COUNT),
                         Column("Terbuka", COUNT), Column("Lewat SLA", COUNT)], rows, "Tidak ada sebutan.")


def _open_table(overdue: list[Mention], unit_names: dict[int, str]) -> Table:
    rows = [[m.created_at, unit_names.get(m.unit_id, "?"), m.platform, m.author_handle or m.author_name or "",
             m.forwarded_to or m.function or NO_FUNCTION, " ".join(m.text.split())[:200], m.status]
            for m in overdue[:100]]
    return Table("Lewat SLA saat serah terima", [Column("Waktu", TIME), Column("Unit"), Column("Platform"),
                                                 Column("Penulis"), Column("Fungsi"), Column("Teks", TEXT),
                                                 Column("Status")], rows, "Tidak ada yang lewat SLA.")


def _on_duty(session: Session, scope: Scope, start: datetime, end: datetime) -> Table:
    """Everyone who acted on a mention in scope, or signed in as a user of a unit in scope, during
    the shift: name, role and how many actions, from the append-only audit log."""
    on_mentions = and_(AuditEntry.entity == "mention", AuditEntry.entity_id.in_(
        select(Mention.id).where(_in_scope(scope)).scalar_subquery()))
    users_in_scope = select(User.username).join(Unit, Unit.id == User.unit_id).where(scope.unit_clause())
    logins = and_(AuditEntry.action == "login", AuditEntry.outcome == "ok", AuditEntry.actor.in_(users_in_scope))
    counted = (select(AuditEntry.actor, func.count(), func.min(AuditEntry.at), func.max(AuditEntry.at))
               .where(AuditEntry.at >= start, AuditEntry.at < end, or_(on_mentions, logins))
               .group_by(AuditEntry.actor))
    found = session.execute(counted).all()
    people = {u.username: u for u in session.scalars(select(User).where(User.username.in_([a for a, *_ in found])))}
    rows = []
    for actor, n, first, last in found:
        user = people.get(actor)
        rows.append([user.display_name if user else actor, actor, user.role if user else "", int(n), first, last])
    rows.sort(key=lambda r: r[0].lower())
    return Table("Petugas piket", [Column("Nama"), Column("Pengguna"), Column("Peran"), Column("Tindakan", COUNT),
                                   Column("Pertama", TIME), Column("Terakhir", TIME)], rows,
                 "Tidak ada petugas tercatat di log audit selama piket.")
