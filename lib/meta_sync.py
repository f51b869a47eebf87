"""The Meta source wired into today's sync and store step: tokens, schedules, holds, account facts.

ADAPTER (issue 15): `lib.sources.meta` only fetches; this module gives it what `lib.sync` expects
today (a `Source` with `is_due`, `sync`, `after_error`) and stores webhook deliveries through the
same `lib.ingest` step. When the source registry lands, its scheduling and fact-storing move there.

Per account: polled at an interval by unit level (slower while Meta's usage headers run high),
held until Meta's estimate after a rate limit, skipped once its unit's token was refused (190)
until an admin enters a new one; one account's failure never stops the others and never loses
what was stored before.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pandas as pd
import requests
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lib import ingest, meta_tokens
from lib.config import setting
from lib.models import Account, Mention, SyncState, Unit, utcnow
from lib.sources.base import Batch, MentionRecord, Source, SyncReport
from lib.sources.meta import (
    LOOKBACK,
    AccountFacts,
    MetaBatch,
    ThreadItem,
    addressed_handles,
    fetch_facebook,
    fetch_instagram,
    instagram_mention,
    page_facts,
    resolve_answers,
)
from lib.sources.meta_graph import (
    DEFAULT_VERSION,
    SLOW_DOWN_AT,
    GraphClient,
    MetaError,
    RateLimited,
    TokenInvalid,
    Usage,
)
from lib.sources.meta_webhook import WebhookEvent

log = logging.getLogger("pantau.sources.meta")
SOURCE = "meta"
WEBHOOK_SOURCE = "meta_webhook"
# Comments concentrate on Polres and Polsek Instagram accounts, so they are not polled much slower
# than Polda; the webhook (when deployed) brings new items in between.
DEFAULT_INTERVALS = {"mabes": 600, "polda": 900, "polres": 1200, "polsek": 1800}
FACTS_INTERVAL = timedelta(hours=24)


def enabled() -> bool:
    """On when the token encryption key is configured (tokens themselves are per unit)."""
    return meta_tokens.key_configured()


def slow_factor(usage: Usage) -> int:
    """Poll every account this many times less often while Meta reports high usage."""
    if usage.percent >= SLOW_DOWN_AT:
        return 4
    return 2 if usage.percent >= 50 else 1


class MetaSource(Source):
    name = SOURCE
    platforms = ("instagram", "facebook")

    def __init__(self, *, http: requests.Session | None = None, now=utcnow, force: bool = False,
                 version: str | None = None, app_secret: str | None = None) -> None:
        self.http = http or requests.Session()
        self.now = now
        self.force = force
        self.version = version or setting("meta_graph_version", DEFAULT_VERSION) or DEFAULT_VERSION
        self.app_secret = app_secret if app_secret is not None else setting("meta_app_secret")
        self.usage = Usage()

    # -- scheduling ---------------------------------------------------------------------

    def interval(self, session: Session, account: Account) -> timedelta:
        if account.sync_interval_seconds:
            return timedelta(seconds=account.sync_interval_seconds)
        unit = session.get(Unit, account.unit_id)
        return timedelta(seconds=DEFAULT_INTERVALS.get(unit.level if unit else "", 1800))

    def is_due(self, session: Session, account: Account, now: datetime) -> bool:
        if not meta_tokens.has_usable_token(session, account.unit_id):
            return False
        app_hold = ingest.sync_state(session, self.name, None, "app").next_due_at
        if app_hold is not None and self.now() < app_hold:
            return False  # Meta throttles the whole app: nobody asks until then
        state = ingest.sync_state(session, self.name, account.id)
        if state.next_due_at is None or self.now() >= state.next_due_at:
            return True
        return self.force and not state.last_error

    # -- fetch and store ------------------------------------------------------------------

    def fetch(self, session: Session, account: Account, cursor: str | None) -> MetaBatch:
        token = meta_tokens.token_for(session, account.unit_id)
        if token is None:
            raise MetaError("Belum ada token Meta yang berlaku untuk satuan ini")
        client = GraphClient(token, version=self.version, app_secret=self.app_secret, session=self.http,
                             now=self.now)
        batch = MetaBatch()
        try:
            own_id, own_handle = account.platform_user_id, account.handle
            stale = account.last_checked_at is None or self.now() - account.last_checked_at >= FACTS_INTERVAL
            if not own_id or stale:
                fb, ig = page_facts(client)
                facts = fb if account.platform == "facebook" else ig
                if facts is None:
                    raise MetaError("Halaman Facebook satuan ini belum terhubung ke akun Instagram profesional")
                batch.facts.append(facts)
                own_id, own_handle = facts.platform_user_id, facts.handle or account.handle
            since = self.now() - LOOKBACK
            if account.platform == "instagram":
                fetch_instagram(client, own_id, own_handle, since, batch)
            else:
                fetch_facebook(client, own_id, since, batch)
        except MetaError as exc:
            exc.requests = list(client.requests)
            raise
        finally:
            self.usage = client.usage
        batch.requests = client.requests
        batch.cursor = self.now().isoformat()
        return batch

    def sync(self, session: Session, account: Account) -> SyncReport:
        state = ingest.sync_state(session, self.name, account.id)
        batch = self.fetch(session, account, state.cursor)
        for facts in batch.facts:
            apply_facts(account, facts, self.now())
        report = ingest.store_batch(session, self.name, account, batch)
        if batch.skipped:
            log.info("meta account %s: left out %s", account.id, batch.skipped)
        meta_tokens.mark_ok(session, account.unit_id, self.now())
        state.next_due_at = self.now() + self.interval(session, account) * slow_factor(self.usage)
        return report

    def describe_error(self, exc: Exception) -> str:
        if isinstance(exc, MetaError | meta_tokens.TokenError):
            return str(exc)[:300]
        return f"Galat sumber Meta: {type(exc).__name__}"  # never str(exc): it may quote a URL

    def after_error(self, session: Session, state: SyncState, exc: Exception) -> None:
        ingest.record_requests(session, self.name, state.account_id, getattr(exc, "requests", []))
        account = session.get(Account, state.account_id) if state.account_id else None
        now = self.now()
        if isinstance(exc, RateLimited):
            state.next_due_at = now + exc.retry_after
            if exc.app_wide:
                ingest.sync_state(session, self.name, None, "app").next_due_at = now + exc.retry_after
        elif isinstance(exc, TokenInvalid) and account is not None:
            meta_tokens.mark_refused(session, account.unit_id, str(exc), now)
        else:
            state.next_due_at = now + (self.interval(session, account) if account else timedelta(minutes=30))


def apply_facts(account: Account, facts: AccountFacts, now: datetime) -> None:
    """Store ids, followers and (where the API says it) verification, like the X source does.
    Instagram exposes no badge, so its registry value stays; `last_checked_at` moves either way."""
    account.platform_user_id = facts.platform_user_id
    if facts.followers is not None:
        account.followers = facts.followers
    if facts.verified is not None:
        account.verified = facts.verified
        account.verified_type = facts.verified_type
    account.last_checked_at = now
    if facts.handle and facts.handle.lower() != account.handle.lower().lstrip("@"):
        account.problem = (f"Token Meta terhubung ke @{facts.handle} (terdaftar {account.handle}); "
                           "periksa registri")
    elif account.problem and account.problem.startswith("Token Meta terhubung"):
        account.problem = None


# ---------------------------------------------------------------------------- webhook deliveries


def store_events(session: Session, events: list[WebhookEvent], http: requests.Session | None = None) -> int:
    """Store what a webhook delivery reported through the same store step as polling; returns how
    many new mentions. Events for accounts we do not know are ignored; removals keep what is stored
    (the poller never saw them as new either)."""
    new = 0
    for (platform, owner), group in _by_account(events).items():
        account = session.scalar(select(Account).where(Account.platform == platform,
                                                       Account.platform_user_id == owner, Account.active))
        if account is None:
            continue
        batch = Batch()
        for event in group:
            if event.kind == "removed":
                continue
            if event.kind == "mention":
                record = _read_mention(session, account, event, http)
                if record is not None:
                    batch.mentions.append(record)
            elif event.own:
                batch.replies.extend(_answers_from_store(session, account, event))
            elif _on_visitor_post(session, event):
                continue  # people talking under a visitor's post: the poller does not count them either
            elif (event.text or "").strip():
                batch.mentions.append(MentionRecord(
                    external_id=event.item_id, text=event.text or "", created_at=event.created_at,
                    author_id=event.author_id, author_handle=event.author_handle, author_name=event.author_name,
                    in_reply_to_id=event.parent_id if event.parent_id != event.post_id else None,
                    conversation_id=event.conversation_id,
                ))
        new += ingest.store_batch(session, WEBHOOK_SOURCE, account, batch).new_mentions
    return new


def _by_account(events: list[WebhookEvent]) -> dict[tuple[str, str], list[WebhookEvent]]:
    out: dict[tuple[str, str], list[WebhookEvent]] = {}
    for e in events:
        out.setdefault((e.platform, e.owner_id), []).append(e)
    return out


def _on_visitor_post(session: Session, event: WebhookEvent) -> bool:
    """A Facebook comment under a post that is itself a stored mention (a visitor or tagged post)."""
    if event.platform != "facebook" or event.kind != "comment" or not event.post_id:
        return False
    return session.scalar(select(Mention.id).where(Mention.platform == "facebook",
                                                   Mention.external_id == event.post_id)) is not None


def _answers_from_store(session: Session, account: Account, reply: WebhookEvent):
    """The unit replied: resolve it against the thread's stored comments, by the poller's rule."""
    conv = reply.conversation_id
    rows = session.execute(
        select(Mention.external_id, Mention.created_at, Mention.author_id, Mention.author_handle)
        .where(Mention.platform == account.platform, Mention.answered_at.is_(None),
               or_(Mention.conversation_id == conv, Mention.external_id == (reply.post_id or conv)))
    ).all()
    thread = [ThreadItem(r.external_id, r.created_at, r.author_id, r.author_handle, False) for r in rows]
    thread.append(ThreadItem(reply.item_id, reply.created_at, reply.author_id, reply.author_handle, True,
                             addressed_handles(reply.text)))
    return resolve_answers(thread)


def _read_mention(session: Session, account: Account, event: WebhookEvent,
                  http: requests.Session | None) -> MentionRecord | None:
    token = meta_tokens.token_for(session, account.unit_id)
    if token is None or not account.platform_user_id:
        return None
    client = GraphClient(token, version=setting("meta_graph_version", DEFAULT_VERSION) or DEFAULT_VERSION,
                         app_secret=setting("meta_app_secret"), session=http)
    try:
        return instagram_mention(client, account.platform_user_id, event.comment_id, event.post_id or "")
    except MetaError as exc:  # the rest of the delivery is still stored; polling goes on regardless
        log.warning("webhook mention for account %s not read: %s", account.id, exc)
        return None
    finally:
        ingest.record_requests(session, WEBHOOK_SOURCE, account.id, client.requests)


# ---------------------------------------------------------------------------- the admin page's figures

ACCOUNT_COLUMNS = ["account_id", "platform", "handle", "unit", "user_id", "verified_type", "followers",
                   "last_sync", "next_allowed", "last_error", "problem"]


def account_status(session: Session, scope) -> pd.DataFrame:
    """One row per active Instagram / Facebook account in scope: ids, facts, last good poll, errors."""
    state = select(SyncState).where(SyncState.source == SOURCE, SyncState.kind == "mentions").subquery()
    rows = session.execute(
        select(Account, Unit.name, state.c.last_success_at, state.c.next_due_at, state.c.last_error)
        .join(Unit, Unit.id == Account.unit_id).outerjoin(state, state.c.account_id == Account.id)
        .where(Account.platform.in_(MetaSource.platforms), Account.active, scope.unit_clause())
        .order_by(Unit.path, Account.platform, Account.handle)
    ).all()
    return pd.DataFrame(
        [dict(account_id=a.id, platform="Instagram" if a.platform == "instagram" else "Facebook", handle=a.handle,
              unit=unit, user_id=a.platform_user_id,
              verified_type=a.verified_type or ({True: "terverifikasi", False: "belum"}.get(a.verified) or ""),
              followers=a.followers, last_sync=last_ok, next_allowed=next_due, last_error=error, problem=a.problem)
         for a, unit, last_ok, next_due, error in rows],
        columns=ACCOUNT_COLUMNS,
    )

