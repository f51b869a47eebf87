"""The live X source: mentions, the account's own replies and verification, read through tweepy.

Usable in-process as `XSource(client).sync(session, account)` with any `tweepy.Client`, and by
`python -m lib.sync --source x`. Every read counts (X caps or bills reads per month and rate-limits
per 15 minutes), so the source:

- resolves numeric user ids once, in batched lookups of up to 100 handles, and keeps them;
- polls mentions and the account's own posts incrementally (since the newest stored id, minus a
  few minutes of overlap because since_id polling is known to miss late-indexed posts; the
  overlap's duplicates are dropped by the unique platform + external id);
- refreshes verification for all X accounts in batched lookups, once per `VERIFICATION_INTERVAL`;
- records every HTTP request (failures too) as an `ApiRequest` row and stops before a page could
  take the month's reads past `x_monthly_read_budget`;
- never sleeps on a 429: the account is held until `x-rate-limit-reset` and the pass moves on.

Failures: what was fetched before a failure is stored (and committed) before the error is raised,
so the runner in `lib.sync` records the error for the page while the last good data stays.
The bearer token is never logged, stored or shown: tweepy's debug log redacts it here and error
descriptions are built from status codes, never from request objects.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import requests
import tweepy
from requests.adapters import HTTPAdapter
from sqlalchemy import select
from sqlalchemy.orm import Session

from lib import ingest, xbudget
from lib.config import Settings
from lib.models import Account, ApiRequest, SyncState, Unit, utcnow
from lib.sources.base import Batch, MentionRecord, ReplyRecord, RequestCost, Source, SyncReport

log = logging.getLogger("pantau.sources.x")

PLATFORM = "x"
PAGE_SIZE = 100  # max_results: the most X returns per request
LOOKUP_BATCH = 100  # users per lookup request
MAX_PAGES = 8  # the mentions timeline only reaches back ~800 posts anyway
OVERLAP = timedelta(minutes=5)
BACKFILL = timedelta(days=2)  # how far back the very first read of an account goes
VERIFICATION_INTERVAL = timedelta(hours=24)
AUTH_HOLD = timedelta(minutes=15)
RATE_LIMIT_HOLD = timedelta(minutes=15)  # when a 429 carries no reset header
# Polling interval by unit level when the account sets none: traffic (and complaints) are
# concentrated at Polda level; Polsek X accounts are quiet.
DEFAULT_INTERVALS = {"mabes": 300, "polda": 600, "polres": 1800, "polsek": 3600}

MENTION_TWEET_FIELDS = ["created_at", "author_id", "conversation_id", "in_reply_to_user_id",
                        "referenced_tweets", "lang", "entities"]
MENTION_USER_FIELDS = ["username", "name", "verified", "verified_type"]
OWN_TWEET_FIELDS = ["created_at", "conversation_id", "in_reply_to_user_id", "referenced_tweets"]
LOOKUP_USER_FIELDS = ["username", "name", "verified", "verified_type", "public_metrics", "most_recent_tweet_id"]

# Account.problem texts set (and cleared) by this source; other problems are left alone.
PROBLEM_MISSING = "Akun X tidak ditemukan"
PROBLEM_SUSPENDED = "Akun X ditangguhkan"
PROBLEM_RENAMED = "Handle X berubah menjadi"
_BLOCKING = (PROBLEM_MISSING, PROBLEM_SUSPENDED)
_OURS = (*_BLOCKING, PROBLEM_RENAMED)

_X_EPOCH_MS = 1288834974657
_RETRYABLE = (tweepy.TwitterServerError, requests.Timeout, requests.ConnectionError)


class XError(Exception):
    """A failure of the X source with a short Indonesian message that is safe to show."""


class BudgetExhausted(XError):
    """The next request could take this month's reads past the configured budget."""


class AccountUnavailable(XError):
    """The account cannot be read (not found, suspended): it is flagged and skipped."""


# ---------------------------------------------------------------------------- ids and time


def snowflake_time(tweet_id: str | int) -> datetime:
    """When a post (or any X snowflake id) was created, from the id alone."""
    return datetime.fromtimestamp(((int(tweet_id) >> 22) + _X_EPOCH_MS) / 1000, tz=UTC)


def snowflake_at(when: datetime) -> int:
    """The smallest id X could have given a post created at `when`."""
    return max(int(when.timestamp() * 1000) - _X_EPOCH_MS, 0) << 22


