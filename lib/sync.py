"""Sync what is due: one run at a time across every browser session and process.

Pages call `maybe_sync` on open/refresh (throttled by `PANTAU_SYNC_INTERVAL_SECONDS`); cron or a
worker loop calls `python -m lib.sync`. A lease row in the database is the lock, so it holds across
processes and machines. One account failing never stops the others nor loses stored data.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from lib import daily, ingest, ledger, partitions, snapshots
from lib.config import Settings, load_settings
from lib.db import get_engine, session_scope
from lib.metrics import SlaPolicy
from lib.models import Account, Mention, SyncLock, SyncRun, SyncState, Unit, utcnow
from lib.scope import NATIONAL, Scope
from lib.sources import registry
from lib.sources.base import AccountFacts, Batch, MentionRecord, Source, SourceError, SyncReport

log = logging.getLogger("pantau.sync")
LOCK_NAME = "sync"
LOCK_TTL = timedelta(minutes=10)
ACCOUNT_CHECK = "verification"  # the sync-state kind of a source's once-per-pass account step


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def acquire_lock(engine: Engine, holder: str, name: str = LOCK_NAME, ttl: timedelta = LOCK_TTL) -> bool:
    """Take the named lease if it is free or expired; atomic on SQLite and PostgreSQL."""
    now = utcnow()
    with engine.begin() as conn:
        stolen = conn.execute(
            update(SyncLock).where(SyncLock.name == name, SyncLock.expires_at < now)
            .values(holder=holder, acquired_at=now, expires_at=now + ttl)
        ).rowcount
    if stolen:
        return True
    try:
        with engine.begin() as conn:
            conn.execute(insert(SyncLock).values(name=name, holder=holder, acquired_at=now, expires_at=now + ttl))
        return True
    except IntegrityError:
        return False


def release_lock(engine: Engine, holder: str, name: str = LOCK_NAME) -> None:
    with engine.begin() as conn:
        conn.execute(delete(SyncLock).where(SyncLock.name == name, SyncLock.holder == holder))


@dataclass
class RunResult:
    status: str  # ran / throttled / busy / nothing
    new_mentions: int = 0
    errors: list[str] = field(default_factory=list)
    reports: list[SyncReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def enabled_sources(settings: Settings, *, page_load: bool = False, names: list[str] | None = None) -> list[Source]:
    """Fresh objects for the sources switched on by configuration (see `lib.sources.registry`)."""
    return registry.build_enabled(settings, page_load=page_load, names=names)


def last_run_started(engine: Engine) -> datetime | None:
    with session_scope(engine) as s:
        return s.scalar(select(func.max(SyncRun.started_at)))


def run(engine: Engine, sources: list[Source], scope: Scope = NATIONAL, handle: str | None = None) -> RunResult:
    """One pass over every active account of each source (in scope), under the lock."""
    holder = holder_id()
    if not acquire_lock(engine, holder):
        return RunResult("busy")
    result = RunResult("ran")
    try:
        for source in sources:
            _run_source(engine, source, scope, handle, result)
        refresh_daily_counts(engine)
        store_snapshot(engine)
        partitions.ensure_daily(engine)  # next months' partitions (PostgreSQL), checked once a day
    finally:
        release_lock(engine, holder)
    return result


# ---------------------------------------------------------------------------- storing a batch


def apply_facts(session: Session, facts: list[AccountFacts]) -> None:
    """What a platform said about our accounts: ids, verification, reach, problems."""
    for fact in facts:
        account = session.get(Account, fact.account_id)
        if account is None:
            continue
        if fact.platform_user_id is not None:
            account.platform_user_id = fact.platform_user_id
        if fact.verified is not None:
            account.verified = fact.verified
        if fact.verified_type is not None:
            account.verified_type = fact.verified_type
        if fact.followers is not None:
            account.followers = fact.followers
        if fact.last_post_at is not None and (account.last_post_at is None or fact.last_post_at > account.last_post_at):
            account.last_post_at = fact.last_post_at
        if fact.checked_at is not None:
            account.last_checked_at = fact.checked_at
        if fact.problem is not None:
            account.problem = fact.problem
        elif account.problem and fact.clear_problem and account.problem.startswith(fact.clear_problem):
            account.problem = None


def fill_authors(session: Session, platform: str, records: list[MentionRecord]) -> int:
    """Give stored mentions their author's handle and name once a later page names the author
    (an expansion can miss an author on one page and carry it on the next)."""
    known = {r.author_id: r for r in records if r.author_id and r.author_handle}
    filled = 0
    for author_id, rec in known.items():
        filled += session.execute(
            update(Mention)
            .where(Mention.platform == platform, Mention.author_id == author_id, Mention.author_handle.is_(None))
            .values(author_handle=rec.author_handle, author_name=rec.author_name)
        ).rowcount or 0
    return filled


def store(session: Session, source: Source, account: Account, batch: Batch,
          failure: Exception | None = None) -> SyncReport:
    """Store one batch in the caller's transaction: mentions and the account's replies (through
    `lib.ingest`), facts, the request and billing ledgers, cursors, schedule and warnings, and
    the source's own bookkeeping (`Source.record_outcome`). Webhook deliveries come through here too.

    With `failure`, the batch is what was read before it: stored all the same, the cursors of the
    stages that did not finish stay where they were, and the failure is recorded on the account."""
    now = source.now()
    state = ingest.sync_state(session, source.name, account.id, "mentions")
    previous_success, errors_before = state.last_success_at, state.error_count or 0
    apply_facts(session, batch.facts)
    report = ingest.store_batch(session, source.name, account, batch)
    ledger.record(session, source.name, batch.requests)
    fill_authors(session, account.platform, batch.mentions)
    if batch.reply_cursor is not None:
        replies = ingest.sync_state(session, source.name, account.id, "replies")
        replies.cursor = batch.reply_cursor
        replies.last_run_at = replies.last_success_at = now
    state.last_run_at = now
    state.last_warning = "; ".join(dict.fromkeys(batch.errors))[:2000] or None
    if batch.errors:
        log.warning("sync %s @%s: %s", source.name, account.handle, state.last_warning)
    source.record_outcome(session, account, failure)
    if failure is None:
        state.last_success_at = now
        state.next_due_at = batch.next_due_at
        return report
    message = source.describe_error(failure)
    state.last_success_at = previous_success  # a failed sync is not a success, even half-way
    state.last_error = message
    state.error_count = errors_before + 1
    state.next_due_at = source.hold_until(session, account, failure, now)
    report.error = message
    return report


def record_failure(session: Session, source: Source, account_id: int, exc: Exception) -> str:
    """An account that failed with nothing to store: the error and when to try again."""
    message = _describe(source, exc)
    state = ingest.sync_state(session, source.name, account_id)
    now = source.now()
    state.last_run_at = now
    state.last_error = message
    state.error_count = (state.error_count or 0) + 1
    account = session.get(Account, account_id)
    state.next_due_at = source.hold_until(session, account, exc, now)
    if account is not None:
        source.record_outcome(session, account, exc)
    return message


def check_accounts(session: Session, source: Source) -> None:
    """The source's once-per-pass account step (ids, verification, flagged accounts re-checked),
    with its own state row; raises the source's error after storing what it read."""
    accounts = list(session.scalars(select(Account).where(Account.platform.in_(source.platforms), Account.active)
                                    .order_by(Account.id)))
    if not accounts:
        return
    state = ingest.sync_state(session, source.name, None, ACCOUNT_CHECK)
    now = source.now()
    try:
        batch = source.check_accounts(session, accounts, state, now)
    except SourceError as exc:
        if exc.partial is not None:
            _store_check(session, source, exc.partial)
        state.last_run_at = now
        state.last_error = source.describe_error(exc)
        state.next_due_at = source.hold_until(session, None, exc, now)
        raise
    if batch is None:
        return
    _store_check(session, source, batch)
    state.last_run_at = state.last_success_at = now
    state.last_error = None
    state.next_due_at = batch.next_due_at


