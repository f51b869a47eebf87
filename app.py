"""Pantau entry point: page config, wall mode, navigation over pages/."""

from __future__ import annotations

import streamlit as st

wall = st.query_params.get("mode") == "wall"
st.set_page_config(page_title="Pantau", page_icon="🛡️", layout="wide",
                   initial_sidebar_state="collapsed" if wall else "auto")

overview = st.Page("pages/ringkasan.py", title="Ringkasan", icon="📊", default=True)
pages = {
    "Pemantauan": [
        overview,
        st.Page("pages/kotak_masuk.py", title="Kotak Masuk", icon="📥"),
        st.Page("pages/isu_negatif.py", title="Isu Negatif", icon="⚠️"),
        st.Page("pages/akun.py", title="Akun & Verifikasi", icon="✅"),
        st.Page("pages/unit.py", title="Unit", icon="🏢"),
    ],
    "Kelola": [
        st.Page("pages/input.py", title="Input & Impor", icon="➕"),
    ],
    "Admin": [
        st.Page("pages/admin_sources.py", title="Sumber Data", icon="🔌"),
    ],
}

if wall:
    st.navigation([overview], position="hidden").run()
else:
    with st.sidebar:
        st.text_input("Nama petugas (untuk jejak audit)", key="actor", value="admin", max_chars=60)
    st.navigation(pages).run()
