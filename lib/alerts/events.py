"""Once per event: a candidate whose subject has no open event becomes a new `AlertEvent` (key
"<subject>#<n>", unique, so two workers cannot both create it) with one pending delivery per
matching subscription; an open event whose condition is gone is cleared, so the next time the
condition arises it is a new event. Subscriptions are managed here too."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lib import audit
from lib.alerts.detect import DAILY, KINDS, Candidate
from lib.models import AlertDelivery, AlertEvent, AlertSubscription, Unit

CHANNELS = ("telegram", "email")


class SubscriptionError(ValueError):
    pass


def add_subscription(session: Session, actor: str, unit_id: int | None, channel: str, target: str,
                     role: str | None = None, kinds: Iterable[str] = ()) -> AlertSubscription:
    """A recipient for a unit's subtree (None: national) on one channel; `kinds` empty = every kind.
    `telegram:NAME` sends through the bot NAME of `[telegram_bots]` in secrets.toml instead of the
    default bot (a Polda with a bot of its own)."""
    target = target.strip()
    kinds = sorted(set(kinds))
    bot = channel.partition(":")[2]
    if channel not in CHANNELS and not (channel.startswith("telegram:") and re.fullmatch(r"[a-z0-9_]{1,30}", bot)):
        raise SubscriptionError(f"Kanal harus salah satu dari {', '.join(CHANNELS)} atau telegram:NAMA_BOT.")
    if not target or (channel == "email" and "@" not in target):
        raise SubscriptionError("Tujuan kosong atau alamat e-mail tidak valid.")
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise SubscriptionError(f"Jenis peringatan tidak dikenal: {', '.join(unknown)}.")
    sub = AlertSubscription(unit_id=unit_id, role=role, channel=channel, target=target, kinds=",".join(kinds),
                            active=True)
    session.add(sub)
    session.flush()
    audit.record(session, actor=actor, entity="alert_subscription", entity_id=sub.id, action="create",
                 to_value=f"{channel}:{target}", note=",".join(kinds) or "semua")
    return sub


def _recipients(session: Session, cand: Candidate) -> list[AlertSubscription]:
    subs = session.execute(select(AlertSubscription, Unit.path).outerjoin(Unit, Unit.id == AlertSubscription.unit_id)
                           .where(AlertSubscription.active)).all()
    out = []
    for sub, path in subs:
        kinds = [k for k in sub.kinds.split(",") if k]
        if kinds and cand.kind not in kinds:
            continue
        if cand.kind == DAILY:  # each subscriber gets the report of its own unit only
            if sub.unit_id == cand.unit_id:
                out.append(sub)
        elif path is None or any(p.startswith(path) for p in cand.unit_paths):
            out.append(sub)
    return out


def record_events(session: Session, candidates: list[Candidate], kinds_checked: Iterable[str],
                  now: datetime) -> list[AlertEvent]:
    """Create events for new conditions (with their deliveries) and clear ended ones; returns the new
    events. Commits per event so a duplicate from a concurrent worker only loses its own insert."""
    kinds_checked = set(kinds_checked)
    open_events = {e.subject: e for e in session.scalars(
        select(AlertEvent).where(AlertEvent.cleared_at.is_(None), AlertEvent.kind.in_(kinds_checked)))}
    current = {c.subject for c in candidates}
    for subject, event in open_events.items():
        if subject not in current:
            event.cleared_at = now
    session.commit()
    created = []
    for cand in candidates:
        if cand.subject in open_events:
            continue
        n = session.scalar(select(func.count()).where(AlertEvent.subject == cand.subject)) or 0
        event = AlertEvent(key=f"{cand.subject}#{n + 1}", subject=cand.subject, kind=cand.kind, unit_id=cand.unit_id,
                           mention_id=cand.mention_id, issue_id=cand.issue_id, title=cand.title, body=cand.body,
                           link=cand.link, created_at=now)
        session.add(event)
        try:
            session.flush()
        except IntegrityError:  # another worker recorded it first
            session.rollback()
            continue
        for sub in _recipients(session, cand):
            session.add(AlertDelivery(event_id=event.id, channel=sub.channel, target=sub.target, status="pending",
                                      attempts=0, next_attempt_at=now, created_at=now))
        audit.record(session, actor="pantau-peringatan", entity="alert", entity_id=event.id, action="event",
                     to_value=cand.kind, note=cand.title[:300])
        session.commit()
        created.append(event)
    return created
