"""The sign-in screen: local accounts (username + password) or, when `[auth]` is configured in
`.streamlit/secrets.toml`, Streamlit's own OIDC flow (`st.login` / `st.user`)."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from lib.auth import LoginRefused, Principal, authenticate
from lib.db import session_scope

SESSION_KEY = "auth"  # {"kind": "user", "id": int, "epoch": int, "method": "local" | "oidc"}


def remember(principal: Principal, method: str) -> None:
    st.session_state[SESSION_KEY] = {"kind": principal.kind, "id": principal.id, "epoch": principal.epoch,
                                     "method": method}


def forget() -> None:
    st.session_state.pop(SESSION_KEY, None)


def local_login_form(engine: Engine) -> None:
    """Username and password; on success the session remembers the user id and reruns."""
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title(":material/shield: Pantau")
        st.caption("Pemantauan media sosial Polri. Masuk untuk melanjutkan.")
        with st.form("login", clear_on_submit=True):
            username = st.text_input("Nama pengguna", max_chars=40, autocomplete="username")
            password = st.text_input("Kata sandi", type="password", max_chars=200, autocomplete="current-password")
            submitted = st.form_submit_button("Masuk", type="primary", width="stretch")
        if submitted:
            try:
                with session_scope(engine) as s:
                    principal = authenticate(s, username, password, client=_client_address())
            except LoginRefused as exc:
                st.error(str(exc))
                return
            remember(principal, "local")
            st.rerun()


def _client_address() -> str | None:
    """The browser's address. X-Forwarded-For (its last hop) is believed only when the connection
    comes from this machine, i.e. from the local reverse proxy; anyone else could forge it."""
    try:
        direct = st.context.ip_address
        if direct in ("127.0.0.1", "::1"):
            forwarded = (st.context.headers.get("X-Forwarded-For") or "").split(",")[-1].strip()
            return forwarded or direct
        return direct
    except Exception:  # no request context (AppTest, scripts)
        return None


def sso_login(provider: str | None) -> None:
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title(":material/shield: Pantau")
        st.caption("Pemantauan media sosial Polri. Masuk dengan akun dinas Anda.")
        if st.button("Masuk dengan SSO", type="primary", width="stretch"):
            st.login(provider) if provider else st.login()


def sso_refused(message: str) -> None:
    st.error(message)
    if st.button("Keluar"):
        forget()
        st.logout()
