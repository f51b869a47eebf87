"""Learning from the command room: retrain on the base data plus admins' corrections.

`retrain(session)` retrains and swaps the artefact atomically; running processes pick the new
model up on their next analyze() call (the loader watches the file). Reading corrections lives in
`feedback.py` (re-exported here for callers of the old location).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from lib.analysis import dataset as ds
from lib.analysis.feedback import corrected_fields, corrections_from_db
from lib.analysis.train import TrainReport, train

__all__ = ["corrected_fields", "corrections_from_db", "retrain"]


def retrain(session: Session, *, out_dir: Path | None = None, public: tuple[str, ...] | None = None,
            own: list[ds.LabelledText] | None = None) -> TrainReport:
    """Retrain with the database's corrections on top of the base data (admin button, `make train`)."""
    return train(corrections_from_db(session), public=public, own=own, out_dir=out_dir)
