"""Codes get Indonesian labels and tables never show None/nan/NaT."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from lib.labels import AUDIT_OUTCOME_LABELS, FLAG_LABELS, PLATFORM_LABELS, flag_labels, for_display, label
from lib.models import FLAGS, PLATFORMS


def test_every_known_code_has_a_label():
    assert all(p in PLATFORM_LABELS for p in PLATFORMS)
    assert all(f in FLAG_LABELS for f in (*FLAGS, "keluhan"))
    assert label(AUDIT_OUTCOME_LABELS, "denied") == "Ditolak"
    assert label(FLAG_LABELS, "baru-dari-analis") == "baru-dari-analis"  # unknown: shown, not hidden
    assert label({}, None) == label({}, float("nan")) == "–"
    assert flag_labels("urgent,keluhan") == ["Darurat", "Keluhan"] and flag_labels("") == []


def test_for_display_leaves_no_none_nan_or_nat():
    frame = pd.DataFrame({
        "at": [datetime(2026, 11, 24, 3, 15, tzinfo=UTC), None],
        "outcome": ["denied", None],
        "entity_id": [12, None],
        "note": [None, "ok"],
        "count": [10408, 5],
    })
    shown = for_display(frame, datetimes=("at",), codes={"outcome": AUDIT_OUTCOME_LABELS}, numbers=("count",))
    assert shown["at"].tolist() == ["24 Nov 2026 10:15 WIB", "–"]
    assert shown["outcome"].tolist() == ["Ditolak", "–"]
    assert shown["count"].tolist() == ["10.408", "5"]
    text = " ".join(map(str, shown.to_numpy().ravel()))
    for bad in ("None", "nan", "NaT"):
        assert bad not in text
    assert shown["entity_id"].tolist()[1] == "–"
