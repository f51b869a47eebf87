"""What the X source has spent and where each X account stands: the figures behind the admin page.

Reads are counted from `ApiRequest` rows (one per HTTP request the X source made, failures
included), per UTC calendar month, because X caps or bills reads per month. The count is an upper
bound of what X bills: pay-per-use bills each resource at most once per UTC day, and we count every
time a post or user came back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from lib.config import Settings
from lib.models import Account, ApiRequest, SyncRun, SyncState, Unit, utcnow
from lib.scope import Scope

SOURCE = "x"
TOKEN_ENV = "PANTAU_X_BEARER_TOKEN"
TOKEN_SECRET_KEY = "x_bearer_token"


def x_enabled(settings: Settings) -> bool:
    """The X source is on exactly when a bearer token is configured (its value is never shown)."""
    return bool(settings.x_bearer_token)


def month_start(now: datetime) -> datetime:
    """Start of the UTC calendar month containing `now`."""
    now = now.astimezone(UTC)
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def reads_this_month(session: Session, now: datetime | None = None) -> int:
    """Posts plus users returned to the X source since the start of this UTC month."""
    start = month_start(now or utcnow())
    total = session.scalar(
        select(func.coalesce(func.sum(ApiRequest.posts_read + ApiRequest.users_read), 0))
        .where(ApiRequest.source == SOURCE, ApiRequest.at >= start)
    )
    return int(total or 0)


def requests_this_month(session: Session, now: datetime | None = None) -> int:
    start = month_start(now or utcnow())
    return int(session.scalar(
        select(func.count(ApiRequest.id)).where(ApiRequest.source == SOURCE, ApiRequest.at >= start)
    ) or 0)


@dataclass(frozen=True)
class BudgetStatus:
    used: int
    budget: int
    requests: int

    @property
    def remaining(self) -> int:
        return max(self.budget - self.used, 0)

    @property
    def share(self) -> float:
        """Fraction of the budget spent, clipped to 0..1 (for a progress bar)."""
        return min(self.used / self.budget, 1.0) if self.budget > 0 else 1.0


def budget_status(session: Session, settings: Settings, now: datetime | None = None) -> BudgetStatus:
    return BudgetStatus(used=reads_this_month(session, now), budget=settings.x_monthly_read_budget,
                        requests=requests_this_month(session, now))


ACCOUNT_COLUMNS = ["account_id", "handle", "unit", "level", "user_id", "verified_type", "followers",
                   "last_sync", "next_allowed", "last_error", "problem"]


def account_status(session: Session, scope: Scope) -> pd.DataFrame:
    """One row per active X account in scope: ids, last good sync, next allowed sync, errors, flags."""
    state = select(SyncState).where(SyncState.source == SOURCE, SyncState.kind == "mentions").subquery()
    rows = session.execute(
        select(Account, Unit.name, Unit.level, state.c.last_success_at, state.c.next_due_at, state.c.last_error)
        .join(Unit, Unit.id == Account.unit_id)
        .outerjoin(state, state.c.account_id == Account.id)
        .where(Account.platform == "x", Account.active, scope.unit_clause())
        .order_by(Unit.path, Account.handle)
    ).all()
    return pd.DataFrame(
        [dict(account_id=a.id, handle=a.handle, unit=unit, level=level, user_id=a.platform_user_id,
              verified_type=a.verified_type, followers=a.followers, last_sync=last_ok,
              next_allowed=next_due, last_error=error, problem=a.problem)
         for a, unit, level, last_ok, next_due, error in rows],
        columns=ACCOUNT_COLUMNS,
    )


def last_x_failure(session: Session) -> str | None:
    """The error of the newest X sync run if that run failed (shown next to the last good data)."""
    newest = session.scalar(
        select(SyncRun).where(SyncRun.source == SOURCE)
        .order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(1)
    )
    return newest.error if newest is not None and not newest.ok else None


def sync_x_now(engine: Engine, settings: Settings, scope: Scope):
    """Sync the X accounts in scope now (ignoring their polling interval, never a rate-limit hold)."""
    from lib.sources.x import XSource
    from lib.sync import RunResult, run

    if not x_enabled(settings):
        return RunResult("nothing")
    return run(engine, [XSource.from_settings(settings, force=True)], scope)
