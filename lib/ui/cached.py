"""Cached reads for the views, keyed on scope, period, SLA policy and the data version.

`data_version` (newest sync run id, newest audit id) changes on every sync that stores data and on
every status change, so an admin sees his own change at once; the short TTL bounds how stale the
time-dependent figures ("today", "overdue") can get when nothing changes. A wall display
re-rendering every minute therefore hits the database about once per TTL, not once per render.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from lib import metrics
from lib.db import get_engine, session_scope
from lib.mentions import MentionFilter, list_mentions
from lib.metrics import Period, SlaPolicy
from lib.models import utcnow
from lib.scope import Scope

TTL = timedelta(seconds=30)
Version = tuple[int, int]


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=200)
def overview(url: str, scope: Scope, sla: SlaPolicy | int, period_days: int, version: Version) -> metrics.Overview:
    with session_scope(get_engine(url)) as s:
        return metrics.overview(s, scope, sla, period_days)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=200)
def dashboard(url: str, scope: Scope, sla: SlaPolicy | int, period_days: int, version: Version,
              polsek_limit: int = 25) -> metrics.Dashboard:
    """Overview, league table and Polsek backlog in one pass (what the overview and unit pages show)."""
    with session_scope(get_engine(url)) as s:
        return metrics.dashboard(s, scope, sla, period_days, polsek_limit=polsek_limit)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=200)
def league(url: str, scope: Scope, sla: SlaPolicy | int, period_days: int, level: str,
           version: Version) -> pd.DataFrame:
    now = utcnow()
    with session_scope(get_engine(url)) as s:
        return metrics.league(s, scope, sla, Period.last_days(period_days, now), level, now)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=200)
def trend(url: str, scope: Scope, sla: SlaPolicy | int, days: int, version: Version) -> pd.DataFrame:
    with session_scope(get_engine(url)) as s:
        return metrics.daily_trend(s, scope, sla, days)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=200)
def unanswered_by_polsek(url: str, scope: Scope, sla: SlaPolicy | int, version: Version, limit: int) -> pd.DataFrame:
    with session_scope(get_engine(url)) as s:
        return metrics.unanswered_by_polsek(s, scope, sla, limit=limit)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=200)
def newest_negative(url: str, scope: Scope, sla: SlaPolicy | int, version: Version, limit: int) -> pd.DataFrame:
    flt = MentionFilter(sentiments=["negative"], since=utcnow() - timedelta(days=7))
    sla_minutes = SlaPolicy.of(sla).first_response_minutes
    with session_scope(get_engine(url)) as s:
        return list_mentions(s, scope, flt, sla_minutes, limit=limit)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=200)
def open_items(url: str, scope: Scope, sla: SlaPolicy | int, version: Version, limit: int) -> pd.DataFrame:
    """The scope's unanswered open mentions, oldest first (the drill-down under a league row)."""
    flt = MentionFilter(unanswered_only=True, order="oldest_unanswered")
    sla_minutes = SlaPolicy.of(sla).first_response_minutes
    with session_scope(get_engine(url)) as s:
        return list_mentions(s, scope, flt, sla_minutes, limit=limit)
