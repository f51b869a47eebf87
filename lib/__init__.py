"""Pantau's logic and data access: plain Python, no Streamlit below the UI layer."""
