"""Builders for the report tests: mentions with exactly the times, answers and flags a test names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

from sqlalchemy.orm import Session

from lib.models import AuditEntry, Mention, User
from tests.helpers import unit_id

_ids = count(1)


def put(session: Session, unit_code: str, created: datetime, *, answered_after: float | None = None,
        sentiment: str = "neutral", flags: str = "", status: str = "baru", function: str | None = None,
        text: str = "lapor pak", author: str = "warga") -> Mention:
    m = Mention(platform="x", external_id=f"r{next(_ids)}", unit_id=unit_id(session, unit_code), text=text,
                author_handle=author, author_id=f"id-{author}", sentiment=sentiment, flags=flags, status=status,
                function=function, created_at=created, fetched_at=created + timedelta(minutes=1),
                answered_at=created + timedelta(minutes=answered_after) if answered_after is not None else None,
                answered_by="api" if answered_after is not None else None, version=1, sentiment_score=0.0,
                url=f"https://x.com/{author}/status/1")
    session.add(m)
    session.flush()
    return m


def person(session: Session, username: str, name: str, unit_code: str, role: str = "operator") -> User:
    u = User(username=username, display_name=name, role=role, unit_id=unit_id(session, unit_code))
    session.add(u)
    session.flush()
    return u


def audit(session: Session, at: datetime, actor: str, entity: str, entity_id: int | None, action: str,
          to_value: str | None = None) -> None:
    session.add(AuditEntry(at=at, actor=actor, entity=entity, entity_id=entity_id, action=action,
                           to_value=to_value, outcome="ok"))
    session.flush()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)
