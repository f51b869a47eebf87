"""Small explicit data builders for tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.ingest import store_batch
from lib.models import Account, Mention, Unit
from lib.sources.base import Batch, MentionRecord, ReplyRecord


def account(session: Session, handle: str) -> Account:
    return session.scalar(select(Account).where(Account.handle == handle))


def unit(session: Session, code: str) -> Unit:
    return session.scalar(select(Unit).where(Unit.code == code))


def add_mentions(session: Session, handle: str, items: list[tuple[str, str, datetime]],
                 replies: list[tuple[str, datetime]] = ()) -> list[Mention]:
    """Store (external_id, text, created_at) mentions for an account, and replies (replied_to, at)."""
    acc = account(session, handle)
    batch = Batch(
        mentions=[MentionRecord(external_id=e, text=t, created_at=at, author_handle=f"warga{i}", author_id=str(i))
                  for i, (e, t, at) in enumerate(items)],
        replies=[ReplyRecord(external_id=f"r-{target}", created_at=at, replied_to_id=target) for target, at in replies],
    )
    store_batch(session, "test", acc, batch)
    session.commit()
    return list(session.scalars(select(Mention).where(Mention.external_id.in_([e for e, _, _ in items]))
                                .order_by(Mention.id)))


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)
