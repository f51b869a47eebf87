"""The Meta source's figures for the Sumber Data page: one row per Instagram / Facebook account.

Read-only; the source itself is `lib.sources.meta` (registered as "meta"), its tokens `lib.meta_tokens`.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.models import Account, SyncState, Unit
from lib.scope import Scope
from lib.sources.meta import SOURCE, MetaSource

ACCOUNT_COLUMNS = ["account_id", "platform", "handle", "unit", "user_id", "verified_type", "followers",
                   "last_sync", "next_allowed", "last_error", "problem"]


def account_status(session: Session, scope: Scope) -> pd.DataFrame:
    """One row per active Instagram / Facebook account in scope: ids, facts, last good poll, errors."""
    state = select(SyncState).where(SyncState.source == SOURCE, SyncState.kind == "mentions").subquery()
    rows = session.execute(
        select(Account, Unit.name, state.c.last_success_at, state.c.next_due_at, state.c.last_error)
        .join(Unit, Unit.id == Account.unit_id).outerjoin(state, state.c.account_id == Account.id)
        .where(Account.platform.in_(MetaSource.platforms), Account.active, scope.unit_clause())
        .order_by(Unit.path, Account.platform, Account.handle)
    ).all()
    return pd.DataFrame(
        [dict(account_id=a.id, platform="Instagram" if a.platform == "instagram" else "Facebook", handle=a.handle,
              unit=unit, user_id=a.platform_user_id,
              verified_type=a.verified_type or ({True: "terverifikasi", False: "belum"}.get(a.verified) or ""),
              followers=a.followers, last_sync=last_ok, next_allowed=next_due, last_error=error, problem=a.problem)
         for a, unit, last_ok, next_due, error in rows],
        columns=ACCOUNT_COLUMNS,
    )

