"""Recorded Graph API responses for the Meta source, shaped as Meta's reference documents them.

Two units: Polres Metro Tangerang Kota (a Facebook Page linked to the Instagram professional account
@polrestrotangerangkota) and Polsek Balikpapan Utara (a Facebook Page only). Bodies follow the
reference pages of `/{ig-user-id}/media`, `/{ig-media-id}/comments` (with `replies{…}`),
`/{ig-user-id}/tags`, `/{page-id}/visitor_posts|tagged|posts`, `/{object-id}/comments?filter=stream`
and the error object (`{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`),
including `paging.cursors` and `paging.next` links that carry an access_token, as Meta's do.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlparse

import responses
from responses import matchers

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
V = "v23.0"
GRAPH = f"https://graph.facebook.com/{V}"
TOKEN_POLRES = "EAAGtestPolresPageToken0123456789abcdefDONOTLEAK"
TOKEN_POLSEK = "EAAGtestPolsekPageToken0123456789abcdefDONOTLEAK"

PAGE_POLRES, IG_POLRES = "104000000000001", "17841400000000001"
PAGE_POLSEK = "104000000000002"
MEDIA1, MEDIA2, MEDIA3 = "17900000000000001", "17900000000000002", "17900000000000003"
# Instagram thread on MEDIA1: Budi asks (A), Sari adds (B), the unit answers Sari (C).
C_A, C_B, C_C = "17950000000000001", "17950000000000002", "17950000000000003"
C_HIDDEN, C_PRIVATE, TAG1 = "17950000000000004", "17950000000000005", "17910000000000001"
VISITOR_POST, VISITOR_REPLY = f"{PAGE_POLSEK}_900", "900_9001"
TAGGED_POST = "555000000002_777"
PAGE_POST = f"{PAGE_POLSEK}_800"
FB_X1, FB_HIDDEN, FB_PRIVATE, FB_Y = "800_8001", "800_8002", "800_8003", "800_8004"
BUDI_FB = "5550003"


def t(text: str) -> str:
    """Graph API time format: ISO 8601 with a +0000 offset."""
    return f"{text}+0000"


def paging(after: str | None, path: str | None = None, token: str = TOKEN_POLRES) -> dict:
    out: dict[str, Any] = {"cursors": {"before": "QVFIUmJlZm9yZQZDZD", "after": after or "QVFIUmVuZAZDZD"}}
    if after and path:
        out["next"] = f"{GRAPH}/{path}?access_token={token}&limit=25&after={after}"
    return out


def summary(total: int) -> dict:
    return {"data": [], "summary": {"order": "ranked", "total_count": total, "can_comment": True}}


ME_POLRES = {
    "id": PAGE_POLRES, "name": "Polres Metro Tangerang Kota", "username": "polrestrotangerangkota",
    "followers_count": 52013, "fan_count": 50120, "verification_status": "blue_verified",
    "instagram_business_account": {"id": IG_POLRES, "username": "polrestrotangerangkota",
                                   "name": "Polres Metro Tangerang Kota", "followers_count": 81234},
}
ME_POLSEK = {"id": PAGE_POLSEK, "name": "Polsek Balikpapan Utara", "username": "polsekbpputara",
             "followers_count": 3400, "fan_count": 3100, "verification_status": "not_verified"}

IG_MEDIA_PAGE1 = {
    "data": [
        {"id": MEDIA1, "caption": "Patroli malam di Ciledug. #PolriPresisi", "timestamp": t("2026-11-25T01:00:00"),
         "permalink": "https://www.instagram.com/p/DAbc001/", "comments_count": 5,
         "username": "polrestrotangerangkota"},
        {"id": MEDIA2, "caption": "Imbauan mudik aman", "timestamp": t("2026-11-24T01:00:00"),
         "permalink": "https://www.instagram.com/p/DAbc002/", "comments_count": 0,
         "username": "polrestrotangerangkota"},
    ],
    "paging": paging("QVFIUm1lZAGlhMg", f"{IG_POLRES}/media"),
}
IG_MEDIA_PAGE2 = {
    "data": [{"id": MEDIA3, "caption": "Arsip", "timestamp": t("2026-11-10T01:00:00"),
              "permalink": "https://www.instagram.com/p/DAbc003/", "comments_count": 9,
              "username": "polrestrotangerangkota"}],
    "paging": paging(None),
}


def ig_comment(cid: str, text: str, when: str, username: str | None, user_id: str | None, **extra: Any) -> dict:
    out: dict[str, Any] = {"id": cid, "text": text, "timestamp": t(when), "like_count": 0, "hidden": False}
    if username:
        out["username"] = username
    if user_id:
        out["from"] = {"id": user_id, "username": username}
    out.update(extra)
    return out


IG_COMMENTS_PAGE1 = {
    "data": [
        {**ig_comment(C_A, "Pak, motor saya hilang di parkiran pasar Ciledug tadi pagi. Lapornya ke mana?",
                      "2026-11-25T02:00:00", "budi_cdg", "17841455500000001"),
         "replies": {"data": [
             ig_comment(C_B, "Sama pak, motor tetangga saya juga hilang di situ kemarin malam",
                        "2026-11-25T02:10:00", "sari.tgr", "17841455500000002", parent_id=C_A),
             ig_comment(C_C, "@sari.tgr mohon kirim kronologinya lewat DM, anggota Reskrim kami hubungi.",
                        "2026-11-25T02:40:00", "polrestrotangerangkota", IG_POLRES, parent_id=C_A),
         ]}},
        ig_comment(C_HIDDEN, "promo slot gacor klik link di bio", "2026-11-25T03:00:00", "spam.akun",
                   "17841455500000003", hidden=True),
    ],
    "paging": paging("QVFIUmNvbW1lbnRzMg", f"{MEDIA1}/comments"),
}
IG_COMMENTS_PAGE2 = {
    # A private or blocking account: Meta omits `from`; only the username comes back.
    "data": [ig_comment(C_PRIVATE, "Tolong tindak premanisme di pasar Ciledug, pedagang dipalak tiap hari",
                        "2026-11-25T04:00:00", "akun.privat", None)],
    "paging": paging(None),
}
IG_TAGS = {
    "data": [{"id": TAG1, "caption": "@polrestrotangerangkota balap liar tiap malam di Jl. HOS Cokroaminoto",
              "timestamp": t("2026-11-25T15:00:00"), "permalink": "https://www.instagram.com/p/DTag001/",
              "comments_count": 2, "username": "warga_tangerang"}],
    "paging": paging(None),
}

FB_VISITOR = {
    "data": [{"id": VISITOR_POST, "message": "Pak, ada tawuran pelajar di Jl. Soekarno Hatta km 5 sekarang!",
              "created_time": t("2026-11-25T10:00:00"), "from": {"id": "5550001", "name": "Andi Saputra"},
              "permalink_url": "https://www.facebook.com/104000000000002/posts/900", "comments": summary(1)}],
    "paging": paging(None),
}
FB_VISITOR_COMMENTS = {
    "data": [{"id": VISITOR_REPLY, "message": "Terima kasih laporannya, anggota segera meluncur ke lokasi.",
              "created_time": t("2026-11-25T10:20:00"), "from": {"id": PAGE_POLSEK, "name": "Polsek Balikpapan Utara"},
              "is_hidden": False}],
    "paging": paging(None),
}
FB_TAGGED = {
    "data": [{"id": TAGGED_POST, "message": "Terima kasih Polsek Balikpapan Utara sudah membantu mencari anak kami",
              "created_time": t("2026-11-24T08:00:00"), "from": {"id": "5550002", "name": "Rina"},
              "permalink_url": "https://www.facebook.com/555000000002/posts/777", "comments": summary(0)}],
    "paging": paging(None),
}
FB_POSTS = {
    "data": [{"id": PAGE_POST, "message": "Imbauan: waspada curanmor, pasang kunci ganda.",
              "created_time": t("2026-11-23T01:00:00"), "from": {"id": PAGE_POLSEK, "name": "Polsek Balikpapan Utara"},
              "permalink_url": "https://www.facebook.com/104000000000002/posts/800", "comments": summary(4)}],
    "paging": paging(None),
}
FB_POST_COMMENTS = {
    "data": [
        {"id": FB_X1, "message": "Kapan patroli ke perumahan Batu Ampar pak? sudah 3 motor hilang",
         "created_time": t("2026-11-23T02:00:00"), "from": {"id": BUDI_FB, "name": "Budi"}, "is_hidden": False},
        {"id": FB_HIDDEN, "message": "dasar polisi ***", "created_time": t("2026-11-23T02:05:00"),
         "from": {"id": "5550004", "name": "Anon"}, "is_hidden": True},
        # A person who has not allowed apps to see them: no `from` at all.
        {"id": FB_PRIVATE, "message": "Lampu jalan di depan polsek mati, rawan begal malam hari",
         "created_time": t("2026-11-23T02:30:00"), "is_hidden": False},
        {"id": FB_Y, "message": "Budi, malam ini tim patroli kami ke Batu Ampar.",
         "created_time": t("2026-11-23T03:00:00"), "from": {"id": PAGE_POLSEK, "name": "Polsek Balikpapan Utara"},
         "parent": {"id": FB_X1}, "message_tags": [{"id": BUDI_FB, "name": "Budi", "type": "user", "offset": 0,
                                                    "length": 4}], "is_hidden": False},
    ],
    "paging": paging(None),
}


def graph_error(code: int, message: str, subcode: int | None = None, kind: str = "OAuthException") -> dict:
    err: dict[str, Any] = {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEfGh123"}
    if subcode is not None:
        err["error_subcode"] = subcode
    return {"error": err}


TOKEN_EXPIRED = graph_error(190, "Error validating access token: Session has expired on Tuesday, 24-Nov-26.", 463)


def usage_headers(app: int = 5, buc: int = 5, regain: int = 0, object_id: str = PAGE_POLRES,
                  kind: str = "pages") -> dict[str, str]:
    return {
        "X-App-Usage": json.dumps({"call_count": app, "total_time": app, "total_cputime": 1}),
        "X-Business-Use-Case-Usage": json.dumps({object_id: [{
            "type": kind, "call_count": buc, "total_cputime": 1, "total_time": buc,
            "estimated_time_to_regain_access": regain}]}),
    }


def _param(name: str, expected: str | None) -> Callable:
    """A responses matcher: query parameter `name` equals `expected` (None: absent)."""

    def match(request: Any) -> tuple[bool, str]:
        value = dict(parse_qsl(urlparse(request.url).query)).get(name)
        return value == expected, f"{name}={value!r}, wanted {expected!r}"

    return match


class MetaApi:
    """Register recorded Graph API responses; every call is checked for token hygiene afterwards."""

    def __init__(self, rsps: responses.RequestsMock) -> None:
        self.rsps = rsps

    def get(self, path: str, body: dict, status: int = 200, headers: dict | None = None,
            after: str | None = None, token: str | None = None) -> None:
        match = [_param("after", after)]
        if token:
            match.append(matchers.header_matcher({"Authorization": f"Bearer {token}"}))
        self.rsps.add(responses.GET, f"{GRAPH}/{path}", json=body, status=status,
                      headers=headers or usage_headers(), match=match)

    def polres_instagram(self, with_me: bool = True) -> None:
        if with_me:
            self.get("me", ME_POLRES, token=TOKEN_POLRES)
        self.get(f"{IG_POLRES}/media", IG_MEDIA_PAGE1)
        self.get(f"{IG_POLRES}/media", IG_MEDIA_PAGE2, after="QVFIUm1lZAGlhMg")
        self.get(f"{MEDIA1}/comments", IG_COMMENTS_PAGE1)
        self.get(f"{MEDIA1}/comments", IG_COMMENTS_PAGE2, after="QVFIUmNvbW1lbnRzMg")
        self.get(f"{IG_POLRES}/tags", IG_TAGS)

    def polsek_facebook(self, with_me: bool = True) -> None:
        if with_me:
            self.get("me", ME_POLSEK, token=TOKEN_POLSEK)
        self.get(f"{PAGE_POLSEK}/visitor_posts", FB_VISITOR)
        self.get(f"{VISITOR_POST}/comments", FB_VISITOR_COMMENTS)
        self.get(f"{PAGE_POLSEK}/tagged", FB_TAGGED)
        self.get(f"{PAGE_POLSEK}/posts", FB_POSTS)
        self.get(f"{PAGE_POST}/comments", FB_POST_COMMENTS)

    def calls(self) -> list[Any]:
        return list(self.rsps.calls)

    def assert_token_hygiene(self) -> None:
        """No token in any URL we sent (ours goes in the Authorization header)."""
        for call in self.rsps.calls:
            url = call.request.url
            assert "access_token" not in url and "EAAG" not in url, url
            assert call.request.headers["Authorization"].startswith("Bearer EAAGtest")


def served() -> Iterator[MetaApi]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        yield MetaApi(rsps)
