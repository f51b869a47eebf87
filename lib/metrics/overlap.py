"""Mentions with several targets in the figures (lib/targets.py has the rules).

Per-unit counts include each unit's further targets: `counts.unit_counts` adds, per unit, the flags
of the mentions that target it as a further target, read here (they are few). Those counts add up to more than the number of mentions wherever two targets of
one mention lie in the same total, so every total over several units (a subtree in `rolled_up`, the
scope in `scope_totals`) subtracts, per mention, the sum of its targets' flags there minus their
largest: the mention counts once, and counts as within SLA / overdue / today when it is so for at
least one of its targets inside that total. Only mentions with a further target are read here, one
row per target with its flags worked out in Python against that target unit's SLA and zone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import and_, bindparam, case, literal, or_, select
from sqlalchemy.orm import Session

from lib.mentions import unanswered_clause
from lib.metrics.sql import COUNT_COLUMNS, Period, SlaPolicy, local_midnight_utc, response_seconds, ts
from lib.models import Mention, MentionTarget, Unit

FLAGS = COUNT_COLUMNS


def _columns(session: Session) -> list:
    secs = response_seconds(session.get_bind().dialect.name)
    return [Mention.created_at, case((Mention.answered_at.is_not(None), secs), else_=None),
            case((Mention.sentiment == "negative", 1), else_=0), case((unanswered_clause(), 1), else_=0)]


def target_rows(session: Session, period: Period) -> list[tuple]:
    """(mention_id, unit_id, created_at, response seconds or None, negative, open and unanswered,
    further target or not) for every target (primary and further) of the mentions with a further target that lie in `period`
    or are still unanswered. First their ids (a range of `mention_targets`, and the open backlog's
    ids from its partial index), then their rows by primary key: no join for the planner to turn
    into a scan of `mentions`."""
    t = MentionTarget
    ids = sorted(set(session.connection().execute(_target_ids(), {"since": period.since, "until": period.until})
                     .scalars()))
    cols = _columns(session)
    out: list[tuple] = []
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        out += session.execute(select(Mention.id, Mention.unit_id, *cols, literal(0))
                               .where(Mention.id.in_(chunk))).all()
        out += session.execute(select(t.mention_id, t.unit_id, *cols, literal(1))
                               .join(Mention, Mention.id == t.mention_id).where(t.mention_id.in_(chunk))).all()
    return [tuple(r) for r in out]


@lru_cache(maxsize=1)
def _target_ids():
    """`target_rows`' first statement, built once (parameters `since` and `until`): the dashboards
    run it on every read, mostly to find no mention with a further target."""
    t = MentionTarget
    open_ids = select(Mention.id).where(unanswered_clause())
    return select(t.mention_id).where(or_(and_(t.created_at >= bindparam("since", type_=t.created_at.type),
                                               t.created_at < bindparam("until", type_=t.created_at.type)),
                                          t.mention_id.in_(open_ids)))


def _empty(columns: list[str]) -> pd.DataFrame:
    """An empty int64 frame: one block, cheaper to build than `DataFrame(columns=..., dtype=...)`."""
    return pd.DataFrame(np.zeros((0, len(columns)), dtype=np.int64), columns=columns)


def target_flags(rows: list[tuple], units: pd.DataFrame, policy: SlaPolicy, period: Period,
                 now: datetime) -> pd.DataFrame:
    """One row per (mention, target unit in `units`) with the 0/1 figures of `COUNT_COLUMNS`, each
    judged on that unit's SLA and zone: the same definitions as the SQL scans."""
    if not rows:
        return _empty(["mention_id", "unit_id", "extra", *FLAGS])
    slas = units["sla_minutes"].fillna(policy.first_response_minutes).astype(int)
    info = dict(zip(units["unit_id"].tolist(), zip(units["timezone"].tolist(), slas.tolist(), strict=True),
                    strict=True))
    midnights = {z: local_midnight_utc(z, now) for z in units["timezone"].unique()}
    hard = now - timedelta(minutes=policy.hard_limit_minutes)
    out = []
    for mention_id, unit_id, created, secs, negative, unanswered, extra in rows:
        if unit_id not in info:
            continue
        tz, sla = info[unit_id]
        in_period = period.since <= created < period.until
        answered = secs is not None
        open_ = bool(unanswered)
        due = now - timedelta(minutes=sla)
        out.append((mention_id, unit_id, extra,
                    in_period, in_period and created >= midnights[tz], in_period and answered,
                    in_period and answered and secs <= sla * 60, open_ and in_period and created >= due,
                    in_period and bool(negative), open_, open_ and created < due, open_ and created < hard))
    frame = pd.DataFrame(out, columns=["mention_id", "unit_id", "extra", *FLAGS])
    return frame.astype({c: "int64" for c in ["extra", *FLAGS]})


