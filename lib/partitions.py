"""Monthly partitions of `mentions` on PostgreSQL (migration 0014_partition); SQLite has none.

- `ensure`: create the partitions of this month and `AHEAD` months ahead. The migration created
  them up to three months ahead; the sync worker calls `ensure_daily` after each pass (a catalog
  read, at most once a day per process), and `python -m lib.partitions ensure` does it by hand or
  from cron (as the schema owner: the app role may not create tables).
- `archive --before YYYY-MM`: retention. Each month partition wholly before that month is detached,
  written to files (its rows with `pg_dump` when available, else `COPY`; the rows of
  `mention_targets`, `corrections`, `ticket_links` and `mention_keys` that point at it with `COPY`),
  then dropped, and its keys removed. The derived daily tables keep those months' counts and
  histograms (the trends stay whole); `python -m lib.daily` must not be run afterwards for archived
  days, since a rebuild recomputes from what is left.
- `mention_keys`: the identity of a post, (platform, external_id) → mention id and time. On
  PostgreSQL the dedupe lives there (a unique key of a partitioned table must contain the partition
  key); `keyed` looks mentions up through it on both backends.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    select,
    text,
    tuple_,
)
from sqlalchemy.exc import DBAPIError

from lib.config import DATA_DIR
from lib.models import Mention

log = logging.getLogger("pantau.partitions")
AHEAD = 3
PARENT = "mentions"
DEFAULT = "mentions_default"
_NAME = re.compile(r"^mentions_p(\d{4})(\d{2})$")
ONLY_POSTGRES = ("Partisi bulanan hanya ada di PostgreSQL; basis data ini SQLite, tidak ada yang perlu dilakukan. "
                 "(Monthly partitioning is PostgreSQL-only.)")

# PostgreSQL only (created by 0014_partition): not in `lib.models.Base`, so SQLite never sees it.
mention_keys = Table(
    "mention_keys", MetaData(),
    Column("platform", String(20), primary_key=True),
    Column("external_id", String(64), primary_key=True),
    Column("mention_id", Integer, nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def partitioned(conn: Connection) -> bool:
    """True on PostgreSQL once `mentions` is partitioned."""
    if conn.dialect.name != "postgresql":
        return False
    return bool(conn.scalar(text("SELECT EXISTS (SELECT 1 FROM pg_partitioned_table "
                                 "WHERE partrelid = to_regclass('mentions'))")))


def keyed(dialect: str, platform: str, external_ids: Sequence[str]) -> ColumnElement[bool]:
    """Condition on `Mention`: one of these posts. SQLite reads its unique (platform, external_id)
    index; PostgreSQL finds (id, created_at) in `mention_keys`, so each key probes one partition."""
    ids = list(external_ids)
    if dialect != "postgresql":
        return (Mention.platform == platform) & Mention.external_id.in_(ids)
    keys = select(mention_keys.c.mention_id, mention_keys.c.created_at).where(
        mention_keys.c.platform == platform, mention_keys.c.external_id.in_(ids))
    return tuple_(Mention.id, Mention.created_at).in_(keys)


def month_start(d: date, add: int = 0) -> date:
    n = d.year * 12 + d.month - 1 + add
    return date(n // 12, n % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"mentions_p{month:%Y%m}"


@dataclass(frozen=True)
class Partition:
    name: str
    month: date | None  # None: the default partition
    rows: int  # the planner's estimate (reltuples), not a count
    attached: bool = True


def partitions(conn: Connection) -> list[Partition]:
    """The partitions of `mentions`, months in order, then the default; also month tables left
    detached by an interrupted archive run (attached=False)."""
    rows = conn.execute(text(
        "SELECT c.relname, GREATEST(c.reltuples, 0)::bigint, i.inhparent IS NOT NULL FROM pg_class c "
        "LEFT JOIN pg_inherits i ON i.inhrelid = c.oid AND i.inhparent = 'mentions'::regclass "
        "WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace "
        "AND (i.inhparent IS NOT NULL OR c.relname ~ '^mentions_p[0-9]{6}$')")).all()
    out = []
    for name, n, attached in rows:
        m = _NAME.match(name)
        out.append(Partition(name, date(int(m[1]), int(m[2]), 1) if m else None, int(n), bool(attached)))
    return sorted(out, key=lambda p: (p.month is None, p.month or date.min))


def ensure(engine: Engine, ahead: int = AHEAD, today: date | None = None) -> list[str]:
    """Create the missing partitions from this month to `ahead` months ahead; returns their names.
    A month whose rows already sit in the default partition is left there (reported in the log):
    moving them needs a maintenance window, and the default partition serves them meanwhile."""
    today = today or datetime.now(UTC).date()
    created = []
    with engine.connect() as conn:
        if not partitioned(conn):
            return []
        have = {p.name for p in partitions(conn)}
    for k in range(ahead + 1):
        month = month_start(today, k)
        name = partition_name(month)
        if name in have:
            continue
        lo, hi = f"{month:%Y-%m-%d} 00:00:00+00", f"{month_start(month, 1):%Y-%m-%d} 00:00:00+00"
        with engine.begin() as conn:
            # Created apart, then attached: ATTACH holds only SHARE UPDATE EXCLUSIVE on `mentions`
            # (reads and writes go on) where CREATE … PARTITION OF takes ACCESS EXCLUSIVE; the
            # default partition is still locked while it is checked, so never queue behind a long
            # statement for more than a moment (a timeout is retried on the next day's run).
            conn.execute(text("SET LOCAL lock_timeout = '2s'"))
            if conn.scalar(text(f"SELECT EXISTS (SELECT 1 FROM {DEFAULT} WHERE created_at >= :lo AND created_at < :hi)"),
                           {"lo": lo, "hi": hi}):
                log.warning("%s not created: the default partition holds mentions of that month", name)
                continue
            conn.execute(text(f"CREATE TABLE {name} (LIKE {PARENT} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
                              "INCLUDING STORAGE)"))
            conn.execute(text(f"ALTER TABLE {PARENT} ATTACH PARTITION {name} FOR VALUES FROM ('{lo}') TO ('{hi}')"))
        created.append(name)
    return created


_last_ensured: date | None = None


def ensure_daily(engine: Engine) -> None:
    """`ensure` at most once a UTC day per process; for the sync worker after each pass. Never
    raises: the migration left three months of room, so a failure (e.g. the app role may not
    create tables) is logged and the cron job or the next day covers it."""
    global _last_ensured
    today = datetime.now(UTC).date()
    if _last_ensured == today or engine.dialect.name != "postgresql":
        return
    _last_ensured = today
    try:
        created = ensure(engine, today=today)
        if created:
            log.info("partitions created: %s", ", ".join(created))
    except DBAPIError as exc:
        log.warning("partition ensure failed (run `python -m lib.partitions ensure` as the schema owner): %s",
                    type(exc.orig).__name__ if exc.orig else exc)


# ------------------------------------------------------------------------------------ archival

@dataclass(frozen=True)
class Archived:
    name: str
    mentions: int
    files: list[Path]


_DEPENDENTS = {  # table: rows pointing at the partition's mentions (`p` is the partition)
    "mention_targets": "SELECT t.* FROM mention_targets t JOIN {p} p ON p.id = t.mention_id AND p.created_at = t.created_at",
    "corrections": "SELECT t.* FROM corrections t WHERE t.mention_id IN (SELECT id FROM {p})",
    "ticket_links": "SELECT t.* FROM ticket_links t WHERE t.mention_id IN (SELECT id FROM {p})",
    "mention_keys": "SELECT t.* FROM mention_keys t WHERE t.mention_id IN (SELECT id FROM {p})",
}


def _copy_out(conn: Connection, query: str, path: Path) -> None:
    """COPY a query's rows to a CSV file with a header, in the connection's transaction."""
    cur = conn.connection.driver_connection.cursor()
    with path.open("wb") as fh, cur.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
        for chunk in copy:
            fh.write(chunk)


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password (a command line is visible to every local user) and the
    environment that carries it instead."""
    url = engine.url.set(drivername="postgresql")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def _dump_table(engine: Engine, name: str, out_dir: Path) -> Path:
    """The detached partition to a file: `pg_dump -t` (custom format: schema and rows, restorable
    with pg_restore) when it is installed and works, else a CSV via COPY."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump:
        path = out_dir / f"{name}.dump"
        url, env = _libpq(engine)
        done = subprocess.run([pg_dump, "--format=custom", "--no-owner", "-t", name, "-f", str(path), "--dbname", url],
                              capture_output=True, text=True, check=False, env=env)
        if done.returncode == 0:
            return path
        log.warning("pg_dump of %s failed, writing CSV instead: %s", name, done.stderr.strip()[:300])
        path.unlink(missing_ok=True)
    path = out_dir / f"{name}.csv"
    with engine.connect() as conn:
        _copy_out(conn, f"SELECT * FROM {name}", path)
    return path


def archive(engine: Engine, before: date, dump_dir: Path) -> list[Archived]:
    """Archive every month partition that ends on or before `before` (the first of a month):
    1. in one transaction: its dependants' rows to CSV files and deleted, then DETACH (a plain
       DETACH: CONCURRENTLY is not allowed while a default partition exists; it waits for running
       statements on `mentions` and holds its lock for milliseconds);
    2. the detached table to a file (pg_dump, else COPY), then DROP.
    A table left detached by an interrupted run is dumped and dropped by the next run. Older rows
    in the default partition are archived too (`_archive_default`)."""
    before = month_start(before)
    if before > month_start(datetime.now(UTC).date()):
        raise ValueError("Bulan berjalan dan bulan yang akan datang tidak bisa diarsipkan: "
                         "--before paling lambat bulan ini.")
    with engine.connect() as conn:
        if not partitioned(conn):
            return []
        old = [p for p in partitions(conn) if p.month is not None and month_start(p.month, 1) <= before]
    if old:
        dump_dir.mkdir(parents=True, exist_ok=True)
    done = []
    for part in old:
        files: list[Path] = []
        if part.attached:
            with engine.begin() as conn:
                conn.execute(text("SET LOCAL lock_timeout = '30s'"))
                conn.execute(text(f"LOCK TABLE {part.name} IN SHARE MODE"))  # no new rows while we copy
                for table, query in _DEPENDENTS.items():
                    path = dump_dir / f"{part.name}.{table}.csv"
                    _copy_out(conn, query.format(p=part.name), path)
                    files.append(path)
                conn.execute(text(f"DELETE FROM ticket_links WHERE mention_id IN (SELECT id FROM {part.name})"))
                conn.execute(text(f"DELETE FROM corrections WHERE mention_id IN (SELECT id FROM {part.name})"))
                conn.execute(text(f"DELETE FROM mention_targets t USING {part.name} p "
                                  "WHERE p.id = t.mention_id AND p.created_at = t.created_at"))
                conn.execute(text(f"DELETE FROM mention_keys WHERE mention_id IN (SELECT id FROM {part.name})"))
                conn.execute(text(f"ALTER TABLE {PARENT} DETACH PARTITION {part.name}"))
        with engine.connect() as conn:
            count = int(conn.scalar(text(f"SELECT count(*) FROM {part.name}")) or 0)
        files.append(_dump_table(engine, part.name, dump_dir))
        with engine.begin() as conn:
            conn.execute(text(f"DROP TABLE {part.name}"))
        log.info("archived %s: %d mentions", part.name, count)
        done.append(Archived(part.name, count, files))
    left = _archive_default(engine, before, dump_dir)
    return done + ([left] if left else [])


def _archive_default(engine: Engine, before: date, dump_dir: Path) -> Archived | None:
    """Mentions older than `before` that sit in the default partition (stored for a month no
    partition covered, e.g. an import of old complaints): they and their dependants' rows to CSV
    files, then deleted, in one transaction, so a retention run leaves nothing older behind."""
    cut = f"{before:%Y-%m-%d} 00:00:00+00"
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL lock_timeout = '30s'"))
        if not conn.scalar(text(f"SELECT EXISTS (SELECT 1 FROM {DEFAULT} WHERE created_at < :cut)"), {"cut": cut}):
            return None
        dump_dir.mkdir(parents=True, exist_ok=True)
        old = "archive_default"
        conn.execute(text(f"LOCK TABLE {DEFAULT} IN SHARE MODE"))  # no new rows while we copy
        conn.execute(text(f"CREATE TEMP TABLE {old} ON COMMIT DROP AS SELECT * FROM {DEFAULT} WHERE created_at < :cut"),
                     {"cut": cut})
        stem = f"{DEFAULT}.before-{before:%Y-%m}"
        files = []
        for table, query in _DEPENDENTS.items():
            files.append(dump_dir / f"{stem}.{table}.csv")
            _copy_out(conn, query.format(p=old), files[-1])
        files.append(dump_dir / f"{stem}.csv")
        _copy_out(conn, f"SELECT * FROM {old}", files[-1])
        conn.execute(text(f"DELETE FROM ticket_links WHERE mention_id IN (SELECT id FROM {old})"))
        conn.execute(text(f"DELETE FROM corrections WHERE mention_id IN (SELECT id FROM {old})"))
        conn.execute(text(f"DELETE FROM mention_targets t USING {old} p "
                          "WHERE p.id = t.mention_id AND p.created_at = t.created_at"))
        conn.execute(text(f"DELETE FROM mention_keys WHERE mention_id IN (SELECT id FROM {old})"))
        count = conn.execute(text(f"DELETE FROM {DEFAULT} WHERE id IN (SELECT id FROM {old})")).rowcount
    log.info("archived %d mentions before %s from %s", count, f"{before:%Y-%m}", DEFAULT)
    return Archived(f"{DEFAULT} (sebelum {before:%Y-%m})", count, files)


# ------------------------------------------------------------------------------------ command line

def _month_arg(value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"bulan tidak valid: {value!r} (format YYYY-MM, mis. 2026-01)") from None


def main(argv: list[str] | None = None) -> int:
    from lib.config import load_settings
    from lib.db import make_engine
    from lib.formatting import number

    parser = argparse.ArgumentParser(prog="python -m lib.partitions",
                                     description="Partisi bulanan tabel mentions (PostgreSQL).")
    sub = parser.add_subparsers(dest="command", required=True)
    ens = sub.add_parser("ensure", help="buat partisi bulan ini dan beberapa bulan ke depan")
    ens.add_argument("--ahead", type=int, default=AHEAD, help=f"bulan ke depan (bawaan {AHEAD})")
    sub.add_parser("list", help="daftar partisi dan perkiraan jumlah baris")
    arc = sub.add_parser("archive", help="arsipkan (dump lalu hapus) partisi sebelum bulan tertentu")
    arc.add_argument("--before", type=_month_arg, required=True, help="YYYY-MM: bulan ini dan sesudahnya tetap")
    arc.add_argument("--dump-dir", type=Path, default=DATA_DIR / "arsip", help="folder tujuan berkas arsip")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    engine = make_engine(load_settings().database_url)
    try:
        if engine.dialect.name != "postgresql":
            print(ONLY_POSTGRES)
            return 0
        with engine.connect() as conn:
            if not partitioned(conn):
                print("Tabel mentions belum berpartisi: jalankan `alembic upgrade head` dulu.", file=sys.stderr)
                return 2
        if args.command == "ensure":
            created = ensure(engine, args.ahead)
            print(f"Partisi baru: {', '.join(created)}" if created else "Semua partisi sudah ada.")
        elif args.command == "list":
            with engine.connect() as conn:
                for p in partitions(conn):
                    label = f"{p.month:%Y-%m}" if p.month else "bawaan (di luar bulan mana pun)"
                    state = "" if p.attached else "  [terlepas: sisa arsip yang terputus]"
                    print(f"{p.name:<20} {label:<32} ±{number(p.rows)} baris{state}")
        else:
            try:
                done = archive(engine, args.before, args.dump_dir)
            except ValueError as exc:
                print(exc, file=sys.stderr)
                return 2
            if not done:
                print(f"Tidak ada partisi sebelum {args.before:%Y-%m}.")
            for a in done:
                print(f"{a.name}: {number(a.mentions)} sebutan diarsipkan ke {', '.join(str(f) for f in a.files)}")
        return 0
    finally:
        engine.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
