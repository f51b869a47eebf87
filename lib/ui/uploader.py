"""Streamlit's file uploader in Bahasa Indonesia: its button ("Upload") and size note ("25MB per file
• CSV") have no label parameters, so trusted CSS replaces their text (nothing from users goes here)."""

from __future__ import annotations

import streamlit as st

_CSS = """<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { display: none; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after { content: "Unggah berkas"; }
[data-testid="stFileUploaderDropzoneInstructions"] span { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after { content: "%s"; font-size: 0.875rem; }
</style>"""


def indonesian_uploader(max_mb: int, types: str) -> None:
    """Call once on a page with `st.file_uploader`."""
    st.html(_CSS % f"Maks. {max_mb} MB per berkas · {types}")
