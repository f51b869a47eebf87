"""Analysis throughput on one core: normalisation alone vs the full analyze(), same run, same texts.

    python bench/bench_analysis.py [--n 20000] [--batch 1000]

Texts are synthetic mentions built from a fixed seed (templates + slang + emoji + places), so runs
are comparable, and then the hand-written police mentions of tests/data repeated to the same count. BLAS threads are pinned to one so the figure is "per core".
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


TARGET_PER_SECOND = 5000

_OPENERS = ["@polsekciledug", "@polrestangerangkota min", "@TMCPoldaMetro", "pak polisi", "min", "@DivHumas_Polri"]
_BODIES = [
    "ada begal di jl raya ciledug barusan tolonggg", "motor sy ilang di parkiran pasar cipadu",
    "macet parah bgt di daan mogot gak ada petugas", "terima kasih pak udah gercep 🙏👍",
    "laporan sy gak ditindaklanjuti udh 3 bulan", "oknum minta uang damai pas ditilang",
    "beredar info penculikan anak di grup wa, benarkah?", "tawuran pelajar skrg di jl raya pinang",
    "syarat bikin skck apa aja ya min", "kebakaran di gg masjid api membesar!!",
    "ada bandar sabu di gang mawar", "dasar goblok admin nya gak respon2 😡",
    "bhabinkamtibmas rajin sambang warga mantap", "izin keramaian buat konser gimana caranya",
]
_TAILS = ["", " https://t.co/abc123", " #PolriPresisi", " 😭😭", " wkwkwk", " tolong dong", " sekarang!!"]


def make_texts(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    return [f"{rnd.choice(_OPENERS)} {rnd.choice(_BODIES)}{rnd.choice(_TAILS)} {rnd.randint(1, 999)}"
            for _ in range(n)]


def rate(fn, texts: list[str], batch: int, repeats: int) -> float:
    """Best of `repeats` cold runs (caches emptied before each), in texts per second."""
    from lib.analysis.pipeline import reset_caches

    best = 0.0
    for _ in range(repeats):
        reset_caches()
        start = time.perf_counter()
        for i in range(0, len(texts), batch):
            fn(texts[i:i + batch])
        best = max(best, len(texts) / (time.perf_counter() - start))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    from lib.analysis import analyze, model_status
    from lib.analysis.dataset import load_heldout
    from lib.analysis.normalize import normalize

    status = model_status()
    texts = make_texts(args.n)
    analyze(texts[:200])  # load the model and warm caches outside the timing
    norm_rate = rate(lambda b: [normalize(t) for t in b], texts, args.batch, args.repeats)
    full_rate = rate(analyze, texts, args.batch, args.repeats)
    real = [it.text for it in load_heldout()]
    real = (real * (args.n // len(real) + 1))[:args.n]
    real_norm_rate = rate(lambda b: [normalize(t) for t in b], real, args.batch, args.repeats)
    real_rate = rate(analyze, real, args.batch, args.repeats)
    print(f"analysis benchmark: {args.n} texts, batches of {args.batch}, best of {args.repeats} cold runs; "
          f"model: {'trained' if status.ok else 'MISSING (lexicon fallback)'}")
    print(f"{'step':<28}{'texts/s':>12}")
    print(f"{'normalise only':<28}{norm_rate:>12,.0f}")
    print(f"{'full analyze()':<28}{full_rate:>12,.0f}")
    print(f"{'analyze / normalise':<28}{full_rate / norm_rate:>12.2f}")
    print(f"{'normalise, police texts':<28}{real_norm_rate:>12,.0f}")
    print(f"{'analyze(), police texts':<28}{real_rate:>12,.0f}")
    ok = min(full_rate, real_rate) >= TARGET_PER_SECOND
    print(f"target >= {TARGET_PER_SECOND:,}/s: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
