"""The SARA hate flag as two factors: P(hate speech) x P(SARA target | hate speech).

idhsab labels hate speech in general (`HS`) and, among it, the target (religion, race, a person,
a gender, ...). The flag is SARA hate (HS_Religion or HS_Race). One classifier for "SARA hate
against everything else" must learn both "is this hateful" and "is it about a group"; splitting
them lets the first factor learn from every hate-speech tweet and the second only tell targets
apart. Both factors see the model's features plus one indicator column: "the SARA lexicon fired"
(the `cueflaghate` cue token is present), so the curated lexicon weighs as a feature of its own
rather than one TF-IDF weight among 160,000. In 3-fold grouped CV this raised idhsab hate F1 from
0.711 to 0.726 and police hate F1 from 0.621 to 0.723 (docs/analysis.md).

Police mentions have no separate hate-speech label: hate or abusive counts as hate speech there.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

LEXICON_TOKEN = "cueflaghate"  # rules.Cues.feature_tokens() for a SARA lexicon hit
SPEECH_FLAGS = frozenset({"hate", "abusive"})
MIN_EXAMPLES = 5  # per class, for each factor


def is_hate_speech(item: Any) -> bool:
    """The first factor's label: idhsab's `HS` column where known, else hate or abusive."""
    if getattr(item, "hate_speech", None) is not None:
        return bool(item.hate_speech)
    return bool(item.flags & SPEECH_FLAGS)


class FactorisedHate:
    """Two logistic regressions over [features | lexicon indicator]; `predict_proba` like scikit-learn.

    `lexicon_col` is the feature column of LEXICON_TOKEN (None when the vocabulary lacks it); the
    indicator is that column being non-zero. LinearHeads reads `speech`, `sara` and `lexicon_col`
    to apply the same formula inside its single matrix product."""

    classes_ = np.array([False, True])

    def __init__(self, c: float = 4.0, lexicon_col: int | None = None) -> None:
        self.c = c
        self.lexicon_col = lexicon_col
        self.speech: LogisticRegression | None = None
        self.sara: LogisticRegression | None = None

    def _with_lexicon(self, x: sp.csr_matrix) -> sp.csr_matrix:
        return sp.hstack([x, sp.csr_matrix(self.lexicon(x)[:, None])], format="csr")

    def lexicon(self, x: sp.csr_matrix) -> np.ndarray:
        if self.lexicon_col is None:
            return np.zeros(x.shape[0])
        return (x[:, self.lexicon_col].toarray().ravel() != 0).astype(np.float64)

    def fit(self, x: sp.csr_matrix, speech: np.ndarray, hate: np.ndarray, weights: np.ndarray) -> FactorisedHate:
        """`speech`/`hate`: boolean labels per row (hate implies speech); the second factor is fitted
        on the hate-speech rows only. Raises ValueError when a factor has too few of a class."""
        speech = np.asarray(speech, dtype=bool)
        hate = np.asarray(hate, dtype=bool) & speech
        for y in (speech, hate[speech]):
            if y.sum() < MIN_EXAMPLES or (~y).sum() < MIN_EXAMPLES:
                raise ValueError("too few examples for a factorised hate model")
        xl = self._with_lexicon(x)
        self.speech = LogisticRegression(C=self.c, class_weight="balanced", max_iter=2000)
        self.speech.fit(xl, speech, sample_weight=weights)
        self.sara = LogisticRegression(C=self.c, class_weight="balanced", max_iter=2000)
        self.sara.fit(xl[speech], hate[speech], sample_weight=weights[speech])
        return self

    def predict_proba(self, x: sp.csr_matrix) -> np.ndarray:
        xl = self._with_lexicon(x)
        p = self.speech.predict_proba(xl)[:, 1] * self.sara.predict_proba(xl)[:, 1]  # type: ignore[union-attr]
        return np.column_stack([1.0 - p, p])

    def head_parts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(coef over the features, 2 x n; intercepts, 2; lexicon coefficients, 2) for LinearHeads."""
        coef = np.vstack([self.speech.coef_, self.sara.coef_])  # type: ignore[union-attr]
        intercept = np.array([self.speech.intercept_[0], self.sara.intercept_[0]])  # type: ignore[union-attr]
        return coef[:, :-1], intercept, coef[:, -1].copy()

    @staticmethod
    def proba_from_scores(z: np.ndarray, probe: np.ndarray, lexicon_coef: np.ndarray) -> np.ndarray:
        """z: the two factors' scores without the indicator (n x 2); probe: the lexicon column's value."""
        lex = (probe != 0).astype(np.float64)
        return expit(z[:, 0] + lexicon_coef[0] * lex) * expit(z[:, 1] + lexicon_coef[1] * lex)


def fit_hate(x: sp.csr_matrix, items: list[Any], weights: np.ndarray, vocabulary: dict[str, int],
             c: float = 4.0) -> FactorisedHate:
    """The factorised hate model on the items labelled for hate (x: their rows)."""
    speech = np.array([is_hate_speech(it) or "hate" in it.flags for it in items])
    hate = np.array(["hate" in it.flags for it in items])
    return FactorisedHate(c, vocabulary.get(LEXICON_TOKEN)).fit(x, speech, hate, weights)
