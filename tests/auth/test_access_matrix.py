"""Roles × writes in the data layer: what each role may do, what is refused, and that every refusal
is on record in the audit log (including forged scopes and mention ids from another unit)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lib.auth import Denied, principal_for_kiosk
from lib.db import session_scope
from lib.issues import mark_issue_handled
from lib.mentions import MentionFilter, get_mention, list_mentions
from lib.models import AuditEntry, Issue, utcnow
from lib.scope import NATIONAL, OutOfScope
from lib.users import (
    create_kiosk_token,
    create_user,
    list_kiosk_tokens,
    list_users,
    reset_password,
    revoke_kiosk_token,
    search_log,
    set_active,
    unlock,
    update_user,
)
from lib.workflow import change_many, change_status
from tests.helpers import add_mention, kiosk_token, make_user, unit_id

TANGKOT = "POLRES-METRO-TANGERANG-KOTA"


@pytest.fixture
def world(registry):
    """Two mentions in Tangerang Kota's subtree (Ciledug, Benda), one in Balikpapan, and principals."""
    engine = registry
    with session_scope(engine) as s:
        ids = {code: add_mention(s, code, f"sebutan {code}").id
               for code in ("POLSEK-CILEDUG", "POLSEK-BENDA", "POLSEK-BALIKPAPAN-UTARA")}
    _, raw = kiosk_token(engine, TANGKOT)
    with session_scope(engine) as s:
        wall = principal_for_kiosk(s, raw)
    principals = {
        "admin": make_user(engine, "admin"),
        "pimpinan": make_user(engine, "pimpinan", TANGKOT),
        "operator": make_user(engine, "operator", "POLSEK-CILEDUG"),
        "wall": wall,
    }
    return engine, ids, principals


def denied_rows(engine, entity: str | None = None) -> list[AuditEntry]:
    with session_scope(engine) as s:
        q = select(AuditEntry).where(AuditEntry.outcome == "denied")
        if entity:
            q = q.where(AuditEntry.entity == entity)
        return list(s.scalars(q))


# (role, mention's unit) -> may change status
STATUS_MATRIX = [
    ("admin", "POLSEK-CILEDUG", True), ("admin", "POLSEK-BALIKPAPAN-UTARA", True),
    ("pimpinan", "POLSEK-CILEDUG", True), ("pimpinan", "POLSEK-BENDA", True),
    ("pimpinan", "POLSEK-BALIKPAPAN-UTARA", False),
    ("operator", "POLSEK-CILEDUG", True), ("operator", "POLSEK-BENDA", False),
    ("operator", "POLSEK-BALIKPAPAN-UTARA", False),
    ("wall", "POLSEK-CILEDUG", False), ("wall", "POLSEK-BALIKPAPAN-UTARA", False),
]


@pytest.mark.parametrize("role,unit,allowed", STATUS_MATRIX)
def test_change_status_by_role_and_unit(world, role, unit, allowed):
    engine, ids, principals = world
    p = principals[role]
    if allowed:
        with session_scope(engine) as s:
            result = change_status(s, p.scope, ids[unit], 1, "ditangani", p)
        assert result.ok, result.message
        assert not denied_rows(engine)
    else:
        expected = Denied if role == "wall" else OutOfScope
        with pytest.raises(expected), session_scope(engine) as s:
            change_status(s, p.scope, ids[unit], 1, "ditangani", p)
        [row] = denied_rows(engine, "mention")
        assert (row.actor, row.entity_id, row.to_value) == (p.name, ids[unit], "ditangani")
        with session_scope(engine) as s:
            assert get_mention(s, NATIONAL, ids[unit]).status == "baru"


@pytest.mark.parametrize("role", ["pimpinan", "operator"])
def test_forged_scope_is_refused(world, role):
    """A page that passes the national scope instead of the principal's own is still refused."""
    engine, ids, principals = world
    p = principals[role]
    with pytest.raises(OutOfScope), session_scope(engine) as s:
        change_status(s, NATIONAL, ids["POLSEK-BALIKPAPAN-UTARA"], 1, "selesai", p)
    assert len(denied_rows(engine, "mention")) == 1


def test_forged_mention_ids_in_bulk_fail_alone(world):
    engine, ids, principals = world
    p = principals["operator"]
    items = [(ids["POLSEK-CILEDUG"], 1), (ids["POLSEK-BALIKPAPAN-UTARA"], 1), (ids["POLSEK-BENDA"], 1)]
    with session_scope(engine) as s:
        results = change_many(s, p.scope, items, "selesai", p)
    assert [r.ok for r in results] == [True, False, False]
    assert all(r.message.startswith("Ditolak") for r in results[1:])
    assert {r.entity_id for r in denied_rows(engine, "mention")} == {ids["POLSEK-BALIKPAPAN-UTARA"],
                                                                    ids["POLSEK-BENDA"]}


def test_wall_cannot_mark_issue_handled(world):
    engine, ids, principals = world
    with session_scope(engine) as s:
        issue = Issue(topic="begal", title="Begal", status="terbuka", first_seen=utcnow(), last_seen=utcnow(),
                      version=1)
        s.add(issue)
    with pytest.raises(Denied), session_scope(engine) as s:
        mark_issue_handled(s, principals["wall"].scope, issue.id, [], principals["wall"])
    with pytest.raises(OutOfScope), session_scope(engine) as s:
        mark_issue_handled(s, NATIONAL, issue.id, [], principals["operator"])
    with session_scope(engine) as s:
        ok, _ = mark_issue_handled(s, principals["pimpinan"].scope, issue.id, [], principals["pimpinan"])
    assert ok
    assert len(denied_rows(engine, "issue")) == 2


