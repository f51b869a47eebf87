from __future__ import annotations

from collections.abc import Iterator

import pytest
from x_recorded import NOW, TOKEN, Clock, XApi, served

from lib.sources.x import XSource, make_client


@pytest.fixture
def xapi() -> Iterator[XApi]:
    yield from served()


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_source(clock: Clock, sleeps: list[float]):
    def make(**kwargs) -> XSource:
        kwargs.setdefault("monthly_budget", 10_000)
        return XSource(make_client(TOKEN), now=clock, sleep=sleeps.append, **kwargs)

    return make
