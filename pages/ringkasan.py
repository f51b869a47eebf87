"""Ringkasan: the command-room overview; `?mode=wall` is the unattended wall display."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from lib.models import utcnow
from lib.ui import cached
from lib.ui.context import (
    ago,
    data_version,
    is_wall,
    minutes_text,
    page_context,
    recheck,
    run_sync,
    scope_from_query,
    scope_picker,
)
from lib.ui.safe import md, plain
from lib.ui.wall import wall_style

ctx = page_context(sync=not is_wall(), page="ringkasan")
wall = ctx.wall
if wall:
    wall_style()
else:
    st.title("Ringkasan")
scope = scope_from_query(ctx) if wall else scope_picker(ctx)
period = 7


def pct(x: float | None) -> str:
    return "–" if x is None else f"{x * 100:.0f}%"


@st.fragment(run_every=ctx.settings.wall_refresh_seconds if wall else None)
def board() -> None:
    recheck(ctx)  # a revoked kiosk token or a deactivated user stops here at the next refresh
    if wall:
        run_sync(ctx.engine, ctx.settings, ctx.scope)
    version = data_version(ctx.engine)
    url, sla = ctx.settings.database_url, ctx.settings.sla_minutes
    ov = cached.overview(url, scope, sla, period, version)
    now = utcnow()
    st.caption(f"{md(scope.label)} · diperbarui {ago(ov.last_sync, now)}")
    cols = st.columns(6)
    cols[0].metric("Sebutan hari ini", f"{ov.mentions_today:,}".replace(",", "."))
    cols[1].metric("Belum dijawab", f"{ov.unanswered:,}".replace(",", "."))
    cols[2].metric("Lewat SLA", f"{ov.overdue:,}".replace(",", "."),
                   help=f"Belum dijawab lebih dari SLA unit (bawaan {sla} menit)")
    cols[3].metric("Median respons (7 hari)", minutes_text(ov.median_response_minutes))
    cols[4].metric("Sebutan negatif (7 hari)", pct(ov.negative_share))
    cols[5].metric("Unit terverifikasi", pct(ov.verified_share),
                   help="Unit yang akunnya terverifikasi di semua platform wajib")

    left, right = st.columns([3, 2]) if not wall else st.columns([1, 1])
    with left:
        st.subheader("Belum dijawab per Polsek")
        polsek = cached.unanswered_by_polsek(url, scope, sla, version, 15 if wall else 25)
        if polsek.empty:
            st.success("Tidak ada sebutan yang belum dijawab di Polsek dalam cakupan ini.")
        else:
            long = polsek.melt(id_vars=["short_name", "unanswered"], value_vars=["overdue", "within_sla"],
                               var_name="bagian", value_name="jumlah")
            long["bagian"] = long["bagian"].map({"overdue": "Lewat SLA", "within_sla": "Masih dalam SLA"})
            order = polsek["short_name"].tolist()
            ink, grid = ("#e6edf3", "#30363d") if wall else ("#31333f", "#e6e6e6")
            chart = (
                alt.Chart(long)
                .mark_bar()
                .encode(
                    y=alt.Y("short_name:N", sort=order, title=None),
                    x=alt.X("jumlah:Q", title="Sebutan belum dijawab", stack="zero",
                            axis=alt.Axis(format="d", tickMinStep=1)),
                    color=alt.Color("bagian:N", scale=alt.Scale(domain=["Lewat SLA", "Masih dalam SLA"],
                                                                 range=["#d62728", "#f2b134"]),
                                    legend=alt.Legend(title=None, orient="bottom")),
                    order=alt.Order("bagian:N", sort="ascending"),
                    tooltip=[alt.Tooltip("short_name:N", title="Polsek"), alt.Tooltip("bagian:N", title="Bagian"),
                             alt.Tooltip("jumlah:Q", title="Jumlah")],
                )
                .properties(height=max(160, (46 if wall else 28) * len(order)), background="transparent")
                .configure_axis(labelFontSize=24 if wall else 12, titleFontSize=20 if wall else 12,
                                labelLimit=320, labelColor=ink, titleColor=ink, gridColor=grid)
                .configure_legend(labelFontSize=22 if wall else 12, labelColor=ink)
                .configure_view(stroke=None)
            )
            st.altair_chart(chart, width="stretch")
    with right:
        st.subheader("Sebutan negatif terbaru")
        neg = cached.newest_negative(url, scope, sla, version, 8 if wall else 15)
        if neg.empty:
            st.info("Belum ada sebutan negatif dalam 7 hari terakhir.")
        else:
            view = pd.DataFrame({"Waktu": neg["local_time"], "Unit": neg["unit"],
                                 "Teks": [plain(t, 2000) for t in neg["text"]],
                                 "Status": neg["status"]})
            if wall:  # plain text (never markdown/HTML) that takes the wall's dark style and large type
                for row in view.head(5).itertuples():
                    with st.container(border=True):
                        st.text(f"{row.Waktu} · {row.Unit}\n{row.Teks[:140]}")
            else:
                st.dataframe(view, hide_index=True, width="stretch",
                             column_config={"Teks": st.column_config.TextColumn(width="large")})


board()
