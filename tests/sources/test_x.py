"""The X source against recorded X API v2 responses, through a real tweepy.Client.

Each test registers the exact requests a sync must make, in order (anything else fails), and then
checks what ended up in the database.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
import requests
import tweepy
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from x_recorded import (
    M1,
    M2,
    M3,
    M4,
    M5,
    M6,
    NOW,
    P1,
    POLDA_ID,
    POLRES_ID,
    POLSEK_ID,
    R1,
    R2,
    R3,
    TOKEN,
    XApi,
    iso,
)

from lib import ingest, ledger
from lib.models import Account, ApiRequest, Mention, SyncRun, SyncState
from lib.scope import NATIONAL
from lib.sources.base import AccountUnavailable, BudgetExhausted, RateLimited, RequestCost
from lib.sources.x import (
    PROBLEM_MISSING,
    PROBLEM_RENAMED,
    PROBLEM_SUSPENDED,
    XSource,
    snowflake_at,
    snowflake_time,
)
from lib.sync import run, sync_account

ALL_HANDLES = ("PoldaMetroJaya", "PolrestroTangkot", "polsekbenda")


def account(session: Session, handle: str) -> Account:
    acc = session.scalar(select(Account).where(Account.platform == "x", Account.handle == handle))
    assert acc is not None
    return acc


def mentions(session: Session) -> dict[str, Mention]:
    return {m.external_id: m for m in session.scalars(select(Mention))}


def state(session: Session, handle: str | None, kind: str = "mentions") -> SyncState:
    return ingest.sync_state(session, "x", account(session, handle).id if handle else None, kind)


def resolved(session: Session, verification_due: bool = False) -> None:
    """The registry after an earlier sync: ids known, verification checked recently."""
    for handle, uid in zip(ALL_HANDLES, (POLDA_ID, POLRES_ID, POLSEK_ID), strict=True):
        account(session, handle).platform_user_id = uid
    if not verification_due:
        state(session, None, "verification").next_due_at = NOW + timedelta(hours=12)
    session.commit()


def first_run(xapi: XApi) -> None:
    """What the very first sync of @PoldaMetroJaya requests, in order."""
    xapi.lookup_names("users_by_usernames.json", *ALL_HANDLES)
    xapi.mentions("mentions_polda_page1.json", start_time=iso(NOW - timedelta(days=2)))
    xapi.mentions("mentions_polda_page2.json", pagination_token="7140dibdnow9c7btw4b0ftl2ig3cf1ua0x1bkgpi8lmqe")
    xapi.own_posts("tweets_polda.json", start_time=iso(NOW - timedelta(days=2)))


def reads(session: Session) -> list[tuple]:
    return list(session.execute(
        select(ApiRequest.endpoint, ApiRequest.status_code, ApiRequest.posts_read, ApiRequest.users_read,
               ApiRequest.account_id).order_by(ApiRequest.id)
    ))


# ---------------------------------------------------------------------------- the happy path


def test_first_sync_stores_mentions_replies_and_verification(registry, session, xapi, make_source):
    first_run(xapi)
    polda = account(session, "PoldaMetroJaya")

    report = sync_account(session, make_source(), polda)
    session.commit()

    assert (report.new_mentions, report.duplicates, report.answered) == (5, 0, 2)
    stored = mentions(session)
    assert set(stored) == {M1, M2, M3, M4, M5}
    # Answered by a direct reply: exact first-response time, distinct from an admin's mark.
    assert stored[M1].answered_by == "api"
    assert stored[M1].answer_external_id == R1
    assert stored[M1].answered_at == datetime(2026, 11, 26, 1, 25, 17, tzinfo=UTC)
    # Answered only in the thread (reply to the author's follow-up in the same conversation).
    assert stored[M2].answered_by == "api-thread"
    assert stored[M2].answer_external_id == R2
    # Never answered.
    assert stored[M3].answered_at is None and stored[M3].answered_by is None
    assert stored[M3].author_handle == "warga_resah"
    assert stored[M3].url == f"https://x.com/warga_resah/status/{M3}"
    assert stored[M3].created_at == datetime(2026, 11, 26, 2, 10, 17, tzinfo=UTC)
    # Emoji and non-Latin text survive byte for byte.
    assert stored[M4].text == ("@PoldaMetroJaya Matur nuwun pak 🙏🏽👮\u200d♂️ ꦩꦠꦸꦂꦤꦸꦮꦸꦤ꧀ sampun dibantu "
                               "nyari motor 🏍️✨ #PolriPresisi")
    assert stored[M4].author_name == "Rina 🌸 ريـنا"
    assert stored[M4].lang == "jv"
    # A deleted author: the mention is kept, without a handle.
    assert stored[M5].author_id == "1587001005"
    assert stored[M5].author_handle is None and stored[M5].author_name is None
    assert stored[M5].url == f"https://x.com/i/web/status/{M5}"
    assert all(m.unit_id == polda.unit_id and m.account_id == polda.id for m in stored.values())

    # Ids resolved for every X account in one lookup; verification refreshed from it.
    assert account(session, "PolrestroTangkot").platform_user_id == POLRES_ID
    polres = account(session, "PolrestroTangkot")
    assert (polres.verified, polres.verified_type, polres.followers) == (True, "business", 51234)
    polsek = account(session, "polsekbenda")
    assert (polsek.platform_user_id, polsek.verified, polsek.verified_type) == (POLSEK_ID, False, "none")
    assert polda.last_post_at == snowflake_time(P1) == datetime(2026, 11, 26, 2, 30, 17, 0, tzinfo=UTC)
    assert polda.last_checked_at == NOW and polda.problem is None

    # Cursors (newest ids) and schedule (Polda: every 10 minutes).
    assert state(session, "PoldaMetroJaya").cursor == M3
    assert state(session, "PoldaMetroJaya", "replies").cursor == P1
    assert state(session, "PoldaMetroJaya").next_due_at == NOW + timedelta(minutes=10)
    assert state(session, "PoldaMetroJaya").last_success_at == NOW
    assert state(session, None, "verification").next_due_at == NOW + timedelta(hours=24)

    # Every request's cost is in the ledger (the lookup is charged to no single account).
    assert reads(session) == [
        ("users/by", 200, 0, 3, None),
        ("users/:id/mentions", 200, 3, 3, polda.id),
        ("users/:id/mentions", 200, 2, 1, polda.id),
        ("users/:id/tweets", 200, 3, 0, polda.id),
    ]
    first = session.scalar(select(ApiRequest).order_by(ApiRequest.id).limit(1))
    assert first.rate_limit_remaining == 299 and first.rate_limit_reset == NOW + timedelta(minutes=15)
    assert first.at == NOW


def test_next_sync_dedupes_the_overlap_and_sees_a_reply_posted_since(registry, session, xapi, make_source, clock):
    first_run(xapi)
    source = make_source()
    sync_account(session, source, account(session, "PoldaMetroJaya"))
    session.commit()
    assert mentions(session)[M4].answered_at is None

    clock.advance(minutes=30)
    # No lookup this time (ids kept, verification not due); since_id reaches 5 minutes back.
    xapi.mentions("mentions_polda_rerun.json", since_id=M3)
    xapi.own_posts("tweets_polda_rerun.json", since_id=P1)
    polda = account(session, "PoldaMetroJaya")
    assert source.is_due(session, polda, clock.now)
    report = sync_account(session, source, polda)
    session.commit()

    assert (report.new_mentions, report.duplicates, report.answered) == (1, 1, 1)
    stored = mentions(session)
    assert len(stored) == 6 and session.scalar(select(func.count(Mention.id))) == 6
    assert stored[M6].author_handle == "adi_cikokol"
    assert stored[M4].answered_by == "api" and stored[M4].answer_external_id == R3
    assert stored[M4].answered_at == datetime(2026, 11, 26, 3, 20, 17, tzinfo=UTC)
    assert stored[M1].answer_external_id == R1  # the first answer is kept
    assert state(session, "PoldaMetroJaya").cursor == M6
    assert state(session, "PoldaMetroJaya", "replies").cursor == R3
    assert polda.last_post_at == datetime(2026, 11, 26, 3, 20, 17, tzinfo=UTC)


def test_rerunning_the_same_responses_never_duplicates(registry, session, xapi, make_source, clock):
    resolved(session)
    polda = account(session, "PoldaMetroJaya")
    xapi.mentions("mentions_polda_rerun.json")
    xapi.own_posts("tweets_polda_rerun.json")
    xapi.mentions("mentions_polda_rerun.json", since_id=M6)
    xapi.own_posts("tweets_polda_rerun.json", since_id=R3)
    source = make_source()
    first = sync_account(session, source, polda)
    session.commit()
    clock.advance(minutes=11)
    again = sync_account(session, source, polda)
    session.commit()
    assert (first.new_mentions, again.new_mentions, again.duplicates) == (2, 0, 2)
    assert session.scalar(select(func.count(Mention.id))) == 2


def test_an_empty_page_changes_nothing_but_the_schedule(registry, session, xapi, make_source):
    resolved(session)
    polres = account(session, "PolrestroTangkot")
    state(session, "PolrestroTangkot").cursor = M3
    session.commit()
    xapi.mentions("mentions_empty.json", user_id=POLRES_ID, since_id=M3)
    xapi.own_posts("tweets_empty.json", user_id=POLRES_ID, start_time=iso(NOW - timedelta(days=2)))

    report = sync_account(session, make_source(), polres)
    session.commit()

    assert (report.new_mentions, report.answered) == (0, 0)
    assert session.scalar(select(func.count(Mention.id))) == 0
    assert state(session, "PolrestroTangkot").cursor == M3
    assert state(session, "PolrestroTangkot", "replies").cursor is None
    assert state(session, "PolrestroTangkot").next_due_at == NOW + timedelta(minutes=30)  # Polres interval
    assert [r[:4] for r in reads(session)] == [("users/:id/mentions", 200, 0, 0), ("users/:id/tweets", 200, 0, 0)]


# ---------------------------------------------------------------------------- faults


def test_429_in_the_middle_of_pagination_keeps_page_one_and_waits_for_the_reset(
        registry, engine, session, xapi, make_source, sleeps, clock):
    xapi.lookup_names("users_by_usernames.json", *ALL_HANDLES)
    xapi.mentions("mentions_polda_page1.json", start_time=iso(NOW - timedelta(days=2)))
    xapi.mentions("error_429.json", pagination_token="7140dibdnow9c7btw4b0ftl2ig3cf1ua0x1bkgpi8lmqe")
    # The own-posts stage still runs (its own rate window): replies are matched all the same.
    xapi.own_posts("tweets_polda.json", start_time=iso(NOW - timedelta(days=2)))
    source = make_source()
    polda = account(session, "PoldaMetroJaya")

    with pytest.raises(RateLimited) as caught:
        sync_account(session, source, polda)
    session.rollback()  # what the runner does on an exception: nothing already stored is lost

    with Session(engine) as fresh:
        stored = mentions(fresh)
        assert set(stored) == {M3, M2, M1}
        assert stored[M1].answered_by == "api"  # the reply stage ran although mentions failed
        st = state(fresh, "PoldaMetroJaya")
        assert st.cursor is None  # not advanced: the missing older page is read again next time
        assert state(fresh, "PoldaMetroJaya", "replies").cursor == P1
        assert st.next_due_at == datetime(2026, 11, 26, 3, 12, tzinfo=UTC)  # x-rate-limit-reset
        assert st.last_error == "Batas laju X tercapai (429); dicoba lagi setelah 03:12 UTC"
        assert st.last_success_at is None and st.error_count == 1
        assert [r[1] for r in reads(fresh)] == [200, 200, 429, 200]
        limited = fresh.scalar(select(ApiRequest).where(ApiRequest.status_code == 429))
        assert limited.rate_limit_remaining == 0
        assert account(fresh, "PolrestroTangkot").platform_user_id == POLRES_ID  # lookup kept too
    assert sleeps == []  # never waits for the window: the account is simply held
    assert source.describe_error(caught.value).startswith("Batas laju X tercapai (429)")

    clock.advance(minutes=5)
    assert not source.is_due(session, polda, clock.now)
    assert not make_source(force=True).is_due(session, polda, clock.now)  # force never skips a hold
    clock.advance(minutes=7)
    assert source.is_due(session, polda, clock.now)


def test_401_stops_the_pass_with_a_clear_message_and_no_token_anywhere(
        registry, engine, session, xapi, make_source, caplog):
    xapi.lookup_names("error_401.json", *ALL_HANDLES)
    source = make_source()
    caplog.set_level(logging.DEBUG)

    result = run(engine, [source], NATIONAL)

    message = "Token X ditolak (401): periksa PANTAU_X_BEARER_TOKEN atau x_bearer_token di secrets.toml"
    assert result.errors == [f"x: {message}"]
    assert len(xapi.calls) == 1  # the other two accounts did not hammer X with the same bad token
    with Session(engine) as fresh:
        states = list(fresh.scalars(select(SyncState).where(SyncState.kind == "mentions")))
        assert len(states) == 3 and all(s.last_error == message for s in states)
        check = state(fresh, None, "verification")  # the lookup is held as long as the accounts
        assert check.last_error == message and check.next_due_at == NOW + timedelta(minutes=15)
        assert all(s.next_due_at is not None for s in states)
        dumped = " ".join(str(v) for row in fresh.execute(select(SyncState)) for v in row[0].__dict__.values())
        dumped += " ".join(str(r) for r in fresh.execute(select(ApiRequest.__table__)))
        dumped += " ".join(str(r) for r in fresh.execute(select(SyncRun.__table__)))
        assert "test-token" not in dumped
    assert "test-token" not in caplog.text
    assert "Bearer ***" in caplog.text  # tweepy's debug log was redacted, not silenced


def test_403_says_the_access_tier_is_too_low_and_stops_the_pass(registry, engine, session, xapi, make_source):
    resolved(session)
    xapi.mentions("error_403.json", start_time=iso(NOW - timedelta(days=2)))
    result = run(engine, [make_source()], NATIONAL)
    assert len(xapi.calls) == 1  # no own posts, no other account: the same token would fail again
    assert result.errors[0].startswith("x: Tingkat akses X tidak mencukupi (403)")
    with Session(engine) as fresh:
        held = [state(fresh, h) for h in ALL_HANDLES]
        assert all(st.last_error.startswith("Tingkat akses X") for st in held)
        assert all(st.next_due_at == NOW + timedelta(minutes=15) for st in held)


# ---------------------------------------------------------------------------- failure 1: the worker heals


def test_the_loop_worker_recovers_after_a_401_once_the_hold_expires(registry, engine, session, xapi, clock,
                                                                    sleeps, monkeypatch):
    """`python -m lib.sync --loop` builds its sources afresh each pass: a token blip costs one hold,
    not the rest of the process's life."""
    from lib import sync

    resolved(session)
    monkeypatch.setenv("PANTAU_X_BEARER_TOKEN", TOKEN)
    monkeypatch.setenv("PANTAU_DEMO_SOURCE", "0")
    real_build = XSource.from_settings
    monkeypatch.setattr(XSource, "from_settings", classmethod(
        lambda cls, settings, **kw: real_build.__func__(cls, settings, now=clock, sleep=sleeps.append, **kw)))
    passes = []

    def one_pass(seconds: float) -> None:
        passes.append(seconds)
        clock.advance(minutes=16)
        if len(passes) == 2:
            raise KeyboardInterrupt  # stop the loop after its second pass

    monkeypatch.setattr(sync.time, "sleep", one_pass)
    xapi.mentions("error_401.json", start_time=iso(NOW - timedelta(days=2)))  # pass 1: the token blips
    for user_id in (POLDA_ID, POLRES_ID, POLSEK_ID):  # pass 2, 16 minutes later: every account is read
        xapi.mentions("mentions_empty.json", user_id=user_id, start_time=iso(NOW + timedelta(minutes=16) - timedelta(days=2)))
        xapi.own_posts("tweets_empty.json", user_id=user_id)
    with pytest.raises(KeyboardInterrupt):
        sync.main(["--source", "x", "--loop"])
    assert len(passes) == 2
    with Session(engine) as fresh:
        for handle in ALL_HANDLES:
            st = state(fresh, handle)
            assert st.last_success_at == NOW + timedelta(minutes=16)
            assert st.last_error is None and st.error_count == 0


