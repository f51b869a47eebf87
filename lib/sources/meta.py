"""The Meta fetcher: Instagram comments, replies and tags, Facebook Page posts and comments.

Fetch-only: given a `GraphClient` for a unit's page token and the ids of its Page / Instagram
professional account, it returns a `MetaBatch` (mentions, the unit's own replies resolved to the
comments they answer, account facts; the client keeps the cost of every request) and lets the
client's typed `MetaError`s through. It never touches the database; `lib.meta_sync` stores what it
returns through `lib.ingest`. The HTTP side (tokens, usage headers, errors) is `meta_graph.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from lib.sources.base import Batch, MentionRecord, ReplyRecord
from lib.sources.meta_graph import MAX_PAGES, GraphClient, ObjectMissing, parse_time

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
