from __future__ import annotations

import pytest

from lib.analysis.normalize import MAX_CHARS, normalize, tokens


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("gak respon", "tidak respon"),
        ("Yg bgt dgn udh", "yang banget dengan sudah"),
        ("TOLONGGG!!!", "tolong tandaseru"),
        ("maaaaf pak", "maaf bapak"),
        ("bangett", "banget"),
        ("hati2 di jalan", "hati hati di jalan"),
        ("wkwkwkwk", "wkwk"),
        ("hahahaha", "haha"),
        ("makasih min 👍", "terima kasih admin emopos"),
        ("kecewa 😡😡", "kecewa emoneg emoneg"),
        ("api 🔥 di pasar", "api emourgent di pasar"),
        ("🦒 jerapah", "jerapah"),
        ("cek https://t.co/abc123 ya", "cek url ya"),
        ("@polsekciledug lapor", "usertag lapor"),
        ("#PolriPresisi mantap", "polripresisi mantap"),
        ("RT @warga: begal lagi", "begal lagi"),
        ("gaada yg bales", "tidak ada yang balas"),
        ("dah 86 aja", "sudah 86 saja"),
    ],
)
def test_normalize_cases(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "😂😂😂", "!!!???", "\u200d\ufe0f"])
def test_degenerate_input_does_not_fail(raw: str) -> None:
    assert isinstance(normalize(raw), str)


def test_huge_input_is_cut() -> None:
    assert len(tokens("kata " * 100_000)) <= MAX_CHARS // 2


def test_normalize_is_deterministic() -> None:
    text = "Tolonggg min ada begal di jl raya ciledug skrg!! 😭 https://x.co/1"
    assert normalize(text) == normalize(text)