def test_503_then_success_retries_with_backoff(registry, session, xapi, make_source, sleeps):
    resolved(session)
    xapi.mentions("error_503.json", start_time=iso(NOW - timedelta(days=2)))
    xapi.mentions("mentions_polda_rerun.json", start_time=iso(NOW - timedelta(days=2)))
    xapi.fail(f"/users/{POLDA_ID}/tweets", requests.exceptions.ReadTimeout("read timed out"))
    xapi.own_posts("tweets_polda_rerun.json", start_time=iso(NOW - timedelta(days=2)))

    report = sync_account(session, make_source(), account(session, "PoldaMetroJaya"))
    session.commit()

    assert report.new_mentions == 2 and report.answered == 0
    assert sleeps == [2.0, 2.0]  # one short backoff per failure, injected (no real sleep)
    assert [(r[0], r[1]) for r in reads(session)] == [
        ("users/:id/mentions", 503), ("users/:id/mentions", 200),
        ("users/:id/tweets", None), ("users/:id/tweets", 200),
    ]
    assert state(session, "PoldaMetroJaya").last_error is None


def test_persistent_503_gives_up_on_one_account_and_the_others_sync(registry, engine, session, xapi, make_source,
                                                                    sleeps):
    resolved(session)
    account(session, "polsekbenda").active = False
    session.commit()
    for _ in range(3):
        xapi.mentions("error_503.json", start_time=iso(NOW - timedelta(days=2)))
    xapi.own_posts("tweets_empty.json", start_time=iso(NOW - timedelta(days=2)))
    xapi.mentions("mentions_empty.json", user_id=POLRES_ID)
    xapi.own_posts("tweets_empty.json", user_id=POLRES_ID)

    result = run(engine, [make_source()], NATIONAL)

    assert result.errors == ["x: Layanan X sedang bermasalah (503); dicoba lagi pada putaran berikutnya"]
    assert sleeps == [2.0, 4.0]  # bounded: two retries, then give up for this cycle
    with Session(engine) as fresh:
        failed, ok = state(fresh, "PoldaMetroJaya"), state(fresh, "PolrestroTangkot")
        assert failed.error_count == 1 and failed.last_success_at is None
        assert failed.next_due_at == NOW + timedelta(minutes=10)
        assert ok.last_error is None and ok.last_success_at == NOW
        run_row = fresh.scalar(select(SyncRun))
        assert not run_row.ok and "503" in run_row.error


