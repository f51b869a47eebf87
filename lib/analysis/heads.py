"""All of the model's linear classifiers as one weight matrix: one sparse x dense product per batch.

scikit-learn's `predict_proba` validates its input and computes each classifier separately, which
costs more than the arithmetic for batches of a few mentions. `LinearHeads` copies the fitted
coefficients once (after training) and applies the same formulas: sigmoid calibration of the
sentiment SVMs (averaged over the calibration folds; the two-stage model's own calibration, sentiment.py),
a logistic per flag (the hate flag's two factors and its lexicon probe column, hate.py), a softmax
over functions.
A test checks the outputs equal scikit-learn's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, softmax

from lib.analysis.hate import FactorisedHate
from lib.analysis.sentiment import TwoStageSentiment


class LinearHeads:
    def __init__(self, sentiment_clf: Any, flag_clfs: dict[str, Any], function_clf: Any | None) -> None:
        blocks: list[np.ndarray] = []
        biases: list[np.ndarray] = []

        def add(coef: np.ndarray, intercept: np.ndarray) -> slice:
            start = sum(b.shape[1] for b in blocks)
            blocks.append(np.asarray(coef, dtype=np.float64).T)
            biases.append(np.asarray(intercept, dtype=np.float64).ravel())
            return slice(start, start + coef.shape[0])

        self.sentiment_classes = list(sentiment_clf.classes_)
        n = len(self.sentiment_classes)
        self.sentiment_parts: list[tuple[slice, np.ndarray, np.ndarray, np.ndarray]] = []
        # Two-stage sentiment (sentiment.py): one score column per stage, then its calibration formula.
        self.two_stage = sentiment_clf if isinstance(sentiment_clf, TwoStageSentiment) else None
        if self.two_stage is not None:
            gate, polarity = self.two_stage.gate, self.two_stage.polarity
            if list(gate.classes_) != [False, True] or list(polarity.classes_) != ["negative", "positive"]:
                raise ValueError("LinearHeads expects the gate over [False, True], polarity over [negative, positive]")
            self.gate_col = add(gate.coef_, gate.intercept_).start
            self.polarity_col = add(polarity.coef_, polarity.intercept_).start
        for cc in [] if self.two_stage else sentiment_clf.calibrated_classifiers_:
            est = cc.estimator
            if n < 3 or len(est.classes_) != n or len(cc.calibrators) != n:
                raise ValueError("LinearHeads expects a calibrated classifier over three or more classes")
            cols = add(est.coef_, est.intercept_)
            order = np.searchsorted(self.sentiment_classes, est.classes_)
            a = np.array([c.a_ for c in cc.calibrators])
            b = np.array([c.b_ for c in cc.calibrators])
            self.sentiment_parts.append((cols, order, a, b))
        self.flag_parts: dict[str, tuple[slice, int]] = {}
        # Factorised flags: (the heads' score columns, the lexicon probe column, lexicon coefficients).
        self.factorised: dict[str, tuple[slice, int | None, np.ndarray]] = {}
        self.flag_order = list(flag_clfs)
        for flag, clf in flag_clfs.items():
            if isinstance(clf, FactorisedHate):
                coef, intercept, lex_coef = clf.head_parts()
                cols = add(coef, intercept)
                probe = None
                if clf.lexicon_col is not None:  # a unit column: z then holds the lexicon cue's value
                    unit = np.zeros((1, coef.shape[1]))
                    unit[0, clf.lexicon_col] = 1.0
                    probe = add(unit, np.zeros(1)).start
                self.factorised[flag] = (cols, probe, lex_coef)
                continue
            self.flag_parts[flag] = (add(clf.coef_, clf.intercept_), list(clf.classes_).index(True))
        self.function_classes = list(function_clf.classes_) if function_clf is not None else None
        self.function_cols = add(function_clf.coef_, function_clf.intercept_) if function_clf is not None else None
        self.weights = np.hstack(blocks)
        self.bias = np.concatenate(biases)

    def scores(self, x: sp.csr_matrix) -> np.ndarray:
        return np.asarray(x @ self.weights) + self.bias

    def sentiment_proba(self, z: np.ndarray) -> np.ndarray:
        if self.two_stage is not None:
            return self.two_stage.proba_from_scores(z[:, self.gate_col], z[:, self.polarity_col])
        total = np.zeros((z.shape[0], len(self.sentiment_classes)))
        for cols, order, a, b in self.sentiment_parts:
            p = np.zeros_like(total)
            p[:, order] = expit(-(a * z[:, cols] + b))
            denom = p.sum(axis=1, keepdims=True)
            p = np.divide(p, denom, out=np.full_like(p, 1.0 / p.shape[1]), where=denom != 0)
            total += p
        return total / len(self.sentiment_parts)

    def flag_proba(self, z: np.ndarray) -> dict[str, np.ndarray]:
        out = {}
        for flag, (cols, probe, lex_coef) in self.factorised.items():
            lex = z[:, probe] if probe is not None else np.zeros(z.shape[0])
            out[flag] = FactorisedHate.proba_from_scores(z[:, cols], lex, lex_coef)
        for flag, (cols, true_idx) in self.flag_parts.items():
            p_true = expit(z[:, cols][:, 0])  # binary LogisticRegression: one row, for classes_[1]
            out[flag] = p_true if true_idx == 1 else 1.0 - p_true
        return {flag: out[flag] for flag in self.flag_order}

    def function_proba(self, z: np.ndarray) -> np.ndarray | None:
        if self.function_cols is None:
            return None
        scores = z[:, self.function_cols]
        if scores.shape[1] == 1:  # two functions: binary logistic
            p = expit(scores[:, 0])
            return np.column_stack([1.0 - p, p])
        return softmax(scores, axis=1)
