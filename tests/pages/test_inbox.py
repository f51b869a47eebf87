"""The inbox as operators use it: the default view, badges and filters, the review queue, bulk changes
confirmed on the exact list, no stale IDs, and the real user named in the dialog."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from lib import audit
from lib.db import session_scope
from lib.models import Mention
from lib.workflow import change_status
from tests.helpers import add_mention, login_as, make_user, page_app


@pytest.fixture
def inbox(registry):
    """Four Ciledug mentions: two unanswered (90 and 10 minutes old), one answered, one flagged urgent
    whose analysis is unsure; returns (engine, {name: id})."""
    with session_scope(registry) as s:
        ids = {
            "old": add_mention(s, "POLSEK-CILEDUG", "OLD begal semalam", minutes_ago=90).id,
            "fresh": add_mention(s, "POLSEK-CILEDUG", "FRESH tanya skck", minutes_ago=10, sentiment="neutral").id,
            "done": add_mention(s, "POLSEK-CILEDUG", "DONE makasih pak", minutes_ago=300, status="selesai").id,
            "fire": add_mention(s, "POLSEK-CILEDUG", "FIRE DARURAT kebakaran pasar", minutes_ago=30).id,
        }
        s.execute(update(Mention).values(sentiment_score=0.9))
        s.execute(update(Mention).where(Mention.id == ids["fire"]).values(flags="urgent", sentiment_score=0.3))
    return registry, ids


def open_inbox(role: str = "admin", unit: str | None = None):
    at = page_app("kotak_masuk")
    login_as(at, role, unit)
    return at.run()


def grid(at):
    return at.dataframe[0].value


def test_default_view_is_unanswered_oldest_first_with_badges_before_text(inbox):
    at = open_inbox()
    assert not at.exception
    frame = grid(at)
    assert list(frame.columns[:5]) == ["status", "umur", "sla", "penanda", "teks"]
    assert [t.split()[0] for t in frame["teks"]] == ["OLD", "FIRE", "FRESH"]  # DONE is answered
    fire = frame[frame["teks"].str.startswith("FIRE")].iloc[0]
    assert list(fire["penanda"]) == ["Darurat", "Perlu ditinjau"] and list(fire["status"]) == ["Baru"]
    old = frame[frame["teks"].str.startswith("OLD")].iloc[0]
    assert old["sla"] == "LEWAT SLA" and old["umur"] == "1,5 jam"  # Ciledug's SLA is 30 minutes
    fresh = frame[frame["teks"].str.startswith("FRESH")].iloc[0]
    assert fresh["sla"].startswith("sisa ") and list(fresh["penanda"]) == []
    shown = " ".join(str(v) for v in frame.astype(str).to_numpy().ravel())
    assert "None" not in shown and "nan" not in shown


def test_flag_and_review_filters_and_the_review_count(inbox):
    at = open_inbox()
    assert "1 perlu ditinjau" in at.caption[0].value
    [review] = [t for t in at.toggle if t.label == "Perlu ditinjau"]
    review.set_value(True).run()
    assert [t.split()[0] for t in grid(at)["teks"]] == ["FIRE"]
    review.set_value(False).run()
    [flags] = [m for m in at.multiselect if m.label == "Penanda analisis"]
    assert "keluhan" in flags.options or "Keluhan" in flags.options  # the analyser's new flag is offered
    flags.select("urgent").run()
    assert [t.split()[0] for t in grid(at)["teks"]] == ["FIRE"]


def test_bulk_change_acts_on_exactly_the_confirmed_rows(inbox):
    engine, ids = inbox
    at = open_inbox()
    frame = grid(at)
    rows = [int(i) for i in frame.index[frame["teks"].str.startswith(("OLD", "FRESH"))]]
    at.session_state["inbox_grid_1"] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    at.run()
    [apply] = [b for b in at.button if b.label == "Terapkan ke yang dipilih"]
    apply.click().run()
    confirm = at.dataframe[-1].value  # the confirmation lists exactly the chosen rows
    assert sorted(confirm["ID"]) == sorted([ids["old"], ids["fresh"]])
    with session_scope(engine) as s:  # untouched rows stay so until "Ya"
        assert s.get(Mention, ids["old"]).status == "baru"
    at.button(key="bulk_confirm").click().run()
    assert [t.value for t in at.toast] == ["2 sebutan diubah."]
    with session_scope(engine) as s:
        status = {k: s.get(Mention, i).status for k, i in ids.items()}
    assert status == {"old": "ditangani", "fresh": "ditangani", "done": "selesai", "fire": "baru"}
    # the list is read again: the changed rows left the unanswered view, the selection is gone
    assert [t.split()[0] for t in grid(at)["teks"]] == ["FIRE"]
    assert "inbox_grid_1" not in at.session_state


def test_bulk_change_refuses_a_row_changed_by_someone_else_meanwhile(inbox):
    engine, ids = inbox
    at = open_inbox()
    frame = grid(at)
    rows = [int(i) for i in frame.index[frame["teks"].str.startswith(("OLD", "FIRE"))]]
    at.session_state["inbox_grid_1"] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    at.run()
    [apply] = [b for b in at.button if b.label == "Terapkan ke yang dipilih"]
    apply.click().run()
    other = make_user(engine, "operator", "POLSEK-CILEDUG", username="sari")
    with session_scope(engine) as s:  # someone else forwards the fire report while the dialog is open
        scope = other.scope
        assert change_status(s, scope, ids["fire"], 1, "diteruskan", other, "ke damkar", "Samapta").ok
    at.button(key="bulk_confirm").click().run()
    assert [t.value for t in at.toast] == ["1 sebutan diubah. 1 gagal."]
    assert any("sari" in e.value for e in at.error)
    with session_scope(engine) as s:
        fire = s.get(Mention, ids["fire"])
        assert (fire.status, fire.forwarded_to) == ("diteruskan", "Samapta")  # not overwritten
        assert s.get(Mention, ids["old"]).status == "ditangani"


def test_no_stale_id_after_a_filter_change(inbox):
    _, ids = inbox
    at = open_inbox()
    at.selectbox(key="one_id").set_value(ids["fresh"]).run()
    at.session_state["inbox_grid_1"] = {"selection": {"rows": [0, 1, 2], "columns": [], "cells": []}}
    at.run()
    at.text_input[0].input("OLD").run()  # the filter now hides FRESH and FIRE
    assert at.selectbox(key="one_id").options == [f"#{ids['old']} · OLD begal semalam"]
    assert at.selectbox(key="one_id").value == ids["old"]
    assert any("(0 dipilih" in m.value for m in at.markdown)  # a new list starts with nothing ticked
    [apply] = [b for b in at.button if b.label == "Terapkan ke yang dipilih"]
    apply.click().run()
    assert any("Belum ada sebutan yang dipilih" in w.value for w in at.warning)


def test_dialog_names_the_operator_who_answered(inbox):
    engine, ids = inbox
    at = page_app("kotak_masuk")
    login_as(at, "operator", "POLSEK-CILEDUG", username="budi")
    at.run()
    at.selectbox(key="one_id").set_value(ids["old"]).run()
    at.button(key="open_dialog").click().run()
    [status] = [s for s in at.selectbox if s.label == "Status baru"]
    status.select("ditangani")
    [save] = [b for b in at.button if b.label == "Simpan"]
    save.click().run()
    at.toggle[0].set_value(False).run()  # show answered ones too
    at.selectbox(key="one_id").set_value(ids["old"]).run()
    at.button(key="open_dialog").click().run()
    answered = [c.value for c in at.caption if "dijawab" in c.value]
    assert answered and "oleh budi" in answered[0] and "(admin)" not in answered[0]
    with session_scope(engine) as s:
        assert [e.actor for e in audit.history(s, "mention", ids["old"])] == ["budi"]
