"""Hostile text helpers: no Markdown syntax survives `md`, no bidi/control characters survive `plain`."""

from __future__ import annotations

from lib.ui.safe import md, plain

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(document.cookie)</script>",
    "[klik](javascript:alert(1))",
    "![x](https://evil.example/p.png)",
    ":red[merah] :material/warning: $x^2$ **tebal** _miring_ `kode` # judul",
    "https://evil.example www.evil.example",
]


def test_md_escapes_every_markdown_trigger():
    for raw in HOSTILE:
        out = md(raw)
        for ch in "<>[]()!:*_`#$":
            assert ch not in out.replace("\\" + ch, ""), (raw, out)


def test_plain_strips_bidi_and_control_characters_but_keeps_text():
    raw = "a\u202eb\u2066c\u200bd\x00e\x1bf\x9bg\ttab\r\nbaris 😀🚓 عربى"
    out = plain(raw)
    assert out == "abcdefg\ttab\nbaris 😀🚓 عربى"


def test_limits_and_one_line():
    assert len(plain("x" * 20_000, 2000)) == 2000
    assert "\n" not in md("satu\ndua\n\ntiga")
    assert md(None) == "" and plain(None) == ""