def test_a_renamed_handle_is_flagged_not_silently_changed(registry, session, xapi, make_source):
    resolved(session, verification_due=True)
    xapi.lookup_ids("users_by_ids_renamed.json", POLDA_ID, POLRES_ID, POLSEK_ID)
    xapi.mentions("mentions_empty.json", start_time=iso(NOW - timedelta(days=2)))
    xapi.own_posts("tweets_empty.json", start_time=iso(NOW - timedelta(days=2)))
    source = make_source()
    polda = account(session, "PoldaMetroJaya")

    sync_account(session, source, polda)  # mentions are still read by the kept user id
    session.commit()

    assert polda.handle == "PoldaMetroJaya"
    assert polda.problem.startswith(f"{PROBLEM_RENAMED} @HumasPoldaMetro (terdaftar @PoldaMetroJaya)")
    assert polda.followers == 1240000
    polsek = account(session, "polsekbenda")
    assert polsek.problem == f"{PROBLEM_SUSPENDED}: @polsekbenda"
    assert not source.is_due(session, polsek, NOW)
    assert source.is_due(session, account(session, "PolrestroTangkot"), NOW)


def test_an_unknown_handle_is_flagged_and_skipped(registry, engine, session, xapi, make_source):
    xapi.lookup_names("users_by_usernames_one_missing.json", *ALL_HANDLES)
    xapi.mentions("mentions_empty.json", start_time=iso(NOW - timedelta(days=2)))
    xapi.own_posts("tweets_empty.json", start_time=iso(NOW - timedelta(days=2)))
    xapi.mentions("mentions_empty.json", user_id=POLRES_ID)
    xapi.own_posts("tweets_empty.json", user_id=POLRES_ID)

    result = run(engine, [make_source()], NATIONAL)

    assert result.ok  # the flagged account is skipped, not retried every pass
    with Session(engine) as fresh:
        polsek = account(fresh, "polsekbenda")
        assert polsek.platform_user_id is None
        assert polsek.problem.startswith(f"{PROBLEM_MISSING}: @polsekbenda")
        assert state(fresh, "PolrestroTangkot").last_success_at == NOW
    with Session(engine) as fresh, pytest.raises(AccountUnavailable):
        sync_account(fresh, make_source(), account(fresh, "polsekbenda"))  # in-process: a clear refusal


