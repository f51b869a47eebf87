"""Which function a mention goes to: the lexicon's cue scores and the function classifier's
probabilities combined by a small learned model (stacking).

The hand rule it replaces ("the cues decide unless they are weak (< 3) and the classifier is
confident (>= 0.55)") fixed one trade-off for every function. The combiner is a multinomial logistic
regression over the classifier's probabilities, the cue score of every function, "another agency's
matter" and the cue's own choice; it is fitted on *out-of-fold* classifier probabilities (the
classifier is refitted on the other folds of the training mentions), so it learns how far to trust
a classifier that has not seen the text. It learns only from mentions whose function the routing
rules do not decide (praise, SARA, hoaxes: `pipeline.routed` handles those afterwards).
3-fold grouped CV and what it gave: docs/analysis.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from lib.analysis import lexicons as lx
from lib.analysis import rules
from lib.analysis.dataset import LabelledText
from lib.analysis.normalize import tokens

CLASSES: tuple[str, ...] = ("", *lx.ROUTE_ORDER)  # "" = no police function
INNER_FOLDS = 3
COMBINER_C = 1.0  # 0.3 / 1 / 3 / 10 tried by 3-fold grouped CV
MIN_EXAMPLES = 60
ENABLED = True  # False: the hand rule in pipeline.py decides (used to compare the two in CV)


def rule_free(item: LabelledText) -> bool:
    """True when the routing rules do not decide this mention's function by themselves."""
    flags = item.flags or frozenset()
    if flags & {"hate", "hoax"}:
        return False
    return not (item.sentiment == "positive" and not flags & {"urgent", "keluhan"})


def cue_features(cues: Sequence[rules.Cues]) -> np.ndarray:
    """Per mention: log(1 + cue score) of every function, another agency's matter, the cue's choice."""
    n_fn = len(lx.ROUTE_ORDER)
    out = np.zeros((len(cues), 2 * n_fn + 2))
    for r, cue in enumerate(cues):
        for phrase in cue.phrases:
            for i, w in rules._ROUTE_WEIGHTS.get(phrase, ()):
                out[r, i] += w
        out[r, n_fn] = 1.0 if cue.phrases & lx.OTHER_AGENCY else 0.0
        out[r, n_fn + 1 + CLASSES.index(cue.function or "")] = 1.0
    out[:, :n_fn] = np.log1p(out[:, :n_fn])
    return out


def aligned_proba(proba: np.ndarray, classes: Sequence[str]) -> np.ndarray:
    """Classifier probabilities in CLASSES order (a function absent from training gets 0)."""
    out = np.zeros((proba.shape[0], len(CLASSES)))
    for j, c in enumerate(classes):
        out[:, CLASSES.index(c)] = proba[:, j]
    return out


class RouteCombiner:
    """The fitted combiner as plain arrays: a matrix product and an argmax per batch."""

    def __init__(self, clf: Any) -> None:
        self.classes = [str(c) for c in clf.classes_]
        coef = np.asarray(clf.coef_, dtype=np.float64)
        intercept = np.asarray(clf.intercept_, dtype=np.float64)
        if coef.shape[0] == 1:  # two classes: binary logistic regression
            coef, intercept = np.vstack([-coef, coef]) / 2, np.array([-intercept[0], intercept[0]]) / 2
        self.coef, self.intercept = coef.T, intercept

    def predict(self, fn_proba: np.ndarray, fn_classes: Sequence[str], cues: Sequence[rules.Cues]) -> list[str | None]:
        z = np.hstack([aligned_proba(fn_proba, fn_classes), cue_features(cues)]) @ self.coef + self.intercept
        return [self.classes[j] or None for j in z.argmax(axis=1)]


def _fold(item: LabelledText) -> int:
    return int(hashlib.blake2b(item.cv_group().encode(), digest_size=4).hexdigest(), 16) % INNER_FOLDS


def fit_combiner(x: Any, items: Sequence[LabelledText], weights: np.ndarray, fn_idx: Sequence[int],
                 make_clf: Callable[[], Any]) -> RouteCombiner | None:
    """Fit on out-of-fold probabilities of `make_clf()` (the function classifier's recipe) over the
    mentions `fn_idx` labelled with a function; None when there are too few to do it honestly."""
    from sklearn.linear_model import LogisticRegression

    idx = np.asarray(fn_idx)
    y = np.array([items[i].function for i in idx])
    folds = np.array([_fold(items[i]) for i in idx])
    keep = np.array([rule_free(items[i]) for i in idx])
    if keep.sum() < MIN_EXAMPLES or len(set(y[keep])) < 2 or len(set(folds)) < INNER_FOLDS:
        return None
    oof = np.zeros((len(idx), len(CLASSES)))
    for k in range(INNER_FOLDS):
        train, test = folds != k, folds == k
        if len(set(y[train])) < 2:
            return None
        clf = make_clf().fit(x[idx[train]], y[train], sample_weight=weights[idx[train]])
        oof[test] = aligned_proba(clf.predict_proba(x[idx[test]]), list(clf.classes_))
    features = np.hstack([oof, cue_features([rules.analyse_tokens(tokens(items[i].text)) for i in idx])])
    combiner = LogisticRegression(C=COMBINER_C, max_iter=3000)
    combiner.fit(features[keep], y[keep], sample_weight=weights[idx[keep]])
    return RouteCombiner(combiner)
