"""A wall screen's kiosk token, kept out of the address bar.

The admin hands out `?kiosk=<token>` once. On first use the token is checked, then moved: into the
server-side session (so fragments and reruns keep working) and into a first-party cookie scoped to
this site (so a reload or a server restart brings the wall back), and the address is rewritten to
`?mode=wall`. The token is then no longer in the browser history, in screenshots of the address bar
or in proxy logs of later requests. The cookie is read only when the address asks for the wall
(`mode=wall`), so a browser once used as a wall still shows the sign-in screen at the plain address.

The cookie is written by the page (Streamlit cannot set HttpOnly cookies from a script); nothing on
the page runs foreign script (see lib/ui/safe.py), and SameSite=Strict keeps it off cross-site
requests.
"""

from __future__ import annotations

import json

import streamlit as st

COOKIE = "pantau_kiosk"
_SESSION = "kiosk_token"
_YEAR = 365 * 24 * 3600


def presented_token() -> str | None:
    """The token this browser presents: the address (first use), this session, or the cookie."""
    from_url = st.query_params.get("kiosk")
    if from_url:
        return from_url
    if st.session_state.get(_SESSION):
        return st.session_state[_SESSION]
    if st.query_params.get("mode") == "wall":
        value = st.context.cookies.get(COOKIE)
        return value if isinstance(value, str) and value else None
    return None


def settle(raw: str) -> None:
    """A valid token: remember it server-side and in the cookie, and take it out of the address."""
    st.session_state[_SESSION] = raw
    if "kiosk" in st.query_params:
        _cookie_script(raw, _YEAR)
        del st.query_params["kiosk"]
        st.query_params["mode"] = "wall"


def drop() -> None:
    """An invalid or revoked token: forget it everywhere (the address too)."""
    st.session_state.pop(_SESSION, None)
    if "kiosk" in st.query_params:
        del st.query_params["kiosk"]
    if isinstance(st.context.cookies.get(COOKIE), str):
        _cookie_script("", 0)


def _cookie_script(value: str, max_age: int) -> None:
    cookie = json.dumps(f"{COOKIE}={value}; Path=/; Max-Age={max_age}; SameSite=Strict")
    st.html(f"<script>document.cookie = {cookie} + (location.protocol === 'https:' ? '; Secure' : '');</script>",
            unsafe_allow_javascript=True, width=1)
