"""The Meta Graph API fetcher: Instagram comments, replies and tags, Facebook Page posts and comments.

Fetch-only: given a page access token and the ids of a unit's page / Instagram professional
account, it returns a `MetaBatch` (mentions, the unit's own replies resolved to the comments they
answer, account facts, the cost of every request) and raises typed `MetaError`s. It never touches
the database; `lib.meta_sync` stores what it returns through `lib.ingest`.

Plain HTTP with `requests` (see docs/meta-source.md for why no SDK). The token travels in the
`Authorization` header, never in a URL we build; the `paging.next` links Meta returns carry the
token in their query, so it is stripped before following them. Error texts are built from Meta's
numeric codes, never from request objects, so no token ends up on a page or in a log.

Rate limits: every response's `X-App-Usage` and `X-Business-Use-Case-Usage` headers are read; the
client refuses to send once usage reaches `STOP_AT` percent (`RateLimited`, with Meta's own
estimate of when access returns), and the caller polls less often above `SLOW_DOWN_AT`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlparse, urlunparse

import requests

from lib.sources.base import Batch, MentionRecord, ReplyRecord, RequestCost

GRAPH_HOST = "https://graph.facebook.com"
DEFAULT_VERSION = "v23.0"
LOOKBACK = timedelta(days=7)  # media and posts whose comments are (re)read on every poll
MAX_MEDIA = 25  # newest media / posts per poll
MAX_PAGES = 10  # pages of one listing per poll
SLOW_DOWN_AT = 75  # percent of a usage header: poll less often
STOP_AT = 90  # percent: send nothing more until Meta says access is back
DEFAULT_HOLD = timedelta(minutes=60)  # when Meta gives no estimate

RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80001, 80002, 80005, 80006})
APP_WIDE_CODES = frozenset({4})  # the whole app is throttled, not one page
TOKEN_CODES = frozenset({102, 190})
PERMISSION_CODES = frozenset({10, *range(200, 300)})
MISSING_CODES = frozenset({100, 803})  # "object does not exist" (deleted) / unknown alias

IG_COMMENT_FIELDS = "id,text,timestamp,username,from{id,username},hidden,parent_id,like_count"
IG_COMMENTS_FIELDS = f"{IG_COMMENT_FIELDS},replies{{{IG_COMMENT_FIELDS}}}"
IG_MEDIA_FIELDS = "id,caption,timestamp,permalink,comments_count,username"
FB_POST_FIELDS = "id,message,created_time,from{id,name},permalink_url,comments.summary(true).limit(0)"
FB_COMMENT_FIELDS = "id,message,created_time,from{id,name},parent{id},is_hidden,message_tags,permalink_url"
ME_FIELDS = ("id,name,username,followers_count,fan_count,verification_status,"
             "instagram_business_account{id,username,name,followers_count}")

_MENTION = re.compile(r"@([A-Za-z0-9._]+)")


# ---------------------------------------------------------------------------- errors


class MetaError(Exception):
    """A Meta failure with a short Indonesian message that is safe to show and log."""

    def __init__(self, message: str, *, code: int | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.requests: list[RequestCost] = []  # what the failed fetch had already spent


class TokenInvalid(MetaError):
    """Code 190 (expired, revoked, password changed): the unit's token must be replaced."""


class RateLimited(MetaError):
    """Codes 4/17/32/613/800xx or usage at `STOP_AT`: wait until `retry_after` has passed."""

    def __init__(self, message: str, *, retry_after: timedelta, app_wide: bool, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after
        self.app_wide = app_wide


class PermissionDenied(MetaError):
    """Codes 10 / 200-299: the token lacks a permission (e.g. instagram_manage_comments)."""


class ObjectMissing(MetaError):
    """Code 100 / 803: the object was deleted or is not visible to this token."""


class MetaServerError(MetaError):
    """5xx, code 1/2 or a network failure: transient, tried again next pass."""


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True)
class AccountFacts:
    """What the platform says about one of the unit's accounts (stored like X's facts)."""

    platform: str
    platform_user_id: str
    handle: str | None = None
    name: str | None = None
    followers: int | None = None
    verified: bool | None = None  # None: the API exposes no signal (Instagram)
    verified_type: str | None = None  # Facebook: blue / gray / none


