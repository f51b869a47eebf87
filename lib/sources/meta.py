"""The Meta source: Instagram comments, replies and tags, Facebook Page posts and comments.

Fetch-only, like every source (`lib.sources.base`): `MetaSource.read` opens a `GraphClient` with the
unit's page token and returns a `MetaBatch` (mentions, the unit's own replies resolved to the
comments they answer, the account's facts as `AccountFacts`, what each request cost, when to read it
again) or raises a typed error (`meta_graph.MetaError`, a `SourceError`) carrying what it had read
and spent. `lib.sync` stores it, keeps the schedule and records errors; `lib.webhooks` stores webhook
deliveries through the same `lib.sync.store` step. Registered as source "meta", read by the worker
only (`python -m lib.sync --source meta --loop`), never on a page load. The HTTP side (tokens in
headers, usage headers, error codes) is `meta_graph.py`; webhook payloads are `meta_webhook.py`.

Per account: polled at an interval by unit level (slower while Meta's usage headers run high), held
until Meta's estimate after a rate limit (every account, when the whole app is throttled), skipped
once its unit's token was refused (190) until an admin enters a new one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import requests
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lib import meta_tokens
from lib.config import Settings, setting
from lib.models import Account, Mention, SyncState, utcnow
from lib.partitions import keyed
from lib.sources.base import (
    AccountFacts,
    Batch,
    MentionRecord,
    ReplyRecord,
    Source,
    SourceError,
    TransientError,
)
from lib.sources.meta_graph import (
    DEFAULT_VERSION,
    MAX_PAGES,
    SLOW_DOWN_AT,
    GraphClient,
    MetaError,
    ObjectMissing,
    TokenInvalid,
    Usage,
    parse_time,
)
from lib.sources.meta_webhook import WebhookEvent
from lib.sources.registry import SourceSpec, register

log = logging.getLogger("pantau.sources.meta")
SOURCE = "meta"
WEBHOOK_SOURCE = "meta_webhook"  # the sync-state and request-ledger name of webhook deliveries

LOOKBACK = timedelta(days=7)  # media and posts whose comments are (re)read on every poll
MAX_MEDIA = 25  # newest media / posts per poll

IG_COMMENT_FIELDS = "id,text,timestamp,username,from{id,username},hidden,parent_id,like_count"
IG_COMMENTS_FIELDS = f"{IG_COMMENT_FIELDS},replies{{{IG_COMMENT_FIELDS}}}"
IG_MEDIA_FIELDS = "id,caption,timestamp,permalink,comments_count,username"
FB_POST_FIELDS = "id,message,created_time,from{id,name},permalink_url,comments.summary(true).limit(0)"
FB_COMMENT_FIELDS = "id,message,created_time,from{id,name},parent{id},is_hidden,message_tags,permalink_url"
ME_FIELDS = ("id,name,username,followers_count,fan_count,verification_status,"
             "instagram_business_account{id,username,name,followers_count}")

_MENTION = re.compile(r"@([A-Za-z0-9._]+)")


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True)
class PageFacts:
    """What `/me` says about a unit's Page or Instagram account (mapped onto `AccountFacts`)."""

    platform: str
    platform_user_id: str
    handle: str | None = None
    name: str | None = None
    followers: int | None = None
    verified: bool | None = None  # None: the API exposes no signal (Instagram)
    verified_type: str | None = None  # Facebook: blue / gray / none


@dataclass
class MetaBatch(Batch):
    skipped: dict[str, int] = field(default_factory=dict)  # hidden / deleted / empty, for the log

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1
# ---------------------------------------------------------------------------- who answered what


@dataclass(frozen=True)
class ThreadItem:
    """One post or comment in a thread; `addressed` = handles / ids the text @-mentions or tags."""

    id: str
    created_at: datetime
    author_id: str | None
    author_handle: str | None
    own: bool
    addressed: frozenset[str] = frozenset()


