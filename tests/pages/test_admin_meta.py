"""The Meta section of the Sumber Data page (lib/ui/meta_admin.py), run with Streamlit's AppTest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from lib import meta_tokens
from lib.config import ROOT
from lib.db import session_scope
from lib.models import MetaToken, Unit, utcnow
from tests.helpers import signed_in

PAGE = str(ROOT / "pages" / "admin_sources.py")
TOKEN = "EAAGpageTokenTypedByAnAdmin0123456789NEVERSHOWN"

pytestmark = pytest.mark.usefixtures("no_secrets_file")


def everything(at: AppTest) -> str:
    parts = [e.value for e in (*at.markdown, *at.info, *at.success, *at.warning, *at.error, *at.caption,
                               *at.header, *at.subheader)]
    parts += [str(df.value.to_dict()) for df in at.dataframe]
    parts += [str(t.value) for t in at.text_input]
    return "\n".join(str(p) for p in parts)


def test_without_a_key_the_page_says_how_to_turn_meta_on(registry):
    at = signed_in(AppTest.from_file(PAGE, default_timeout=30)).run()
    assert not at.exception
    text = everything(at)
    assert "Sumber Meta belum aktif" in text and "PANTAU_META_TOKEN_KEY" in text
    # The registry's "meta" panel, under its own heading after X's.
    assert [h.value for h in at.header] == ["Sumber X", "Sumber Instagram & Facebook (Meta)"]


def test_admin_enters_a_token_it_is_stored_encrypted_and_never_shown(registry, monkeypatch):
    monkeypatch.setenv("PANTAU_META_TOKEN_KEY", Fernet.generate_key().decode())
    with session_scope(registry) as s:
        benda = s.scalar(select(Unit.id).where(Unit.code == "POLSEK-BENDA"))
        meta_tokens.set_token(s, benda, TOKEN, "admin", utcnow() + timedelta(days=3))
        ciledug = s.scalar(select(Unit.id).where(Unit.code == "POLSEK-CILEDUG"))
    at = signed_in(AppTest.from_file(PAGE, default_timeout=30)).run()
    assert not at.exception
    text = everything(at)
    assert "Token Meta Polsek Benda: segera kedaluwarsa" in text
    assert "belum ada token" in text and "polsekciledug" in text

    at.selectbox[0].set_value(ciledug)
    at.text_input[0].set_value(TOKEN)
    at.checkbox[0].check()
    at.button(key="FormSubmitter:meta_token_form_0-Simpan token").click()
    at.run()
    assert not at.exception
    text = everything(at)
    assert "Token tersimpan terenkripsi" in text
    assert at.text_input[0].value == ""  # a fresh form: the typed token is not kept in the widget
    assert TOKEN not in text
    with session_scope(registry) as s:
        row = s.scalar(select(MetaToken).where(MetaToken.unit_id == ciledug))
        assert row is not None and row.expires_at is None and row.set_by == "admin"
        assert meta_tokens.token_for(s, ciledug) == TOKEN


def test_a_malformed_token_gets_a_clear_message(registry, monkeypatch):
    monkeypatch.setenv("PANTAU_META_TOKEN_KEY", Fernet.generate_key().decode())
    at = signed_in(AppTest.from_file(PAGE, default_timeout=30)).run()
    at.text_input[0].set_value("pendek")
    at.button(key="FormSubmitter:meta_token_form_0-Simpan token").click()
    at.run()
    assert "Token tidak sah" in everything(at)


def test_sync_button_polls_meta_and_the_accounts_table_shows_the_facts(registry, monkeypatch):
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "sources"))
    from meta_recorded import TOKEN_POLSEK, served

    monkeypatch.setenv("PANTAU_META_TOKEN_KEY", Fernet.generate_key().decode())
    # The recorded posts are from late Nov 2026 and the page uses the real clock: widen the window.
    monkeypatch.setattr("lib.sources.meta.LOOKBACK", timedelta(days=3650))
    with session_scope(registry) as s:
        unit = s.scalar(select(Unit.id).where(Unit.code == "POLSEK-BALIKPAPAN-UTARA"))
        meta_tokens.set_token(s, unit, TOKEN_POLSEK, "admin")
    at = signed_in(AppTest.from_file(PAGE, default_timeout=30)).run()
    for api in served():
        api.polsek_facebook()
        next(b for b in at.button if b.label.startswith("Sinkronkan Instagram")).click()
        at.run()
    assert not at.exception
    text = everything(at)
    assert "Sinkronisasi Meta selesai: 4 sebutan baru" in text
    assert "104000000000002" in text and "3.400" in text  # the Page id and followers from `/me`
    accounts = at.dataframe[-1].value.set_index("handle")
    assert accounts.loc["polsekbpputara", "last_sync"].endswith(" WIB")  # Indonesian, not the browser's locale
    assert accounts.loc["polsekciledug", "last_sync"] == "–"
    assert accounts.loc["polsekciledug", "last_error"] == "–" and not accounts.isna().any().any()  # no "nan"/"None"
    assert TOKEN_POLSEK not in text