def _store_check(session: Session, source: Source, batch: Batch) -> None:
    apply_facts(session, batch.facts)
    ingest.record_requests(session, source.name, None, batch.requests)
    ledger.record(session, source.name, batch.requests)


def sync_account(session: Session, source: Source, account: Account, *, check: bool = True) -> SyncReport:
    """Read and store one account in process (the account step first, unless `check` is off).
    On a source error, what was read is stored and committed and the error re-raised."""
    if check:
        try:
            check_accounts(session, source)
        except SourceError as exc:
            if exc.stops_pass:
                record_failure(session, source, account.id, exc)
                session.commit()
                raise
            session.commit()  # the account may still be readable (its id is known)
    try:
        cursors = {kind: ingest.sync_state(session, source.name, account.id, kind).cursor
                   for kind in ("mentions", "replies")}
        batch = source.read(session, account, cursors)
    except SourceError as exc:
        if exc.partial is not None:
            store(session, source, account, exc.partial, failure=exc)
        else:
            record_failure(session, source, account.id, exc)
        session.commit()
        raise
    return store(session, source, account, batch)


# ---------------------------------------------------------------------------- one pass of one source


def _run_source(engine: Engine, source: Source, scope: Scope, handle: str | None, result: RunResult) -> None:
    started = source.now()
    with session_scope(engine) as s:
        q = (select(Account.id).join(Unit, Unit.id == Account.unit_id)
             .where(Account.active, Account.platform.in_(source.platforms), scope.unit_clause()))
        if handle:
            q = q.where(Account.handle == handle)
        account_ids = list(s.scalars(q.order_by(Account.id)))
    errors: list[str] = []
    new = 0
    stopped: Exception | None = None  # a failure that would repeat for every account (token, budget)
    try:
        with session_scope(engine) as s:
            try:
                check_accounts(s, source)
            except SourceError as exc:  # stored with its state row when this scope commits
                message = source.describe_error(exc)
                log.warning("sync %s account check failed: %s", source.name, message)
                errors.append(message)
                if exc.stops_pass:
                    stopped = exc
    except Exception as exc:  # an unexpected bug in the account step must not stop the reads
        message = _describe(source, exc)
        log.exception("sync %s account check failed", source.name)
        errors.append(message)
    for account_id in account_ids:
        if stopped is not None:
            with session_scope(engine) as s:
                if (acc := s.get(Account, account_id)) is not None and source.is_due(s, acc, started):
                    record_failure(s, source, account_id, stopped)
            continue
        try:
            with session_scope(engine) as s:
                account = s.get(Account, account_id)
                if account is None or not source.is_due(s, account, started):
                    continue
                report = sync_account(s, source, account, check=False)
            result.reports.append(report)
            new += report.new_mentions
        except SourceError as exc:  # stored and committed by sync_account
            message = source.describe_error(exc)
            log.warning("sync %s account %s failed: %s", source.name, account_id, message)
            errors.append(message)
            if exc.stops_pass:
                stopped = exc
        except Exception as exc:  # one account's failure must not stop the others
            message = _describe(source, exc)
            log.warning("sync %s account %s failed: %s", source.name, account_id, message, exc_info=True)
            errors.append(message)
            with session_scope(engine) as s:
                record_failure(s, source, account_id, exc)
    with session_scope(engine) as s:
        s.add(SyncRun(source=source.name, started_at=started, finished_at=source.now(), ok=not errors,
                      new_mentions=new, error="; ".join(sorted(set(errors)))[:2000] or None))
    result.new_mentions += new
    result.errors.extend(f"{source.name}: {e}" for e in sorted(set(errors)))


