"""`keluhan` vs insults and other agencies, SARA hate in police mentions, and the distress rule
(issue 12, models v8 and v9).

The model tests run the session's `small_model` (fitted by `train()` on the project's police
mentions only); the texts below were written for this test and are not in the training files.
"""

from __future__ import annotations

import numpy as np
import pytest

from lib.analysis import analyze, rules
from lib.analysis.model import TrainedModel
from lib.analysis.normalize import tokens
from lib.analysis.train import model_inputs

INSULTS_ONLY = [  # abusive, but no service or conduct element: not keluhan (*budek* is not used here:
    # in the police mentions it mostly names a deaf ear to complaints, "dipanggil 5 kali ga nengok",
    # so this police-only test model leans to keluhan for it; the full model reads "dasar budek,
    # jongos aparat" as abusive only, docs/analysis.md)
    "dasar jongos aparat, muka tembok",
    "polisi bangsat, sok jago kalian semua",
    "goblok lu min, kacrut",
]
OTHER_AGENCIES = [  # slowness of someone who is not the police: not keluhan
    "pln lambat banget, listrik mati dari pagi belum nyala",
    "pdam telat terus benerin pipa bocor, air mati 3 hari",
    "kurir paket ngaret seminggu, cs nya cuek",
]
POLICE_COMPLAINTS = [
    "laporan saya sudah sebulan tidak ada tindak lanjut pak",
    "ditilang terus dimintai uang damai 150rb sama oknum",
]
SARA = [
    "usir aja orang cina dari kampung ini, bikin susah",
    "kafir jangan dikasih ibadah di sini, bubarkan pak",
]
SARA_NEAR_MISSES = [
    "makasih pak sudah jaga misa natal di gereja, aman dan lancar",
    "warga papua dan jawa kerja bakti bareng di kampung kami",
]


def _cues(text: str) -> rules.Cues:
    return rules.analyse_tokens(tokens(text))


@pytest.mark.parametrize("text", INSULTS_ONLY)
def test_insult_without_service_cue_gets_the_insult_token(text: str) -> None:
    tokens_ = _cues(text).feature_tokens()
    assert "cueflagabusive" in tokens_ and "cuehinaan" in tokens_
    assert "cueflagkeluhan" not in tokens_


def test_insult_with_a_complaint_is_not_insult_only() -> None:
    tokens_ = _cues("polisi goblok, laporan saya ga ditanggapi").feature_tokens()
    assert "cueflagkeluhan" in tokens_ and "cuehinaan" not in tokens_


def test_plain_complaint_has_no_insult_token() -> None:
    assert "cuehinaan" not in _cues("laporan saya tidak ada tindak lanjut").feature_tokens()


@pytest.mark.parametrize("text", INSULTS_ONLY)
def test_model_insult_is_abusive_not_keluhan(small_model: TrainedModel, text: str) -> None:
    [result] = analyze([text], model=small_model)
    assert "abusive" in result.flags
    assert "keluhan" not in result.flags


@pytest.mark.parametrize("text", OTHER_AGENCIES)
def test_model_other_agency_is_not_keluhan(small_model: TrainedModel, text: str) -> None:
    [result] = analyze([text], model=small_model)
    assert "keluhan" not in result.flags


@pytest.mark.parametrize("text", POLICE_COMPLAINTS)
def test_model_police_complaint_is_keluhan(small_model: TrainedModel, text: str) -> None:
    [result] = analyze([text], model=small_model)
    assert "keluhan" in result.flags


@pytest.mark.parametrize("text", SARA)
def test_model_sara_provocation_is_hate_and_intelkam(small_model: TrainedModel, text: str) -> None:
    [result] = analyze([text], model=small_model)
    assert "hate" in result.flags
    assert result.function == "Intelkam"


