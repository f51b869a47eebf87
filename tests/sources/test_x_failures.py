"""Issue 14's numbered failures of a long-running X worker, each replayed through a real
tweepy.Client against recorded responses (failure 1, the worker that never recovered from a 401,
is in test_x.py next to the other token tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from test_x import ALL_HANDLES, account, mentions, reads, resolved, state
from x_recorded import M3, M5, NOW, POLDA_ID, POLSEK_ID, XApi, iso

from lib import ledger
from lib.models import Account, Mention
from lib.scope import NATIONAL
from lib.sources.x import PROBLEM_MISSING, PROBLEM_SUSPENDED, snowflake_time
from lib.sync import run, sync_account

M7, M8, M9, M10 = "2125781657842614279", "2125782161159094280", "2125782664475574281", "2125783167792054282"


def only(session: Session, handle: str) -> Account:
    """Leave one X account active (the others would be read in the same pass)."""
    for other in ALL_HANDLES:
        account(session, other).active = other == handle
    session.commit()
    return account(session, handle)


# ---------------------------------------------------------------------------- failure 2: the bill


def test_an_idle_poll_asks_from_the_newest_stored_id_and_bills_nothing(registry, session, xapi: XApi,
                                                                       make_source, clock):
    resolved(session)
    polda = account(session, "PoldaMetroJaya")
    state(session, "PoldaMetroJaya").cursor = M3
    state(session, "PoldaMetroJaya", "replies").cursor = M3
    session.commit()
    source = make_source()
    for _ in range(3):  # three idle polls: no overlap re-read, nothing billed
        xapi.mentions("mentions_empty.json", since_id=M3)
        xapi.own_posts("tweets_empty.json", since_id=M3)
        sync_account(session, source, polda)
        session.commit()
        clock.advance(minutes=10)
    assert ledger.billed_this_month(session, "x", NOW) == 0
    assert len(reads(session)) == 6


def test_the_same_post_returned_twice_a_day_is_billed_once(registry, session, xapi, make_source, clock):
    resolved(session)
    polda = account(session, "PoldaMetroJaya")
    xapi.mentions("mentions_polda_rerun.json", start_time=iso(NOW - timedelta(days=2)))
    xapi.own_posts("tweets_empty.json", start_time=iso(NOW - timedelta(days=2)))
    sync_account(session, make_source(), polda)
    session.commit()
    first = ledger.billed_this_month(session, "x", NOW)
    assert first == 2 + 2  # two posts, their two authors
    # Re-read the same page later that UTC day (as after a lost cursor): X does not bill it again.
    state(session, "PoldaMetroJaya").cursor = None
    session.commit()
    clock.advance(minutes=30)
    xapi.mentions("mentions_polda_rerun.json", start_time=iso(clock.now - timedelta(days=2)))
    xapi.own_posts("tweets_empty.json")
    sync_account(session, make_source(), polda)
    session.commit()
    assert ledger.billed_this_month(session, "x", NOW) == first
    # ApiRequest still says what each response carried (for rate and request figures).
    assert sum(r[2] + r[3] for r in reads(session)) == 2 * first


# ---------------------------------------------------------------------------- failure 3: malformed posts


def test_malformed_posts_never_block_the_cursor_or_the_replies(registry, engine, session, xapi, make_source, caplog):
    resolved(session)
    polda = account(session, "PoldaMetroJaya")
    state(session, "PoldaMetroJaya").cursor = M3
    session.commit()
    xapi.mentions("mentions_polda_malformed.json", since_id=M3)
    xapi.own_posts("tweets_polda.json", start_time=iso(NOW - timedelta(days=2)))

    report = sync_account(session, make_source(), polda)
    session.commit()

    stored = mentions(session)
    assert set(stored) == {M7, M9, M10} and report.new_mentions == 3
    assert stored[M7].created_at == snowflake_time(M7)  # no created_at: the id's snowflake time
    assert stored[M9].author_handle is None and stored[M9].author_name == "Tanpa Nama Pengguna"
    assert stored[M10].author_handle == "waspada_penipuan"
    assert state(session, "PoldaMetroJaya").cursor == M10  # moves past the unreadable post M8 too
    assert state(session, "PoldaMetroJaya", "replies").cursor is not None  # the replies stage ran
    assert state(session, "PoldaMetroJaya").last_error is None
    assert f"Kiriman X {M8} tidak terbaca" in state(session, "PoldaMetroJaya").last_warning
    assert M8 in caplog.text


def test_tweepys_own_recorded_mentions_page_is_stored_whole(registry, session, xapi, make_source):
    """tweepy's recording has no fields requested (no created_at, no author): 10 of 10 stored."""
    resolved(session)
    polda = account(session, "PoldaMetroJaya")
    polda.platform_user_id = "783214"
    session.commit()
    xapi.mentions("mentions_tweepy_cassette.json", user_id="783214", start_time=iso(NOW - timedelta(days=2)))
    xapi.mentions("mentions_empty.json", user_id="783214", pagination_token="7140dibdnow9c7btw423i3sy3u5zupmkcpofxcsmxj48j")
    xapi.own_posts("tweets_empty.json", user_id="783214")

    report = sync_account(session, make_source(), polda)
    session.commit()

    assert report.new_mentions == 10
    stored = mentions(session)
    assert stored["1578516295611748353"].created_at == datetime(2022, 10, 7, 22, 43, 6, 945000, tzinfo=UTC)  # recorded at 22:43:18
    assert state(session, "PoldaMetroJaya").cursor == "1578516295611748353"