def overlapping_since_id(cursor: str, overlap: timedelta) -> str:
    """A since_id `overlap` earlier than the stored newest id, so late-indexed posts are read."""
    return str(min(int(cursor), snowflake_at(snowflake_time(cursor) - overlap)))


def _parse_time(raw: Any) -> datetime:
    if isinstance(raw, datetime):
        return raw.astimezone(UTC)
    return datetime.fromisoformat(str(raw).replace("Z", "+00:00")).astimezone(UTC)


def _replied_to(tweet: tweepy.Tweet) -> str | None:
    for ref in tweet.referenced_tweets or []:
        if ref.type == "replied_to":
            return str(ref.id)
    return None


def _newest(ids: Sequence[str], current: str | None) -> str | None:
    candidates = [int(i) for i in ids] + ([int(current)] if current else [])
    return str(max(candidates)) if candidates else None


# ---------------------------------------------------------------------------- HTTP plumbing


class _TimeoutAdapter(HTTPAdapter):
    """tweepy sends without a timeout; a hung connection must not hang a sync pass."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def send(self, request, **kwargs):  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


class _RedactBearer(logging.Filter):
    """tweepy logs request headers at DEBUG level, bearer token included: blank it out."""

    _pattern = re.compile(r"Bearer [^'\"\s,}]+")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "Bearer " in message:
            record.msg, record.args = self._pattern.sub("Bearer ***", message), None
        return True


logging.getLogger("tweepy.client").addFilter(_RedactBearer())


def make_client(bearer_token: str, timeout: float = 20.0) -> tweepy.Client:
    """A tweepy client that never sleeps on rate limits and times out stalled requests."""
    client = tweepy.Client(bearer_token=bearer_token, wait_on_rate_limit=False)
    client.session.mount("https://", _TimeoutAdapter(timeout))
    return client


def endpoint_name(path: str) -> str:
    """`/2/users/123/mentions` → `users/:id/mentions` (ids never end up in the ledger's endpoint)."""
    parts = path.strip("/").split("/")
    if parts and parts[0] == "2":  # the API version
        parts = parts[1:]
    return "/".join(":id" if p.isdigit() else p for p in parts)


def _read_counts(endpoint: str, body: dict) -> tuple[int, int]:
    """(posts, users) returned by one response: the data array plus expanded authors."""
    data = body.get("data") or []
    count = len(data) if isinstance(data, list) else 1
    users = len((body.get("includes") or {}).get("users") or [])
    if endpoint.startswith("users/:id/") or endpoint.startswith("tweets"):
        return count, users
    return 0, count + users  # user lookups


def _header_int(headers: Any, name: str) -> int | None:
    try:
        return int(headers[name]) if name in headers else None
    except (TypeError, ValueError):
        return None


def cost_of(response: requests.Response) -> RequestCost:
    """What one HTTP response cost, from its status, body and rate-limit headers."""
    endpoint = endpoint_name(urlparse(response.url).path)
    posts = users = 0
    if 200 <= response.status_code < 300:
        try:
            posts, users = _read_counts(endpoint, response.json())
        except ValueError:
            pass
    reset = _header_int(response.headers, "x-rate-limit-reset")
    return RequestCost(
        endpoint=endpoint, status_code=response.status_code, posts_read=posts, users_read=users,
        rate_limit_remaining=_header_int(response.headers, "x-rate-limit-remaining"),
        rate_limit_reset=datetime.fromtimestamp(reset, tz=UTC) if reset is not None else None,
    )


def rate_limit_reset(exc: tweepy.TooManyRequests) -> datetime | None:
    reset = exc.reset_time if getattr(exc, "reset_time", None) is not None else \
        _header_int(exc.response.headers, "x-rate-limit-reset")
    return datetime.fromtimestamp(reset, tz=UTC) if reset is not None else None


# ---------------------------------------------------------------------------- the source


class XSource(Source):
    name = "x"
    platforms = (PLATFORM,)

    def __init__(
        self,
        client: tweepy.Client,
        *,
        monthly_budget: int | None = None,
        force: bool = False,
        now: Callable[[], datetime] = utcnow,
        sleep: Callable[[float], None] = time.sleep,
        retries: int = 2,
        backoff_seconds: float = 2.0,
        overlap: timedelta = OVERLAP,
        max_pages: int = MAX_PAGES,
    ) -> None:
        if getattr(client, "wait_on_rate_limit", False):
            raise ValueError("XSource needs a tweepy.Client with wait_on_rate_limit=False")
        self.client = client
        self.monthly_budget = monthly_budget
        self.force = force  # ignore the polling interval (not rate-limit or error holds)
        self.now = now
        self.sleep = sleep
        self.retries = retries
        self.backoff_seconds = backoff_seconds
        self.overlap = overlap
        self.max_pages = max_pages
        self._pending: list[tuple[RequestCost, datetime]] = []
        self._account_id: int | None = None  # whom the requests in flight are charged to
        self._fatal: Exception | None = None  # a token/tier failure: stop asking for this pass

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> XSource:
        if not settings.x_bearer_token:
            raise XError("Sumber X tidak aktif: setel PANTAU_X_BEARER_TOKEN atau x_bearer_token di secrets.toml")
        return cls(make_client(settings.x_bearer_token), monthly_budget=settings.x_monthly_read_budget, **kwargs)

    # -- scheduling ---------------------------------------------------------------------

    def interval(self, session: Session, account: Account) -> timedelta:
        if account.sync_interval_seconds:
            return timedelta(seconds=account.sync_interval_seconds)
        unit = session.get(Unit, account.unit_id)
        return timedelta(seconds=DEFAULT_INTERVALS.get(unit.level if unit else "", 1800))

    def is_due(self, session: Session, account: Account, now: datetime) -> bool:
        """Due unless flagged unreadable, held after an error, or read within its interval.

        The source's own clock decides (not the runner's `now`), so tests can pin time."""
        if account.problem and account.problem.startswith(_BLOCKING):
            return False
        state = ingest.sync_state(session, self.name, account.id)
        if state.next_due_at is None or self.now() >= state.next_due_at:
            return True
        return self.force and not state.last_error  # force skips the interval, never a hold

    # -- errors -------------------------------------------------------------------------

    def describe_error(self, exc: Exception) -> str:
        return self._scrub(_describe(exc))

    def after_error(self, session: Session, state: SyncState, exc: Exception) -> None:
        account = session.get(Account, state.account_id) if state.account_id else None
        state.next_due_at = self._hold_until(session, account, exc)
        if account is not None and isinstance(exc, tweepy.NotFound):
            _flag_not_found(account)

    def _hold_until(self, session: Session, account: Account | None, exc: Exception) -> datetime:
        now = self.now()
        if isinstance(exc, tweepy.TooManyRequests):
            reset = rate_limit_reset(exc)
            return max(reset, now) if reset else now + RATE_LIMIT_HOLD
        if isinstance(exc, tweepy.Unauthorized | tweepy.Forbidden):
            return now + AUTH_HOLD
        return now + (self.interval(session, account) if account else RATE_LIMIT_HOLD)

    def _scrub(self, text: str) -> str:
        token = getattr(self.client, "bearer_token", None)
        return text.replace(token, "***") if token else text

    # -- one account --------------------------------------------------------------------

    def fetch(self, session: Session, account: Account, cursor: str | None) -> Batch:
        """Mentions since `cursor` (no writes but the request ledger); `sync` is the normal entry."""
        batch = Batch()
        with self._recording(session, account.id):
            batch.cursor = self._read_mentions(session, account, cursor, batch.mentions)
        return batch

    def sync(self, session: Session, account: Account) -> SyncReport:
        """Read and store one account: users, mentions, own replies. The caller commits; on a
        failure this commits what was already stored and the request ledger, then re-raises."""
        if self._fatal is not None:
            raise self._fatal
        mentions_state = ingest.sync_state(session, self.name, account.id, "mentions")
        replies_state = ingest.sync_state(session, self.name, account.id, "replies")
        previous_success = mentions_state.last_success_at
        found: list[MentionRecord] = []
        replies: list[ReplyRecord] = []
        stage = "users"
        try:
            with self._recording(session, None):
                self._refresh_users(session, account)
            if not account.platform_user_id or (account.problem or "").startswith(_BLOCKING):
                raise AccountUnavailable(account.problem or f"{PROBLEM_MISSING}: @{account.handle}")
            stage = "mentions"
            with self._recording(session, account.id):
                cursor = self._read_mentions(session, account, mentions_state.cursor, found)
            report = ingest.store_batch(session, self.name, account, Batch(mentions=found, cursor=cursor))
            stage = "replies"
            with self._recording(session, account.id):
                replies_cursor = self._read_own_posts(session, account, replies_state.cursor, replies)
            report.answered = ingest.apply_replies(session, account, replies)
            self._mark_success(session, account, replies_state, replies_cursor)
            return report
        except Exception as exc:
            if isinstance(exc, tweepy.Unauthorized | tweepy.Forbidden):
                self._fatal = exc  # the same token fails for every account: ask no more this pass
            self._keep_partial(session, account, stage, found, replies, previous_success, exc)
            raise

    def _mark_success(self, session: Session, account: Account, replies_state: SyncState, cursor: str | None) -> None:
        now = self.now()
        mentions_state = ingest.sync_state(session, self.name, account.id, "mentions")
        mentions_state.last_run_at = mentions_state.last_success_at = now
        mentions_state.next_due_at = now + self.interval(session, account)
        replies_state.cursor = cursor or replies_state.cursor
        replies_state.last_run_at = replies_state.last_success_at = now
        replies_state.last_error = None

    def _keep_partial(self, session: Session, account: Account, stage: str, found: list[MentionRecord],
                      replies: list[ReplyRecord], previous_success: datetime | None, exc: Exception) -> None:
        """Store what arrived before `exc` (cursor not advanced: the gap is read again next time),
        keep the paid-for request ledger, and commit so the runner's rollback loses nothing."""
        self._flush_costs(session)
        if stage == "mentions" and found:
            ingest.store_batch(session, self.name, account, Batch(mentions=found, cursor=None))
        if stage == "replies" and replies:
            ingest.apply_replies(session, account, replies)
        state = ingest.sync_state(session, self.name, account.id, "mentions")
        state.last_success_at = previous_success  # a failed sync is not a success, even half-way
        state.last_run_at = self.now()
        state.last_error = self.describe_error(exc)
        state.next_due_at = self._hold_until(session, account, exc)
        if isinstance(exc, tweepy.NotFound):
            _flag_not_found(account)
        session.commit()

    # -- reads --------------------------------------------------------------------------

    def _read_mentions(self, session: Session, account: Account, cursor: str | None,
                       out: list[MentionRecord]) -> str | None:
        """Append mentions since `cursor` to `out`; return the new cursor (the newest id seen)."""
        params: dict[str, Any] = dict(max_results=PAGE_SIZE, tweet_fields=MENTION_TWEET_FIELDS,
                                      expansions=["author_id"], user_fields=MENTION_USER_FIELDS)
        params.update(self._window(cursor))
        newest = cursor
        for page in self._pages(session, self.client.get_users_mentions, account.platform_user_id,
                                reserve=2 * PAGE_SIZE, **params):
            authors = {str(u.id): u for u in (page.includes or {}).get("users", [])}
            for tweet in page.data or []:
                if str(tweet.author_id) == account.platform_user_id:
                    continue  # the account's own posts are replies, not mentions
                out.append(_mention(tweet, authors.get(str(tweet.author_id))))
            newest = _newest([str(t.id) for t in page.data or []], newest)
        return newest

    def _read_own_posts(self, session: Session, account: Account, cursor: str | None,
                        out: list[ReplyRecord]) -> str | None:
        params: dict[str, Any] = dict(max_results=PAGE_SIZE, tweet_fields=OWN_TWEET_FIELDS, exclude=["retweets"])
        params.update(self._window(cursor))
        newest = cursor
        for page in self._pages(session, self.client.get_users_tweets, account.platform_user_id,
                                reserve=PAGE_SIZE, **params):
            for tweet in page.data or []:
                created = _parse_time(tweet.created_at)
                if account.last_post_at is None or created > account.last_post_at:
                    account.last_post_at = created
                if _replied_to(tweet) or tweet.in_reply_to_user_id:
                    out.append(ReplyRecord(
                        external_id=str(tweet.id), created_at=created, replied_to_id=_replied_to(tweet),
                        conversation_id=str(tweet.conversation_id) if tweet.conversation_id else None,
                        in_reply_to_user_id=str(tweet.in_reply_to_user_id) if tweet.in_reply_to_user_id else None,
                    ))
            newest = _newest([str(t.id) for t in page.data or []], newest)
        return newest

    def _window(self, cursor: str | None) -> dict[str, Any]:
        if cursor:
            return {"since_id": overlapping_since_id(cursor, self.overlap)}
        return {"start_time": (self.now() - BACKFILL).replace(microsecond=0)}

    def _pages(self, session: Session, method: Callable, user_id: str | None, *, reserve: int,
               **params: Any) -> Iterator[tweepy.Response]:
        """tweepy.Paginator over `method`, checking the budget before each page is requested."""
        pages = iter(tweepy.Paginator(self._retrying(method), user_id, **params))
        for _ in range(self.max_pages):
            self._check_budget(session, reserve)
            try:
                page = next(pages)
            except StopIteration:
                return
            finally:
                self._flush_costs(session)
            yield page

    def _check_budget(self, session: Session, reserve: int) -> None:
        if self.monthly_budget is None:
            return
        self._flush_costs(session)
        used = xbudget.reads_this_month(session, self.now())
        if used + reserve > self.monthly_budget:
            raise BudgetExhausted(
                f"Anggaran baca X bulan ini hampir habis ({_number(used)} dari {_number(self.monthly_budget)}); "
                "sinkronisasi X ditunda sampai bulan depan atau anggaran dinaikkan (PANTAU_X_MONTHLY_READ_BUDGET)"
            )

    def _retrying(self, method: Callable) -> Callable:
        """Retry 5xx and timeouts a few times with exponential backoff, then give up for this pass."""

        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> Any:
            for attempt in range(self.retries + 1):
                try:
                    return method(*args, **kwargs)
                except _RETRYABLE as exc:
                    if isinstance(exc, requests.RequestException):  # no response: log the attempt
                        path = urlparse(getattr(exc.request, "url", "") or "").path
                        self._pending.append((RequestCost(endpoint_name(path) or method.__name__), self.now()))
                    if attempt == self.retries:
                        raise
                    log.info("X %s failed (%s), retrying", method.__name__, type(exc).__name__)
                    self.sleep(self.backoff_seconds * 2**attempt)
            raise AssertionError("unreachable")

        return call

    # -- users: ids, renames, verification ------------------------------------------------

    def _refresh_users(self, session: Session, account: Account) -> None:
        """Resolve ids of accounts that have none (once), and refresh verification for every X
        account when that is due; both in batched lookups. A failed periodic refresh does not
        stop an account that already has its id."""
        state = ingest.sync_state(session, self.name, None, "verification")
        accounts = list(session.scalars(select(Account).where(Account.platform == PLATFORM, Account.active)))
        due = state.next_due_at is None or self.now() >= state.next_due_at
        if due:
            by_id = [a for a in accounts if a.platform_user_id]
            by_name = [a for a in accounts if not a.platform_user_id]
        else:
            by_id = []
            by_name = [a for a in accounts if not a.platform_user_id and not (a.problem or "").startswith(_BLOCKING)]
        if not by_id and not by_name:
            return
        try:
            self._lookup(session, by_id, "ids")
            self._lookup(session, by_name, "usernames")
        except Exception as exc:
            state.last_run_at = self.now()
            state.last_error = self.describe_error(exc)
            state.next_due_at = self._hold_until(session, None, exc)
            if not account.platform_user_id or isinstance(exc, tweepy.Unauthorized | tweepy.Forbidden):
                raise
            log.warning("X verification refresh failed: %s", state.last_error)
            return
        if due:
            state.last_run_at = state.last_success_at = self.now()
            state.next_due_at = self.now() + VERIFICATION_INTERVAL
            state.last_error = None

    def _lookup(self, session: Session, accounts: list[Account], by: str) -> None:
        call = self._retrying(self.client.get_users)
        for i in range(0, len(accounts), LOOKUP_BATCH):
            chunk = accounts[i : i + LOOKUP_BATCH]
            self._check_budget(session, len(chunk))
            keys = [a.platform_user_id if by == "ids" else a.handle for a in chunk]
            try:
                response = call(**{by: keys}, user_fields=LOOKUP_USER_FIELDS)
            finally:
                self._flush_costs(session)
            self._apply_lookup(chunk, response, by)

    def _apply_lookup(self, chunk: list[Account], response: tweepy.Response, by: str) -> None:
        now = self.now()
        key = (lambda a: a.platform_user_id) if by == "ids" else (lambda a: a.handle.lower())
        index = {key(a): a for a in chunk}
        for user in response.data or []:
            account = index.get(str(user.id) if by == "ids" else user.username.lower())
            if account is not None:
                _apply_user(account, user, now)
        for error in response.errors or []:
            value = str(error.get("value") or error.get("resource_id") or "")
            account = index.get(value if by == "ids" else value.lower())
            if account is None:
                continue
            suspended = "suspend" in (error.get("detail") or "").lower() or error.get("title") == "Forbidden"
            account.problem = (f"{PROBLEM_SUSPENDED}: @{account.handle}" if suspended else
                               f"{PROBLEM_MISSING}: @{account.handle} mungkin berganti nama atau dihapus; "
                               "periksa handle di registri")
            account.last_checked_at = now

    # -- request ledger -------------------------------------------------------------------

    @contextmanager
    def _recording(self, session: Session, account_id: int | None) -> Iterator[None]:
        """Record every HTTP response the client receives while inside, charged to `account_id`."""

        def hook(response: requests.Response, *args: Any, **kwargs: Any) -> None:
            self._pending.append((cost_of(response), self.now()))

        hooks = self.client.session.hooks.setdefault("response", [])
        hooks.append(hook)
        self._account_id = account_id
        try:
            yield
        finally:
            hooks.remove(hook)
            self._flush_costs(session)

    def _flush_costs(self, session: Session) -> None:
        for cost, at in self._pending:
            session.add(ApiRequest(
                at=at, source=self.name, endpoint=cost.endpoint, account_id=self._account_id,
                status_code=cost.status_code, posts_read=cost.posts_read, users_read=cost.users_read,
                rate_limit_remaining=cost.rate_limit_remaining, rate_limit_reset=cost.rate_limit_reset,
            ))
        self._pending.clear()


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")  # Indonesian thousands separator


def _mention(tweet: tweepy.Tweet, author: tweepy.User | None) -> MentionRecord:
    handle = author.username if author is not None else None
    tweet_id = str(tweet.id)
    return MentionRecord(
        external_id=tweet_id,
        text=tweet.text,
        created_at=_parse_time(tweet.created_at),
        author_id=str(tweet.author_id) if tweet.author_id else None,
        author_handle=handle,
        author_name=author.name if author is not None else None,
        url=f"https://x.com/{handle or 'i/web'}/status/{tweet_id}",
        lang=tweet.lang,
        in_reply_to_id=_replied_to(tweet),
        conversation_id=str(tweet.conversation_id) if tweet.conversation_id else None,
    )


def _flag_not_found(account: Account) -> None:
    account.problem = f"{PROBLEM_MISSING} (404): @{account.handle} mungkin berganti nama atau dihapus"


def _apply_user(account: Account, user: tweepy.User, now: datetime) -> None:
    """Store id, verification and reach; flag (never apply) a changed handle."""
    account.platform_user_id = str(user.id)
    account.verified = bool(user.verified) if user.verified is not None else account.verified
    account.verified_type = user.verified_type or account.verified_type
    metrics = user.public_metrics or {}
    if "followers_count" in metrics:
        account.followers = int(metrics["followers_count"])
    recent = user.data.get("most_recent_tweet_id")
    if recent:
        posted = snowflake_time(recent)
        if account.last_post_at is None or posted > account.last_post_at:
            account.last_post_at = posted
    account.last_checked_at = now
    if user.username.lower() != account.handle.lower():
        account.problem = (f"{PROBLEM_RENAMED} @{user.username} (terdaftar @{account.handle}); "
                           "perbarui handle di registri")
    elif account.problem and account.problem.startswith(_OURS):
        account.problem = None


def _describe(exc: Exception) -> str:
    if isinstance(exc, XError):
        return str(exc)
    if isinstance(exc, tweepy.TooManyRequests):
        reset = rate_limit_reset(exc)
        when = f" setelah {reset:%H:%M} UTC" if reset else " nanti"
        return f"Batas laju X tercapai (429); dicoba lagi{when}"
    if isinstance(exc, tweepy.Unauthorized):
        return "Token X ditolak (401): periksa PANTAU_X_BEARER_TOKEN atau x_bearer_token di secrets.toml"
    if isinstance(exc, tweepy.Forbidden):
        return ("Tingkat akses X tidak mencukupi (403): token tidak terhubung ke Project "
                "atau paket API tidak mencakup endpoint ini")
    if isinstance(exc, tweepy.NotFound):
        return "Akun X tidak ditemukan (404): mungkin berganti nama atau ditangguhkan"
    if isinstance(exc, tweepy.TwitterServerError):
        return f"Layanan X sedang bermasalah ({exc.response.status_code}); dicoba lagi pada putaran berikutnya"
    if isinstance(exc, requests.Timeout):
        return "X tidak menjawab (batas waktu habis); dicoba lagi pada putaran berikutnya"
    if isinstance(exc, requests.ConnectionError):
        return "Tidak dapat terhubung ke X; dicoba lagi pada putaran berikutnya"
    if isinstance(exc, tweepy.HTTPException):
        detail = "; ".join(str(m) for m in exc.api_messages)[:200]
        return f"Permintaan ke X gagal ({exc.response.status_code}){': ' + detail if detail else ''}"
    return f"Galat sumber X: {type(exc).__name__}"
