"""Input & Impor: mentions from channels without an API — typed in by an admin, or a CSV file."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import streamlit as st

from lib.db import session_scope
from lib.intake import OPTIONAL, REQUIRED, add_manual, import_csv
from lib.models import PLATFORMS
from lib.ui.context import page_context
from lib.units import units_in_scope

ctx = page_context(sync=False)
st.title("Input & Impor")

with session_scope(ctx.engine) as s:
    units = {u.id: (u.name, u.timezone) for u in units_in_scope(s, ctx.scope)}

manual, upload = st.tabs(["Input manual", "Impor berkas CSV"])
with manual, st.form("manual", clear_on_submit=True):
    st.caption("Untuk aduan dari WhatsApp, LINE, telepon, atau platform tanpa akses API.")
    unit_id = st.selectbox("Unit", list(units), format_func=lambda i: units[i][0])
    platform = st.selectbox("Platform / kanal", PLATFORMS, index=PLATFORMS.index("whatsapp"))
    author = st.text_input("Pengirim (nama/akun, boleh kosong)", max_chars=100)
    text = st.text_area("Isi sebutan / aduan", max_chars=5000)
    c1, c2 = st.columns(2)
    day = c1.date_input("Tanggal (waktu setempat unit)")
    clock = c2.time_input("Jam (waktu setempat unit)")
    if st.form_submit_button("Simpan sebutan", type="primary"):
        when = datetime.combine(day, clock, ZoneInfo(units[unit_id][1]))
        with session_scope(ctx.engine) as s:
            result = add_manual(s, ctx.scope, unit_id, platform, text, when, ctx.actor, author)
        if result.ok:
            st.success("Sebutan disimpan." if result.new else "Sebutan yang sama sudah ada; tidak disimpan dua kali.")
        for err in result.errors:
            st.error(err)

with upload:
    st.caption(f"Kolom wajib: {', '.join(REQUIRED)}; opsional: {', '.join(OPTIONAL)}. Waktu ISO 8601 "
               "(tanpa zona = waktu setempat unit). Satu baris salah menolak seluruh berkas; tidak ada yang "
               "tersimpan sebagian.")
    file = st.file_uploader("Berkas CSV (UTF-8)", type=["csv"])
    if file is not None and st.button("Impor", type="primary"):
        with session_scope(ctx.engine) as s:
            result = import_csv(s, ctx.scope, file.getvalue(), ctx.actor, file.name)
            if not result.ok:
                s.rollback()
        if result.ok:
            st.success(f"Impor berhasil: {result.new} sebutan baru, {result.duplicates} sudah ada.")
        else:
            st.error(f"Impor dibatalkan, tidak ada yang disimpan ({len(result.errors)} masalah):")
            st.code("\n".join(result.errors[:50]), language=None)
