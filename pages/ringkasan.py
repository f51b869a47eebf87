"""Ringkasan: the command-room overview; `?mode=wall` is the unattended wall display."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from lib.formatting import ago, number
from lib.formatting import duration_minutes as minutes_text
from lib.metrics import SlaPolicy
from lib.models import utcnow
from lib.sync import freshness
from lib.ui import cached
from lib.ui.charts import LEAGUE_ORDERS, LEVEL_TITLES, league_table, pct, period_picker, trend_chart
from lib.ui.context import (
    data_version,
    is_wall,
    page_context,
    recheck,
    run_sync,
    scope_from_query,
    scope_picker,
)
from lib.ui.errors import guarded
from lib.ui.safe import md, plain
from lib.ui.wall import wall_style

ctx = page_context(sync=not is_wall(), page="ringkasan")
wall = ctx.wall
if wall:
    wall_style()
else:
    st.title("Ringkasan")
if wall:
    scope, period = scope_from_query(ctx), 7
else:
    left_top, right_top = st.columns([3, 2])
    with left_top:
        scope = scope_picker(ctx)
    with right_top:
        period = period_picker("overview_period")
policy = SlaPolicy(ctx.settings.sla_minutes, ctx.settings.hard_limit_minutes)


def polsek_chart(polsek: pd.DataFrame) -> alt.Chart:
    long = polsek.melt(id_vars=["short_name", "unanswered"], value_vars=["overdue", "within_sla"],
                       var_name="bagian", value_name="jumlah")
    long["bagian"] = long["bagian"].map({"overdue": "Lewat SLA", "within_sla": "Masih dalam SLA"})
    order = polsek["short_name"].tolist()
    ink, grid = ("#e6edf3", "#30363d") if wall else ("#31333f", "#e6e6e6")
    return (
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


@st.fragment(run_every=ctx.settings.wall_refresh_seconds if wall else None)
@guarded  # a failure inside the fragment: a short Indonesian message, not Streamlit's own
def board() -> None:
    recheck(ctx)  # a revoked kiosk token or a deactivated user stops here at the next refresh
    if wall:
        run_sync(ctx.engine, ctx.settings, ctx.scope)
    version = data_version(ctx.engine)
    url = ctx.settings.database_url
    board_data = cached.dashboard(url, scope, policy, period, version, 15 if wall else 25)
    ov = board_data.overview
    now = utcnow()
    fresh = freshness(ctx.engine, ctx.settings, scope)  # the stalest account in this scope, not any run
    st.caption(f"{md(scope.label)} · {period} hari terakhir · diperbarui {ago(fresh, now)}")
    cols = st.columns(4)
    cols[0].metric("Sebutan hari ini", number(ov.mentions_today), help="Hari ini menurut zona waktu tiap unit")
    cols[1].metric("Belum dijawab", number(ov.unanswered))
    cols[2].metric("Lewat SLA", number(ov.overdue),
                   help=f"Belum dijawab lebih dari SLA unit (bawaan {policy.first_response_minutes} menit)")
    cols[3].metric("Lewat 24 jam", number(ov.over_hard_limit),
                   help=f"Belum dijawab lebih dari batas keras {policy.hard_limit_minutes // 60} jam")
    cols = st.columns(4)
    cols[0].metric(f"Median respons ({period} hari)", minutes_text(ov.median_response_minutes),
                   help=f"Persentil ke-90: {minutes_text(ov.p90_response_minutes)}")
    cols[1].metric("Dijawab sesuai SLA", pct(ov.within_sla_share))
    cols[2].metric(f"Sebutan negatif ({period} hari)", pct(ov.negative_share))
    cols[3].metric("Unit terverifikasi", pct(ov.verified_share),
                   help="Unit yang akunnya terverifikasi di semua platform wajib")

    left, right = st.columns([3, 2]) if not wall else st.columns([1, 1])
    with left:
        st.subheader("Belum dijawab per Polsek")
        polsek = board_data.backlog_by_polsek
        if polsek.empty:
            st.success("Tidak ada sebutan yang belum dijawab di Polsek dalam cakupan ini.")
        else:
            st.altair_chart(polsek_chart(polsek), width="stretch")
    with right:
        st.subheader(f"Tren harian ({period} hari)")
        st.altair_chart(trend_chart(cached.trend(url, scope, policy, period, version), wall), width="stretch")
        st.subheader("Sebutan negatif terbaru")
        neg = cached.newest_negative(url, scope, policy, version, 8 if wall else 15)
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

if not wall:
    data = cached.dashboard(ctx.settings.database_url, scope, policy, period, data_version(ctx.engine), 25)
    table = data.league
    st.subheader(f"Peringkat {LEVEL_TITLES[data.level]}")
    order = st.segmented_control("Urutkan", list(LEAGUE_ORDERS), default="overdue", key="league_order",
                                 format_func=lambda k: LEAGUE_ORDERS[k][0]) or "overdue"
    if table.empty:
        st.info("Tidak ada unit pada tingkat ini dalam cakupan.")
    else:
        league_table(table, order, key="league")
        st.caption("Median dan P90: waktu sampai jawaban pertama. Kepatuhan SLA: dijawab dalam SLA unit dibanding "
                   "semua sebutan yang SLA-nya sudah lewat atau sudah dijawab. Halaman Unit merinci satu Polres.")
