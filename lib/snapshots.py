"""Headline snapshots: the overview's figures of the large scopes as they stood at a 5-minute mark.

Ringkasan compares every headline figure with "the same moment last week". Reconstructing that
moment from `mentions` (the backlog then, today-so-far then, the period shifted a week) is ~350 ms
of a cold page at 10M mentions. The sync worker therefore stores, once per 5-minute slot, the
figures of the national scope and of every active Polda, for each period option and the SLA policy
(`take`), and `lib.watch` reads the newest row of [at - 10 min, at] (`lookup`) before falling back
to the reconstruction. Small scopes (a Polres, a Polsek) are reconstructed live: that is cheap.

Semantics: a snapshot holds the figures as they stood then, by the same definitions as the
reconstruction (`lib.watch.week_ago`, `lib.watch.burning`) evaluated at its `taken_at`; a mention
fetched after `taken_at` but created before it is in a later reconstruction, not in the snapshot.
Rows older than `RETENTION` are deleted when new ones are written.

One `take` is one pass per distinct period start (at most one per zone), rolled up per Polda, plus
a few grouped counts: not 39 scope computations. `python -m lib.snapshots backfill --since ...
--until ...` fills the marks of a database that already holds history (and the bench).
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import and_, case, delete, false, func, or_, select
from sqlalchemy.orm import Session

from lib.config import load_settings
from lib.db import get_engine, session_scope
from lib.mentions import backlog_parts, has_flag, in_backlog_at
from lib.metrics import Period, SlaPolicy
from lib.metrics.counts import rolled_up, scope_totals, unit_counts, units_frame
from lib.metrics.dashboards import EXACT_LIMIT, EXACT_LIMIT_SQLITE, scope_percentiles
from lib.metrics.histogram import histogram_percentiles, response_histogram
from lib.metrics.percentiles import percentiles_of, response_times, unit_ancestors
from lib.metrics.sql import local_midnight_utc
from lib.models import HeadlineSnapshot, Mention, MentionTarget, Unit
from lib.scope import NATIONAL, Scope

log = logging.getLogger(__name__)

NATIONAL_KEY = "national"
PERIOD_DAYS = (7, 30, 90)  # the options of `lib.ui.charts.PERIODS` (lib/ must not import the UI)
SLOT = timedelta(minutes=5)
WINDOW = timedelta(minutes=10)  # `lookup` takes a snapshot at most this much older than asked
RETENTION = timedelta(days=15)
DAY = timedelta(days=1)
COUNT_FIELDS = ("mentions_today", "unanswered", "overdue", "urgent_unanswered", "complaints_24h", "hoax_hate_24h")


def policy_key(sla: SlaPolicy | int) -> str:
    policy = SlaPolicy.of(sla)
    return f"{policy.first_response_minutes}/{policy.hard_limit_minutes}"


def slot_of(moment: datetime) -> datetime:
    """The 5-minute mark at or before `moment`."""
    moment = moment.astimezone(UTC)
    return moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)


def scope_key(session: Session, scope: Scope) -> str | None:
    """"national", the Polda's id for a Polda's subtree, None for a scope no snapshot covers."""
    if scope.path_prefix == "/":
        return NATIONAL_KEY
    level = session.scalar(select(Unit.level).where(Unit.id == scope.root_unit_id)) if scope.root_unit_id else None
    return str(scope.root_unit_id) if level == "polda" else None


def lookup(session: Session, key: str, days: int | None, sla: SlaPolicy | int | None, at: datetime,
           not_before: datetime | None = None) -> HeadlineSnapshot | None:
    """The newest snapshot of `key` with `taken_at` in [at - 10 min, at] (and not before
    `not_before`, e.g. the local midnight that "today" starts at), else None. `days` or `sla`
    None: any (the burning strip's counts depend on neither)."""
    lo = at - WINDOW if not_before is None else max(at - WINDOW, not_before)
    h = HeadlineSnapshot
    q = select(h).where(h.scope_key == key, h.taken_at >= lo, h.taken_at <= at)
    if days is not None:
        q = q.where(h.days == days)
    if sla is not None:
        q = q.where(h.policy_key == policy_key(sla))
    return session.scalars(q.order_by(h.taken_at.desc()).limit(1)).first()


# ----------------------------------------------------------------------------------------- take

@dataclass(frozen=True)
class _Tree:
    """The registry as the snapshot's scopes see it: each unit's Polda (by path, active or not)."""

    poldas: list[int]  # active Polda ids: the scopes besides national
    polda_of: dict[int, int]  # unit id -> its Polda's id (units above any Polda are absent)
    unit_sla: dict[int, int]  # unit id -> its SLA (the policy's where it has none)
    zones: dict[str, list[str]]  # scope key -> the zones of its units
    slas: dict[str, set[int]]  # scope key -> the SLAs of its units
    default_sla: int


def _tree(session: Session, policy: SlaPolicy) -> _Tree:
    rows = session.execute(select(Unit.id, Unit.path, Unit.level, Unit.active, Unit.timezone, Unit.sla_minutes)).all()
    polda_paths = {path: uid for uid, path, level, *_ in rows if level == "polda"}
    polda_of, unit_sla = {}, {}
    zones: dict[str, set[str]] = {NATIONAL_KEY: set()}
    slas: dict[str, set[int]] = {NATIONAL_KEY: set()}
    for uid, path, _level, _active, zone, sla in rows:
        unit_sla[uid] = int(sla if sla is not None else policy.first_response_minutes)
        zones[NATIONAL_KEY].add(zone)
        slas[NATIONAL_KEY].add(unit_sla[uid])
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            polda = polda_paths.get("/" + "/".join(parts[:depth]) + "/")
            if polda is not None:
                polda_of[uid] = polda
                zones.setdefault(str(polda), set()).add(zone)
                slas.setdefault(str(polda), set()).add(unit_sla[uid])
                break
    poldas = sorted(uid for uid, _path, level, active, *_ in rows if level == "polda" and active)
    return _Tree(poldas, polda_of, unit_sla, {k: sorted(v) for k, v in zones.items()}, slas,
                 policy.first_response_minutes)


def _by_scope(session: Session, tree: _Tree, conditions: list, overdue_before: datetime | None = None
              ) -> dict[str, list[int]]:
    """[count, overdue] per scope key of the mentions matching `conditions`. A Polda counts a
    mention once when any of its targets lies in its subtree (`lib.targets.in_scope`); overdue is
    judged on the primary unit's SLA at `overdue_before`, as `lib.watch.backlog_at` does (only where
    that SLA is one of the scope's units' SLAs)."""
    out = {key: [0, 0] for key in (NATIONAL_KEY, *map(str, tree.poldas))}
    overdue = false()
    if overdue_before is not None:
        sla_col = func.coalesce(Unit.sla_minutes, tree.default_sla)
        overdue = or_(*[and_(sla_col == m, Mention.created_at < overdue_before - timedelta(minutes=m))
                        for m in sorted(tree.slas[NATIONAL_KEY])]) if tree.slas[NATIONAL_KEY] else false()
    late = func.coalesce(func.sum(case((overdue, 1), else_=0)), 0)
    rows = session.execute(select(Mention.unit_id, func.count(), late).join(Unit, Unit.id == Mention.unit_id)
                           .where(*conditions).group_by(Mention.unit_id)).all()
    for unit_id, n, o in rows:
        for key in (NATIONAL_KEY, str(tree.polda_of.get(unit_id, ""))):
            if key in out:
                out[key][0] += int(n)
                out[key][1] += int(o)
    # Further targets (lib/targets.py, few): a mention counts once more in each other Polda it tags.
    extra = session.execute(select(Mention.id, Mention.unit_id, MentionTarget.unit_id, overdue)
                            .join(Unit, Unit.id == Mention.unit_id)
                            .join(MentionTarget, MentionTarget.mention_id == Mention.id).where(*conditions)).all()
    seen = set()
    for mention_id, primary, target, late_row in extra:
        polda = tree.polda_of.get(target)
        if polda is None or polda == tree.polda_of.get(primary) or (mention_id, polda) in seen:
            continue
        seen.add((mention_id, polda))
        key = str(polda)
        if key in out:
            out[key][0] += 1
            out[key][1] += int(bool(late_row) and tree.unit_sla.get(primary) in tree.slas.get(key, set()))
    return out


def _today(session: Session, tree: _Tree, at: datetime) -> dict[str, int]:
    """Mentions from each unit's own local midnight up to `at`, per scope key, by primary unit
    (`lib.watch.mentions_so_far_today`)."""
    midnights = {zone: local_midnight_utc(zone, at) for zone in tree.zones[NATIONAL_KEY]}
    out = {key: 0 for key in (NATIONAL_KEY, *map(str, tree.poldas))}
    if not midnights:
        return out
    today = or_(*[and_(Unit.timezone == zone, Mention.created_at >= m) for zone, m in midnights.items()])
    rows = session.execute(select(Mention.unit_id, func.count()).join(Unit, Unit.id == Mention.unit_id)
                           .where(Mention.created_at >= min(midnights.values()), Mention.created_at < at, today)
                           .group_by(Mention.unit_id)).all()
    for unit_id, n in rows:
        for key in (NATIONAL_KEY, str(tree.polda_of.get(unit_id, ""))):
            if key in out:
                out[key] += int(n)
    return out


@dataclass(frozen=True)
class _PeriodRow:
    mentions: int
    negative: int
    within_sla_share: float | None
    median_minutes: float | None


def _median(frame: pd.DataFrame, key: int | None = None) -> float | None:
    if key is not None:
        frame = frame[frame["key"] == key]
    value = frame["median_minutes"].iloc[0] if len(frame) else None
    return None if value is None or pd.isna(value) else float(value)


def _periods(session: Session, tree: _Tree, policy: SlaPolicy, days: int, at: datetime
             ) -> dict[str, _PeriodRow]:
    """`lib.watch.period_figures` of every scope for the calendar period of `days` ending at `at`:
    one national `unit_counts` per distinct period start (the scopes' zones decide it), rolled up
    per Polda; the median by the dashboards' rule (exact for a small Polda, else the national
    histogram read once per start with the Polda level)."""
    starts: dict[datetime, list[str]] = {}
    for key in (NATIONAL_KEY, *map(str, tree.poldas)):
        since = min(local_midnight_utc(z, at) for z in tree.zones.get(key) or ["Asia/Jakarta"]) - timedelta(days=days - 1)
        starts.setdefault(since, []).append(key)
    units = units_frame(session, NATIONAL)
    limit = EXACT_LIMIT_SQLITE if session.get_bind().dialect.name == "sqlite" else EXACT_LIMIT
    out: dict[str, _PeriodRow] = {}
    for since, keys in starts.items():
        period = Period(since, at)
        counts = unit_counts(session, NATIONAL, policy, period, now=at, units=units, pending_only=True)
        if NATIONAL_KEY in keys:
            total = scope_totals(counts)
            pct = scope_percentiles(session, NATIONAL, policy, period, counts, at)
            out[NATIONAL_KEY] = _row(total, _median(pct))
        rolled = rolled_up(units, counts).set_index("unit_id")
        hist, ancestors = None, None
        for key in keys:
            if key == NATIONAL_KEY or int(key) not in rolled.index:
                continue
            total = rolled.loc[int(key)]
            if int(total["answered"]) <= limit:
                polda = Scope(str(units.loc[units["unit_id"] == int(key), "path"].iat[0]), key, int(key))
                median = _median(percentiles_of(response_times(session, polda, period)))
            else:
                if hist is None:
                    hist = response_histogram(session, NATIONAL, period, policy, at, ("polda",), refresh=False)
                    ancestors = unit_ancestors(session, NATIONAL, "polda")
                median = _median(histogram_percentiles(hist, ancestors, "polda"), int(key))
            out[key] = _row(total, median)
    return out


def _row(total: pd.Series, median: float | None) -> _PeriodRow:
    mentions, judged = int(total["mentions"]), int(total["mentions"] - total["pending"])
    return _PeriodRow(mentions=mentions, negative=int(total["negative"]),
                      within_sla_share=int(total["within_sla"]) / judged if judged else None,
                      median_minutes=median)


def take(session: Session, at: datetime, sla: SlaPolicy | int) -> list[HeadlineSnapshot]:
    """The snapshot rows of national and every active Polda, for every period option, as the
    figures stand at `at` (the current figures when `at` is now), not yet added to the session."""
    policy = SlaPolicy.of(sla)
    tree = _tree(session, policy)
    today = _today(session, tree, at)
    backlog = [_by_scope(session, tree, [part], overdue_before=at) for part in backlog_parts(at)]
    urgent = _by_scope(session, tree, [has_flag("urgent"), in_backlog_at(at)])
    complaints = _by_scope(session, tree, [has_flag("keluhan"), Mention.created_at >= at - DAY,
                                           Mention.created_at < at])
    hoax_hate = _by_scope(session, tree, [or_(has_flag("hoax"), has_flag("hate")), Mention.created_at >= at - DAY,
                                          Mention.created_at < at])
    rows = []
    for days in PERIOD_DAYS:
        periods = _periods(session, tree, policy, days, at)
        for key, p in periods.items():
            rows.append(HeadlineSnapshot(
                scope_key=key, days=days, policy_key=policy_key(policy), taken_at=at,
                mentions_today=today[key], unanswered=sum(b[key][0] for b in backlog),
                overdue=sum(b[key][1] for b in backlog), period_mentions=p.mentions, period_negative=p.negative,
                within_sla_share=p.within_sla_share, median_minutes=p.median_minutes,
                urgent_unanswered=urgent[key][0], complaints_24h=complaints[key][0],
                hoax_hate_24h=hoax_hate[key][0]))
    return rows


def store(session: Session, rows: Iterable[HeadlineSnapshot]) -> int:
    """Replace the rows of the same marks and policy, and drop those older than `RETENTION`."""
    rows = list(rows)
    h = HeadlineSnapshot
    for taken_at, key in {(r.taken_at, r.policy_key) for r in rows}:
        session.execute(delete(h).where(h.taken_at == taken_at, h.policy_key == key))
    if rows:
        session.execute(delete(h).where(h.taken_at < max(r.taken_at for r in rows) - RETENTION))
    session.add_all(rows)
    session.flush()
    return len(rows)


def has_slot(session: Session, at: datetime, sla: SlaPolicy | int) -> bool:
    h = HeadlineSnapshot
    return session.scalar(select(func.count()).select_from(h).where(
        h.taken_at == at, h.policy_key == policy_key(sla), h.scope_key == NATIONAL_KEY)) > 0


def backfill(session: Session, since: datetime, until: datetime, sla: SlaPolicy | int) -> int:
    """Snapshots at every 5-minute mark in [since, until] from the reconstruction (each mark's
    figures as the data now says they stood then), committed mark by mark."""
    mark, n = slot_of(since) + (SLOT if slot_of(since) < since else timedelta(0)), 0
    while mark <= until:
        n += store(session, take(session, mark, sla))
        session.commit()
        mark += SLOT
    return n


def _moment(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lib.snapshots", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    fill = sub.add_parser("backfill", help="snapshots at every 5-minute mark of a past range")
    fill.add_argument("--since", type=_moment, required=True, help="ISO time, UTC unless a zone is given")
    fill.add_argument("--until", type=_moment, required=True)
    args = parser.parse_args(argv)
    settings = load_settings()
    policy = SlaPolicy(settings.sla_minutes, settings.hard_limit_minutes)
    started = time.perf_counter()
    with session_scope(get_engine()) as session:
        n = backfill(session, args.since, args.until, policy)
    print(f"{n} snapshot rows in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
