from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from lib.analysis import dataset as ds
from lib.analysis.hate import LEXICON_TOKEN, FactorisedHate, fit_hate, is_hate_speech, sara_targets
from lib.analysis.heads import LinearHeads
from lib.analysis.model import TrainedModel
from lib.analysis.train import model_inputs

TEXTS = ["orang kafir ga boleh ibadah di sini", "orang papua pulangin ke hutan", "dasar bacot admin nya",
         "terima kasih pak polisi sigap", "syarat skck apa ya", "", "😂"]


def _toy(n: int = 120, seed: int = 0) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Column 0 marks hate speech, column 1 a group target, column 2 is the lexicon cue column."""
    rng = np.random.default_rng(seed)
    speech = rng.random(n) < 0.5
    target = rng.random(n) < 0.5
    lex = speech & target & (rng.random(n) < 0.5)
    noise = rng.random((n, 3)) * 0.1
    x = np.column_stack([speech * 1.0, target * 1.0, lex * 0.3, noise])
    return sp.csr_matrix(x), speech, speech & target


def test_factorised_probability_is_the_product_of_its_factors() -> None:
    x, speech, hate = _toy()
    clf = FactorisedHate(lexicon_col=2).fit(x, speech, hate, np.ones(x.shape[0]))
    xl = sp.hstack([x, sp.csr_matrix((x[:, 2].toarray() != 0).astype(float))], format="csr")
    expected = clf.speech.predict_proba(xl)[:, 1] * clf.sara.predict_proba(xl)[:, 1]
    np.testing.assert_allclose(clf.predict_proba(x)[:, 1], expected)
    np.testing.assert_allclose(clf.predict_proba(x).sum(axis=1), 1.0)
    # the second factor learns from hate speech only, so the group column separates SARA from other hate
    p = clf.predict_proba(x)[:, 1]
    assert p[hate].mean() > 0.5 > p[speech & ~hate].mean()
    assert p[~speech].mean() < 0.3


def test_too_few_examples_raise() -> None:
    x, speech, _ = _toy(n=40)
    with pytest.raises(ValueError):
        FactorisedHate().fit(x, speech, np.zeros(40, dtype=bool), np.ones(40))


def test_fast_path_applies_the_same_formula() -> None:
    x, speech, hate = _toy()
    clf = FactorisedHate(lexicon_col=2).fit(x, speech, hate, np.ones(x.shape[0]))

    class _Sent:  # the heads need a sentiment model; a two-stage one is not needed for this check
        classes_ = ["negative", "neutral", "positive"]
        calibrated_classifiers_: list = []

    heads = LinearHeads(_Sent(), {"hate": clf}, None)
    np.testing.assert_allclose(heads.flag_proba(heads.scores(x))["hate"], clf.predict_proba(x)[:, 1], atol=1e-12)


def test_hate_speech_label_from_idhsab_column_else_flags() -> None:
    idhsab = ds.load_idhsab()
    assert any(it.hate_speech for it in idhsab) and any(it.hate_speech is False for it in idhsab)
    # SARA hate is a kind of hate speech; hate speech need not be SARA (a person, a gender, ...)
    assert all(it.hate_speech for it in idhsab if "hate" in it.flags)
    assert any(it.hate_speech and "hate" not in it.flags for it in idhsab)
    police = ds.LabelledText("x", "negative", frozenset({"abusive"}), "", "police")
    assert is_hate_speech(police)
    assert not is_hate_speech(ds.LabelledText("x", "neutral", frozenset(), "", "police"))


def test_trained_model_uses_the_factorised_head(small_model: TrainedModel) -> None:
    clf = small_model.flag_clfs["hate"]
    assert isinstance(clf, FactorisedHate)
    assert clf.lexicon_col == small_model.word_vec.vectorizer.vocabulary_[LEXICON_TOKEN]
    norms, augmented = model_inputs(TEXTS)
    fast = small_model.predict(norms, augmented).flag_proba["hate"]
    np.testing.assert_allclose(fast, clf.predict_proba(small_model.features(norms, augmented))[:, 1], atol=1e-9)
    # the SARA lexicon fires on the first two texts: the cue raises both factors
    assert clf.head_parts()[2].min() > 0
    assert fast[:2].min() > fast[2:].max()


def test_fit_hate_on_items() -> None:
    x, speech, hate = _toy()
    items = [ds.LabelledText("t", None, frozenset({"hate"} if h else set()), None, "idhsab", ds.IDHSAB_TASKS,
                             hate_speech=bool(s)) for s, h in zip(speech, hate, strict=True)]
    clf = fit_hate(x, items, np.ones(len(items)), {LEXICON_TOKEN: 2})
    assert clf.lexicon_col == 2 and clf.sara is not None


def _toy_targets(n: int = 160, seed: int = 1) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Like _toy, but column 1 marks a religious target and column 3 an ethnic one."""
    rng = np.random.default_rng(seed)
    speech = rng.random(n) < 0.6
    religion = speech & (rng.random(n) < 0.3)
    race = speech & ~religion & (rng.random(n) < 0.4)
    x = np.column_stack([speech * 1.0, religion * 1.0, np.zeros(n), race * 1.0, rng.random((n, 2)) * 0.1])
    return sp.csr_matrix(x), speech, religion | race, religion, race


