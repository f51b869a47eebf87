"""The store step shared by every source: dedupe, analyse, insert, match replies, record cost.

Each mention crosses this boundary once; re-running a sync never duplicates (unique platform +
external id) and never loses what was stored before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Protocol

from sqlalchemy import TextClause, bindparam, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from lib import issues
from lib.analysis import analyze
from lib.models import Account, ApiRequest, Mention, SyncState, utcnow
from lib.partitions import keyed
from lib.sanitize import clean_row, column_lengths
from lib.sources.base import Batch, MentionRecord, ReplyRecord, RequestCost, SyncReport
from lib.targets import add_targets, of_account

_CHUNK = 500
log = logging.getLogger("pantau.ingest")


def sync_state(session: Session, source: str, account_id: int | None, kind: str = "mentions") -> SyncState:
    """The state row for (source, account, kind), created on first use."""
    state = session.scalar(
        select(SyncState).where(
            SyncState.source == source, SyncState.account_id == account_id, SyncState.kind == kind
        )
    )
    if state is None:
        state = SyncState(source=source, account_id=account_id, kind=kind, error_count=0)
        session.add(state)
        session.flush()
    return state


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class Target(Protocol):
    """Where mentions land: an `Account`, or a unit + platform for channels without one (manual, file)."""

    platform: str
    unit_id: int
    id: int | None


@dataclass(frozen=True)
class ChannelTarget:
    platform: str
    unit_id: int
    id: int | None = None


def mention_rows(account: Target, records: Sequence[MentionRecord], now: datetime) -> list[dict]:
    """Analyse and turn records into insert rows (one `analyze` call for the whole batch)."""
    results = analyze([r.text for r in records])
    rows = []
    for rec, res in zip(records, results, strict=True):
        rows.append(
            dict(
                platform=account.platform,
                external_id=rec.external_id,
                unit_id=account.unit_id,
                account_id=account.id,
                author_id=rec.author_id,
                author_handle=rec.author_handle,
                author_name=rec.author_name,
                text=rec.text,
                url=rec.url,
                lang=rec.lang,
                created_at=rec.created_at,
                fetched_at=now,
                in_reply_to_id=rec.in_reply_to_id,
                conversation_id=rec.conversation_id,
                sentiment=res.sentiment,
                sentiment_score=float(res.score),
                flags=",".join(sorted(res.flags)),
                function=res.function,
                topic=res.topic or None,
                status="baru",
                updated_at=now,
                version=1,
            )
        )
    return rows


def store_mentions(session: Session, account: Target, records: Sequence[MentionRecord]) -> tuple[int, int]:
    """Insert the records not stored yet; returns (new, duplicates). A duplicate stored under
    another unit's account gets this account's unit as a further target (lib/targets.py).

    The database does the dedupe in one executemany per batch, so there is no read round trip
    first: on SQLite `INSERT … ON CONFLICT (platform, external_id) DO NOTHING`, on PostgreSQL the same
    on `mention_keys` with the mention inserted in the same statement (`_pg_insert`). A mention stored by a
    concurrent writer meanwhile is skipped instead of failing the batch. The price is that a re-sent mention is
    analysed once more before it is skipped (re-sends are rare: the X source asks from its last id)."""
    unique: dict[str, MentionRecord] = {}
    for rec in records:
        unique.setdefault(rec.external_id, rec)
    if not unique:
        return 0, len(records)
    rows = [clean_row(row, _MENTION_LENGTHS) for row in mention_rows(account, list(unique.values()), utcnow())]
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        statement = _pg_insert(tuple(rows[0]))
        session.execute(_KEYS_WRITTEN, {"v": "written"})  # this statement writes the keys itself (below)
    else:
        statement = sqlite.insert(Mention.__table__).on_conflict_do_nothing(index_elements=["platform", "external_id"])
    # One executemany; `preserve_rowcount` keeps the driver's count of rows really inserted (SQLAlchemy
    # reports -1 for an executemany otherwise). RETURNING would say the same, at half the speed on
    # PostgreSQL (it turns the batch into one large VALUES statement). The savepoint lets a row the
    # database still refuses fail alone (below) instead of taking the batch and the cursor with it.
    try:
        with session.begin_nested():
            new = session.connection().execute(statement, rows, execution_options={"preserve_rowcount": True}).rowcount
    except DBAPIError:
        new = _store_one_by_one(session, statement, rows)
    finally:
        if postgres and session.in_transaction():
            session.execute(_KEYS_WRITTEN, {"v": ""})  # any other insert in this transaction: the trigger again
    if new < len(unique):  # some were stored before, perhaps under another unit's account: target it too
        for chunk in _chunks(list(unique)):
            add_targets(session, account.platform, account.unit_id, account.id, chunk)
    return new, len(records) - new


# Read by the WHEN clause of the trigger that writes `mention_keys` (migration 0014_partition).
_KEYS_WRITTEN = text("SELECT set_config('pantau.mention_keys', :v, true)")


@lru_cache(maxsize=4)
def _pg_insert(columns: tuple[str, ...]) -> TextClause:
    """PostgreSQL (partitioned `mentions`, migration 0014_partition): the key is unique in
    `mention_keys`. One statement per row, in the executemany: the key goes in first with
    `ON CONFLICT DO NOTHING` (a key stored before, or by a concurrent writer meanwhile, is skipped,
    never an error) and the mention only when its key was new, with the id drawn for the key. The
    trigger that writes keys for every other insert path is told to stand aside (`_KEYS_WRITTEN`): as
    a row trigger it would cost a function call per row (measured: the store step at ~0.5x its
    plain-table rate)."""
    table = Mention.__table__
    values = ", ".join(f":{c}" for c in columns)
    return text(
        "WITH k AS (INSERT INTO mention_keys (platform, external_id, mention_id, created_at) "
        "VALUES (:platform, :external_id, nextval('mentions_id_seq'), :created_at) "
        "ON CONFLICT DO NOTHING RETURNING mention_id) "
        f"INSERT INTO mentions (id, {', '.join(columns)}) SELECT k.mention_id, {values} FROM k"
    ).bindparams(*(bindparam(c, type_=table.c[c].type) for c in columns))


# The columns whose values come from outside (the platform, a file, a form) or from their text;
# the rest are Pantau's own vocabulary and are not scanned on this hot path.
_MENTION_LENGTHS = {name: length for name, length in column_lengths(Mention.__table__).items()
                    if name in ("external_id", "author_id", "author_handle", "author_name", "text", "url", "lang",
                                "in_reply_to_id", "conversation_id", "topic")}


def _store_one_by_one(session: Session, statement, rows: list[dict]) -> int:
    """The slow path after a refused batch: each row in its own savepoint; a refused row is logged
    by its platform id (never its text) and skipped, the others are stored."""
    new = 0
    for row in rows:
        try:
            with session.begin_nested():
                new += max(session.connection().execute(statement, row,
                                                      execution_options={"preserve_rowcount": True}).rowcount, 0)
        except DBAPIError as exc:
            log.error("mention %s/%s not stored: %s", row.get("platform"), row.get("external_id"),
                      type(getattr(exc, "orig", None) or exc).__name__)
    return new


def apply_replies(session: Session, account: Account, replies: Sequence[ReplyRecord]) -> int:
    """Mark mentions answered by the account's own replies; keeps the earliest reply time."""
    answered = 0
    direct = {r.replied_to_id: r for r in sorted(replies, key=lambda r: r.created_at, reverse=True)
              if r.replied_to_id}
    for chunk in _chunks(list(direct)):
        targets = session.execute(
            select(Mention.id, Mention.external_id, Mention.created_at).where(
                keyed(session.get_bind().dialect.name, account.platform, chunk),
                Mention.answered_at.is_(None),
            )
        ).all()
        for mid, ext, created in targets:
            reply = direct[ext]
            if reply.created_at < created:
                continue
            answered += _mark_answered(session, mid, reply, "api")
    # Weaker signal: a reply in the same conversation to the mention's author, after it.
    threaded = [r for r in replies if r.conversation_id and r.in_reply_to_user_id]
    for reply in sorted(threaded, key=lambda r: r.created_at):
        mid = session.scalar(
            select(Mention.id)
            .where(
                Mention.platform == account.platform,
                of_account(account.id),
                Mention.conversation_id == reply.conversation_id,
                Mention.author_id == reply.in_reply_to_user_id,
                Mention.created_at <= reply.created_at,
                Mention.answered_at.is_(None),
            )
            .order_by(Mention.created_at)
            .limit(1)
        )
        if mid is not None:
            answered += _mark_answered(session, mid, reply, "api-thread")
    return answered


