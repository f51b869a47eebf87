"""lib/config.py: defaults that depend on each other."""

from __future__ import annotations

from lib.config import load_settings


def test_sync_interval_defaults_below_the_wall_refresh(monkeypatch):
    monkeypatch.delenv("PANTAU_SYNC_INTERVAL_SECONDS", raising=False)
    monkeypatch.delenv("PANTAU_WALL_REFRESH_SECONDS", raising=False)
    s = load_settings()
    assert (s.wall_refresh_seconds, s.sync_interval_seconds) == (60, 45)
    monkeypatch.setenv("PANTAU_WALL_REFRESH_SECONDS", "120")
    assert load_settings().sync_interval_seconds == 90
    monkeypatch.setenv("PANTAU_SYNC_INTERVAL_SECONDS", "300")  # an explicit setting wins
    assert load_settings().sync_interval_seconds == 300
