"""Limits on signing in: how many password checks run at once, and how often one username or one
client may fail.

An argon2id check costs ~64 MiB and tens of milliseconds by design, so sixteen parallel sign-ins
used ~1 GB; a small semaphore caps that. Failures are counted per username (whether or not it
exists, so the limit reveals nothing) and per client address, in a sliding window, in this process.
The per-account lockout in the database (lib/auth.py) still applies across processes.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager

MAX_CONCURRENT_VERIFICATIONS = 2
VERIFY_WAIT_SECONDS = 10.0
WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_USERNAME = 10
MAX_FAILURES_PER_CLIENT = 30


class Busy(RuntimeError):
    """No verification slot came free in time."""


class FailureWindow:
    """Failure times per key within a sliding window (thread-safe)."""

    def __init__(self, limit: int, window: float = WINDOW_SECONDS) -> None:
        self.limit, self.window = limit, window
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float) -> deque[float]:
        hits = self._hits[key]
        while hits and now - hits[0] > self.window:
            hits.popleft()
        if not hits:
            del self._hits[key]
            return deque()
        return hits

    def blocked(self, key: str, now: float | None = None) -> bool:
        with self._lock:
            return len(self._prune(key, time.monotonic() if now is None else now)) >= self.limit

    def fail(self, key: str, now: float | None = None) -> None:
        with self._lock:
            self._hits[key].append(time.monotonic() if now is None else now)

    def forget(self, key: str) -> None:
        with self._lock:
            self._hits.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._hits.clear()


by_username = FailureWindow(MAX_FAILURES_PER_USERNAME)
by_client = FailureWindow(MAX_FAILURES_PER_CLIENT)
_slots = threading.BoundedSemaphore(MAX_CONCURRENT_VERIFICATIONS)


@contextmanager
def verification_slot(wait: float | None = None) -> Iterator[None]:
    """Hold one of the few password-check slots, or raise Busy after `wait` seconds."""
    if not _slots.acquire(timeout=VERIFY_WAIT_SECONDS if wait is None else wait):
        raise Busy("semua slot verifikasi terpakai")
    try:
        yield
    finally:
        _slots.release()


def reset() -> None:
    """Forget all counted failures (tests; an admin restart does the same)."""
    by_username.clear()
    by_client.clear()
