"""The figures' shared views: league table, daily trend (Altair) and open items, used by the
overview and the unit page. Frames come from `lib.metrics`; this module only draws them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.accounts import PLATFORM_LABELS as PLATFORM_NAMES
from lib.formatting import duration_minutes as minutes_text
from lib.formatting import percent
from lib.ui.safe import plain
from lib.workflow import STATUS_LABELS

PERIODS = {7: "7 hari", 30: "30 hari", 90: "90 hari"}
CHILD_LEVEL = {None: "polda", "mabes": "polda", "polda": "polres", "polres": "polsek", "polsek": "polsek"}
LEVEL_TITLES = {"polda": "Polda", "polres": "Polres", "polsek": "Polsek"}
LEAGUE_ORDERS = {
    "fastest": ("Tercepat menjawab", ["median_minutes", "mentions"], [True, False]),
    "overdue": ("Terbanyak lewat SLA", ["overdue", "over_hard_limit", "unanswered"], [False, False, False]),
    "within": ("Kepatuhan SLA terendah", ["within_sla_share", "mentions"], [True, False]),
    "volume": ("Sebutan terbanyak", ["mentions"], [False]),
}


def pct(x: float | None) -> str:
    return percent(None if x is None or pd.isna(x) else float(x))


def period_picker(key: str, default: int = 7) -> int:
    chosen = st.segmented_control("Periode", list(PERIODS), default=default, format_func=PERIODS.get, key=key)
    return int(chosen or default)


def league_table(frame: pd.DataFrame, order: str, key: str, selectable: bool = False):
    """The league of units, sorted by `order`; returns the selection event when `selectable`."""
    _, by, ascending = LEAGUE_ORDERS[order]
    view = frame.sort_values(by, ascending=ascending, na_position="last").reset_index(drop=True)
    table = pd.DataFrame({
        "Peringkat": range(1, len(view) + 1),
        "Unit": view["name"],
        "Sebutan": view["mentions"],
        "Belum dijawab": view["unanswered"],
        "Lewat SLA": view["overdue"],
        "Lewat 24 jam": view["over_hard_limit"],
        "Median respons": view["median_minutes"].map(minutes_text_or_dash),
        "P90 respons": view["p90_minutes"].map(minutes_text_or_dash),
        "Dijawab sesuai SLA": view["within_sla_share"] * 100,
        "Negatif": view["negative_share"] * 100,
        "Akun terverifikasi": view["compliance_share"] * 100,
    })
    share = {c: st.column_config.ProgressColumn(c, format="%.0f%%", min_value=0, max_value=100)
             for c in ("Dijawab sesuai SLA", "Akun terverifikasi")}
    config = share | {"Negatif": st.column_config.NumberColumn("Negatif", format="%.0f%%"),
                      "Peringkat": st.column_config.NumberColumn("#", width="small")}
    kwargs = dict(on_select="rerun", selection_mode="single-row") if selectable else {}
    event = st.dataframe(table, hide_index=True, width="stretch", column_config=config, key=key, **kwargs)
    return view, event


def minutes_text_or_dash(x: float | None) -> str:
    return "–" if x is None or pd.isna(x) else minutes_text(float(x))


def open_items_table(frame: pd.DataFrame, key: str | None = None):
    """Unanswered items, oldest first (plain text); with `key`, one row can be selected (returns the event)."""
    view = pd.DataFrame({
        "Waktu": frame["local_time"], "Unit": frame["unit"], "Platform": frame["platform"].map(PLATFORM_NAMES)
        .fillna(frame["platform"]),
        "Penulis": frame["author"], "Teks": [plain(t, 2000) for t in frame["text"]],
        "Status": frame["status"].map(STATUS_LABELS).fillna(frame["status"]),
        "Umur": [("⏰ " if od else "") + minutes_text(a) for a, od in zip(frame["age_minutes"], frame["overdue"],
                                                                        strict=True)],
    })
    kwargs = dict(on_select="rerun", selection_mode="single-row", key=key) if key else {}
    return st.dataframe(view, hide_index=True, width="stretch", **kwargs,
                        column_config={"Teks": st.column_config.TextColumn(width="large"),
                                       "Umur": st.column_config.TextColumn(help="⏰ = lewat SLA unit")})
