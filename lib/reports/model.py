"""The plain data object every report is: headline figures, tables and an optional trend, with raw
values and a kind per column, so the PDF and the Excel renderer format the same figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from lib import formatting

# Column kinds: how a raw value is written for people (PDF) and stored in a cell (Excel).
TEXT, COUNT, SHARE, MINUTES, TIME = "text", "count", "share", "minutes", "time"


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = TEXT


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[Column]
    rows: list[list]  # raw values: str, int, float (share 0..1, minutes) or aware datetime
    empty_text: str = "Tidak ada."

    def column(self, title: str) -> list:
        i = [c.title for c in self.columns].index(title)
        return [r[i] for r in self.rows]


@dataclass(frozen=True)
class Figure:
    """A headline figure, optionally against earlier periods (`compare`: label -> raw value)."""

    label: str
    value: float | int | None
    kind: str = COUNT
    compare: dict[str, float | int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    kind: str  # harian / serah-terima / liga-bulanan
    title: str
    scope_label: str
    period_label: str
    timezone: str
    generated_at: datetime
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    trend: pd.DataFrame | None = None  # a `lib.metrics.daily_trend` frame, drawn as the pages draw it
    notes: list[str] = field(default_factory=list)

    def figure(self, label: str) -> Figure:
        return next(f for f in self.figures if f.label == label)

    def table(self, title: str) -> Table:
        return next(t for t in self.tables if t.title == title)

    def file_stem(self) -> str:
        safe = "".join(ch if ch.isalnum() else "-" for ch in f"{self.kind}-{self.scope_label}-{self.period_label}")
        return "-".join(p for p in safe.lower().split("-") if p)[:120]


def text_of(value: object, kind: str, tz: str) -> str:
    """A raw value as people read it (Indonesian formats, times in the report's zone)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return formatting.DASH
    if kind == COUNT:
        return formatting.number(value)
    if kind == SHARE:
        return formatting.percent(float(value))
    if kind == MINUTES:
        return formatting.duration_minutes(float(value))
    if kind == TIME:
        return formatting.local_label(value, tz)
    return str(value)
