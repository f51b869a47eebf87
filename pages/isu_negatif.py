"""Isu Negatif: negative mentions grouped into issues, each with its reach and a way to close it."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from lib.db import session_scope
from lib.issues import issue_mentions, list_issues, mark_issue_handled
from lib.models import utcnow
from lib.ui.context import page_context, scope_picker
from lib.workflow import STATUS_LABELS

ctx = page_context()
st.title("Isu Negatif")
c1, c2, c3 = st.columns(3)
with c1:
    scope = scope_picker(ctx, key="issues_scope")
days = c2.selectbox("Periode", [1, 3, 7, 14], index=2, format_func=lambda d: f"{d} hari terakhir")
status = c3.selectbox("Status isu", [None, "terbuka", "ditangani"],
                      format_func=lambda v: {None: "Semua", "terbuka": "Terbuka", "ditangani": "Ditangani"}[v])

with session_scope(ctx.engine) as s:
    issues = list_issues(s, scope, utcnow() - timedelta(days=days), status)

if flash := st.session_state.pop("issue_flash", None):
    st.success(flash)
if issues.empty:
    st.info("Tidak ada isu negatif pada periode dan cakupan ini.")
    st.stop()

table = pd.DataFrame({
    "id": issues["id"],
    "isu": [f"{t} ({n} sebutan, {u} unit)" for t, n, u in zip(issues["title"], issues["mentions"], issues["units"],
                                                                 strict=True)],
    "sebutan": issues["mentions"],
    "terbuka": issues["open_mentions"],
    "unit": issues["units"],
    "pertama": issues["first_seen"],
    "terakhir": issues["last_seen"],
    "status": issues["status"].map({"terbuka": "Terbuka", "ditangani": "Ditangani"}),
})
st.dataframe(table, hide_index=True, width="stretch", column_config={
    "isu": st.column_config.TextColumn("Isu", width="large"),
    "pertama": st.column_config.DatetimeColumn("Pertama terlihat (UTC)", format="DD MMM HH:mm"),
    "terakhir": st.column_config.DatetimeColumn("Terakhir terlihat (UTC)", format="DD MMM HH:mm"),
})

chosen = st.selectbox("Lihat isu", issues["id"].tolist(),
                      format_func=lambda i: str(table.loc[table["id"] == i, "isu"].iloc[0]))
row = issues[issues["id"] == chosen].iloc[0]
with session_scope(ctx.engine) as s:
    items = issue_mentions(s, scope, int(chosen))
    detail = pd.DataFrame([(m.id, m.unit.short_name, m.author_handle, m.text, STATUS_LABELS[m.status]) for m in items],
                          columns=["ID", "Unit", "Penulis", "Teks", "Status"])
st.dataframe(detail, hide_index=True, width="stretch",
             column_config={"Teks": st.column_config.TextColumn(width="large")})
with st.form("close_issue"):
    note = st.text_input("Catatan penanganan", max_chars=500)
    submit = st.form_submit_button("Tandai seluruh isu ditangani", type="primary",
                                   disabled=row["status"] == "ditangani")
if submit:
    with session_scope(ctx.engine) as s:
        ok, message = mark_issue_handled(s, scope, int(chosen), int(row["version"]), ctx.actor, note)
    if ok:
        st.session_state["issue_flash"] = message
        st.rerun()
    st.error(message)
