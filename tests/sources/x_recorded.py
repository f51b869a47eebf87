"""Recorded X API v2 responses served to a real `tweepy.Client` through `responses`.

Why `responses` rather than vcrpy: the fixtures are per-response JSON files (status, headers, body)
written to the X API v2 reference, composed per test into exact, ordered request sequences with
query-parameter matchers. That lets a test state *which* requests a sync must make (and that it
makes no others: the ordered registry fails on any unexpected or out-of-order request), which a
replayed cassette of one real session cannot; and no network or token is ever needed to record.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import responses
from responses import matchers
from responses.registries import OrderedRegistry

RECORDED = Path(__file__).parent / "recorded"
NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)  # the fixed "now" of tests/conftest.py; fixtures end before it
API = "https://api.twitter.com/2"
TOKEN = "AAAAAAAAAAAAAAAAAAAAAtest-token-DO-NOT-LEAK%2Fsecret"

POLDA_ID, POLRES_ID, POLSEK_ID = "166829203", "1017485733", "1432900075"
# Ids of the recorded posts (see recorded/*.json).
M1, M2, M3 = "2125759008601018373", "2125766558348218374", "2125774108095418375"
M4, M5, M6 = "2125748942271418376", "2125746425689018377", "2125790465881018378"
R1, R2, R3, P1 = "2125762783474620273", "2125772849804220274", "2125791724172220276", "2125779141260220275"

MENTION_PARAMS = {
    "max_results": "100",
    "tweet.fields": "created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,lang,entities",
    "expansions": "author_id",
    "user.fields": "username,name,verified,verified_type",
}
OWN_PARAMS = {
    "max_results": "100",
    "tweet.fields": "created_at,conversation_id,in_reply_to_user_id,referenced_tweets",
    "exclude": "retweets",
}
LOOKUP_FIELDS = "username,name,verified,verified_type,public_metrics,most_recent_tweet_id"


def recorded(name: str) -> dict[str, Any]:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


def iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class XApi:
    """Register recorded responses in the order a sync must request them."""

    def __init__(self, rsps: responses.RequestsMock) -> None:
        self.rsps = rsps

    def reply(self, path: str, fixture: str, strict: bool = False, **params: str) -> None:
        rec = recorded(fixture)
        headers = dict(rec["headers"])
        content_type = headers.pop("content-type", "application/json")
        self.rsps.add(
            responses.GET, API + path, status=rec["status"], headers=headers, content_type=content_type,
            body=json.dumps(rec["body"], ensure_ascii=False).encode("utf-8"),
            match=[matchers.query_param_matcher(params, strict_match=strict)] if params or strict else [],
        )

    def fail(self, path: str, exc: Exception) -> None:
        self.rsps.add(responses.GET, API + path, body=exc)

    def lookup_names(self, fixture: str, *names: str) -> None:
        self.reply("/users/by", fixture, strict=True, usernames=",".join(names), **{"user.fields": LOOKUP_FIELDS})

    def lookup_ids(self, fixture: str, *ids: str) -> None:
        self.reply("/users", fixture, strict=True, ids=",".join(ids), **{"user.fields": LOOKUP_FIELDS})

    def mentions(self, fixture: str, user_id: str = POLDA_ID, **params: str) -> None:
        self.reply(f"/users/{user_id}/mentions", fixture, **{**MENTION_PARAMS, **params})

    def own_posts(self, fixture: str, user_id: str = POLDA_ID, **params: str) -> None:
        self.reply(f"/users/{user_id}/tweets", fixture, **{**OWN_PARAMS, **params})

    @property
    def calls(self) -> list[str]:
        return [c.request.url for c in self.rsps.calls]


def served() -> Iterator[XApi]:
    with responses.RequestsMock(registry=OrderedRegistry, assert_all_requests_are_fired=True) as rsps:
        yield XApi(rsps)


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)
