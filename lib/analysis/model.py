"""The trained artefact: where it lives, loading it once per process, and batch prediction.

The artefact is `<model dir>/analysis-v<MODEL_VERSION>.joblib` with a JSON sidecar of training
metadata. The model dir is `PANTAU_MODEL_DIR` (or `model_dir` in secrets.toml), default
`<repo>/models/`, which git ignores. Bump MODEL_VERSION when features change, so an old artefact is
never fed features it was not trained on.
"""

from __future__ import annotations

import json
import pickle
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from lib.config import ROOT, setting

MODEL_VERSION = 9  # 3: "negasi<word>" feature tokens; 4: two-stage sentiment, EmoT in training;
# 5: tone cue tokens (praise, sarcasm, event words, questions) and the factorised SARA hate head;
# 6: religion and race heads in the SARA hate model (hate.py); 7: regional distress, KDRT and victim urgent cues;
# 8: the "cuehinaan" token (an insult with no service cue), "jawab"/"malak" complaint cues, more police data;
# 9: negated complaint cues, other-agency, quoted-insult and literal-animal tokens, 236 more police mentions
ARTEFACT_STEM = f"analysis-v{MODEL_VERSION}"


def model_dir() -> Path:
    return Path(setting("model_dir") or ROOT / "models")


def artefact_path(directory: Path | None = None) -> Path:
    return (directory or model_dir()) / f"{ARTEFACT_STEM}.joblib"


def metadata_path(directory: Path | None = None) -> Path:
    return (directory or model_dir()) / f"{ARTEFACT_STEM}.json"


@dataclass
class Prediction:
    """Model outputs for a batch: sentiment label + calibrated confidence, per-flag probabilities,
    function label + confidence (None without a function model)."""

    sentiment: list[str]
    confidence: np.ndarray
    flag_proba: dict[str, np.ndarray]
    function: list[str] | None
    function_confidence: np.ndarray | None
    negative: np.ndarray | None = None  # calibrated P(negative), for the distress rule in pipeline.py


@dataclass
class TrainedModel:
    """Vectorisers and classifiers plus the admins' exact-match corrections."""

    word_vec: Any  # TfidfVectorizer over normalised tokens + cue tokens
    char_vec: Any  # CachedCharTfidf over character n-grams of the normalised text
    sentiment_clf: Any  # calibrated negative / neutral / positive: sentiment.TwoStageSentiment (or one SVM)
    function_clf: Any | None  # LogisticRegression over functions + "" (none); None if too few labels
    flag_clfs: dict[str, Any] = field(default_factory=dict)  # flag -> binary classifier (predict_proba)
    flag_thresholds: dict[str, float] = field(default_factory=dict)  # flag -> probability threshold
    memory: dict[str, dict[str, Any]] = field(default_factory=dict)  # near-dup key -> corrected fields
    meta: dict[str, Any] = field(default_factory=dict)
    heads: Any | None = None  # LinearHeads: the classifiers above as one matrix (fast path), if built

    def compile(self) -> None:
        """Build the fast path after fitting; kept None (scikit-learn path) if the shapes are unusual."""
        from lib.analysis.heads import LinearHeads

        try:
            self.heads = LinearHeads(self.sentiment_clf, self.flag_clfs, self.function_clf)
        except (ValueError, AttributeError, IndexError):
            self.heads = None

    def features(self, norms: list[str], augmented: list[str]) -> sp.csr_matrix:
        return sp.hstack([self.word_vec.transform(augmented), self.char_vec.transform(norms)], format="csr")

    def predict(self, norms: list[str], augmented: list[str]) -> Prediction:
        x = self.features(norms, augmented)
        if self.heads is not None:
            return self._predict_fast(x)
        proba = self.sentiment_clf.predict_proba(x)
        best = proba.argmax(axis=1)
        labels = [self.sentiment_clf.classes_[i] for i in best]
        conf = proba[np.arange(len(best)), best]
        flag_proba = {}
        for flag, clf in self.flag_clfs.items():
            flag_proba[flag] = clf.predict_proba(x)[:, list(clf.classes_).index(True)]
        negative = _column(proba, self.sentiment_clf.classes_, "negative")
        if self.function_clf is None:
            return Prediction(labels, conf, flag_proba, None, None, negative)
        fproba = self.function_clf.predict_proba(x)
        fbest = fproba.argmax(axis=1)
        return Prediction(labels, conf, flag_proba, [self.function_clf.classes_[i] for i in fbest],
                          fproba[np.arange(len(fbest)), fbest], negative)


    def _predict_fast(self, x: sp.csr_matrix) -> Prediction:
        h = self.heads
        z = h.scores(x)
        proba = h.sentiment_proba(z)
        best = proba.argmax(axis=1)
        rows = np.arange(len(best))
        labels = [h.sentiment_classes[i] for i in best]
        negative = _column(proba, h.sentiment_classes, "negative")
        fproba = h.function_proba(z)
        if fproba is None:
            return Prediction(labels, proba[rows, best], h.flag_proba(z), None, None, negative)
        fbest = fproba.argmax(axis=1)
        return Prediction(labels, proba[rows, best], h.flag_proba(z), [h.function_classes[i] for i in fbest],
                          fproba[rows, fbest], negative)


