"""Issue 11, item 6: a failure inside a page reaches the user as a short Indonesian message, never
a traceback, SQL or a server path; the details go to the server log."""

from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError

from lib.ui import context
from tests.helpers import page_app, signed_in


def test_a_database_failure_mid_page_is_a_short_message(two_units, monkeypatch, caplog):
    def disk_full(*args, **kwargs):
        raise OperationalError("INSERT INTO daily_counts VALUES (?)", {"unit": 7},
                               Exception("database or disk is full /srv/pantau/data/pantau.db"))

    monkeypatch.setattr(context, "unit_choices", disk_full)  # the overview's scope picker reads units
    at = signed_in(page_app())
    with caplog.at_level(logging.ERROR, logger="pantau.ui"):
        at.run()
    assert not at.exception, at.exception
    shown = " ".join(e.value for e in at.error)
    assert shown.startswith("Terjadi galat di server")
    assert "disk is full" not in shown and "/srv" not in shown and "INSERT" not in shown
    assert "disk is full" in caplog.text  # the details are in the server log


def test_a_failure_inside_the_wall_fragment_is_a_short_message(two_units, monkeypatch, caplog):
    """Streamlit handles fragment exceptions itself (English text, or the traceback); the wall's
    auto-refreshing board is guarded."""
    from lib import watch

    def corrupt(*args, **kwargs):
        raise OperationalError("SELECT * FROM daily_counts", {}, Exception("database disk image is malformed"))

    monkeypatch.setattr(watch, "burning", corrupt)  # read inside the fragment only
    at = signed_in(page_app("ringkasan"))
    at.query_params["mode"] = "wall"
    with caplog.at_level(logging.ERROR, logger="pantau.ui"):
        at.run()
    assert not at.exception, at.exception
    shown = " ".join(e.value for e in at.error)
    assert shown.startswith("Terjadi galat di server") and "malformed" not in shown
    assert "malformed" in caplog.text
