"""Page tests run each page script through Streamlit's AppTest against the test database."""

from __future__ import annotations

import pytest
import streamlit as st


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test has its own data; cached figures from another test must not leak in."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
