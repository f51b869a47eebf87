"""Corrections are applied, audited, refused out of scope, and feed retraining."""

from __future__ import annotations

import pytest

from lib import audit
from lib.analysis.retrain import corrections_from_db
from lib.corrections import correct_analysis
from lib.models import Mention
from lib.scope import NATIONAL, OutOfScope, scope_for_unit
from tests.conftest import NOW
from tests.helpers import add_mentions, unit


def test_correction_is_applied_audited_and_used_for_training(registry, session):
    m = add_mentions(session, "polsekciledug", [("a", "pelayanan polsek lumayan lah", NOW)])[0]
    result = correct_analysis(session, NATIONAL, m.id, "ani", sentiment="positive", flags=set(), function="-")
    session.commit()
    assert result.ok
    m = session.get(Mention, m.id, populate_existing=True)
    assert (m.sentiment, m.flags, m.function, m.version) == ("positive", "", None, 2)
    assert audit.history(session, "mention", m.id)[-1].action == "koreksi analisis"
    [example] = corrections_from_db(session)
    assert example.text == "pelayanan polsek lumayan lah" and example.sentiment == "positive"


def test_bad_values_and_scope_are_refused(registry, session):
    m = add_mentions(session, "polsekciledug", [("a", "halo", NOW)])[0]
    assert not correct_analysis(session, NATIONAL, m.id, "ani", sentiment="marah").ok
    assert not correct_analysis(session, NATIONAL, m.id, "ani", flags={"spam"}).ok
    kaltim = scope_for_unit(session, unit(session, "POLDA-KALTIM").id)
    with pytest.raises(OutOfScope):
        correct_analysis(session, kaltim, m.id, "mallory", sentiment="negative")


def test_keluhan_is_a_flag_admins_can_set(registry, session):
    m = add_mentions(session, "polsekciledug", [("k", "laporan saya 3 bulan ga ditanggapi", NOW)])[0]
    assert correct_analysis(session, NATIONAL, m.id, "ani", flags={"keluhan", "urgent"}).ok
    session.commit()
    m = session.get(Mention, m.id, populate_existing=True)
    assert set(m.flags.split(",")) == {"keluhan", "urgent"}


def test_a_correction_interleaved_with_a_status_change_is_a_conflict(registry, engine):
    """Issue 11: both used to write version 2 and the later one overwrote `updated_by`."""
    from lib.db import session_scope
    from lib.workflow import change_status

    with session_scope(engine) as s:
        mid = add_mentions(s, "polsekciledug", [("a", "tolong ada begal", NOW)])[0].id
    seen = 1  # both people opened the mention at version 1
    with session_scope(engine) as s:
        assert change_status(s, NATIONAL, mid, seen, "ditangani", "budi").ok
    with session_scope(engine) as s:
        late = correct_analysis(s, NATIONAL, mid, "ani", sentiment="positive", expected_version=seen)
    assert not late.ok and "budi" in late.message
    with session_scope(engine) as s:
        m = s.get(Mention, mid)
        assert (m.version, m.updated_by, m.sentiment, m.status) == (2, "budi", "negative", "ditangani")
        outcomes = [(e.actor, e.action, e.outcome) for e in audit.history(s, "mention", mid)]
    assert outcomes[-1] == ("ani", "koreksi analisis", "conflict")
    with session_scope(engine) as s:  # with the fresh version it goes through and moves the version on
        ok = correct_analysis(s, NATIONAL, mid, "ani", sentiment="positive", expected_version=2)
    assert ok.ok and ok.version == 3
