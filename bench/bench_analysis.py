"""Analysis speed and size on one core: `make bench-analysis` (or `python bench/bench_analysis.py`).

One run measures, on tweets of 100-280 characters built from a fixed seed:
  * texts/s of the full analyze() at batches of 1, 10, 100 and 1,000 on a first pass (the token
    and n-gram caches are cleared before each measurement, so nothing is warm);
  * the same for normalisation alone and for the plain TF-IDF + LogisticRegression baseline
    (trained in this run on our police mentions + SmSA, as in `make eval`);
  * cold start: a fresh interpreter importing lib.analysis and loading the artefact, and the
    memory that adds (resident set size), plus the artefact's size on disk.
BLAS threads are pinned to one and the Makefile pins the process to one core (taskset).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_PER_SECOND = 5000
TARGET_BATCH = 100
BATCHES = (1, 10, 100, 1000)

_OPENERS = ["@polsekciledug", "@polrestangerangkota min", "@TMCPoldaMetro", "pak polisi", "min", "@DivHumas_Polri",
            "@PoldaJateng_ nuwun sewu", "punten @polrestabesbandung", "@polsek_tembalang pak"]
_BODIES = [
    "ada begal di jl raya ciledug barusan tolonggg, korbannya masih di lokasi", "motor sy ilang di parkiran pasar cipadu",
    "macet parah bgt di daan mogot gak ada petugas yg ngatur sama sekali", "terima kasih pak udah gercep 🙏👍",
    "laporan sy gak ditindaklanjuti udh 3 bulan, sp2hp jg ga pernah dikirim", "oknum minta uang damai pas ditilang",
    "beredar info penculikan anak di grup wa, benarkah?", "tawuran pelajar skrg di jl raya pinang bawa sajam",
    "syarat bikin skck apa aja ya min", "kebakaran di gg masjid api membesar!!", "ada bandar sabu di gang mawar",
    "dasar goblok admin nya gak respon2 😡", "bhabinkamtibmas rajin sambang warga mantap",
    "izin keramaian buat konser gimana caranya", "hp sy dijambret 10 menit lalu di depan indomaret",
    "mantap pak, laporan saya 3 bulan ga ditanggapi 👍", "kacilakan ing jl magelang, ana sing ora obah",
]
_TAILS = ["", " https://t.co/abc123", " #PolriPresisi", " 😭😭", " wkwkwk", " tolong dong", " sekarang!!",
          " mohon ditindaklanjuti pak, warga sudah resah"]


def make_tweets(n: int, seed: int = 7) -> list[str]:
    """n mentions of 100-280 characters: opener + one or more bodies + tail + a number."""
    rnd = random.Random(seed)
    out = []
    while len(out) < n:
        text = f"{rnd.choice(_OPENERS)} {rnd.choice(_BODIES)}"
        while len(text) < 100 or (len(text) < 200 and rnd.random() < 0.5):
            text += f". {rnd.choice(_BODIES)}"
        text = f"{text}{rnd.choice(_TAILS)} {rnd.randint(1, 999)}"[:280]
        out.append(text)
    return out


def first_pass_rate(fn, texts: list[str], batch: int) -> float:
    """Texts/s of one pass over `texts` in batches, after clearing every cache."""
    from lib.analysis.pipeline import reset_caches

    reset_caches()
    start = time.perf_counter()
    for i in range(0, len(texts), batch):
        fn(texts[i:i + batch])
    return len(texts) / (time.perf_counter() - start)


_COLD = """
import os, time
def rss():
    with open('/proc/self/statm') as fh:
        return int(fh.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')
t = time.perf_counter(); base = rss()
from lib.analysis import analyze, model_status
imported = time.perf_counter()
analyze(['tolong ada begal di jl raya ciledug sekarang'])
print(imported - t, time.perf_counter() - t, rss() - base, model_status().ok)
"""


def cold_start() -> tuple[float, float, int, bool]:
    out = subprocess.run([sys.executable, "-c", _COLD], cwd=ROOT, capture_output=True, text=True, check=True)
    imp, total, mem, ok = out.stdout.split()
    return float(imp), float(total), int(mem), ok == "True"


def baseline_predictor():
    from lib.analysis import dataset as ds
    from lib.analysis.evaluate import baseline

    items = [*ds.load_own_training(), *ds.load_smsa()]
    return baseline(items)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="texts per measurement (batch 1 uses n/10)")
    args = parser.parse_args(argv)
    imp, total, mem, ok = cold_start()
    from lib.analysis import analyze
    from lib.analysis.model import artefact_path
    from lib.analysis.normalize import normalize

    base = baseline_predictor()
    texts = make_tweets(args.n)
    analyze(texts[:10])  # load the model once; every measurement below clears the caches first
    print(f"analysis benchmark: tweets of 100-280 characters (mean {sum(map(len, texts)) / len(texts):.0f}), "
          f"first pass, one core; model: {'trained' if ok else 'MISSING (lexicon fallback)'}")
    print(f"cold start: import {imp:.2f} s, import + load + first call {total:.2f} s; memory added "
          f"{mem / 2**20:.0f} MiB; artefact {artefact_path().stat().st_size / 2**20:.1f} MiB on disk"
          if ok else f"cold start: import {imp:.2f} s (no model)")
    print(f"{'batch':>6} {'normalise only':>15} {'analyze()':>12} {'baseline':>12} {'analyze/normalise':>18}")
    rates = {}
    for batch in BATCHES:
        sample = texts[: max(1000, args.n // 10)] if batch == 1 else texts
        norm = first_pass_rate(lambda b: [normalize(t) for t in b], sample, batch)
        full = first_pass_rate(analyze, sample, batch)
        basel = first_pass_rate(base, sample, batch)
        rates[batch] = full
        print(f"{batch:>6} {norm:>15,.0f} {full:>12,.0f} {basel:>12,.0f} {full / norm:>18.2f}")
    met = rates[TARGET_BATCH] >= TARGET_PER_SECOND
    print(f"target >= {TARGET_PER_SECOND:,} texts/s at batches of {TARGET_BATCH}: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
