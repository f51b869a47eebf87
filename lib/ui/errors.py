"""Unexpected failures (a full disk, a database damaged mid-file, a bug) as a short Indonesian
message; the traceback goes to the server log only. Streamlit's own handler would show its English
text, and with `client.showErrorDetails` on, the traceback with server paths and SQL."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec

import streamlit as st

log = logging.getLogger("pantau.ui")
MESSAGE = ("Terjadi galat di server; halaman ini tidak dapat ditampilkan. Coba muat ulang sebentar lagi. "
           "Jika berulang, hubungi admin (rinciannya tercatat di log server).")
P = ParamSpec("P")


def show_failure(where: str) -> None:
    """Call inside `except Exception`: log the traceback, show the short message."""
    log.exception("%s failed", where)
    st.error(MESSAGE)


def guarded(fn: Callable[P, None]) -> Callable[P, None]:
    """For st.fragment bodies: Streamlit handles a fragment's exceptions itself, before app.py can.
    st.stop/st.rerun are not Exceptions and pass through."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            fn(*args, **kwargs)
        except Exception:
            show_failure(fn.__name__)

    return wrapper
