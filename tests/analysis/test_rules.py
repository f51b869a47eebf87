from __future__ import annotations

import pytest

from lib.analysis import analyze
from lib.analysis.normalize import tokens
from lib.analysis.rules import analyse_tokens


def cues(text: str):
    return analyse_tokens(tokens(text))


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("anjing lo polisi kerja gak becus", "abusive"),
        ("goblok banget adminnya", "abusive"),
        ("usir semua aseng dari kampung kita", "hate"),
        ("dasar kafir gak pantas di sini", "hate"),
        ("jangan kasih orang papua tinggal di sini, bawa sial", "hate"),
        ("beredar pesan berantai penculikan anak, sebarkan!", "hoax"),
        ("katanya besok ada razia besar, benarkah?", "hoax"),
        ("tolong ada begal di jl raya ciledug sekarang", "urgent"),
        ("darurat! rumah tetangga kebakaran", "urgent"),
        ("kecelakaan barusan di flyover, korban tergeletak", "urgent"),
    ],
)
def test_flag_on_clear_example(text: str, flag: str) -> None:
    assert flag in cues(text).flags


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("tolong info syarat bikin skck", "urgent"),  # polite "tolong" is not an emergency
        ("kemarin ada kecelakaan di jl serpong, semoga korban pulih", "urgent"),  # past event
        ("anjing tetangga saya hilang", "abusive"),  # literal use
        ("terima kasih pak polisi", "hoax"),
        ("saya orang jawa tinggal di medan", "hate"),  # a group word alone is not hate
    ],
)
def test_flag_not_raised_on_clear_counterexample(text: str, flag: str) -> None:
    assert flag not in cues(text).flags


@pytest.mark.parametrize(
    ("text", "function"),
    [
        ("motor saya dibegal di jalan", "Reskrim"),
        ("saya ditipu olshop, sudah transfer", "Reskrim"),
        ("macet parah gak ada yang ngatur", "Lantas"),
        ("syarat perpanjang sim apa saja", "Lantas"),
        ("ada bandar sabu di gang sebelah", "Narkoba"),
        ("tawuran pelajar di depan sekolah", "Samapta"),
        ("oknum polisi minta uang damai pas tilang", "Propam"),  # conduct outweighs traffic
        ("pak bhabinkamtibmas rajin sambang warga", "Binmas"),
        ("izin keramaian untuk konser di lapangan", "Intelkam"),
        ("cara bikin skck online", "SPKT"),
        ("mau bikin surat kehilangan ktp", "SPKT"),
        ("kacilakan ing jl magelang, ana sing ora obah", "Lantas"),  # Javanese
        ("tetangga dipukulin suaminya barusan", "Reskrim"),  # KDRT, slang verb
        ("bikin skck aja dipungli 50rb", "Propam"),  # conduct outweighs the SKCK desk
        ("laporan sy ditolak petugas spkt, disuruh damai", "Propam"),
        ("besok ada penutupan jalan di jl sudirman?", "Lantas"),
    ],
)
def test_routing_rule(text: str, function: str) -> None:
    assert cues(text).function == function


@pytest.mark.parametrize("text", ["jalan rusak depan sekolah belum diperbaiki", "selamat pagi min", ""])
def test_no_police_function(text: str) -> None:
    assert cues(text).function is None


def test_negation_turns_service_word_into_complaint() -> None:
    c = cues("polisinya tidak membantu, gak respon sama sekali")
    assert c.negated_pos == 2 and c.pos == 0 and c.neg >= 2


def test_negated_negative_is_not_a_complaint() -> None:
    c = cues("pelayanannya tidak lambat")
    assert c.negated_neg == 1 and c.neg == 0


def test_feature_tokens_carry_cues() -> None:
    toks = cues("gak becus, anjing").feature_tokens()
    assert "cuenegpos" in toks and "cueflagabusive" in toks


def test_every_lexicon_entry_is_in_normalised_form() -> None:
    """Cues are matched on normalised tokens: an entry that normalisation rewrites could never match."""
    from lib.analysis.normalize import normalize
    from lib.analysis.rules import _all_phrases

    assert sorted(p for p in _all_phrases() if normalize(p) != p) == []


