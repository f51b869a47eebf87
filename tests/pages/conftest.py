"""AppTest fixtures: the test database with a registry and a few mentions, and a page runner."""

from __future__ import annotations

import pytest
from helpers import add_mention
from streamlit.testing.v1 import AppTest

from lib.config import ROOT
from lib.db import session_scope

PAGES = {
    "ringkasan": "pages/ringkasan.py",
    "kotak_masuk": "pages/kotak_masuk.py",
    "isu_negatif": "pages/isu_negatif.py",
    "akun": "pages/akun.py",
    "admin": "pages/admin_users.py",
}


@pytest.fixture
def data(registry):
    """One mention in Ciledug (Tangerang Kota) and one in Balikpapan Utara, with telling texts."""
    with session_scope(registry) as s:
        ids = {
            "ciledug": add_mention(s, "POLSEK-CILEDUG", "CILEDUG-TEXT maling motor", author_handle="warga_ciledug").id,
            "balikpapan": add_mention(s, "POLSEK-BALIKPAPAN-UTARA", "BALIKPAPAN-TEXT jambret",
                                      author_handle="warga_bpp").id,
        }
    return registry, ids


def app(page: str | None = None) -> AppTest:
    """The whole app (`page=None`) or one page file, with a generous timeout for a cold start."""
    return AppTest.from_file(str(ROOT / (PAGES[page] if page else "app.py")), default_timeout=60)
