"""With `[auth]` in secrets.toml the app signs in through st.login / st.user (OIDC) and maps the
provider's email to a local user for role and unit; an unknown email is refused with a message."""

from __future__ import annotations

import pytest

from lib import config
from lib.db import session_scope
from lib.users import create_user
from tests.helpers import page_app

SECRETS = """
[auth]
redirect_uri = "http://localhost:8501/oauth2callback"
cookie_secret = "uji-rahasia-cookie-yang-cukup-panjang-0123456789"
client_id = "pantau"
client_secret = "rahasia-klien"
server_metadata_url = "https://idp.example/.well-known/openid-configuration"
"""


@pytest.fixture
def oidc(two_units, tmp_path, monkeypatch):
    path = tmp_path / "secrets.toml"
    path.write_text(SECRETS)
    monkeypatch.setenv("PANTAU_SECRETS_FILE", str(path))
    config._secrets.cache_clear()
    yield two_units
    config._secrets.cache_clear()


def test_signed_out_sees_only_the_sso_button(oidc):
    at = page_app()
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception, at.exception
    assert [b.label for b in at.button] == ["Masuk dengan SSO"]
    assert len(at.text_input) == 0 and len(at.metric) == 0


def test_known_email_gets_its_role_and_unit(oidc):
    engine, _ = oidc
    with session_scope(engine) as s:
        create_user(s, "test", "kapolsek", "pimpinan", unit_code="POLSEK-CILEDUG", email="kapolsek@polri.go.id")
    at = page_app("kotak_masuk")
    at.user = {"is_logged_in": True, "email": "Kapolsek@polri.go.id", "email_verified": True}
    at.run()
    assert not at.exception, at.exception
    assert "BALIKPAPAN-TEXT" not in at.dataframe[0].value.to_string()
    assert "CILEDUG-TEXT" in at.dataframe[0].value.to_string()


def test_unknown_email_is_refused_clearly(oidc):
    at = page_app()
    at.user = {"is_logged_in": True, "email": "orang@lain.id"}
    at.run()
    assert not at.exception, at.exception
    assert any("belum terdaftar" in e.value for e in at.error)
    assert len(at.metric) == 0 and len(at.dataframe) == 0
