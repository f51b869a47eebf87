"""The map of a scope's units coloured by backlog (pydeck, built into Streamlit).

No base map: the points, their names and a faint grid are the whole picture, so the map shows
without any tile download (command rooms behind a firewall, tests without network)."""

from __future__ import annotations

import json
import math
from urllib.parse import quote

import pandas as pd
import pydeck as pdk
import streamlit as st

from lib.formatting import number
from lib.map_labels import place

# The Polsek chart's colours: red = some past SLA, amber = waiting but within SLA, green = nothing waiting.
RED, AMBER, GREEN = (214, 39, 40), (242, 177, 52), (46, 160, 67)
# A base map style of one plain background and no sources: nothing to download. Without a style at all
# Streamlit fills in an online one (basemaps.cartocdn.com), which a closed command-room network refuses.
PAPER = "data:application/json," + quote(json.dumps(
    {"version": 8, "sources": {}, "layers": [{"id": "kertas", "type": "background",
                                              "paint": {"background-color": "#ffffff"}}]}))


def _colour(unanswered: int, overdue: int) -> list[int]:
    return [*(RED if overdue else AMBER if unanswered else GREEN), 230]


def backlog_map(points: pd.DataFrame, height: int = 360) -> None:
    """One circle per unit (area grows with its unanswered mentions), red when past SLA."""
    if points.empty:
        st.info("Unit dalam cakupan ini belum memiliki koordinat di registri.")
        return
    data = points.assign(
        colour=[_colour(u, o) for u, o in zip(points["unanswered"], points["overdue"], strict=True)],
        share=(points["unanswered"].clip(lower=0) / max(1, int(points["unanswered"].max()))) ** 0.5,
        label=points["name"].str.replace(r"^(Polsek|Polres|Polresta|Polrestabes|Polda) ", "", regex=True),
        tip=[f"{n}: {number(u)} belum dijawab, {number(o)} lewat SLA"
             for n, u, o in zip(points["name"], points["unanswered"], points["overdue"], strict=True)],
    )
    lat_span = float(data["lat"].max() - data["lat"].min())
    lon_span = float(data["lon"].max() - data["lon"].min())
    span = max(lat_span, lon_span, 0.02)
    zoom = max(2.0, min(11.0, 7.1 - math.log2(span)))
    data["radius"] = span * 111_000 / 30 * (0.5 + data["share"])  # metres: the scope's span sets the scale
    # Names that would overlap at this first view go below their dot, or are left out (lib/map_labels.py).
    offsets = place(data["lat"].tolist(), data["lon"].tolist(), data["label"].tolist(),
                    data["unanswered"].tolist(), zoom)
    data["offset"] = [list(o) if o else [0, 0] for o in offsets]
    data["label"] = [label if o else "" for label, o in zip(data["label"], offsets, strict=True)]
    view = pdk.ViewState(latitude=float(data["lat"].mean()), longitude=float(data["lon"].mean()), zoom=zoom)
    dots = pdk.Layer("ScatterplotLayer", data, get_position=["lon", "lat"], get_fill_color="colour",
                     get_radius="radius", radius_min_pixels=5, radius_max_pixels=26, stroked=True, get_line_color=[20, 20, 20, 200],
                     line_width_min_pixels=1, pickable=True)
    names = pdk.Layer("TextLayer", data, get_position=["lon", "lat"], get_text="label", get_size=13,
                      get_color=[40, 40, 40, 255], get_pixel_offset="offset", get_alignment_baseline="'bottom'")
    st.pydeck_chart(pdk.Deck(layers=[dots, names], initial_view_state=view, map_style=PAPER, map_provider=None,
                             tooltip={"text": "{tip}"}), height=height)
    st.caption("Lingkaran makin besar = makin banyak belum dijawab; merah = ada yang lewat SLA, kuning = semua "
               "masih dalam SLA, hijau = nihil. Tanpa peta dasar (tidak perlu internet).")
