from __future__ import annotations

from pathlib import Path

import pytest

from lib.analysis import Analysis, analyze, model_status
from lib.analysis.model import TrainedModel, artefact_path, forget_loaded

FUNCTIONS = {"Reskrim", "Lantas", "Narkoba", "Samapta", "Propam", "Binmas", "Intelkam", "SPKT", None}
EDGE_INPUTS = ["", "   ", "😂😂😂", "🙏", "x" * 200_000, "kata " * 50_000,
               "The police station was closed and nobody answered.", "这是中文", "!!!", "@a @b @c", "123 456"]


def check_contract(result: Analysis) -> None:
    assert result.sentiment in {"negative", "neutral", "positive"}
    assert 0.0 <= result.score <= 1.0
    assert isinstance(result.flags, frozenset) and result.flags <= {"abusive", "hate", "hoax", "urgent", "keluhan"}
    assert result.function in FUNCTIONS
    assert isinstance(result.topic, str) and result.topic
    assert isinstance(result.near_duplicate_key, str) and len(result.near_duplicate_key) == 16


def test_empty_list() -> None:
    assert analyze([]) == []


@pytest.mark.parametrize("text", EDGE_INPUTS)
def test_edge_inputs_with_model(small_model: TrainedModel, text: str) -> None:
    [result] = analyze([text], model=small_model)
    check_contract(result)


@pytest.mark.parametrize("text", EDGE_INPUTS)
def test_edge_inputs_without_model(text: str) -> None:
    [result] = analyze([text], use_model=False)
    check_contract(result)


def test_non_string_items_do_not_fail(small_model: TrainedModel) -> None:
    results = analyze([None, 5, "oke"], model=small_model)  # type: ignore[list-item]
    assert len(results) == 3
    for r in results:
        check_contract(r)


def test_output_matches_input_one_to_one(small_model: TrainedModel) -> None:
    texts = ["terima kasih pak polisi sigap", "begal di jl raya ciledug tolong sekarang", "syarat skck apa?"] * 7
    results = analyze(texts, model=small_model)
    assert len(results) == len(texts)
    assert results[0] == results[3] == results[6]


def test_stable_for_same_input_regardless_of_batch(small_model: TrainedModel) -> None:
    text = "min laporan curanmor saya gak ditindaklanjuti, kecewa 😡"
    alone = analyze([text], model=small_model)[0]
    in_batch = analyze(["halo", text, "tawuran di pasar"], model=small_model)[1]
    again = analyze([text], model=small_model)[0]
    assert alone == in_batch == again


def test_clear_examples(small_model: TrainedModel) -> None:
    urgent, praise, question = analyze(
        ["@polsekciledug tolong ada begal di Jl. Raya Ciledug sekarang!!",
         "terima kasih pak polisi, pelayanannya cepat dan ramah 👍",
         "min syarat perpanjang sim apa saja ya?"],
        model=small_model,
    )
    assert urgent.sentiment == "negative" and "urgent" in urgent.flags and urgent.function == "Reskrim"
    assert urgent.topic == "begal|jl raya ciledug" and urgent.place == "Jl. Raya Ciledug"
    assert praise.sentiment == "positive"
    assert question.sentiment == "neutral" and question.function == "Lantas"


def test_retweet_shares_near_duplicate_key(small_model: TrainedModel) -> None:
    a, b = analyze(["SEBARKAN! ada penculikan anak di sekolah", "RT @warga: sebarkan ada penculikan anak di sekolah"],
                   model=small_model)
    assert a.near_duplicate_key == b.near_duplicate_key


