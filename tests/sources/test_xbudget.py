"""Budget and status queries behind the X admin page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from x_recorded import NOW

from lib import ingest, xbudget
from lib.config import load_settings
from lib.models import Account, ApiRequest
from lib.scope import NATIONAL, scope_for_unit


def test_reads_count_this_utc_month_only(session):
    session.add_all([
        ApiRequest(at=datetime(2026, 11, 1, 0, 0, tzinfo=UTC), source="x", endpoint="users/by", users_read=3),
        ApiRequest(at=NOW, source="x", endpoint="users/:id/mentions", posts_read=40, users_read=12),
        ApiRequest(at=datetime(2026, 10, 31, 23, 59, tzinfo=UTC), source="x", endpoint="users/by", users_read=99),
        ApiRequest(at=NOW, source="demo", endpoint="x", posts_read=500),
    ])
    session.flush()
    assert xbudget.reads_this_month(session, NOW) == 55
    # 1 Dec 06:00 WIB is still November in UTC.
    assert xbudget.reads_this_month(session, datetime(2026, 11, 30, 23, 0, tzinfo=UTC)) == 55
    assert xbudget.reads_this_month(session, datetime(2026, 12, 1, 0, 0, tzinfo=UTC)) == 0


def test_budget_status(session, monkeypatch):
    monkeypatch.setenv("PANTAU_X_MONTHLY_READ_BUDGET", "100")
    session.add(ApiRequest(at=NOW, source="x", endpoint="users/:id/mentions", posts_read=80, users_read=40))
    session.flush()
    status = xbudget.budget_status(session, load_settings(), NOW)
    assert (status.used, status.budget, status.remaining, status.share, status.requests) == (120, 100, 0, 1.0, 1)


def test_account_status_respects_scope(registry, session):
    polres = session.scalar(select(Account).where(Account.handle == "PolrestroTangkot"))
    state = ingest.sync_state(session, "x", polres.id)
    state.last_success_at, state.next_due_at = NOW, NOW + timedelta(minutes=30)
    session.flush()
    national = xbudget.account_status(session, NATIONAL)
    assert list(national["handle"]) == ["PoldaMetroJaya", "PolrestroTangkot", "polsekbenda"]
    local = xbudget.account_status(session, scope_for_unit(session, polres.unit_id))
    assert list(local["handle"]) == ["PolrestroTangkot", "polsekbenda"]
    row = local.iloc[0]
    assert row["last_sync"] == NOW and row["next_allowed"] == NOW + timedelta(minutes=30)
