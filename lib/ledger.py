"""The billing ledger: each post and user a billed API returned, counted once per UTC day.

X's pay-per-use plan bills a resource at most once per UTC day, however many requests return it,
so the month's bill is the number of distinct (day, kind, id) entries this month — not the sum of
what every response carried (that sum is kept in `ApiRequest` for rate and request figures). The
sync runner records every batch's `RequestCost`s here; sources read it to stay inside the budget.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lib.models import BilledRead, utcnow
from lib.sources.base import RequestCost

_CHUNK = 500


def _day(when: datetime | None) -> date:
    return (when or utcnow()).astimezone(UTC).date()


def month_start(now: datetime) -> datetime:
    """Start of the UTC calendar month containing `now`."""
    now = now.astimezone(UTC)
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def billed_items(costs: Iterable[RequestCost]) -> set[tuple[date, str, str]]:
    """The distinct (UTC day, kind, id) resources these responses returned."""
    items: set[tuple[date, str, str]] = set()
    for cost in costs:
        day = _day(cost.at)
        items.update((day, "post", pid) for pid in cost.post_ids)
        items.update((day, "user", uid) for uid in cost.user_ids)
    return items


def already_billed(session: Session, source: str, items: set[tuple[date, str, str]]) -> set[tuple[date, str, str]]:
    """Which of `items` the ledger already holds (read only)."""
    found: set[tuple[date, str, str]] = set()
    ordered = sorted(items)
    for day in {d for d, _, _ in ordered}:
        for kind in ("post", "user"):
            ids = [i for d, k, i in ordered if d == day and k == kind]
            for start in range(0, len(ids), _CHUNK):
                rows = session.scalars(select(BilledRead.resource_id).where(
                    BilledRead.source == source, BilledRead.day == day, BilledRead.kind == kind,
                    BilledRead.resource_id.in_(ids[start:start + _CHUNK])))
                found.update((day, kind, rid) for rid in rows)
    return found


def record(session: Session, source: str, costs: Sequence[RequestCost]) -> int:
    """Add the resources these responses returned; returns how many were new (newly billed)."""
    items = billed_items(costs)
    if not items:
        return 0
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(BilledRead.__table__).on_conflict_do_nothing(
        index_elements=["source", "day", "kind", "resource_id"])
    rows = [dict(source=source, day=d, kind=k, resource_id=i) for d, k, i in sorted(items)]
    result = session.connection().execute(statement, rows, execution_options={"preserve_rowcount": True})
    return result.rowcount


def billed_by_kind(session: Session, source: str, now: datetime | None = None) -> dict[str, int]:
    """Resources billed since the start of this UTC month, by kind ("post", "user")."""
    start = month_start(now or utcnow()).date()
    rows = session.execute(select(BilledRead.kind, func.count(BilledRead.id))
                           .where(BilledRead.source == source, BilledRead.day >= start)
                           .group_by(BilledRead.kind)).all()
    counts = {"post": 0, "user": 0}
    counts.update({kind: int(n) for kind, n in rows})
    return counts


def billed_this_month(session: Session, source: str, now: datetime | None = None) -> int:
    """Resources billed since the start of this UTC month (what X would charge for)."""
    return sum(billed_by_kind(session, source, now).values())


@dataclass(frozen=True)
class Projection:
    """This month's billed reads and their price so far and, at the same pace, by the month's end."""

    posts: int
    users: int
    factor: float  # month length / elapsed part of it
    price_per_post: float
    price_per_user: float
    currency: str

    @property
    def used(self) -> int:
        return self.posts + self.users

    @property
    def projected(self) -> int:
        return round(self.used * self.factor)

    @property
    def spent(self) -> float:
        return self.posts * self.price_per_post + self.users * self.price_per_user

    @property
    def projected_spend(self) -> float:
        return self.spent * self.factor


def project(posts: int, users: int, now: datetime, price_per_post: float, price_per_user: float,
            currency: str = "USD") -> Projection:
    """Extrapolate the month linearly from its elapsed share (counted as at least one hour)."""
    now = now.astimezone(UTC)
    days = calendar.monthrange(now.year, now.month)[1]
    elapsed = max((now - month_start(now)).total_seconds(), 3600.0)
    return Projection(posts=posts, users=users, factor=days * 86400 / elapsed, price_per_post=price_per_post,
                      price_per_user=price_per_user, currency=currency)
