"""Shared Streamlit pieces for the pages (the only part of lib/ that imports streamlit)."""