def overlap(flags: pd.DataFrame, units: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """What to subtract from summed per-unit counts: per unit (for its subtree total: the unit and its
    ancestors present in `units`, as in `rolled_up`) and for the whole frame. Plain Python over the
    mentions with two or more targets in `units` (few)."""
    if flags.empty:
        return _empty(FLAGS), pd.Series(np.zeros(len(FLAGS), dtype=np.int64), index=FLAGS)
    present = set(units["unit_id"].tolist())
    chain = {u: [a for a in ancestors if a in present] for u, *ancestors in
             units[["unit_id", "parent_id", "grand_id", "great_id"]].itertuples(index=False)}
    by_mention: dict[int, list[tuple[int, np.ndarray]]] = {}
    values = flags[FLAGS].to_numpy(dtype=np.int64)
    for mention_id, unit_id, row in zip(flags["mention_id"].tolist(), flags["unit_id"].tolist(), values,
                                        strict=True):
        by_mention.setdefault(mention_id, []).append((unit_id, row))
    per_node: dict[int, np.ndarray] = {}
    total = np.zeros(len(FLAGS), dtype=np.int64)
    for hits in by_mention.values():
        if len(hits) < 2:
            continue
        rows = np.array([r for _, r in hits])
        total += rows.sum(axis=0) - rows.max(axis=0)
        under: dict[int, list[np.ndarray]] = {}
        for unit_id, row in hits:
            for node in (unit_id, *chain[unit_id]):
                under.setdefault(node, []).append(row)
        for node, group in under.items():
            if len(group) > 1:
                stacked = np.array(group)
                per_node[node] = per_node.get(node, 0) + stacked.sum(axis=0) - stacked.max(axis=0)
    frame = pd.DataFrame.from_dict(per_node, orient="index", columns=FLAGS) if per_node else \
        pd.DataFrame(columns=FLAGS, dtype="int64")
    return frame.astype("int64"), pd.Series(total, index=FLAGS)


def trend_extra(session: Session, scope_units, policy: SlaPolicy, since: datetime, now: datetime) -> pd.DataFrame:
    """For a trend below national scope: the period's mentions whose primary target lies outside the
    scope but a further one inside it, once each, on the day (and SLA) of their lowest-numbered target
    inside. Columns day (ISO), mentions, within_sla, negative, unanswered."""
    t = MentionTarget
    secs = response_seconds(session.get_bind().dialect.name)
    rows = session.execute(
        select(t.mention_id, t.unit_id, Unit.timezone, Unit.sla_minutes, Mention.created_at,
               case((Mention.answered_at.is_not(None), secs), else_=None),
               case((Mention.sentiment == "negative", 1), else_=0), case((unanswered_clause(), 1), else_=0))
        .join(Mention, Mention.id == t.mention_id).join(Unit, Unit.id == t.unit_id)
        .where(t.unit_id.in_(scope_units), Mention.unit_id.not_in(scope_units),
               Mention.created_at >= ts(since), Mention.created_at < ts(now))
        .order_by(t.mention_id, t.unit_id)).all()
    seen: set[int] = set()
    out = []
    for mention_id, _, tz, sla, created, answered_secs, negative, unanswered in rows:
        if mention_id in seen:
            continue
        seen.add(mention_id)
        limit = (sla or policy.first_response_minutes) * 60
        out.append((created.astimezone(ZoneInfo(tz)).date().isoformat(), 1,
                    int(answered_secs is not None and answered_secs <= limit), int(negative), int(unanswered)))
    return pd.DataFrame(out, columns=["day", "mentions", "within_sla", "negative", "unanswered"])


def subtract(values: np.ndarray, ids: np.ndarray, per_node: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """`values` (rows aligned to `ids`, `columns`) minus the per-node overlap."""
    if per_node.empty:
        return values
    return values - per_node.reindex(index=ids, columns=columns, fill_value=0).fillna(0).to_numpy(dtype=np.int64)