def resolve_answers(thread: list[ThreadItem]) -> list[ReplyRecord]:
    """Which comments each of the unit's own replies answers.

    A reply that addresses people in the thread (@username on Instagram, a tag on Facebook)
    answers their earlier, still unanswered comments; a reply that addresses nobody in the thread
    answers every earlier unanswered comment. So when the unit replies "@sari …" under Budi's
    comment, only Sari's comment counts as answered; Budi's stays open."""
    answered: set[str] = set()
    out: list[ReplyRecord] = []
    ordered = sorted(thread, key=lambda i: (i.created_at, i.id))
    for pos, reply in enumerate(ordered):
        if not reply.own:
            continue
        earlier = [c for c in ordered[:pos] if not c.own and c.id not in answered]
        named = [c for c in earlier if (c.author_handle or "").lower() in reply.addressed
                 or (c.author_id or "") in reply.addressed]
        for comment in named or earlier:
            answered.add(comment.id)
            out.append(ReplyRecord(external_id=reply.id, created_at=reply.created_at, replied_to_id=comment.id))
    return out


def addressed_handles(text: str | None) -> frozenset[str]:
    return frozenset(h.lower().rstrip(".") for h in _MENTION.findall(text or ""))


# ---------------------------------------------------------------------------- account facts


def page_facts(client: GraphClient) -> tuple[PageFacts, PageFacts | None]:
    """The token's Page and its linked Instagram professional account, in one request (`/me` is the
    Page for a page token). Facebook says `verification_status`; Instagram exposes no badge."""
    me = client.get("me", {"fields": ME_FIELDS})
    status = str(me.get("verification_status") or "").lower()
    fb = PageFacts(
        platform="facebook", platform_user_id=str(me["id"]), handle=me.get("username"), name=me.get("name"),
        followers=_int(me.get("followers_count", me.get("fan_count"))),
        verified=(status in ("blue_verified", "gray_verified")) if status else None,
        verified_type={"blue_verified": "blue", "gray_verified": "gray", "not_verified": "none"}.get(status),
    )
    ig_raw = me.get("instagram_business_account")
    ig = None
    if isinstance(ig_raw, dict) and ig_raw.get("id"):
        ig = PageFacts(platform="instagram", platform_user_id=str(ig_raw["id"]), handle=ig_raw.get("username"),
                          name=ig_raw.get("name"), followers=_int(ig_raw.get("followers_count")))
    return fb, ig


def _int(raw: Any) -> int | None:
    return int(raw) if isinstance(raw, int | float) or (isinstance(raw, str) and raw.isdigit()) else None


# ---------------------------------------------------------------------------- Instagram


def fetch_instagram(client: GraphClient, ig_user_id: str, own_username: str | None, since: datetime,
                    batch: MetaBatch | None = None) -> MetaBatch:
    """Comments and replies on the account's media since `since`, and media it is tagged in."""
    batch = batch if batch is not None else MetaBatch()
    own = (own_username or "").lower()
    for media in _recent(client, f"{ig_user_id}/media", {"fields": IG_MEDIA_FIELDS, "limit": MAX_MEDIA},
                         since, "timestamp"):
        if not media.get("comments_count"):
            continue  # nothing to read: saves one request per quiet post
        for page in client.pages(f"{media['id']}/comments", {"fields": IG_COMMENTS_FIELDS, "limit": 50}):
            for top in page:
                thread = [top, *_replies(client, top)]
                _ig_thread(thread, ig_user_id, own, media.get("permalink"), batch)
    for media in _recent(client, f"{ig_user_id}/tags", {"fields": IG_MEDIA_FIELDS, "limit": MAX_MEDIA},
                         since, "timestamp"):
        author = media.get("username")
        if author and author.lower() == own:
            continue
        batch.mentions.append(MentionRecord(
            external_id=str(media["id"]), text=media.get("caption") or "(unggahan menandai akun, tanpa keterangan)",
            created_at=parse_time(media["timestamp"]), author_handle=author, url=media.get("permalink"),
            conversation_id=str(media["id"]),
        ))
    return batch


def _replies(client: GraphClient, top: dict) -> list[dict]:
    replies = top.get("replies") or {}
    out = list(replies.get("data") or [])
    following = (replies.get("paging") or {}).get("next")
    for _ in range(MAX_PAGES):
        if not following:
            break
        body = client.follow(following)
        out.extend(body.get("data") or [])
        following = (body.get("paging") or {}).get("next")
    return out


