"""Fixtures for the analyser tests: a small model trained offline from our own CSV into tmp dirs."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from lib.analysis.model import TrainedModel

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the suite must import `lib` however pytest is started
    sys.path.insert(0, str(ROOT))



@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model directory holding a model trained on our police mentions only (no public sets: fast)."""
    from lib.analysis.train import train

    directory = tmp_path_factory.mktemp("models")
    train(public=(), out_dir=directory)
    return directory


@pytest.fixture(scope="session")
def small_model(model_dir: Path) -> TrainedModel:
    from lib.analysis.model import artefact_path, load_model

    model = load_model(artefact_path(model_dir))
    assert model is not None, "the test model failed to train or load"
    return model


@pytest.fixture
def use_model_dir(model_dir: Path) -> Iterator[Path]:
    """Point the default model location (PANTAU_MODEL_DIR) at the test model for one test."""
    from lib.analysis.model import forget_loaded

    old = os.environ.get("PANTAU_MODEL_DIR")
    os.environ["PANTAU_MODEL_DIR"] = str(model_dir)
    forget_loaded()
    yield model_dir
    if old is None:
        os.environ.pop("PANTAU_MODEL_DIR", None)
    else:
        os.environ["PANTAU_MODEL_DIR"] = old
    forget_loaded()
