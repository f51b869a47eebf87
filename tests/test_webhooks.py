"""The Meta webhook receiver through Starlette's TestClient: subscription check, signatures, and
deliveries stored through the same store step as polling."""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from lib import meta_tokens
from lib.models import Account, Mention
from lib.sources.meta_webhook import parse_delivery, signature_ok
from lib.webhooks import PATH, create_app

sys.path.insert(0, str(Path(__file__).parent / "sources"))
from meta_recorded import (  # noqa: E402
    IG_POLRES,
    PAGE_POLSEK,
    TOKEN_POLRES,
    MetaApi,
    graph_error,
    served,
)

SECRET = "app-secret-for-tests"
VERIFY = "verify-token-for-tests"


@pytest.fixture
def hooked(registry: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """Ids known from an earlier poll; a token for the Polres (webhook @mentions are read with it)."""
    monkeypatch.setenv("PANTAU_META_TOKEN_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("PANTAU_META_GRAPH_VERSION", "v23.0")
    with Session(registry) as s:
        ig = s.scalar(select(Account).where(Account.platform == "instagram", Account.handle == "polrestrotangerangkota"))
        ig.platform_user_id = IG_POLRES
        fb = s.scalar(select(Account).where(Account.platform == "facebook", Account.handle == "polsekbpputara"))
        fb.platform_user_id = PAGE_POLSEK
        meta_tokens.set_token(s, ig.unit_id, TOKEN_POLRES, "tester")
        s.commit()
    return registry


@pytest.fixture
def client(hooked: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(hooked, SECRET, VERIFY)) as c:
        yield c


def post(client: TestClient, payload: dict, secret: str = SECRET, signature: str | None = None):
    body = json.dumps(payload).encode()
    sig = signature if signature is not None else "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(PATH, content=body, headers={"Content-Type": "application/json", "X-Hub-Signature-256": sig})


def ig_comment(cid: str, text: str, user: str, user_id: str, parent: str | None = None, time: int = 1764126000) -> dict:
    value = {"from": {"id": user_id, "username": user}, "media": {"id": "17900000000000001",
                                                                 "media_product_type": "FEED"},
             "id": cid, "text": text}
    if parent:
        value["parent_id"] = parent
    return {"object": "instagram", "entry": [{"id": IG_POLRES, "time": time,
                                               "changes": [{"field": "comments", "value": value}]}]}


def mentions(engine: Engine) -> dict[str, Mention]:
    with Session(engine) as s:
        return {m.external_id: m for m in s.scalars(select(Mention))}


def test_subscription_challenge_needs_the_verify_token(client: TestClient) -> None:
    ok = client.get(PATH, params={"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"})
    assert ok.status_code == 200 and ok.text == "1158201444"
    bad = client.get(PATH, params={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"})
    assert bad.status_code == 403 and "1" not in bad.text


def test_a_delivery_with_a_bad_or_missing_signature_stores_nothing(client: TestClient, hooked: Engine) -> None:
    payload = ig_comment("17950000000000301", "Pak tolong ada begal di Ciledug", "budi", "41")
    assert post(client, payload, secret="someone-else").status_code == 401
    assert post(client, payload, signature="").status_code == 401
    assert post(client, payload, signature="sha1=abc").status_code == 401
    assert mentions(hooked) == {}


def test_instagram_comment_and_the_units_reply_to_the_second_comment(client: TestClient, hooked: Engine) -> None:
    assert post(client, ig_comment("301", "Motor saya hilang di pasar", "budi_cdg", "41", time=1764126000)).text \
        == "EVENT_RECEIVED"
    assert post(client, ig_comment("302", "Motor tetangga juga", "sari.tgr", "42", parent="301",
                                   time=1764126600)).status_code == 200
    assert post(client, ig_comment("303", "@sari.tgr mohon DM kronologinya", "polrestrotangerangkota", IG_POLRES,
                                   parent="301", time=1764127800)).status_code == 200
    rows = mentions(hooked)
    assert set(rows) == {"301", "302"}  # the unit's own reply is not a mention
    assert rows["302"].conversation_id == "301" and rows["302"].in_reply_to_id == "301"
    assert rows["302"].answered_at is not None and int(rows["302"].answered_at.timestamp()) == 1764127800
    assert rows["302"].answer_external_id == "303"
    assert rows["301"].answered_at is None
    # Re-delivery (Meta retries) changes nothing.
    assert post(client, ig_comment("301", "Motor saya hilang di pasar", "budi_cdg", "41")).status_code == 200
    with Session(hooked) as s:
        assert s.scalar(select(func.count(Mention.id))) == 2


def test_instagram_mention_is_read_through_the_graph_api_and_a_deleted_one_is_skipped(
        client: TestClient, hooked: Engine) -> None:
    def delivery(comment_id: str) -> dict:
        return {"object": "instagram", "entry": [{"id": IG_POLRES, "time": 1764126000, "changes": [
            {"field": "mentions", "value": {"media_id": "17900000000000777", "comment_id": comment_id}}]}]}

    api: MetaApi
    for api in served():
        api.rsps.add("GET", f"https://graph.facebook.com/v23.0/{IG_POLRES}", json={
            "mentioned_comment": {"id": "17950000000000555", "text": "@polrestrotangerangkota ada pungli di pos",
                                  "timestamp": "2026-11-26T01:00:00+0000", "username": "warga1",
                                  "media": {"id": "17900000000000777",
                                            "permalink": "https://www.instagram.com/p/DOther/"}},
            "id": IG_POLRES}, match=[_fields_contain("17950000000000555")])
        api.rsps.add("GET", f"https://graph.facebook.com/v23.0/{IG_POLRES}",
                     json=graph_error(100, "Unsupported get request. Object with ID '17950000000000556' does not "
                                      "exist", 33, "GraphMethodException"), status=400,
                     match=[_fields_contain("17950000000000556")])
        assert post(client, delivery("17950000000000555")).status_code == 200
        assert post(client, delivery("17950000000000556")).status_code == 200  # deleted meanwhile
        api.assert_token_hygiene()
    rows = mentions(hooked)
    assert set(rows) == {"17950000000000555"}
    assert rows["17950000000000555"].url == "https://www.instagram.com/p/DOther/"
    with Session(hooked) as s:  # both reads in the request ledger, under the webhook's own name
        from lib.models import ApiRequest

        assert sorted(s.scalars(select(ApiRequest.status_code).where(ApiRequest.source == "meta_webhook"))) == [200, 400]


def _fields_contain(text: str):
    def match(request) -> tuple[bool, str]:
        return text in request.url, "fields"

    return match


def test_facebook_feed_visitor_post_page_reply_and_removal(client: TestClient, hooked: Engine) -> None:
    def feed(value: dict) -> dict:
        return {"object": "page", "entry": [{"id": PAGE_POLSEK, "time": 1764126000,
                                             "changes": [{"field": "feed", "value": value}]}]}

    post_id = f"{PAGE_POLSEK}_901"
    assert post(client, feed({"item": "status", "verb": "add", "post_id": post_id, "created_time": 1764126000,
                              "message": "Ada tawuran di Jl. Soekarno Hatta km 5",
                              "from": {"id": "5550001", "name": "Andi"}})).status_code == 200
    assert post(client, feed({"item": "comment", "verb": "add", "post_id": post_id, "parent_id": post_id,
                              "comment_id": "901_1", "created_time": 1764126900,
                              "message": "Anggota kami segera ke lokasi",
                              "from": {"id": PAGE_POLSEK, "name": "Polsek Balikpapan Utara"}})).status_code == 200
    # Someone else chatting under the visitor's post is not a mention (the poller does not count it).
    assert post(client, feed({"item": "comment", "verb": "add", "post_id": post_id, "parent_id": post_id,
                              "comment_id": "901_3", "created_time": 1764127100, "message": "Iya bener, ramai",
                              "from": {"id": "5550010", "name": "Tono"}})).status_code == 200
    assert post(client, feed({"item": "comment", "verb": "remove", "post_id": post_id, "comment_id": "901_2",
                              "created_time": 1764127000, "from": {"id": "5550009"}})).status_code == 200
    # A comment on the Page's own post is a mention, its thread keyed by the comment itself.
    assert post(client, feed({"item": "comment", "verb": "add", "post_id": f"{PAGE_POLSEK}_800",
                              "parent_id": f"{PAGE_POLSEK}_800", "comment_id": "800_9", "created_time": 1764127200,
                              "message": "Kapan patroli ke Batu Ampar pak?",
                              "from": {"id": "5550003", "name": "Budi"}})).status_code == 200
    rows = mentions(hooked)
    assert set(rows) == {post_id, "800_9"}
    assert int(rows[post_id].answered_at.timestamp()) == 1764126900
    assert rows["800_9"].conversation_id == "800_9" and rows["800_9"].author_name == "Budi"


def test_deliveries_for_unknown_accounts_or_objects_are_ignored(client: TestClient, hooked: Engine) -> None:
    other = ig_comment("401", "halo", "x", "1")
    other["entry"][0]["id"] = "17841499999999999"
    assert post(client, other).status_code == 200
    assert post(client, {"object": "whatsapp_business_account", "entry": []}).status_code == 200
    assert mentions(hooked) == {}


def test_parse_and_signature_helpers() -> None:
    body = b'{"object":"page"}'
    good = "sha256=" + hmac.new(b"s", body, hashlib.sha256).hexdigest()
    assert signature_ok("s", body, good) and not signature_ok("s", body + b" ", good) and not signature_ok("", body, good)
    assert parse_delivery({"object": "page", "entry": [{"id": "1", "changes": [{"field": "feed", "value": "x"}]}]}) == []
    assert parse_delivery(["not", "a", "dict"]) == []


def test_the_receiver_refuses_to_start_without_secrets(hooked: Engine) -> None:
    with pytest.raises(RuntimeError):
        create_app(hooked, "", VERIFY)



def test_a_mention_meta_refuses_to_show_does_not_lose_the_rest_of_the_delivery(client: TestClient,
                                                                              hooked: Engine) -> None:
    delivery = ig_comment("17950000000000601", "Pak ada pungli di jembatan timbang", "warga2", "43")
    delivery["entry"][0]["changes"].append(
        {"field": "mentions", "value": {"media_id": "17900000000000778", "comment_id": "17950000000000602"}})
    for api in served():
        api.rsps.add("GET", f"https://graph.facebook.com/v23.0/{IG_POLRES}", status=400,
                     json=graph_error(190, "Error validating access token: Session has expired", 463))
        assert post(client, delivery).status_code == 200
    assert set(mentions(hooked)) == {"17950000000000601"}


def test_deliveries_go_through_the_sync_store_step_without_moving_the_pollers_schedule(
        client: TestClient, hooked: Engine) -> None:
    from lib.models import SyncState

    assert post(client, ig_comment("701", "Pak, ada balap liar tiap malam", "warga3", "44")).status_code == 200
    with Session(hooked) as s:
        ig = s.scalar(select(Account).where(Account.platform == "instagram", Account.platform_user_id == IG_POLRES))
        states = {row.source: row for row in s.scalars(select(SyncState).where(SyncState.account_id == ig.id))}
        assert set(states) == {"meta_webhook"}  # the poller ("meta") is neither scheduled nor marked read
        assert states["meta_webhook"].last_success_at is not None and states["meta_webhook"].last_error is None
        assert s.scalar(select(Mention.account_id).where(Mention.external_id == "701")) == ig.id
