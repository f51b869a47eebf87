"""Text normalisation for informal Indonesian mentions.

`normalize(text)` returns space-separated standard tokens: lower case, URLs and @handles replaced by
placeholder tokens, hashtags reduced to their word, emoji turned into sentiment tokens (or
dropped), elongation squashed ("tolonggg" -> "tolong"), reduplication written out ("hati2" ->
"hati hati") and slang mapped through `lexicons.SLANG` ("gak respon" -> "tidak respon").

Token results are memoised, so a stream of mentions with a familiar vocabulary costs little more
than one regex split per text.
"""

from __future__ import annotations

import re
import unicodedata

from lib.analysis import lexicons as lx

MAX_CHARS = 4000  # longer posts are cut: the opening carries the complaint, and time stays bounded

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[a-z0-9-]+\.(?:com|id|co\.id|net|org|ly|me)/\S*")
_HANDLE = re.compile(r"@[A-Za-z0-9_.]+")
_RT = re.compile(r"^\s*rt\s+usertag\s*:?\s*")
_REDUP = re.compile(r"\b([a-z]{2,})2\b")
_TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*|!+|\?+")
_ELONG = re.compile(r"(.)\1{2,}")
_LAUGH = re.compile(r"^(?:w?k+w+k*)+w*k*$|^(?:ha){2,}h?$|^(?:he){2,}h?$|^(?:hi){2,}h?$")
_EMOJI_CHARS = re.compile(
    "[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2190-\u21FF\u3030\u303D\u3297\u3299\uFE0F\u200D]"
)

_KNOWN: frozenset[str] = frozenset(
    w
    for group in (lx.SLANG.keys(), lx.SLANG.values(), lx.POSITIVE, lx.NEGATIVE, lx.SERVICE, lx.ABUSIVE,
                  lx.URGENT_EVENTS, lx.SARA_GROUPS, lx.HOSTILE)
    for phrase in group
    for w in phrase.split()
)

_token_cache: dict[str, str] = {}
_CACHE_LIMIT = 200_000


def _emoji_sub(match: re.Match[str]) -> str:
    tok = lx.EMOJI_TOKENS.get(match.group(0))
    return f" {tok} " if tok else " "


def normalize_token(tok: str) -> str:
    """Map one raw lower-case token to its standard form (possibly several words, or "")."""
    cached = _token_cache.get(tok)
    if cached is not None:
        return cached
    out = _normalize_token(tok)
    if len(_token_cache) < _CACHE_LIMIT:
        _token_cache[tok] = out
    return out


def _normalize_token(tok: str) -> str:
    if tok[0] == "!":
        return "tandaseru"
    if tok[0] == "?":
        return "tandatanya"
    if tok in lx.SLANG:
        return lx.SLANG[tok]
    if not tok.isalpha():
        return tok  # numbers and codes ("86", "110", "sp2hp", "b4512xyz") are kept as written
    if _LAUGH.match(tok):
        return "wkwk" if "k" in tok else "haha"
    squashed = _ELONG.sub(r"\1", tok)
    if squashed != tok:
        squashed = lx.DOUBLE_LETTER_WORDS.get(squashed, squashed)
        tok = squashed
    elif len(tok) > 3 and tok[-1] == tok[-2] and tok not in _KNOWN and tok[:-1] in _KNOWN:
        tok = tok[:-1]  # "tolongg", "bangett"
    return lx.SLANG.get(tok, tok)


def clean(text: str) -> str:
    """Lower-case text with URLs, handles, emoji and reduplication rewritten, before tokenising."""
    if not text:
        return ""
    text = text[:MAX_CHARS]
    if not text.isascii():
        text = _EMOJI_CHARS.sub(_emoji_sub, text)
        text = unicodedata.normalize("NFKC", text)
    text = _URL.sub(" url ", text.lower())
    text = _HANDLE.sub(" usertag ", text)
    text = text.replace("#", " ")
    text = _RT.sub("", text)
    return _REDUP.sub(r"\1 \1", text)


def tokens(text: str) -> list[str]:
    """Normalised tokens of one text."""
    out: list[str] = []
    for raw in _TOKEN.findall(clean(text)):
        norm = normalize_token(raw)
        if norm:
            out.extend(norm.split(" ")) if " " in norm else out.append(norm)
    return out


def normalize(text: str) -> str:
    """The normalised text: standard tokens joined by single spaces."""
    return " ".join(tokens(text))

