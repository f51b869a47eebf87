"""Topic keys and readable places, so negative mentions can be grouped into titled issues.

A topic key is `event` or `event|place`, e.g. "begal|jl raya ciledug"; the event comes from
`lexicons.TOPICS` (or, failing that, two content words), the place from phrases such as
"di Jl. Raya Ciledug", "dekat pasar Cipadu" or "di Cipondoh".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lib.analysis import lexicons as lx

_PREFIXES: dict[str, str] = {
    "jl": "Jl.", "jln": "Jl.", "jalan": "Jl.", "gg": "Gg.", "gang": "Gg.", "kel": "Kel.", "kelurahan": "Kel.",
    "kec": "Kec.", "kecamatan": "Kec.", "desa": "Desa", "kp": "Kp.", "kampung": "Kp.", "perum": "Perumahan",
    "perumahan": "Perumahan", "komplek": "Komplek", "kompleks": "Komplek", "pasar": "Pasar",
    "terminal": "Terminal", "stasiun": "Stasiun", "perempatan": "Perempatan", "pertigaan": "Pertigaan",
    "simpang": "Simpang", "bundaran": "Bundaran", "flyover": "Flyover", "tol": "Tol", "taman": "Taman",
    "lapangan": "Lapangan", "alun-alun": "Alun-alun", "underpass": "Underpass", "halte": "Halte",
    "pom": "SPBU", "spbu": "SPBU",
}
_STOP = lx.words("""
tadi barusan min mimin admin pak bapak jam sekitar yang yg ada dan arah tolong tlg kemarin kmrn malam
pagi siang sore ini itu sudah udah udh lagi lg dekat deket depan ke di dari pas saat sekarang skrg
banyak sering mohon nih tuh kok sih dong ya bang gan kak mas mbak bu jadi masih msh kena korban
motor mobil hp orang org warga pelaku tidak gak ga nggak belum blm pada buat untuk utk biar sama
dgn dengan kalau klo karena krn terus trs juga jg baru hari minggu bulan tahun sampai sampe
polisi polsek polres polda anak apa siapa kapan kenapa gimana mana sini situ sana tempat lokasi
rumah kantor sekolah jalanan
""")
_NAME_WORD = r"[A-Za-z0-9][A-Za-z0-9'\-]*"
# A place prefix and up to four name words. Searched on the lower-cased text without IGNORECASE
# (about 4x faster); the groups are then read from the original text at the same offsets.
_PREFIX_RE = re.compile(
    r"\b(" + "|".join(sorted((re.escape(p) for p in _PREFIXES), key=len, reverse=True)) + r")\b\.?\s+"
    r"(" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r"){0,3})"
)
_PREFIX_RE_ANY_CASE = re.compile(_PREFIX_RE.pattern, re.IGNORECASE)
_DI_NAME_RE = re.compile(r"\b(?:di|dekat|daerah|kawasan|wilayah|sekitar)\s+([A-Z][a-z]{2,}(?:\s+[A-Z][a-z]{2,}){0,2})")


@dataclass(frozen=True, slots=True)
class Place:
    key: str  # "jl raya ciledug"
    display: str  # "Jl. Raya Ciledug"


def _title(word: str) -> str:
    return word[0].upper() + word[1:] if word.islower() else word


_NOT_NAMES = _STOP | lx.words("tiap setiap dibiarkan semalam kemarin barusan sekarang lg skrg tdi") | frozenset(
    w for group in (lx.POSITIVE, lx.NEGATIVE, lx.SERVICE, lx.URGENT_EVENTS, lx.URGENT_NOW, lx.ABUSIVE,
                    lx.HOAX_CUES, lx.STOPWORDS, lx.SLANG.keys())
    for phrase in group for w in phrase.split()
)


def _name_words(raw: str) -> list[str]:
    """Name words up to the first word that is clearly not part of a name ("tadi", "dibiarkan")."""
    words: list[str] = []
    for w in raw.split():
        if w.lower() in _NOT_NAMES and not (w[0].isupper() and words):
            break
        words.append(w)
    return words


def extract_place(text: str) -> Place | None:
    """The first place phrase in `text` (original casing helps but is not needed), or None."""
    if not text:
        return None
    text = text[:1000]
    lowered = text.lower()
    same_offsets = len(lowered) == len(text)  # lower() can change the length of a few non-ASCII letters
    for m in (_PREFIX_RE.finditer(lowered) if same_offsets else _PREFIX_RE_ANY_CASE.finditer(text)):
        words = _name_words(text[m.start(2):m.end(2)])
        if words:
            display = " ".join([_PREFIXES[m.group(1).lower()], *(_title(w) for w in words)])
            return Place(_key(display), display)
    for m in _DI_NAME_RE.finditer(text):
        words = _name_words(m.group(1))
        if words and words[0].lower() not in lx.STOPWORDS:
            display = " ".join(words)
            return Place(_key(display), display)
    return None


def _key(display: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", display.lower()).strip()


def fallback_event(toks: list[str]) -> str:
    """Two content words (sorted, so word order does not split a topic) when no event cue matched."""
    content = [t for t in toks if len(t) > 3 and t not in lx.STOPWORDS and not t.startswith("cue")
               and not t.isdigit() and t not in ("tandaseru", "tandatanya")]
    seen: list[str] = []
    for t in content:
        if t not in seen:
            seen.append(t)
        if len(seen) == 2:
            break
    return "-".join(sorted(seen)) or "lainnya"


def topic_key(event: str | None, toks: list[str], place: Place | None) -> str:
    base = event or fallback_event(toks)
    return f"{base}|{place.key}" if place else base


def split_topic(topic: str) -> tuple[str, str | None]:
    event, _, place = topic.partition("|")
    return event, place or None


def event_label(event: str) -> str:
    """Readable Indonesian label for an event key ("begal" -> "Begal")."""
    known = lx.TOPICS.get(event)
    if known:
        return known[1]
    return event.replace("-", " ").capitalize() if event != "lainnya" else "Lainnya"
