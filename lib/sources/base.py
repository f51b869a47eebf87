"""The one small interface every source implements: fetch what is new for an account, then store it.

A source knows how to talk to its platform; it never writes SQL itself. Storing, analysis and
reply matching happen once, in `lib.ingest`, for every source alike.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from sqlalchemy.orm import Session

from lib.models import Account, SyncState


@dataclass(frozen=True)
class MentionRecord:
    """A post mentioning the account, as the platform reports it."""

    external_id: str
    text: str
    created_at: datetime  # aware UTC
    author_id: str | None = None
    author_handle: str | None = None
    author_name: str | None = None
    url: str | None = None
    lang: str | None = None
    in_reply_to_id: str | None = None
    conversation_id: str | None = None


@dataclass(frozen=True)
class ReplyRecord:
    """A post by the account itself, used to tell which mentions it answered and when."""

    external_id: str
    created_at: datetime
    replied_to_id: str | None = None  # referenced_tweets[type=replied_to].id
    conversation_id: str | None = None
    in_reply_to_user_id: str | None = None


@dataclass(frozen=True)
class RequestCost:
    """One request to a rate-limited or billed API (recorded for the budget page)."""

    endpoint: str
    status_code: int | None = None
    posts_read: int = 0
    users_read: int = 0
    rate_limit_remaining: int | None = None
    rate_limit_reset: datetime | None = None


@dataclass
class Batch:
    mentions: list[MentionRecord] = field(default_factory=list)
    replies: list[ReplyRecord] = field(default_factory=list)
    cursor: str | None = None  # the new since-id (or time) to store when the batch is stored
    requests: list[RequestCost] = field(default_factory=list)


@dataclass
class SyncReport:
    account_id: int
    new_mentions: int = 0
    duplicates: int = 0
    answered: int = 0
    error: str | None = None


class Source(ABC):
    """A platform or channel Pantau reads mentions from."""

    name: ClassVar[str]
    platforms: ClassVar[tuple[str, ...]]

    @abstractmethod
    def fetch(self, session: Session, account: Account, cursor: str | None) -> Batch:
        """Read what is new for `account` since `cursor`; no writes."""

    def is_due(self, session: Session, account: Account, now: datetime) -> bool:
        """Whether this account should be read in this pass (sources with quotas override it)."""
        return True

    def describe_error(self, exc: Exception) -> str:
        """A short, secret-free description of a failure, for the page and the log."""
        return f"{type(exc).__name__}: {exc}"[:300]

    def after_error(self, session: Session, state: SyncState, exc: Exception) -> None:
        """Hook to schedule the next attempt after a failure (e.g. a rate-limit reset)."""
        return None

    def sync(self, session: Session, account: Account) -> SyncReport:
        """Fetch and store one account; the caller commits."""
        from lib import ingest

        state = ingest.sync_state(session, self.name, account.id)
        batch = self.fetch(session, account, state.cursor)
        return ingest.store_batch(session, self.name, account, batch)
