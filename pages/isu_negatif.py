"""Isu Negatif: negative mentions grouped into issues, each with its reach and a way to close it."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from lib.db import session_scope
from lib.export import csv_bytes
from lib.formatting import local_label, number
from lib.issues import handling_plan, issue_mentions, list_issues, mark_issue_handled
from lib.labels import ISSUE_STATUS_LABELS, PLATFORM_LABELS, for_display, label
from lib.models import utcnow
from lib.ui.context import page_context, scope_picker
from lib.ui.safe import plain
from lib.workflow import STATUS_LABELS

ctx = page_context()
st.title("Isu Negatif")
c1, c2, c3 = st.columns(3)
with c1:
    scope = scope_picker(ctx, key="issues_scope")
days = c2.selectbox("Periode", [1, 3, 7, 14], index=2, format_func=lambda d: f"{d} hari terakhir")
status = c3.selectbox("Status isu", [None, "terbuka", "ditangani"],
                      format_func=lambda v: {None: "Semua", "terbuka": "Terbuka", "ditangani": "Ditangani"}[v])

since = utcnow() - timedelta(days=days)
with session_scope(ctx.engine) as s:
    issues = list_issues(s, scope, since, status)

if flash := st.session_state.pop("issue_flash", None):
    st.success(flash)
if issues.empty:
    st.info("Tidak ada isu negatif pada periode dan cakupan ini.")
    st.stop()

table = pd.DataFrame({
    "id": issues["id"],
    "isu": [f"{plain(t, 200)} ({number(n)} sebutan, {number(u)} unit)" for t, n, u in zip(issues["title"], issues["mentions"], issues["units"],
                                                                 strict=True)],
    "sebutan": issues["mentions"],
    "belum ditangani": issues["unhandled"],
    "unit": issues["units"],
    "pertama": issues["first_seen"],
    "terakhir": issues["last_seen"],
    "status": issues["status"],
})
st.caption(f"{number(len(issues))} isu · waktu dalam WIB")
st.dataframe(for_display(table, datetimes=("pertama", "terakhir"), codes={"status": ISSUE_STATUS_LABELS}),
             hide_index=True, width="stretch", column_config={
                 "id": st.column_config.NumberColumn("ID", width="small", format="%d"),
                 "isu": st.column_config.TextColumn("Isu", width="large"),
                 "sebutan": st.column_config.NumberColumn("Sebutan", format="%d"),
                 "belum ditangani": st.column_config.NumberColumn("Belum ditangani", format="%d"),
                 "unit": st.column_config.NumberColumn("Unit", format="%d"),
                 "pertama": "Pertama terlihat (WIB)", "terakhir": "Terakhir terlihat (WIB)", "status": "Status",
             })

chosen = st.selectbox("Lihat isu", issues["id"].tolist(),
                      format_func=lambda i: str(table.loc[table["id"] == i, "isu"].iloc[0]))
with session_scope(ctx.engine) as s:
    items = issue_mentions(s, scope, int(chosen), since)
    plan = handling_plan(s, scope, int(chosen), since)
    detail = pd.DataFrame([(m.id, local_label(m.created_at, m.unit.timezone), m.unit.short_name,
                            label(PLATFORM_LABELS, m.platform), plain(m.author_handle, 100) or "–",
                            plain(m.text, 2000), STATUS_LABELS[m.status]) for m in items],
                          columns=["ID", "Waktu (zona unit)", "Unit", "Platform", "Penulis", "Teks", "Status"])
st.dataframe(detail, hide_index=True, width="stretch",
             column_config={"ID": st.column_config.NumberColumn(width="small", format="%d"),
                            "Teks": st.column_config.TextColumn(width="large")})
st.download_button("Unduh CSV sebutan isu ini", csv_bytes(detail), file_name=f"isu-{int(chosen)}.csv",
                   mime="text/csv")  # formulas neutralised (lib/export.py); the table's own download is off
# Act on exactly what the user was shown (the plan of the previous run, with the versions seen then),
# so a change by someone else since then is reported as a conflict rather than silently repeated over.
shown = st.session_state.get("issue_plan")
shown_plan = shown[1] if shown and shown[0] == int(chosen) else plan
st.session_state["issue_plan"] = (int(chosen), plan)
st.text(f"Tombol di bawah mengubah {number(len(plan))} sebutan berstatus Baru/Diteruskan dari isu ini — hanya yang "
        f"tampil di atas ({plain(scope.label, 80)}, {days} hari terakhir) — menjadi 'Ditangani'. Sebutan unit "
        "lain dan yang lebih lama tidak diubah.")
with st.form("close_issue", enter_to_submit=False):
    note = st.text_input("Catatan penanganan", max_chars=500)
    submit = st.form_submit_button(f"Tandai {len(plan)} sebutan ditangani", type="primary", key="close_issue_submit",
                                   disabled=not plan and not shown_plan)  # a click on what was shown still counts
if submit:
    try:
        with session_scope(ctx.engine) as s:
            ok, message = mark_issue_handled(s, scope, int(chosen), shown_plan, ctx.actor, note)
    except PermissionError as exc:  # refused and audited by lib
        ok, message = False, f"Ditolak: {exc}"
    if ok:
        st.session_state["issue_flash"] = message
        st.rerun()
    st.error(message)
