"""Ringkasan: the command-room overview for the Kapolres and admins; `?mode=wall` and kiosk URLs
show the unattended wall display instead (lib/ui/wall.py)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from lib import watch
from lib.charts import polsek_chart, share_chart, trend_chart
from lib.formatting import clock_label, day_label, number
from lib.formatting import duration_minutes as minutes_text
from lib.metrics import SlaPolicy
from lib.models import utcnow
from lib.sync import freshness
from lib.ui import cached, wall
from lib.ui.charts import (
    LEAGUE_ORDERS,
    LEVEL_TITLES,
    league_table,
    pct,
    period_picker,
)
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
from lib.ui.figures import burning_strip, change
from lib.ui.maps import backlog_map
from lib.ui.report_buttons import report_buttons
from lib.ui.safe import plain

ctx = page_context(sync=not is_wall(), page="ringkasan")
policy = SlaPolicy(ctx.settings.sla_minutes, ctx.settings.hard_limit_minutes)
url = ctx.settings.database_url
WALL_DAYS = 7


def reconcile_note(levels: dict[str, int], total: int) -> str:
    """Where the unanswered total sits, so it adds up with the Polsek chart and the league table."""
    parts = [f"{number(levels[k])} di akun {label}" for k, label in
             (("polsek", "Polsek"), ("polres", "Polres"), ("polda", "Polda"), ("mabes", "Mabes"))
             if levels.get(k)]
    return f"Belum dijawab {number(total)} = " + " + ".join(parts) if parts else ""


ROTATION = ("polsek", "tren", "isu", "akun")


def polsek_panel(polsek: pd.DataFrame, version) -> None:
    st.subheader("Belum dijawab per Polsek")
    if polsek.empty:
        st.success("Tidak ada sebutan yang belum dijawab di Polsek dalam cakupan ini.")
    else:
        st.altair_chart(polsek_chart(polsek, wall=True), width="stretch")
    if len(polsek) <= 1:  # a one-Polsek scope leaves room for the week's trend
        st.subheader(f"Tren harian ({WALL_DAYS} hari, hari ini sebagian)")
        trend = cached.trend(url, scope, policy, WALL_DAYS, version)
        st.altair_chart(trend_chart(trend, wall=True, compact=True), width="stretch")


def rotating_panel(panel: str, version) -> None:
    """The wall's turning panels besides the Polsek backlog: the week's trend, the open negative
    issues, verification per unit one level down."""
    if panel == "tren":
        st.subheader(f"Tren harian ({WALL_DAYS} hari, hari ini sebagian)")
        st.altair_chart(trend_chart(cached.trend(url, scope, policy, WALL_DAYS, version), wall=True), width="stretch")
    elif panel == "isu":
        st.subheader("Isu negatif terbuka (7 hari)")
        top = cached.top_issues(url, scope, version).head(8)
        if top.empty:
            st.success("Tidak ada isu negatif terbuka.")
        for row in top.itertuples():
            st.text(f"{number(row.mentions)} sebutan · {number(row.units)} unit · {plain(row.title, 80)}")
    else:
        level = {"polda": "polres", "polres": "polsek"}.get(cached.scope_level(url, scope), "polda")
        st.subheader(f"Akun terverifikasi per {LEVEL_TITLES[level]}")
        shares = cached.verification(url, scope, level)
        if shares.empty:
            st.info("Tidak ada unit pada tingkat ini.")
        else:
            st.altair_chart(share_chart(shares.head(10), wall=True), width="stretch")


if ctx.wall:
    wall.wall_style()
    scope = scope_from_query(ctx)
    refresh = ctx.settings.wall_refresh_seconds

    @st.fragment(run_every=refresh)
    @guarded  # a failure inside the fragment: a short Indonesian message, not Streamlit's own
    def wall_board() -> None:
        recheck(ctx)  # a revoked kiosk token or a deactivated user stops here at the next refresh
        run_sync(ctx.engine, ctx.settings, ctx.scope)
        version = data_version(ctx.engine)
        board, ago, _ = cached.watch_board(url, scope, policy, WALL_DAYS, version, 10)
        hot = cached.burning(url, scope, version)
        alerts = cached.alerts(url, scope, policy, version, 12)
        ov, now = board.overview, utcnow()
        stale_after = max(timedelta(seconds=5 * ctx.settings.sync_interval_seconds), timedelta(minutes=15))
        fresh = freshness(ctx.engine, ctx.settings, scope)  # the stalest account in this scope, not any run
        wall.header(scope.label, cached.scope_zone(url, scope), fresh, now, refresh, stale_after)
        cols = st.columns(6)
        cols[0].metric("Sebutan hari ini", number(ov.mentions_today), border=True,
                       **change(ov.mentions_today, ago.mentions_today, None))
        cols[1].metric("Belum dijawab", number(ov.unanswered), border=True, **change(ov.unanswered, ago.unanswered))
        cols[2].metric("Lewat SLA", number(ov.overdue), border=True, **change(ov.overdue, ago.overdue))
        cols[3].metric("Darurat belum dijawab", number(hot.urgent_unanswered), border=True,
                       **change(hot.urgent_unanswered, hot.urgent_unanswered_week_ago))
        cols[4].metric("Hoaks / SARA (24 jam)", number(hot.hoax_hate_24h), border=True,
                       **change(hot.hoax_hate_24h, hot.hoax_hate_24h_week_ago))
        cols[5].metric(f"Median respons ({WALL_DAYS} hari)", minutes_text(ov.median_response_minutes), border=True,
                       **change(ov.median_response_minutes, ago.period.median_minutes))
        left, right = st.columns([5, 6], gap="large")
        # `&putar=1` on the wall's address: the left panel turns on every refresh
        panels = ROTATION if st.query_params.get("putar") == "1" else ROTATION[:1]
        turn = st.session_state.get("wall_turn", -1) + 1
        st.session_state["wall_turn"] = turn
        panel = panels[turn % len(panels)]
        with left:
            if panel == "polsek":
                polsek_panel(board.backlog_by_polsek, version)
            else:
                rotating_panel(panel, version)
        with right:
            st.subheader("Darurat & negatif belum ditangani")
            wall.alert_list(alerts, now)

    wall_board()
    st.stop()

# --- the Kapolres' / admin's overview -------------------------------------------------------------
head, pick_scope, pick_period = st.columns([2, 3, 2], vertical_alignment="bottom")
head.title("Ringkasan")
with pick_scope:
    scope = scope_picker(ctx)
with pick_period:
    period = period_picker("overview_period")
version = data_version(ctx.engine)
board, ago, levels = cached.watch_board(url, scope, policy, period, version, 25)
ov, now = board.overview, utcnow()
fresh = freshness(ctx.engine, ctx.settings, scope)  # the stalest account in this scope, not any run
zone = cached.scope_zone(url, scope)
today = now.astimezone(ZoneInfo(zone)).date()
st.caption(f"{plain(scope.label, 120)} · {period} hari kalender: {day_label(today - timedelta(days=period - 1))} – "
           f"{day_label(today)} (hari ini sebagian, s.d. {clock_label(now, zone)}) · "
           f"{'diperbarui ' + clock_label(fresh, zone) if fresh else 'belum pernah diperbarui'} · "
           "perubahan dibanding periode yang sama minggu lalu"
           + (f" (tercatat pukul {clock_label(ago.at, zone)})" if ago.stored else ""))

report_buttons(ctx, scope, key="overview_report")
burning_strip(cached.burning(url, scope, version))

p = ago.period
cols = st.columns(4)
cols[0].metric("Sebutan hari ini", number(ov.mentions_today),
               **change(ov.mentions_today, ago.mentions_today, None, "jam sama minggu lalu"))
cols[1].metric("Belum dijawab", number(ov.unanswered), **change(ov.unanswered, ago.unanswered))
cols[2].metric("Lewat SLA", number(ov.overdue), **change(ov.overdue, ago.overdue))
cols[3].metric(f"Sebutan ({period} hari)", number(ov.period_mentions), **change(ov.period_mentions, p.mentions, None))
cols = st.columns(4)
cols[0].metric(f"Median respons ({period} hari)", minutes_text(ov.median_response_minutes),
               **change(ov.median_response_minutes, p.median_minutes))
cols[1].metric("Dijawab sesuai SLA", pct(ov.within_sla_share),
               **change(ov.within_sla_share, p.within_sla_share, "down"))
cols[2].metric(f"Sebutan negatif ({period} hari)", pct(ov.negative_share),
               **change(ov.negative_share, p.negative_share))
cols[3].metric("Unit terverifikasi", pct(ov.verified_share))
note = reconcile_note(levels, ov.unanswered)
if note:
    st.caption(f"{note}. Lewat 24 jam: {number(ov.over_hard_limit)}. Belum dijawab dan Lewat SLA dihitung "
               "sampai sekarang (semua waktu); yang lain atas periode.")

left, right = st.columns([3, 2])
with left:
    polsek = board.backlog_by_polsek
    st.subheader("Belum dijawab per Polsek")
    if polsek.empty:
        st.success("Tidak ada sebutan yang belum dijawab di Polsek dalam cakupan ini.")
    else:
        st.caption(f"Hanya sebutan ke akun Polsek: {number(levels.get('polsek', 0))} dari {number(ov.unanswered)} "
                   f"belum dijawab; {len(polsek)} Polsek terburuk di atas.")
        st.altair_chart(polsek_chart(polsek), width="stretch")
with right:
    st.subheader(f"Peta: belum dijawab per {LEVEL_TITLES[board.level]}")
    backlog_map(watch.map_points(board.league, cached.unit_coordinates(url, scope)))

st.subheader(f"Tren harian ({period} hari kalender)")
st.altair_chart(trend_chart(cached.trend(url, scope, policy, period, version)), width="stretch")
st.caption("Batang paling kanan (pucat) adalah hari ini, belum genap sehari.")

st.subheader("Darurat & negatif belum ditangani")
alerts = cached.alerts(url, scope, policy, version, 15)
if alerts.empty:
    st.info("Tidak ada sebutan darurat atau negatif yang belum ditangani dalam 7 hari terakhir.")
else:
    st.dataframe(pd.DataFrame({
        "Waktu": alerts["local_time"], "Unit": alerts["unit"],
        "Jenis": ["🚨 Darurat" if u else "Negatif" for u in alerts["urgent"]],
        "Teks": [plain(t, 2000) for t in alerts["text"]],
        "Umur": [("⏰ " if od else "") + minutes_text(a) for a, od in zip(alerts["age_minutes"], alerts["overdue"],
                                                                        strict=True)],
    }), hide_index=True, width="stretch", column_config={"Teks": st.column_config.TextColumn(width="large")})
    st.caption("Tangani di Kotak Masuk, atau di halaman Unit (pilih Polsek-nya).")

table = board.league
st.subheader(f"Peringkat {LEVEL_TITLES[board.level]}")
order = st.segmented_control("Urutkan", list(LEAGUE_ORDERS), default="overdue", key="league_order",
                             format_func=lambda k: LEAGUE_ORDERS[k][0]) or "overdue"
if table.empty:
    st.info("Tidak ada unit pada tingkat ini dalam cakupan.")
else:
    league_table(table, order, key="league")
    st.caption("Median dan P90: waktu sampai jawaban pertama. Kepatuhan SLA: dijawab dalam SLA unit dibanding "
               "semua sebutan yang SLA-nya sudah lewat atau sudah dijawab. Angka tiap baris mencakup unit di "
               "bawahnya; akun Mabes tidak masuk baris mana pun. Halaman Unit merinci satu Polres.")
