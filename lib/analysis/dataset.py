"""Labelled data in `data/training/` (sources, licences and citations in its README.md).

| source   | file                              | labels                                        | licence        |
|----------|-----------------------------------|-----------------------------------------------|----------------|
| smsa     | smsa/train.tsv                    | sentiment (negative/neutral/positive)         | MIT            |
| nusax    | nusax/train.csv, nusax/valid.csv  | sentiment (3 classes)                         | CC BY-SA 4.0   |
| emot     | emot/train.csv                    | emotion -> sentiment (no neutral: polarity only) | MIT         |
| idhsab   | idhsab/train.csv                  | abusive, hate (SARA: HS_Religion or HS_Race)   | CC BY-NC-SA 4.0 (optional) |
| police   | police_mentions.csv (+ police_templated.csv) | sentiment, every flag, function    | ours           |
| heldout  | police_heldout.csv                | the same, never trained on                    | ours           |

Every example carries the tasks it is labelled for: a None sentiment/function is "not labelled",
and `flag_tasks` lists the flags whose presence or absence is known (idhsab knows abusive and hate,
not urgent). `group` keeps copies together in cross-validation.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from lib.analysis.normalize import tokens

ROOT = Path(__file__).resolve().parent.parent.parent
DATA_DIR = ROOT / "data" / "training"
OWN_TRAINING_CSV = DATA_DIR / "police_mentions.csv"
TEMPLATED_CSV = DATA_DIR / "police_templated.csv"
HELDOUT_CSV = DATA_DIR / "police_heldout.csv"

SENTIMENTS = ("negative", "neutral", "positive")
FLAG_NAMES = ("abusive", "hate", "hoax", "urgent", "keluhan")
FUNCTIONS = ("Reskrim", "Lantas", "Narkoba", "Samapta", "Propam", "Binmas", "Intelkam", "SPKT")
NO_FUNCTION = ""  # a label meaning "no police function"; None means "not labelled"
ALL_FLAGS = frozenset(FLAG_NAMES)
PUBLIC_SOURCES = ("smsa", "nusax", "emot", "idhsab")
NONCOMMERCIAL_SOURCES = frozenset({"idhsab"})
NO_NEUTRAL_SOURCES = frozenset({"emot"})  # sentiment labels without a neutral class (polarity only)


@dataclass(frozen=True)
class LabelledText:
    """One training or evaluation example; a None field is "not labelled" for that task."""

    text: str
    sentiment: str | None = None
    flags: frozenset[str] | None = None
    function: str | None = None  # NO_FUNCTION ("") = labelled as no function
    source: str = ""
    flag_tasks: frozenset[str] | None = None  # flags labelled; None = all of them when `flags` is set
    group: str = ""  # cross-validation group; "" = the near-duplicate key
    hate_speech: bool | None = None  # idhsab's general `HS` column (hate.py); None = not labelled
    hate_religion: bool | None = None  # idhsab's `HS_Religion` (hate.py's religion head); None = not labelled
    hate_race: bool | None = None  # idhsab's `HS_Race` (hate.py's race head); None = not labelled

    def knows_flag(self, flag: str) -> bool:
        if self.flags is None:
            return False
        return self.flag_tasks is None or flag in self.flag_tasks

    def cv_group(self) -> str:
        return self.group or near_duplicate_key(self.text)


class DatasetError(RuntimeError):
    pass


def near_duplicate_key(text: str) -> str:
    """Stable key shared by retweets, copy-paste and reordered copies of the same text."""
    return key_from_tokens(tokens(text))


_KEY_NOISE = frozenset({"usertag", "url", "tandaseru", "tandatanya"})


def key_from_tokens(toks: list[str]) -> str:
    words = sorted({t for t in toks if t not in _KEY_NOISE and not t.isdigit()})
    return hashlib.blake2b(" ".join(words).encode(), digest_size=8).hexdigest()


# --- public sets ----------------------------------------------------------------------------------

_PLACEHOLDERS = [
    (re.compile(r"\\x[0-9a-f]{0,2}"), ""),  # idhsab keeps emoji as escaped UTF-8 bytes: drop them
    (re.compile(r"\[USERNAME\]|USER"), " @user "),
    (re.compile(r"\[URL\]|\bURL\b"), "http://url"),
    (re.compile(r"\[SENSITIVE-NO\]"), "nomor"),
    (re.compile(r"^RT\s+@user\s*:?\s*"), ""),
    (re.compile(r"\\n|;\s*;"), " "),
]


def _clean_public(text: str) -> str:
    for pattern, repl in _PLACEHOLDERS:
        text = pattern.sub(repl, text)
    return text.strip()


def _dedupe(items: list[LabelledText]) -> list[LabelledText]:
    """One item per exact text; texts labelled two different ways are dropped (they teach nothing)."""
    by_text: dict[str, list[LabelledText]] = {}
    for it in items:
        by_text.setdefault(it.text, []).append(it)
    return [same[0] for same in by_text.values() if all(x == same[0] for x in same)]


def load_smsa(data_dir: Path = DATA_DIR) -> list[LabelledText]:
    out = []
    with (data_dir / "smsa" / "train.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            text, _, label = line.rstrip("\n").rpartition("\t")
            if label in SENTIMENTS and text.strip():
                out.append(LabelledText(_clean_public(text), label, source="smsa"))
    return _dedupe(out)


def load_nusax(data_dir: Path = DATA_DIR) -> list[LabelledText]:
    out = []
    for name in ("train.csv", "valid.csv"):
        with (data_dir / "nusax" / name).open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["label"] in SENTIMENTS:
                    out.append(LabelledText(_clean_public(row["text"]), row["label"], source="nusax"))
    return _dedupe(out)


EMOTION_SENTIMENT = {"anger": "negative", "fear": "negative", "sadness": "negative",
                     "happy": "positive", "love": "positive"}


def load_emot(data_dir: Path = DATA_DIR) -> list[LabelledText]:
    """EmoT tweets with the emotion mapped to a sentiment (it has no neutral class)."""
    out = []
    with (data_dir / "emot" / "train.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            label = EMOTION_SENTIMENT.get(row["label"])
            if label:
                out.append(LabelledText(_clean_public(row["tweet"]), label, source="emot"))
    return _dedupe(out)


IDHSAB_TASKS = frozenset({"abusive", "hate"})


def load_idhsab(data_dir: Path = DATA_DIR) -> list[LabelledText]:
    """Ibrohim & Budi tweets: `abusive` from Abusive, `hate` (SARA) from HS_Religion or HS_Race; the
    general `HS` column as `hate_speech` (the first factor of the hate model, hate.py), `HS_Religion`
    and `HS_Race` as `hate_religion` / `hate_race` (its religion and race heads)."""
    out = []
    with (data_dir / "idhsab" / "train.csv").open(newline="", encoding="latin-1") as fh:
        for row in csv.DictReader(fh):
            flags = set()
            if row["Abusive"] == "1":
                flags.add("abusive")
            if row["HS_Religion"] == "1" or row["HS_Race"] == "1":
                flags.add("hate")
            out.append(LabelledText(_clean_public(row["Tweet"]), None, frozenset(flags), None, "idhsab",
                                    IDHSAB_TASKS, hate_speech=row["HS"] == "1",
                                    hate_religion=row["HS_Religion"] == "1", hate_race=row["HS_Race"] == "1"))
    return _dedupe(out)


LOADERS = {"smsa": load_smsa, "nusax": load_nusax, "emot": load_emot, "idhsab": load_idhsab}


def load_public(sources: tuple[str, ...] | list[str]) -> list[LabelledText]:
    items: list[LabelledText] = []
    for name in sources:
        items.extend(LOADERS[name]())
    return items


# --- our police CSV files -------------------------------------------------------------------------

def parse_flags(raw: str | None) -> frozenset[str]:
    flags = frozenset(f.strip() for f in re.split(r"[;,|\s]+", raw or "") if f.strip())
    unknown = flags - set(FLAG_NAMES)
    if unknown:
        raise DatasetError(f"unknown flags {sorted(unknown)}")
    return flags


def parse_function(raw: str | None) -> str:
    value = (raw or "").strip()
    if value.lower() in ("", "-", "none", "tidak ada"):
        return NO_FUNCTION
    if value not in FUNCTIONS:
        raise DatasetError(f"unknown function {value!r}")
    return value


def load_csv(path: Path, source: str) -> list[LabelledText]:
    """A labelled CSV with header `text,sentiment,flags,function[,group]` (flags `;`-separated)."""
    out: list[LabelledText] = []
    with path.open(newline="", encoding="utf-8") as fh:
        for lineno, row in enumerate(csv.DictReader(fh), start=2):
            try:
                sentiment = row["sentiment"].strip()
                if sentiment not in SENTIMENTS:
                    raise DatasetError(f"unknown sentiment {sentiment!r}")
                out.append(LabelledText(row["text"], sentiment, parse_flags(row.get("flags")),
                                        parse_function(row.get("function")), source,
                                        group=(row.get("group") or "").strip()))
            except (DatasetError, KeyError, AttributeError) as exc:
                raise DatasetError(f"{path}:{lineno}: {exc}") from exc
    return out


def load_own_training(*, templated: bool = True) -> list[LabelledText]:
    """Our labelled police mentions: hand-written, plus the template-built ones (docs/labelling.md)."""
    items = load_csv(OWN_TRAINING_CSV, "police")
    if templated and TEMPLATED_CSV.exists():
        items += load_csv(TEMPLATED_CSV, "police")
    return items


def load_heldout() -> list[LabelledText]:
    return load_csv(HELDOUT_CSV, "heldout")


def without_keys(items: list[LabelledText], keys: set[str]) -> tuple[list[LabelledText], int]:
    """Drop items whose near-duplicate key is in `keys`; returns the rest and how many were dropped."""
    kept = [it for it in items if near_duplicate_key(it.text) not in keys]
    return kept, len(items) - len(kept)