@dataclass
class MetaBatch(Batch):
    facts: list[AccountFacts] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # hidden / deleted / empty, for the log

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


@dataclass(frozen=True)
class Usage:
    """The highest share (percent) any usage header reports, and Meta's wait estimate."""

    percent: int = 0
    regain: timedelta | None = None
    app_percent: int = 0


def parse_usage(headers: Any) -> Usage:
    """`X-App-Usage` {"call_count": 28, …} and `X-Business-Use-Case-Usage` {"<id>": [{"type":
    "pages", "call_count": 12, "total_time": 3, "estimated_time_to_regain_access": 0}]}."""
    app = _json_header(headers, "x-app-usage")
    app_pct = max((int(v) for v in app.values() if isinstance(v, int | float)), default=0) if app else 0
    pct, regain = app_pct, 0
    buc = _json_header(headers, "x-business-use-case-usage") or {}
    for entries in buc.values():
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            for key in ("call_count", "total_time", "total_cputime"):
                if isinstance(entry.get(key), int | float):
                    pct = max(pct, int(entry[key]))
            regain = max(regain, int(entry.get("estimated_time_to_regain_access") or 0))
    return Usage(percent=pct, regain=timedelta(minutes=regain) if regain else None, app_percent=app_pct)


def _json_header(headers: Any, name: str) -> dict:
    raw = next((v for k, v in (headers or {}).items() if k.lower() == name), None)
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def parse_time(raw: Any) -> datetime:
    """Graph API times: "2026-11-26T02:15:00+0000" (ISO without the colon) or a unix integer."""
    if isinstance(raw, int | float):
        return datetime.fromtimestamp(raw, tz=UTC)
    text = str(raw)
    if re.search(r"[+-]\d{4}$", text):
        text = f"{text[:-2]}:{text[-2:]}"
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def appsecret_proof(app_secret: str, token: str) -> str:
    """HMAC-SHA256 of the token with the app secret, as "Require App Secret" demands."""
    return hmac.new(app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------------------- the client


class GraphClient:
    """A thin Graph API client for one token: typed errors, usage tracking, a request ledger."""

    def __init__(self, token: str, *, version: str = DEFAULT_VERSION, app_secret: str | None = None,
                 session: requests.Session | None = None, timeout: float = 20.0,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._token = token
        self._proof = appsecret_proof(app_secret, token) if app_secret else None
        self.version = version
        self.session = session or requests.Session()
        self.timeout = timeout
        self.now = now
        self.usage = Usage()
        self.requests: list[RequestCost] = []

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict:
        return self._send(f"{GRAPH_HOST}/{self.version}/{path.lstrip('/')}", dict(params or {}))

    def pages(self, path: str, params: dict[str, Any] | None = None,
              max_pages: int = MAX_PAGES) -> Iterator[list[dict]]:
        """Every page of a listing, following `paging.next` (Meta's cursor links) up to `max_pages`."""
        body = self.get(path, params)
        for _ in range(max_pages):
            yield list(body.get("data") or [])
            following = (body.get("paging") or {}).get("next")
            if not following:
                return
            body = self.follow(following)

    def follow(self, url: str) -> dict:
        """A `paging.next` link, minus the access_token Meta puts in it (ours goes in a header)."""
        parts = urlparse(url)
        if not parts.netloc.endswith("facebook.com"):
            raise MetaError("Tautan halaman berikutnya dari Meta tidak dikenal; dilewati")
        query = dict(parse_qsl(parts.query))
        query.pop("access_token", None)
        query.pop("appsecret_proof", None)
        return self._send(urlunparse(parts._replace(query="")), query)

    def _send(self, url: str, params: dict[str, Any]) -> dict:
        if self.usage.percent >= STOP_AT:
            raise RateLimited(f"Pemakaian API Meta {self.usage.percent}%: berhenti sebelum batas",
                              retry_after=self.usage.regain or DEFAULT_HOLD,
                              app_wide=self.usage.app_percent >= STOP_AT)
        if self._proof:
            params["appsecret_proof"] = self._proof
        try:
            response = self.session.get(url, params=params, timeout=self.timeout,
                                        headers={"Authorization": f"Bearer {self._token}"})
        except requests.Timeout:
            raise MetaServerError("Meta tidak menjawab (batas waktu habis); dicoba lagi nanti") from None
        except requests.ConnectionError:
            raise MetaServerError("Tidak dapat terhubung ke Meta; dicoba lagi nanti") from None
        self.usage = parse_usage(response.headers)
        try:
            body = response.json()
        except ValueError:
            body = {}
        items = body.get("data") if isinstance(body, dict) else None
        self.requests.append(RequestCost(
            endpoint=endpoint_name(urlparse(url).path), status_code=response.status_code,
            posts_read=len(items) if isinstance(items, list) else int(response.ok),
            rate_limit_remaining=max(0, 100 - self.usage.percent),
            rate_limit_reset=self.now() + self.usage.regain if self.usage.regain else None,
        ))
        if response.ok and isinstance(body, dict) and "error" not in body:
            return body
        raise graph_error(response.status_code, body.get("error") if isinstance(body, dict) else None,
                          self.usage)


def endpoint_name(path: str) -> str:
    """`/v23.0/17841400000000001/comments` → `:id/comments` (no ids in the ledger)."""
    parts = [p for p in path.strip("/").split("/") if p]
    if parts and re.fullmatch(r"v\d+\.\d+", parts[0]):
        parts = parts[1:]
    return "/".join(":id" if re.fullmatch(r"[\d_]+", p) else p for p in parts) or "/"


def graph_error(status: int, error: dict | None, usage: Usage = Usage()) -> MetaError:
    """Meta's `{"error": {"code", "error_subcode", "type", "message"}}` as a typed error."""
    error = error or {}
    code = error.get("code")
    code = int(code) if isinstance(code, int | str) and str(code).isdigit() else None
    kw = {"code": code, "status": status}
    if code in TOKEN_CODES or (status == 401 and code is None):
        return TokenInvalid("Token halaman Meta kedaluwarsa atau dicabut (190): pasang token baru "
                            "di Sumber Data", **kw)
    if code in RATE_LIMIT_CODES or status == 429:
        return RateLimited(f"Batas laju Meta tercapai (kode {code or status}); dicoba lagi nanti",
                           retry_after=usage.regain or DEFAULT_HOLD, app_wide=code in APP_WIDE_CODES, **kw)
    if code in PERMISSION_CODES:
        return PermissionDenied(f"Izin token Meta tidak mencukupi (kode {code}): periksa izin "
                                "pages_read_engagement / instagram_manage_comments", **kw)
    if code in MISSING_CODES or status == 404:
        return ObjectMissing(f"Objek Meta tidak ada atau sudah dihapus (kode {code or status})", **kw)
    if status >= 500 or code in (1, 2):
        return MetaServerError(f"Layanan Meta sedang bermasalah ({status}); dicoba lagi nanti", **kw)
    return MetaError(f"Permintaan ke Meta gagal ({status}, kode {code})", **kw)


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


def page_facts(client: GraphClient) -> tuple[AccountFacts, AccountFacts | None]:
    """The token's Page and its linked Instagram professional account, in one request (`/me` is the
    Page for a page token). Facebook says `verification_status`; Instagram exposes no badge."""
    me = client.get("me", {"fields": ME_FIELDS})
    status = str(me.get("verification_status") or "").lower()
    fb = AccountFacts(
        platform="facebook", platform_user_id=str(me["id"]), handle=me.get("username"), name=me.get("name"),
        followers=_int(me.get("followers_count", me.get("fan_count"))),
        verified=(status in ("blue_verified", "gray_verified")) if status else None,
        verified_type={"blue_verified": "blue", "gray_verified": "gray", "not_verified": "none"}.get(status),
    )
    ig_raw = me.get("instagram_business_account")
    ig = None
    if isinstance(ig_raw, dict) and ig_raw.get("id"):
        ig = AccountFacts(platform="instagram", platform_user_id=str(ig_raw["id"]), handle=ig_raw.get("username"),
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

