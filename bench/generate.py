"""Synthetic national data for the benchmarks: a registry of Mabes + Polda/Polres/Polsek and N
mentions, written with raw `executemany` (SQLite) or COPY (PostgreSQL), since generating a million
rows through the ORM would measure the generator, not Pantau.

Up to 10M mentions fill the last 90 days (10M there is ~111,000 mentions a day, national traffic);
beyond that the history grows back in time at that daily rate, so 50M is ~450 days: a larger
database is a longer history, as a year of traffic fills, not a busier day (`spans`).

    python -m bench.generate --url sqlite:////tmp/pantau-bench.db --mentions 1000000
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import Engine, func, select, text

from lib.db import make_engine
from lib.models import Account, Mention, Unit

ZONES = [("Asia/Jakarta", 0.60), ("Asia/Makassar", 0.28), ("Asia/Jayapura", 0.12)]
WORDS = ("macet begal tolong lapor pak min polsek sim skck tawuran curanmor pungli terima kasih cepat "
         "lambat kecewa jalan pasar malam motor hilang warga resah patroli").split()
MENTION_COLUMNS = ["platform", "external_id", "unit_id", "account_id", "author_handle", "text", "created_at",
                   "fetched_at", "sentiment", "sentiment_score", "flags", "function", "status", "answered_at",
                   "answered_by", "updated_at", "version"]


def registry(engine: Engine, polda: int = 38, polres: int = 500, polsek: int = 5000, seed: int = 7) -> int:
    """Insert Mabes and the tree (Polres spread over Polda, Polsek over Polres) with three accounts
    each; returns the number of units. Ids are assigned here so paths need no second pass."""
    rng = random.Random(seed)
    units, accounts = [], []

    def add(level: str, parent: dict | None, n: int, tz: str) -> dict:
        uid = len(units) + 1
        unit = dict(id=uid, code=f"{level.upper()}-{uid}", name=f"{level.capitalize()} Bench {uid}",
                    short_name=f"{level[:4]} {uid}", level=level, parent_id=parent["id"] if parent else None,
                    path=f"{parent['path'] if parent else '/'}{uid}/", timezone=tz, active=True,
                    sla_minutes=rng.choices([None, 30, 120], [85, 10, 5])[0] if level != "mabes" else None)
        units.append(unit)
        for platform in ("x", "instagram", "facebook"):
            verified = rng.choices([True, False, None], [70, 20, 10])[0]
            accounts.append(dict(unit_id=uid, platform=platform, handle=f"{platform}_{level}_{uid}",
                                 verified=verified, verified_type="government" if verified and platform == "x" else None,
                                 active=True))
        return unit

    mabes = add("mabes", None, 0, "Asia/Jakarta")
    poldas = [add("polda", mabes, i, rng.choices([z for z, _ in ZONES], [w for _, w in ZONES])[0])
              for i in range(polda)]
    resors = [add("polres", p, i, p["timezone"]) for i, p in enumerate(poldas[i % polda] for i in range(polres))]
    for i in range(polsek):
        parent = resors[i % polres]
        add("polsek", parent, i, parent["timezone"])
    with engine.begin() as conn:
        conn.execute(Unit.__table__.insert(), units)
        conn.execute(Account.__table__.insert(), accounts)
    return len(units)


def _unit_weights(engine: Engine, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Units with their X account ids and a heavy-tailed traffic weight (Polda accounts get most)."""
    with engine.connect() as conn:
        rows = conn.execute(select(Unit.id, Unit.level, Account.id).join(Account, Account.unit_id == Unit.id)
                            .where(Account.platform == "x").order_by(Unit.id)).all()
    unit_ids = np.array([r[0] for r in rows])
    account_ids = np.array([r[2] for r in rows])
    base = np.array([{"mabes": 40.0, "polda": 20.0, "polres": 4.0, "polsek": 1.0}[r[1]] for r in rows])
    weights = base * rng.pareto(2.0, len(rows)).clip(0, 20) + base * 0.2
    return unit_ids, account_ids, weights / weights.sum()


RECENT_DAYS = 90
PER_DAY = 10_000_000 / RECENT_DAYS  # mentions a day once the recent window is full


def spans(have: int, n: int) -> list[tuple[int, float, float]]:
    """How an append of `n` mentions to `have` is placed in time: (count, newest age, oldest age)
    in days. First the last `RECENT_DAYS` days fill up to `PER_DAY`; what is left extends the history
    back from where it ends, at `PER_DAY`."""
    full = int(RECENT_DAYS * PER_DAY)
    recent = max(0, min(n, full - have))
    out = [(recent, 0.0, float(RECENT_DAYS))] if recent else []
    rest = n - recent
    if rest:
        begin = max(have, full) / PER_DAY
        out.append((rest, begin, begin + rest / PER_DAY))
    return out


