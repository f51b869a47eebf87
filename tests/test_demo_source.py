"""The demo source: back-fill, deterministic text, new mentions on refresh, replies over time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lib import sync
from lib.models import Mention
from lib.sources.demo import BACKFILL, DemoSource
from tests.conftest import NOW
from tests.helpers import account


def test_first_sync_backfills_and_is_deterministic(registry, session):
    acc = account(session, "PoldaMetroJaya")
    a = DemoSource(now=NOW).fetch(session, acc, None)
    b = DemoSource(now=NOW).fetch(session, acc, None)
    assert [m.external_id for m in a.mentions] == [m.external_id for m in b.mentions]
    assert len(a.mentions) > 50
    assert min(m.created_at for m in a.mentions) >= NOW - BACKFILL
    assert all("@PoldaMetroJaya" in m.text or "PoldaMetroJaya" in m.text for m in a.mentions)


def test_refresh_adds_new_mentions_and_replies(registry, session):
    acc = account(session, "PoldaMetroJaya")
    sync.sync_account(session, DemoSource(now=NOW), acc)
    session.commit()
    first = session.scalar(select(func.count(Mention.id)))
    answered_before = session.scalar(select(func.count(Mention.id)).where(Mention.answered_at.is_not(None)))
    sync.sync_account(session, DemoSource(now=NOW + timedelta(hours=6)), acc)
    session.commit()
    assert session.scalar(select(func.count(Mention.id))) > first
    answered_after = session.scalar(select(func.count(Mention.id)).where(Mention.answered_at.is_not(None)))
    assert answered_after > answered_before
    # Replies never come before the mention.
    bad = session.scalar(select(func.count(Mention.id)).where(Mention.answered_at < Mention.created_at))
    assert bad == 0


def test_instagram_and_facebook_accounts_get_comments_and_replies(registry, session):
    """The wall shows every platform: Meta accounts get comments (no @handle), answered over time."""
    for handle, platform in (("polrestrotangerangkota", "instagram"), ("polsekbpputara", "facebook")):
        acc = account(session, handle)
        assert acc.platform == platform
        batch = DemoSource(now=NOW, rate_scale=3.0).fetch(session, acc, None)
        assert batch.mentions and batch.replies
        assert all(f"@{handle}" not in m.text for m in batch.mentions)
        assert all(m.url and handle in m.url for m in batch.mentions)
