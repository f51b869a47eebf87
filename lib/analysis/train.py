"""Train the analysis model: `python -m lib.analysis.train [--if-missing] [--no-db] [--without-noncommercial]`.

Data (`data/training/`, README there): the public sets SmSA, NusaX, EmoT (sentiment) and idhsab (abusive,
SARA hate; non-commercial licence, left out with `PANTAU_TRAIN_NONCOMMERCIAL=0` or
`--without-noncommercial`), our labelled police mentions, and admins' corrections from the
database. Police mentions and corrections weigh more, so the model speaks the command room's
language. Anything whose near-duplicate key matches the police held-out split is dropped, so
`make eval` never scores text the model saw.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from lib.analysis import dataset as ds
from lib.analysis import rules
from lib.analysis.features import CachedCharTfidf, FastWordTfidf
from lib.analysis.hate import fit_hate
from lib.analysis.model import MODEL_VERSION, TrainedModel, artefact_path, model_dir, save_model
from lib.analysis.normalize import tokens
from lib.analysis.sentiment import TwoStageSentiment
from lib.config import setting

# Sources used unless told otherwise. EmoT has no neutral class: it trains only the polarity stage of
# the sentiment model (sentiment.py), where 3-fold grouped CV chose weight 1 over 0.5 and 1.5-2, and
# enters its neutral gate as "not neutral" at NO_NEUTRAL_GATE_WEIGHT (0, 0.05, 0.25 tried).
DEFAULT_PUBLIC = ("smsa", "nusax", "emot", "idhsab")
WEIGHTS = {"smsa": 1.0, "nusax": 1.0, "emot": 1.0, "idhsab": 1.0, "police": 3.0, "heldout": 3.0,
           "correction": 5.0}
MIN_FUNCTION_EXAMPLES = 20
SENTIMENT_C = 0.3  # the one-stage model's LinearSVC (fallback, see _sentiment_model); two-stage: sentiment.py
NO_NEUTRAL_GATE_WEIGHT = 0.1
FLAG_C = 4.0
FUNCTION_C = 4.0
# Probability thresholds per flag, as `make eval` suggests them from out-of-fold predictions (never
# the held-out split): among the thresholds whose precision on police mentions is >= 0.90, the best
# F1 on the public tweets for abusive/hate, the best police F1 for the others (docs/analysis.md).
FLAG_THRESHOLDS = {"abusive": 0.55, "hate": 0.425, "hoax": 0.275, "urgent": 0.45, "keluhan": 0.55}


def public_sources_setting() -> tuple[str, ...]:
    """DEFAULT_PUBLIC, without idhsab when PANTAU_TRAIN_NONCOMMERCIAL is 0/false/no/off."""
    value = (setting("train_noncommercial") or "1").strip().lower()
    if value in ("0", "false", "no", "off"):
        return tuple(s for s in DEFAULT_PUBLIC if s not in ds.NONCOMMERCIAL_SOURCES)
    return DEFAULT_PUBLIC


@dataclass
class TrainReport:
    path: str
    seconds: float
    counts: dict[str, int]  # examples used per source
    excluded_heldout: int
    sentiment_classes: list[str]
    function_model: bool
    corrections: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = ", ".join(f"{k}={v}" for k, v in sorted(self.counts.items()))
        return (f"model saved to {self.path} in {self.seconds:.1f}s; examples: {parts}; "
                f"corrections: {self.corrections}; held-out duplicates excluded: {self.excluded_heldout}")


def model_inputs(texts: list[str]) -> tuple[list[str], list[str]]:
    """(normalised texts, normalised texts + lexicon cue tokens): the two inputs of the vectorisers."""
    norms, augmented = [], []
    for t in texts:
        tk = tokens(t)
        norm = " ".join(tk)
        norms.append(norm)
        augmented.append(norm + " " + " ".join(rules.analyse_tokens(tk).feature_tokens()))
    return norms, augmented


def heldout_keys() -> set[str]:
    try:
        return {ds.near_duplicate_key(it.text) for it in ds.load_heldout()}
    except FileNotFoundError:
        return set()


def _sentiment_model(c: float = SENTIMENT_C) -> CalibratedClassifierCV:
    """A linear SVM with sigmoid calibration: its `predict_proba` is the calibrated confidence."""
    return CalibratedClassifierCV(LinearSVC(C=c, class_weight="balanced"), method="sigmoid", cv=3)


def fit_sentiment(x, items: list[ds.LabelledText], weights: np.ndarray):
    """The two-stage model (sentiment.py): sources without a neutral class weigh NO_NEUTRAL_GATE_WEIGHT
    times as much in its gate. The one-stage SVM when the labels cannot feed both stages (e.g. a
    tiny training set without neutral examples)."""
    labels = [it.sentiment for it in items]
    knows_neutral = np.array([it.source not in ds.NO_NEUTRAL_SOURCES for it in items])
    gate_weight = weights * np.where(knows_neutral, 1.0, NO_NEUTRAL_GATE_WEIGHT)
    try:
        return TwoStageSentiment().fit(x, labels, weights, gate_weight, [it.cv_group() for it in items])
    except ValueError:
        keep = np.flatnonzero(knows_neutral)
        return _sentiment_model().fit(x[keep], [labels[i] for i in keep], sample_weight=weights[keep])


def fit(items: list[ds.LabelledText], memory_items: list[ds.LabelledText] | None = None,
        meta: dict | None = None, thresholds: dict[str, float] | None = None) -> TrainedModel:
    """Fit the vectorisers on every text, then one classifier per task on the items labelled for it;
    corrections also go into the exact-match memory."""
    sent_idx = [i for i, it in enumerate(items) if it.sentiment]
    if len({items[i].sentiment for i in sent_idx}) < 2:
        raise ValueError("need at least two sentiment classes to train")
    norms, augmented = model_inputs([it.text for it in items])
    # The vocabulary comes from the sources labelled for more than polarity (EmoT's tweets teach only
    # the polarity stage); this keeps the features of the flag and function classifiers as they were.
    vocab_idx = [i for i, it in enumerate(items) if it.source not in ds.NO_NEUTRAL_SOURCES] or list(range(len(items)))
    word_vec = TfidfVectorizer(token_pattern=r"(?u)\b\w+\b", ngram_range=(1, 2), sublinear_tf=True, min_df=2,
                               max_features=80_000)
    char_tfidf = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=3,
                                 max_features=80_000)
    word_vec = FastWordTfidf(word_vec.fit([augmented[i] for i in vocab_idx]))
    char_vec = CachedCharTfidf(char_tfidf.fit([norms[i] for i in vocab_idx]))
    model = TrainedModel(word_vec, char_vec, None, None, meta=dict(meta or {}))
    x = model.features(norms, augmented)
    weights = np.array([WEIGHTS.get(it.source, 1.0) for it in items])
    model.sentiment_clf = fit_sentiment(x[sent_idx], [items[i] for i in sent_idx], weights[sent_idx])
    for flag in ds.FLAG_NAMES:
        idx = [i for i, it in enumerate(items) if it.knows_flag(flag)]
        y = [flag in items[i].flags for i in idx]  # type: ignore[operator]
        if flag == "hate":
            try:  # P(hate speech) x P(SARA | hate speech), hate.py; one classifier if it cannot be fitted
                model.flag_clfs[flag] = fit_hate(x[idx], [items[i] for i in idx], weights[idx],
                                                 word_vec.vectorizer.vocabulary_, FLAG_C)
                continue
            except ValueError:
                pass
        if sum(y) >= 5 and len(y) - sum(y) >= 5:
            clf = LogisticRegression(C=FLAG_C, class_weight="balanced", max_iter=2000)
            clf.fit(x[idx], y, sample_weight=weights[idx])
            model.flag_clfs[flag] = clf
    model.flag_thresholds = dict(thresholds or FLAG_THRESHOLDS)
    fn_idx = [i for i, it in enumerate(items) if it.function is not None]
    if len(fn_idx) >= MIN_FUNCTION_EXAMPLES and len({items[i].function for i in fn_idx}) >= 2:
        model.function_clf = LogisticRegression(C=FUNCTION_C, class_weight="balanced", max_iter=2000)
        model.function_clf.fit(x[fn_idx], [items[i].function for i in fn_idx], sample_weight=weights[fn_idx])
    model.compile()
    for it in memory_items or []:
        model.memory[ds.near_duplicate_key(it.text)] = {
            "sentiment": it.sentiment,
            "flags": sorted(it.flags) if it.flags is not None else None,
            "function": it.function,
        }
    return model


def _digest(items: list[ds.LabelledText]) -> str:
    h = hashlib.sha256()
    for it in items:
        h.update(f"{it.source}\t{it.sentiment}\t{it.function}\t{sorted(it.flags or [])}\t{it.text}\n".encode())
    return h.hexdigest()[:16]


def train(corrections: list[ds.LabelledText] | None = None, *, public: tuple[str, ...] | None = None,
          own: list[ds.LabelledText] | None = None, out_dir: Path | None = None) -> TrainReport:
    """Assemble the training set, fit, save the artefact and return what was done.

    `public` names the public sets (default: `public_sources_setting()`); `()` trains on the police
    mentions alone (the test fixture does, to stay fast)."""
    started = time.perf_counter()
    out_dir = out_dir or model_dir()
    public = public_sources_setting() if public is None else public
    notes: list[str] = []
    own = ds.load_own_training() if own is None else own
    corrections = corrections or []
    keys = heldout_keys()
    items, excluded = ds.without_keys([*ds.load_public(public), *own, *corrections], keys)
    if excluded:
        notes.append(f"{excluded} training texts matched the held-out set and were dropped")
    counts: dict[str, int] = {}
    for it in items:
        counts[it.source] = counts.get(it.source, 0) + 1
    meta = {
        "model_version": MODEL_VERSION,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sklearn": sklearn.__version__,
        "public_sources": list(public),
        "counts": counts,
        "data_digest": _digest(items),
        "corrections": len(corrections),
    }
    kept_corrections = [it for it in items if it.source == "correction"]
    model = fit(items, memory_items=kept_corrections, meta=meta)
    model.meta["fit_seconds"] = round(time.perf_counter() - started, 2)
    path = save_model(model, out_dir)
    seconds = time.perf_counter() - started
    return TrainReport(str(path), seconds, counts, excluded, list(model.sentiment_clf.classes_),
                       model.function_clf is not None, len(corrections), notes)


def _corrections_from_default_db() -> tuple[list[ds.LabelledText], str | None]:
    """Corrections from the app database (PANTAU_DATABASE_URL), or [] with a note when there are none yet."""
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    from lib.analysis.feedback import corrections_from_db
    from lib.config import load_settings

    url = load_settings().database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return [], "no database yet: training without corrections"
    engine = create_engine(url)
    try:
        if "corrections" not in inspect(engine).get_table_names():
            return [], "no corrections table yet (database not migrated)"
        with Session(engine) as session:
            return corrections_from_db(session), None
    except SQLAlchemyError as exc:
        return [], f"database not readable, training without corrections: {type(exc).__name__}"
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--if-missing", action="store_true", help="do nothing when the artefact exists")
    parser.add_argument("--no-db", action="store_true", help="ignore corrections in the database")
    parser.add_argument("--without-noncommercial", action="store_true",
                        help="leave out the non-commercial idhsab set (same as PANTAU_TRAIN_NONCOMMERCIAL=0)")
    parser.add_argument("--out", type=Path, default=None, help="model directory (default PANTAU_MODEL_DIR)")
    args = parser.parse_args(argv)
    out_dir = args.out or model_dir()
    if args.if_missing and artefact_path(out_dir).exists():
        print(f"model present: {artefact_path(out_dir)}")
        return 0
    corrections: list[ds.LabelledText] = []
    if not args.no_db:
        corrections, note = _corrections_from_default_db()
        if note:
            print(note)
    public = public_sources_setting()
    if args.without_noncommercial:
        public = tuple(s for s in public if s not in ds.NONCOMMERCIAL_SOURCES)
    try:
        report = train(corrections, public=public, out_dir=out_dir)
    except ds.DatasetError as exc:
        print(f"training failed: {exc}", file=sys.stderr)
        return 1
    print(report.summary())
    for note in report.notes:
        print(note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