def _ig_thread(raw: list[dict], ig_user_id: str, own: str, permalink: str | None, batch: MetaBatch) -> None:
    top_id = str(raw[0]["id"])
    items: list[ThreadItem] = []
    for c in raw:
        sender = c.get("from") or {}
        handle = c.get("username") or sender.get("username")
        is_own = str(sender.get("id") or "") == ig_user_id or (bool(own) and (handle or "").lower() == own)
        if c.get("hidden") and not is_own:
            batch.skip("hidden")  # hidden by the unit: a moderation decision, not a pending question
            continue
        if not is_own and not (c.get("text") or "").strip():
            batch.skip("empty")
            continue
        created = parse_time(c["timestamp"])
        items.append(ThreadItem(str(c["id"]), created, sender.get("id"), handle, is_own, addressed_handles(c.get("text"))))
        if not is_own:
            batch.mentions.append(MentionRecord(
                external_id=str(c["id"]), text=c["text"], created_at=created,
                author_id=str(sender["id"]) if sender.get("id") else None, author_handle=handle,
                url=permalink, in_reply_to_id=str(c["parent_id"]) if c.get("parent_id") else None,
                conversation_id=top_id,
            ))
    batch.replies.extend(resolve_answers(items))


def _recent(client: GraphClient, path: str, params: dict, since: datetime, time_key: str) -> Iterator[dict]:
    """Newest-first listing items until one is older than `since` (at most MAX_MEDIA)."""
    seen = 0
    for page in client.pages(path, params, max_pages=3):
        for item in page:
            if parse_time(item[time_key]) < since or seen >= MAX_MEDIA:
                return
            seen += 1
            yield item


# ---------------------------------------------------------------------------- Facebook Pages


def fetch_facebook(client: GraphClient, page_id: str, since: datetime, batch: MetaBatch | None = None) -> MetaBatch:
    """Visitor posts, posts the Page is tagged in, and comments on the Page's recent posts; the
    Page's own comments (`from.id` = the Page) are its replies."""
    batch = batch if batch is not None else MetaBatch()
    window = {"fields": FB_POST_FIELDS, "since": int(since.timestamp()), "limit": MAX_MEDIA}
    for edge in ("visitor_posts", "tagged"):
        for post in _recent(client, f"{page_id}/{edge}", window, since, "created_time"):
            if str((post.get("from") or {}).get("id") or "") == page_id:
                continue
            if not (post.get("message") or "").strip():
                batch.skip("empty")
                continue
            mention = _fb_mention(post, None, str(post["id"]))
            batch.mentions.append(mention)
            if _comment_count(post):
                root = ThreadItem(mention.external_id, mention.created_at, mention.author_id, None, False)
                comments = _fb_comments(client, str(post["id"]))
                own = [_fb_item(c, page_id) for c in comments if _from_id(c) == page_id]
                batch.replies.extend(resolve_answers([root, *own]))
    for post in _recent(client, f"{page_id}/posts", window, since, "created_time"):
        if _comment_count(post):
            _fb_page_post(_fb_comments(client, str(post["id"])), page_id, post.get("permalink_url"), batch)
    return batch


def _fb_comments(client: GraphClient, post_id: str) -> list[dict]:
    params = {"fields": FB_COMMENT_FIELDS, "filter": "stream", "order": "chronological", "limit": 100}
    return [c for page in client.pages(f"{post_id}/comments", params) for c in page]


def _fb_page_post(comments: list[dict], page_id: str, permalink: str | None, batch: MetaBatch) -> None:
    threads: dict[str, list[ThreadItem]] = {}
    for c in comments:
        own = _from_id(c) == page_id
        if c.get("is_hidden") and not own:
            batch.skip("hidden")
            continue
        if not own and not (c.get("message") or "").strip():
            batch.skip("empty")
            continue
        top = str((c.get("parent") or {}).get("id") or c["id"])
        threads.setdefault(top, []).append(_fb_item(c, page_id))
        if not own:
            batch.mentions.append(_fb_mention(c, (c.get("parent") or {}).get("id"), top, permalink))
    for thread in threads.values():
        batch.replies.extend(resolve_answers(thread))