def _admin_ops(engine, ids):
    """Every admin-only write and read, as callables taking (session, principal)."""
    with session_scope(engine) as s:
        target = create_user(s, "test", "sasaran", "operator", password="sandi-sasaran-123",
                             unit_code="POLSEK-BENDA").id
        token_id = create_kiosk_token(s, "test", "Layar", unit_code="POLSEK-BENDA").id
        benda = unit_id(s, "POLSEK-BENDA")
    return {
        "create_user": lambda s, p: create_user(s, p, "baru1", "operator", password="sandi-baru-12345",
                                                unit_code="POLSEK-BENDA"),
        "update_user": lambda s, p: update_user(s, p, target, role="pimpinan", unit_id=benda, display_name="X",
                                                email=None),
        "reset_password": lambda s, p: reset_password(s, p, target, "sandi-lain-12345"),
        "unlock": lambda s, p: unlock(s, p, target),
        "deactivate": lambda s, p: set_active(s, p, target, False),
        "create_kiosk": lambda s, p: create_kiosk_token(s, p, "Layar 2", unit_code="POLSEK-BENDA"),
        "revoke_kiosk": lambda s, p: revoke_kiosk_token(s, p, token_id),
        "list_users": lambda s, p: list_users(s, p),
        "list_kiosk": lambda s, p: list_kiosk_tokens(s, p),
        "read_audit": lambda s, p: search_log(s, p),
    }


@pytest.mark.parametrize("role", ["pimpinan", "operator", "wall"])
def test_admin_only_actions_refused_for_other_roles(world, role):
    engine, ids, principals = world
    ops = _admin_ops(engine, ids)
    for name, op in ops.items():
        with pytest.raises(Denied), session_scope(engine) as s:
            op(s, principals[role])
        assert len(denied_rows(engine)) >= 1, name
    assert len(denied_rows(engine)) == len(ops)
    assert {r.actor for r in denied_rows(engine)} == {principals[role].name}


def test_admin_may_do_everything(world):
    engine, ids, principals = world
    for name, op in _admin_ops(engine, ids).items():
        with session_scope(engine) as s:
            op(s, principals["admin"])
        assert not denied_rows(engine), name
    with session_scope(engine) as s:
        log = search_log(s, principals["admin"], actor=principals["admin"].name)
    assert {"create", "update", "reset_password", "unlock", "deactivate", "revoke"} <= set(log["action"])


def test_reads_stay_inside_the_principals_scope(world):
    engine, ids, principals = world
    with session_scope(engine) as s:
        for role, visible in (("operator", {"POLSEK-CILEDUG"}), ("pimpinan", {"POLSEK-CILEDUG", "POLSEK-BENDA"}),
                              ("wall", {"POLSEK-CILEDUG", "POLSEK-BENDA"}),
                              ("admin", {"POLSEK-CILEDUG", "POLSEK-BENDA", "POLSEK-BALIKPAPAN-UTARA"})):
            p = principals[role]
            frame = list_mentions(s, p.scope, MentionFilter(), 60)
            assert set(frame["id"]) == {ids[c] for c in visible}, role
            assert get_mention(s, p.scope, ids["POLSEK-BALIKPAPAN-UTARA"]) is (
                None if role != "admin" else get_mention(s, NATIONAL, ids["POLSEK-BALIKPAPAN-UTARA"]))
        with pytest.raises(OutOfScope):
            principals["pimpinan"].scope.narrow(s, unit_id(s, "POLRESTA-BALIKPAPAN"))
        with pytest.raises(OutOfScope):
            principals["wall"].scope.narrow(s, unit_id(s, "POLDA-KALTIM"))


def test_audit_log_cannot_be_rewritten(world):
    """Append-only in the database too: an UPDATE of an audit row fails on every backend."""
    engine, ids, principals = world
    with session_scope(engine) as s:
        change_status(s, principals["admin"].scope, ids["POLSEK-CILEDUG"], 1, "selesai", principals["admin"])
    from sqlalchemy import update
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError), session_scope(engine) as s:
        s.execute(update(AuditEntry).values(outcome="ok", note="dihapus"))


def test_analysis_corrections_follow_the_same_rules(world):
    from lib.corrections import correct_analysis

    engine, ids, principals = world
    with pytest.raises(Denied), session_scope(engine) as s:
        correct_analysis(s, principals["wall"].scope, ids["POLSEK-CILEDUG"], principals["wall"], sentiment="positive")
    with pytest.raises(OutOfScope), session_scope(engine) as s:
        correct_analysis(s, NATIONAL, ids["POLSEK-BALIKPAPAN-UTARA"], principals["operator"], sentiment="positive")
    with session_scope(engine) as s:
        p = principals["operator"]
        assert correct_analysis(s, p.scope, ids["POLSEK-CILEDUG"], p, sentiment="positive").ok
    assert len(denied_rows(engine, "mention")) == 2
