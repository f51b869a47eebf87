"""Status workflow: transitions, forwarding, answered-by-admin, conflicts, audit trail, scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lib import audit
from lib.models import AuditEntry, Mention
from lib.scope import NATIONAL, OutOfScope, scope_for_unit
from lib.workflow import change_many, change_status
from tests.conftest import NOW
from tests.helpers import add_mentions, minutes, unit


@pytest.fixture
def mention(registry, session) -> Mention:
    return add_mentions(session, "polsekciledug", [("m1", "tolong ada begal di ciledug", NOW - minutes(90))])[0]


def test_forward_then_handle_then_close_writes_audit(session, mention):
    r1 = change_status(session, NATIONAL, mention.id, 1, "diteruskan", "ani", "ke piket reskrim", "Reskrim")
    r2 = change_status(session, NATIONAL, mention.id, r1.version, "ditangani", "ani")
    r3 = change_status(session, NATIONAL, mention.id, r2.version, "selesai", "budi", "pelaku diamankan")
    session.commit()
    assert all(r.ok for r in (r1, r2, r3))
    m = session.get(Mention, mention.id, populate_existing=True)
    assert (m.status, m.forwarded_to, m.version, m.answered_by) == ("selesai", "Reskrim", 4, "admin")
    trail = audit.history(session, "mention", m.id)
    assert [(e.actor, e.from_value, e.to_value) for e in trail] == [
        ("ani", "baru", "diteruskan → Reskrim"), ("ani", "diteruskan", "ditangani"), ("budi", "ditangani", "selesai")]
    assert trail[2].note == "pelaku diamankan"


def test_forward_needs_a_function(session, mention):
    result = change_status(session, NATIONAL, mention.id, 1, "diteruskan", "ani")
    assert not result.ok and "fungsi" in result.message
    assert session.get(Mention, mention.id, populate_existing=True).status == "baru"


def test_invalid_transition_is_refused(session, mention):
    assert change_status(session, NATIONAL, mention.id, 1, "diabaikan", "ani").ok
    result = change_status(session, NATIONAL, mention.id, 2, "selesai", "ani")
    assert not result.ok and "tidak dapat diubah" in result.message


def test_stale_version_is_a_conflict_naming_the_winner(session, mention):
    assert change_status(session, NATIONAL, mention.id, 1, "ditangani", "ani", "sudah ditelepon").ok
    session.commit()
    late = change_status(session, NATIONAL, mention.id, 1, "diabaikan", "budi", "spam")
    session.commit()
    assert not late.ok and "ani" in late.message and "Ditangani" in late.message
    m = session.get(Mention, mention.id, populate_existing=True)
    assert m.status == "ditangani" and m.version == 2
    outcomes = [(e.actor, e.outcome, e.to_value) for e in audit.history(session, "mention", m.id)]
    assert outcomes == [("ani", "ok", "ditangani"), ("budi", "conflict", "diabaikan")]


def test_writes_outside_scope_are_refused(session, mention):
    kaltim = scope_for_unit(session, unit(session, "POLDA-KALTIM").id)
    with pytest.raises(OutOfScope):
        change_status(session, kaltim, mention.id, 1, "ditangani", "mallory")
    assert session.get(Mention, mention.id, populate_existing=True).status == "baru"


def test_bulk_change_reports_each_item(session, registry):
    ms = add_mentions(session, "polsekciledug", [("a", "macet", NOW), ("b", "macet lagi", NOW)])
    results = change_many(session, NATIONAL, [(ms[0].id, 1), (ms[1].id, 99)], "diabaikan", "ani", "spam")
    session.commit()
    assert [r.ok for r in results] == [True, False]
    assert session.scalar(select(AuditEntry.outcome).where(AuditEntry.entity_id == ms[1].id)) == "conflict"
