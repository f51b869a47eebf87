"""Unit: one Polres for its Kapolres — what is burning, its figures against last week, each Polsek in
a league table, and a Polsek's open items in a dialog where he can act on them, then the daily trend."""

from __future__ import annotations

import streamlit as st

from lib.charts import trend_chart
from lib.db import session_scope
from lib.formatting import clock_label, number
from lib.formatting import duration_minutes as minutes_text
from lib.metrics import SlaPolicy, polres_choices
from lib.models import FUNCTIONS, utcnow
from lib.scope import OutOfScope
from lib.ui import cached
from lib.ui.charts import LEAGUE_ORDERS, league_table, open_items_table, pct, period_picker
from lib.ui.context import data_version, page_context
from lib.ui.figures import burning_strip, change
from lib.ui.report_buttons import report_buttons
from lib.ui.safe import plain
from lib.workflow import STATUS_LABELS, allowed_next, change_status

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
zone = cached.scope_zone(url, scope)
board, ago, levels = cached.watch_board(url, scope, policy, period, version, 25)
data, ov = board, board.overview
p = ago.period
st.caption(f"{plain(scope.label, 120)} · {period} hari kalender, hari ini sebagian (s.d. {clock_label(utcnow(), zone)}) "
           "· hari dihitung menurut zona waktu unit · perubahan dibanding periode yang sama minggu lalu")
report_buttons(ctx, scope, key="unit_report")
burning_strip(cached.burning(url, scope, version))
cols = st.columns(4)
cols[0].metric(f"Sebutan ({period} hari)", number(ov.period_mentions), **change(ov.period_mentions, p.mentions, None))
cols[1].metric("Belum dijawab", number(ov.unanswered), **change(ov.unanswered, ago.unanswered))
cols[2].metric("Lewat SLA", number(ov.overdue), **change(ov.overdue, ago.overdue))
cols[3].metric("Median respons", minutes_text(ov.median_response_minutes),
               **change(ov.median_response_minutes, p.median_minutes))
cols = st.columns(4)
cols[0].metric("Sebutan hari ini", number(ov.mentions_today),
               **change(ov.mentions_today, ago.mentions_today, None, "jam sama minggu lalu"))
cols[1].metric("Dijawab sesuai SLA", pct(ov.within_sla_share), **change(ov.within_sla_share, p.within_sla_share, "down"))
cols[2].metric("Sebutan negatif", pct(ov.negative_share), **change(ov.negative_share, p.negative_share))
cols[3].metric("Unit terverifikasi", pct(ov.verified_share))
st.caption(f"Belum dijawab {number(ov.unanswered)}: {number(levels.get('polsek', 0))} di akun Polsek, "
           f"{number(levels.get('polres', 0))} di akun Polres sendiri. Lewat 24 jam: {number(ov.over_hard_limit)}.")


@st.dialog("Rincian Polsek", width="large")
def drill(polsek_id: int) -> None:
    """A Polsek's unanswered items, oldest first; pick one to change its status here."""
    with session_scope(ctx.engine) as s:
        polsek_scope = scope.narrow(s, polsek_id)
    st.subheader(f"Belum dijawab: {polsek_scope.label}")
    items = cached.open_items(url, polsek_scope, policy, data_version(ctx.engine), 200)
    if items.empty:
        st.success("Tidak ada sebutan yang belum dijawab.")
        return
    st.caption(f"{number(len(items))} sebutan, terlama di atas. Pilih satu baris untuk mengubah statusnya.")
    event = open_items_table(items, key="drill_items")
    rows = event.selection.rows if event is not None else []
    if not rows:
        return
    item = items.iloc[rows[0]]
    st.text(f"{item['local_time']} · {item['unit']} · {item['author']}\n{plain(item['text'], 2000)}")
    if not ctx.actor.can_change_status:
        st.info("Peran Anda hanya dapat melihat.")
        return
    new = st.selectbox("Status baru", allowed_next(item["status"]), format_func=STATUS_LABELS.get, key="drill_status")
    function = None
    if new == "diteruskan":
        function = st.selectbox("Teruskan ke fungsi", FUNCTIONS, index=None, placeholder="Pilih fungsi",
                                key="drill_function")
    note = st.text_input("Catatan (opsional)", max_chars=500, key="drill_note")
    if st.button("Simpan status", type="primary", key="drill_save"):
        try:
            with session_scope(ctx.engine) as s:
                result = change_status(s, ctx.scope, int(item["id"]), int(item["version"]), new, ctx.actor, note,
                                       function)
        except PermissionError as exc:
            st.error(f"Ditolak: {exc}")
            return
        (st.success if result.ok else st.error)(result.message)


st.subheader("Polsek")
order = st.segmented_control("Urutkan", list(LEAGUE_ORDERS), default="overdue", key="unit_order",
                             format_func=lambda k: LEAGUE_ORDERS[k][0]) or "overdue"
table = data.league
if table.empty:
    st.info("Polres ini belum memiliki Polsek di registri.")
else:
    view, event = league_table(table, order, key="unit_league", selectable=True)
    rows = event.selection.rows if event is not None else []
    names = dict(zip(view["unit_id"], view["name"], strict=True))
    picked = int(view.loc[rows[0], "unit_id"]) if rows else None
    chosen = st.selectbox("Rincian Polsek (atau pilih satu baris di tabel)", [None, *names], key="unit_drill",
                          format_func=lambda i: "—" if i is None else names[i])
    target = picked or chosen
    # open the dialog once per choice (a rerun with the same selection must not reopen a closed dialog)
    if target is not None and st.session_state.get("unit_drill_open") != (polres_id, target):
        st.session_state["unit_drill_open"] = (polres_id, target)
        drill(target)
    elif target is None:
        st.session_state.pop("unit_drill_open", None)

st.subheader(f"Tren harian ({period} hari kalender)")
st.altair_chart(trend_chart(cached.trend(url, scope, policy, period, version)), width="stretch")
st.caption("Batang paling kanan (pucat) adalah hari ini, belum genap sehari.")
