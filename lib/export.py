"""Tables offered for download, made safe to open in a spreadsheet.

Mention text comes from the internet: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
return is read by Excel, LibreOffice and Google Sheets as a formula (`=HYPERLINK(…)` phoning home,
`+cmd|' /C calc'!A0` running a program). Such a cell gets a leading apostrophe, the form the OWASP
CSV-injection guidance recommends, which spreadsheets show as text. Streamlit's own table download
is switched off in .streamlit/config.toml (`client.disableDataExport`); pages export through here.
"""

from __future__ import annotations

import csv

import pandas as pd

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would evaluate, turned into plain text; other values unchanged."""
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell neutralised (column names too: they can come from data)."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (Excel then reads the emoji and Indonesian text right), cells neutralised."""
    # Every field quoted: the csv module would leave a lone carriage return unquoted, splitting the row.
    return safe_frame(frame).to_csv(index=False, quoting=csv.QUOTE_ALL).encode("utf-8-sig")
