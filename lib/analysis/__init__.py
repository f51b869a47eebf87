"""Mention analysis: the single entry point every source calls when it stores mentions.

`analyze(texts)` returns one `Analysis` per text (sentiment + confidence, flags, police function,
topic key). See docs/analysis.md for the pipeline, the data and the measured figures.
"""

from __future__ import annotations

from lib.analysis.model import model_status
from lib.analysis.pipeline import Analysis, analyze

__all__ = ["Analysis", "analyze", "model_status"]
