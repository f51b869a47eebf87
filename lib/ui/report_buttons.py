"""Report downloads for the overview and unit pages: pick a report, build it on request (a PDF
with its chart takes a second or two, so never on every rerun), then download PDF or Excel."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import streamlit as st

from lib.db import session_scope
from lib.models import Unit
from lib.reports import ReportError, daily_report, handover_report, monthly_league, render_files
from lib.scope import Scope
from lib.ui.context import PageContext
from lib.ui.safe import md

KINDS = {"harian": "Laporan harian", "serah": "Serah terima piket", "liga": "Liga bulanan"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_buttons(ctx: PageContext, scope: Scope, key: str = "report") -> None:
    """A "Unduh laporan" popover for `scope` (nothing on a wall display)."""
    if ctx.wall:
        return
    with session_scope(ctx.engine) as s:
        unit = s.get(Unit, scope.root_unit_id) if scope.root_unit_id else None
        code, tz = (unit.code, unit.timezone) if unit else (None, "Asia/Jakarta")
    today = datetime.now(ZoneInfo(tz)).date()
    with st.popover("Unduh laporan", icon=":material/download:"):
        kind = st.radio("Laporan", list(KINDS), format_func=KINDS.get, horizontal=True, key=f"{key}_kind")
        if kind == "harian":
            day = st.date_input("Tanggal", today - timedelta(days=1), max_value=today, key=f"{key}_day",
                                format="DD/MM/YYYY")
        elif kind == "serah":
            c1, c2, c3 = st.columns(3)
            day = c1.date_input("Mulai piket", today - timedelta(days=1), max_value=today, key=f"{key}_sday",
                                format="DD/MM/YYYY")
            at = c2.time_input("Jam", datetime.strptime("20:00", "%H:%M").time(), key=f"{key}_stime")
            hours = c3.number_input("Lama (jam)", 1, 24, 12, key=f"{key}_hours")
        else:
            months = [(today.replace(day=1) - timedelta(days=31 * i)).strftime("%Y-%m") for i in range(12)]
            month = st.selectbox("Bulan", months, key=f"{key}_month")
        if st.button("Buat laporan", key=f"{key}_make", type="primary"):
            settings = ctx.settings
            try:
                with st.spinner("Menyusun laporan…"), session_scope(ctx.engine) as s:
                    if kind == "harian":
                        report = daily_report(s, code, day, settings.sla_minutes, within=ctx.scope)
                    elif kind == "serah":
                        report = handover_report(s, code, datetime.combine(day, at), float(hours),
                                                 settings.sla_minutes, within=ctx.scope)
                    else:
                        report = monthly_league(s, code, month, settings.sla_minutes, within=ctx.scope)
                    st.session_state[f"{key}_files"] = (report.file_stem(), render_files(report),
                                                        f"{report.title} – {report.scope_label}, {report.period_label}")
            except ReportError as exc:
                st.error(str(exc))
        if made := st.session_state.get(f"{key}_files"):
            stem, files, label = made
            st.caption(f"Siap: {md(label)}")
            c1, c2 = st.columns(2)
            c1.download_button("Unduh PDF", files["pdf"], f"{stem}.pdf", "application/pdf", key=f"{key}_pdf",
                               on_click="ignore")
            c2.download_button("Unduh Excel", files["xlsx"], f"{stem}.xlsx", XLSX, key=f"{key}_xlsx",
                               on_click="ignore")
