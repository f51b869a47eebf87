from __future__ import annotations

import pytest

from lib.analysis.topics import extract_place, split_topic, topic_key


@pytest.mark.parametrize(
    ("text", "display"),
    [
        ("Ada begal di Jl. Raya Ciledug barusan", "Jl. Raya Ciledug"),
        ("ada begal di jl raya ciledug tadi malam", "Jl. Raya Ciledug"),
        ("macet di jalan daan mogot arah kota", "Jl. Daan Mogot"),
        ("copet dekat pasar cipadu min", "Pasar Cipadu"),
        ("tawuran di gg. masjid sekarang", "Gg. Masjid"),
        ("maling motor di Cipondoh", "Cipondoh"),
        ("rawan di kel paninggilan", "Kel. Paninggilan"),
    ],
)
def test_extract_place(text: str, display: str) -> None:
    place = extract_place(text)
    assert place is not None and place.display == display
    assert place.key == display.lower().replace(".", "")


@pytest.mark.parametrize("text", ["begal lagi min", "di sini macet", "", "terima kasih di saat sulit"])
def test_no_place(text: str) -> None:
    assert extract_place(text) is None


def test_topic_key_round_trip() -> None:
    place = extract_place("di jl raya ciledug")
    key = topic_key("begal", [], place)
    assert key == "begal|jl raya ciledug"
    assert split_topic(key) == ("begal", "jl raya ciledug")
    assert split_topic("pungli") == ("pungli", None)


def test_fallback_topic_is_order_free() -> None:
    assert topic_key(None, ["lampu", "jalan", "mati"], None) == topic_key(None, ["jalan", "lampu", "mati"], None)


def test_place_keeps_original_casing_and_survives_length_changing_letters() -> None:
    # The place is found on the lower-cased text; "İ" lower-cases to two characters, so that text
    # takes the case-insensitive path and must give the same answer.
    assert extract_place("begal di JL. Raya Ciledug tadi").display == "Jl. Raya Ciledug"
    assert extract_place("İzin lapor, begal di Jl. Raya Ciledug tadi").display == "Jl. Raya Ciledug"
