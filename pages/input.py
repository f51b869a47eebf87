"""Input & Impor: mentions from channels without an API — typed in by an admin, or a CSV file."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import streamlit as st

from lib.db import session_scope
from lib.formatting import local_label, number, zone_name
from lib.intake import OPTIONAL, REQUIRED, add_manual, import_csv
from lib.labels import PLATFORM_LABELS, label
from lib.models import PLATFORMS, utcnow
from lib.ui.context import page_context
from lib.ui.uploader import indonesian_uploader
from lib.units import units_in_scope

ctx = page_context(sync=False)
st.title("Input & Impor")

with session_scope(ctx.engine) as s:
    units = {u.id: (u.name, u.timezone) for u in units_in_scope(s, ctx.scope)}

manual, upload = st.tabs(["Input manual", "Impor berkas CSV"])
with manual:
    st.caption("Untuk aduan dari WhatsApp, LINE, telepon, atau platform tanpa akses API.")
    if done := st.session_state.pop("manual_done", None):
        st.success(done)
    # No silent default: the user's own unit, or he must choose (a wrong unit sends it to the wrong desk).
    own = ctx.actor.unit_id if ctx.actor.unit_id in units else None
    unit_id = st.selectbox("Unit", list(units), index=list(units).index(own) if own is not None else None,
                           format_func=lambda i: units[i][0], placeholder="Pilih unit penerima…", key="manual_unit")
    zone = units[unit_id][1] if unit_id is not None else "Asia/Jakarta"
    local_now = datetime.now(ZoneInfo(zone)).replace(second=0, microsecond=0)
    form_no = st.session_state.setdefault("manual_form_no", 0)  # a new form after each save: fields empty
    with st.form(f"manual_{form_no}", enter_to_submit=False):
        platform = st.selectbox("Platform / kanal", PLATFORMS, index=PLATFORMS.index("whatsapp"),
                                format_func=lambda p: label(PLATFORM_LABELS, p))
        author = st.text_input("Pengirim (nama/akun, boleh kosong)", max_chars=100)
        text = st.text_area("Isi sebutan / aduan", max_chars=5000)
        now = st.checkbox("Diterima sekarang", value=True,
                          help="Matikan untuk mencatat aduan yang diterima lebih awal, lalu isi tanggal dan jam.")
        c1, c2 = st.columns(2)
        day = c1.date_input(f"Tanggal diterima ({zone_name(zone)}, waktu setempat unit)", value=local_now.date(),
                            max_value=local_now.date(), format="DD/MM/YYYY", key=f"manual_day_{form_no}_{unit_id}")
        clock = c2.time_input(f"Jam diterima ({zone_name(zone)})", value=local_now.time(), step=60,
                              key=f"manual_clock_{form_no}_{unit_id}")
        submitted = st.form_submit_button("Simpan sebutan", type="primary")
    if submitted:
        if unit_id is None:
            st.error("Pilih unit penerima terlebih dahulu; isian Anda tidak hilang.")
        else:
            when = utcnow() if now else datetime.combine(day, clock, ZoneInfo(zone))
            with session_scope(ctx.engine) as s:
                result = add_manual(s, ctx.scope, unit_id, platform, text, when, ctx.actor, author)
            if result.ok:
                st.session_state["manual_done"] = (
                    f"Sebutan disimpan untuk {units[unit_id][0]}, diterima {local_label(when, zone)}."
                    if result.new else "Sebutan yang sama sudah ada; tidak disimpan dua kali.")
                st.session_state["manual_form_no"] = form_no + 1
                st.rerun()
            for err in result.errors:
                st.error(err)

with upload:
    st.caption(f"Kolom wajib: {', '.join(REQUIRED)}; opsional: {', '.join(OPTIONAL)}. Waktu ISO 8601 "
               "(tanpa zona = waktu setempat unit). Satu baris salah menolak seluruh berkas; tidak ada yang "
               "tersimpan sebagian.")
    indonesian_uploader(25, "CSV")
    file = st.file_uploader("Berkas CSV (UTF-8)", type=["csv"])
    if file is not None and st.button("Impor", type="primary"):
        with st.status("Mengimpor berkas…", expanded=False) as progress:
            with session_scope(ctx.engine) as s:
                result = import_csv(s, ctx.scope, file.getvalue(), ctx.actor, file.name)
                if not result.ok:
                    s.rollback()
            progress.update(label="Impor selesai." if result.ok else "Impor dibatalkan.",
                            state="complete" if result.ok else "error")
        if result.ok:
            st.success(f"Impor berhasil: {number(result.new)} sebutan baru, {number(result.duplicates)} sudah ada.")
        else:
            st.error(f"Impor dibatalkan, tidak ada yang disimpan ({number(len(result.errors))} masalah):")
            st.code("\n".join(result.errors[:50]), language=None)
