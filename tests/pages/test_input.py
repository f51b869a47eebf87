"""The input page stores a typed-in complaint and rejects a bad file without storing anything."""

from __future__ import annotations

from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from lib.config import ROOT
from lib.db import session_scope
from lib.models import Mention


def test_manual_form_stores_a_mention(registry):
    at = AppTest.from_file(str(ROOT / "pages" / "input.py"), default_timeout=60).run()
    assert not at.exception
    [text] = [t for t in at.text_area if t.label == "Isi sebutan / aduan"]
    text.input("Pak, ada pungli di pos jalan raya ciledug")
    [save] = [b for b in at.button if b.label == "Simpan sebutan"]
    save.click().run()
    assert [s.value for s in at.success] == ["Sebutan disimpan."]
    with session_scope(registry) as s:
        m = s.scalar(select(Mention))
        assert (m.platform, m.text) == ("whatsapp", "Pak, ada pungli di pos jalan raya ciledug")
        assert s.scalar(select(func.count(Mention.id))) == 1
