"""Issue 17: `mentions` partitioned by month on PostgreSQL (migration 0014_partition), dedupe through
`mention_keys`, references, `python -m lib.partitions` (ensure, list, archive). SQLite stays a plain
table. Tests marked "PostgreSQL only" run in the suite's PostgreSQL pass (scripts/test.sh always
runs it) and are skipped, with that reason, on the SQLite pass; the dedupe tests run on both."""

from __future__ import annotations

import csv
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lib import partitions
from lib.config import ROOT
from lib.db import make_engine
from lib.ingest import store_mentions
from lib.intake import add_manual, import_csv
from lib.models import Account, Correction, Mention, MentionTarget, TicketLink
from lib.scope import NATIONAL
from lib.sources.base import MentionRecord
from tests.conftest import NOW, TEST_DATA
from tests.helpers import account, add_mention, add_mentions, unit_id


@pytest.fixture
def pg(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite keeps mentions unpartitioned")
    return engine


def keys(session: Session, platform: str, external_id: str) -> list[tuple]:
    return session.execute(select(partitions.mention_keys.c.mention_id, partitions.mention_keys.c.created_at).where(
        partitions.mention_keys.c.platform == platform, partitions.mention_keys.c.external_id == external_id)).all()


# --------------------------------------------------------------------------- both databases

def test_refetch_with_another_time_is_one_mention(registry, session):
    """A re-fetch (or re-import) reporting another created_at, even another month, stays one mention."""
    acc = account(session, "polsekbenda")
    first = store_mentions(session, acc, [MentionRecord("p1", "@polsekbenda tolong", NOW)])
    again = store_mentions(session, acc, [MentionRecord("p1", "@polsekbenda tolong", NOW - timedelta(days=62)),
                                          MentionRecord("p2", "baru", NOW - timedelta(days=62))])
    session.commit()
    assert (first, again) == ((1, 0), (1, 1))
    assert session.scalar(select(func.count()).select_from(Mention).where(Mention.external_id == "p1")) == 1
    stored = session.scalar(select(Mention).where(Mention.external_id == "p1"))
    assert stored.created_at == NOW
    if session.get_bind().dialect.name == "postgresql":  # the store step wrote the key itself
        assert keys(session, "x", "p1") == [(stored.id, NOW)]


def test_duplicate_from_another_account_targets_it_too(registry, session):
    store_mentions(session, account(session, "polsekbenda"), [MentionRecord("p3", "dua unit", NOW)])
    benda = account(session, "PolrestroTangkot")
    assert store_mentions(session, benda, [MentionRecord("p3", "dua unit", NOW + timedelta(days=40))]) == (0, 1)
    session.commit()
    mention = session.scalar(select(Mention).where(Mention.external_id == "p3"))
    assert session.scalars(select(MentionTarget.unit_id).where(MentionTarget.mention_id == mention.id)).all() \
        == [benda.unit_id]


def test_manual_and_file_input_dedupe(registry, session):
    ciledug = unit_id(session, "POLSEK-CILEDUG")
    at = datetime.now(UTC) - timedelta(minutes=5)
    assert add_manual(session, NATIONAL, ciledug, "whatsapp", "motor hilang", at, "ani", "Bu Sari").new == 1
    assert add_manual(session, NATIONAL, ciledug, "whatsapp", "motor hilang", at, "ani", "Bu Sari").new == 0
    data = (b"unit_code,platform,text,created_at,author,external_id\n"
            b"POLSEK-CILEDUG,x,halo,2026-09-20 10:00,a,f1\n")
    assert import_csv(session, NATIONAL, data, "ani").new == 1
    moved = data.replace(b"2026-09-20", b"2026-11-20")  # the same post, another reported time
    assert (lambda r: (r.new, r.duplicates))(import_csv(session, NATIONAL, moved, "ani")) == (0, 1)
    session.commit()
    assert session.scalar(select(func.count()).select_from(Mention)) == 2


def test_cli_on_sqlite_says_postgres_only(engine, capsys):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: the PostgreSQL pass runs the real commands below")
    assert partitions.main(["list"]) == 0
    assert partitions.main(["archive", "--before", "2026-01"]) == 0
    out = capsys.readouterr().out
    assert out.count("hanya ada di PostgreSQL") == 2 and "PostgreSQL-only" in out


def test_sqlite_keeps_the_plain_table(engine, tmp_path):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: the PostgreSQL schema is checked below")
    with engine.connect() as conn:
        ddl = conn.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'mentions'"))
        assert conn.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'mention_keys'")) == 0
        assert not partitions.partitioned(conn)
    assert "UNIQUE (platform, external_id)" in ddl
    assert partitions.ensure(engine) == [] and partitions.archive(engine, date(2020, 1, 1), tmp_path / "tidak-dibuat") == []
    assert not (tmp_path / "tidak-dibuat").exists()


def test_bad_month_is_refused_in_indonesian(engine, capsys):
    with pytest.raises(SystemExit):
        partitions.main(["archive", "--before", "Januari"])
    assert "format YYYY-MM" in capsys.readouterr().err


# --------------------------------------------------------------------------- PostgreSQL only

def test_schema_is_partitioned_with_page_indexes(pg):
    with pg.connect() as conn:
        assert partitions.partitioned(conn)
        names = [p.name for p in partitions.partitions(conn)]
        index_names = set(conn.scalars(text("SELECT indexname FROM pg_indexes WHERE tablename = 'mentions'")))
        pkey = conn.scalar(text("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'mentions_pkey'"))
        child = conn.scalar(text("SELECT count(*) FROM pg_indexes WHERE tablename = :t"), {"t": names[0]})
    assert names[-1] == "mentions_default" and partitions.partition_name(datetime.now(UTC).date().replace(day=1)) in names
    assert {"ix_mentions_created_cover", "ix_mentions_unit_created_cover", "ix_mentions_unanswered",
            "ix_mentions_status_created", "ix_mentions_account_created", "ix_mentions_updated",
            "ix_mentions_issue_created"} <= index_names
    assert pkey == "PRIMARY KEY (id, created_at)"
    assert child == len(index_names)  # every parent index exists on each partition


def test_keys_follow_every_write_path(pg, registry, session):
    """ORM insert, raw SQL, delete, and a created_at moved to another month keep `mention_keys` in step."""
    m = add_mention(session, "POLSEK-CILEDUG")  # the ORM, not the store step
    session.commit()
    assert keys(session, "x", m.external_id) == [(m.id, m.created_at)]
    # the store step sees it as stored
    assert store_mentions(session, account(session, "polsekbenda"), [MentionRecord(m.external_id, "x", NOW)]) == (0, 1)
    with pytest.raises(IntegrityError, match="mention_keys_pkey"), session.begin_nested():
        session.add(Mention(platform="x", external_id=m.external_id, unit_id=m.unit_id, text="dobel",
                            created_at=NOW - timedelta(days=90), fetched_at=NOW, version=1, flags="",
                            sentiment_score=0.0))
        session.flush()
    moved = NOW - timedelta(days=35)
    session.commit()  # creating a partition waits for open transactions on mentions
    partitions.ensure(pg, ahead=0, today=moved.date())
    session.execute(update(Mention).where(Mention.id == m.id).values(created_at=moved))
    assert keys(session, "x", m.external_id) == [(m.id, moved)]
    assert session.scalar(text("SELECT tableoid::regclass::text FROM mentions WHERE id = :i"), {"i": m.id}) \
        == partitions.partition_name(moved.date().replace(day=1))
    session.execute(delete(Mention).where(Mention.id == m.id))
    assert keys(session, "x", m.external_id) == []


def test_references_keep_integrity(pg, registry, session):
    m = add_mention(session, "POLSEK-CILEDUG")
    session.add(MentionTarget(mention_id=m.id, unit_id=unit_id(session, "POLSEK-BENDA"), created_at=m.created_at))
    session.add(Correction(mention_id=m.id, actor="ani", sentiment="neutral"))
    session.commit()
    for bad in (Correction(mention_id=m.id + 999, actor="ani"),
                TicketLink(mention_id=m.id + 999, channel="lapor", ticket_id="T-1", added_by="ani"),
                MentionTarget(mention_id=m.id, unit_id=unit_id(session, "POLSEK-CILEDUG"),
                              created_at=m.created_at + timedelta(seconds=1))):
        with pytest.raises(IntegrityError), session.begin_nested():
            session.add(bad)
            session.flush()
    with pytest.raises(IntegrityError, match="corrections_mention_id_fkey"), session.begin_nested():
        session.execute(delete(Mention).where(Mention.id == m.id))  # a corrected mention is not deleted
    session.execute(delete(Correction))
    session.execute(delete(Mention).where(Mention.id == m.id))
    assert session.scalar(select(func.count()).select_from(MentionTarget)) == 0  # cascaded


def test_queries_prune_to_the_period_partitions(pg, registry, session):
    add_mentions(session, "polsekbenda", [("q1", "a", NOW), ("q2", "b", NOW - timedelta(days=70))])
    since = NOW - timedelta(days=7)
    plan = "\n".join(session.scalars(text(
        "EXPLAIN SELECT unit_id, count(*) FROM mentions WHERE created_at >= :s AND created_at < :u GROUP BY unit_id"),
        {"s": since, "u": NOW + timedelta(hours=1)}))
    scanned = {p.name for p in partitions.partitions(session.connection()) if p.name in plan}
    assert scanned == {partitions.partition_name(NOW.date().replace(day=1))}
    # a lookup by key goes through mention_keys and reaches one partition too
    plan = "\n".join(session.scalars(text("EXPLAIN ANALYZE " + str(select(Mention.id).where(
        partitions.keyed("postgresql", "x", ["q2"])).compile(compile_kwargs={"literal_binds": True})))))
    assert "mention_keys_pkey" in plan and "never executed" in plan  # the other partitions are not probed


def test_ensure_creates_months_ahead_once(pg):
    today = date(2031, 2, 14)
    assert partitions.ensure(pg, ahead=2, today=today) == ["mentions_p203102", "mentions_p203103", "mentions_p203104"]
    assert partitions.ensure(pg, ahead=2, today=today) == []
    with pg.connect() as conn:
        bound = conn.scalar(text("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 'mentions_p203103'"))
        indexes = {t: conn.scalar(text("SELECT count(*) FROM pg_indexes WHERE tablename = :t"), {"t": t})
                   for t in ("mentions", "mentions_p203103")}
    assert bound == "FOR VALUES FROM ('2031-03-01 00:00:00+00') TO ('2031-04-01 00:00:00+00')"
    assert indexes["mentions_p203103"] == indexes["mentions"]  # attached: it has every parent index


def test_an_ensured_month_keeps_keys_and_dedupe(pg, registry, session):
    partitions.ensure(pg, ahead=0, today=date(2031, 7, 1))
    at = datetime(2031, 7, 9, tzinfo=UTC)
    m = add_mentions(session, "polsekbenda", [("juli", "bulan baru", at)])[0]
    assert keys(session, "x", "juli") == [(m.id, at)]
    assert session.scalar(text("SELECT tableoid::regclass::text FROM mentions WHERE id = :i"), {"i": m.id}) \
        == "mentions_p203107"
    with pytest.raises(IntegrityError), session.begin_nested():  # the key trigger exists there too
        session.execute(text("INSERT INTO mentions (platform, external_id, unit_id, text, created_at, fetched_at, "
                             "sentiment, sentiment_score, flags, status, updated_at, version) SELECT platform, "
                             "external_id, unit_id, text, created_at, fetched_at, sentiment, sentiment_score, flags, "
                             "status, updated_at, version FROM mentions WHERE id = :i"), {"i": m.id})


def test_ensure_leaves_a_month_the_default_partition_holds(pg, registry, session):
    add_mentions(session, "polsekbenda", [("far", "dari masa depan", datetime(2040, 5, 3, tzinfo=UTC))])
    session.commit()  # creating a partition waits for open transactions on mentions
    assert partitions.ensure(pg, ahead=1, today=date(2040, 5, 1)) == ["mentions_p204006"]
    assert session.scalar(text("SELECT tableoid::regclass::text FROM mentions WHERE external_id = 'far'")) \
        == "mentions_default"


def test_sync_pass_ensures_partitions_daily(pg, registry, monkeypatch):
    from lib import sync

    calls = []
    monkeypatch.setattr(partitions, "ensure", lambda engine, today=None: calls.append(today) or [])
    monkeypatch.setattr(partitions, "_last_ensured", None)
    assert sync.run(pg, []).status == "ran"
    assert sync.run(pg, []).status == "ran"
    assert calls == [datetime.now(UTC).date()]  # once a day, not once a pass


def _csv_rows(path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("with_pg_dump", [True, False], ids=["pg_dump", "copy"])
def test_archive_dumps_detaches_and_drops_old_months(pg, registry, session, tmp_path, monkeypatch, with_pg_dump):
    if not with_pg_dump:
        monkeypatch.setattr(partitions.shutil, "which", lambda name: None)
    partitions.ensure(pg, ahead=2, today=date(2020, 1, 1))  # 2020-01 .. 2020-03
    jan, feb, mar = (datetime(2020, m, 10, 8, tzinfo=UTC) for m in (1, 2, 3))
    stored = add_mentions(session, "polsekbenda", [("a1", "januari", jan), ("a2", "januari", jan),
                                                     ("b1", "februari", feb), ("c1", "maret", mar)])
    a1 = stored[0]
    session.add(MentionTarget(mention_id=a1.id, unit_id=unit_id(session, "POLSEK-BENDA"), created_at=jan))
    session.add(Correction(mention_id=a1.id, actor="ani", sentiment="neutral"))
    session.add(TicketLink(mention_id=a1.id, channel="lapor", ticket_id="LAP-1", added_by="ani"))
    session.commit()

    assert partitions.main(["archive", "--before", "2020-03", "--dump-dir", str(tmp_path)]) == 0

    with pg.connect() as conn:
        names = {p.name for p in partitions.partitions(conn)}
    assert "mentions_p202001" not in names and "mentions_p202002" not in names and "mentions_p202003" in names
    session.expire_all()
    assert session.scalars(select(Mention.external_id).where(Mention.created_at < datetime(2020, 4, 1, tzinfo=UTC))
                           .order_by(Mention.external_id)).all() == ["c1"]
    assert keys(session, "x", "a1") == [] and len(keys(session, "x", "c1")) == 1
    for model in (MentionTarget, Correction, TicketLink):
        assert session.scalar(select(func.count()).select_from(model)) == 0
    assert [r["ticket_id"] for r in _csv_rows(tmp_path / "mentions_p202001.ticket_links.csv")] == ["LAP-1"]
    assert [r["sentiment"] for r in _csv_rows(tmp_path / "mentions_p202001.corrections.csv")] == ["neutral"]
    assert len(_csv_rows(tmp_path / "mentions_p202001.mention_targets.csv")) == 1
    assert {r["external_id"] for r in _csv_rows(tmp_path / "mentions_p202001.mention_keys.csv")} == {"a1", "a2"}
    if with_pg_dump:
        assert (tmp_path / "mentions_p202001.dump").stat().st_size > 0
    else:
        assert {r["external_id"] for r in _csv_rows(tmp_path / "mentions_p202001.csv")} == {"a1", "a2"}
    # the month can be archived only once; a later run finds nothing before it
    assert partitions.archive(pg, date(2020, 3, 1), tmp_path) == []


def test_archive_also_takes_old_rows_out_of_the_default_partition(pg, registry, session, tmp_path):
    """A mention of a month no partition covered (an old complaint imported late) sits in the default
    partition; retention archives it with its dependants, and leaves newer default rows alone."""
    old, far = datetime(2001, 5, 3, 8, tzinfo=UTC), datetime(2040, 5, 3, 8, tzinfo=UTC)
    stored = add_mentions(session, "polsekbenda", [("lama", "keluhan lama", old), ("jauh", "masa depan", far)])
    session.add(MentionTarget(mention_id=stored[0].id, unit_id=unit_id(session, "POLSEK-BENDA"), created_at=old))
    session.add(Correction(mention_id=stored[0].id, actor="ani", sentiment="negative"))
    session.commit()
    assert session.scalar(text("SELECT tableoid::regclass::text FROM mentions WHERE external_id = 'lama'")) \
        == partitions.DEFAULT

    done = partitions.archive(pg, date(2020, 3, 1), tmp_path)

    (left,) = [a for a in done if a.name.startswith(partitions.DEFAULT)]
    assert left.mentions == 1
    session.expire_all()
    assert session.scalars(select(Mention.external_id).where(Mention.external_id.in_(["lama", "jauh"]))).all() \
        == ["jauh"]
    assert keys(session, "x", "lama") == [] and len(keys(session, "x", "jauh")) == 1
    assert session.scalar(select(func.count()).select_from(Correction)) == 0
    stem = tmp_path / f"{partitions.DEFAULT}.before-2020-03"
    assert [r["external_id"] for r in _csv_rows(stem.with_name(stem.name + ".csv"))] == ["lama"]
    assert [r["sentiment"] for r in _csv_rows(stem.with_name(stem.name + ".corrections.csv"))] == ["negative"]
    assert len(_csv_rows(stem.with_name(stem.name + ".mention_targets.csv"))) == 1
    assert partitions.archive(pg, date(2020, 3, 1), tmp_path) == []  # nothing older is left


def test_archive_refuses_the_current_month(pg, capsys):
    next_month = partitions.month_start(datetime.now(UTC).date(), 1)
    assert partitions.main(["archive", "--before", f"{next_month:%Y-%m}"]) == 2
    assert "tidak bisa diarsipkan" in capsys.readouterr().err
    with pg.connect() as conn:
        names = {p.name for p in partitions.partitions(conn)}
    assert partitions.partition_name(partitions.month_start(datetime.now(UTC).date())) in names


# --------------------------------------------------------------------------- migrating existing data

@pytest.fixture
def scratch_url(pg, database_url):
    """A database of its own (the suite's is at head), dropped afterwards."""
    name = f"pantau_mig_{uuid.uuid4().hex[:8]}"
    admin = make_engine(database_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = make_engine(database_url).url.set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


def _alembic(url: str, action: str, revision: str) -> None:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.attributes["url"] = url
    getattr(command, action)(cfg, revision)


def test_upgrade_existing_database_and_downgrade(scratch_url):
    from lib.db import session_scope
    from lib.mentions import MentionFilter, count_mentions, list_mentions
    from lib.metrics.dashboards import dashboard
    from lib.metrics.trends import daily_trend
    from lib.units import load_registry

    _alembic(scratch_url, "upgrade", "0013_scale")
    engine = make_engine(scratch_url)
    months = [datetime(2026, m, 15, 9, tzinfo=UTC) for m in (6, 8, 11)] + [NOW - timedelta(hours=3)]
    with session_scope(engine) as s:
        load_registry(s, TEST_DATA / "units.csv", TEST_DATA / "accounts.csv")
    with Session(engine) as s:  # rows as 0013 stored them (the store step now expects mention_keys)
        ciledug = account(s, "polsekbenda")
        stored = [Mention(platform="x", external_id=f"m{i}", unit_id=ciledug.unit_id, account_id=ciledug.id,
                          text=f"@polsekbenda aduan {i}", created_at=at, fetched_at=at, version=1, flags="",
                          sentiment="negative", sentiment_score=0.0, status="baru") for i, at in enumerate(months)]
        s.add_all(stored)
        s.flush()
        benda = unit_id(s, "POLSEK-BENDA")
        s.add(MentionTarget(mention_id=stored[0].id, unit_id=benda, created_at=stored[0].created_at))
        s.add(Correction(mention_id=stored[1].id, actor="ani", sentiment="positive"))
        s.add(TicketLink(mention_id=stored[2].id, channel="110", ticket_id="T-110", added_by="ani"))
        s.commit()
        before = s.execute(select(Mention.id, Mention.external_id, Mention.created_at).order_by(Mention.id)).all()
    engine.dispose()

    _alembic(scratch_url, "upgrade", "head")
    engine = make_engine(scratch_url)
    with Session(engine) as s:
        assert s.execute(select(Mention.id, Mention.external_id, Mention.created_at).order_by(Mention.id)).all() \
            == before
        placed = dict(s.execute(text("SELECT external_id, tableoid::regclass::text FROM mentions")).all())
        assert placed == {"m0": "mentions_p202606", "m1": "mentions_p202608", "m2": "mentions_p202611",
                          "m3": "mentions_p202611"}
        names = {p.name for p in partitions.partitions(s.connection())}
        ahead = [partitions.partition_name(partitions.month_start(datetime.now(UTC).date(), k)) for k in range(4)]
        assert set(ahead) <= names and "mentions_p202607" not in names  # months present + 3 ahead only
        assert s.scalar(select(func.count()).select_from(partitions.mention_keys)) == 4
        fks = dict(s.execute(text(
            "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint WHERE contype = 'f' "
            "AND conrelid::regclass::text IN ('mention_targets', 'corrections', 'ticket_links') "
            "AND conname LIKE '%mention_id_fkey'")).all())
        assert fks == {"mention_targets": "mentions", "corrections": "mention_keys", "ticket_links": "mention_keys"}
        assert s.scalar(select(MentionTarget.unit_id)) == benda
        # the pages' reads on the migrated table
        assert count_mentions(s, NATIONAL, MentionFilter()) == 4
        assert len(list_mentions(s, NATIONAL, MentionFilter(), 60, now=NOW)) == 4
        assert dashboard(s, NATIONAL, 60, 7, now=NOW).overview.period_mentions == 1
        assert int(daily_trend(s, NATIONAL, 60, 30, now=NOW)["mentions"].sum()) == 2
        # dedupe and ids carry on
        assert add_mentions(s, "polsekbenda", [("m1", "lagi", NOW), ("m9", "baru", NOW)])[-1].id > before[-1][0]
        assert s.scalar(select(func.count()).select_from(Mention)) == 5
    engine.dispose()

    _alembic(scratch_url, "downgrade", "0013_scale")
    engine = make_engine(scratch_url)
    with engine.connect() as conn:
        assert not partitions.partitioned(conn)
        assert conn.scalar(text("SELECT to_regclass('mention_keys')")) is None
        assert conn.scalar(text("SELECT count(*) FROM mentions")) == 5
        assert conn.scalar(text("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                                "WHERE conname = 'mentions_platform_external_id_key'")) == "UNIQUE (platform, external_id)"
        assert conn.scalar(text("SELECT confrelid::regclass::text FROM pg_constraint "
                                "WHERE conname = 'corrections_mention_id_fkey'")) == "mentions"
        assert [conn.scalar(text(f"SELECT count(*) FROM {t}")) for t in ("mention_targets", "corrections",
                                                                          "ticket_links")] == [1, 1, 1]
        assert conn.scalar(text("SELECT nextval('mentions_id_seq') > (SELECT max(id) FROM mentions)"))
    engine.dispose()


def test_generator_copy_loads_into_months_with_keys(pg):
    """The bench generator's COPY: rows land in their month partitions (created for the load's
    period), each with its key, so a later store of the same post is a duplicate."""
    from bench import generate
    from lib.db import session_scope

    generate.registry(pg, polda=1, polres=2, polsek=4)
    now = datetime.now(UTC)
    generate.load_mentions(pg, 2000, now, days=75)
    with pg.connect() as conn:
        placed = dict(conn.execute(text("SELECT tableoid::regclass::text, count(*) FROM mentions GROUP BY 1")).all())
        missing = conn.scalar(text("SELECT count(*) FROM mentions m WHERE NOT EXISTS (SELECT 1 FROM mention_keys k "
                                   "WHERE k.mention_id = m.id AND k.external_id = m.external_id)"))
    months = {partitions.partition_name(partitions.month_start((now - timedelta(days=75)).date(), k)) for k in range(4)}
    assert set(placed) <= months and "mentions_default" not in placed and sum(placed.values()) == 2000
    assert missing == 0
    with session_scope(pg) as s:
        acc = s.scalar(select(Account).where(Account.platform == "x").limit(1))
        assert store_mentions(s, acc, [MentionRecord("b7", "lagi", now)]) == (0, 1)
