"""Two-stage sentiment: a neutral-vs-polar gate, then negative-vs-positive, calibrated by stacking.

Why two stages: EmoT (tweets with emotions, MIT) has no neutral class. Trained into one
three-class model it teaches "tweets are never neutral" and pulls neutral questions to negative;
kept out, the model misreads happy tweets as negative. Here the polarity stage learns from every
negative or positive example, EmoT included, while the gate learns neutrality from the sources that
label it (SmSA, NusaX, police mentions, corrections) and sees EmoT only at a small weight, as
"not neutral".

Each stage is a linear SVM. Calibration is fitted on out-of-fold SVM scores with folds grouped by
near-duplicate key (copies and template siblings never straddle calibration folds): a logistic
regression gives P(negative | polar) from the polarity score, and P(neutral) from the gate score
plus the polarity score and its size (a strongly polar text is less likely neutral: stacking). So
P(negative) = (1 - P(neutral)) * P(negative | polar) is calibrated and `score` stays the calibrated
confidence of the chosen label. Chosen by 3-fold grouped CV (docs/analysis.md).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.svm import LinearSVC

CLASSES = ("negative", "neutral", "positive")
GATE_C = 0.3  # neutral vs polar; 0.15-0.5 tried by 3-fold grouped CV
POLARITY_C = 0.6  # negative vs positive; 0.15-1.0 tried
CALIBRATION_FOLDS = 3
CALIBRATION_C = 100.0  # the calibrators have 1-3 inputs: almost unregularised, like Platt scaling


def stack_features(z_gate: np.ndarray, z_polarity: np.ndarray) -> np.ndarray:
    """Inputs of the neutral calibrator: gate score, size of the polarity score, polarity score."""
    return np.column_stack([z_gate, np.abs(z_polarity), z_polarity])


def combine(p_neutral: np.ndarray, p_negative: np.ndarray) -> np.ndarray:
    """Three-class probabilities (negative, neutral, positive) from the two stages."""
    polar = 1.0 - p_neutral
    return np.column_stack([polar * p_negative, p_neutral, polar * (1.0 - p_negative)])


class TwoStageSentiment:
    """Fits and predicts like a calibrated three-class classifier (`classes_`, `predict_proba`)."""

    classes_ = np.array(CLASSES)

    def __init__(self, gate_c: float = GATE_C, polarity_c: float = POLARITY_C) -> None:
        self.gate_c = gate_c
        self.polarity_c = polarity_c
        self.gate: LinearSVC | None = None  # classes [False, True]: True = neutral
        self.polarity: LinearSVC | None = None  # classes ["negative", "positive"]
        self.gate_calibrator: LogisticRegression | None = None  # P(neutral) from stack_features
        self.polarity_calibrator: LogisticRegression | None = None  # P(negative | polar) from the polarity score

    def _svms(self) -> tuple[LinearSVC, LinearSVC]:
        return (LinearSVC(C=self.gate_c, class_weight="balanced"),
                LinearSVC(C=self.polarity_c, class_weight="balanced"))

    def fit(self, x, y: list[str], sample_weight: np.ndarray, gate_weight: np.ndarray,
            groups: list[str]) -> TwoStageSentiment:
        """`gate_weight` is each example's weight in the gate (0 leaves it out); `groups` keeps
        near-duplicates in one calibration fold."""
        y_arr = np.asarray(y)
        weight = np.asarray(sample_weight, dtype=float)
        gate_weight = np.asarray(gate_weight, dtype=float)
        in_gate = gate_weight > 0
        polar = y_arr != "neutral"
        neutral = y_arr == "neutral"
        if len(set(neutral[in_gate])) < 2 or len(set(y_arr[polar])) < 2 or len(set(groups)) < CALIBRATION_FOLDS:
            raise ValueError("two-stage sentiment needs neutral and polar texts, and both polarities")
        z_gate = np.zeros(len(y_arr))
        z_polarity = np.zeros(len(y_arr))
        for train_idx, test_idx in GroupKFold(CALIBRATION_FOLDS).split(np.zeros(len(y_arr)), groups=groups):
            rows = np.zeros(len(y_arr), dtype=bool)
            rows[train_idx] = True
            gate, polarity = self._svms()
            g, p = np.flatnonzero(rows & in_gate), np.flatnonzero(rows & polar)
            if len(set(neutral[g])) < 2 or len(set(y_arr[p])) < 2:
                raise ValueError("a calibration fold lacks a class")
            gate.fit(x[g], neutral[g], sample_weight=gate_weight[g])
            polarity.fit(x[p], y_arr[p], sample_weight=weight[p])
            z_gate[test_idx] = gate.decision_function(x[test_idx])
            z_polarity[test_idx] = polarity.decision_function(x[test_idx])
        self.gate, self.polarity = self._svms()
        g, p = np.flatnonzero(in_gate), np.flatnonzero(polar)
        self.gate.fit(x[g], neutral[g], sample_weight=gate_weight[g])
        self.polarity.fit(x[p], y_arr[p], sample_weight=weight[p])
        self.gate_calibrator = LogisticRegression(C=CALIBRATION_C, max_iter=1000).fit(
            stack_features(z_gate[g], z_polarity[g]), neutral[g], sample_weight=gate_weight[g])
        self.polarity_calibrator = LogisticRegression(C=CALIBRATION_C, max_iter=1000).fit(
            z_polarity[p][:, None], y_arr[p] == "negative", sample_weight=weight[p])
        return self

    def proba_from_scores(self, z_gate: np.ndarray, z_polarity: np.ndarray) -> np.ndarray:
        """The same formula as `predict_proba`, from the two SVM scores (heads.py uses it)."""
        g, p = self.gate_calibrator, self.polarity_calibrator
        p_neutral = expit(stack_features(z_gate, z_polarity) @ g.coef_[0] + g.intercept_[0])
        p_negative = expit(p.coef_[0, 0] * z_polarity + p.intercept_[0])
        return combine(p_neutral, p_negative)

    def predict_proba(self, x) -> np.ndarray:
        """Columns in `classes_` order: negative, neutral, positive."""
        return self.proba_from_scores(self.gate.decision_function(x), self.polarity.decision_function(x))
