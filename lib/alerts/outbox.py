"""Sending what the events queued: due deliveries in order, at most `rate_per_minute` per chat or
address, each outcome audited; a failure is retried with growing back-off (1, 2, 4 … 60 minutes)
until `max_attempts`, then marked failed. Failures stay visible on the Sumber Data page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from lib import audit
from lib.alerts.channels import Channel, Message
from lib.models import AlertDelivery, AlertEvent

PENDING, SENT, FAILED = "pending", "sent", "failed"
ACTOR = "pantau-peringatan"


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def send_due(session: Session, channels: Mapping[str, Channel], now: datetime, rate_per_minute: int,
             max_attempts: int, message_for: Callable[[AlertEvent], Message]) -> dict[str, int]:
    """One pass over the due deliveries; returns counts of sent / failed (this attempt) / deferred."""
    result = {"sent": 0, "failed": 0, "deferred": 0}
    due = session.scalars(select(AlertDelivery).where(AlertDelivery.status == PENDING,
                                                      AlertDelivery.next_attempt_at <= now)
                          .order_by(AlertDelivery.next_attempt_at, AlertDelivery.id)).all()
    budget: dict[str, int] = {}
    messages: dict[int, Message] = {}
    for d in due:
        if d.target not in budget:
            recent = session.scalar(select(func.count()).where(
                AlertDelivery.target == d.target, AlertDelivery.sent_at > now - timedelta(minutes=1))) or 0
            budget[d.target] = rate_per_minute - recent
        channel = channels.get(d.channel)
        if budget[d.target] <= 0 or channel is None:
            if channel is None and d.last_error is None:
                d.last_error = f"Kanal {d.channel} belum dikonfigurasi."
            result["deferred"] += 1
            continue
        if not _claim(session, d):  # another worker took it between our read and now
            continue
        budget[d.target] -= 1
        action = f"kirim-{d.channel.partition(':')[0]}"  # telegram:<bot> is audited as telegram
        try:  # building the message (a daily report) can fail too; then it is retried like a send
            if d.event_id not in messages:
                messages[d.event_id] = message_for(d.event)
            channel.send(d.target, messages[d.event_id])
        except Exception as exc:  # channels raise with a message safe to store (see channels.scrub)
            d.last_error = str(exc)[:500]
            d.status = FAILED if d.attempts >= max_attempts else PENDING
            d.next_attempt_at = now + backoff(d.attempts)
            result["failed"] += 1
            audit.record(session, actor=ACTOR, entity="alert", entity_id=d.event_id, action=action,
                         to_value=d.target, note=d.last_error, outcome="error")
        else:
            d.status, d.sent_at, d.last_error = SENT, now, None
            result["sent"] += 1
            audit.record(session, actor=ACTOR, entity="alert", entity_id=d.event_id, action=action,
                         to_value=d.target)
        session.commit()
    session.commit()
    return result


def _claim(session: Session, d: AlertDelivery) -> bool:
    """Count the attempt only if nobody else did since we read the row: with two workers running,
    each delivery is still sent once per attempt."""
    claimed = session.execute(update(AlertDelivery).where(
        AlertDelivery.id == d.id, AlertDelivery.status == PENDING, AlertDelivery.attempts == d.attempts,
    ).values(attempts=d.attempts + 1).execution_options(synchronize_session=False)).rowcount == 1
    session.commit()
    session.refresh(d)
    return claimed


def delivery_problems(session: Session, limit: int = 50) -> pd.DataFrame:
    """Deliveries that failed at least once and are not sent yet (retrying or given up), newest first."""
    rows = session.execute(
        select(AlertDelivery.id, AlertEvent.title, AlertDelivery.channel, AlertDelivery.target, AlertDelivery.status,
               AlertDelivery.attempts, AlertDelivery.last_error, AlertDelivery.next_attempt_at, AlertEvent.created_at)
        .join(AlertEvent, AlertEvent.id == AlertDelivery.event_id)
        .where(AlertDelivery.status != SENT, AlertDelivery.last_error.is_not(None))
        .order_by(AlertEvent.created_at.desc(), AlertDelivery.id.desc()).limit(limit)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["id", "title", "channel", "target", "status", "attempts",
                                                           "last_error", "next_attempt_at", "created_at"])


def delivery_counts(session: Session) -> dict[str, int]:
    return dict(session.execute(select(AlertDelivery.status, func.count()).group_by(AlertDelivery.status)).all())


def retry_now(session: Session, actor: str, delivery_id: int, now: datetime) -> bool:
    """An admin's "send again": a failed or waiting delivery is due at once, with a fresh set of attempts."""
    d = session.get(AlertDelivery, delivery_id)
    if d is None or d.status == SENT:
        return False
    d.status, d.attempts, d.next_attempt_at = PENDING, 0, now
    audit.record(session, actor=actor, entity="alert", entity_id=d.event_id, action="kirim-ulang",
                 to_value=d.target)
    session.commit()
    return True
