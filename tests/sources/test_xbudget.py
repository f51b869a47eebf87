"""Budget and status queries behind the X admin page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from x_recorded import NOW

from lib import ingest, ledger, xbudget
from lib.config import load_settings
from lib.models import Account, ApiRequest
from lib.scope import NATIONAL, scope_for_unit
from lib.sources.base import RequestCost


def cost(at: datetime, posts: range = range(0), users: range = range(0)) -> RequestCost:
    return RequestCost("users/:id/mentions", 200, at=at, post_ids=tuple(f"p{i}" for i in posts),
                       user_ids=tuple(f"u{i}" for i in users))


def test_reads_are_billed_once_per_utc_day_and_month(session):
    assert ledger.record(session, "x", [cost(NOW, range(40), range(12)),
                                        cost(NOW + timedelta(minutes=5), range(30, 45), range(12))]) == 57
    # The same posts again the same UTC day: nothing new is billed; the next day they are again.
    assert ledger.record(session, "x", [cost(NOW + timedelta(hours=1), range(45))]) == 0
    assert ledger.record(session, "x", [cost(datetime(2026, 11, 1, 0, 0, tzinfo=UTC), users=range(3))]) == 3
    assert ledger.record(session, "x", [cost(datetime(2026, 10, 31, 23, 59, tzinfo=UTC), users=range(99))]) == 99
    assert ledger.record(session, "demo", [cost(NOW, range(500))]) == 500
    session.flush()
    assert xbudget.reads_this_month(session, NOW) == 60
    # 1 Dec 06:00 WIB is still November in UTC.
    assert xbudget.reads_this_month(session, datetime(2026, 11, 30, 23, 0, tzinfo=UTC)) == 60
    assert xbudget.reads_this_month(session, datetime(2026, 12, 1, 0, 0, tzinfo=UTC)) == 0


def test_budget_status_projects_the_month_in_reads_and_money(session, monkeypatch):
    monkeypatch.setenv("PANTAU_X_MONTHLY_READ_BUDGET", "100")
    monkeypatch.setenv("PANTAU_X_PRICE_PER_POST_READ", "0.005")
    monkeypatch.setenv("PANTAU_X_PRICE_PER_USER_READ", "0.01")
    session.add(ApiRequest(at=NOW, source="x", endpoint="users/:id/mentions", posts_read=80, users_read=40))
    ledger.record(session, "x", [cost(NOW, range(80), range(40))])
    session.flush()
    status = xbudget.budget_status(session, load_settings(), NOW)
    assert (status.used, status.budget, status.remaining, status.share, status.requests) == (120, 100, 0, 1.0, 1)
    projection = status.projection
    assert projection.spent == 80 * 0.005 + 40 * 0.01
    # 26 Nov 03:00 UTC: 25 days and 3 hours of a 30-day month have passed.
    factor = 30 * 24 / (25 * 24 + 3)
    assert projection.projected == round(120 * factor)
    assert abs(projection.projected_spend - 0.8 * factor) < 1e-9


def test_a_bad_price_is_a_clear_message(monkeypatch):
    monkeypatch.setenv("PANTAU_X_PRICE_PER_POST_READ", "lima sen")
    with pytest.raises(RuntimeError, match="PANTAU_X_PRICE_PER_POST_READ harus angka"):
        load_settings()


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
