"""A thin Graph API client for one page token: typed errors, usage headers, a request ledger.

Plain HTTP with `requests` (docs/meta-source.md says why no SDK). The token travels in the
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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlparse, urlunparse

import requests

from lib.sources.base import (
    AccountUnavailable,
    AuthFailed,
    RequestCost,
    SourceError,
    TransientError,
)
from lib.sources.base import RateLimited as BaseRateLimited

GRAPH_HOST = "https://graph.facebook.com"
DEFAULT_VERSION = "v23.0"
MAX_PAGES = 10  # pages of one listing per read
SLOW_DOWN_AT = 75  # percent of a usage header: poll less often
STOP_AT = 90  # percent: send nothing more until Meta says access is back
DEFAULT_HOLD = timedelta(minutes=60)  # when Meta gives no estimate

RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80001, 80002, 80005, 80006})
APP_WIDE_CODES = frozenset({4})  # the whole app is throttled, not one page
TOKEN_CODES = frozenset({102, 190})
PERMISSION_CODES = frozenset({10, *range(200, 300)})
MISSING_CODES = frozenset({100, 803})  # "object does not exist" (deleted) / unknown alias



# ---------------------------------------------------------------------------- errors
#
# Meta's failures as the runner's typed errors (`lib.sources.base`): the runner stores what a
# failed read had already fetched and spent (`partial`, filled in by `MetaSource.read`) and holds
# the account until `retry_at`. A page token belongs to one unit, so no Meta error but an app-wide
# rate limit stops the pass for the other units.


class MetaError(SourceError):
    """A Meta failure with a short Indonesian message that is safe to show and log."""

    def __init__(self, message: str, *, code: int | None = None, status: int | None = None,
                 retry_at: datetime | None = None) -> None:
        super().__init__(message, retry_at=retry_at)
        self.code = code
        self.status = status


class TokenInvalid(MetaError, AuthFailed):
    """Code 190 (expired, revoked, password changed): the unit's token must be replaced."""

    stops_pass = False  # one unit's token: the other units' pages are still read


class RateLimited(MetaError, BaseRateLimited):
    """Codes 4/17/32/613/800xx or usage at `STOP_AT`: wait until `retry_after` has passed."""

    def __init__(self, message: str, *, retry_after: timedelta, app_wide: bool,
                 now: datetime | None = None, **kw: Any) -> None:
        super().__init__(message, retry_at=(now or datetime.now(UTC)) + retry_after, **kw)
        self.retry_after = retry_after
        self.app_wide = app_wide


class AppRateLimited(RateLimited):
    """The whole app is throttled (code 4, or `X-App-Usage` at `STOP_AT`): nobody asks until then."""

    stops_pass = True


class PermissionDenied(MetaError, AuthFailed):
    """Codes 10 / 200-299: the token lacks a permission (e.g. instagram_manage_comments)."""

    stops_pass = False


class ObjectMissing(MetaError, AccountUnavailable):
    """Code 100 / 803: the object was deleted or is not visible to this token."""


class MetaServerError(MetaError, TransientError):
    """5xx, code 1/2 or a network failure: transient, tried again next pass."""


def rate_limited(message: str, *, retry_after: timedelta, app_wide: bool, now: datetime | None = None,
                 **kw: Any) -> RateLimited:
    cls = AppRateLimited if app_wide else RateLimited
    return cls(message, retry_after=retry_after, app_wide=app_wide, now=now, **kw)


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
        if parts.scheme != "https" or parts.netloc != urlparse(GRAPH_HOST).netloc:  # the token goes along
            raise MetaError("Tautan halaman berikutnya dari Meta tidak dikenal; dilewati")
        query = dict(parse_qsl(parts.query))
        query.pop("access_token", None)
        query.pop("appsecret_proof", None)
        return self._send(urlunparse(parts._replace(query="")), query)

    def _send(self, url: str, params: dict[str, Any]) -> dict:
        if self.usage.percent >= STOP_AT:
            raise rate_limited(f"Pemakaian API Meta {self.usage.percent}%: berhenti sebelum batas",
                               retry_after=self.usage.regain or DEFAULT_HOLD,
                               app_wide=self.usage.app_percent >= STOP_AT, now=self.now())
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
                          self.usage, self.now())


def endpoint_name(path: str) -> str:
    """`/v23.0/17841400000000001/comments` → `:id/comments` (no ids in the ledger)."""
    parts = [p for p in path.strip("/").split("/") if p]
    if parts and re.fullmatch(r"v\d+\.\d+", parts[0]):
        parts = parts[1:]
    return "/".join(":id" if re.fullmatch(r"[\d_]+", p) else p for p in parts) or "/"


def graph_error(status: int, error: dict | None, usage: Usage = Usage(), now: datetime | None = None) -> MetaError:
    """Meta's `{"error": {"code", "error_subcode", "type", "message"}}` as a typed error."""
    error = error or {}
    code = error.get("code")
    code = int(code) if isinstance(code, int | str) and str(code).isdigit() else None
    kw = {"code": code, "status": status}
    if code in TOKEN_CODES or (status == 401 and code is None):
        return TokenInvalid("Token halaman Meta kedaluwarsa atau dicabut (190): pasang token baru "
                            "di Sumber Data", **kw)
    if code in RATE_LIMIT_CODES or status == 429:
        return rate_limited(f"Batas laju Meta tercapai (kode {code or status}); dicoba lagi nanti",
                            retry_after=usage.regain or DEFAULT_HOLD, app_wide=code in APP_WIDE_CODES, now=now, **kw)
    if code in PERMISSION_CODES:
        return PermissionDenied(f"Izin token Meta tidak mencukupi (kode {code}): periksa izin "
                                "pages_read_engagement / instagram_manage_comments", **kw)
    if code in MISSING_CODES or status == 404:
        return ObjectMissing(f"Objek Meta tidak ada atau sudah dihapus (kode {code or status})", **kw)
    if status >= 500 or code in (1, 2):
        return MetaServerError(f"Layanan Meta sedang bermasalah ({status}); dicoba lagi nanti", **kw)
    return MetaError(f"Permintaan ke Meta gagal ({status}, kode {code})", **kw)