def test_404_on_a_timeline_flags_the_account(registry, session, xapi, make_source):
    resolved(session)
    xapi.rsps.add("GET", f"https://api.twitter.com/2/users/{POLSEK_ID}/mentions", status=404, json={
        "title": "Not Found Error", "detail": "Could not find user", "type": "about:blank", "status": 404})
    with pytest.raises(AccountUnavailable):
        sync_account(session, make_source(), account(session, "polsekbenda"))
    assert account(session, "polsekbenda").problem.startswith(PROBLEM_MISSING)


# ---------------------------------------------------------------------------- budget and schedule


def billed(session: Session, at: datetime, n: int) -> None:
    ledger.record(session, "x", [RequestCost("users/:id/mentions", 200, at=at,
                                             post_ids=tuple(str(10**12 + i) for i in range(n)))])


def test_budget_guard_stops_when_not_even_the_smallest_page_fits(registry, session, xapi, make_source):
    resolved(session)
    billed(session, datetime(2026, 10, 31, 23, 0, tzinfo=UTC), 9000)  # last month: not counted
    billed(session, NOW - timedelta(days=1), 245)
    session.commit()
    with pytest.raises(BudgetExhausted) as caught:
        sync_account(session, make_source(monthly_budget=250), account(session, "PoldaMetroJaya"))
    # 5 reads left: a mentions page of the minimum 5 posts may bring 5 authors too (10 reads).
    assert str(caught.value).startswith("Anggaran baca X bulan ini hampir habis (245 dari 250)")
    assert xapi.calls == []
    xapi.rsps.reset()


