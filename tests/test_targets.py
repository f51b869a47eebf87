"""Mentions with several targets (lib/targets.py): stored once, in every targeted unit's inbox and
figures, once in every total; answered for all by any targeted unit's account; migration 0009."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import func, make_url, select, text

from lib.config import ROOT
from lib.db import make_engine, session_scope
from lib.ingest import apply_replies, store_batch
from lib.mentions import MentionFilter, count_mentions, get_mention, list_mentions
from lib.metrics import Period, SlaPolicy, overview, response_times, unit_counts
from lib.models import Account, Mention, MentionTarget
from lib.scope import NATIONAL, OutOfScope, scope_for_unit
from lib.sources.base import Batch, MentionRecord, ReplyRecord
from lib.workflow import change_status
from tests.conftest import NOW
from tests.helpers import account, add_mentions, minutes, unit

POLICY = SlaPolicy(first_response_minutes=60)


@pytest.fixture
def tagged(registry, session) -> Mention:
    """One Instagram post tagging Polsek Ciledug (SLA 30 min), Polsek Benda (60) and Mabes (60),
    fetched by each of their accounts, Ciledug's first; 45 minutes old, unanswered."""
    for code, handle in (("MABES", "divisihumaspolri"), ("POLSEK-BENDA", "polsekbenda.ig")):
        session.add(Account(unit_id=unit(session, code).id, platform="instagram", handle=handle))
    session.commit()
    item = [("ig1", "@polsekciledug @polsekbenda.ig @divisihumaspolri tolong ada begal", NOW - minutes(45))]
    for handle in ("polsekciledug", "polsekbenda.ig", "divisihumaspolri", "polsekbenda.ig"):
        (m,) = add_mentions(session, handle, item)
    return m


def scope_of(session, code: str):
    return scope_for_unit(session, unit(session, code).id)


def test_stored_once_with_a_target_per_unit(tagged, session):
    assert session.scalar(select(func.count()).select_from(Mention)) == 1
    assert tagged.unit_id == unit(session, "POLSEK-CILEDUG").id
    extra = set(session.scalars(select(MentionTarget.unit_id)))
    assert extra == {unit(session, "POLSEK-BENDA").id, unit(session, "MABES").id}


def test_in_each_inbox_under_its_own_unit_and_once_in_totals(tagged, session):
    flt = MentionFilter()
    for code in ("POLSEK-CILEDUG", "POLSEK-BENDA"):
        frame = list_mentions(session, scope_of(session, code), flt, 60, now=NOW)
        assert list(frame["id"]) == [tagged.id], code
        assert frame["unit_id"].iloc[0] == unit(session, code).id
        assert get_mention(session, scope_of(session, code), tagged.id) is not None
    for scope in (scope_of(session, "POLRES-METRO-TANGERANG-KOTA"), scope_of(session, "MABES"), NATIONAL):
        assert count_mentions(session, scope, flt) == 1
        assert len(list_mentions(session, scope, flt, 60, now=NOW)) == 1
    kaltim = scope_of(session, "POLDA-KALTIM")
    assert count_mentions(session, kaltim, flt) == 0
    assert get_mention(session, kaltim, tagged.id) is None


def test_each_unit_judges_it_on_its_own_sla_and_totals_count_it_once(tagged, session):
    week = Period.last_days(7, NOW)
    counts = unit_counts(session, NATIONAL, POLICY, week, NOW).set_index("unit_id")
    ciledug, benda, mabes = (unit(session, c).id for c in ("POLSEK-CILEDUG", "POLSEK-BENDA", "MABES"))
    for uid, overdue in ((ciledug, 1), (benda, 0), (mabes, 0)):  # 45 minutes: past 30, within 60
        assert counts.loc[uid, ["mentions", "unanswered", "overdue", "pending"]].tolist() == [1, 1, overdue,
                                                                                           1 - overdue]
    nat = overview(session, NATIONAL, POLICY, 7, now=NOW)
    assert (nat.period_mentions, nat.unanswered, nat.overdue) == (1, 1, 1)
    polres = overview(session, scope_of(session, "POLRES-METRO-TANGERANG-KOTA"), POLICY, 7, now=NOW)
    assert (polres.period_mentions, polres.unanswered, polres.overdue) == (1, 1, 1)
    benda_only = overview(session, scope_of(session, "POLSEK-BENDA"), POLICY, 7, now=NOW)
    assert (benda_only.period_mentions, benda_only.overdue) == (1, 0)


