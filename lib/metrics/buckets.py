"""The fixed response-time buckets shared by the stored histograms (`lib.daily` writes them,
`lib.metrics.histogram` reads them): the bucket rule in SQL and numpy, each bucket's representative,
and the packed storage format. See lib/metrics/histogram.py for the error bound.

Apart from `lib.metrics.histogram` so that `lib.daily` can write histograms without importing the
reader (which reads `lib.daily` in turn)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, Float, Integer, case, cast, func

LINEAR_END = 3000
LINEAR_WIDTH = 120
FIRST_LOG = LINEAR_END // LINEAR_WIDTH  # 25
RATIO = 1.04
LN_RATIO = math.log(RATIO)
PAIR = np.dtype([("bucket", "<u2"), ("n", "<u4")])


def bucket_sql(secs: ColumnElement[int]) -> ColumnElement[int]:
    """The bucket of `secs`, computed by the database (the same rule as `bucket_of`)."""
    log_bucket = FIRST_LOG + func.floor(func.ln(cast(secs, Float) / float(LINEAR_END)) / LN_RATIO)
    return case((secs < 0, 0), (secs < LINEAR_END, secs // LINEAR_WIDTH),
                else_=cast(log_bucket, Integer))


def bucket_of(seconds: np.ndarray) -> np.ndarray:
    s = np.maximum(np.asarray(seconds, dtype=np.float64), 0)
    with np.errstate(divide="ignore"):
        log = FIRST_LOG + np.floor(np.log(np.maximum(s, LINEAR_END) / LINEAR_END) / LN_RATIO)
    return np.where(s < LINEAR_END, s // LINEAR_WIDTH, log).astype(np.int64)


def representative(buckets: np.ndarray) -> np.ndarray:
    """Seconds that stand for each bucket (see the module doc for the error)."""
    b = np.asarray(buckets, dtype=np.float64)
    low = LINEAR_END * RATIO ** (b - FIRST_LOG)
    return np.where(b < FIRST_LOG, b * LINEAR_WIDTH + (LINEAR_WIDTH - 1) / 2, low * 2 * RATIO / (1 + RATIO))


def pack(buckets: np.ndarray, counts: np.ndarray) -> bytes:
    out = np.empty(len(buckets), dtype=PAIR)
    out["bucket"], out["n"] = buckets, counts
    return out.tobytes()


def unpack(rows: list[tuple]) -> pd.DataFrame:
    """(unit_id, packed histogram) rows → one (unit_id, bucket, n) row per stored pair."""
    if not rows:
        return pd.DataFrame({"unit_id": [], "bucket": [], "n": []}, dtype="int64")
    blobs = [bytes(r[1]) for r in rows]
    pairs = np.frombuffer(b"".join(blobs), dtype=PAIR)
    lengths = np.fromiter((len(b) for b in blobs), dtype=np.int64, count=len(blobs)) // PAIR.itemsize
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    return pd.DataFrame({"unit_id": np.repeat(ids, lengths), "bucket": pairs["bucket"].astype(np.int64),
                         "n": pairs["n"].astype(np.int64)})
