"""`lib.arrays.positions` is `pd.Index.get_indexer` without the index (issue 17's small-scope speed)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.arrays import positions


def test_positions_match_get_indexer() -> None:
    rng = np.random.default_rng(17)
    for n in (0, 1, 5, 200):
        ids = rng.permutation(np.arange(1, 3 * n + 2))[:n].astype(np.int64)
        values = rng.integers(0, 3 * n + 3, size=50)
        assert (positions(ids, values) == pd.Index(ids).get_indexer(values)).all()
        floats = np.where(rng.random(50) < 0.3, np.nan, values.astype(float))  # parent ids with NaN
        assert (positions(ids, floats) == pd.Index(ids).get_indexer(floats)).all()
    assert positions(np.array([4, 2]), np.array([], dtype=np.int64)).tolist() == []
    assert positions(np.array([], dtype=np.int64), np.array([1, 2])).tolist() == [-1, -1]
