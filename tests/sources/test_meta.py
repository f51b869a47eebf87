"""The Meta source against recorded Graph API responses: the fetcher alone, then whole sync passes
through `lib.sync.run` and the store step, on the test database."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from meta_recorded import (
    BUDI_FB,
    C_A,
    C_B,
    C_C,
    C_HIDDEN,
    C_PRIVATE,
    FB_HIDDEN,
    FB_PRIVATE,
    FB_X1,
    FB_Y,
    IG_COMMENTS_PAGE1,
    IG_COMMENTS_PAGE2,
    IG_MEDIA_PAGE1,
    IG_MEDIA_PAGE2,
    IG_POLRES,
    IG_TAGS,
    MEDIA1,
    NOW,
    PAGE_POLSEK,
    TAG1,
    TAGGED_POST,
    TOKEN_EXPIRED,
    TOKEN_POLRES,
    TOKEN_POLSEK,
    VISITOR_POST,
    VISITOR_REPLY,
    MetaApi,
    graph_error,
    served,
    t,
    usage_headers,
)
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lib import ingest, meta_tokens
from lib.models import Account, ApiRequest, Mention, MetaToken, SyncRun, Unit
from lib.scope import NATIONAL
from lib.sources.meta import LOOKBACK, MetaBatch, MetaSource, fetch_facebook, fetch_instagram
from lib.sources.meta_graph import GraphClient, MetaError, RateLimited, TokenInvalid, parse_usage
from lib.sync import run


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        return self.now


@pytest.fixture
def api() -> Iterator[MetaApi]:
    yield from served()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def meta_units(registry: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """A token key, and page tokens for Polres Metro Tangerang Kota (IG) and Polsek Balikpapan Utara (FB)."""
    monkeypatch.setenv("PANTAU_META_TOKEN_KEY", Fernet.generate_key().decode())
    with Session(registry) as s:
        for code, token in (("POLRES-METRO-TANGERANG-KOTA", TOKEN_POLRES), ("POLSEK-BALIKPAPAN-UTARA", TOKEN_POLSEK)):
            unit = s.scalar(select(Unit).where(Unit.code == code))
            meta_tokens.set_token(s, unit.id, token, "tester", NOW + timedelta(days=50))
        s.commit()
    return registry


def source(clock: Clock, **kw) -> MetaSource:
    return MetaSource(now=clock, version="v23.0", app_secret="", **kw)


def stored(session: Session) -> dict[str, Mention]:
    session.expire_all()
    return {m.external_id: m for m in session.scalars(select(Mention))}


def acc(session: Session, platform: str, handle: str) -> Account:
    session.expire_all()
    return session.scalar(select(Account).where(Account.platform == platform, Account.handle == handle))


# ---------------------------------------------------------------------------- the fetcher alone


def test_instagram_fetch_pages_threads_hidden_private_and_tags(api: MetaApi) -> None:
    api.polres_instagram(with_me=False)
    client = GraphClient(TOKEN_POLRES, now=lambda: NOW)
    batch = fetch_instagram(client, IG_POLRES, "polrestrotangerangkota", NOW - LOOKBACK)

    by_id = {m.external_id: m for m in batch.mentions}
    # Both comment pages read (paging.next), the quiet post (comments_count 0) and the old post skipped,
    # the unit's own reply is not a mention, the hidden spam comment is left out.
    assert set(by_id) == {C_A, C_B, C_PRIVATE, TAG1}
    assert batch.skipped == {"hidden": 1}
    assert C_HIDDEN not in by_id and C_C not in by_id
    assert by_id[C_B].in_reply_to_id == C_A and by_id[C_B].conversation_id == C_A
    assert by_id[C_PRIVATE].author_id is None and by_id[C_PRIVATE].author_handle == "akun.privat"
    assert by_id[TAG1].author_handle == "warga_tangerang" and "balap liar" in by_id[TAG1].text
    assert by_id[C_A].url == "https://www.instagram.com/p/DAbc001/"
    # The unit answered Sari ("@sari.tgr …"), the second comment of the thread; Budi's stays open.
    assert [(r.external_id, r.replied_to_id) for r in batch.replies] == [(C_C, C_B)]
    assert batch.replies[0].created_at == NOW.replace(day=25, hour=2, minute=40)
    assert len(client.requests) == 5 and {r.endpoint for r in client.requests} == {":id/media", ":id/comments", ":id/tags"}
    api.assert_token_hygiene()


def test_facebook_fetch_visitor_tagged_and_page_post_comments(api: MetaApi) -> None:
    api.polsek_facebook(with_me=False)
    batch = fetch_facebook(GraphClient(TOKEN_POLSEK), PAGE_POLSEK, NOW - LOOKBACK)

    by_id = {m.external_id: m for m in batch.mentions}
    assert set(by_id) == {VISITOR_POST, TAGGED_POST, FB_X1, FB_PRIVATE}
    assert FB_HIDDEN not in by_id and batch.skipped == {"hidden": 1}
    assert by_id[FB_PRIVATE].author_id is None and by_id[FB_PRIVATE].author_name is None
    assert by_id[FB_X1].author_id == BUDI_FB and by_id[FB_X1].conversation_id == FB_X1
    answers = {(r.external_id, r.replied_to_id) for r in batch.replies}
    # The page's comment answers the visitor post; its tagged reply answers Budi, not the private comment.
    assert answers == {(VISITOR_REPLY, VISITOR_POST), (FB_Y, FB_X1)}
    api.assert_token_hygiene()


def test_a_reply_naming_nobody_answers_every_earlier_comment_of_its_thread(api: MetaApi) -> None:
    thread = {"data": [{
        "id": C_A, "text": "jalan rusak parah", "timestamp": t("2026-11-25T02:00:00"), "username": "budi_cdg",
        "from": {"id": "1", "username": "budi_cdg"},
        "replies": {"data": [
            {"id": C_B, "text": "betul", "timestamp": t("2026-11-25T02:05:00"), "username": "sari.tgr",
             "from": {"id": "2", "username": "sari.tgr"}, "parent_id": C_A},
            {"id": C_C, "text": "Terima kasih, sudah kami teruskan.", "timestamp": t("2026-11-25T02:30:00"),
             "username": "polrestrotangerangkota", "from": {"id": IG_POLRES}, "parent_id": C_A},
        ]}}], "paging": {"cursors": {"before": "a", "after": "b"}}}
    api.get(f"{IG_POLRES}/media", {"data": IG_MEDIA_PAGE1["data"][:1], "paging": {"cursors": {"after": "x"}}})
    api.get(f"{MEDIA1}/comments", thread)
    api.get(f"{IG_POLRES}/tags", {"data": []})
    batch = fetch_instagram(GraphClient(TOKEN_POLRES), IG_POLRES, "polrestrotangerangkota", NOW - LOOKBACK)
    assert {(r.external_id, r.replied_to_id) for r in batch.replies} == {(C_C, C_A), (C_C, C_B)}


def test_usage_headers_are_read_and_the_client_stops_before_the_limit(api: MetaApi) -> None:
    usage = parse_usage(usage_headers(app=40, buc=93, regain=12))
    assert usage.percent == 93 and usage.app_percent == 40 and usage.regain == timedelta(minutes=12)
    api.get(f"{IG_POLRES}/media", IG_MEDIA_PAGE2, headers=usage_headers(app=10, buc=91, regain=12))
    client = GraphClient(TOKEN_POLRES, now=lambda: NOW)
    client.get(f"{IG_POLRES}/media")
    with pytest.raises(RateLimited) as caught:
        client.get(f"{IG_POLRES}/tags")  # never sent: usage is past STOP_AT
    assert caught.value.retry_after == timedelta(minutes=12) and not caught.value.app_wide
    assert len(api.calls()) == 1
    assert client.requests[0].rate_limit_remaining == 9
    assert client.requests[0].rate_limit_reset == NOW + timedelta(minutes=12)


@pytest.mark.parametrize(("code", "app_wide"), [(4, True), (17, False), (32, False), (613, False)])
def test_rate_limit_codes_are_typed(api: MetaApi, code: int, app_wide: bool) -> None:
    api.get(f"{IG_POLRES}/media", graph_error(code, f"(#{code}) Application request limit reached"),
            status=400 if code != 613 else 403, headers=usage_headers(app=100, buc=100, regain=7))
    with pytest.raises(RateLimited) as caught:
        GraphClient(TOKEN_POLRES).get(f"{IG_POLRES}/media")
    assert caught.value.code == code and caught.value.app_wide is app_wide
    assert caught.value.retry_after == timedelta(minutes=7)
    assert TOKEN_POLRES not in str(caught.value)


# ---------------------------------------------------------------------------- whole sync passes


def test_sync_stores_comments_replies_and_account_facts(api: MetaApi, meta_units: Engine, session: Session,
                                                        clock: Clock) -> None:
    api.polres_instagram()
    api.polsek_facebook()
    result = run(meta_units, [source(clock)], NATIONAL)
    assert result.ok, result.errors
    rows = stored(session)
    assert set(rows) == {C_A, C_B, C_PRIVATE, TAG1, VISITOR_POST, TAGGED_POST, FB_X1, FB_PRIVATE}
    assert rows[C_A].platform == "instagram" and rows[VISITOR_POST].platform == "facebook"
    # Exact first-response times from the reply timestamps; Budi's Instagram comment stays unanswered.
    assert rows[C_B].answered_at == NOW.replace(day=25, hour=2, minute=40) and rows[C_B].answered_by == "api"
    assert rows[C_B].answer_external_id == C_C
    assert rows[C_A].answered_at is None and rows[C_PRIVATE].answered_at is None
    assert rows[VISITOR_POST].answered_at == NOW.replace(day=25, hour=10, minute=20)
    assert rows[FB_X1].answered_at == NOW.replace(day=23, hour=3, minute=0)
    assert rows[FB_PRIVATE].answered_at is None

    ig = acc(session, "instagram", "polrestrotangerangkota")
    assert (ig.platform_user_id, ig.followers, ig.last_checked_at) == (IG_POLRES, 81234, NOW)
    assert ig.verified is True  # Instagram exposes no badge: the registry's value stays
    fb = acc(session, "facebook", "polsekbpputara")
    assert (fb.platform_user_id, fb.followers, fb.verified, fb.verified_type) == (PAGE_POLSEK, 3400, False, "none")
    # Unit without a token (Polsek Ciledug, Polresta Balikpapan): not asked at all.
    assert session.scalar(select(func.count(ApiRequest.id)).where(ApiRequest.source == "meta")) == len(api.calls())
    api.assert_token_hygiene()


def test_second_pass_keeps_deleted_comments_and_answers_and_adds_new_ones(api: MetaApi, meta_units: Engine,
                                                                         session: Session, clock: Clock) -> None:
    api.polres_instagram()
    api.polsek_facebook()
    assert run(meta_units, [source(clock)], NATIONAL).ok
    api.rsps.reset()
    clock.now = NOW + timedelta(hours=1)
    # Budi deleted his comment (Meta no longer returns it); a new comment arrived; the unit answered the
    # private comment. Facts are fresh, so `/me` is not asked again.
    later = {"data": [
        {**IG_COMMENTS_PAGE1["data"][0], "id": "17950000000000099", "text": "Min, SKCK bisa online?",
         "timestamp": t("2026-11-26T03:30:00"), "username": "dewi", "from": {"id": "9"}, "replies": {"data": []}},
        {"id": C_PRIVATE, "text": IG_COMMENTS_PAGE2["data"][0]["text"], "timestamp": t("2026-11-25T04:00:00"),
         "username": "akun.privat", "replies": {"data": [
             {"id": "17950000000000098", "text": "@akun.privat sudah kami teruskan ke Samapta.",
              "timestamp": t("2026-11-26T03:40:00"), "username": "polrestrotangerangkota",
              "from": {"id": IG_POLRES}, "parent_id": C_PRIVATE}]}},
    ], "paging": {"cursors": {"before": "a", "after": "b"}}}
    api.get(f"{IG_POLRES}/media", IG_MEDIA_PAGE2 | {"data": IG_MEDIA_PAGE1["data"]})
    api.get(f"{MEDIA1}/comments", later)
    api.get(f"{IG_POLRES}/tags", IG_TAGS)
    api.polsek_facebook(with_me=False)
    clock.now = NOW + timedelta(hours=2)  # past both accounts' intervals
    assert run(meta_units, [source(clock)], NATIONAL).ok
    rows = stored(session)
    assert C_A in rows and rows[C_B].answered_at == NOW.replace(day=25, hour=2, minute=40)
    assert "17950000000000099" in rows and rows["17950000000000099"].answered_at is None
    assert rows[C_PRIVATE].answered_at == NOW.replace(hour=3, minute=40)
    assert session.scalar(select(func.count(Mention.id))) == 9


def test_token_expiry_is_per_unit_and_keeps_last_good_data(api: MetaApi, meta_units: Engine, session: Session,
                                                           clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    api.polres_instagram()
    api.polsek_facebook()
    assert run(meta_units, [source(clock)], NATIONAL).ok
    api.rsps.reset()
    clock.now = NOW + timedelta(hours=2)
    api.get(f"{IG_POLRES}/media", TOKEN_EXPIRED, status=400)
    api.polsek_facebook(with_me=False)
    with caplog.at_level(logging.DEBUG):
        result = run(meta_units, [source(clock)], NATIONAL)
    assert len(result.errors) == 1 and "190" in result.errors[0]
    assert TOKEN_POLRES not in caplog.text and TOKEN_POLRES not in result.errors[0]
    rows = stored(session)
    assert C_B in rows and rows[C_B].answered_at is not None  # last good data kept
    session.expire_all()
    polres = session.scalar(select(Unit).where(Unit.code == "POLRES-METRO-TANGERANG-KOTA"))
    token = session.scalar(select(MetaToken).where(MetaToken.unit_id == polres.id))
    assert token.invalid_at == clock.now and "190" in token.last_error
    assert meta_tokens.token_for(session, polres.id) is None
    state = ingest.sync_state(session, "meta", acc(session, "instagram", "polrestrotangerangkota").id)
    assert "190" in state.last_error
    fb_state = ingest.sync_state(session, "meta", acc(session, "facebook", "polsekbpputara").id)
    assert fb_state.last_error is None and fb_state.last_success_at is not None
    failed = session.scalar(select(SyncRun).where(SyncRun.source == "meta").order_by(SyncRun.id.desc()).limit(1))
    assert not failed.ok
    # The refused token is not tried again: the next pass asks Meta nothing for that unit.
    api.rsps.reset()
    clock.now = NOW + timedelta(hours=5)
    api.polsek_facebook(with_me=False)
    assert run(meta_units, [source(clock)], NATIONAL).ok


def test_rate_limit_holds_the_account_until_meta_says_and_others_continue(api: MetaApi, meta_units: Engine,
                                                                          session: Session, clock: Clock) -> None:
    api.get("me", graph_error(32, "(#32) Page request limit reached"), status=400,
            headers=usage_headers(buc=100, regain=25), token=TOKEN_POLRES)
    api.polsek_facebook()
    result = run(meta_units, [source(clock)], NATIONAL)
    assert len(result.errors) == 1 and "kode 32" in result.errors[0]
    ig = acc(session, "instagram", "polrestrotangerangkota")
    assert ingest.sync_state(session, "meta", ig.id).next_due_at == NOW + timedelta(minutes=25)
    assert VISITOR_POST in stored(session)
    # The failed request is in the ledger, charged to the account.
    assert session.scalar(select(func.count(ApiRequest.id)).where(ApiRequest.account_id == ig.id,
                                                                  ApiRequest.status_code == 400)) == 1
    src = source(clock)
    assert not src.is_due(session, ig, NOW)
    clock.now = NOW + timedelta(minutes=26)
    assert src.is_due(session, ig, clock.now)


def test_app_wide_limit_stops_every_account_for_the_pass(api: MetaApi, meta_units: Engine, session: Session,
                                                         clock: Clock) -> None:
    api.get("me", graph_error(4, "(#4) Application request limit reached"), status=400,
            headers=usage_headers(app=100, regain=0), token=TOKEN_POLRES)
    result = run(meta_units, [source(clock)], NATIONAL)  # the Polsek page is not asked (no response registered)
    assert len(result.errors) == 1
    fb = acc(session, "facebook", "polsekbpputara")
    assert not source(clock).is_due(session, fb, NOW)
    clock.now = NOW + timedelta(minutes=61)
    assert source(clock).is_due(session, fb, clock.now)


def test_high_usage_slows_polling_and_server_errors_are_per_account(api: MetaApi, meta_units: Engine,
                                                                    session: Session, clock: Clock) -> None:
    api.get("me", {"error": {"message": "An unexpected error has occurred.", "type": "OAuthException",
                             "code": 2, "is_transient": True}}, status=500, token=TOKEN_POLRES)
    hot = usage_headers(buc=80)
    api.get("me", {"id": PAGE_POLSEK, "name": "Polsek Balikpapan Utara", "fan_count": 3100}, headers=hot,
            token=TOKEN_POLSEK)
    for path in (f"{PAGE_POLSEK}/visitor_posts", f"{PAGE_POLSEK}/tagged", f"{PAGE_POLSEK}/posts"):
        api.get(path, {"data": []}, headers=hot)
    result = run(meta_units, [source(clock)], NATIONAL)
    assert len(result.errors) == 1 and "500" in result.errors[0]
    fb = acc(session, "facebook", "polsekbpputara")
    # Polsek interval 30 min, ×4 above 75 % usage.
    assert ingest.sync_state(session, "meta", fb.id).next_due_at == NOW + timedelta(minutes=120)
    assert fb.followers == 3100 and fb.verified is False  # the registry value: this page says nothing


def test_meta_source_is_on_when_the_token_key_is_configured(meta_units: Engine) -> None:
    from lib.config import load_settings
    from lib.sync import enabled_sources

    assert "meta" in [s.name for s in enabled_sources(load_settings())]


def test_without_a_key_the_meta_source_is_off(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from lib.config import load_settings
    from lib.sync import enabled_sources

    monkeypatch.delenv("PANTAU_META_TOKEN_KEY", raising=False)
    monkeypatch.setenv("PANTAU_SECRETS_FILE", "/nonexistent")
    from lib import config

    config._secrets.cache_clear()
    try:
        assert "meta" not in [s.name for s in enabled_sources(load_settings())]
    finally:
        config._secrets.cache_clear()


def test_meta_batch_is_a_batch() -> None:
    batch = MetaBatch()
    batch.skip("hidden")
    batch.skip("hidden")
    assert batch.skipped == {"hidden": 2} and batch.mentions == [] and batch.facts == []


def test_token_invalid_message_never_quotes_the_token(api: MetaApi) -> None:
    api.get("me", TOKEN_EXPIRED, status=401)
    with pytest.raises(TokenInvalid) as caught:
        GraphClient(TOKEN_POLRES).get("me")
    assert caught.value.code == 190 and "EAAG" not in str(caught.value)


def test_a_paging_link_to_another_host_is_not_followed(api: MetaApi) -> None:
    """The token travels in a header, so it must never go to a host that is not Meta's Graph API."""
    api.get(f"{IG_POLRES}/tags", {"data": [], "paging": {"next": "https://graph.facebook.com.evil.example/x?after=1"}})
    client = GraphClient(TOKEN_POLRES)
    with pytest.raises(MetaError, match="tidak dikenal"):
        list(client.pages(f"{IG_POLRES}/tags"))
    assert len(api.calls()) == 1


