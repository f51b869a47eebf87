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

from lib import accounts, issues, metrics, watch
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


# The command room's watch figures (lib/watch.py): one meaning of "N hari" (local calendar days,
# today included) for the figures, the trend and last week's comparison.

@st.cache_data(ttl=TTL, show_spinner=False, max_entries=200)
def watch_board(url: str, scope: Scope, sla: SlaPolicy | int, days: int, version: Version,
                polsek_limit: int = 25) -> tuple[metrics.Dashboard, watch.WeekAgo, dict[str, int]]:
    """The dashboard over the calendar period, last week's side of each figure, and the backlog by
    the level of the account addressed."""
    with session_scope(get_engine(url)) as s:
        period = watch.calendar_period(s, scope, days)
        board = metrics.dashboard(s, scope, sla, days, polsek_limit=polsek_limit, period=period, now=period.until)
        return board, watch.week_ago(s, scope, sla, period, days), watch.unanswered_by_account_level(s, scope, board)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=200)
def burning(url: str, scope: Scope, version: Version) -> watch.Burning:
    with session_scope(get_engine(url)) as s:
        return watch.burning(s, scope)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=200)
def alerts(url: str, scope: Scope, sla: SlaPolicy | int, version: Version, limit: int) -> pd.DataFrame:
    with session_scope(get_engine(url)) as s:
        return watch.unhandled_alerts(s, scope, sla, limit)


@st.cache_data(ttl=timedelta(minutes=10), show_spinner=False, max_entries=200)
def unit_coordinates(url: str, scope: Scope) -> pd.DataFrame:
    """The map's coordinates (the registry's, rarely changed); the points come from the dashboard."""
    with session_scope(get_engine(url)) as s:
        return watch.unit_coordinates(s, scope)


@st.cache_data(ttl=timedelta(minutes=10), show_spinner=False, max_entries=200)
def scope_zone(url: str, scope: Scope) -> str:
    with session_scope(get_engine(url)) as s:
        return watch.scope_zone(s, scope)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=200)
def top_issues(url: str, scope: Scope, version: Version, days: int = 7) -> pd.DataFrame:
    """Open negative issues of the last `days` days in scope, largest first (the wall's issue panel)."""
    with session_scope(get_engine(url)) as s:
        return issues.list_issues(s, scope, utcnow() - timedelta(days=days), status="terbuka")


@st.cache_data(ttl=timedelta(minutes=5), show_spinner=False, max_entries=200)
def verification(url: str, scope: Scope, level: str) -> pd.DataFrame:
    """Share of units meeting the verified-account mandate per unit at `level` (the wall's panel)."""
    with session_scope(get_engine(url)) as s:
        return accounts.compliance_rollup(s, scope, level)


@st.cache_data(ttl=timedelta(minutes=10), show_spinner=False, max_entries=200)
def scope_level(url: str, scope: Scope) -> str:
    """"mabes", "polda", "polres" or "polsek" of the scope's root ("mabes" nationally)."""
    with session_scope(get_engine(url)) as s:
        return watch.scope_level(s, scope)
