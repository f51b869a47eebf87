"""The floors: the best hand-written SQL we know for the same numbers the metrics engine returns,
one statement per figure set, written per backend (window functions on SQLite, percentile_cont on
PostgreSQL). They are what a DBA would type; the engine is judged by how close it gets to them."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, text

OPEN = "('baru', 'diteruskan', 'ditangani')"


def _secs(pg: bool) -> str:
    if pg:
        return ("(extract(epoch from date_trunc('second', m.answered_at))"
                " - extract(epoch from date_trunc('second', m.created_at)))")
    if sqlite3.sqlite_version_info >= (3, 38):  # what the engine uses too: the cheaper form
        return "(unixepoch(m.answered_at) - unixepoch(m.created_at))"
    return "(strftime('%s', m.answered_at) - strftime('%s', m.created_at))"


def _midnight(tz: str, now: datetime) -> datetime:
    local = now.astimezone(ZoneInfo(tz))
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(ZoneInfo("UTC"))


def _percentiles(pg: bool, where: str, key: str = "0", joins: str = "") -> str:
    s = _secs(pg)
    if pg:
        return (f"SELECT {key} AS k, count(*) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY {s}) AS med, "
                f"percentile_cont(0.9) WITHIN GROUP (ORDER BY {s}) AS p90 FROM mentions m {joins} "
                f"WHERE {where} AND m.answered_at IS NOT NULL GROUP BY 1")
    return (f"SELECT k, n, min(CASE WHEN rn = (n - 1) / 2 + 1 THEN s END), min(CASE WHEN rn = n / 2 + 1 THEN s END), "
            f"min(CASE WHEN rn = (n - 1) * 9 / 10 + 1 THEN s END), "
            f"min(CASE WHEN rn = ((n - 1) * 9 + 9) / 10 + 1 THEN s END) FROM ("
            f"SELECT k, s, row_number() OVER (PARTITION BY k ORDER BY s) AS rn, count(*) OVER (PARTITION BY k) AS n "
            f"FROM (SELECT {key} AS k, {s} AS s FROM mentions m {joins} "
            f"WHERE {where} AND m.answered_at IS NOT NULL)) GROUP BY k, n")


def statements(engine: Engine, now: datetime, polres_path: str) -> dict[str, tuple[str, dict]]:
    pg = engine.dialect.name == "postgresql"
    p = dict(since=now - timedelta(days=7), now=now, m7=_midnight("Asia/Jakarta", now),
             m8=_midnight("Asia/Makassar", now), m9=_midnight("Asia/Jayapura", now),
             c30=now - timedelta(minutes=30), c60=now - timedelta(minutes=60), c120=now - timedelta(minutes=120),
             hard=now - timedelta(hours=24), prefix=polres_path + "%")
    if not pg:  # SQLite stores naive UTC text
        p = {k: (v.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v)
             for k, v in p.items()}
    s = _secs(pg)
    cutoff = "CASE coalesce(u.sla_minutes, 60) WHEN 30 THEN :c30 WHEN 120 THEN :c120 ELSE :c60 END"

    def flag(cond: str) -> str:
        return f"CASE WHEN {cond} THEN 1 ELSE 0 END"

    period = "m.created_at >= :since AND m.created_at < :now"

    def in_units(cond: str) -> str:
        return f"m.unit_id IN (SELECT id FROM units WHERE {cond})"

    # Zone and SLA by unit-id sets (each built once per statement), so the period scan needs no join.
    today_m = (f"CASE WHEN {in_units(chr(39).join(['timezone = ', 'Asia/Makassar', '']))} THEN :m8 "
               f"WHEN {in_units(chr(39).join(['timezone = ', 'Asia/Jayapura', '']))} THEN :m9 ELSE :m7 END")
    sla_m = (f"CASE WHEN {in_units('sla_minutes = 30')} THEN 1800 WHEN {in_units('sla_minutes = 120')} THEN 7200 "
             "ELSE 3600 END")
    cutoff_m = (f"CASE WHEN {in_units('sla_minutes = 30')} THEN :c30 WHEN {in_units('sla_minutes = 120')} "
                "THEN :c120 ELSE :c60 END")

    def totals(scope: str) -> str:
        pscope = f" AND {in_units('path LIKE :prefix')}" if scope else ""
        return (
            f"SELECT * FROM (SELECT count(*), sum({flag(f'm.created_at >= {today_m}')}), "
            f"sum({flag('m.answered_at IS NOT NULL')}), "
            f"sum({flag(f'm.answered_at IS NOT NULL AND {s} <= {sla_m}')}), "
            f"sum({flag(f'm.answered_at IS NULL AND m.status IN {OPEN} AND m.created_at >= {cutoff_m}')}), "
            f"sum({flag(chr(39).join(['m.sentiment = ', 'negative', '']))}) "
            f"FROM mentions m WHERE {period} {pscope}) a, "
            f"(SELECT count(*), sum({flag(f'm.created_at < {cutoff_m}')}), sum({flag('m.created_at < :hard')}) "
            f"FROM mentions m WHERE m.answered_at IS NULL AND m.status IN {OPEN} {pscope}) b, "
            f"({_percentiles(pg, period + pscope)}) c, "
            f"(SELECT avg(CASE WHEN (SELECT count(DISTINCT a.platform) FROM accounts a WHERE a.unit_id = u.id "
            f"AND a.active AND a.verified AND a.platform IN ('x', 'instagram', 'facebook') AND (a.platform <> 'x' "
            f"OR a.verified_type IS NULL OR a.verified_type IN ('government', 'business', 'blue'))) = 3 "
            f"THEN 1.0 ELSE 0 END) FROM units u WHERE u.active AND u.level <> 'mabes' {scope}) d")

    compliant = ("CASE WHEN (SELECT count(DISTINCT a.platform) FROM accounts a WHERE a.unit_id = u.id "
                 "AND a.active AND a.verified AND a.platform IN ('x', 'instagram', 'facebook') AND (a.platform <> 'x' "
                 "OR a.verified_type IS NULL OR a.verified_type IN ('government', 'business', 'blue'))) = 3 "
                 "THEN 1.0 ELSE 0 END")

    def small_scope() -> str:
        """What the dashboard of a Polres returns: its totals (one row, id 0) and the same figures per
        unit in it (its league of Polsek and their backlog; the Polres' own row comes along), in
        one statement. Each unit's row has the unit's own mentions (a Polsek has no subtree)."""
        pscope = f" AND {in_units('path LIKE :prefix')}"
        if pg:  # each set of rows read once, grouped per unit and in total (GROUPING SETS)
            return _small_scope_pg(pscope, period, today_m, sla_m, cutoff_m, compliant, flag)
        a = (f"SELECT m.unit_id AS k, count(*) AS n, sum({flag(f'm.created_at >= {today_m}')}) AS today, "
             f"sum({flag('m.answered_at IS NOT NULL')}) AS answered, "
             f"sum({flag(f'm.answered_at IS NOT NULL AND {s} <= {sla_m}')}) AS within, "
             f"sum({flag(f'm.answered_at IS NULL AND m.status IN {OPEN} AND m.created_at >= {cutoff_m}')}) AS pending, "
             f"sum({flag(chr(39).join(['m.sentiment = ', 'negative', '']))}) AS negative "
             f"FROM mentions m WHERE {period}{pscope} GROUP BY 1")
        b = (f"SELECT m.unit_id AS k, count(*) AS n, sum({flag(f'm.created_at < {cutoff_m}')}) AS overdue, "
             f"sum({flag('m.created_at < :hard')}) AS hard "
             f"FROM mentions m WHERE m.answered_at IS NULL AND m.status IN {OPEN}{pscope} GROUP BY 1")
        per_unit = (f"SELECT u.id, a.n, a.today, a.answered, a.within, a.pending, a.negative, b.n, b.overdue, b.hard, "
                    f"c.*, {compliant} FROM units u LEFT JOIN ({a}) a ON a.k = u.id LEFT JOIN ({b}) b ON b.k = u.id "
                    f"LEFT JOIN ({_percentiles(pg, period + pscope, 'm.unit_id')}) c ON c.k = u.id "
                    f"WHERE u.active AND u.path LIKE :prefix")
        return f"SELECT 0, t.* FROM ({totals('AND u.path LIKE :prefix')}) t UNION ALL {per_unit}"

    polda_key = ("CASE WHEN u.level = 'polda' THEN u.id WHEN pa.level = 'polda' THEN pa.id "
                 "WHEN ga.level = 'polda' THEN ga.id END")
    tree = "JOIN units u ON u.id = m.unit_id LEFT JOIN units pa ON pa.id = u.parent_id LEFT JOIN units ga ON ga.id = pa.parent_id"
    league = (
        f"SELECT * FROM (SELECT {polda_key} AS k, count(*), sum({flag('m.answered_at IS NOT NULL')}), "
        f"sum({flag(chr(39).join(['m.sentiment = ', 'negative', '']))}) FROM mentions m {tree} WHERE {period} GROUP BY 1) a "
        f"LEFT JOIN ({_percentiles(pg, period, polda_key, tree)}) c ON c.k = a.k "
        f"LEFT JOIN (SELECT {polda_key} AS k, count(*), sum({flag(f'm.created_at < {cutoff}')}) FROM mentions m {tree} "
        f"WHERE m.answered_at IS NULL AND m.status IN {OPEN} GROUP BY 1) b ON b.k = a.k")
    if pg:
        day = "to_char(m.created_at AT TIME ZONE u.timezone, 'YYYY-MM-DD')"
    else:
        day = ("date(m.created_at, CASE u.timezone WHEN 'Asia/Makassar' THEN '+480 minutes' "
               "WHEN 'Asia/Jayapura' THEN '+540 minutes' ELSE '+420 minutes' END)")

    def trend(days: int) -> tuple[str, dict]:
        q = (f"SELECT {day} AS d, count(*), sum({flag(f'm.answered_at IS NOT NULL AND {s} <= coalesce(u.sla_minutes, 60) * 60')}), "
             f"sum({flag(chr(39).join(['m.sentiment = ', 'negative', '']))}), "
             f"sum({flag(f'm.answered_at IS NULL AND m.status IN {OPEN}')}) "
             f"FROM mentions m JOIN units u ON u.id = m.unit_id WHERE m.created_at >= :tsince AND m.created_at < :now "
             "GROUP BY 1")
        since = _midnight("Asia/Jayapura", now) - timedelta(days=days - 1)
        return q, p | {"tsince": since if pg else since.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S.%f")}

    return {
        "overview7": (totals(""), p),
        "polres7": (small_scope(), p),
        "league7": (league, p),
        "trend7": trend(7),
        "trend30": trend(30),
        "trend90": trend(90),
    }


def _small_scope_pg(pscope: str, period: str, today_m: str, sla_m: str, cutoff_m: str, compliant: str,
                    flag) -> str:
    """The Polres floor on PostgreSQL: the period's mentions, the open backlog and the units each read
    once, aggregated per unit and for the whole scope by GROUPING SETS; the same columns as the
    SQLite form (id, 6 period counts, 3 backlog counts, key, answered, median, p90, compliance)."""
    s = _secs(True)
    answered = "FILTER (WHERE m.answered_at IS NOT NULL)"
    a = (f"SELECT coalesce(m.unit_id, 0) AS k, count(*) AS n, sum({flag(f'm.created_at >= {today_m}')}) AS today, "
         f"sum({flag('m.answered_at IS NOT NULL')}) AS answered, "
         f"sum({flag(f'm.answered_at IS NOT NULL AND {s} <= {sla_m}')}) AS within, "
         f"sum({flag(f'm.answered_at IS NULL AND m.status IN {OPEN} AND m.created_at >= {cutoff_m}')}) AS pending, "
         f"sum({flag(chr(39).join(['m.sentiment = ', 'negative', '']))}) AS negative, "
         f"count(*) {answered} AS timed, percentile_cont(0.5) WITHIN GROUP (ORDER BY {s}) {answered} AS med, "
         f"percentile_cont(0.9) WITHIN GROUP (ORDER BY {s}) {answered} AS p90 "
         f"FROM mentions m WHERE {period}{pscope} GROUP BY GROUPING SETS ((m.unit_id), ())")
    b = (f"SELECT coalesce(m.unit_id, 0) AS k, count(*) AS n, sum({flag(f'm.created_at < {cutoff_m}')}) AS overdue, "
         f"sum({flag('m.created_at < :hard')}) AS hard FROM mentions m "
         f"WHERE m.answered_at IS NULL AND m.status IN {OPEN}{pscope} GROUP BY GROUPING SETS ((m.unit_id), ())")
    d = (f"SELECT coalesce(u.id, 0) AS k, avg({compliant}) AS compliant FROM units u "
         "WHERE u.active AND u.level <> 'mabes' AND u.path LIKE :prefix GROUP BY GROUPING SETS ((u.id), ())")
    return ("SELECT d.k, a.n, a.today, a.answered, a.within, a.pending, a.negative, b.n, b.overdue, b.hard, "
            f"a.k, a.timed, a.med, a.p90, d.compliant FROM ({d}) d LEFT JOIN ({a}) a ON a.k = d.k "
            f"LEFT JOIN ({b}) b ON b.k = d.k")


def execute(engine: Engine, statement: tuple[str, dict]) -> list:
    sql, params = statement
    with engine.connect() as conn:
        return conn.execute(text(sql), params).all()
