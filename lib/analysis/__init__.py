"""Mention analysis: the single entry point every source calls when it stores mentions.

PLACEHOLDER: this is a short-lexicon stand-in until the measured classifier lands. It keeps the
contract (`analyze(texts) -> list[Analysis]`) so the rest of Pantau does not change when it does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Analysis", "analyze"]


@dataclass(frozen=True)
class Analysis:
    sentiment: str  # "negative" | "neutral" | "positive"
    score: float  # confidence 0..1
    flags: frozenset[str] = field(default_factory=frozenset)  # abusive / hate / hoax / urgent
    function: str | None = None  # Reskrim, Lantas, ... or None
    topic: str = ""  # short normalised key used to group negative mentions into issues


_NEG = {"kecewa", "lambat", "lama", "parah", "buruk", "pungli", "begal", "maling", "tidak", "gak", "ga",
        "nggak", "belum", "blm", "macet", "takut", "resah", "hilang", "dicuri", "rampok", "nakal"}
_POS = {"terima", "kasih", "makasih", "mantap", "cepat", "sigap", "bagus", "keren", "hebat", "salut"}
_FLAGS = {
    "urgent": {"tolong", "darurat", "kebakaran", "kecelakaan", "sekarang", "begal"},
    "hoax": {"hoax", "hoaks", "katanya", "viral", "beredar"},
    "abusive": {"anjing", "bangsat", "goblok", "tolol"},
    "hate": {"kafir", "sara"},
}
_ROUTES = {
    "Reskrim": {"begal", "maling", "curanmor", "pencurian", "penipuan", "jambret", "rampok"},
    "Lantas": {"macet", "tilang", "kecelakaan", "sim", "stnk", "parkir"},
    "Narkoba": {"narkoba", "sabu", "ganja"},
    "Samapta": {"tawuran", "keributan", "premanisme", "patroli"},
    "Propam": {"pungli", "oknum", "nakal", "pemerasan"},
    "Binmas": {"bhabinkamtibmas", "penyuluhan"},
    "Intelkam": {"demo", "izin", "keramaian"},
    "SPKT": {"lapor", "laporan", "skck", "kehilangan"},
}
_WORD = re.compile(r"[a-z0-9]+")


def _one(text: str) -> Analysis:
    words = _WORD.findall((text or "").lower())
    ws = set(words)
    neg, pos = len(ws & _NEG), len(ws & _POS)
    sentiment = "negative" if neg > pos else "positive" if pos > neg else "neutral"
    score = 0.5 if neg == pos else min(1.0, 0.5 + 0.15 * abs(neg - pos))
    flags = frozenset(name for name, lex in _FLAGS.items() if ws & lex)
    function = next((fn for fn, lex in _ROUTES.items() if ws & lex), None)
    topic_words = sorted(ws & set().union(*_ROUTES.values())) or [w for w in words if len(w) > 4][:2]
    return Analysis(sentiment, score, flags, function, " ".join(topic_words[:2]))


def analyze(texts: list[str]) -> list[Analysis]:
    """Classify each text; the output list matches the input list one to one."""
    return [_one(t) for t in texts]
