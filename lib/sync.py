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

from lib import daily, ingest
from lib.config import Settings, load_settings
from lib.db import get_engine, session_scope
from lib.models import Account, SyncLock, SyncRun, SyncState, utcnow
from lib.scope import NATIONAL, Scope
from lib.sources.base import Source, SyncReport

log = logging.getLogger("pantau.sync")
LOCK_NAME = "sync"
LOCK_TTL = timedelta(minutes=10)


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


def enabled_sources(settings: Settings) -> list[Source]:
    """The sources switched on by configuration."""
    sources: list[Source] = []
    if settings.demo_source:
        from lib.sources.demo import DemoSource

        sources.append(DemoSource())
    if settings.x_bearer_token:  # no token: the X source is simply off
        from lib.sources.x import XSource

        sources.append(XSource.from_settings(settings))
    return sources


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
    finally:
        release_lock(engine, holder)
    return result


def _run_source(engine: Engine, source: Source, scope: Scope, handle: str | None, result: RunResult) -> None:
    started = utcnow()
    with session_scope(engine) as s:
        from lib.models import Unit

        q = (select(Account.id).join(Unit, Unit.id == Account.unit_id)
             .where(Account.active, Account.platform.in_(source.platforms), scope.unit_clause()))
        if handle:
            q = q.where(Account.handle == handle)
        account_ids = list(s.scalars(q.order_by(Account.id)))
    errors: list[str] = []
    new = 0
    for account_id in account_ids:
        try:
            with session_scope(engine) as s:
                account = s.get(Account, account_id)
                if account is None or not source.is_due(s, account, started):
                    continue
                report = source.sync(s, account)
            result.reports.append(report)
            new += report.new_mentions
        except Exception as exc:  # one account's failure must not stop the others
            message = _describe(source, exc)
            log.warning("sync %s account %s failed: %s", source.name, account_id, message, exc_info=True)
            errors.append(message)
            with session_scope(engine) as s:
                state = ingest.sync_state(s, source.name, account_id)
                state.last_run_at = utcnow()
                state.last_error = message
                state.error_count = (state.error_count or 0) + 1
                source.after_error(s, state, exc)
    with session_scope(engine) as s:
        s.add(SyncRun(source=source.name, started_at=started, finished_at=utcnow(), ok=not errors,
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


def maybe_sync(engine: Engine | None = None, settings: Settings | None = None, scope: Scope = NATIONAL,
               force: bool = False) -> RunResult:
    """Sync if the last run is older than the interval; cheap to call on every page load."""
    settings = settings or load_settings()
    engine = engine or get_engine(settings.database_url)
    # A slow or failing X API must not hold up a page: by default X is synced by the worker.
    sources = [src for src in enabled_sources(settings) if src.name != "x" or settings.x_sync_on_page_load]
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.sync", description="Sinkronisasi sumber sebutan.")
    parser.add_argument("--source", action="append", help="hanya sumber ini (demo, x); boleh diulang")
    parser.add_argument("--account", help="hanya akun dengan handle ini")
    parser.add_argument("--loop", action="store_true", help="terus berjalan (pekerja sinkronisasi)")
    parser.add_argument("--interval", type=int, default=None, help="detik antar putaran untuk --loop")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    engine = get_engine(settings.database_url)
    sources = [s for s in enabled_sources(settings) if not args.source or s.name in args.source]
    if args.source and "x" in args.source and not settings.x_bearer_token:
        print("Sumber X tidak aktif: setel PANTAU_X_BEARER_TOKEN (atau x_bearer_token di "
              ".streamlit/secrets.toml).", file=sys.stderr)
    if not sources:
        print("Tidak ada sumber aktif untuk disinkronkan.", file=sys.stderr)
        return 2
    while True:
        result = run(engine, sources, NATIONAL, args.account)
        print(f"status={result.status} baru={result.new_mentions} galat={len(result.errors)}")
        for err in result.errors:
            print(f"  galat: {err}", file=sys.stderr)
        if not args.loop:
            return 0 if result.ok else 1
        time.sleep(args.interval or settings.sync_interval_seconds)


if __name__ == "__main__":
    raise SystemExit(main())
