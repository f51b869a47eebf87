"""The live X source: mentions, the account's own replies and verification, read through tweepy.

Fetch only: `read` returns a `Batch` or raises a typed `SourceError` carrying what it read before
failing; `lib.sync` stores, matches replies, keeps cursors, schedules and the cost ledgers. In
process: `lib.sync.sync_account(session, XSource(client), account)` with any `tweepy.Client` built
with `return_type=dict`; from the command line `python -m lib.sync --source x [--loop]`.

Every read is billed (pay-per-use bills each post and user once per UTC day) and rate-limited per
15 minutes, so the source:

- resolves numeric user ids once, in batched lookups of up to 100 handles, and keeps them;
- polls mentions and the account's own posts incrementally, since the newest stored id (nothing
  it already holds is asked for again);
- refreshes verification for all X accounts in batched lookups once per `VERIFICATION_INTERVAL`,
  in its own step of each pass (`check_accounts`), and re-checks flagged accounts on their own
  schedule (`FLAGGED_RECHECK`), even when no other account is read;
- before each request, sizes it (`max_results`) to what is left of the month's budget of billed
  reads, and stops when not even the smallest request fits;
- never sleeps on a 429: the account is held until `x-rate-limit-reset` and the pass moves on;
- parses each post on its own from raw JSON (tweepy's model classes raise on a missing field): a
  missing `created_at` is taken from the id's snowflake, a post without text is skipped and logged,
  so one malformed post never blocks the cursor;
- reads the own posts (replies) even when the mentions stage failed.

The bearer token is never logged, stored or shown: tweepy's debug log redacts it here and error
descriptions are built from status codes, never from request objects.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import requests
import tweepy
from requests.adapters import HTTPAdapter
from sqlalchemy import select
from sqlalchemy.orm import Session

from lib import ledger
from lib.config import Settings
from lib.formatting import number
from lib.models import Account, SyncState, utcnow
from lib.sources.base import (
    AccountFacts,
    AccountUnavailable,
    AuthFailed,
    Batch,
    BudgetExhausted,
    MentionRecord,
    RateLimited,
    ReplyRecord,
    RequestCost,
    Source,
    SourceError,
    TransientError,
)
from lib.sources.registry import Budget, SourceSpec, register

log = logging.getLogger("pantau.sources.x")

PLATFORM = "x"
PAGE_SIZE = 100  # max_results: the most X returns per request
MIN_PAGE = 5  # the least max_results X accepts on a timeline
LOOKUP_BATCH = 100  # users per lookup request
MAX_PAGES = 8  # the mentions timeline only reaches back ~800 posts anyway
BACKFILL = timedelta(days=2)  # how far back the very first read of an account goes
VERIFICATION_INTERVAL = timedelta(hours=24)
FLAGGED_RECHECK = timedelta(hours=6)  # a flagged (missing, suspended) account is looked up again
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


# ---------------------------------------------------------------------------- ids and time


def snowflake_time(tweet_id: str | int) -> datetime:
    """When a post (or any X snowflake id) was created, from the id alone."""
    return datetime.fromtimestamp(((int(tweet_id) >> 22) + _X_EPOCH_MS) / 1000, tz=UTC)


def snowflake_at(when: datetime) -> int:
    """The smallest id X could have given a post created at `when`."""
    return max(int(when.timestamp() * 1000) - _X_EPOCH_MS, 0) << 22


def _parse_time(raw: Any) -> datetime | None:
    if isinstance(raw, datetime):
        return raw.astimezone(UTC)
    if not isinstance(raw, str) or not raw:
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def _post_id(raw: Any) -> str | None:
    value = str(raw.get("id") or "") if isinstance(raw, dict) else ""
    return value if value.isdigit() else None


def _replied_to(tweet: dict) -> str | None:
    for ref in tweet.get("referenced_tweets") or []:
        if isinstance(ref, dict) and ref.get("type") == "replied_to" and ref.get("id"):
            return str(ref["id"])
    return None


def _opt_str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _newest(ids: Sequence[str], current: str | None) -> str | None:
    candidates = [int(i) for i in ids] + ([int(current)] if current else [])
    return str(max(candidates)) if candidates else None


def _problem_detail(errors: Sequence[Any]) -> str:
    parts = []
    for err in errors[:3]:
        if isinstance(err, dict):
            parts.append(": ".join(str(err[k]) for k in ("title", "detail") if err.get(k)))
    return "; ".join(p for p in parts if p)[:300] or "galat tanpa keterangan"


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
    """A tweepy client that returns raw JSON (parsed per post here), never sleeps on rate limits
    and times out stalled requests."""
    client = tweepy.Client(bearer_token=bearer_token, wait_on_rate_limit=False, return_type=dict)
    client.session.mount("https://", _TimeoutAdapter(timeout))
    return client


def endpoint_name(path: str) -> str:
    """`/2/users/123/mentions` → `users/:id/mentions` (ids never end up in the ledger's endpoint)."""
    parts = path.strip("/").split("/")
    if parts and parts[0] == "2":  # the API version
        parts = parts[1:]
    return "/".join(":id" if p.isdigit() else p for p in parts)


def _ids(items: Any) -> tuple[str, ...]:
    if isinstance(items, dict):
        items = [items]
    return tuple(i for i in (_post_id(x) for x in items or []) if i)


def _header_int(headers: Any, name: str) -> int | None:
    try:
        return int(headers[name]) if name in headers else None
    except (TypeError, ValueError):
        return None


def cost_of(response: requests.Response, at: datetime | None = None) -> RequestCost:
    """What one HTTP response cost: its status, the posts and users it returned (ids, so the
    ledger bills each once a day) and the rate-limit headers."""
    endpoint = endpoint_name(urlparse(response.url).path)
    posts: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    if 200 <= response.status_code < 300:
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            data = _ids(body.get("data"))
            expanded = _ids((body.get("includes") or {}).get("users"))
            if endpoint.startswith("users/:id/") or endpoint.startswith("tweets"):
                posts, users = data, expanded
            else:  # user lookups
                users = tuple(dict.fromkeys(data + expanded))
    reset = _header_int(response.headers, "x-rate-limit-reset")
    return RequestCost(
        endpoint=endpoint, status_code=response.status_code, posts_read=len(posts), users_read=len(users),
        rate_limit_remaining=_header_int(response.headers, "x-rate-limit-remaining"),
        rate_limit_reset=datetime.fromtimestamp(reset, tz=UTC) if reset is not None else None,
        at=at, post_ids=posts, user_ids=users,
    )


def rate_limit_reset(exc: tweepy.TooManyRequests) -> datetime | None:
    reset = exc.reset_time if getattr(exc, "reset_time", None) is not None else \
        _header_int(exc.response.headers, "x-rate-limit-reset")
    return datetime.fromtimestamp(reset, tz=UTC) if reset is not None else None


# ---------------------------------------------------------------------------- the source


class XSource(Source):
    name = "x"
    platforms = (PLATFORM,)
    default_intervals = DEFAULT_INTERVALS

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
        max_pages: int = MAX_PAGES,
    ) -> None:
        if getattr(client, "wait_on_rate_limit", False):
            raise ValueError("XSource needs a tweepy.Client with wait_on_rate_limit=False")
        if getattr(client, "return_type", dict) is not dict:
            raise ValueError("XSource needs a tweepy.Client with return_type=dict (see make_client)")
        self.client = client
        self.monthly_budget = monthly_budget
        self.force = force  # ignore the polling interval (not rate-limit or error holds)
        self.now = now
        self.sleep = sleep
        self.retries = retries
        self.backoff_seconds = backoff_seconds
        self.max_pages = max_pages

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> XSource:
        if not settings.x_bearer_token:
            raise ValueError("Sumber X tidak aktif: setel PANTAU_X_BEARER_TOKEN atau x_bearer_token di secrets.toml")
        return cls(make_client(settings.x_bearer_token), monthly_budget=settings.x_monthly_read_budget, **kwargs)

    # -- scheduling ---------------------------------------------------------------------

    def is_due(self, session: Session, account: Account, now: datetime) -> bool:
        """Due unless flagged unreadable, held after an error, or read within its interval.

        The source's own clock decides (not the runner's `now`), so tests can pin time."""
        if account.problem and account.problem.startswith(_BLOCKING):
            return False
        state = session.scalar(select(SyncState).where(
            SyncState.source == self.name, SyncState.account_id == account.id, SyncState.kind == "mentions"))
        if state is None or state.next_due_at is None or self.now() >= state.next_due_at:
            return True
        return self.force and not state.last_error  # force skips the interval, never a hold

    def hold_until(self, session: Session, account: Account | None, exc: Exception,
                   now: datetime) -> datetime | None:
        now = self.now()
        if isinstance(exc, SourceError) and exc.retry_at is not None:
            return max(exc.retry_at, now)
        return now + (self.interval(session, account) if account is not None else RATE_LIMIT_HOLD)

    # -- errors -------------------------------------------------------------------------

    def describe_error(self, exc: Exception) -> str:
        return self._scrub(exc.message if isinstance(exc, SourceError) else _describe(exc))

    def _scrub(self, text: str) -> str:
        token = getattr(self.client, "bearer_token", None)
        return text.replace(token, "***") if token else text

    def _typed(self, exc: Exception) -> SourceError:
        """A tweepy/requests failure as the typed error the runner understands."""
        message = self._scrub(_describe(exc))
        now = self.now()
        if isinstance(exc, tweepy.TooManyRequests):
            reset = rate_limit_reset(exc)
            return RateLimited(message, retry_at=max(reset, now) if reset else now + RATE_LIMIT_HOLD)
        if isinstance(exc, tweepy.Unauthorized | tweepy.Forbidden):
            return AuthFailed(message, retry_at=now + AUTH_HOLD)
        if isinstance(exc, tweepy.NotFound):
            return AccountUnavailable(message)
        return TransientError(message)

    # -- one account --------------------------------------------------------------------

    def fetch(self, session: Session, account: Account, cursor: str | None) -> Batch:
        return self.read(session, account, {"mentions": cursor})

    def read(self, session: Session, account: Account, cursors: Mapping[str, str | None]) -> Batch:
        """Mentions and own posts of one account since its cursors; no writes.

        The own-posts stage runs even when the mentions stage failed (unless the failure stops the
        pass); the first failure is raised afterwards with the batch read so far attached."""
        now = self.now()
        if account.problem and account.problem.startswith(_BLOCKING):
            raise AccountUnavailable(account.problem)
        if not account.platform_user_id:
            raise TransientError(f"ID pengguna X untuk @{account.handle} belum diketahui; dicari lagi pada "
                                 "putaran berikutnya")
        batch = Batch(next_due_at=now + self.interval(session, account))
        failure: SourceError | None = None
        with self._recording(batch):
            try:
                batch.cursor = self._read_mentions(session, account, cursors.get("mentions"), batch)
            except SourceError as exc:
                if isinstance(exc, AccountUnavailable):
                    problem = exc.message if exc.message.startswith(_BLOCKING) else \
                        f"{PROBLEM_MISSING} (404): @{account.handle} mungkin berganti nama atau dihapus"
                    batch.facts.append(AccountFacts(account.id, problem=problem, checked_at=now))
                if exc.stops_pass or isinstance(exc, AccountUnavailable):
                    exc.partial = batch
                    raise
                failure = exc
            try:
                batch.reply_cursor = self._read_own_posts(session, account, cursors.get("replies"), batch)
            except SourceError as exc:
                failure = failure or exc
        if failure is not None:
            failure.partial = batch
            raise failure
        return batch

    # -- reads --------------------------------------------------------------------------

    def _read_mentions(self, session: Session, account: Account, cursor: str | None, batch: Batch) -> str | None:
        """Append mentions since `cursor` to the batch; return the new cursor (the newest id seen,
        unreadable posts included, so a malformed post is never asked for again)."""
        params: dict[str, Any] = dict(tweet_fields=MENTION_TWEET_FIELDS, expansions=["author_id"],
                                      user_fields=MENTION_USER_FIELDS)
        params.update(self._window(cursor))
        newest = cursor
        for body in self._timeline(session, batch, self.client.get_users_mentions, account, 2, params):
            users = (body.get("includes") or {}).get("users") or []
            authors = {str(u.get("id")): u for u in users if isinstance(u, dict)}
            ids = []
            for raw in body.get("data") or []:
                tweet_id = _post_id(raw)
                if tweet_id is None:
                    batch.errors.append("Satu kiriman X tanpa id dilewati")
                    continue
                ids.append(tweet_id)
                if str(raw.get("author_id") or "") == account.platform_user_id:
                    continue  # the account's own posts are replies, not mentions
                record = _mention(raw, authors.get(str(raw.get("author_id") or "")))
                if record is None:
                    log.warning("X post %s mentioning @%s has no readable text; skipped", tweet_id, account.handle)
                    batch.errors.append(f"Kiriman X {tweet_id} tidak terbaca (tanpa teks); dilewati")
                    continue
                batch.mentions.append(record)
            newest = _newest(ids, newest)
        return newest

    def _read_own_posts(self, session: Session, account: Account, cursor: str | None, batch: Batch) -> str | None:
        params: dict[str, Any] = dict(tweet_fields=OWN_TWEET_FIELDS, exclude=["retweets"])
        params.update(self._window(cursor))
        newest = cursor
        latest: datetime | None = None
        for body in self._timeline(session, batch, self.client.get_users_tweets, account, 1, params):
            ids = []
            for raw in body.get("data") or []:
                tweet_id = _post_id(raw)
                if tweet_id is None:
                    continue
                ids.append(tweet_id)
                created = _parse_time(raw.get("created_at")) or snowflake_time(tweet_id)
                latest = max(latest, created) if latest else created
                replied_to = _replied_to(raw)
                if replied_to or raw.get("in_reply_to_user_id"):
                    batch.replies.append(ReplyRecord(
                        external_id=tweet_id, created_at=created, replied_to_id=replied_to,
                        conversation_id=_opt_str(raw.get("conversation_id")),
                        in_reply_to_user_id=_opt_str(raw.get("in_reply_to_user_id")),
                    ))
            newest = _newest(ids, newest)
        if latest is not None:
            batch.facts.append(AccountFacts(account.id, last_post_at=latest))
        return newest

    def _window(self, cursor: str | None) -> dict[str, Any]:
        if cursor:
            return {"since_id": cursor}  # strictly newer than what is stored: nothing is paid for twice
        return {"start_time": (self.now() - BACKFILL).replace(microsecond=0)}

    def _timeline(self, session: Session, batch: Batch, method: Callable, account: Account, reads_per_post: int,
                  params: dict[str, Any]) -> Iterator[dict]:
        """Pages of a user timeline, each sized to the budget left; an answer with `errors` and no
        `data` is a failure, `errors` next to data a warning kept in the batch."""
        token: str | None = None
        for _ in range(self.max_pages):
            size = self._allowance(session, batch, reads_per_post, MIN_PAGE)
            call = dict(params, max_results=size)
            if token:
                call["pagination_token"] = token
            body = self._get(batch, method, account.platform_user_id, **call)
            errors = body.get("errors") or []
            if errors and not body.get("data"):
                detail = _problem_detail(errors)
                if any(isinstance(e, dict) and e.get("parameter") == "id" for e in errors):
                    suspended = "suspend" in detail.lower()
                    raise AccountUnavailable(f"{PROBLEM_SUSPENDED if suspended else PROBLEM_MISSING}: "
                                             f"@{account.handle} ({detail})")
                raise TransientError(f"X menjawab dengan galat tanpa data: {detail}")
            if errors:
                batch.errors.append(f"X melaporkan galat sebagian: {_problem_detail(errors)}")
            yield body
            token = (body.get("meta") or {}).get("next_token")
            if not token:
                return

    def _allowance(self, session: Session, batch: Batch, reads_per_item: int, minimum: int) -> int:
        """How many items the next request may ask for: at most a full page, and no more than what
        is left of the month's budget of billed reads (what this batch read is not stored yet, so it
        is counted here). Raises `BudgetExhausted` when not even `minimum` items fit."""
        if self.monthly_budget is None:
            return PAGE_SIZE
        now = self.now()
        pending = ledger.billed_items(batch.requests)
        used = ledger.billed_this_month(session, self.name, now)
        used += len({i for i in pending if i[0] >= ledger.month_start(now).date()}
                    - ledger.already_billed(session, self.name, pending))
        size = min(PAGE_SIZE, (self.monthly_budget - used) // reads_per_item)
        if size < minimum:
            raise BudgetExhausted(
                f"Anggaran baca X bulan ini hampir habis ({number(used)} dari {number(self.monthly_budget)}); "
                "sinkronisasi X ditunda sampai bulan depan atau anggaran dinaikkan (PANTAU_X_MONTHLY_READ_BUDGET)"
            )
        return size

    def _get(self, batch: Batch, method: Callable, *args: Any, **params: Any) -> dict:
        """One request: retried on 5xx and timeouts with exponential backoff, then given up for this
        pass; every failure comes out as a typed `SourceError`."""
        for attempt in range(self.retries + 1):
            try:
                body = method(*args, **params)
            except _RETRYABLE as exc:
                if isinstance(exc, requests.RequestException):  # no response: log the attempt
                    path = urlparse(getattr(exc.request, "url", "") or "").path
                    batch.requests.append(RequestCost(endpoint_name(path) or method.__name__, at=self.now()))
                if attempt == self.retries:
                    raise self._typed(exc) from exc
                log.info("X %s failed (%s), retrying", method.__name__, type(exc).__name__)
                self.sleep(self.backoff_seconds * 2**attempt)
                continue
            except (tweepy.TweepyException, requests.RequestException, ValueError) as exc:
                raise self._typed(exc) from exc
            if not isinstance(body, dict):
                raise TransientError("Jawaban X tidak terbaca (bukan objek JSON); dicoba lagi pada putaran berikutnya")
            return body
        raise AssertionError("unreachable")

    # -- users: ids, renames, verification ------------------------------------------------

    def check_accounts(self, session: Session, accounts: Sequence[Account], state: SyncState,
                       now: datetime) -> Batch | None:
        """Resolve ids of accounts that have none, refresh verification of every X account when
        that is due, and re-check flagged accounts on their own schedule; all in batched lookups."""
        now = self.now()
        if state.last_error and state.next_due_at and now < state.next_due_at:
            return None  # held after a failure
        due = state.next_due_at is None or now >= state.next_due_at

        def recheck(a: Account) -> bool:
            return a.last_checked_at is None or now - a.last_checked_at >= FLAGGED_RECHECK

        def flagged(a: Account) -> bool:
            return bool(a.problem and a.problem.startswith(_BLOCKING))

        if due:
            by_id = [a for a in accounts if a.platform_user_id]
            by_name = [a for a in accounts if not a.platform_user_id]
        else:
            by_id = [a for a in accounts if a.platform_user_id and flagged(a) and recheck(a)]
            by_name = [a for a in accounts if not a.platform_user_id and (not flagged(a) or recheck(a))]
        if not by_id and not by_name:
            return None
        batch = Batch(next_due_at=now + VERIFICATION_INTERVAL if due else state.next_due_at)
        with self._recording(batch):
            try:
                self._lookup(session, batch, by_id, "ids")
                self._lookup(session, batch, by_name, "usernames")
            except SourceError as exc:
                exc.partial = batch
                raise
        return batch

    def _lookup(self, session: Session, batch: Batch, accounts: list[Account], by: str) -> None:
        start = 0
        while start < len(accounts):
            size = min(LOOKUP_BATCH, self._allowance(session, batch, 1, 1))
            chunk = accounts[start:start + size]
            keys = [a.platform_user_id if by == "ids" else a.handle for a in chunk]
            body = self._get(batch, self.client.get_users, **{by: keys}, user_fields=LOOKUP_USER_FIELDS)
            batch.facts.extend(_lookup_facts(chunk, body, by, self.now()))
            start += size

    # -- request ledger -------------------------------------------------------------------

    @contextmanager
    def _recording(self, batch: Batch) -> Iterator[None]:
        """Add every HTTP response the client receives while inside to `batch.requests`."""

        def hook(response: requests.Response, *args: Any, **kwargs: Any) -> None:
            batch.requests.append(cost_of(response, self.now()))

        hooks = self.client.session.hooks.setdefault("response", [])
        hooks.append(hook)
        try:
            yield
        finally:
            hooks.remove(hook)


def _mention(tweet: dict, author: dict | None) -> MentionRecord | None:
    """One mention from raw JSON, or None when it has no text; tolerant of every other gap."""
    tweet_id = str(tweet["id"])
    text = tweet.get("text")
    if not isinstance(text, str) or not text.strip():
        return None
    handle = _opt_str((author or {}).get("username"))
    return MentionRecord(
        external_id=tweet_id,
        text=text,
        created_at=_parse_time(tweet.get("created_at")) or snowflake_time(tweet_id),
        author_id=_opt_str(tweet.get("author_id")),
        author_handle=handle,
        author_name=_opt_str((author or {}).get("name")),
        url=f"https://x.com/{handle or 'i/web'}/status/{tweet_id}",
        lang=_opt_str(tweet.get("lang")),
        in_reply_to_id=_replied_to(tweet),
        conversation_id=_opt_str(tweet.get("conversation_id")),
    )


def _lookup_facts(chunk: list[Account], body: dict, by: str, now: datetime) -> list[AccountFacts]:
    key = (lambda a: a.platform_user_id) if by == "ids" else (lambda a: a.handle.lower())
    index = {key(a): a for a in chunk}
    facts = []
    for user in body.get("data") or []:
        if not isinstance(user, dict) or not _post_id(user):
            continue
        username = _opt_str(user.get("username"))
        account = index.get(str(user["id"]) if by == "ids" else (username or "").lower())
        if account is not None:
            facts.append(_user_facts(account, user, username, now))
    for error in body.get("errors") or []:
        if not isinstance(error, dict):
            continue
        value = str(error.get("value") or error.get("resource_id") or "")
        account = index.get(value if by == "ids" else value.lower())
        if account is None:
            continue
        suspended = "suspend" in (error.get("detail") or "").lower() or error.get("title") == "Forbidden"
        problem = (f"{PROBLEM_SUSPENDED}: @{account.handle}" if suspended else
                   f"{PROBLEM_MISSING}: @{account.handle} mungkin berganti nama atau dihapus; periksa handle di registri")
        facts.append(AccountFacts(account.id, problem=problem, checked_at=now))
    return facts


def _user_facts(account: Account, user: dict, username: str | None, now: datetime) -> AccountFacts:
    """Id, verification and reach of one of our accounts; a changed handle is flagged, never applied."""
    metrics = user.get("public_metrics") if isinstance(user.get("public_metrics"), dict) else {}
    recent = _post_id({"id": user.get("most_recent_tweet_id")})
    verified = user.get("verified")
    renamed = username is not None and username.lower() != account.handle.lower()
    return AccountFacts(
        account.id,
        platform_user_id=str(user["id"]),
        verified=bool(verified) if verified is not None else None,
        verified_type=_opt_str(user.get("verified_type")),
        followers=int(metrics["followers_count"]) if "followers_count" in metrics else None,
        last_post_at=snowflake_time(recent) if recent else None,
        checked_at=now,
        problem=(f"{PROBLEM_RENAMED} @{username} (terdaftar @{account.handle}); perbarui handle di registri"
                 if renamed else None),
        clear_problem=() if renamed else _OURS,
    )


def _describe(exc: Exception) -> str:
    if isinstance(exc, SourceError):
        return exc.message
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
    if isinstance(exc, ValueError):
        return "Jawaban X tidak terbaca (bukan JSON yang utuh); dicoba lagi pada putaran berikutnya"
    return f"Galat sumber X: {type(exc).__name__}"


def _build(settings: Settings) -> XSource | None:
    return XSource.from_settings(settings) if settings.x_bearer_token else None


SPEC = register(SourceSpec(
    name="x",
    label="X",
    platforms=(PLATFORM,),
    build=_build,
    # A slow or failing X API must not hold up a page: by default X is read by the worker.
    on_page_load=lambda settings: settings.x_sync_on_page_load,
    budget=lambda settings: Budget(settings.x_monthly_read_budget, settings.x_price_per_post_read,
                                   settings.x_price_per_user_read),
    admin_panel="x",
    order=20,
    off_hint="Sumber X tidak aktif: setel PANTAU_X_BEARER_TOKEN (atau x_bearer_token di .streamlit/secrets.toml).",
))
