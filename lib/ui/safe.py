"""Untrusted text (mention text, author names, notes, display names) shown safely.

Streamlit's `st.markdown`, `st.caption`, `st.error`, labels and help texts all parse Markdown
(links, images, emphasis, `:material/…:` and `:red[…]` directives, math). Anything written by
outsiders goes through `plain()` before `st.text` / `st.dataframe`, or through `md()` when it must
sit inside Markdown. Neither function ever produces HTML; nothing here uses `unsafe_allow_html`.
"""

from __future__ import annotations

import re
import unicodedata

# Bidirectional overrides and isolates (they can reorder what the reader sees), zero-width joiners
# used to hide text, the BOM, and every C0/C1 control except tab and newline.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_INVISIBLE = "\u200b\u2060\ufeff"
_STRIP = re.compile(f"[{_BIDI}{_INVISIBLE}\x00-\x08\x0b-\x1f\x7f-\x9f]")
# CommonMark lets a backslash escape any ASCII punctuation; escaping all of it is simplest and safe.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&\"'=^%@/])")


def plain(text: object, limit: int | None = None) -> str:
    """Text without bidi/control characters (newlines and tabs kept), cut to `limit` characters."""
    if text is None:
        return ""
    cleaned = _STRIP.sub("", unicodedata.normalize("NFC", str(text)).replace("\r\n", "\n").replace("\r", "\n"))
    if limit is not None and len(cleaned) > limit:
        cleaned = cleaned[: max(0, limit - 1)] + "…"
    return cleaned


def md(text: object, limit: int | None = 300) -> str:
    """Untrusted text made literal inside Markdown: one line, every special character escaped."""
    one_line = " ".join(plain(text, limit).split())
    return _MD_SPECIAL.sub(r"\\\1", one_line)


def plain_frame_columns(frame, columns: list[str], limit: int | None = 2000):
    """A copy of `frame` with the given text columns passed through `plain()` (for st.dataframe).
    A missing value (None, or NaN: pandas' string columns turn None into NaN) becomes an empty cell,
    not the text "nan"."""
    out = frame.copy()
    for col in columns:
        if col in out.columns:
            out[col] = [plain(v, limit) if isinstance(v, str) else ("" if v is None or v != v else plain(v, limit))
                        for v in out[col]]
    return out
