"""What the X source has spent and where each X account stands: the figures behind the admin page.

Reads are what X bills: each post and user once per UTC day (the ledger in `lib.ledger`), per UTC
calendar month; requests are counted from `ApiRequest` rows (one per HTTP request, failures too).
The month's spend in money is projected from the configured prices (`PANTAU_X_PRICE_PER_POST_READ`,
`PANTAU_X_PRICE_PER_USER_READ`; defaults are X's published pay-per-use prices, an assumption).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lib import ledger
from lib.config import Settings
from lib.models import Account, ApiRequest, SyncRun, SyncState, Unit, utcnow
from lib.scope import Scope

SOURCE = "x"
TOKEN_ENV = "PANTAU_X_BEARER_TOKEN"
TOKEN_SECRET_KEY = "x_bearer_token"


def x_enabled(settings: Settings) -> bool:
    """The X source is on exactly when a bearer token is configured (its value is never shown)."""
    return bool(settings.x_bearer_token)


month_start = ledger.month_start


def reads_this_month(session: Session, now: datetime | None = None) -> int:
    """Posts plus users X bills for since the start of this UTC month (each once per UTC day)."""
    return ledger.billed_this_month(session, SOURCE, now)


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
    projection: ledger.Projection | None = None

    @property
    def remaining(self) -> int:
        return max(self.budget - self.used, 0)

    @property
    def share(self) -> float:
        """Fraction of the budget spent, clipped to 0..1 (for a progress bar)."""
        return min(self.used / self.budget, 1.0) if self.budget > 0 else 1.0


def budget_status(session: Session, settings: Settings, now: datetime | None = None) -> BudgetStatus:
    now = now or utcnow()
    kinds = ledger.billed_by_kind(session, SOURCE, now)
    projection = ledger.project(kinds["post"], kinds["user"], now, settings.x_price_per_post_read,
                                settings.x_price_per_user_read)
    return BudgetStatus(used=projection.used, budget=settings.x_monthly_read_budget,
                        requests=requests_this_month(session, now), projection=projection)


ACCOUNT_COLUMNS = ["account_id", "handle", "unit", "level", "user_id", "verified_type", "followers",
                   "last_sync", "next_allowed", "last_error", "last_warning", "problem"]


def account_status(session: Session, scope: Scope) -> pd.DataFrame:
    """One row per active X account in scope: ids, last good sync, next allowed sync, errors, flags."""
    state = select(SyncState).where(SyncState.source == SOURCE, SyncState.kind == "mentions").subquery()
    rows = session.execute(
        select(Account, Unit.name, Unit.level, state.c.last_success_at, state.c.next_due_at, state.c.last_error,
               state.c.last_warning)
        .join(Unit, Unit.id == Account.unit_id)
        .outerjoin(state, state.c.account_id == Account.id)
        .where(Account.platform == "x", Account.active, scope.unit_clause())
        .order_by(Unit.path, Account.handle)
    ).all()
    return pd.DataFrame(
        [dict(account_id=a.id, handle=a.handle, unit=unit, level=level, user_id=a.platform_user_id,
              verified_type=a.verified_type, followers=a.followers, last_sync=last_ok,
              next_allowed=next_due, last_error=error, last_warning=warning, problem=a.problem)
         for a, unit, level, last_ok, next_due, error, warning in rows],
        columns=ACCOUNT_COLUMNS,
    )


def last_x_failure(session: Session) -> str | None:
    """The error of the newest X sync run if that run failed (shown next to the last good data)."""
    newest = session.scalar(
        select(SyncRun).where(SyncRun.source == SOURCE)
        .order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(1)
    )
    return newest.error if newest is not None and not newest.ok else None
