"""lib: the inbox's review filter ("perlu ditinjau") and its threshold setting."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from lib.config import load_settings
from lib.mentions import MentionFilter, count_mentions, list_mentions
from lib.models import Mention
from lib.scope import NATIONAL
from tests.helpers import add_mention


def test_review_filter_keeps_only_unsure_analyses(session, registry):
    sure = add_mention(session, "POLSEK-CILEDUG", "yakin", minutes_ago=5)
    unsure = add_mention(session, "POLSEK-CILEDUG", "ragu", minutes_ago=6)
    session.execute(update(Mention).where(Mention.id == sure.id).values(sentiment_score=0.95))
    session.execute(update(Mention).where(Mention.id == unsure.id).values(sentiment_score=0.41))
    session.commit()
    flt = MentionFilter(review_below=0.6)
    assert count_mentions(session, NATIONAL, flt) == 1
    frame = list_mentions(session, NATIONAL, flt, 60)
    assert frame["id"].tolist() == [unsure.id] and frame["sentiment_score"].tolist() == [pytest.approx(0.41)]
    assert count_mentions(session, NATIONAL, MentionFilter()) == 2


def test_review_threshold_setting(monkeypatch):
    monkeypatch.delenv("PANTAU_REVIEW_THRESHOLD", raising=False)
    assert load_settings().review_threshold == 0.6
    monkeypatch.setenv("PANTAU_REVIEW_THRESHOLD", "0.75")
    assert load_settings().review_threshold == 0.75
    monkeypatch.setenv("PANTAU_REVIEW_THRESHOLD", "tinggi")
    with pytest.raises(RuntimeError, match="PANTAU_REVIEW_THRESHOLD"):
        load_settings()
