"""Wall-display look: dark, large type, no chrome. Static CSS only; no mention text ever goes here."""

from __future__ import annotations

import streamlit as st

_CSS = """
<style>
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebar"],
[data-testid="stSidebarCollapsedControl"], footer { display: none !important; }
.stApp, [data-testid="stAppViewContainer"] { background: #0e1117 !important; color: #f5f5f5 !important; }
.block-container { padding-top: 1rem !important; max-width: 100% !important; }
[data-testid="stMetricLabel"] p { font-size: 1.6rem !important; color: #c9d1d9 !important; }
[data-testid="stMetricValue"] { font-size: 4.2rem !important; color: #ffffff !important; }
h2, h3, [data-testid="stCaptionContainer"] p { font-size: 2rem !important; color: #f5f5f5 !important; }
[data-testid="stCaptionContainer"] p { font-size: 1.5rem !important; }
[data-testid="stText"], [data-testid="stText"] * { font-size: 1.4rem !important; color: #f5f5f5 !important; white-space: pre-wrap; }
[data-testid="stVerticalBlockBorderWrapper"] { border-color: #30363d !important; }
</style>
"""


def wall_style() -> None:
    st.html(_CSS)
