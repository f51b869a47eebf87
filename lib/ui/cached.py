"""Cached reads for the views, keyed on scope, period and the data version (so a status change or a
sync shows at once, and a wall display re-rendering every minute hits the database rarely)."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from lib import metrics
from lib.db import get_engine, session_scope
from lib.mentions import MentionFilter, list_mentions
from lib.models import utcnow
from lib.scope import Scope

TTL = timedelta(seconds=30)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=200)
def overview(url: str, scope: Scope, sla: int, period_days: int, version: tuple[int, int]) -> metrics.Overview:
    with session_scope(get_engine(url)) as s:
        return metrics.overview(s, scope, sla, period_days)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=200)
def unanswered_by_polsek(url: str, scope: Scope, sla: int, version: tuple[int, int], limit: int) -> pd.DataFrame:
    with session_scope(get_engine(url)) as s:
        return metrics.unanswered_by_polsek(s, scope, sla, limit=limit)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=200)
def newest_negative(url: str, scope: Scope, sla: int, version: tuple[int, int], limit: int) -> pd.DataFrame:
    flt = MentionFilter(sentiments=["negative"], since=utcnow() - timedelta(days=7))
    with session_scope(get_engine(url)) as s:
        return list_mentions(s, scope, flt, sla, limit=limit)
