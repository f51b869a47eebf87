"""The map of a scope's units coloured by backlog (pydeck, built into Streamlit).

No base map: the points, their names and a faint grid are the whole picture, so the map shows
without any tile download (command rooms behind a firewall, tests without network)."""

from __future__ import annotations

import math

import pandas as pd
import pydeck as pdk
import streamlit as st

from lib.formatting import number

# green (nothing waiting) → amber → red (much past SLA)
_COLOURS = [(0, (46, 160, 67)), (1, (242, 177, 52)), (5, (230, 100, 40)), (15, (214, 39, 40))]


def _colour(unanswered: int, overdue: int) -> list[int]:
    level = overdue if overdue else (1 if unanswered else 0)
    rgb = next(c for threshold, c in reversed(_COLOURS) if level >= threshold)
    return [*rgb, 220]


def backlog_map(points: pd.DataFrame, height: int = 360) -> None:
    """One circle per unit (area grows with its unanswered mentions), red when past SLA."""
    if points.empty:
        st.info("Unit dalam cakupan ini belum memiliki koordinat di registri.")
        return
    data = points.assign(
        colour=[_colour(u, o) for u, o in zip(points["unanswered"], points["overdue"], strict=True)],
        radius=(points["unanswered"].clip(lower=0) ** 0.5 * 6 + 8).astype(float),
        label=points["name"].str.replace(r"^(Polsek|Polres|Polresta|Polrestabes|Polda) ", "", regex=True),
        tip=[f"{n}: {number(u)} belum dijawab, {number(o)} lewat SLA"
             for n, u, o in zip(points["name"], points["unanswered"], points["overdue"], strict=True)],
    )
    lat_span = float(data["lat"].max() - data["lat"].min())
    lon_span = float(data["lon"].max() - data["lon"].min())
    span = max(lat_span, lon_span, 0.02)
    zoom = max(3.0, min(12.5, 9.0 - math.log2(span)))
    view = pdk.ViewState(latitude=float(data["lat"].mean()), longitude=float(data["lon"].mean()), zoom=zoom)
    dots = pdk.Layer("ScatterplotLayer", data, get_position=["lon", "lat"], get_fill_color="colour",
                     get_radius="radius", radius_units="pixels", stroked=True, get_line_color=[20, 20, 20, 200],
                     line_width_min_pixels=1, pickable=True)
    names = pdk.Layer("TextLayer", data, get_position=["lon", "lat"], get_text="label", get_size=13,
                      get_color=[40, 40, 40, 255], get_pixel_offset=[0, -18], get_alignment_baseline="'bottom'")
    st.pydeck_chart(pdk.Deck(layers=[dots, names], initial_view_state=view, map_style=None, map_provider=None,
                             tooltip={"text": "{tip}"}), height=height)
    st.caption("Lingkaran makin besar = makin banyak belum dijawab; merah = banyak lewat SLA, kuning = masih "
               "dalam SLA, hijau = nihil. Tanpa peta dasar (tidak perlu internet).")
