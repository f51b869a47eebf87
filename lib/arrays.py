"""Small numpy helpers shared by the metrics and the account pages (no pandas index per call)."""

from __future__ import annotations

import numpy as np


def positions(ids: np.ndarray, values) -> np.ndarray:
    """The position of each of `values` in `ids` (-1 where absent, NaN included), like
    `pd.Index(ids).get_indexer(values)` without building a pandas index: that costs ~50 µs a call
    (more under load), and a small scope's dashboard makes dozens (see docs/benchmarks.md)."""
    ids, values = np.asarray(ids), np.asarray(values)
    if not len(ids) or not len(values):
        return np.full(len(values), -1, dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    at = np.minimum(np.searchsorted(ordered, values), len(ids) - 1)
    return np.where(ordered[at] == values, order[at], -1).astype(np.int64, copy=False)
