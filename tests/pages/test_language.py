"""No English leftovers on the inbox, input, issues and admin pages: multiselects carry Indonesian
placeholders, forms don't advertise "Press Enter", and tables show no None/nan/NaT or UTC times."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from lib import audit
from lib.db import session_scope
from lib.issues import regroup
from lib.models import Mention
from tests.helpers import add_mention, page_app, signed_in

MISSING = re.compile(r"^(None|nan|NaN|NaT|<NA>)$")
PAGES = ["kotak_masuk", "input", "isu_negatif", "admin_users", "admin_sources"]


@pytest.fixture
def data(registry):
    with session_scope(registry) as s:
        add_mention(s, "POLSEK-CILEDUG", "begal di ciledug", author_handle=None, author_name=None)
        add_mention(s, "POLSEK-CILEDUG", "begal lagi di ciledug", minutes_ago=5)
        s.execute(update(Mention).values(topic="begal ciledug"))
        regroup(s)
        # an audit row with empty values (what made the viewer print "nan")
        audit.record(s, actor="admin", entity="user", entity_id=None, action="login", outcome="denied")
    return registry


@pytest.mark.parametrize("name", PAGES)
def test_no_english_placeholders_and_no_missing_markers(data, name):
    at = signed_in(page_app(name)).run()
    assert not at.exception
    for ms in at.multiselect:
        assert ms.placeholder and "Choose" not in ms.placeholder, ms.label
    for sb in at.selectbox:
        assert "Choose" not in (sb.placeholder or ""), sb.label
    for form in at.get("form"):
        assert not form.proto.form.enter_to_submit, "forms must not show 'Press Enter to submit form'"
    for df in at.dataframe:
        frame = df.value
        for col in frame.columns:
            assert "(UTC)" not in str(col)
            shown = [str(v) for v in frame[col]]
            assert not [v for v in shown if MISSING.match(v)], (name, col, shown)


def test_audit_viewer_labels_codes_and_times(data):
    at = signed_in(page_app("admin_users")).run()
    log = at.dataframe[-1].value
    row = log[log["action"] == "Masuk"].iloc[0]
    assert (row["entity"], row["outcome"], row["to_value"], row["entity_id"]) == ("Pengguna", "Ditolak", "–", "–")
    assert row["at"].endswith(" WIB")