def _describe(source: Source, exc: Exception) -> str:
    """What is stored and shown for a failed account. A database error's text carries SQL and
    parameters (mention text): only its kind is kept; the whole of it is in the server log."""
    if isinstance(exc, SQLAlchemyError):
        return f"galat basis data ({type(getattr(exc, 'orig', None) or exc).__name__}); rincian di log server"
    return source.describe_error(exc)


def refresh_daily_counts(engine: Engine) -> None:
    """Recompute the days the run touched (lib/daily.py), so page loads find nothing left to do.
    Readers refresh on their own too, so a failure here only costs the next page load some time."""
    try:
        with session_scope(engine) as s:
            daily.refresh(s, load_settings().sla_minutes)
    except Exception as exc:  # never fail a sync over a derived table
        log.warning("daily counts refresh failed: %s", exc)


def store_snapshot(engine: Engine, now: datetime | None = None) -> bool:
    """The headline snapshot of this 5-minute slot (lib/snapshots.py), at most once per slot, after
    the daily tables are fresh; next week's overview compares against it. Never fails a sync: a
    missing slot only makes that page reconstruct the figures itself."""
    try:
        settings = load_settings()
        policy = SlaPolicy(settings.sla_minutes, settings.hard_limit_minutes)
        mark = snapshots.slot_of(now or utcnow())
        with session_scope(engine) as s:
            if snapshots.has_slot(s, mark, policy):
                return False
            started = time.perf_counter()
            n = snapshots.store(s, snapshots.take(s, mark, policy))
            log.info("headline snapshot %s: %d rows in %.0f ms", mark.isoformat(), n,
                     (time.perf_counter() - started) * 1000)
        return True
    except Exception as exc:  # never fail a sync over a derived table
        log.warning("headline snapshot failed: %s", type(exc).__name__)
        return False


def maybe_sync(engine: Engine | None = None, settings: Settings | None = None, scope: Scope = NATIONAL,
               force: bool = False) -> RunResult:
    """Sync if the last run is older than the interval; cheap to call on every page load."""
    settings = settings or load_settings()
    engine = engine or get_engine(settings.database_url)
    # A slow or failing API must not hold up a page: such sources are read by the worker only.
    sources = enabled_sources(settings, page_load=True)
    if not sources:
        return RunResult("nothing")
    if not force:
        cutoff = utcnow() - timedelta(seconds=settings.sync_interval_seconds)
        sources = [src for src in sources if _has_stale_account(engine, src, scope, cutoff)]
        if not sources:
            return RunResult("throttled")
    return run(engine, sources, scope)


