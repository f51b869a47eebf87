"""The one small interface every source implements: read what is new for an account, nothing else.

A source knows how to talk to its platform and never writes: it returns a `Batch` (mentions, the
account's own replies, facts about accounts, what each request cost, new cursors) or raises a
`SourceError`, which may carry the part it read before failing. `lib.sync` owns everything that
writes: cursors, storing (through `lib.ingest`), reply matching, cost ledgers, schedules and error
records. Sources are listed in `lib.sources.registry`; adding a platform is one module plus its
tests (see docs/sources.md).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar

from sqlalchemy.orm import Session

from lib.models import Account, SyncState, Unit, utcnow


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
    """One request to a rate-limited or billed API (recorded for the budget page).

    `post_ids`/`user_ids` name the resources the response returned, for platforms that bill each
    resource once per day (X): the ledger in `lib.ledger` counts them as the platform does."""

    endpoint: str
    status_code: int | None = None
    posts_read: int = 0
    users_read: int = 0
    rate_limit_remaining: int | None = None
    rate_limit_reset: datetime | None = None
    at: datetime | None = None  # when the response arrived (None: when it is recorded)
    post_ids: tuple[str, ...] = ()
    user_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccountFacts:
    """What the platform says about one of our accounts; `None` fields are left as stored."""

    account_id: int
    platform_user_id: str | None = None
    verified: bool | None = None
    verified_type: str | None = None
    followers: int | None = None
    last_post_at: datetime | None = None  # only ever moves forward
    checked_at: datetime | None = None
    problem: str | None = None  # set this problem text
    clear_problem: tuple[str, ...] = ()  # clear a stored problem that starts with one of these


@dataclass
class Batch:
    mentions: list[MentionRecord] = field(default_factory=list)
    replies: list[ReplyRecord] = field(default_factory=list)
    cursor: str | None = None  # the new since-id (or time) to store when the batch is stored
    requests: list[RequestCost] = field(default_factory=list)
    reply_cursor: str | None = None  # the same for the account's own posts (kind "replies")
    facts: list[AccountFacts] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # partial errors reported next to the data
    next_due_at: datetime | None = None  # when the source wants this read again (None: any time)


@dataclass
class SyncReport:
    account_id: int
    new_mentions: int = 0
    duplicates: int = 0
    answered: int = 0
    error: str | None = None


# ---------------------------------------------------------------------------- typed errors


class SourceError(Exception):
    """A failure with a short Bahasa Indonesia message that is safe to show (no secrets).

    `partial` is what was read before the failure (stored by the runner, its cursor not advanced
    unless the stage it belongs to finished); `retry_at` is when the account may be tried again."""

    stops_pass: ClassVar[bool] = False  # the same failure would repeat for every account

    def __init__(self, message: str, *, retry_at: datetime | None = None, partial: Batch | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_at = retry_at
        self.partial = partial


class TransientError(SourceError):
    """Server errors, timeouts, unreadable or error-only answers: tried again next time."""


class RateLimited(SourceError):
    """The platform's rate window is used up until `retry_at`."""


class AuthFailed(SourceError):
    """The credentials or the access tier were refused: no more requests in this pass."""

    stops_pass = True


class BudgetExhausted(SourceError):
    """The next request could take this month's billed reads past the configured budget."""

    stops_pass = True


class AccountUnavailable(SourceError):
    """The account cannot be read (not found, suspended): flagged through `partial.facts`."""


# ---------------------------------------------------------------------------- the interface


class Source(ABC):
    """A platform or channel Pantau reads mentions from."""

    name: ClassVar[str]
    platforms: ClassVar[tuple[str, ...]]
    force: bool = False  # "sync now": ignore the polling interval (never an error hold)
    # Seconds between polls of one account by its unit's level, unless the account sets its own.
    default_intervals: ClassVar[Mapping[str, int]] = {}

    def interval(self, session: Session, account: Account) -> timedelta:
        """How often `account` is polled: its own interval, else its unit level's default."""
        if account.sync_interval_seconds:
            return timedelta(seconds=account.sync_interval_seconds)
        unit = session.get(Unit, account.unit_id)
        return timedelta(seconds=self.default_intervals.get(unit.level if unit else "", 1800))

    def now(self) -> datetime:
        """The source's clock (sources take an injectable one, so tests can pin time)."""
        return utcnow()

    @abstractmethod
    def fetch(self, session: Session, account: Account, cursor: str | None) -> Batch:
        """Read what is new for `account` since `cursor`; no writes."""

    def read(self, session: Session, account: Account, cursors: Mapping[str, str | None]) -> Batch:
        """Read one account given its cursors by kind ("mentions", "replies"); no writes.
        Sources with one cursor only implement `fetch`."""
        return self.fetch(session, account, cursors.get("mentions"))

    def check_accounts(self, session: Session, accounts: Sequence[Account], state: SyncState,
                       now: datetime) -> Batch | None:
        """Once per pass, before any account is read: facts about the accounts (ids, verification).
        `state` is the source's account-check row (read it, never write it). None: nothing to do."""
        return None

    def is_due(self, session: Session, account: Account, now: datetime) -> bool:
        """Whether this account should be read in this pass (sources with quotas override it)."""
        return True

    def describe_error(self, exc: Exception) -> str:
        """A short, secret-free description of an unexpected failure, for the page and the log."""
        if isinstance(exc, SourceError):
            return exc.message[:300]
        return f"{type(exc).__name__}: {exc}"[:300]

    def hold_until(self, session: Session, account: Account | None, exc: Exception,
                   now: datetime) -> datetime | None:
        """When an account that failed with `exc` may be read again (None: next pass)."""
        return exc.retry_at if isinstance(exc, SourceError) else None

    def record_outcome(self, session: Session, account: Account, failure: Exception | None) -> None:
        """Bookkeeping of the source's own next to the account's sync state, written by the runner
        in the same transaction once the account's batch or failure is stored (Meta: whether its
        unit's page token was accepted or refused). Most sources keep none."""
        return None
