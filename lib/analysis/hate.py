"""The SARA hate flag as two factors: P(hate speech) x P(SARA target | hate speech).

idhsab labels hate speech in general (`HS`) and, among it, the target (religion, race, a person,
a gender, ...). The flag is SARA hate (HS_Religion or HS_Race). One classifier for "SARA hate
against everything else" must learn both "is this hateful" and "is it about a group"; splitting
them lets the first factor learn from every hate-speech tweet and the second only tell targets
apart. Both factors see the model's features plus one indicator column: "the SARA lexicon fired"
(the `cueflaghate` cue token is present), so the curated lexicon weighs as a feature of its own
rather than one TF-IDF weight among 160,000. In 3-fold grouped CV this raised idhsab hate F1 from
0.711 to 0.726 and police hate F1 from 0.621 to 0.723 (docs/analysis.md).

Model v6 adds a religion head and a race head beside the joint SARA head of the second factor
(idhsab's `HS_Religion` and `HS_Race`, each on the hate-speech rows): religious and ethnic hate use
different words, and one head must fit both with one weight vector. P(SARA | hate speech) is then
the geometric mean of the joint head and the noisy-or of the two target heads:
    P(hate) = P(HS) * sqrt(P(SARA | HS) * (1 - (1 - P(religion | HS)) * (1 - P(race | HS)))).
In 3-fold grouped CV on cached folds (three fold assignments, v5 data) this gave idhsab hate F1
0.726 / 0.735 / 0.728 against 0.719 / 0.723 / 0.726 for the two-factor model: a small gain, the same
in every assignment; `make eval` on v6 gives 0.724 (docs/analysis.md).

Police mentions have no separate hate-speech label: hate or abusive counts as hate speech there;
a police hate mention is religious when it names a religious word (`lexicons.RELIGION_WORDS`),
else ethnic/racial.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

from lib.analysis.lexicons import RELIGION_WORDS
from lib.analysis.normalize import tokens

LEXICON_TOKEN = "cueflaghate"  # rules.Cues.feature_tokens() for a SARA lexicon hit
SPEECH_FLAGS = frozenset({"hate", "abusive"})
MIN_EXAMPLES = 5  # per class, for each factor


def is_hate_speech(item: Any) -> bool:
    """The first factor's label: idhsab's `HS` column where known, else hate or abusive."""
    if getattr(item, "hate_speech", None) is not None:
        return bool(item.hate_speech)
    return bool(item.flags & SPEECH_FLAGS)


def sara_targets(item: Any) -> tuple[bool, bool]:
    """(religion, race) labels of a hate item: idhsab's columns where known, else from the words."""
    if "hate" not in (item.flags or ()):
        return False, False
    religion, race = getattr(item, "hate_religion", None), getattr(item, "hate_race", None)
    if religion is not None and race is not None:
        return bool(religion), bool(race)
    religious = bool(set(tokens(item.text)) & RELIGION_WORDS)
    return religious, not religious


def _noisy_or(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return 1.0 - (1.0 - a) * (1.0 - b)


class FactorisedHate:
    """Two logistic regressions over [features | lexicon indicator]; `predict_proba` like scikit-learn.

    `lexicon_col` is the feature column of LEXICON_TOKEN (None when the vocabulary lacks it); the
    indicator is that column being non-zero. `religion` and `race` are the target heads (None when
    the data has too few of either; the formula is then P(HS) * P(SARA | HS)). LinearHeads reads
    `head_parts()` and `lexicon_col` to apply the same formula inside its single matrix product."""

    classes_ = np.array([False, True])

    def __init__(self, c: float = 4.0, lexicon_col: int | None = None) -> None:
        self.c = c
        self.lexicon_col = lexicon_col
        self.speech: LogisticRegression | None = None
        self.sara: LogisticRegression | None = None
        self.religion: LogisticRegression | None = None
        self.race: LogisticRegression | None = None

    def _with_lexicon(self, x: sp.csr_matrix) -> sp.csr_matrix:
        return sp.hstack([x, sp.csr_matrix(self.lexicon(x)[:, None])], format="csr")

    def lexicon(self, x: sp.csr_matrix) -> np.ndarray:
        if self.lexicon_col is None:
            return np.zeros(x.shape[0])
        return (x[:, self.lexicon_col].toarray().ravel() != 0).astype(np.float64)

    def fit(self, x: sp.csr_matrix, speech: np.ndarray, hate: np.ndarray, weights: np.ndarray,
            religion: np.ndarray | None = None, race: np.ndarray | None = None) -> FactorisedHate:
        """`speech`/`hate`: boolean labels per row (hate implies speech); the second factor is fitted
        on the hate-speech rows only, and so are the religion and race heads when both labels are given
        and have enough of each class. Raises ValueError when a factor has too few of a class."""
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
        self.religion = self.race = None
        if religion is not None and race is not None:
            targets = [np.asarray(t, dtype=bool)[speech] for t in (religion, race)]
            if all(MIN_EXAMPLES <= t.sum() <= len(t) - MIN_EXAMPLES for t in targets):
                heads = []
                for t in targets:
                    head = LogisticRegression(C=self.c, class_weight="balanced", max_iter=2000)
                    heads.append(head.fit(xl[speech], t, sample_weight=weights[speech]))
                self.religion, self.race = heads
        return self

    def _models(self) -> list[LogisticRegression]:
        models = [self.speech, self.sara]
        if self.religion is not None and self.race is not None:
            models += [self.religion, self.race]
        return models  # type: ignore[return-value]

    @staticmethod
    def combine(p: np.ndarray) -> np.ndarray:
        """The flag's probability from its heads' probabilities (n x 2 or n x 4, in `_models` order)."""
        if p.shape[1] == 2:
            return p[:, 0] * p[:, 1]
        return p[:, 0] * np.sqrt(p[:, 1] * _noisy_or(p[:, 2], p[:, 3]))

    def predict_proba(self, x: sp.csr_matrix) -> np.ndarray:
        xl = self._with_lexicon(x)
        p = self.combine(np.column_stack([m.predict_proba(xl)[:, 1] for m in self._models()]))
        return np.column_stack([1.0 - p, p])

    def head_parts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(coef over the features, k x n; intercepts, k; lexicon coefficients, k) for LinearHeads,
        k = 2 or 4 heads in `_models` order."""
        models = self._models()
        coef = np.vstack([m.coef_ for m in models])
        intercept = np.array([m.intercept_[0] for m in models])
        return coef[:, :-1], intercept, coef[:, -1].copy()

    @staticmethod
    def proba_from_scores(z: np.ndarray, probe: np.ndarray, lexicon_coef: np.ndarray) -> np.ndarray:
        """z: the heads' scores without the indicator (n x k); probe: the lexicon column's value."""
        lex = (probe != 0).astype(np.float64)
        return FactorisedHate.combine(expit(z + lex[:, None] * lexicon_coef[None, :]))


def fit_hate(x: sp.csr_matrix, items: list[Any], weights: np.ndarray, vocabulary: dict[str, int],
             c: float = 4.0) -> FactorisedHate:
    """The factorised hate model on the items labelled for hate (x: their rows)."""
    speech = np.array([is_hate_speech(it) or "hate" in it.flags for it in items])
    hate = np.array(["hate" in it.flags for it in items])
    religion, race = (np.array(t, dtype=bool) for t in zip(*(sara_targets(it) for it in items), strict=True))
    return FactorisedHate(c, vocabulary.get(LEXICON_TOKEN)).fit(x, speech, hate, weights, religion, race)
