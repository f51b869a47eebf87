"""SQL helpers and periods shared by the metrics and by `lib.daily`: periods and SLA policies, local
days and their UTC bounds, counting expressions, response seconds identical on SQLite and PostgreSQL,
and fast conversion of driver rows to numpy/pandas. Imports nothing else of `lib.metrics`, so
`lib.daily` can use it without an import loop."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import chain
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Integer,
    case,
    extract,
    func,
    literal,
    select,
    true,
)
from sqlalchemy.orm import Session

from lib.arrays import positions  # noqa: F401  (re-exported for lib.metrics)
from lib.db import plain_rows
from lib.models import Mention, Unit, utcnow
from lib.scope import Scope

UTC = ZoneInfo("UTC")
GROUP_LEVELS = ("polda", "polres", "polsek")
COUNT_COLUMNS = ["mentions", "today", "answered", "within_sla", "pending", "negative", "unanswered",
                 "overdue", "over_hard_limit"]


@dataclass(frozen=True)
class SlaPolicy:
    """First response expected within `first_response_minutes` (a unit may set its own); nothing may
    stay unanswered past `hard_limit_minutes`."""

    first_response_minutes: int = 60
    hard_limit_minutes: int = 24 * 60

    @classmethod
    def of(cls, sla: SlaPolicy | int) -> SlaPolicy:
        return sla if isinstance(sla, SlaPolicy) else cls(first_response_minutes=int(sla))


@dataclass(frozen=True)
class Period:
    """A half-open UTC interval [since, until)."""

    since: datetime
    until: datetime

    @classmethod
    def last_days(cls, days: int, now: datetime | None = None) -> Period:
        now = now or utcnow()
        return cls(now - timedelta(days=days), now)

    @classmethod
    def local_days(cls, first: date, last: date, tz: str) -> Period:
        """Calendar days `first`..`last` (both included) in zone `tz`, as UTC bounds (a date-range
        picker's value)."""
        zone = ZoneInfo(tz)
        return cls(datetime.combine(first, time.min, zone).astimezone(UTC),
                   datetime.combine(last + timedelta(days=1), time.min, zone).astimezone(UTC))


def local_midnight_utc(tz: str, now: datetime) -> datetime:
    """Start of the current day in zone `tz`, as an aware UTC datetime."""
    local = now.astimezone(ZoneInfo(tz))
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


@dataclass(frozen=True)
class ZoneSplit:
    """For the units of one zone: whole local days [first_day, end_day) read from `daily_counts`, and
    their UTC bounds [start, end); the rest of the period is scanned live."""

    first_day: date
    end_day: date
    start: datetime
    end: datetime


def split(zone: str, since: datetime, until: datetime) -> ZoneSplit | None:
    """Whole local days of `zone` inside [since, until), or None when there is none."""
    tz = ZoneInfo(zone)
    first = since.astimezone(tz)
    first_day = first.date() if first.time() == datetime.min.time() else first.date() + timedelta(days=1)
    end_day = until.astimezone(tz).date()
    if end_day <= first_day:
        return None
    return ZoneSplit(first_day, end_day, Period.local_days(first_day, end_day - timedelta(days=1), zone).since,
                     Period.local_days(end_day, end_day, zone).since)


def count_if(cond: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def ts(value: datetime) -> ColumnElement:
    return literal(value, type_=Mention.created_at.type)


def response_seconds(dialect: str) -> ColumnElement[int]:
    """Whole seconds from mention to first answer, computed identically on both backends (each
    timestamp truncated to the second). SQLite's `unixepoch()` (3.38+) is the same value as the
    `strftime('%s')` difference at about half the cost per row."""
    if dialect == "postgresql":
        def epoch(col):
            return extract("epoch", func.date_trunc("second", col))
        return (epoch(Mention.answered_at) - epoch(Mention.created_at)).cast(Integer)
    if sqlite3.sqlite_version_info >= (3, 38):
        return func.unixepoch(Mention.answered_at) - func.unixepoch(Mention.created_at)
    return (func.strftime("%s", Mention.answered_at) - func.strftime("%s", Mention.created_at)).cast(Integer)


def in_scope(scope: Scope) -> ColumnElement[bool]:
    """Mentions of units in scope, without joining units (the national scope is no filter at all)."""
    if scope.path_prefix == "/":
        return true()
    return Mention.unit_id.in_(select(Unit.id).where(scope.unit_clause()).scalar_subquery())


def frame_of(rows, columns: list[str]) -> pd.DataFrame:
    """A frame from result rows (plain tuples: pandas inspects Row objects one by one, slowly)."""
    return pd.DataFrame.from_records([tuple(r) for r in rows], columns=columns)


def indexed(session: Session, statement, ids: np.ndarray, params: dict | None = None) -> pd.DataFrame:
    """An integer aggregate keyed by unit_id, aligned to `ids` with zeros for units without rows."""
    keys, rows = plain_rows(session, statement, params)
    data = ints(rows, len(keys))
    if keys[0] != "unit_id":
        frame = pd.DataFrame(data, columns=keys)
        return frame.set_index("unit_id").reindex(ids, fill_value=0)
    out = np.zeros((len(ids), len(keys) - 1), dtype=np.int64)  # numpy: reindexing a frame costs more
    at = positions(ids, data[:, 0])
    keep = at >= 0
    out[at[keep]] = data[keep, 1:]
    frame = pd.DataFrame(out, index=pd.Index(ids, name="unit_id"), columns=list(keys[1:]))
    frame.attrs["rows"] = data  # every row, units outside `ids` (inactive ones) included
    return frame


def ints(rows: list[tuple], width: int) -> np.ndarray:
    """Driver rows of integers (`lib.db.plain_rows`) as an int64 array of `width` columns."""
    return np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=len(rows) * width).reshape(-1, width)


def zone_offsets(session: Session, scope: Scope, period: Period) -> dict[str, int]:
    """Fixed UTC offsets in minutes for the zones in scope (Indonesia keeps no daylight saving)."""
    offsets = {}
    for tz in session.scalars(select(Unit.timezone).where(scope.unit_clause()).distinct()):
        a, b = (ZoneInfo(tz).utcoffset(t) for t in (period.since, period.until))
        if a != b:
            raise ValueError(f"Zona {tz} berganti offset dalam periode; SQLite hanya mendukung offset tetap.")
        offsets[tz] = int(a.total_seconds() // 60)
    return offsets


def local_day(session: Session, scope: Scope, period: Period, unit) -> ColumnElement[str]:
    """'YYYY-MM-DD' of the mention in its unit's zone (PostgreSQL converts natively)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone(unit.timezone, Mention.created_at), "YYYY-MM-DD")
    offsets = zone_offsets(session, scope, period)
    modifier = case(*[(unit.timezone == tz, f"{m:+d} minutes") for tz, m in offsets.items()],
                    else_="+420 minutes") if offsets else literal("+420 minutes")
    return func.date(Mention.created_at, modifier)
