"""The review queue's threshold ("Perlu ditinjau"): a setting between 0 and 1."""

from __future__ import annotations

import pytest

from lib.config import load_settings


def test_review_threshold_default_and_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PANTAU_REVIEW_THRESHOLD", raising=False)
    assert load_settings().review_threshold == 0.6
    monkeypatch.setenv("PANTAU_REVIEW_THRESHOLD", "0,7")
    assert load_settings().review_threshold == 0.7


@pytest.mark.parametrize("raw", ["tinggi", "1.5", "-0.1"])
def test_bad_review_threshold_is_refused_in_indonesian(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("PANTAU_REVIEW_THRESHOLD", raw)
    with pytest.raises(RuntimeError, match="PANTAU_REVIEW_THRESHOLD harus"):
        load_settings()