def test_a_small_budget_sizes_each_request_to_what_is_left(registry, session, xapi, make_source):
    """Failure 2: a budget of 150 used to read nothing (a worst-case page of 200 was reserved)."""
    xapi.lookup_names("users_by_usernames.json", *ALL_HANDLES)
    # 150 - 3 users looked up = 147 left; a mentions page costs a post and an author each: 73.
    xapi.mentions("mentions_polda_page1.json", max_results="73", start_time=iso(NOW - timedelta(days=2)))
    # Page one billed 3 posts + 3 authors: (147 - 6) // 2 = 70.
    xapi.mentions("mentions_polda_page2.json", max_results="70",
                  pagination_token="7140dibdnow9c7btw4b0ftl2ig3cf1ua0x1bkgpi8lmqe")
    xapi.own_posts("tweets_polda.json", start_time=iso(NOW - timedelta(days=2)))
    report = sync_account(session, make_source(monthly_budget=150), account(session, "PoldaMetroJaya"))
    session.commit()
    assert report.new_mentions == 5 and report.answered == 2
    assert ledger.billed_this_month(session, "x", NOW) == 3 + 6 + 3 + 3


def test_budget_guard_stops_between_pages_and_keeps_the_first(registry, engine, session, xapi, make_source):
    xapi.lookup_names("users_by_usernames.json", *ALL_HANDLES)
    xapi.mentions("mentions_polda_page1.json", max_results="7", start_time=iso(NOW - timedelta(days=2)))
    # 18 - 3 looked up = 15 left: a page of 7; after page one (6 reads) 9 are left, under a minimum page.
    with pytest.raises(BudgetExhausted):
        sync_account(session, make_source(monthly_budget=18), account(session, "PoldaMetroJaya"))
    with Session(engine) as fresh:
        assert set(mentions(fresh)) == {M1, M2, M3}
        assert state(fresh, "PoldaMetroJaya").cursor is None


