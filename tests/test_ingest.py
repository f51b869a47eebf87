"""The store step: idempotent inserts, analysis on store, reply matching, request costs."""

from __future__ import annotations

from sqlalchemy import func, select

from lib.ingest import apply_replies, store_batch
from lib.models import ApiRequest, Mention
from lib.sources.base import Batch, MentionRecord, ReplyRecord, RequestCost
from tests.conftest import NOW
from tests.helpers import account, add_mentions, minutes


def test_storing_twice_never_duplicates(registry, session):
    add_mentions(session, "polsekciledug", [("x1", "halo pak", NOW), ("x2", "halo lagi", NOW)])
    add_mentions(session, "polsekciledug", [("x1", "halo pak", NOW), ("x3", "baru", NOW)])
    assert session.scalar(select(func.count(Mention.id))) == 3


def test_analysis_runs_on_store(registry, session):
    m = add_mentions(session, "polsekciledug", [("x1", "tolong ada begal di jalan raya ciledug", NOW)])[0]
    assert m.sentiment == "negative"
    assert "urgent" in m.flag_set and m.function == "Reskrim"


def test_reply_marks_first_response_exactly(registry, session):
    m = add_mentions(session, "polsekciledug", [("x1", "lapor pak", NOW - minutes(50))],
                     replies=[("x1", NOW - minutes(20))])[0]
    assert m.answered_at == NOW - minutes(20) and m.answered_by == "api"
    # A later reply to the same mention does not move the first response time.
    apply_replies(session, account(session, "polsekciledug"), [ReplyRecord("late", NOW, replied_to_id="x1")])
    session.commit()
    assert session.get(Mention, m.id, populate_existing=True).answered_at == NOW - minutes(20)


def test_reply_in_thread_is_the_weaker_signal(registry, session):
    acc = account(session, "polsekciledug")
    rec = MentionRecord("t1", "min tolong", NOW - minutes(30), author_id="42", conversation_id="c1")
    store_batch(session, "test", acc, Batch(mentions=[rec]))
    apply_replies(session, acc, [ReplyRecord("r9", NOW, conversation_id="c1", in_reply_to_user_id="42")])
    session.commit()
    m = session.scalar(select(Mention).where(Mention.external_id == "t1"))
    assert (m.answered_by, m.answered_at) == ("api-thread", NOW)


def test_reply_before_mention_is_ignored(registry, session):
    m = add_mentions(session, "polsekciledug", [("x1", "halo", NOW)], replies=[("x1", NOW - minutes(5))])[0]
    assert m.answered_at is None


def test_request_costs_are_recorded(registry, session):
    acc = account(session, "polsekciledug")
    store_batch(session, "x", acc, Batch(requests=[RequestCost("mentions", 200, posts_read=7)]))
    session.commit()
    assert session.scalar(select(ApiRequest.posts_read)) == 7


def test_store_counts_new_and_duplicate_mentions(registry, session):
    from lib.ingest import store_mentions

    acc = account(session, "polsekciledug")
    first = [MentionRecord("d1", "halo", NOW), MentionRecord("d2", "halo", NOW), MentionRecord("d1", "sama", NOW)]
    assert store_mentions(session, acc, first) == (2, 1)  # a repeat inside the batch is a duplicate too
    again = [MentionRecord("d2", "halo", NOW), MentionRecord("d3", "baru", NOW), MentionRecord("d4", "baru", NOW)]
    assert store_mentions(session, acc, again) == (2, 1)
    assert store_mentions(session, acc, [MentionRecord("d3", "lagi", NOW)]) == (0, 1)
    assert store_mentions(session, acc, []) == (0, 0)
    session.commit()
    stored = dict(session.execute(select(Mention.external_id, Mention.text)
                                  .where(Mention.external_id.like("d%"))).all())
    assert stored == {"d1": "halo", "d2": "halo", "d3": "baru", "d4": "baru"}  # the first copy is kept
