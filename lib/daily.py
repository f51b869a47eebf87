"""Per-unit-per-local-day counts: what makes the national overview cheap at a million mentions.

`daily_counts` holds, per unit and calendar day in the unit's own zone, the additive figures of that
day's mentions (mentions, answered, answered within the unit's SLA, negative, still unanswered);
`daily_response_hist` (migration 0013_scale), per unit and day, the histogram of first-response
seconds of the unit's whole subtree (lib/metrics/histogram.py), from which the median and p90 of a
large scope are merged. Both are derived tables: nothing writes them but `refresh`, which
recomputes only the days whose mentions changed, so every write path (ingest, replies, status
changes, corrections, re-analysis, file import) stays as it is; they all bump `mentions.updated_at`, and that is what is tracked.

`refresh` runs at the start of a read that uses the table (in the reader's own transaction, so it
also sees the reader's uncommitted writes). It is cheap when nothing changed (two index lookups);
otherwise it recomputes the days of the mentions updated since the last watermark (minus an overlap
of `OVERLAP`, so a transaction that committed a little after a refresh is still seen), usually
today's and yesterday's. A change of the registry (zones, SLAs) or of the default SLA rebuilds it all.

Not tracked: rows deleted by hand (the app never deletes mentions) and writes whose transaction
stayed open longer than `OVERLAP`; after either, call `rebuild`.

The readers (`lib.metrics.unit_counts`, `lib.metrics.daily_trend`) take whole local days that lie
inside their period from this table and scan only the partial days at the edges of the period live
(about one day of mentions for a rolling week); figures that depend on "now" (today, pending,
overdue, the backlog) are always read live. The counts are exactly the live engine's (checked in
tests/metrics/test_daily.py on both backends); the percentiles of a large scope are within the
histogram's stated bound (tests/metrics/test_histogram.py), a small scope's stay exact.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import String, and_, delete, func, insert, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session, aliased

from lib.db import plain_rows
from lib.mentions import unanswered_clause
from lib.metrics.buckets import bucket_sql, pack
from lib.metrics.sql import UTC, Period, count_if, local_day, response_seconds, ts
from lib.models import DailyCount, DailyCountsState, DailyResponseHist, Mention, Unit, utcnow
from lib.scope import NATIONAL

OVERLAP = timedelta(minutes=15)


def _units_key(session: Session, default_sla: int) -> str:
    """A fingerprint of what the stored days depend on: every unit's zone and effective SLA. Built in
    the database (one short row back instead of every unit's: this runs on every read)."""
    sla = func.coalesce(Unit.sla_minutes, default_sla)
    if session.get_bind().dialect.name == "postgresql":
        item = func.concat_ws(":", Unit.id, Unit.timezone, sla)
        agg = func.string_agg(item, aggregate_order_by(literal(","), Unit.id))
        return session.scalar(select(func.md5(agg)).select_from(Unit)) or ""
    item = Unit.id.cast(String) + ":" + Unit.timezone + ":" + sla.cast(String)
    ordered = select(item.label("item")).order_by(Unit.id).subquery()
    joined = session.scalar(select(func.group_concat(ordered.c.item, ","))) or ""
    return hashlib.sha256(joined.encode()).hexdigest()[:64]


def _aggregate(session: Session, default_sla: int):
    """SELECT unit_id, day, counts… FROM mentions JOIN units, grouped by unit and local day."""
    unit = aliased(Unit)
    now = utcnow()
    day = local_day(session, NATIONAL, Period(now, now), unit)
    secs = response_seconds(session.get_bind().dialect.name)
    sla = func.coalesce(unit.sla_minutes, default_sla)
    columns = [
        Mention.unit_id, day.label("day"), func.count().label("mentions"),
        count_if(Mention.answered_at.is_not(None)).label("answered"),
        count_if(and_(Mention.answered_at.is_not(None), secs <= sla * 60)).label("within_sla"),
        count_if(Mention.sentiment == "negative").label("negative"),
        count_if(unanswered_clause()).label("unanswered"),
        sla.label("sla_minutes"),
    ]
    return select(*columns).join(unit, unit.id == Mention.unit_id).group_by(Mention.unit_id, day, sla), day


_TARGET = ["unit_id", "day", "mentions", "answered", "within_sla", "negative", "unanswered", "sla_minutes"]


def rebuild(session: Session, default_sla: int) -> None:
    """Recompute every row (first use, a registry or default-SLA change, or after a manual delete)."""
    session.execute(delete(DailyCount))
    query, _ = _aggregate(session, default_sla)
    session.execute(insert(DailyCount).from_select(_TARGET, query))
    session.execute(delete(DailyResponseHist))
    _write_histograms(session, list(session.scalars(select(DailyCount.day).distinct())))
    _save_state(session, _state(session), _units_key(session, default_sla))


def _state(session: Session, lock: bool = True) -> DailyCountsState:
    """The one state row; with `lock`, locked for the rest of the transaction on PostgreSQL (so two
    readers never refresh at once; on SQLite the write lock does the same)."""
    state = session.get(DailyCountsState, 1, with_for_update=lock or None, populate_existing=True)
    if state is None:
        state = DailyCountsState(id=1, recent=0, units_key="")
        session.add(state)
        session.flush()
    return state


def _save_state(session: Session, state: DailyCountsState, key: str) -> None:
    top = session.scalar(select(func.max(Mention.updated_at)))
    state.watermark = top
    state.recent = _updated_since(session, top - OVERLAP) if top else 0
    state.units_key = key
    state.refreshed_at = utcnow()
    session.flush()


def _updated_since(session: Session, since: datetime) -> int:
    return session.scalar(select(func.count()).select_from(Mention).where(Mention.updated_at >= since)) or 0


def refresh(session: Session, default_sla: int) -> None:
    """Bring `daily_counts` up to date with `mentions` (see the module doc). Caller commits.
    Nothing to do (the common case) takes no lock, so concurrent readers never queue here."""
    key = _units_key(session, default_sla)
    if _fresh(session, _state(session, lock=False), key):
        return
    state = _state(session)  # locked; another reader may have done the work meanwhile
    if _fresh(session, state, key):
        return
    if state.watermark is None or state.units_key != key:
        rebuild(session, default_sla)
        return
    since = state.watermark - OVERLAP
    query, day = _aggregate(session, default_sla)
    days = sorted(_dirty_days(session, since))
    if days:
        lo, hi = _created_bounds(days)
        session.execute(delete(DailyCount).where(DailyCount.day.in_(days)))
        session.execute(insert(DailyCount).from_select(_TARGET, query.where(
            Mention.created_at >= ts(lo), Mention.created_at < ts(hi), day.in_(days))))
        session.execute(delete(DailyResponseHist).where(DailyResponseHist.day.in_(days)))
        _write_histograms(session, days)
    _save_state(session, state, key)


def _created_bounds(days: list[str]) -> tuple[datetime, datetime]:
    """UTC bounds that hold every zone's local days `days` (sorted)."""
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    return (datetime(first.year, first.month, first.day, tzinfo=UTC) - timedelta(days=1),
            datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=2))


