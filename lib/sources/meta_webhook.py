"""Meta webhook deliveries: signature check and payload → events. Pure functions, no I/O.

Instagram sends `comments` (a comment or reply on the account's media, with text and author) and
`mentions` (an @mention in someone else's caption or comment: ids only, the text is read through
the Graph API). Facebook Pages send `feed` (posts and comments on the Page, with a verb: add,
edited, remove, hide) and `mention`. Shapes follow Meta's Webhooks reference.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lib.sources.meta_graph import parse_time

SIGNATURE_HEADER = "x-hub-signature-256"


def signature_ok(app_secret: str, body: bytes, header: str | None) -> bool:
    """`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`."""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


@dataclass(frozen=True)
class WebhookEvent:
    """One change Meta reported for one of our accounts (`owner_id`: the Page or IG user id)."""

    platform: str  # instagram / facebook
    owner_id: str
    kind: str  # comment / post / mention / removed
    item_id: str
    created_at: datetime
    text: str | None = None
    author_id: str | None = None
    author_handle: str | None = None
    author_name: str | None = None
    parent_id: str | None = None  # the comment replied to (Instagram) / parent comment (Facebook)
    post_id: str | None = None  # the media or post commented on
    comment_id: str | None = None  # an Instagram mention inside a comment

    @property
    def own(self) -> bool:
        return bool(self.author_id) and self.author_id == self.owner_id

    @property
    def conversation_id(self) -> str:
        """The thread key the poller uses: the top-level comment (or the post for a post)."""
        if self.platform == "facebook" and self.kind == "comment":
            return self.parent_id if self.parent_id and self.parent_id != self.post_id else self.item_id
        return self.parent_id or self.item_id


def parse_delivery(payload: Any) -> list[WebhookEvent]:
    """Every event we use from one delivery; unknown fields and malformed entries are skipped."""
    if not isinstance(payload, dict) or payload.get("object") not in ("instagram", "page"):
        return []
    platform = "instagram" if payload["object"] == "instagram" else "facebook"
    events: list[WebhookEvent] = []
    for entry in payload.get("entry") or []:
        if not isinstance(entry, dict) or not entry.get("id"):
            continue
        owner, when = str(entry["id"]), entry.get("time")
        for change in entry.get("changes") or []:
            if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
                continue
            try:
                event = _event(platform, owner, when, change.get("field"), change["value"])
            except (KeyError, TypeError, ValueError):
                continue
            if event is not None:
                events.append(event)
    return events


def _event(platform: str, owner: str, when: Any, field: Any, v: dict) -> WebhookEvent | None:
    at = parse_time(v.get("created_time") or when)
    sender = v.get("from") or {}
    if platform == "instagram" and field == "comments":
        return WebhookEvent(platform, owner, "comment", str(v["id"]), at, v.get("text"), _s(sender.get("id")),
                            sender.get("username"), None, _s(v.get("parent_id")), _s((v.get("media") or {}).get("id")))
    if platform == "instagram" and field == "mentions":
        return WebhookEvent(platform, owner, "mention", str(v.get("comment_id") or v["media_id"]), at,
                            post_id=str(v["media_id"]), comment_id=_s(v.get("comment_id")))
    if platform == "facebook" and field in ("feed", "mention"):
        item, verb = v.get("item"), v.get("verb", "add")
        item_id = _s(v.get("comment_id")) if item == "comment" else _s(v.get("post_id"))
        if not item_id:
            return None
        if verb in ("remove", "hide"):
            return WebhookEvent(platform, owner, "removed", item_id, at)
        if verb not in ("add", "edited", "edit") or item not in ("comment", "post", "status", "photo", "video"):
            return None
        sender_id = _s(sender.get("id") or v.get("sender_id"))
        return WebhookEvent(platform, owner, "comment" if item == "comment" else "post", item_id, at,
                            v.get("message"), sender_id, None, sender.get("name") or v.get("sender_name"),
                            _s(v.get("parent_id")), _s(v.get("post_id")))
    return None


def _s(raw: Any) -> str | None:
    return str(raw) if raw not in (None, "") else None
