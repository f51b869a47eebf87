"""Issue grouping and handling; verification compliance against the mandate."""

from __future__ import annotations

from datetime import timedelta

from lib import audit
from lib.accounts import MISSING, UNKNOWN, UNVERIFIED, VERIFIED, compliance_by_unit, compliance_rollup
from lib.issues import list_issues, mark_issue_handled, regroup
from lib.models import Mention
from lib.scope import NATIONAL
from tests.conftest import NOW
from tests.helpers import add_mentions, minutes


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
    ok, message = mark_issue_handled(session, NATIONAL, int(issue["id"]), int(issue["version"]), "ani", "patroli")
    session.commit()
    assert ok and "2 sebutan" in message
    assert {session.get(Mention, m.id, populate_existing=True).status for m in ms} == {"ditangani"}
    assert audit.history(session, "issue", int(issue["id"]))[0].to_value == "ditangani"
    again, msg = mark_issue_handled(session, NATIONAL, int(issue["id"]), int(issue["version"]), "budi")
    assert not again and "Ditolak" in msg


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