def _accounts_of(source: Source, scope: Scope):
    from lib.models import Unit

    return (select(Account.id).join(Unit, Unit.id == Account.unit_id)
            .where(Account.active, Account.platform.in_(source.platforms), scope.unit_clause()))


def _has_stale_account(engine: Engine, source: Source, scope: Scope, cutoff: datetime) -> bool:
    """Whether any account of `source` in `scope` was last read before `cutoff` (or never). The
    throttle is per source and account: a Polsek wall's run leaves the rest of the country due."""
    fresh = select(SyncState.account_id).where(SyncState.source == source.name, SyncState.kind == "mentions",
                                               SyncState.last_run_at >= cutoff)
    with session_scope(engine) as s:
        return s.scalar(_accounts_of(source, scope).where(Account.id.not_in(fresh)).limit(1)) is not None


def freshness(engine: Engine, settings: Settings, scope: Scope) -> datetime | None:
    """When the data of `scope` was last complete: the oldest last successful read over the scope's
    active accounts of every enabled source (None: some account was never read)."""
    oldest: datetime | None = None
    for source in enabled_sources(settings):
        with session_scope(engine) as s:
            ids = _accounts_of(source, scope).subquery()
            total = s.scalar(select(func.count()).select_from(ids)) or 0
            if not total:
                continue
            read, stalest = s.execute(
                select(func.count(SyncState.id), func.min(SyncState.last_success_at))
                .where(SyncState.source == source.name, SyncState.kind == "mentions",
                       SyncState.account_id.in_(select(ids.c.id)), SyncState.last_success_at.is_not(None))
            ).one()
        if read < total or stalest is None:
            return None
        oldest = stalest if oldest is None else min(oldest, stalest)
    return oldest


@dataclass(frozen=True)
class Lease:
    holder: str
    acquired_at: datetime
    expires_at: datetime


def current_lease(engine: Engine, name: str = LOCK_NAME) -> Lease | None:
    """The sync lease as it stands (for a warning when a run holds it long or a crash left it)."""
    with session_scope(engine) as s:
        row = s.get(SyncLock, name)
        return Lease(row.holder, row.acquired_at, row.expires_at) if row is not None else None


def last_failure(engine: Engine) -> SyncRun | None:
    """The newest run if it failed (the page shows its error next to the last good data)."""
    with session_scope(engine) as s:
        newest = s.scalar(select(SyncRun).order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(1))
        return newest if newest is not None and not newest.ok else None


def sync_now(engine: Engine, settings: Settings, scope: Scope, name: str) -> RunResult:
    """"Sinkronkan sekarang" on the Sumber Data page: one source's accounts in scope, ignoring their
    polling interval (never a rate-limit or error hold)."""
    sources = enabled_sources(settings, names=[name])
    if not sources:
        return RunResult("nothing")
    for source in sources:
        source.force = True
    return run(engine, sources, scope)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.sync", description="Sinkronisasi sumber sebutan.")
    names = [spec.name for spec in registry.all_specs()]
    parser.add_argument("--source", action="append", choices=names,
                        help=f"hanya sumber ini ({', '.join(names)}); boleh diulang")
    parser.add_argument("--account", help="hanya akun dengan handle ini")
    parser.add_argument("--loop", action="store_true", help="terus berjalan (pekerja sinkronisasi)")
    parser.add_argument("--interval", type=int, default=None, help="detik antar putaran untuk --loop")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    while True:
        # Settings and sources are built afresh every pass: nothing one pass learnt (a refused
        # token, a half-read page) carries into the next, and a fixed token is picked up.
        settings = load_settings()
        engine = get_engine(settings.database_url)
        sources = enabled_sources(settings, names=args.source)
        for name in args.source or []:
            spec = registry.get(name)
            if spec is not None and all(src.name != name for src in sources) and spec.off_hint:
                print(spec.off_hint, file=sys.stderr)
        if not sources and not args.loop:
            print("Tidak ada sumber aktif untuk disinkronkan.", file=sys.stderr)
            return 2
        result = run(engine, sources, NATIONAL, args.account) if sources else RunResult("nothing")
        print(f"status={result.status} baru={result.new_mentions} galat={len(result.errors)}")
        for err in result.errors:
            print(f"  galat: {err}", file=sys.stderr)
        if not args.loop:
            return 0 if result.ok else 1
        time.sleep(args.interval or settings.sync_interval_seconds)


if __name__ == "__main__":
    raise SystemExit(main())