def _write_histograms(session: Session, days: list[str], batch: int = 7) -> None:
    """Insert the response-time histogram (lib/metrics/histogram.py) of every unit's whole subtree
    (its own mentions and those of every unit below it, each on its own local day) on `days`, a few
    days per query so that a full rebuild never holds a year of groups in memory. The caller has
    deleted the old rows of those days."""

    _, units = plain_rows(session, select(Unit.id, Unit.path))
    # (unit, ancestor) for every unit and each unit on its path, itself included.
    pairs = pd.DataFrame([(uid, int(a)) for uid, path in units for a in path.strip("/").split("/") if a],
                         columns=["unit_id", "anchor"])

    unit = aliased(Unit)
    now = utcnow()
    day = local_day(session, NATIONAL, Period(now, now), unit)
    bucket = bucket_sql(response_seconds(session.get_bind().dialect.name))
    days = sorted(days)
    for i in range(0, len(days), batch):
        part = days[i:i + batch]
        lo, hi = _created_bounds(part)
        _, rows = plain_rows(session, select(Mention.unit_id, day, bucket, func.count())
                             .join(unit, unit.id == Mention.unit_id)
                             .where(Mention.created_at >= ts(lo), Mention.created_at < ts(hi),
                                    Mention.answered_at.is_not(None), day.in_(part))
                             .group_by(Mention.unit_id, day, bucket))
        if not rows:
            continue
        frame = pd.DataFrame.from_records(rows, columns=["unit_id", "day", "bucket", "n"])
        frame = (frame.merge(pairs, on="unit_id").groupby(["day", "anchor", "bucket"], sort=True)["n"].sum()
                 .reset_index().rename(columns={"anchor": "unit_id"}))
        keys = frame["day"].astype(str) + "/" + frame["unit_id"].astype(str)
        starts = np.flatnonzero(np.r_[True, keys.to_numpy()[1:] != keys.to_numpy()[:-1]])
        ends = np.r_[starts[1:], len(frame)]
        buckets, counts = frame["bucket"].to_numpy(), frame["n"].to_numpy()
        unit_ids, day_values = frame["unit_id"].to_numpy(), frame["day"].to_numpy()
        values = [(str(day_values[s]), int(unit_ids[s]), pack(buckets[s:e], counts[s:e]))
                  for s, e in zip(starts, ends, strict=True)]
        _insert_histograms(session, values)