# ---------------------------------------------------------------------------- failure 5: the quiet failures


def test_a_lone_flagged_account_is_rechecked_on_its_own_schedule(registry, engine, session, xapi, make_source, clock):
    resolved(session)  # verification not due for another 12 hours
    polsek = only(session, "polsekbenda")
    polsek.problem = f"{PROBLEM_MISSING} (404): @polsekbenda mungkin berganti nama atau dihapus"
    polsek.last_checked_at = NOW - timedelta(hours=2)
    session.commit()

    assert run(engine, [make_source()], NATIONAL).ok  # checked 2 h ago: nothing asked yet
    assert xapi.calls == []

    clock.advance(hours=5)  # 7 h since the flag: looked up again, on its own
    xapi.lookup_ids("users_by_ids_polsek.json", POLSEK_ID)
    xapi.mentions("mentions_empty.json", user_id=POLSEK_ID)
    xapi.own_posts("tweets_empty.json", user_id=POLSEK_ID)
    assert run(engine, [make_source()], NATIONAL).ok
    with Session(engine) as fresh:
        polsek = account(fresh, "polsekbenda")
        assert polsek.problem is None and polsek.last_checked_at == clock.now
        assert state(fresh, "polsekbenda").last_success_at == clock.now


def test_a_timeline_answering_only_errors_is_a_failure_not_an_empty_sync(registry, engine, session, xapi,
                                                                         make_source):
    resolved(session)
    only(session, "polsekbenda")
    xapi.mentions("mentions_errors_only_suspended.json", user_id=POLSEK_ID)
    result = run(engine, [make_source()], NATIONAL)
    assert not result.ok
    with Session(engine) as fresh:
        polsek = account(fresh, "polsekbenda")
        assert polsek.problem.startswith(f"{PROBLEM_SUSPENDED}: @polsekbenda")
        assert "User has been suspended" in polsek.problem
        st = state(fresh, "polsekbenda")
        assert st.last_success_at is None and st.error_count == 1

    polda = only(session, "PoldaMetroJaya")
    xapi.mentions("mentions_errors_only.json", start_time=iso(NOW - timedelta(days=2)))
    xapi.own_posts("tweets_empty.json")
    result = run(engine, [make_source()], NATIONAL)
    assert result.errors == ["x: X menjawab dengan galat tanpa data: Operation Failed: "
                             "The timeline could not be loaded right now."]
    with Session(engine) as fresh:
        st = state(fresh, polda.handle)
        assert st.cursor is None and st.last_success_at is None
    assert xapi.calls[-1].startswith(f"https://api.twitter.com/2/users/{POLDA_ID}/tweets")  # own posts still read


def test_partial_errors_are_recorded_and_missing_authors_filled_in_later(registry, session, xapi, make_source, clock):
    from test_x import first_run

    first_run(xapi)
    polda = account(session, "PoldaMetroJaya")
    source = make_source()
    sync_account(session, source, polda)
    session.commit()
    assert mentions(session)[M5].author_handle is None  # the author's expansion failed on that page
    assert "Could not find user with author_id" in state(session, "PoldaMetroJaya").last_warning
    assert state(session, "PoldaMetroJaya").last_error is None

    clock.advance(minutes=11)
    newest = state(session, "PoldaMetroJaya").cursor
    xapi.mentions("mentions_polda_malformed.json", since_id=newest)
    xapi.own_posts("tweets_empty.json", since_id=state(session, "PoldaMetroJaya", "replies").cursor)
    sync_account(session, source, polda)
    session.commit()
    m5 = session.scalar(select(Mention).where(Mention.external_id == M5).execution_options(populate_existing=True))
    assert (m5.author_handle, m5.author_name) == ("waspada_penipuan", "Waspada Penipuan")