def _column(proba: np.ndarray, classes, label: str) -> np.ndarray | None:
    classes = list(classes)
    return proba[:, classes.index(label)] if label in classes else None


@dataclass(frozen=True)
class ModelStatus:
    ok: bool
    path: str
    message: str  # Indonesian, for the UI
    meta: dict[str, Any]


_lock = threading.Lock()
_loaded: dict[str, tuple[float, TrainedModel | None]] = {}


def load_model(path: Path | None = None) -> TrainedModel | None:
    """The artefact, loaded once and reloaded when its file changes (after a retrain); None if absent."""
    path = path or artefact_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    key = str(path)
    cached = _loaded.get(key)
    if cached and cached[0] == mtime:
        return cached[1]
    with _lock:
        cached = _loaded.get(key)
        if cached and cached[0] == mtime:
            return cached[1]
        import joblib  # local: keeps `import lib.analysis` cheap for pages that never analyse

        try:
            model = joblib.load(path)
            if not isinstance(model, TrainedModel) or model.meta.get("model_version") != MODEL_VERSION:
                model = None
            else:
                model.compile()  # the fast path is rebuilt, not stored: it would double the file
        except (OSError, EOFError, ValueError, TypeError, AttributeError, ImportError, KeyError,
                pickle.UnpicklingError):  # a corrupt or incompatible artefact must not take the app down
            model = None
        _loaded[key] = (mtime, model)
        return model


def save_model(model: TrainedModel, directory: Path | None = None) -> Path:
    """Write artefact and metadata atomically, so a running app never reads half a file."""
    import joblib

    directory = directory or model_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = artefact_path(directory)
    tmp = path.with_suffix(".joblib.tmp")
    heads, model.heads = model.heads, None
    try:
        joblib.dump(model, tmp, compress=3)
    finally:
        model.heads = heads
    tmp.replace(path)
    meta_tmp = metadata_path(directory).with_suffix(".json.tmp")
    meta_tmp.write_text(json.dumps(model.meta, indent=2, sort_keys=True, default=str), encoding="utf-8")
    meta_tmp.replace(metadata_path(directory))
    return path


def model_status(path: Path | None = None) -> ModelStatus:
    """Whether the trained model is in use; the UI shows `message` as a warning when not ok."""
    path = path or artefact_path()
    model = load_model(path)
    if model is None:
        reason = "tidak ditemukan" if not path.exists() else "tidak dapat dibaca atau versinya lain"
        return ModelStatus(False, str(path), f"Model analisis {reason}; sentimen memakai kamus saja. "
                           "Jalankan `make train`.", {})
    return ModelStatus(True, str(path), "Model analisis aktif.", model.meta)


def forget_loaded() -> None:
    """Drop the in-process cache (tests, or after moving the model dir)."""
    with _lock:
        _loaded.clear()