def _mark_answered(session: Session, mention_id: int, reply: ReplyRecord, how: str) -> int:
    result = session.execute(
        update(Mention)
        .where(Mention.id == mention_id, Mention.answered_at.is_(None))
        .values(
            answered_at=reply.created_at,
            answered_by=how,
            answer_external_id=reply.external_id,
            version=Mention.version + 1,
            updated_at=utcnow(),
        )
    )
    return result.rowcount or 0


def record_requests(session: Session, source: str, account_id: int | None, costs: Sequence[RequestCost]) -> None:
    for cost in costs:
        session.add(
            ApiRequest(
                at=cost.at or utcnow(),
                source=source,
                endpoint=cost.endpoint,
                account_id=account_id,
                status_code=cost.status_code,
                posts_read=cost.posts_read,
                users_read=cost.users_read,
                rate_limit_remaining=cost.rate_limit_remaining,
                rate_limit_reset=cost.rate_limit_reset,
            )
        )


def store_batch(session: Session, source: str, account: Account, batch: Batch) -> SyncReport:
    """Store one fetched batch and advance the account's cursor, all in the caller's transaction."""
    new, dupes = store_mentions(session, account, batch.mentions)
    answered = apply_replies(session, account, batch.replies)
    record_requests(session, source, account.id, batch.requests)
    state = sync_state(session, source, account.id)
    now = utcnow()
    if batch.cursor is not None:
        state.cursor = batch.cursor
    state.last_run_at = state.last_success_at = now
    state.last_error = None
    state.error_count = 0
    if new:
        issues.regroup(session)
    return SyncReport(account_id=account.id, new_mentions=new, duplicates=dupes, answered=answered)
