"""Unit: one Polres for its Kapolres — its figures, each Polsek in a league table, the daily trend,
and a Polsek's open items on selection."""

from __future__ import annotations

import streamlit as st

from lib.db import session_scope
from lib.formatting import duration_minutes as minutes_text
from lib.formatting import number
from lib.metrics import SlaPolicy, polres_choices
from lib.scope import OutOfScope
from lib.ui import cached
from lib.ui.charts import LEAGUE_ORDERS, league_table, open_items_table, pct, period_picker, trend_chart
from lib.ui.context import data_version, page_context
from lib.ui.report_buttons import report_buttons

ctx = page_context(sync=False)
st.title("Unit")

with session_scope(ctx.engine) as s:
    choices = dict(polres_choices(s, ctx.scope))
if not choices:
    st.info("Tidak ada Polres dalam cakupan Anda.")
    st.stop()

raw = st.query_params.get("unit", "")
options = list(choices)
default = options.index(int(raw)) if raw.isdigit() and int(raw) in choices else 0
top_left, top_right = st.columns([3, 2])
polres_id = top_left.selectbox("Polres", options, index=default, format_func=choices.get, key="unit_polres")
with top_right:
    period = period_picker("unit_period")
st.query_params["unit"] = str(polres_id)

with session_scope(ctx.engine) as s:
    try:
        scope = ctx.scope.narrow(s, polres_id)
    except OutOfScope:
        st.error("Unit ini di luar cakupan Anda.")
        st.stop()

url = ctx.settings.database_url
policy = SlaPolicy(ctx.settings.sla_minutes, ctx.settings.hard_limit_minutes)
version = data_version(ctx.engine)
data = cached.dashboard(url, scope, policy, period, version, 25)
ov = data.overview

st.caption(f"{scope.label} · {period} hari terakhir · hari dihitung menurut zona waktu unit")
report_buttons(ctx, scope, key="unit_report")
cols = st.columns(4)
cols[0].metric("Sebutan", number(ov.period_mentions), help=f"Hari ini: {number(ov.mentions_today)}")
cols[1].metric("Belum dijawab", number(ov.unanswered))
cols[2].metric("Lewat SLA", number(ov.overdue), help=f"Lewat 24 jam: {number(ov.over_hard_limit)}")
cols[3].metric("Median respons", minutes_text(ov.median_response_minutes),
               help=f"Persentil ke-90: {minutes_text(ov.p90_response_minutes)}")
cols = st.columns(3)
cols[0].metric("Dijawab sesuai SLA", pct(ov.within_sla_share))
cols[1].metric("Sebutan negatif", pct(ov.negative_share))
cols[2].metric("Unit terverifikasi", pct(ov.verified_share))

st.subheader("Polsek")
order = st.segmented_control("Urutkan", list(LEAGUE_ORDERS), default="overdue", key="unit_order",
                             format_func=lambda k: LEAGUE_ORDERS[k][0]) or "overdue"
table = data.league
if table.empty:
    st.info("Polres ini belum memiliki Polsek di registri.")
    chosen = None
else:
    view, event = league_table(table, order, key="unit_league", selectable=True)
    rows = event.selection.rows if event is not None else []
    st.caption("Pilih satu baris untuk melihat sebutan Polsek itu yang belum dijawab.")
    names = dict(zip(view["unit_id"], view["name"], strict=True))
    picked = int(view.loc[rows[0], "unit_id"]) if rows else None
    chosen = picked or st.selectbox("Rincian Polsek", [None, *names], key="unit_drill",
                                    format_func=lambda i: "—" if i is None else names[i])

st.subheader(f"Tren harian ({period} hari)")
st.altair_chart(trend_chart(cached.trend(url, scope, policy, period, version)), width="stretch")

if chosen is not None:
    with session_scope(ctx.engine) as s:
        polsek_scope = scope.narrow(s, chosen)
    st.subheader(f"Belum dijawab: {polsek_scope.label}")
    items = cached.open_items(url, polsek_scope, policy, version, 200)
    if items.empty:
        st.success("Tidak ada sebutan yang belum dijawab.")
    else:
        open_items_table(items)
        st.caption(f"{len(items)} sebutan terlama ditampilkan; ubah statusnya di Kotak Masuk.")
