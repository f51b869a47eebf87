from __future__ import annotations

from dataclasses import replace

import numpy as np
from sklearn.linear_model import LogisticRegression

from lib.analysis import dataset as ds
from lib.analysis import routing
from lib.analysis.model import TrainedModel
from lib.analysis.normalize import tokens
from lib.analysis.pipeline import analyze
from lib.analysis.rules import analyse_tokens


def cues(*texts: str):
    return [analyse_tokens(tokens(t)) for t in texts]


def test_rule_free_leaves_out_what_the_routing_rules_decide() -> None:
    assert routing.rule_free(ds.LabelledText("x", "negative", frozenset(), "Reskrim"))
    assert not routing.rule_free(ds.LabelledText("x", "positive", frozenset(), ""))  # praise
    assert routing.rule_free(ds.LabelledText("x", "positive", frozenset({"keluhan"}), "Propam"))  # sarcasm
    assert not routing.rule_free(ds.LabelledText("x", "neutral", frozenset({"hoax"}), "Intelkam"))
    assert not routing.rule_free(ds.LabelledText("x", "negative", frozenset({"hate"}), "Intelkam"))


def test_cue_features_carry_scores_other_agency_and_the_cue_choice() -> None:
    f = routing.cue_features(cues("oknum minta uang damai pas ditilang", "lampu pln mati", "halo min"))
    n = len(routing.CLASSES) - 1
    propam, lantas = routing.CLASSES.index("Propam") - 1, routing.CLASSES.index("Lantas") - 1
    assert f[0, propam] > f[0, lantas] > 0 and f[0, n] == 0
    assert f[0, n + 1 + routing.CLASSES.index("Propam")] == 1
    assert f[1, n] == 1 and f[1, n + 1] == 1  # another agency's matter, no police cue
    assert f[2, :n].sum() == 0 and f[2, n + 1] == 1


def test_combiner_matches_scikit_learn() -> None:
    rng = np.random.default_rng(0)
    texts = ["motor saya dibegal", "macet parah", "oknum minta uang damai", "syarat skck apa", "halo"]
    cue_list = cues(*texts)
    fn_classes = ["", "Lantas", "Propam", "Reskrim", "SPKT"]
    proba = rng.dirichlet(np.ones(len(fn_classes)), size=len(texts))
    x = np.hstack([routing.aligned_proba(proba, fn_classes), routing.cue_features(cue_list)])
    for labels in (["Reskrim", "Lantas", "Propam", "SPKT", ""], ["Reskrim", "", "Reskrim", "", ""]):
        x_fit = np.vstack([x, x + rng.normal(0, 0.1, x.shape)])
        clf = LogisticRegression(max_iter=2000).fit(x_fit, labels * 2)
        got = routing.RouteCombiner(clf).predict(proba, fn_classes, cue_list)
        assert got == [c or None for c in clf.predict(x)]


def test_too_few_examples_give_no_combiner() -> None:
    items = [ds.LabelledText(f"motor saya dibegal {i}", "negative", frozenset(), "Reskrim", "police") for i in range(10)]
    x = np.eye(10)
    assert routing.fit_combiner(x, items, np.ones(10), list(range(10)), LogisticRegression) is None


def test_trained_model_routes_through_the_combiner_and_keeps_the_rules(small_model: TrainedModel) -> None:
    assert small_model.route_combiner is not None
    texts = ["oknum polisi minta uang damai pas ditilang", "motor saya dibegal di jl raya ciledug tadi malam",
             "terima kasih pak udah nangkep begal di jl raya ciledug 🙏",
             "jangan kasih orang papua tinggal di sini, bawa sial"]
    got = [a.function for a in analyze(texts, model=small_model)]
    assert got[:2] == ["Propam", "Reskrim"]
    assert got[2] is None  # praise needs no function
    assert got[3] == "Intelkam"  # SARA provocation (the lexicon suspects it): early detection


def test_artefact_without_combiner_uses_the_hand_rule(small_model: TrainedModel) -> None:
    old = replace(small_model, route_combiner=None)
    old.compile()
    del old.route_combiner  # an artefact pickled before the combiner existed has no such attribute
    texts = ["oknum polisi minta uang damai pas ditilang", "ada bandar sabu di gang mawar"]
    assert [a.function for a in analyze(texts, model=old)] == ["Propam", "Narkoba"]