def test_phrase_index_finds_overlapping_phrases_and_stops_at_the_end() -> None:
    from lib.analysis.rules import PhraseIndex

    index = PhraseIndex(frozenset({"uang", "uang damai", "minta uang damai", "damai"}))
    assert index.find(["oknum", "minta", "uang", "damai"]) == [
        (1, "minta uang damai"), (2, "uang"), (2, "uang damai"), (3, "damai")]
    assert index.find(["minta", "uang"]) == [(1, "uang")]  # a phrase cut off by the end is no match


def test_negated_words_become_feature_tokens() -> None:
    cues = analyse_tokens(tokens("laporan saya tidak ditanggapi, gak mengecewakan"))
    assert {"negasiditanggapi", "negasimengecewakan"} <= set(cues.feature_tokens())
    assert not any(t.startswith("negasi") for t in analyse_tokens(tokens("laporan sudah ditanggapi")).feature_tokens())


@pytest.mark.parametrize(("text", "tone"), [
    ("salut sama bapak2 lantas yg ngatur macet pas ujan deres", "praise"),
    ("hp sy yg ilang udh ketemu, polisi keren", "praise"),
    ("matur nuwun pak, laporan sy ditindaklanjuti cepet", "praise"),
    ("mantap pak, laporan saya 3 bulan ga ditanggapi 👍", "sarcasm"),
    ("hebat ya, ada pungli di depan mata", "sarcasm"),
    ("syarat bikin skck apa aja ya min?", "question"),
    ("kenapa laporan saya tidak ditanggapi?", ""),
    ("macet parah di jl sudirman, ga ada petugas", ""),
])
def test_tone_cue(text: str, tone: str) -> None:
    assert cues(text).tone == tone


def test_praise_keeps_event_words_out_of_the_negative_count() -> None:
    """A domain word names what happened (`cueevent`), not the tone; praise around it stays praise."""
    assert cues("salut sama bapak lantas yang ngatur macet").neg == 0
    jam = cues("macet parah dari pagi")
    assert jam.neg == 1 and jam.events == 1 and "cueevent" in jam.feature_tokens()
    praised = cues("tas saya yang hilang sudah ketemu, polisi keren")
    assert praised.neg == 0 and praised.resolved
    assert {"cuepraise", "cueresolved"} <= set(praised.feature_tokens())
    assert "cuesarkas" in cues("mantap pak, laporan saya ga ditanggapi").feature_tokens()


def test_sarcasm_marker_and_question_about_an_event() -> None:
    assert cues("wah keren, lapor begal malah disuruh sabar").tone == "sarcasm"
    assert cues("hebat ya, telpon darurat gak ada yang angkat").tone == "sarcasm"  # "tidak ada yang angkat"
    asked = cues("mau tanya, kalau ktp hilang surat keterangannya ngurus dimana?")
    assert asked.tone == "question" and asked.neg == 0
    assert cues("laporan kula 40 hari dereng wonten tindak lanjut").flags >= {"keluhan"}


@pytest.mark.parametrize("text", [
    "anak sy jd korban pencabulan, sdh lapor 2 bln blm ada kabar",
    "bulan lalu motor sy ilang, sampe sekarang gak ada kabar sama sekali",
    "blm ada tindak lanjut dr laporan sy soal penipuan arisan",
])
def test_report_not_followed_up_goes_to_propam(text: str) -> None:
    """domain.md: Propam hears "laporan tidak ditindaklanjuti", whatever crime the report was about."""
    [a] = analyze([text], use_model=False)
    assert a.function == "Propam" and "keluhan" in a.flags


def test_a_crime_report_itself_stays_with_reskrim() -> None:
    [a] = analyze(["motor saya dicuri semalam di depan rumah"], use_model=False)
    assert a.function == "Reskrim" and "keluhan" not in a.flags


@pytest.mark.parametrize("text", ["dasar kapir laknat, usir aja", "k4fir najis semua", "usir c1na dari sini",
                                  "dasar jawir", "cokin di mana mana"])
def test_sara_slang_and_digit_spellings_reach_the_lexicon(text: str) -> None:
    assert "hate" in analyse_tokens(tokens(text)).flags


def test_sara_spellings_normalise_to_the_group_word() -> None:
    assert tokens("kapir k4fir c1na 1slam") == ["kafir", "kafir", "cina", "islam"]
    # a group word alone, without hostility, stays no hate
    assert "hate" not in analyse_tokens(tokens("jadwal ibadah umat kristen di gereja")).flags