def test_a_reply_from_any_targeted_unit_answers_it_for_all(tagged, session):
    session.execute(Mention.__table__.update().values(author_id="42", conversation_id="c1"))
    mabes = account(session, "divisihumaspolri")
    reply = ReplyRecord(external_id="r1", created_at=NOW - minutes(5), conversation_id="c1",
                        in_reply_to_user_id="42")
    assert apply_replies(session, mabes, [reply]) == 1  # in the thread, by a further target's account
    session.commit()
    week = Period.last_days(7, NOW)
    counts = unit_counts(session, NATIONAL, POLICY, week, NOW).set_index("unit_id")
    for code in ("POLSEK-CILEDUG", "POLSEK-BENDA", "MABES"):
        row = counts.loc[unit(session, code).id]
        assert (row["answered"], row["unanswered"]) == (1, 0), code
    ciledug, benda = (unit(session, c).id for c in ("POLSEK-CILEDUG", "POLSEK-BENDA"))
    # 40 minutes: past Ciledug's 30-minute SLA, within Benda's 60.
    assert (counts.loc[ciledug, "within_sla"], counts.loc[benda, "within_sla"]) == (0, 1)
    times = response_times(session, scope_of(session, "POLSEK-BENDA"), week)
    assert times["seconds"].tolist() == [40 * 60]
    assert overview(session, NATIONAL, POLICY, 7, now=NOW).median_response_minutes == pytest.approx(40)


def test_any_targeted_unit_may_handle_it_others_may_not(tagged, session):
    result = change_status(session, scope_of(session, "POLSEK-BENDA"), tagged.id, 1, "ditangani", "benda")
    assert result.ok
    with pytest.raises(OutOfScope):
        change_status(session, scope_of(session, "POLDA-KALTIM"), tagged.id, result.version, "selesai", "mallory")


def test_a_duplicate_from_the_same_unit_adds_no_target(registry, session):
    acc = account(session, "polsekciledug")
    rec = MentionRecord("d1", "halo", NOW)
    store_batch(session, "test", acc, Batch(mentions=[rec]))
    store_batch(session, "test", acc, Batch(mentions=[rec]))
    assert session.scalar(select(func.count()).select_from(MentionTarget)) == 0


@pytest.fixture
def old_database(database_url, tmp_path):
    """An empty database of its own (SQLite file, or a new PostgreSQL database next to the test one)."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    name = f"pantau_mig_{uuid.uuid4().hex[:8]}"
    admin = make_engine(database_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


def test_migration_upgrades_a_database_with_data(old_database):
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.attributes["url"] = old_database
    command.upgrade(cfg, "0006")
    engine = make_engine(old_database)
    at = NOW - timedelta(hours=1)
    with engine.begin() as conn:
        units = [(1, "MABES", "mabes", None, "/1/"), (2, "POLDA-A", "polda", 1, "/1/2/"),
                 (3, "POLSEK-A", "polsek", 2, "/1/2/3/"), (4, "POLSEK-B", "polsek", 2, "/1/2/4/")]
        for uid, code, level, parent, path in units:
            conn.execute(text("INSERT INTO units (id, code, name, short_name, level, parent_id, path, timezone, active)"
                              " VALUES (:i, :c, :c, :c, :l, :p, :path, 'Asia/Jakarta', :a)"),
                         dict(i=uid, c=code, l=level, p=parent, path=path, a=True))
        for aid, uid, handle in ((1, 1, "DivHumas_Polri"), (2, 3, "polsek_a"), (3, 4, "polsek_b")):
            conn.execute(text("INSERT INTO accounts (id, unit_id, platform, handle, active) "
                              "VALUES (:i, :u, 'x', :h, :a)"), dict(i=aid, u=uid, h=handle, a=True))
        posts = [(1, 3, "@polsek_a @DivHumas_Polri @Polsek_B. tolong"),  # tags three units
                 (2, 4, "@polsek_b halo"),  # its own account only
                 (3, 3, "tanpa handle"), (4, 4, "@orang_lain @polsek_b")]
        for mid, uid, body in posts:
            conn.execute(text(
                "INSERT INTO mentions (id, platform, external_id, unit_id, text, created_at, fetched_at, sentiment,"
                " sentiment_score, flags, status, updated_at, version) VALUES (:i, 'x', :e, :u, :t, :at, :at,"
                " 'neutral', 0, '', 'baru', :at, 1)"), dict(i=mid, e=f"e{mid}", u=uid, t=body, at=at))
    command.upgrade(cfg, "head")
    with session_scope(engine) as s:
        targets = sorted(s.execute(select(MentionTarget.mention_id, MentionTarget.unit_id,
                                          MentionTarget.account_id, MentionTarget.created_at)).all())
        assert [t[:3] for t in targets] == [(1, 1, 1), (1, 4, 3)]
        assert all(t[3] == at for t in targets)
        assert s.scalar(select(func.count()).select_from(Mention)) == 4
        b = scope_for_unit(s, 4)
        assert count_mentions(s, b, MentionFilter()) == 3  # its two, and post 1 through its new target
        assert overview(s, NATIONAL, POLICY, 7, now=NOW).period_mentions == 4
    engine.dispose()


def test_the_inbox_count_stops_at_its_cap(tagged, session):
    add_mentions(session, "polsekbenda.ig", [(f"c{i}", "halo", NOW - minutes(i + 1)) for i in range(4)])
    flt = MentionFilter(statuses=[])
    full = count_mentions(session, NATIONAL, flt)
    assert full == 5
    assert count_mentions(session, NATIONAL, flt, cap=1) == 1
    assert count_mentions(session, NATIONAL, flt, cap=full + 5) == full
