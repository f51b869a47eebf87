from __future__ import annotations

import numpy as np
import pytest

from lib.analysis import dataset as ds
from lib.analysis import evaluate as ev
from lib.analysis.model import TrainedModel


def test_copies_and_template_siblings_share_a_fold() -> None:
    a = ds.LabelledText("ada begal di jl raya ciledug!!", "negative")
    b = ds.LabelledText("RT @x: ada begal di jl raya ciledug", "negative")
    t1 = ds.LabelledText("teks satu", "neutral", group="tpl-n1")
    t2 = ds.LabelledText("teks dua yang lain", "neutral", group="tpl-n1")
    assert ev.fold_of(a, 5) == ev.fold_of(b, 5)
    assert ev.fold_of(t1, 5) == ev.fold_of(t2, 5)
    folds = {ev.fold_of(ds.LabelledText(f"kalimat nomor{i}x", "neutral"), 5) for i in range(200)}
    assert folds == set(range(5))


def test_thresholds_reach_the_precision_floor() -> None:
    items = [ds.LabelledText(str(i), "negative", frozenset({"urgent"} if i < 10 else set()), "", "police")
             for i in range(40)]
    proba = [0.9] * 8 + [0.3] * 2 + [0.35] * 2 + [0.1] * 28  # two negatives score above the last positives
    [(t, p, r, _f)] = ev.choose_thresholds(items, {"urgent": proba}).values()
    assert p >= 0.9 and t > 0.35 and r == 0.8


def test_cross_validation_scores_both_systems_per_source(small_model: TrainedModel) -> None:
    police = ds.load_own_training()[:300]
    extra = ds.load_nusax()[:150]
    results, probas, scored_police = ev.cross_validate(police + extra, {"ours": ev.ours, "baseline": ev.baseline},
                                                       folds=2, log=lambda _s: None)
    assert set(results) == {"ours", "baseline"} and set(results["ours"]) == {"police", "nusax"}
    pol = results["ours"]["police"]
    assert pol["n"] == 300 and 0.0 <= pol["routing_accuracy"] <= 1.0
    assert pol["sentiment"]["confusion"].sum() == 300 and np.all(pol["sentiment"]["f1"] <= 1.0)
    assert "urgent" in pol and "keluhan" in pol
    assert len(probas["urgent"]) == len(scored_police) == 300  # nusax has no flag labels
    table = "\n".join(ev.summary_rows(results))
    assert "| police | sentiment macro-F1 |" in table and "| nusax | negative F1 |" in table
    text = "\n".join(ev.format_source("ours", "police", pol))
    assert "confusion" in text and "routing accuracy" in text


def test_model_beats_lexicon_fallback_on_heldout(small_model: TrainedModel) -> None:
    heldout = ds.load_heldout()
    texts = [it.text for it in heldout]
    with_model = ev.score_source(heldout, ev.predict_ours(small_model, texts))
    lexicon_only = ev.score_source(heldout, ev.predict_ours(None, texts))
    assert with_model["sentiment"]["macro_f1"] > lexicon_only["sentiment"]["macro_f1"] + 0.05


def test_thresholds_favour_the_public_tweets_within_the_police_floor() -> None:
    """abusive/hate: the best idhsab F1 among thresholds whose police precision is >= 0.90 (a mean
    of police and idhsab F1 would pick <= 0.55 here)."""
    police = [ds.LabelledText(f"p{i}", "negative", frozenset({"hate"} if i < 10 else set()), "", "police")
              for i in range(40)]
    tweets = [ds.LabelledText(f"t{i}", None, frozenset({"hate"} if i < 10 else set()), None, "idhsab",
                              ds.IDHSAB_TASKS) for i in range(40)]
    p_police = [0.9] * 6 + [0.55] * 4 + [0.05] * 30
    p_tweets = [0.95] * 5 + [0.7] * 5 + [0.6] * 5 + [0.05] * 25  # idhsab F1 is 1.0 for 0.6 < t <= 0.7
    [(t, p, r, _f)] = ev.choose_thresholds(police + tweets, {"hate": p_police + p_tweets}).values()
    assert p >= 0.9 and r == 0.6 and 0.6 < t <= 0.7


def test_precision_rows_show_cv_and_heldout_per_flag() -> None:
    cv = {"urgent": (0.95, 0.9, 0.92, 180)}
    held = {"urgent": (0.8, 0.9, 0.85, 28)}
    text = "\n".join(ev.precision_rows(cv, held))
    assert "| urgent |" in text and "0.950 / 0.900 / 0.920 (180)" in text and "0.800 / 0.900 / 0.850 (28)" in text
    assert "| hate |" in text  # a flag with no positives still gets a row


def test_error_rows_list_police_false_positives_and_negatives_only() -> None:
    police = [ds.LabelledText("keluhan benar", "negative", frozenset({"keluhan"}), "", "police"),
              ds.LabelledText("keluhan terlewat", "negative", frozenset({"keluhan"}), "", "police"),
              ds.LabelledText("hinaan saja", "negative", frozenset({"abusive"}), "", "police")]
    tweet = ds.LabelledText("tweet publik", None, frozenset(), None, "idhsab", flag_tasks=frozenset({"abusive"}))
    lines = ev.error_rows([*police, tweet], {"keluhan": [0.9, 0.1, 0.8, 0.99]}, ["keluhan"])
    text = "\n".join(lines)
    assert "1 false positives" in text and "hinaan saja" in text
    assert "1 false negatives" in text and "keluhan terlewat" in text
    assert "keluhan benar" not in text
    assert "tweet publik" not in text  # not labelled for keluhan, and not a police mention


def test_errors_option_is_documented_in_help() -> None:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        ev.main(["--help"])
    assert "--errors" in out.getvalue()


def test_public_f1_at_a_threshold_reads_only_the_public_sources() -> None:
    police = [ds.LabelledText(f"polisi {i}", "negative", frozenset({"abusive"} if i % 2 else set()), "", "police")
              for i in range(4)]
    tweets = [ds.LabelledText(f"tweet {i}", None, frozenset({"abusive"} if i < 2 else set()), None, "idhsab",
                              ds.IDHSAB_TASKS) for i in range(4)]
    proba = [0.0, 0.0, 0.0, 0.0, 0.9, 0.6, 0.6, 0.1]  # police all missed; tweets: 2 TP, 1 FP at 0.5
    assert ev.public_f1(police + tweets, proba, "abusive", 0.5) == pytest.approx(0.8)
    assert ev.public_f1(police + tweets, proba, "abusive", 0.95) == 0.0
    assert ev.public_f1(police, proba[:4], "abusive", 0.5) is None