# ---------------------------------------------------------------------------- on the source registry


def test_meta_is_registered_for_the_worker_and_the_sumber_data_panel(meta_units: Engine) -> None:
    from lib.config import load_settings
    from lib.sources import registry

    spec = registry.get("meta")
    settings = load_settings()
    assert spec is not None and spec.platforms == ("instagram", "facebook") and spec.admin_panel == "meta"
    assert not spec.on_page_load(settings) and isinstance(spec.build(settings), MetaSource)
    assert "meta" in [s.name for s in registry.build_enabled(settings)]
    assert "meta" not in [s.name for s in registry.build_enabled(settings, page_load=True)]  # never on a page load


def test_the_worker_command_reads_meta(api: MetaApi, meta_units: Engine, session: Session,
                                       monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    """`python -m lib.sync --source meta` (one pass of the `--loop` worker): the registry builds it."""
    from lib import sync

    monkeypatch.setattr("lib.sources.meta.utcnow", lambda: NOW)  # the recorded responses' day
    api.polres_instagram()
    api.polsek_facebook()
    assert sync.main(["--source", "meta"]) == 0
    assert "status=ran baru=8 galat=0" in capsys.readouterr().out
    run_row = session.scalar(select(SyncRun).where(SyncRun.source == "meta"))
    assert run_row is not None and run_row.ok and run_row.new_mentions == 8
    api.assert_token_hygiene()


def test_meta_errors_are_the_runners_typed_errors_with_holds() -> None:
    from lib.sources import base
    from lib.sources.meta_graph import graph_error as typed

    usage = parse_usage(usage_headers(buc=100, regain=7))
    expired = typed(400, TOKEN_EXPIRED["error"], now=NOW)
    assert isinstance(expired, base.AuthFailed) and not expired.stops_pass  # one unit's token, not the pass
    app = typed(400, {"code": 4}, usage, NOW)
    assert isinstance(app, base.RateLimited) and app.stops_pass and app.retry_at == NOW + timedelta(minutes=7)
    page = typed(400, {"code": 32}, usage, NOW)
    assert isinstance(page, base.RateLimited) and not page.stops_pass and page.retry_at == NOW + timedelta(minutes=7)
    assert isinstance(typed(500, {"code": 2}), base.TransientError)
    assert isinstance(typed(400, {"code": 100}), base.AccountUnavailable)
    assert isinstance(typed(403, {"code": 200}), base.AuthFailed) and not typed(403, {"code": 200}).stops_pass
    assert isinstance(typed(400, {"code": 9999}), base.SourceError)


def test_a_failed_read_carries_what_it_read_and_spent(api: MetaApi, meta_units: Engine, session: Session,
                                                      clock: Clock) -> None:
    api.get("me", {"id": PAGE_POLSEK, "name": "Polsek Balikpapan Utara", "fan_count": 3100,
                   "verification_status": "not_verified"}, token=TOKEN_POLSEK)
    api.get(f"{PAGE_POLSEK}/visitor_posts", {"error": {"message": "Service temporarily unavailable", "code": 2}},
            status=503)
    fb = acc(session, "facebook", "polsekbpputara")
    with pytest.raises(MetaError) as caught:
        source(clock).read(session, fb, {"mentions": None})
    partial = caught.value.partial
    assert partial is not None and partial.cursor is None
    assert [r.status_code for r in partial.requests] == [200, 503]
    assert [(f.account_id, f.platform_user_id, f.followers, f.verified) for f in partial.facts] == [
        (fb.id, PAGE_POLSEK, 3100, False)]
    assert source(clock).hold_until(session, fb, caught.value, NOW) == NOW + timedelta(minutes=30)  # Polsek interval


def test_a_token_for_another_account_is_flagged_and_cleared(meta_units: Engine, session: Session) -> None:
    from lib.sources.meta import PageFacts, account_facts
    from lib.sync import apply_facts

    ig = acc(session, "instagram", "polrestrotangerangkota")
    other = PageFacts(platform="instagram", platform_user_id=IG_POLRES, handle="akun.lain", followers=5)
    apply_facts(session, [account_facts(ig, other, NOW)])
    assert ig.problem.startswith("Token Meta terhubung ke @akun.lain") and ig.last_checked_at == NOW
    assert ig.verified is True  # Instagram says nothing about a badge: the registry's value stays
    right = PageFacts(platform="instagram", platform_user_id=IG_POLRES, handle="PolresTroTangerangKota")
    apply_facts(session, [account_facts(ig, right, NOW)])
    assert ig.problem is None and ig.followers == 5
