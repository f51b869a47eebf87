"""`urgent` on regional-language emergencies and domestic violence (issue 12), and its near misses.

The model tests run the trained model (the session's `small_model`, fitted by `train()` on the
project's police mentions); the variants below were written for this test and are not in the
training file.
"""

from __future__ import annotations

import pytest

from lib.analysis import analyze, rules
from lib.analysis.model import TrainedModel
from lib.analysis.normalize import tokens

NAMED_IN_ISSUE = [
    "tetangga saya dipukuli suaminya tiap malam, kdrt pak tolong",
    "kacilakan di jalan raya cikampek, aya nu tatu",
    "enek kacilakan neng prapatan, wonge semaput",
    "tolong pak ada kdrt di rumah sebelah, istrinya teriak-teriak",
    "dijambret 10 menit lalu",
]
UNSEEN_URGENT = [
    "pak tulung, ana kacilakan truk neng dalan pantura, sopire semaput",  # Javanese
    "kacilakaan di tanjakan emen, aya nu getihan, gancang pak",  # Sundanese
    "tulungan pak, aya budak kelelep di situ, can kapendak",  # Sundanese: a child drowning
    "cepetan pak, rumah di gang mawar kebakaran, ada nyang kejebak",  # Betawi
    "bibi saya dipukuli suaminya sekarang, tolong kirim polisi",  # KDRT
]
NEAR_MISSES = [
    "mantap pak polisi 🔥🔥🔥 kerja cepat",  # emoji in praise
    "kacilakan di jalan raya cikampek taun kamari, ayeuna tos aman",  # last year, over
    "nonton sinetron kdrt semalam, suaminya jahat banget",  # fiction
    "film dokumenter tentang kdrt bagus, wajib ditonton",
    "berita kecelakaan beruntun di tol semalam, turut berduka",  # news, elsewhere, past
    "pak, syarat bikin sim kalau pernah kecelakaan apa ya?",  # a question about a SIM
    "sugeng siang pak polisi, matur nuwun sampun njagi kampung 🔥",  # Javanese greeting and thanks
    "wilujeng sonten pak, pulisi keren pisan",  # Sundanese greeting and praise
]


@pytest.mark.parametrize("text", NAMED_IN_ISSUE + UNSEEN_URGENT)
def test_model_flags_regional_and_domestic_emergencies(small_model: TrainedModel, text: str) -> None:
    [result] = analyze([text], model=small_model)
    assert "urgent" in result.flags
    assert result.sentiment == "negative"


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_model_does_not_flag_near_misses(small_model: TrainedModel, text: str) -> None:
    [result] = analyze([text], model=small_model)
    assert "urgent" not in result.flags


def _cues(text: str) -> rules.Cues:
    return rules.analyse_tokens(tokens(text))


@pytest.mark.parametrize("text", NAMED_IN_ISSUE[:3] + UNSEEN_URGENT)
def test_rule_cue_sees_the_emergency(text: str) -> None:
    assert "urgent" in _cues(text).flags


@pytest.mark.parametrize("text", NEAR_MISSES + [
    "kalau jadi korban kdrt, syarat visum di rumah sakit apa aja ya?",
    "sy korban kdrt minggu lalu, sudah visum",
    "hatur nuhun pak, budak nu leungit tos kapendak",
    "sering ada kecelakaan di tikungan itu, banyak yang luka",
])
def test_rule_cue_ignores_near_misses(text: str) -> None:
    assert "urgent" not in _cues(text).flags


def test_regional_and_kdrt_feature_tokens() -> None:
    assert "cueregional" in _cues("wonge semaput").feature_tokens()
    assert "cuekdrt" in _cues("ibu dipukuli bapaknya").feature_tokens()
    assert not {"cueregional", "cuekdrt"} & set(_cues("pelayanan sim cepat").feature_tokens())
