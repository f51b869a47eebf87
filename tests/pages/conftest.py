"""Page tests run each page script through Streamlit's AppTest against the test database."""

from __future__ import annotations

import pytest
import streamlit as st

from lib.db import session_scope
from tests.helpers import add_mention


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test has its own data; cached figures from another test must not leak in."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


@pytest.fixture
def two_units(registry):
    """Access tests: one mention in Ciledug (Tangerang Kota) and one in Balikpapan Utara, with telling
    texts; returns (engine, {"ciledug": id, "balikpapan": id})."""
    with session_scope(registry) as s:
        ids = {
            "ciledug": add_mention(s, "POLSEK-CILEDUG", "CILEDUG-TEXT maling motor", author_handle="warga_ciledug").id,
            "balikpapan": add_mention(s, "POLSEK-BALIKPAPAN-UTARA", "BALIKPAPAN-TEXT jambret",
                                      author_handle="warga_bpp").id,
        }
    return registry, ids


@pytest.fixture
def no_secrets_file(tmp_path, monkeypatch):
    """Only the environment configures the test (no developer's secrets.toml leaks in)."""
    from lib import config

    monkeypatch.setenv("PANTAU_SECRETS_FILE", str(tmp_path / "absent.toml"))
    config._secrets.cache_clear()
    yield
    config._secrets.cache_clear()
