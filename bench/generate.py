"""Synthetic national data for the benchmarks: a registry of Mabes + Polda/Polres/Polsek and N
mentions over the last `days` days, written with raw `executemany` (SQLite) or COPY (PostgreSQL),
since generating a million rows through the ORM would measure the generator, not Pantau.

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


def mention_rows(engine: Engine, n: int, start: int, now: datetime, days: int = 90,
                 seed: int = 11, chunk: int = 50_000) -> Iterator[list[tuple]]:
    """Rows in `MENTION_COLUMNS` order, in chunks; external ids `start`.. `start + n - 1`."""
    rng = np.random.default_rng(seed + start)
    unit_ids, account_ids, weights = _unit_weights(engine, rng)
    texts = [" ".join(random.Random(i).choices(WORDS, k=9)) for i in range(500)]
    sentiments = np.array(["negative", "neutral", "positive"])
    functions = np.array([None, "Reskrim", "Lantas", "SPKT", "Samapta", "Propam"], dtype=object)
    sqlite = engine.dialect.name == "sqlite"
    fmt = (lambda t: t.strftime("%Y-%m-%d %H:%M:%S.%f")) if sqlite else (lambda t: t)
    span = days * 86400
    for offset in range(0, n, chunk):
        m = min(chunk, n - offset)
        pick = rng.choice(len(unit_ids), size=m, p=weights)
        age = rng.uniform(0, span, m)
        reply = rng.lognormal(np.log(25 * 60), 1.3, m)  # median 25 minutes, long tail
        answered = (rng.random(m) < 0.88) & (reply < age)
        closed = rng.random(m) < 0.9  # old unanswered items are mostly closed by the admins
        sent = rng.choice(3, size=m, p=[0.25, 0.55, 0.20])
        func_ix = rng.choice(len(functions), size=m)
        text_ix = rng.integers(0, len(texts), m)
        rows = []
        for i in range(m):
            created = now - timedelta(seconds=float(age[i]))
            if answered[i]:
                status, ans, by = "selesai", fmt(created + timedelta(seconds=float(reply[i]))), "api"
            elif age[i] > 3 * 86400 and closed[i]:
                status, ans, by = ("diabaikan" if i % 3 else "selesai"), None, None
            else:
                status, ans, by = "baru", None, None
            c = fmt(created)
            rows.append(("x", f"b{start + offset + i}", int(unit_ids[pick[i]]), int(account_ids[pick[i]]),
                         f"warga{i % 9973}", texts[text_ix[i]], c, c, sentiments[sent[i]], 0.5, "",
                         functions[func_ix[i]], status, ans, by, c, 1))
        yield rows


def load_mentions(engine: Engine, n: int, now: datetime, days: int = 90) -> int:
    """Append n mentions (ids continue after the ones already there); returns the new total."""
    with engine.connect() as conn:
        start = conn.scalar(select(func.count()).select_from(Mention)) or 0
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if engine.dialect.name == "postgresql":
            cols = ", ".join(MENTION_COLUMNS)
            for rows in mention_rows(engine, n, start, now, days):
                with cur.copy(f"COPY mentions ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            sql = (f"INSERT INTO mentions ({', '.join(MENTION_COLUMNS)}) "
                   f"VALUES ({', '.join('?' for _ in MENTION_COLUMNS)})")
            for rows in mention_rows(engine, n, start, now, days):
                cur.executemany(sql, rows)
        raw.commit()
    finally:
        raw.close()
    analyze_tables(engine)
    return start + n


def analyze_tables(engine: Engine) -> None:
    """Fresh planner statistics (and, on PostgreSQL, a visibility map for index-only scans)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE mentions"))
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