def test_intervals_by_level_and_per_account(registry, session, make_source, clock):
    source = make_source()
    polda, polsek = account(session, "PoldaMetroJaya"), account(session, "polsekbenda")
    assert source.interval(session, polda) == timedelta(minutes=10)
    assert source.interval(session, polsek) == timedelta(hours=1)
    polsek.sync_interval_seconds = 120
    assert source.interval(session, polsek) == timedelta(minutes=2)

    st = state(session, "PoldaMetroJaya")
    st.next_due_at = NOW + timedelta(minutes=10)  # after a successful sync
    assert not source.is_due(session, polda, NOW)
    assert make_source(force=True).is_due(session, polda, NOW)  # "Sinkronkan X sekarang"
    clock.advance(minutes=10)
    assert source.is_due(session, polda, clock.now)


def test_snowflake_ids():
    assert snowflake_time(M3) == datetime(2026, 11, 26, 2, 10, 17, tzinfo=UTC)
    assert snowflake_time(snowflake_at(NOW)) == NOW


def test_a_client_that_sleeps_on_rate_limits_is_refused():
    with pytest.raises(ValueError):
        XSource(tweepy.Client(bearer_token=TOKEN, wait_on_rate_limit=True))


def test_enabled_sources_and_cli(engine: Engine, monkeypatch, capsys):
    from lib.config import load_settings
    from lib.sync import enabled_sources, main

    assert [s.name for s in enabled_sources(load_settings())] == []
    assert main(["--source", "x"]) == 2
    assert "PANTAU_X_BEARER_TOKEN" in capsys.readouterr().err

    monkeypatch.setenv("PANTAU_X_BEARER_TOKEN", TOKEN)
    monkeypatch.setenv("PANTAU_X_MONTHLY_READ_BUDGET", "1234")
    (source,) = enabled_sources(load_settings())
    assert isinstance(source, XSource) and source.monthly_budget == 1234
    assert source.client.wait_on_rate_limit is False
    assert TOKEN not in repr(vars(source))
