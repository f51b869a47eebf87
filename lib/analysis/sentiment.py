"""Two-stage sentiment: a neutral-vs-polar gate, then negative-vs-positive among polar texts.

Why two stages: EmoT (tweets with emotions, MIT) has no neutral class. Trained into one
three-class model it teaches "tweets are never neutral" and pulls neutral questions to negative;
kept out, the model misreads happy tweets as negative. Here the gate learns neutrality only from
sources that label it (SmSA, NusaX, police mentions, corrections), while the polarity stage learns
from every negative or positive example, EmoT included. Each stage is a linear SVM with sigmoid
calibration, so P(negative) = P(polar) * P(negative | polar) is a calibrated probability and
`score` stays the calibrated confidence of the chosen label. 3-fold grouped CV in docs/analysis.md.
"""

from __future__ import annotations

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.svm import LinearSVC

CLASSES = ("negative", "neutral", "positive")
GATE_C = 0.3  # neutral vs polar; 0.2-0.5 tried by 3-fold grouped CV
POLARITY_C = 0.6  # negative vs positive; 0.15-1.0 tried


def calibrated_svm(c: float) -> CalibratedClassifierCV:
    """A linear SVM (balanced classes) with sigmoid calibration over 3 folds."""
    return CalibratedClassifierCV(LinearSVC(C=c, class_weight="balanced"), method="sigmoid", cv=3)


class TwoStageSentiment:
    """Fits and predicts like a calibrated three-class classifier (`classes_`, `predict_proba`)."""

    classes_ = np.array(CLASSES)

    def __init__(self, gate_c: float = GATE_C, polarity_c: float = POLARITY_C) -> None:
        self.gate_c = gate_c
        self.polarity_c = polarity_c
        self.gate: CalibratedClassifierCV | None = None  # classes [False, True]: True = neutral
        self.polarity: CalibratedClassifierCV | None = None  # classes ["negative", "positive"]

    def fit(self, x, y: list[str], sample_weight: np.ndarray, knows_neutral: np.ndarray) -> TwoStageSentiment:
        """`knows_neutral[i]` is False for examples from a source without a neutral class: they
        train the polarity stage only."""
        y_arr = np.asarray(y)
        weight = np.asarray(sample_weight, dtype=float)
        gate_idx = np.flatnonzero(np.asarray(knows_neutral, dtype=bool))
        polar_idx = np.flatnonzero(y_arr != "neutral")
        if len(set(y_arr[gate_idx] == "neutral")) < 2 or len(set(y_arr[polar_idx])) < 2:
            raise ValueError("two-stage sentiment needs neutral and polar texts, and both polarities")
        self.gate = calibrated_svm(self.gate_c).fit(x[gate_idx], y_arr[gate_idx] == "neutral",
                                                    sample_weight=weight[gate_idx])
        self.polarity = calibrated_svm(self.polarity_c).fit(x[polar_idx], y_arr[polar_idx],
                                                            sample_weight=weight[polar_idx])
        return self

    def predict_proba(self, x) -> np.ndarray:
        """Columns in `classes_` order: negative, neutral, positive."""
        p_neutral = self.gate.predict_proba(x)[:, list(self.gate.classes_).index(True)]
        p_negative = self.polarity.predict_proba(x)[:, list(self.polarity.classes_).index("negative")]
        return combine(p_neutral, p_negative)


def combine(p_neutral: np.ndarray, p_negative: np.ndarray) -> np.ndarray:
    polar = 1.0 - p_neutral
    return np.column_stack([polar * p_negative, p_neutral, polar * (1.0 - p_negative)])