def _fb_item(c: dict, page_id: str) -> ThreadItem:
    tags = frozenset(str(t.get("id")) for t in c.get("message_tags") or [] if isinstance(t, dict) and t.get("id"))
    return ThreadItem(str(c["id"]), parse_time(c["created_time"]), _from_id(c) or None, None,
                      _from_id(c) == page_id, tags)


def _fb_mention(item: dict, parent: str | None, conversation: str, url: str | None = None) -> MentionRecord:
    sender = item.get("from") or {}  # absent for people who have not allowed apps to see them
    return MentionRecord(
        external_id=str(item["id"]), text=item["message"], created_at=parse_time(item["created_time"]),
        author_id=str(sender["id"]) if sender.get("id") else None, author_name=sender.get("name"),
        url=item.get("permalink_url") or url, in_reply_to_id=str(parent) if parent else None,
        conversation_id=conversation,
    )


def _from_id(item: dict) -> str:
    return str((item.get("from") or {}).get("id") or "")


def _comment_count(post: dict) -> int:
    return int(((post.get("comments") or {}).get("summary") or {}).get("total_count") or 0)


# ---------------------------------------------------------------------------- single objects


def instagram_mention(client: GraphClient, ig_user_id: str, comment_id: str | None,
                      media_id: str) -> MentionRecord | None:
    """An @mention delivered by webhook (`mentioned_comment` / `mentioned_media`): Meta sends only
    ids, the text is read through the mentioning account's edge. None when it was deleted since."""
    if comment_id:
        fields = f"mentioned_comment.comment_id({comment_id}){{id,text,timestamp,username,media{{id,permalink}}}}"
        key = "mentioned_comment"
    else:
        fields = f"mentioned_media.media_id({media_id}){{id,caption,timestamp,username,permalink}}"
        key = "mentioned_media"
    try:
        body = client.get(ig_user_id, {"fields": fields})
    except ObjectMissing:
        return None
    item = body.get(key) or {}
    text = item.get("text") if comment_id else item.get("caption")
    if not item.get("id") or not (text or "").strip():
        return None
    media = item.get("media") or {}
    return MentionRecord(
        external_id=str(item["id"]), text=text, created_at=parse_time(item["timestamp"]),
        author_handle=item.get("username"), url=item.get("permalink") or media.get("permalink"),
        conversation_id=str(media.get("id") or item["id"]),
    )


# ---------------------------------------------------------------------------- the source

# Comments concentrate on Polres and Polsek Instagram accounts, so they are not polled much slower
# than Polda; the webhook (when deployed) brings new items in between.
DEFAULT_INTERVALS = {"mabes": 600, "polda": 900, "polres": 1200, "polsek": 1800}
FACTS_INTERVAL = timedelta(hours=24)
PROBLEM_OTHER_ACCOUNT = "Token Meta terhubung"  # Account.problem texts this source sets and clears


def slow_factor(usage: Usage) -> int:
    """Poll every account this many times less often while Meta reports high usage."""
    if usage.percent >= SLOW_DOWN_AT:
        return 4
    return 2 if usage.percent >= 50 else 1


def account_facts(account: Account, facts: PageFacts, now: datetime) -> AccountFacts:
    """`/me` as the runner's `AccountFacts`: ids, followers and (where the API says it)
    verification. Instagram exposes no badge, so its registry value stays; the check time moves
    either way. A token that opens another account than the registered one is flagged."""
    other = bool(facts.handle) and (facts.handle or "").lower() != account.handle.lower().lstrip("@")
    return AccountFacts(
        account_id=account.id, platform_user_id=facts.platform_user_id, followers=facts.followers,
        verified=facts.verified, verified_type=facts.verified_type if facts.verified is not None else None,
        checked_at=now,
        problem=(f"{PROBLEM_OTHER_ACCOUNT} ke @{facts.handle} (terdaftar {account.handle}); periksa registri"
                 if other else None),
        clear_problem=(PROBLEM_OTHER_ACCOUNT,),
    )


