"""A small explicit data set whose figures are worked out by hand in test_engine.py.

NOW is Thursday 2026-11-26 03:00 UTC = 10:00 WIB = 11:00 WITA. The instant 2026-11-25 16:30 UTC is
23:30 WIB (yesterday in Tangerang) and 00:30 WITA (today in Balikpapan).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from lib.db import session_scope
from lib.models import Mention, Unit
from tests.conftest import NOW

ZONE_EDGE = datetime(2026, 11, 25, 16, 30, tzinfo=UTC)


def ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


# (key, unit code, created_at, answered after (seconds) or None, status, sentiment)
MENTIONS = [
    ("b1", "POLSEK-BENDA", ZONE_EDGE + timedelta(microseconds=700_000), 599.5, "selesai", "negative"),
    ("b2", "POLSEK-BENDA", ago(90), None, "baru", "neutral"),
    ("b3", "POLSEK-BENDA", ago(30), None, "baru", "neutral"),
    ("b4", "POLSEK-BENDA", ago(2 * 24 * 60), None, "baru", "neutral"),
    ("b5", "POLSEK-BENDA", ago(180), 7200, "selesai", "neutral"),
    ("c1", "POLSEK-CILEDUG", ago(45), None, "diteruskan", "neutral"),  # Ciledug's own SLA: 30 min
    ("c2", "POLSEK-CILEDUG", ago(300), 1200, "selesai", "positive"),
    ("c3", "POLSEK-CILEDUG", ago(300), 2400, "selesai", "neutral"),
    ("c4", "POLSEK-CILEDUG", ago(10 * 24 * 60), 300, "selesai", "negative"),  # outside 7 days
    ("c5", "POLSEK-CILEDUG", ago(120), None, "diabaikan", "neutral"),  # closed: not unanswered
    ("u1", "POLSEK-BALIKPAPAN-UTARA", ZONE_EDGE, 3600, "selesai", "neutral"),  # exactly at SLA
    ("u2", "POLSEK-BALIKPAPAN-UTARA", ago(60), 60, "ditangani", "negative"),
]


@pytest.fixture
def known(registry: Engine) -> dict[str, int]:
    """The data set above; returns unit ids by code."""
    with session_scope(registry) as s:
        ids = dict(s.execute(select(Unit.code, Unit.id)).all())
        for key, code, created, after, status, sentiment in MENTIONS:
            s.add(Mention(
                platform="x", external_id=key, unit_id=ids[code], text=f"sebutan {key}", created_at=created,
                answered_at=None if after is None else created + timedelta(seconds=after),
                status=status, sentiment=sentiment,
            ))
    return ids
