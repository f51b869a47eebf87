"""Spreadsheet cells that could run as formulas, neutralised (OWASP "CSV injection").

A cell of text from the internet that starts with = + - @ (or a tab / carriage return, which some
programs skip before looking for those) is prefixed with an apostrophe so Excel, LibreOffice and
Google Sheets show it as text. Numbers stay numbers: only strings are touched.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """`value` unchanged unless it is a string a spreadsheet could read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
