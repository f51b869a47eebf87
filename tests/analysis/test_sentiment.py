from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from lib.analysis import dataset as ds
from lib.analysis.heads import LinearHeads
from lib.analysis.model import TrainedModel
from lib.analysis.sentiment import TwoStageSentiment, combine
from lib.analysis.train import fit_sentiment


def _toy(n: int = 60) -> tuple[sp.csr_matrix, list[str], np.ndarray]:
    """Three separable classes on three features, plus 'no neutral' rows on a fourth feature."""
    rng = np.random.default_rng(0)
    labels = ["negative", "neutral", "positive"] * (n // 3)
    x = np.zeros((n, 4))
    for i, lab in enumerate(labels):
        x[i, ds.SENTIMENTS.index(lab)] = 1.0 + rng.random()
    return sp.csr_matrix(x), labels, np.ones(n)


def test_combine_is_a_distribution() -> None:
    p = combine(np.array([0.2, 0.9]), np.array([0.75, 0.1]))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(p[0], [0.6, 0.2, 0.2])


def test_rows_without_a_neutral_class_train_only_the_polarity_stage() -> None:
    x, labels, w = _toy()
    # 30 'negative' rows from a source without neutral, on a feature the gate must never see.
    extra = sp.csr_matrix(np.tile([0.0, 0.0, 0.0, 1.0], (30, 1)))
    x_all = sp.vstack([x, extra], format="csr")
    gate_weight = np.array([1.0] * len(labels) + [0.0] * 30)
    n = len(gate_weight)
    clf = TwoStageSentiment().fit(x_all, labels + ["negative"] * 30, np.ones(n), gate_weight,
                                  [f"g{i % 10}" for i in range(n)])
    assert clf.gate.coef_[0][3] == 0.0  # the gate never saw the no-neutral rows
    assert clf.polarity.coef_[0][3] < 0.0  # ... and polarity learned them as negative
    proba = clf.predict_proba(x)
    assert [clf.classes_[i] for i in proba.argmax(axis=1)] == labels
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_fit_sentiment_falls_back_to_one_svm_without_neutral_examples() -> None:
    x, labels, w = _toy()
    keep = [i for i, lab in enumerate(labels) if lab != "neutral"]
    items = [ds.LabelledText(f"teks {i}x", labels[i], source="police") for i in keep]
    clf = fit_sentiment(x[keep], items, w[keep])
    assert not isinstance(clf, TwoStageSentiment)
    assert list(clf.classes_) == ["negative", "positive"]


def test_fit_sentiment_uses_two_stages_and_the_fast_path_matches() -> None:
    x, labels, w = _toy()
    items = [ds.LabelledText(f"teks {i}x", lab, source="emot" if i % 7 == 0 and lab != "neutral" else "police")
             for i, lab in enumerate(labels)]
    clf = fit_sentiment(x, items, w)
    assert isinstance(clf, TwoStageSentiment)
    heads = LinearHeads(clf, {}, None)
    np.testing.assert_allclose(heads.sentiment_proba(heads.scores(x)), clf.predict_proba(x), atol=1e-9)


def test_small_model_is_two_stage(small_model: TrainedModel) -> None:
    assert isinstance(small_model.sentiment_clf, TwoStageSentiment)
    assert small_model.heads is not None and small_model.heads.two_stage is not None


def test_two_stage_needs_both_stages() -> None:
    x, labels, w = _toy()
    groups = [str(i) for i in range(len(labels))]
    with pytest.raises(ValueError):
        TwoStageSentiment().fit(x, labels, w, np.zeros(len(labels)), groups)
    with pytest.raises(ValueError):  # too few groups for the calibration folds
        TwoStageSentiment().fit(x, labels, w, w, ["a", "b"] * (len(labels) // 2))


def test_confidence_is_calibrated_on_grouped_out_of_fold_scores() -> None:
    """On noisy toy data the calibrated confidence tracks accuracy instead of saying ~1.0."""
    rng = np.random.default_rng(1)
    n = 600
    labels = [("negative", "neutral", "positive")[i % 3] for i in range(n)]
    x = rng.normal(size=(n, 3))
    for i, lab in enumerate(labels):
        x[i, ds.SENTIMENTS.index(lab)] += 1.0
    x = sp.csr_matrix(x)
    clf = TwoStageSentiment().fit(x, labels, np.ones(n), np.ones(n), [str(i) for i in range(n)])
    proba = clf.predict_proba(x)
    accuracy = np.mean([clf.classes_[i] == lab for i, lab in zip(proba.argmax(axis=1), labels, strict=True)])
    assert abs(proba.max(axis=1).mean() - accuracy) < 0.1
