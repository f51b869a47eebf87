from __future__ import annotations

import numpy as np

from lib.analysis.model import TrainedModel
from lib.analysis.train import model_inputs

TEXTS = ["terima kasih pak polisi sigap", "tolong ada begal di jl raya ciledug sekarang!!", "syarat skck apa ya",
         "dasar bacot admin nya", "beredar di grup wa ada penculikan, benarkah?", "laporan saya 3 bulan ga ditanggapi",
         "", "😂"]


def test_fast_path_equals_scikit_learn(small_model: TrainedModel) -> None:
    assert small_model.heads is not None
    x = small_model.features(*model_inputs(TEXTS))
    fast = small_model.predict(*model_inputs(TEXTS))
    proba = small_model.sentiment_clf.predict_proba(x)
    assert fast.sentiment == [small_model.sentiment_clf.classes_[i] for i in proba.argmax(axis=1)]
    np.testing.assert_allclose(fast.confidence, proba.max(axis=1), atol=1e-9)
    for flag, clf in small_model.flag_clfs.items():
        expected = clf.predict_proba(x)[:, list(clf.classes_).index(True)]
        np.testing.assert_allclose(fast.flag_proba[flag], expected, atol=1e-9)
    fproba = small_model.function_clf.predict_proba(x)
    assert fast.function == [small_model.function_clf.classes_[i] for i in fproba.argmax(axis=1)]
    np.testing.assert_allclose(fast.function_confidence, fproba.max(axis=1), atol=1e-9)
