"""Admins' corrections read back as labels (training data, and what re-analysis must keep).

`corrected_fields(session)` merges several corrections of one mention field by field, the latest
non-empty value winning (a correction that fixed only the flags keeps an earlier sentiment fix).
A corrected function of "-" or "none" means "no police function". This module imports neither
`train` nor `retrain`, so both (and `reanalyze`) can use it without an import loop.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.analysis import dataset as ds
from lib.models import Correction, Mention


def corrected_fields(session: Session) -> dict[int, dict]:
    """mention id -> {"text", "sentiment", "flags", "function"}: the merged corrections per mention."""
    rows = session.execute(
        select(Correction.mention_id, Correction.sentiment, Correction.flags, Correction.function, Mention.text)
        .join(Mention, Mention.id == Correction.mention_id)
        .order_by(Correction.mention_id, Correction.at, Correction.id)
    ).all()
    merged: dict[int, dict] = {}
    for mention_id, sentiment, flags, function, text in rows:
        current = merged.setdefault(mention_id, {"text": text, "sentiment": None, "flags": None, "function": None})
        if sentiment in ds.SENTIMENTS:
            current["sentiment"] = sentiment
        if flags is not None:
            try:
                current["flags"] = ds.parse_flags(flags)
            except ds.DatasetError:
                pass  # an unknown flag name teaches nothing; keep the earlier value
        if function is not None:
            try:
                current["function"] = ds.parse_function(function)
            except ds.DatasetError:
                pass
    return merged


def corrections_from_db(session: Session) -> list[ds.LabelledText]:
    """Corrected mentions as training examples (a None field is "not corrected")."""
    merged = corrected_fields(session)
    return [
        ds.LabelledText(c["text"], c["sentiment"], c["flags"], c["function"], source="correction")
        for _mid, c in sorted(merged.items())
        if c["text"] and (c["sentiment"] or c["flags"] is not None or c["function"] is not None)
    ]
