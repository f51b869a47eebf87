"""Issue grouping and handling; verification compliance against the mandate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from lib import audit
from lib.accounts import MISSING, UNKNOWN, UNVERIFIED, VERIFIED, compliance_by_unit, compliance_rollup
from lib.issues import handling_plan, list_issues, mark_issue_handled, regroup
from lib.models import Issue, Mention
from lib.scope import NATIONAL, OutOfScope
from tests.conftest import NOW
from tests.helpers import add_mentions, minutes, unit


def test_negative_mentions_with_one_topic_form_one_issue(registry, session):
    add_mentions(session, "polsekciledug", [("a", "tolong ada begal di jalan", NOW - minutes(50)),
                                            ("b", "begal lagi pak tolong", NOW - minutes(30))])
    add_mentions(session, "polsekbenda", [("c", "begal di benda tolong", NOW - minutes(10))])
    regroup(session, now=NOW)
    session.commit()
    issues = list_issues(session, NATIONAL, NOW - timedelta(days=1))
    top = issues.iloc[0]
    assert (top["mentions"], top["units"]) == (3, 2)


def test_marking_an_issue_handled_moves_its_open_mentions(registry, session):
    ms = add_mentions(session, "polsekciledug", [("a", "tolong ada begal", NOW - minutes(50)),
                                                 ("b", "begal lagi tolong", NOW - minutes(30))])
    regroup(session, now=NOW)
    session.commit()
    issue = list_issues(session, NATIONAL, NOW - timedelta(days=1)).iloc[0]
    plan = handling_plan(session, NATIONAL, int(issue["id"]), NOW - timedelta(days=1))
    ok, message = mark_issue_handled(session, NATIONAL, int(issue["id"]), plan, "ani", "patroli")
    session.commit()
    assert ok and "2 sebutan" in message
    assert {session.get(Mention, m.id, populate_existing=True).status for m in ms} == {"ditangani"}
    entry = audit.history(session, "issue", int(issue["id"]))[-1]
    assert (entry.from_value, entry.to_value) == ("terbuka", "ditangani")
    again, msg = mark_issue_handled(session, NATIONAL, int(issue["id"]), plan, "budi")  # stale versions
    assert not again and "Ditolak" in msg


def _national_issue(session):
    """One issue with mentions in Ciledug (Polres Metro Tangerang Kota, one old) and Balikpapan Utara."""
    add_mentions(session, "polsekciledug", [("c1", "tolong ada begal di jalan", NOW - minutes(50)),
                                            ("c2", "begal lagi pak tolong", NOW - minutes(30))])
    add_mentions(session, "polsekbpputara", [("b1", "begal di balikpapan tolong", NOW - minutes(20))])
    regroup(session, now=NOW)
    session.commit()
    old = session.scalar(select(Mention).where(Mention.external_id == "c1"))
    assert {m.issue_id for m in session.scalars(select(Mention))} == {old.issue_id}
    session.execute(update(Mention).where(Mention.id == old.id).values(created_at=NOW - timedelta(days=3)))
    session.commit()
    return int(old.issue_id)


def test_closing_an_issue_changes_only_the_shown_mentions_in_scope(registry, session):
    issue_id = _national_issue(session)
    ciledug = NATIONAL.narrow(session, unit(session, "POLSEK-CILEDUG").id)
    since = NOW - timedelta(days=1)
    plan = handling_plan(session, ciledug, issue_id, since)
    assert len(plan) == 1  # the 3-day-old mention is outside the 1-day view
    ok, message = mark_issue_handled(session, ciledug, issue_id, plan, "ani")
    session.commit()
    assert ok and "1 sebutan" in message and "tetap terbuka" in message
    status = {m.external_id: m.status for m in session.scalars(select(Mention).execution_options(populate_existing=True))}
    assert status == {"c1": "baru", "c2": "ditangani", "b1": "baru"}
    assert session.get(Issue, issue_id, populate_existing=True).status == "terbuka"
    entry = audit.history(session, "issue", issue_id)[-1]
    assert (entry.from_value, entry.to_value, entry.outcome) == ("terbuka", "terbuka", "ok")
    # Ciledug's own list shows it handled for that view; the national list still open.
    assert list_issues(session, ciledug, since).iloc[0]["status"] == "ditangani"
    assert list_issues(session, NATIONAL, since).iloc[0]["status"] == "terbuka"
    # Balikpapan can still close its own part; the old Ciledug mention keeps the issue open.
    balikpapan = NATIONAL.narrow(session, unit(session, "POLSEK-BALIKPAPAN-UTARA").id)
    ok, _ = mark_issue_handled(session, balikpapan, issue_id, handling_plan(session, balikpapan, issue_id, since),
                               "wayan")
    session.commit()
    assert ok and session.get(Issue, issue_id, populate_existing=True).status == "terbuka"
    plan = handling_plan(session, NATIONAL, issue_id, NOW - timedelta(days=7))
    ok, _ = mark_issue_handled(session, NATIONAL, issue_id, plan, "admin")
    session.commit()
    assert ok and session.get(Issue, issue_id, populate_existing=True).status == "ditangani"


def test_forged_mention_ids_refuse_the_whole_request(registry, session):
    issue_id = _national_issue(session)
    ciledug = NATIONAL.narrow(session, unit(session, "POLSEK-CILEDUG").id)
    other = session.scalar(select(Mention).where(Mention.external_id == "b1"))
    with pytest.raises(OutOfScope):
        mark_issue_handled(session, ciledug, issue_id, [(other.id, other.version)], "ani")
    session.rollback()
    assert session.get(Mention, other.id, populate_existing=True).status == "baru"
    assert audit.history(session, "issue", issue_id)[-1].outcome == "denied"


def test_a_new_mention_reopens_a_handled_issue(registry, session):
    issue_id = _national_issue(session)
    ok, _ = mark_issue_handled(session, NATIONAL, issue_id, handling_plan(session, NATIONAL, issue_id,
                                                                          NOW - timedelta(days=7)), "admin")
    session.commit()
    assert session.get(Issue, issue_id, populate_existing=True).status == "ditangani"
    add_mentions(session, "polsekbenda", [("n1", "begal di benda tolong", NOW - minutes(5))])
    regroup(session, now=NOW)
    session.commit()
    assert session.get(Issue, issue_id, populate_existing=True).status == "terbuka"


def test_compliance_per_platform_and_rollup(registry, session, monkeypatch):
    comp = compliance_by_unit(session, NATIONAL).set_index("name")
    assert comp.loc["Polda Metro Jaya", "x"] == VERIFIED
    assert comp.loc["Polsek Ciledug", "instagram"] == UNVERIFIED
    assert comp.loc["Polsek Benda", "x"] == UNKNOWN
    assert comp.loc["Polsek Benda", "facebook"] == MISSING
    assert not comp["compliant"].any()  # nobody has all of X, Instagram and Facebook verified
    monkeypatch.setenv("PANTAU_MANDATE_PLATFORMS", "instagram")
    comp = compliance_by_unit(session, NATIONAL).set_index("name")
    assert comp.loc["Polresta Balikpapan", "compliant"] and not comp.loc["Polsek Ciledug", "compliant"]
    roll = compliance_rollup(session, NATIONAL, "polres").set_index("name")
    assert roll.loc["Polres Metro Tangerang Kota", ["units", "compliant"]].tolist() == [3, 1]


def test_paid_blue_check_can_be_excluded(registry, session, monkeypatch):
    monkeypatch.setenv("PANTAU_X_ACCEPTED_VERIFIED_TYPES", "government,business")
    comp = compliance_by_unit(session, NATIONAL).set_index("name")
    assert comp.loc["Polres Metro Tangerang Kota", "x"] == UNVERIFIED
