"""A fake X API v2 that behaves like X where the bill is concerned, served to a real tweepy.Client
through `responses`: since_id / start_time / max_results / pagination on the mentions and posts
timelines, user lookups by id and username, and X's bill (each post and user returned in a 200
answer counted once per UTC day)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import responses

from lib.sources.x import snowflake_at

API = "https://api.twitter.com/2"


@dataclass
class Post:
    id: str
    author_id: str
    text: str
    created_at: datetime


@dataclass
class FakeX:
    now: Callable[[], datetime]
    users: dict[str, dict] = field(default_factory=dict)  # id -> user object
    mentions: dict[str, list[Post]] = field(default_factory=dict)  # mentioned user id -> posts
    posts: dict[str, list[Post]] = field(default_factory=dict)  # author id -> own posts
    billed: set[tuple[date, str, str]] = field(default_factory=set)
    requests: int = 0

    def add_user(self, user_id: str, username: str, **extra) -> None:
        self.users[user_id] = dict(id=user_id, username=username, name=username, verified=True,
                                   verified_type="government", public_metrics={"followers_count": 1000}, **extra)

    def add_post(self, author_id: str, created_at: datetime, seq: int, mentioned: str | None = None) -> Post:
        post = Post(str(snowflake_at(created_at) + seq), author_id, f"@x pesan {seq}", created_at)
        if mentioned:
            self.mentions.setdefault(mentioned, []).append(post)
        else:
            self.posts.setdefault(author_id, []).append(post)
        return post

    @property
    def bill(self) -> int:
        return len(self.billed)

    def _charge(self, kind: str, ids: list[str]) -> None:
        day = self.now().date()
        self.billed.update((day, kind, i) for i in ids)

    def install(self, rsps: responses.RequestsMock) -> None:
        rsps.add_callback(responses.GET, re.compile(re.escape(API) + r"/users/by\?.*"), callback=self._lookup)
        rsps.add_callback(responses.GET, re.compile(re.escape(API) + r"/users\?.*"), callback=self._lookup)
        rsps.add_callback(responses.GET, re.compile(re.escape(API) + r"/users/\d+/(mentions|tweets)\?.*"),
                          callback=self._timeline)

    def _answer(self, body: dict) -> tuple[int, dict, str]:
        reset = int((self.now() + timedelta(minutes=15)).timestamp())
        headers = {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "400", "x-rate-limit-reset": str(reset)}
        return 200, headers, json.dumps(body)

    def _lookup(self, request) -> tuple[int, dict, str]:
        self.requests += 1
        query = {k: v[0] for k, v in parse_qs(urlparse(request.url).query).items()}
        if "ids" in query:
            found = [self.users[i] for i in query["ids"].split(",") if i in self.users]
        else:
            by_name = {u["username"].lower(): u for u in self.users.values()}
            found = [by_name[n.lower()] for n in query["usernames"].split(",") if n.lower() in by_name]
        self._charge("user", [u["id"] for u in found])
        return self._answer({"data": found} if found else {})

    def _timeline(self, request) -> tuple[int, dict, str]:
        self.requests += 1
        url = urlparse(request.url)
        user_id, kind = url.path.split("/")[-2:]
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        pool = self.mentions.get(user_id, []) if kind == "mentions" else self.posts.get(user_id, [])
        now = self.now()
        visible = [p for p in pool if p.created_at <= now]
        if "since_id" in query:
            visible = [p for p in visible if int(p.id) > int(query["since_id"])]
        if "start_time" in query:
            start = datetime.fromisoformat(query["start_time"].replace("Z", "+00:00"))
            visible = [p for p in visible if p.created_at >= start]
        visible.sort(key=lambda p: int(p.id), reverse=True)
        offset = int(query.get("pagination_token", "0"))
        size = int(query.get("max_results", "10"))
        page = visible[offset:offset + size]
        if not page:
            return self._answer({"meta": {"result_count": 0}})
        body: dict = {"data": [dict(id=p.id, text=p.text, author_id=p.author_id, conversation_id=p.id,
                                    created_at=p.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z")) for p in page],
                      "meta": {"result_count": len(page), "newest_id": page[0].id, "oldest_id": page[-1].id}}
        if offset + size < len(visible):
            body["meta"]["next_token"] = str(offset + size)
        self._charge("post", [p.id for p in page])
        if kind == "mentions" and "author_id" in query.get("expansions", ""):
            authors = list(dict.fromkeys(p.author_id for p in page))
            body["includes"] = {"users": [dict(id=a, username=f"warga{a}", name=f"Warga {a}") for a in authors]}
            self._charge("user", authors)
        return self._answer(body)