@pytest.mark.parametrize("text", SARA_NEAR_MISSES)
def test_model_neutral_mention_of_a_group_is_not_hate(small_model: TrainedModel, text: str) -> None:
    [result] = analyze([text], model=small_model)
    assert "hate" not in result.flags


def _forced(model: TrainedModel, monkeypatch: pytest.MonkeyPatch, sentiment: str, **proba: float):
    """Make `model` read every text with `sentiment` and the given flag probabilities (urgent=0.99 …);
    returns the real predict."""
    original = model.predict

    def forced(norms: list[str], augmented: list[str]):
        pred = original(norms, augmented)
        pred.sentiment = [sentiment] * len(norms)
        for flag, p in proba.items():
            pred.flag_proba[flag] = np.full(len(norms), p)
        return pred

    monkeypatch.setattr(model, "predict", forced)
    return original


def test_urgent_mention_read_as_neutral_becomes_negative_with_p_negative(
        small_model: TrainedModel, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guide: a distress report is negative. The score is the model's own P(negative)."""
    original = _forced(small_model, monkeypatch, "neutral", urgent=0.99)
    text = "kacilakan di jalan raya cikampek, aya nu tatu"
    [result] = analyze([text], model=small_model)
    p_negative = float(original(*model_inputs([text])).negative[0])
    assert result.sentiment == "negative"
    assert "urgent" in result.flags
    assert 0.0 <= result.score <= 1.0
    assert result.score == pytest.approx(p_negative, abs=1e-4)


def test_neutral_mention_without_urgent_stays_neutral(
        small_model: TrainedModel, monkeypatch: pytest.MonkeyPatch) -> None:
    _forced(small_model, monkeypatch, "neutral", urgent=0.0)
    [result] = analyze(["syarat bikin skck apa aja ya min?"], model=small_model)
    assert result.sentiment == "neutral"


# --- model v9: negated complaint cues, other agencies, quoted insults, literal animals ----------


@pytest.mark.parametrize("text", ["tidak ada pungli sama sekali pas bikin skck, salut",
                                  "ga lambat kok pelayanannya, sistemnya aja yang down"])
def test_negated_complaint_cue_is_no_lexicon_keluhan(text: str) -> None:
    cues = _cues(text)
    assert "keluhan" not in cues.flags
    assert "cuenegkeluhan" in cues.feature_tokens()


def test_a_complaint_cue_next_to_a_negated_one_still_counts() -> None:
    cues = _cues("bukan lambat lagi, laporan saya mandek setahun")
    assert "keluhan" in cues.flags


@pytest.mark.parametrize(("text", "token"), [
    ("bpjs berbelit, antre dari subuh disuruh balik besok", "cueinstansi"),
    ("saya dimaki 'bangsat' sama pengendara lain di pom bensin", "cuekutip"),
    ("anak saya dikatain 'goblok' sama temennya di grup kelas", "cuekutip"),
    ("anjing penjaga gudang diracun sebelum gudangnya dibobol", "cueliteral"),
])
def test_context_tokens(text: str, token: str) -> None:
    assert token in _cues(text).feature_tokens()


def test_an_insult_aimed_by_the_writer_has_no_quote_or_literal_token() -> None:
    tokens_ = _cues("dasar polisi goblok, sok jago").feature_tokens()
    assert "cuekutip" not in tokens_ and "cueliteral" not in tokens_


@pytest.mark.parametrize(("sentiment", "keluhan"), [("positive", False), ("neutral", False), ("negative", True)])
def test_keluhan_only_on_a_negative_mention(small_model: TrainedModel, monkeypatch: pytest.MonkeyPatch,
                                            sentiment: str, keluhan: bool) -> None:
    """The guide: a complaint about police service is negative; praise of a past delay fixed is not one."""
    _forced(small_model, monkeypatch, sentiment, keluhan=0.99)
    [result] = analyze(["laporan saya sempat mandek, sekarang sudah jelas, makasih pak"], model=small_model)
    assert ("keluhan" in result.flags) is keluhan