class MetaSource(Source):
    name = SOURCE
    platforms = ("instagram", "facebook")
    default_intervals = DEFAULT_INTERVALS

    def __init__(self, *, http: requests.Session | None = None, now: Callable[[], datetime] | None = None,
                 force: bool = False, version: str | None = None, app_secret: str | None = None) -> None:
        self.http = http or requests.Session()
        self.now = now or utcnow  # type: ignore[method-assign]  # an injectable clock, as `Source.now` says
        self.force = force
        self.version = version or setting("meta_graph_version", DEFAULT_VERSION) or DEFAULT_VERSION
        self.app_secret = app_secret if app_secret is not None else setting("meta_app_secret")

    def client(self, token: str) -> GraphClient:
        return GraphClient(token, version=self.version, app_secret=self.app_secret, session=self.http, now=self.now)

    # -- scheduling (the runner's hooks) ----------------------------------------------------

    def is_due(self, session: Session, account: Account, now: datetime) -> bool:
        """Due when its unit has a token Meta has not refused and its hold or interval is over
        ("sync now" skips the interval, never a hold). The source's own clock decides."""
        if not meta_tokens.has_usable_token(session, account.unit_id):
            return False
        state = session.scalar(select(SyncState).where(
            SyncState.source == self.name, SyncState.account_id == account.id, SyncState.kind == "mentions"))
        if state is None or state.next_due_at is None or self.now() >= state.next_due_at:
            return True
        return self.force and not state.last_error

    def hold_until(self, session: Session, account: Account | None, exc: Exception,
                   now: datetime) -> datetime | None:
        """Rate limits: Meta's own estimate. A refused token: no hold (the account is not due
        until a new token is entered, then at once). Anything else: the account's interval."""
        now = self.now()
        if isinstance(exc, SourceError) and exc.retry_at is not None:
            return max(exc.retry_at, now)
        if isinstance(exc, TokenInvalid):
            return None
        return now + (self.interval(session, account) if account is not None else timedelta(minutes=30))

    def record_outcome(self, session: Session, account: Account, failure: Exception | None) -> None:
        """The unit's token: accepted (shown on Sumber Data) or refused (not used again)."""
        if failure is None:
            meta_tokens.mark_ok(session, account.unit_id, self.now())
        elif isinstance(failure, TokenInvalid):
            meta_tokens.mark_refused(session, account.unit_id, failure.message, self.now())

    def describe_error(self, exc: Exception) -> str:
        if isinstance(exc, SourceError | meta_tokens.TokenError):
            return str(exc)[:300]
        return f"Galat sumber Meta: {type(exc).__name__}"  # never str(exc): it may quote a URL

    # -- one account ------------------------------------------------------------------------

    def fetch(self, session: Session, account: Account, cursor: str | None) -> MetaBatch:
        """The last `LOOKBACK` of the account's media / posts (the cursor is only when it was read:
        comments arrive on old posts too, and re-reading them is how deletions keep their stored copy)."""
        try:
            token = meta_tokens.token_for(session, account.unit_id)
        except meta_tokens.TokenError as exc:
            raise MetaError(str(exc)) from None
        if token is None:
            raise MetaError("Belum ada token Meta yang berlaku untuk satuan ini")
        client = self.client(token)
        batch = MetaBatch()
        now = self.now()
        try:
            own_id, own_handle = account.platform_user_id, account.handle
            stale = account.last_checked_at is None or now - account.last_checked_at >= FACTS_INTERVAL
            if not own_id or stale:
                fb, ig = page_facts(client)
                facts = fb if account.platform == "facebook" else ig
                if facts is None:
                    raise MetaError("Halaman Facebook satuan ini belum terhubung ke akun Instagram profesional")
                batch.facts.append(account_facts(account, facts, now))
                own_id, own_handle = facts.platform_user_id, facts.handle or account.handle
            since = now - LOOKBACK
            if account.platform == "instagram":
                fetch_instagram(client, own_id, own_handle, since, batch)
            else:
                fetch_facebook(client, own_id, since, batch)
        except MetaError as exc:
            exc.partial = _partial(batch, client)
            raise
        except (KeyError, TypeError, ValueError) as exc:  # a field Meta's reference promises is missing
            raise TransientError(f"Jawaban Meta tidak terbaca ({type(exc).__name__}); dicoba lagi nanti",
                                 partial=_partial(batch, client)) from None
        if batch.skipped:
            log.info("meta account %s: left out %s", account.id, batch.skipped)
        batch.requests = list(client.requests)
        batch.cursor = now.isoformat()
        batch.next_due_at = now + self.interval(session, account) * slow_factor(client.usage)
        return batch

    # -- webhook deliveries -----------------------------------------------------------------

    def read_delivery(self, session: Session, account: Account, events: Sequence[WebhookEvent]) -> Batch:
        """What one delivery reported for `account`, as a batch for the same store step as polling;
        no writes. Removals keep what is stored (the poller never saw them as new either); a
        Facebook comment under a visitor's post is not counted (the poller does not count it)."""
        batch = Batch()
        for event in events:
            if event.kind == "removed":
                continue
            if event.kind == "mention":
                record = self._read_mention(session, account, event, batch)
                if record is not None:
                    batch.mentions.append(record)
            elif event.own:
                batch.replies.extend(_answers_from_store(session, account, event))
            elif _on_visitor_post(session, event):
                continue
            elif (event.text or "").strip():
                batch.mentions.append(MentionRecord(
                    external_id=event.item_id, text=event.text or "", created_at=event.created_at,
                    author_id=event.author_id, author_handle=event.author_handle, author_name=event.author_name,
                    in_reply_to_id=event.parent_id if event.parent_id != event.post_id else None,
                    conversation_id=event.conversation_id,
                ))
        return batch

    def _read_mention(self, session: Session, account: Account, event: WebhookEvent,
                      batch: Batch) -> MentionRecord | None:
        """Meta sends only ids for an @mention: its text is read with the unit's token. A failure
        skips this mention only; the rest of the delivery is stored and polling goes on."""
        try:
            token = meta_tokens.token_for(session, account.unit_id)
        except meta_tokens.TokenError as exc:
            log.warning("webhook mention for account %s not read: %s", account.id, exc)
            return None
        if token is None or not account.platform_user_id:
            return None
        client = self.client(token)
        try:
            return instagram_mention(client, account.platform_user_id, event.comment_id, event.post_id or "")
        except MetaError as exc:
            log.warning("webhook mention for account %s not read: %s", account.id, exc)
            return None
        finally:
            batch.requests.extend(client.requests)


