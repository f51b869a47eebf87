"""The demo source: realistic Indonesian mentions and the unit's replies, generated on each sync.

It sits behind the same interface as the X source: given an account and its cursor (the time it
last read up to) it returns what "arrived" since, plus replies to mentions whose (deterministic)
reply time has now passed. The first sync of an account back-fills `BACKFILL` days.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.config import Settings
from lib.models import PLATFORMS, Account, Mention, Unit, utcnow
from lib.sources.base import Batch, MentionRecord, ReplyRecord, Source
from lib.sources.demo_corpus import AUTHORS, NAMES, PLACE_FALLBACK, STREETS, TEMPLATES
from lib.sources.registry import SourceSpec, register

BACKFILL = timedelta(days=14)
# Mentions per hour at the busiest hour, by unit level and platform (Polsek X accounts are quiet).
RATE = {"mabes": 3.0, "polda": 1.2, "polres": 0.6, "polsek": 0.12}
PLATFORM_WEIGHT = {"x": 1.0, "instagram": 1.3, "facebook": 0.8, "tiktok": 0.6}
# Platforms where citizens comment on the unit's posts (the Meta source's shape), with a post link.
COMMENT_PLATFORMS = {"instagram": "https://www.instagram.com/{h}/", "facebook": "https://www.facebook.com/{h}"}
REPLY_SPEED = {"mabes": 15.0, "polda": 25.0, "polres": 45.0, "polsek": 90.0}  # median minutes
_WEIGHTS = [w for w, _, _ in TEMPLATES]


def _stable(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:8], "big")


def _diurnal(local_hour: int) -> float:
    """Quiet at night, busy mornings and evenings."""
    return 0.15 + 0.85 * max(0.0, math.sin(math.pi * (local_hour - 5) / 18)) if 5 <= local_hour <= 23 else 0.15


class DemoSource(Source):
    name = "demo"
    platforms = PLATFORMS

    def __init__(self, now: datetime | None = None, rate_scale: float = 1.0) -> None:
        self._now = now
        self.rate_scale = rate_scale

    def now(self) -> datetime:
        return self._now or utcnow()

    def fetch(self, session: Session, account: Account, cursor: str | None) -> Batch:
        now = self.now()
        start = datetime.fromisoformat(cursor) if cursor else now - BACKFILL
        unit = session.get(Unit, account.unit_id)
        assert unit is not None
        mentions = self._mentions(account, unit, start, now)
        open_rows = session.execute(
            select(Mention.external_id, Mention.created_at).where(
                Mention.account_id == account.id, Mention.answered_at.is_(None),
                Mention.created_at >= now - BACKFILL)
        ).all()
        pending = [(r.external_id, r.created_at) for r in open_rows] + [(m.external_id, m.created_at) for m in mentions]
        replies = []
        for ext, created in pending:
            delay = self.reply_delay(ext, unit.level)
            if delay is not None and created + delay <= now:
                replies.append(ReplyRecord(external_id=f"{ext}-r", created_at=created + delay, replied_to_id=ext))
        return Batch(mentions=mentions, replies=replies, cursor=now.isoformat())

    def _mentions(self, account: Account, unit: Unit, start: datetime, end: datetime) -> list[MentionRecord]:
        out: list[MentionRecord] = []
        zone = ZoneInfo(unit.timezone)
        base = RATE.get(unit.level, 0.1) * PLATFORM_WEIGHT.get(account.platform, 0.5) * self.rate_scale
        hour = start.replace(minute=0, second=0, microsecond=0)
        while hour < end:
            rng = random.Random(_stable(account.id, hour.isoformat()))
            lam = base * _diurnal(hour.astimezone(zone).hour)
            count = _poisson(rng, lam)
            for k in range(count):
                at = hour + timedelta(seconds=rng.randrange(3600))
                if start <= at < end:
                    out.append(self._one(rng, account, unit, at, k))
            hour += timedelta(hours=1)
        return out

    def _one(self, rng: random.Random, account: Account, unit: Unit, at: datetime, k: int) -> MentionRecord:
        _, kind, template = rng.choices(TEMPLATES, weights=_WEIGHTS)[0]
        places = [_place(p) for p in (unit.regions or "").split(";") if p.strip()] or PLACE_FALLBACK
        place = rng.choice(places)
        text = template.format(
            h=account.handle, tempat=place, jalan=rng.choice(STREETS).format(t=place),
            jam=f"{rng.randrange(24):02d}.{rng.choice(['00', '15', '30', '45'])}",
            plat=f"B {rng.randrange(1000, 9999)} {rng.choice(['KJT', 'ABC', 'TRX', 'UYE'])}",
        )
        name = rng.choice(NAMES)
        handle = rng.choice(AUTHORS).format(t=place.split()[-1].lower(), n=name)
        ext = f"demo-{account.id}-{int(at.timestamp())}-{k}"
        if account.platform in COMMENT_PLATFORMS:
            # On Instagram and Facebook people comment under the unit's own posts: no @handle needed.
            text = text.replace(f"@{account.handle} ", "", 1).replace(f" @{account.handle}", "", 1)
            text = text[:1].upper() + text[1:]
        return MentionRecord(
            external_id=ext, text=text, created_at=at, author_id=str(_stable(handle) % 10**9),
            author_handle=handle, author_name=name.capitalize(), lang="in",
            url=COMMENT_PLATFORMS.get(account.platform, "").format(h=account.handle) or None, conversation_id=ext,
        )

    @staticmethod
    def reply_delay(external_id: str, level: str) -> timedelta | None:
        """How long the unit takes to reply to this mention; None when it never does (≈3%)."""
        rng = random.Random(_stable("reply", external_id))
        if rng.random() < 0.03:
            return None
        minutes = rng.lognormvariate(math.log(REPLY_SPEED.get(level, 60.0)), 1.1)
        return timedelta(minutes=min(minutes, 3 * 24 * 60))


def _place(region: str) -> str:
    """"Kec. Teluknaga (Kab. Tangerang)" -> "Teluknaga": how people name a place in a post."""
    return re.sub(r"\s*\(.*?\)", "", region).strip().removeprefix("Kec. ").removeprefix("Kabupaten ").strip()


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _build(settings: Settings) -> DemoSource | None:
    return DemoSource() if settings.demo_source else None


SPEC = register(SourceSpec(name="demo", label="Demo", platforms=PLATFORMS, build=_build, order=10))
