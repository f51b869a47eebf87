"""Pantau entry point: page config, the sign-in gate, wall/kiosk mode, navigation over pages/."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from lib.auth import ROLE_LABELS
from lib.db import session_scope
from lib.ui import login
from lib.ui.context import APP_RAN, current_principal, is_wall, open_database
from lib.ui.errors import show_failure
from lib.ui.safe import plain
from lib.users import UserError, change_own_password

st.session_state[APP_RAN] = True
wall = is_wall()
st.set_page_config(page_title="Pantau", page_icon="🛡️", layout="wide",
                   initial_sidebar_state="collapsed" if wall else "auto")

overview = st.Page("pages/ringkasan.py", title="Ringkasan", icon=":material/dashboard:", default=True)
admin_pages = [
    st.Page("pages/admin_sources.py", title="Sumber Data", icon=":material/cable:"),
    st.Page("pages/admin_users.py", title="Pengguna & Audit", icon=":material/admin_panel_settings:"),
]
pages = {
    "Pemantauan": [
        overview,
        st.Page("pages/kotak_masuk.py", title="Kotak Masuk", icon=":material/inbox:"),
        st.Page("pages/isu_negatif.py", title="Isu Negatif", icon=":material/report:"),
        st.Page("pages/akun.py", title="Akun & Verifikasi", icon=":material/verified:"),
        st.Page("pages/unit.py", title="Unit", icon=":material/apartment:"),
    ],
    "Kelola": [
        st.Page("pages/input.py", title="Input & Impor", icon=":material/add_circle:"),
    ],
}


def register_hidden() -> None:
    st.navigation([p for group in pages.values() for p in group] + admin_pages, position="hidden")


engine, _settings = open_database(before_stop=register_hidden)
# Draws the sign-in screen and stops when nobody is signed in; the pages are registered (hidden, never
# run) first so the address asked for (e.g. /kotak_masuk) is the page shown after signing in.
principal = current_principal(engine, before_sign_in=register_hidden)
if principal.is_admin:  # the pages also refuse non-admins themselves (page_context(page="admin"))
    pages["Admin"] = admin_pages


def run_page(page) -> None:
    """Run the chosen page; an unexpected failure (full disk, a database damaged mid-file, a bug) is a
    short Indonesian message, its traceback goes to the server log only. st.stop/st.rerun are not
    Exceptions and pass through."""
    try:
        page.run()
    except Exception:
        show_failure(f"page {getattr(page, 'url_path', '?')}")


if wall or principal.is_wall:
    run_page(st.navigation([overview], position="hidden"))
else:
    with st.sidebar:
        st.text(f"Masuk sebagai {plain(principal.display_name, 60)} ({principal.name})")
        st.text(f"{ROLE_LABELS[principal.role]} · {plain(principal.scope.label, 80)}")
        if (st.session_state.get(login.SESSION_KEY) or {}).get("method") == "local":
            with st.popover("Ganti kata sandi"), st.form("own_password", clear_on_submit=True):
                current = st.text_input("Kata sandi sekarang", type="password", max_chars=200)
                new = st.text_input("Kata sandi baru (min. 10 karakter)", type="password", max_chars=200)
                again = st.text_input("Ulangi kata sandi baru", type="password", max_chars=200)
                if st.form_submit_button("Simpan"):
                    if new != again:
                        st.error("Kedua kata sandi baru tidak sama.")
                    else:
                        try:
                            with session_scope(engine) as s:
                                epoch = change_own_password(s, principal, current, new)
                            login.remember(replace(principal, epoch=epoch), "local")
                            st.success("Kata sandi diganti; sesi lain diakhiri.")
                        except UserError as exc:
                            st.error(str(exc))
        if st.button("Keluar", key="logout"):
            method = (st.session_state.get(login.SESSION_KEY) or {}).get("method")
            login.forget()
            if method == "oidc" or st.user.is_logged_in:
                st.logout()
            st.rerun()
    run_page(st.navigation(pages))
