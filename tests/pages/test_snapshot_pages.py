"""Ringkasan compares with the sync worker's stored snapshot of a week ago when there is one
(lib/snapshots.py) and says so in its caption; without one it reconstructs, as before."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from lib.db import session_scope
from lib.models import HeadlineSnapshot, utcnow
from tests.pages.test_views import data, metric_values, page  # noqa: F401 (the fixture)


def snapshot(**figures) -> HeadlineSnapshot:
    base = dict(scope_key="national", days=7, policy_key="60/1440", taken_at=utcnow() - timedelta(days=7, seconds=1),
                mentions_today=0, unanswered=0, overdue=0, period_mentions=0, period_negative=0,
                within_sla_share=None, median_minutes=None, urgent_unanswered=0, complaints_24h=0,
                hoax_hate_24h=0)
    return HeadlineSnapshot(**(base | figures))


def captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def test_overview_reads_last_weeks_side_from_the_snapshot(data):  # noqa: F811
    at = page("ringkasan").run()
    assert not at.exception
    assert "tercatat pukul" not in captions(at)
    before = {m.label: m.delta for m in at.metric}
    assert before["Belum dijawab"] is None or "minggu lalu" in before["Belum dijawab"]
    with session_scope(data) as s:
        s.add(snapshot(unanswered=6, overdue=2, period_mentions=8, period_negative=4))
    st.cache_data.clear()  # in production the snapshot was stored a week before the page's cache
    at = page("ringkasan").run()
    assert not at.exception
    assert "tercatat pukul" in captions(at)  # "... minggu lalu (tercatat pukul 16:30 WIB)"
    deltas = {m.label: m.delta for m in at.metric}
    assert metric_values(at)["Belum dijawab"] == "3"
    assert deltas["Belum dijawab"].startswith("−50%")  # 3 now against the snapshot's 6
    assert deltas["Lewat SLA"].startswith("0%")  # 2 against 2