def mention_columns(engine: Engine, n: int, start: int, now: datetime, days: float = 90,
                    seed: int = 11, chunk: int = 100_000, newest: float = 0.0) -> Iterator[list[list]]:
    """Chunks of `MENTION_COLUMNS` as lists (one per column), built column-wise in numpy: a Python
    loop per row would dominate a 50M load. External ids `start`.. `start + n - 1`; times are naive
    UTC datetimes (the loader sets the session zone to UTC) or, on SQLite, the stored text form.
    Ages run from `newest` to `days` days before `now`; the chunks run from the oldest mention to
    the newest, each sorted by `created_at`."""
    rng = np.random.default_rng(seed + start)
    unit_ids, account_ids, weights = _unit_weights(engine, rng)
    texts = np.array([" ".join(random.Random(i).choices(WORDS, k=9)) for i in range(500)], dtype=object)
    sentiments = np.array(["negative", "neutral", "positive"], dtype=object)
    functions = np.array([None, "Reskrim", "Lantas", "SPKT", "Samapta", "Propam"], dtype=object)
    sqlite = engine.dialect.name == "sqlite"
    now_us = np.datetime64(now.astimezone(UTC).replace(tzinfo=None), "us")

    def stamp(values: np.ndarray) -> list:
        if sqlite:  # SQLite compares the stored text: the same form as lib.models.UTCDateTime
            return [t.strftime("%Y-%m-%d %H:%M:%S.%f") for t in values.tolist()]
        return values.tolist()

    span = (days - newest) * 86400
    offset_s = newest * 86400
    parts = max(1, -(-n // chunk))
    for k, offset in enumerate(range(0, n, chunk)):
        m = min(chunk, n - offset)
        pick = rng.choice(len(unit_ids), size=m, p=weights)
        # Oldest chunk first, each in time order: rows land in the table in the order they were
        # posted, as the sync stores them (a uniformly shuffled 90 days made every index range scan
        # touch a different heap page, and visibility-map page, per row: a bench artefact).
        age = offset_s + np.sort(rng.uniform(span * (parts - k - 1) / parts, span * (parts - k) / parts, m))[::-1]
        reply = rng.lognormal(np.log(25 * 60), 1.3, m)  # median 25 minutes, long tail
        answered = (rng.random(m) < 0.88) & (reply < age)
        closed = rng.random(m) < 0.9  # old unanswered items are mostly closed by the admins
        sent = rng.choice(3, size=m, p=[0.25, 0.55, 0.20])
        func_ix = rng.choice(len(functions), size=m)
        text_ix = rng.integers(0, len(texts), m)
        idx = np.arange(m)
        created = now_us - (age * 1e6).astype("timedelta64[us]")
        created_s = stamp(created)
        replied = stamp(created + (reply * 1e6).astype("timedelta64[us]"))
        status = np.where(answered, "selesai", np.where((age > 3 * 86400) & closed,
                                                        np.where(idx % 3 != 0, "diabaikan", "selesai"), "baru"))
        ids = (start + offset + idx).tolist()
        yield [["x"] * m, [f"b{i}" for i in ids], unit_ids[pick].tolist(), account_ids[pick].tolist(),
               [f"warga{i % 9973}" for i in range(m)], texts[text_ix].tolist(), created_s, created_s,
               sentiments[sent].tolist(), [0.5] * m, [""] * m, functions[func_ix].tolist(), status.tolist(),
               [r if a else None for r, a in zip(replied, answered.tolist(), strict=True)],
               ["api" if a else None for a in answered.tolist()], created_s, [1] * m]


def load_mentions(engine: Engine, n: int, now: datetime, days: float | None = None) -> int:
    """Append n mentions (ids continue after the ones already there) with COPY (PostgreSQL, one
    transaction per chunk, so a 50M load never holds one huge transaction) or executemany (SQLite);
    returns the new total. Placed in time by `spans`, or over the last `days` days when given."""
    with engine.connect() as conn:
        start = conn.scalar(select(func.count()).select_from(Mention)) or 0
    placed = [(n, 0.0, float(days))] if days is not None else spans(start, n)
    days = max(oldest for _, _, oldest in placed)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if engine.dialect.name == "postgresql":
            cur.execute("SET TIME ZONE 'UTC'")
            cur.execute("SET maintenance_work_mem = '1GB'")
            cols = ", ".join(MENTION_COLUMNS)
            # Binary COPY with the column types given: psycopg then dumps each row in C (~7 µs a row
            # here, against ~30 µs for text COPY with per-value type lookup). Naive UTC datetimes are
            # sent as `timestamp`, whose binary form is the same as `timestamptz`'s.
            types = [1114 if oid == 1184 else oid for oid in cur.execute(
                "SELECT a.atttypid::int FROM unnest(%s::text[]) WITH ORDINALITY c(name, i) "
                "JOIN pg_attribute a ON a.attrelid = 'mentions'::regclass AND a.attname = c.name ORDER BY c.i",
                (MENTION_COLUMNS,)).fetchall() for oid in oid]
            # A big load drops the secondary indexes and builds them again after: maintaining seven
            # indexes row by row costs several times the COPY itself.
            raw.commit()
            keys = _partitions_for_load(engine, cur, now, days, big=n >= 1_000_000)
            rebuild = _drop_secondary_indexes(cur) if n >= 1_000_000 else []
            plain = cur.execute("SELECT relkind = 'r' FROM pg_class WHERE oid = 'mentions'::regclass").fetchone()[0]
            if rebuild and plain:  # VACUUM ANALYZE after the load does the work once (a partitioned parent has
                # no storage parameters; its partitions would need their own)
                cur.execute("ALTER TABLE mentions SET (autovacuum_enabled = false)")
                rebuild.append("ALTER TABLE mentions RESET (autovacuum_enabled)")
            rebuild += keys
            raw.commit()
            for columns in _placed_columns(engine, placed, start, now):
                with cur.copy(f"COPY mentions ({cols}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(types)
                    for row in zip(*columns, strict=True):
                        copy.write_row(row)
                raw.commit()
            for statement in rebuild:
                cur.execute(statement)
                raw.commit()
        else:
            sql = (f"INSERT INTO mentions ({', '.join(MENTION_COLUMNS)}) "
                   f"VALUES ({', '.join('?' for _ in MENTION_COLUMNS)})")
            for columns in _placed_columns(engine, placed, start, now):
                cur.executemany(sql, zip(*columns, strict=True))
        raw.commit()
    finally:
        raw.close()
    analyze_tables(engine)
    return start + n


def _placed_columns(engine: Engine, placed: list[tuple[int, float, float]], start: int,
                    now: datetime) -> Iterator[list[list]]:
    """The chunks of every part of `placed`, the oldest part first."""
    for count, newest, oldest in sorted(placed, key=lambda p: -p[2]):
        first = start + sum(c for c, _, o in placed if o > oldest)
        yield from mention_columns(engine, count, first, now, oldest, newest=newest)


def _partitions_for_load(engine: Engine, cur, now: datetime, days: float, big: bool) -> list[str]:
    """PostgreSQL after migration 0014_partition: the month partitions the load's period needs (else
    its rows would all land in the default partition). A big load also switches off the trigger that
    fills `mention_keys` row by row and returns the statements that fill the keys in one pass and
    switch it on again."""
    from lib import partitions

    with engine.connect() as conn:
        if not partitions.partitioned(conn):
            return []
    first = (now - timedelta(days=days)).date()
    span = (now.year - first.year) * 12 + now.month - first.month
    partitions.ensure(engine, ahead=span + partitions.AHEAD, today=first)
    if not big:
        return []
    last = cur.execute("SELECT coalesce(max(id), 0) FROM mentions").fetchone()[0]
    cur.execute("ALTER TABLE mentions DISABLE TRIGGER mentions_key_insert")
    return [f"INSERT INTO mention_keys (platform, external_id, mention_id, created_at) "
            f"SELECT platform, external_id, id, created_at FROM mentions WHERE id > {int(last)}",
            "ALTER TABLE mentions ENABLE TRIGGER mentions_key_insert"]


def _drop_secondary_indexes(cur) -> list[str]:
    """Drop the indexes of `mentions` but the primary key's (unique constraints too: the generated
    external ids are unique by construction); returns the statements that build them again."""
    uniques = cur.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'mentions'::regclass AND contype = 'u'").fetchall()
    for name, _ in uniques:
        cur.execute(f'ALTER TABLE mentions DROP CONSTRAINT "{name}"')
    defs = cur.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = 'mentions' AND i.indexname NOT IN "
        "(SELECT c.conname FROM pg_constraint c WHERE c.conrelid = 'mentions'::regclass)").fetchall()
    for name, _ in defs:
        cur.execute(f'DROP INDEX "{name}"')
    # A partitioned parent's index reads "ON ONLY mentions" (the parent alone); built again without
    # ONLY it is created on every partition too.
    return ([d.replace(" ON ONLY ", " ON ") for _, d in defs]
            + [f'ALTER TABLE mentions ADD CONSTRAINT "{name}" {d}' for name, d in uniques])


def analyze_tables(engine: Engine) -> None:
    """Fresh planner statistics (and, on PostgreSQL, a visibility map for index-only scans)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE mentions"))
            if conn.scalar(text("SELECT to_regclass('mention_keys') IS NOT NULL")):  # 0014_partition
                conn.execute(text("VACUUM ANALYZE mention_keys"))
            conn.execute(text("VACUUM ANALYZE units"))
            conn.execute(text("VACUUM ANALYZE accounts"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--units", default="38,500,5000", help="Polda,Polres,Polsek")
    args = parser.parse_args()
    engine = make_engine(args.url)
    polda, polres, polsek = (int(x) for x in args.units.split(","))
    print(registry(engine, polda, polres, polsek), "units")
    print(load_mentions(engine, args.mentions, datetime.now(UTC)), "mentions")


if __name__ == "__main__":
    main()