class MetaWebhookSource(MetaSource):
    """Webhook deliveries, stored by `lib.sync.store` under their own name: their state row and
    request ledger stay apart from the poller's, so a delivery never moves the poller's schedule."""

    name = WEBHOOK_SOURCE

    def record_outcome(self, session: Session, account: Account, failure: Exception | None) -> None:
        return None


def _partial(batch: MetaBatch, client: GraphClient) -> MetaBatch:
    """What a failed read had fetched and spent; no cursor, so the runner does not advance it."""
    batch.requests = list(client.requests)
    batch.cursor = None
    return batch


def _on_visitor_post(session: Session, event: WebhookEvent) -> bool:
    """A Facebook comment under a post that is itself a stored mention (a visitor or tagged post)."""
    if event.platform != "facebook" or event.kind != "comment" or not event.post_id:
        return False
    return session.scalar(select(Mention.id).where(
        keyed(session.get_bind().dialect.name, "facebook", [event.post_id]))) is not None


def _answers_from_store(session: Session, account: Account, reply: WebhookEvent) -> list[ReplyRecord]:
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


def _build(settings: Settings) -> MetaSource | None:
    """On when the token encryption key is configured (the tokens themselves are per unit)."""
    return MetaSource() if meta_tokens.key_configured() else None


SPEC = register(SourceSpec(
    name=SOURCE,
    label="Instagram & Facebook (Meta)",
    platforms=MetaSource.platforms,
    build=_build,
    # Up to four requests per account and Meta's usage limits: the worker reads it, never a page load.
    on_page_load=lambda settings: False,
    admin_panel="meta",
    order=30,
    off_hint=(f"Sumber Meta tidak aktif: setel {meta_tokens.KEY_ENV} (buat dengan "
              "`python -m lib.meta_tokens generate-key`), lalu pasang token halaman tiap satuan."),
))
