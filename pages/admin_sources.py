"""Admin: the X source — on or off, reads spent this month, and each account's schedule and errors.

A thin view: every figure comes from `lib.xbudget`; the token's value is never read here.
"""

from __future__ import annotations

import streamlit as st

from lib import formatting, xbudget
from lib.analysis import model_status
from lib.analysis.reanalyze import reanalyze_mentions
from lib.analysis.retrain import retrain
from lib.db import session_scope
from lib.ui.context import page_context, scope_picker

ZONE = "Asia/Jakarta"

ctx = page_context(sync=False, page="admin")  # this page syncs X only on request
settings, engine = ctx.settings, ctx.engine

st.title("Sumber data X")

with st.expander("Model analisis", expanded=False):
    status = model_status()
    (st.success if status.ok else st.warning)(status.message)
    st.caption("Pelatihan ulang memakai data dasar ditambah koreksi petugas di Kotak Masuk.")
    if st.button("Latih ulang model dengan koreksi"):
        with st.spinner("Melatih ulang…"), session_scope(ctx.engine) as s:
            report = retrain(s)
        st.success(f"Model dilatih ulang: {report.corrections} koreksi dipakai.")
    st.caption("Setelah model berubah, analisis ulang sebutan yang tersimpan; koreksi petugas tetap dipakai.")
    if st.button("Analisis ulang semua sebutan"):
        bar = st.progress(0.0, text="Menyiapkan…")

        def _show(done: int, total: int) -> None:
            bar.progress(done / total if total else 1.0,
                         text=f"{formatting.number(done)} dari {formatting.number(total)} sebutan dianalisis")

        with session_scope(ctx.engine) as s:
            changed = reanalyze_mentions(s, progress=_show)
        st.success(f"Analisis ulang selesai: {formatting.number(changed)} sebutan berubah.")


if not xbudget.x_enabled(settings):
    st.info("Sumber X belum aktif: belum ada token akses X yang dipasang.")
    st.markdown(
        f"""
Untuk mengaktifkan sinkronisasi X, pasang *bearer token* dari aplikasi X Developer Anda, lalu
mulai ulang Pantau:

- sebagai variabel lingkungan `{xbudget.TOKEN_ENV}`, atau
- sebagai kunci `{xbudget.TOKEN_SECRET_KEY}` di berkas `.streamlit/secrets.toml`.

Atur juga kuota baca bulanan dengan `PANTAU_X_MONTHLY_READ_BUDGET` (bawaan 10.000).
Token tidak pernah ditampilkan, dicatat, atau disimpan di basis data.
"""
    )
    st.stop()

st.success("Sumber X aktif (token terpasang).")
scope = scope_picker(ctx, key="x_sources_scope")

if st.button("Sinkronkan X sekarang", type="primary"):
    with st.spinner("Menyinkronkan akun X…"):
        result = xbudget.sync_x_now(engine, settings, scope)
    if result.status == "busy":
        st.info("Sinkronisasi lain sedang berjalan; coba lagi sebentar lagi.")
    elif result.errors:
        st.warning("Sinkronisasi X gagal: " + "; ".join(result.errors))
    else:
        st.success(f"Sinkronisasi X selesai: {result.new_mentions} sebutan baru.")

with session_scope(engine) as session:
    failure = xbudget.last_x_failure(session)
    budget = xbudget.budget_status(session, settings)
    accounts = xbudget.account_status(session, scope)

if failure:
    st.warning(f"Sinkronisasi X gagal: {failure}. Data yang tampil adalah hasil sinkronisasi terakhir yang berhasil.")

st.subheader("Kuota baca bulan ini (UTC)")
used, limit, left = st.columns(3)
used.metric("Terpakai", f"{budget.used:,}".replace(",", "."))
limit.metric("Anggaran bulanan", f"{budget.budget:,}".replace(",", "."))
left.metric("Sisa", f"{budget.remaining:,}".replace(",", "."))
st.progress(budget.share, text=f"{budget.share:.0%} dari anggaran; {budget.requests} permintaan ke X")

st.subheader("Akun X")
if accounts.empty:
    st.info("Tidak ada akun X aktif dalam cakupan ini.")
else:
    st.dataframe(
        accounts.drop(columns=["account_id", "level"]),
        hide_index=True,
        column_config={
            "handle": st.column_config.TextColumn("Handle"),
            "unit": st.column_config.TextColumn("Satuan"),
            "user_id": st.column_config.TextColumn("ID pengguna X"),
            "verified_type": st.column_config.TextColumn("Verifikasi"),
            "followers": st.column_config.NumberColumn("Pengikut", format="localized"),
            "last_sync": st.column_config.DatetimeColumn("Sinkron terakhir (WIB)", timezone=ZONE,
                                                         format="D MMM YYYY, HH:mm"),
            "next_allowed": st.column_config.DatetimeColumn("Boleh sinkron lagi (WIB)", timezone=ZONE,
                                                            format="D MMM YYYY, HH:mm"),
            "last_error": st.column_config.TextColumn("Galat terakhir"),
            "problem": st.column_config.TextColumn("Masalah akun"),
        },
    )

