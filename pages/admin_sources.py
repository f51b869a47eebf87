"""Admin: Sumber Data — every registered source (lib/sources/registry.py) with its panel; for X:
on or off, reads billed this month and the month's projected spend, each account's schedule and errors;
for Meta (Instagram & Facebook): page tokens per unit and their expiry, each account's facts and errors.

A thin view: every figure comes from `lib.xbudget`, `lib.ledger`, `lib.meta_tokens` and
`lib.meta_status`; no token's value is ever read here.
"""

from __future__ import annotations

import streamlit as st

from lib import sync, xbudget
from lib.analysis import model_status
from lib.analysis.reanalyze import reanalyze_mentions
from lib.analysis.retrain import retrain
from lib.db import session_scope
from lib.formatting import money, number, percent
from lib.labels import VERIFIED_LABELS, for_display
from lib.sources import registry
from lib.sources.registry import SourceSpec
from lib.ui.alert_status import alert_delivery_panel
from lib.ui.context import page_context, scope_picker
from lib.ui.meta_admin import meta_panel

ZONE = "Asia/Jakarta"

ctx = page_context(sync=False, page="admin")  # this page syncs X only on request
settings, engine = ctx.settings, ctx.engine

st.title("Sumber Data")

with st.expander("Model analisis", expanded=False):
    status = model_status()
    (st.success if status.ok else st.warning)(status.message)
    st.caption("Pelatihan ulang memakai data dasar ditambah koreksi petugas di Kotak Masuk.")
    if st.button("Latih ulang model dengan koreksi"):
        with st.status("Melatih ulang model… (bisa beberapa menit)", expanded=False) as progress:
            with session_scope(ctx.engine) as s:
                report = retrain(s)
            progress.update(label="Model selesai dilatih ulang.", state="complete")
        st.success(f"Model dilatih ulang: {number(report.corrections)} koreksi dipakai.")
    st.caption("Setelah model berubah, analisis ulang sebutan yang tersimpan; koreksi petugas tetap dipakai.")
    if st.button("Analisis ulang semua sebutan"):
        bar = st.progress(0.0, text="Menyiapkan…")

        def _show(done: int, total: int) -> None:
            bar.progress(done / total if total else 1.0,
                         text=f"{number(done)} dari {number(total)} sebutan dianalisis")

        with session_scope(ctx.engine) as s:
            changed = reanalyze_mentions(s, progress=_show)
        st.success(f"Analisis ulang selesai: {number(changed)} sebutan berubah.")

alert_delivery_panel(ctx)

def x_panel(spec: SourceSpec) -> None:
    """The X source: token, budget and projected spend, accounts."""
    if not xbudget.x_enabled(settings):
        st.info("Sumber X belum aktif: belum ada token akses X yang dipasang.")
        st.markdown(
            "Untuk mengaktifkan sinkronisasi X, pasang *bearer token* dari aplikasi X Developer Anda, lalu "
            "mulai ulang Pantau:\n\n"
            f"- sebagai variabel lingkungan `{xbudget.TOKEN_ENV}`, atau\n"
            f"- sebagai kunci `{xbudget.TOKEN_SECRET_KEY}` di berkas `.streamlit/secrets.toml`.\n\n"
            "Atur juga kuota baca bulanan dengan `PANTAU_X_MONTHLY_READ_BUDGET` (bawaan 10.000). "
            "Token tidak pernah ditampilkan, dicatat, atau disimpan di basis data."
        )
        return

    st.success("Sumber X aktif (token terpasang).")
    scope = scope_picker(ctx, key="x_sources_scope")

    if st.button("Sinkronkan X sekarang", type="primary"):
        with st.status("Menyinkronkan akun X…", expanded=False) as progress:
            result = sync.sync_now(engine, settings, scope, spec.name)
            progress.update(label="Sinkronisasi X selesai.", state="complete" if not result.errors else "error")
        if result.status == "busy":
            st.info("Sinkronisasi lain sedang berjalan; coba lagi sebentar lagi.")
        elif result.errors:
            st.warning("Sinkronisasi X gagal: " + "; ".join(result.errors))
        else:
            st.success(f"Sinkronisasi X selesai: {number(result.new_mentions)} sebutan baru.")

    with session_scope(engine) as session:
        failure = xbudget.last_x_failure(session)
        budget = xbudget.budget_status(session, settings)
        accounts = xbudget.account_status(session, scope)

    if failure:
        st.warning(f"Sinkronisasi X gagal: {failure}. Data yang tampil adalah hasil sinkronisasi terakhir yang berhasil.")

    st.subheader("Kuota baca bulan ini (UTC)")
    st.caption("Dihitung seperti tagihan X: setiap kiriman dan pengguna sekali per hari UTC, "
               "berapa kali pun ia terbaca.")
    used, limit, left = st.columns(3)
    used.metric("Terpakai", number(budget.used))
    limit.metric("Anggaran bulanan", number(budget.budget))
    left.metric("Sisa", number(budget.remaining))
    st.progress(budget.share, text=f"{percent(budget.share)} dari anggaran; {number(budget.requests)} permintaan ke X")
    projection = budget.projection
    if projection is not None:
        spent, projected_reads, projected_spend = st.columns(3)
        spent.metric("Biaya sejauh ini", money(projection.spent, projection.currency))
        projected_reads.metric("Perkiraan baca akhir bulan", number(projection.projected))
        projected_spend.metric("Perkiraan biaya bulan ini", money(projection.projected_spend, projection.currency))
        st.caption(
            f"Perkiraan dengan laju yang sama sampai akhir bulan. Harga yang diasumsikan: "
            f"{money(projection.price_per_post, projection.currency, 3)} per kiriman dan "
            f"{money(projection.price_per_user, projection.currency, 3)} per pengguna "
            "(harga bayar-sesuai-pemakaian X; ubah dengan PANTAU_X_PRICE_PER_POST_READ dan "
            "PANTAU_X_PRICE_PER_USER_READ bila tagihan Anda berbeda)."
        )
        if projection.projected > budget.budget:
            st.warning("Dengan laju ini anggaran baca bulan ini akan habis sebelum akhir bulan.")

    st.subheader("Akun X")
    if accounts.empty:
        st.info("Tidak ada akun X aktif dalam cakupan ini.")
    else:
        st.dataframe(
            for_display(accounts.drop(columns=["account_id", "level"]), datetimes=("last_sync", "next_allowed"),
                        tz=ZONE, codes={"verified_type": VERIFIED_LABELS}, numbers=("followers",)),
            hide_index=True,
            column_config={
                "handle": st.column_config.TextColumn("Handle"),
                "unit": st.column_config.TextColumn("Satuan"),
                "user_id": st.column_config.TextColumn("ID pengguna X"),
                "verified_type": st.column_config.TextColumn("Verifikasi"),
                "followers": st.column_config.TextColumn("Pengikut"),
                "last_sync": st.column_config.TextColumn("Sinkron terakhir"),
                "next_allowed": st.column_config.TextColumn("Boleh sinkron lagi"),
                "last_error": st.column_config.TextColumn("Galat terakhir"),
                "last_warning": st.column_config.TextColumn("Peringatan terakhir"),
                "problem": st.column_config.TextColumn("Masalah akun"),
            },
        )


PANELS = {"x": x_panel, "meta": lambda spec: meta_panel(ctx, spec)}

for source_spec in registry.all_specs():
    panel = PANELS.get(source_spec.admin_panel or "")
    if panel is None:
        continue
    st.header(f"Sumber {source_spec.label}")
    panel(source_spec)