def test_religion_and_race_heads_combine_by_the_documented_formula() -> None:
    x, speech, hate, religion, race = _toy_targets()
    clf = FactorisedHate(lexicon_col=2).fit(x, speech, hate, np.ones(x.shape[0]), religion, race)
    assert clf.religion is not None and clf.race is not None
    xl = sp.hstack([x, sp.csr_matrix(np.zeros((x.shape[0], 1)))], format="csr")
    p1, ps, pr, pc = (m.predict_proba(xl)[:, 1] for m in (clf.speech, clf.sara, clf.religion, clf.race))
    expected = p1 * np.sqrt(ps * (1 - (1 - pr) * (1 - pc)))
    np.testing.assert_allclose(clf.predict_proba(x)[:, 1], expected)
    # each target head learns its own column: religious hate is found by the religion head, ethnic by the race head
    assert pr[religion].mean() > 0.5 > pr[race].mean()
    assert pc[race].mean() > 0.5 > pc[religion].mean()
    p = clf.predict_proba(x)[:, 1]
    assert p[hate].min() > p[speech & ~hate].max()
    heads = LinearHeads(_SentStub(), {"hate": clf}, None)
    np.testing.assert_allclose(heads.flag_proba(heads.scores(x))["hate"], p, atol=1e-12)


def test_target_heads_are_skipped_without_enough_of_each_target() -> None:
    x, speech, hate, religion, _ = _toy_targets()
    clf = FactorisedHate(lexicon_col=2).fit(x, speech, hate, np.ones(x.shape[0]), religion, np.zeros_like(religion))
    assert clf.religion is None and clf.race is None
    assert clf.head_parts()[0].shape[0] == 2


class _SentStub:
    classes_ = ["negative", "neutral", "positive"]
    calibrated_classifiers_: list = []


def test_sara_targets_from_idhsab_columns_else_religious_words() -> None:
    idhsab = ds.load_idhsab()
    hate = [it for it in idhsab if "hate" in it.flags]
    assert all(sara_targets(it) == (it.hate_religion, it.hate_race) for it in hate)
    assert any(it.hate_religion for it in hate) and any(it.hate_race for it in hate)
    assert sara_targets(next(it for it in idhsab if "hate" not in it.flags)) == (False, False)
    police = ds.LabelledText("orang kafir ga boleh ibadah di sini", "negative", frozenset({"hate"}), "", "police")
    assert sara_targets(police) == (True, False)
    police = ds.LabelledText("orang papua pulangin ke hutan", "negative", frozenset({"hate"}), "", "police")
    assert sara_targets(police) == (False, True)


def test_trained_model_has_the_target_heads_and_ranks_sara_above_near_misses(small_model: TrainedModel) -> None:
    clf = small_model.flag_clfs["hate"]
    assert clf.religion is not None and clf.race is not None  # police mentions have religious and ethnic hate
    texts = ["orang kafir ga boleh ibadah di sini, usir aja", "orang papua pulangin ke hutan",
             "jadwal misa di gereja katedral ditutup jalan sebentar ya", "ada pengajian di masjid, parkir penuh"]
    norms, augmented = model_inputs(texts)
    p = small_model.predict(norms, augmented).flag_proba["hate"]
    assert p[:2].min() > p[2:].max()
