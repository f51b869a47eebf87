"""Kotak Masuk with a mention tagging two Polsek: each Polsek's operator sees it and may handle it."""

from __future__ import annotations

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from lib.config import ROOT
from lib.db import session_scope
from lib.models import Account, Mention, MentionTarget, utcnow
from tests.helpers import add_mentions, minutes, signed_in, unit


def test_each_targeted_polsek_sees_it_once_in_its_inbox(registry):
    with session_scope(registry) as s:
        s.add(Account(unit_id=unit(s, "POLSEK-BENDA").id, platform="instagram", handle="polsekbenda.ig"))
        s.flush()
        item = [("ig1", "@polsekciledug @polsekbenda.ig jalan rusak parah", utcnow() - minutes(20))]
        for handle in ("polsekciledug", "polsekbenda.ig"):
            add_mentions(s, handle, item)
        assert s.scalar(select(MentionTarget.unit_id)) == unit(s, "POLSEK-BENDA").id
        mention_id = s.scalar(select(Mention.id))
    for code in ("POLSEK-BENDA", "POLSEK-CILEDUG", "POLRES-METRO-TANGERANG-KOTA"):
        at = signed_in(AppTest.from_file(str(ROOT / "pages" / "kotak_masuk.py"), default_timeout=60),
                       "operator", code).run()
        assert not at.exception, code
        assert "1 sebutan cocok" in at.caption[0].value, code
        assert [o for o in at.selectbox(key="one_id").options if o.startswith(f"#{mention_id} ·")], code
