"""Links to other complaint channels: a mention can carry the ticket id it has at LAPOR!, Dumas
Presisi or the 110 call centre, shown with the item and searchable."""

from __future__ import annotations

import re

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lib import audit
from lib.auth import Principal, actor_name, check_target_unit, require_write
from lib.formatting import local_label
from lib.models import TICKET_CHANNELS, Mention, TicketLink, Unit, utcnow
from lib.scope import OutOfScope, Scope

_TICKET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./_-]{1,63}$")


class TicketError(ValueError):
    pass


def add_ticket(session: Session, actor: Principal | str, scope: Scope, mention_id: int, channel: str,
               ticket_id: str) -> TicketLink:
    """Link a ticket (idempotent: the same link twice is one link)."""
    if channel not in TICKET_CHANNELS:
        raise TicketError("Kanal tiket harus LAPOR!, Dumas Presisi atau 110.")
    ticket_id = (ticket_id or "").strip()
    if not _TICKET.match(ticket_id):
        raise TicketError("Nomor tiket 2–64 karakter: huruf, angka, titik, garis miring, - atau _.")
    mention = session.get(Mention, mention_id)
    if mention is None:
        raise OutOfScope("Sebutan tidak ditemukan atau di luar cakupan Anda.")
    require_write(session, actor, scope, "mention", mention_id, "tiket", ticket_id)
    check_target_unit(session, actor, scope, mention.unit_id, "mention", mention_id, "tiket", ticket_id)
    existing = session.scalar(select(TicketLink).where(TicketLink.mention_id == mention_id,
                                                       TicketLink.channel == channel,
                                                       TicketLink.ticket_id == ticket_id))
    if existing:
        return existing
    link = TicketLink(mention_id=mention_id, channel=channel, ticket_id=ticket_id, added_by=actor_name(actor),
                      added_at=utcnow())
    session.add(link)
    session.flush()
    audit.record(session, actor=actor_name(actor), entity="mention", entity_id=mention_id, action="tiket",
                 to_value=f"{TICKET_CHANNELS[channel]} {ticket_id}")
    return link


def tickets_for(session: Session, mention_id: int) -> list[TicketLink]:
    return list(session.scalars(select(TicketLink).where(TicketLink.mention_id == mention_id)
                                .order_by(TicketLink.id)))


def ticket_label(link: TicketLink) -> str:
    return f"{TICKET_CHANNELS.get(link.channel, link.channel)} {link.ticket_id}"


def find_by_ticket(session: Session, scope: Scope, needle: str, limit: int = 100) -> pd.DataFrame:
    """Mentions in scope with a ticket id containing `needle` (case-insensitive)."""
    needle = (needle or "").strip().lower()
    columns = ["id", "ticket", "local_time", "unit", "platform", "author", "text", "status"]
    if len(needle) < 2:
        return pd.DataFrame(columns=columns)
    rows = session.execute(
        select(Mention, TicketLink, Unit.short_name, Unit.timezone)
        .join(TicketLink, TicketLink.mention_id == Mention.id).join(Unit, Unit.id == Mention.unit_id)
        .where(scope.unit_clause(), func.lower(TicketLink.ticket_id).contains(needle, autoescape=True))
        .order_by(Mention.created_at.desc()).limit(limit)).all()
    return pd.DataFrame([(m.id, ticket_label(t), local_label(m.created_at, tz), unit, m.platform,
                          m.author_handle or m.author_name or "", m.text, m.status) for m, t, unit, tz in rows],
                        columns=columns)
