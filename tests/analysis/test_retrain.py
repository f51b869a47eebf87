from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from lib.analysis import analyze
from lib.analysis.dataset import LabelledText
from lib.analysis.model import MODEL_VERSION, TrainedModel, artefact_path, load_model, metadata_path
from lib.analysis.retrain import corrections_from_db, retrain
from lib.analysis.train import model_inputs, train
from lib.models import Base, Correction, Mention, Unit

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
NEW_WORD_TEXTS = ["pelayanan polsek zonk", "admin zonk parah", "respon zonk lagi", "zonk semua petugasnya",
                  "laporan saya zonk"]


@pytest.fixture
def session(tmp_path: Path):
    engine = create_engine(f"sqlite:///{tmp_path / 'pantau.db'}")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add(Unit(id=1, code="polsek-ciledug", name="Polsek Ciledug", short_name="Ciledug", level="polsek",
                   path="/1/"))
        s.flush()
        yield s
    engine.dispose()


def add_mention(s: Session, mid: int, text: str) -> None:
    s.add(Mention(id=mid, platform="x", external_id=str(mid), unit_id=1, text=text, created_at=T0))


def correct(s: Session, mid: int, minutes: int, **fields) -> None:
    s.add(Correction(mention_id=mid, actor="admin", at=T0 + timedelta(minutes=minutes), **fields))


def test_corrections_merge_latest_per_field(session: Session) -> None:
    add_mention(session, 1, "min kok gak dibales")
    add_mention(session, 2, "ada maling helm di masjid")
    add_mention(session, 3, "tidak dikoreksi")
    correct(session, 1, 1, sentiment="neutral")
    correct(session, 1, 5, sentiment="negative")  # later wins
    correct(session, 1, 9, flags="")  # flags corrected to none; sentiment kept from the earlier fix
    correct(session, 2, 1, function="Reskrim", flags="urgent")
    correct(session, 2, 2, function="-")  # corrected to "no police function"
    session.flush()
    got = {c.text: c for c in corrections_from_db(session)}
    assert set(got) == {"min kok gak dibales", "ada maling helm di masjid"}
    first = got["min kok gak dibales"]
    assert (first.sentiment, first.flags, first.function) == ("negative", frozenset(), None)
    second = got["ada maling helm di masjid"]
    assert (second.sentiment, second.flags, second.function) == (None, frozenset({"urgent"}), "")
    assert all(c.source == "correction" for c in got.values())


def negative_probability(model: TrainedModel, text: str) -> float:
    norms, augmented = model_inputs([text])
    proba = model.sentiment_clf.predict_proba(model.features(norms, augmented))[0]
    return float(proba[list(model.sentiment_clf.classes_).index("negative")])


def test_retrain_learns_from_corrections(session: Session, tmp_path: Path, small_model: TrainedModel) -> None:
    for i, text in enumerate(NEW_WORD_TEXTS, start=10):
        add_mention(session, i, text)
        correct(session, i, 1, sentiment="negative", function="-")
    add_mention(session, 30, "jalan ini bukan urusan polisi")
    correct(session, 30, 1, sentiment="positive", flags="hoax", function="Binmas")
    session.flush()

    out = tmp_path / "models"
    report = retrain(session, out_dir=out, public=())
    assert report.corrections == 6 and report.counts["correction"] == 6
    meta = json.loads(metadata_path(out).read_text())
    assert meta["corrections"] == 6 and meta["model_version"] == MODEL_VERSION

    retrained = load_model(artefact_path(out))
    assert retrained is not None
    # an exact (near-duplicate) repeat of a corrected mention gets the admin's labels
    [fixed] = analyze(["RT @x: jalan ini bukan urusan polisi"], model=retrained)
    assert (fixed.sentiment, fixed.flags, fixed.function) == ("positive", frozenset({"hoax"}), "Binmas")
    # and an unseen text with the corrected vocabulary moves towards the corrected label
    probe = "zonk banget adminnya"
    assert negative_probability(retrained, probe) > negative_probability(small_model, probe) + 0.05


def test_training_drops_heldout_texts(tmp_path: Path) -> None:
    from lib.analysis.dataset import load_heldout, load_own_training

    leaked = load_heldout()[0]
    own = [*load_own_training(), LabelledText(leaked.text, leaked.sentiment, leaked.flags, leaked.function, "police")]
    report = train(public=(), own=own, out_dir=tmp_path)
    assert report.excluded_heldout >= 1
    assert report.counts["police"] == len(own) - report.excluded_heldout


def test_reanalyze_keeps_admin_corrections(session: Session, use_model_dir: Path) -> None:
    from lib.analysis.reanalyze import reanalyze_mentions

    add_mention(session, 1, "tolong ada begal di jl raya ciledug sekarang!!")
    add_mention(session, 2, "terima kasih pak polisi sigap")
    correct(session, 2, 1, sentiment="neutral", function="Binmas")
    session.flush()
    seen: list[tuple[int, int]] = []
    assert reanalyze_mentions(session, batch_size=1, progress=lambda done, total: seen.append((done, total))) == 2
    assert seen == [(0, 2), (1, 2), (2, 2)]  # the admin page's progress bar is drawn from these
    first, second = session.get(Mention, 1), session.get(Mention, 2)
    assert first.sentiment == "negative" and "urgent" in first.flags.split(",")
    assert first.function == "Reskrim" and first.topic == "begal|jl raya ciledug" and first.version == 2
    assert (second.sentiment, second.function, second.sentiment_score) == ("neutral", "Binmas", 1.0)
    assert reanalyze_mentions(session) == 0  # idempotent: nothing changes, no version bump
    assert first.version == 2


def test_train_command_if_missing_does_not_retrain(model_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from lib.analysis.train import main

    before = artefact_path(model_dir).stat().st_mtime
    assert main(["--if-missing", "--no-db", "--out", str(model_dir)]) == 0
    assert "model present" in capsys.readouterr().out
    assert artefact_path(model_dir).stat().st_mtime == before