def _insert_histograms(session: Session, values: list[tuple[str, int, bytes]]) -> None:
    """Bulk insert through the driver, in the session's transaction: COPY on PostgreSQL, one
    executemany on SQLite (a statement per row through SQLAlchemy dominated a full rebuild)."""
    cursor = session.connection().connection.driver_connection.cursor()
    try:
        if session.get_bind().dialect.name == "postgresql":
            with cursor.copy("COPY daily_response_hist (day, unit_id, hist) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            cursor.executemany("INSERT INTO daily_response_hist (day, unit_id, hist) VALUES (?, ?, ?)", values)
    finally:
        cursor.close()


def _fresh(session: Session, state: DailyCountsState, key: str) -> bool:
    """Nothing changed since the last refresh: same registry key, same newest `updated_at`, and as
    many mentions updated in the overlap window as then (a late commit inside it adds one)."""
    if state.watermark is None or state.units_key != key:
        return False
    top = session.scalar(select(func.max(Mention.updated_at)))
    return top == state.watermark and _updated_since(session, state.watermark - OVERLAP) == state.recent


def _dirty_days(session: Session, since: datetime) -> list[str]:
    """Local days (any unit's) of the mentions updated since `since`."""
    unit = aliased(Unit)
    now = utcnow()
    day = local_day(session, NATIONAL, Period(now, now), unit)
    return list(session.scalars(select(day).distinct().select_from(Mention)
                                .join(unit, unit.id == Mention.unit_id).where(Mention.updated_at >= since)))


def main() -> None:
    """`python -m lib.daily`: rebuild both tables (after upgrading to 0005 or 0013_scale, a manual delete or a
    bulk load with old `updated_at` values)."""
    import time

    from lib.config import load_settings
    from lib.db import get_engine, session_scope

    settings = load_settings()
    t0 = time.perf_counter()
    with session_scope(get_engine(settings.database_url)) as s:
        rebuild(s, settings.sla_minutes)
        rows = s.scalar(select(func.count()).select_from(DailyCount))
    print(f"daily_counts and daily_response_hist rebuilt: {rows} day rows in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
