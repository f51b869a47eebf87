"""Headline figures with their change against last week, and the "what is burning" strip, shared by
the overview, the wall and the unit page. Figures come from `lib.watch`; this module only draws."""

from __future__ import annotations

import streamlit as st

from lib.formatting import DASH, number, signed_change
from lib.ui.safe import md
from lib.watch import Burning


def change(now: float | None, before: float | None, worse_when: str | None = "up",
           against: str = "minggu lalu") -> dict:
    """`st.metric` keyword arguments for "+12% vs minggu lalu": red when the figure got worse
    (`worse_when` "up" or "down"), green when better, grey when neither applies."""
    text = signed_change(now, before)
    if text == DASH:
        return {}
    if now is None or before is None or text == "0%":
        arrow, color = "off", "gray"
    else:
        arrow = "up" if now > before else "down"
        color = "gray" if worse_when is None else ("red" if arrow == worse_when else "green")
    return dict(delta=f"{text} vs {against}", delta_arrow=arrow, delta_color=color)


def burning_strip(b: Burning, wall: bool = False) -> None:
    """Urgent unanswered, complaints about the service, hoax/SARA, the fastest-growing issue."""
    cols = st.columns([1, 1, 1, 1.5] if not wall else [1, 1, 1])
    cols[0].metric("Darurat belum dijawab", number(b.urgent_unanswered), border=True,
                   **change(b.urgent_unanswered, b.urgent_unanswered_week_ago))
    cols[1].metric("Keluhan layanan (24 jam)", number(b.complaints_24h), border=True,
                   **change(b.complaints_24h, b.complaints_24h_week_ago))
    cols[2].metric("Hoaks / SARA (24 jam)", number(b.hoax_hate_24h), border=True,
                   **change(b.hoax_hate_24h, b.hoax_hate_24h_week_ago))
    if wall:
        return
    g = b.growing
    if g is None:
        cols[3].metric("Isu tumbuh tercepat (24 jam)", "tidak ada", border=True)
    else:
        with cols[3].container(border=True):
            st.metric("Isu tumbuh tercepat (24 jam)", f"{number(g.last_day)} sebutan",
                      delta=f"{signed_change(g.last_day, g.day_before)} vs 24 jam sebelumnya",
                      delta_arrow="up" if g.last_day > g.day_before else "off",
                      delta_color="red" if g.last_day > g.day_before else "gray")
            st.caption(md(g.title, 90))  # built from mention text: escaped, never markup