def test_missing_model_falls_back_to_lexicons(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_MODEL_DIR", str(tmp_path))
    forget_loaded()
    status = model_status()
    assert not status.ok and "make train" in status.message
    [result] = analyze(["pelayanan polsek buruk, kecewa dan lambat"])
    assert result.sentiment == "negative"
    forget_loaded()


def test_corrupt_artefact_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    artefact_path(tmp_path).write_bytes(b"not a joblib file")
    monkeypatch.setenv("PANTAU_MODEL_DIR", str(tmp_path))
    forget_loaded()
    assert not model_status().ok
    check_contract(analyze(["terima kasih pak"])[0])
    forget_loaded()


def test_default_model_is_loaded_lazily(use_model_dir: Path) -> None:
    status = model_status()
    assert status.ok and status.meta["model_version"] >= 1
    assert status.meta["counts"]["police"] > 1_000 and status.meta["public_sources"] == []


def test_routing_rules() -> None:
    from lib.analysis.pipeline import routed

    assert routed("Reskrim", "positive", frozenset()) is None  # praise needs no function
    assert routed("Reskrim", "positive", frozenset({"keluhan"})) == "Reskrim"  # sarcasm with a complaint
    assert routed("Reskrim", "neutral", frozenset({"hoax"})) == "Intelkam"  # rumours: early detection
    assert routed(None, "negative", frozenset({"hate"})) == "Intelkam"  # SARA provocation
    assert routed("Lantas", "negative", frozenset({"urgent"})) == "Lantas"
    # a suspected (below-threshold) SARA or hoax mention still goes to Intelkam for early detection
    assert routed("Reskrim", "negative", frozenset(), early_detection=True) == "Intelkam"


def test_model_flags_use_thresholds_and_fall_back_to_rules() -> None:
    from lib.analysis.pipeline import model_flags

    got = model_flags(frozenset({"urgent", "hoax"}), {"urgent": 0.1, "abusive": 0.3}, {"urgent": 0.2, "abusive": 0.25})
    assert got == frozenset({"hoax", "abusive"})  # no hoax classifier: the rule stands


def test_a_quoted_or_literal_insult_needs_a_surer_abusive_classifier() -> None:
    from lib.analysis.pipeline import ABUSIVE_IN_CONTEXT_MIN, model_flags

    proba, thresholds = {"abusive": 0.7, "keluhan": 0.7}, {"abusive": 0.55, "keluhan": 0.55}
    assert model_flags(frozenset(), proba, thresholds) == {"abusive", "keluhan"}
    assert model_flags(frozenset(), proba, thresholds, quoted_insult=True) == {"keluhan"}
    sure = {"abusive": ABUSIVE_IN_CONTEXT_MIN}
    assert model_flags(frozenset(), sure, thresholds, quoted_insult=True) == {"abusive"}


def test_score_is_a_probability_of_the_chosen_label(small_model: TrainedModel) -> None:
    from lib.analysis.train import model_inputs

    texts = ["terima kasih pak", "motor saya dicuri", "syarat skck apa ya"]
    results = analyze(texts, model=small_model)
    proba = small_model.sentiment_clf.predict_proba(small_model.features(*model_inputs(texts)))
    for r, row in zip(results, proba, strict=True):
        assert abs(r.score - row.max()) < 1e-3 and abs(row.sum() - 1) < 1e-6


def test_sara_lexicon_sends_to_intelkam_and_other_agencies_stay_out(small_model: TrainedModel) -> None:
    import copy
    from dataclasses import replace

    # a hate classifier that never suspects SARA and no function classifier: the lexicon alone (group
    # word + hostile word) still sends the mention to Intelkam for early detection

    never = copy.deepcopy(small_model.flag_clfs["hate"])
    speech = never.speech if hasattr(never, "speech") else never  # the factorised head (hate.py): zero its first factor
    speech.coef_[:] = 0.0
    speech.intercept_[:] = -20.0 if speech.classes_[1] else 20.0
    blind = replace(small_model, flag_clfs={**small_model.flag_clfs, "hate": never}, function_clf=None)
    blind.compile()
    [a] = analyze(["jangan kasih orang papua tinggal di jl magelang, bawa sial"], model=blind)
    assert "hate" not in a.flags and a.function == "Intelkam"
    # another agency's matter with no police cue: even a function classifier sure of Lantas may not
    # route it, while a mention with no cue at all still goes where the classifier says
    sure = copy.deepcopy(small_model.function_clf)
    sure.coef_[:] = 0.0
    sure.intercept_[:] = [20.0 if c == "Lantas" else 0.0 for c in sure.classes_]
    lantas = replace(small_model, function_clf=sure)
    lantas.compile()
    got = analyze(["ada ular masuk rumah warga, damkar nomornya berapa?", "lampu pln mati sejak sore",
                   "min mau tanya sesuatu"], model=lantas)
    assert [r.function for r in got] == [None, None, "Lantas"]


@pytest.mark.parametrize(("text", "sentiment"), [
    ("motor saya hilang di parkiran", "negative"),
    ("salut sama polisi yang ngatur macet", "positive"),
    ("ktp hilang, ngurus suratnya di mana?", "neutral"),
    ("mantap pak, laporan saya 3 bulan ga ditanggapi", "negative"),
])
def test_lexicon_fallback_reads_tone_cues(text: str, sentiment: str) -> None:
    """Without a model an event word is bad news, unless the text praises or asks; sarcasm is a complaint."""
    [result] = analyze([text], use_model=False)
    assert result.sentiment == sentiment
