"""Rows made storable before they reach the database, whatever the source (API, demo, file, form).

PostgreSQL refuses a NUL character in text and a value longer than its column; SQLite stores both,
and its string functions then stop at the NUL. One such row used to fail a whole batch, so the
account's cursor never moved again. Here text loses NUL and other control characters (newlines
and tabs stay; emoji, joiners and right-to-left text are untouched), lone surrogates, and is cut to
its column; an over-long id is replaced by a stable shortened form so dedupe still works.
"""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import String, Table

# C0 controls except tab and newline, DEL, C1 controls, and UTF-16 surrogates (unencodable alone).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_ID_COLUMNS = frozenset({"external_id", "author_id", "in_reply_to_id", "conversation_id", "answer_external_id"})


def clean_text(value: str) -> str:
    """Text without NUL/control characters; CR and CRLF become newlines."""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def fit_id(value: str, length: int) -> str:
    """An identifier that fits `length`: unchanged when it does, else a prefix plus a digest of the
    whole, so two long ids sharing a prefix stay distinct and the same id always maps the same way."""
    if len(value) <= length:
        return value
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{value[: length - 17]}~{digest}"


def column_lengths(table: Table) -> dict[str, int | None]:
    """Every text column of `table` and its length (None: unlimited)."""
    return {c.name: c.type.length for c in table.columns if isinstance(c.type, String)}


def clean_row(row: dict, lengths: dict[str, int | None]) -> dict:
    """The row (changed in place, and returned) with every text column cleaned and fitted. The store
    step's hot path: a clean value costs one regex scan and one length check."""
    for key, limit in lengths.items():
        value = row.get(key)
        if value.__class__ is not str:
            continue
        if "\r" in value or _CONTROL.search(value):
            value = clean_text(value)
        if limit and len(value) > limit:
            value = fit_id(value, limit) if key in _ID_COLUMNS else value[:limit]
        row[key] = value
    return row
