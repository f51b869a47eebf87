"""The Instagram / Facebook (Meta) part of the Sumber Data page: token entry, expiry warnings, accounts.

A token typed here is encrypted and stored at once; it is never shown again, never put in the
session state beyond the submitted form, and never logged. The registry's "meta" panel
(`SourceSpec.admin_panel`), drawn by pages/admin_sources.py under the source's heading.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from sqlalchemy import select

from lib import meta_status, meta_tokens
from lib.db import session_scope
from lib.formatting import DASH, day_label, number
from lib.labels import for_display
from lib.models import Unit
from lib.sources.registry import SourceSpec
from lib.sync import sync_now
from lib.ui.safe import md, plain_frame_columns

ZONE = "Asia/Jakarta"


def meta_panel(ctx, spec: SourceSpec) -> None:
    """Draw the Meta section for an admin within the page's scope."""
    scope = ctx.scope
    if not meta_tokens.key_configured():
        st.info("Sumber Meta belum aktif: kunci enkripsi token belum dipasang.")
        st.markdown(
            f"""
Buat kunci dengan `python -m lib.meta_tokens generate-key`, simpan sebagai variabel lingkungan
`{meta_tokens.KEY_ENV}` (atau `meta_token_key` di `.streamlit/secrets.toml`), lalu mulai ulang Pantau.
Setelah itu token halaman Facebook tiap satuan dapat dipasang di sini. Lihat `docs/meta-source.md`.
"""
        )
        return
    # Poll first, so the tables below show what the poll found.
    if st.button("Sinkronkan Instagram & Facebook sekarang"):
        with st.spinner("Menyinkronkan akun Instagram dan Facebook…"):
            result = sync_now(ctx.engine, ctx.settings, scope, spec.name)
        if result.status == "busy":
            st.info("Sinkronisasi lain sedang berjalan; coba lagi sebentar lagi.")
        elif result.errors:
            st.warning("Sebagian akun gagal: " + "; ".join(md(e) for e in result.errors))
        else:
            st.success(f"Sinkronisasi Meta selesai: {number(result.new_mentions)} sebutan baru.")

    with session_scope(ctx.engine) as s:
        warned = meta_tokens.warnings(s, scope)
        tokens = meta_tokens.token_status(s, scope)
        accounts = meta_status.account_status(s, scope)
        units = s.execute(select(Unit.id, Unit.name).where(scope.unit_clause(), Unit.active)
                          .order_by(Unit.path)).all()
    for w in warned:
        when = f" ({day_label(w.expires_at.date())})" if w.expires_at else ""
        st.warning(f"Token Meta {md(w.unit)}: {w.state}{when}. Pasang token baru di bawah.")

    st.subheader("Token halaman per satuan")
    if tokens.empty:
        st.info("Belum ada akun Instagram/Facebook atau token dalam cakupan ini.")
    else:
        shown = for_display(tokens.drop(columns=["unit_id"]), datetimes=("set_at", "last_ok_at"), tz=ZONE)
        shown = plain_frame_columns(shown, ["unit", "accounts", "last_error", "set_by"])
        # The expiry as the admin entered it (a UTC calendar day), in Indonesian: "5 Des 2026".
        shown["expires_at"] = [day_label(v.date()) if v is not None and not pd.isna(v) else DASH
                               for v in tokens["expires_at"]]
        st.dataframe(
            shown,
            hide_index=True,
            column_order=["unit", "state", "expires_at", "accounts", "last_ok_at", "last_error", "set_at", "set_by",
                          "code"],
            column_config={
                "unit": st.column_config.TextColumn("Satuan"),
                "code": st.column_config.TextColumn("Kode"),
                "accounts": st.column_config.TextColumn("Akun"),
                "state": st.column_config.TextColumn("Status token"),
                "expires_at": st.column_config.TextColumn("Kedaluwarsa"),
                "set_at": st.column_config.TextColumn("Dipasang"),
                "set_by": st.column_config.TextColumn("Oleh"),
                "last_ok_at": st.column_config.TextColumn("Terakhir diterima Meta"),
                "last_error": st.column_config.TextColumn("Galat token"),
            },
        )

    if flash := st.session_state.pop("meta_token_saved", None):
        st.success(flash)
    # A new form identity after each save, so the typed token is gone from the widget too.
    with st.form(f"meta_token_form_{st.session_state.get('meta_token_form_n', 0)}", clear_on_submit=True):
        st.markdown("**Pasang atau ganti token halaman** (disimpan terenkripsi, tidak pernah ditampilkan lagi)")
        labels = {uid: name for uid, name in units}
        unit_id = st.selectbox("Satuan", list(labels), format_func=lambda v: labels[v]) if labels else None
        token = st.text_input("Token akses halaman (berlaku lama)", type="password")
        no_expiry = st.checkbox("Token tidak kedaluwarsa", value=False)
        expires = st.date_input("Tanggal kedaluwarsa", value=dt.date.today() + dt.timedelta(days=60),
                                format="DD/MM/YYYY")
        submitted = st.form_submit_button("Simpan token", type="primary")
    if submitted:
        _save(ctx, unit_id, token, None if no_expiry else expires)

    st.subheader("Akun Instagram & Facebook")
    if accounts.empty:
        st.info("Tidak ada akun Instagram/Facebook aktif dalam cakupan ini.")
        return
    # Indonesian figures and WIB times as text ("3.400", "30 Nov 2026 11:17 WIB", "–"), not the browser's locale.
    shown = for_display(accounts.drop(columns=["account_id"]), datetimes=("last_sync", "next_allowed"), tz=ZONE,
                        numbers=("followers",)).replace("", DASH)
    shown = plain_frame_columns(shown, ["handle", "unit", "last_error", "problem"])
    st.dataframe(
        shown,
        hide_index=True,
        column_config={
            "platform": st.column_config.TextColumn("Platform"),
            "handle": st.column_config.TextColumn("Akun"),
            "unit": st.column_config.TextColumn("Satuan"),
            "user_id": st.column_config.TextColumn("ID Meta"),
            "verified_type": st.column_config.TextColumn("Verifikasi"),
            "followers": st.column_config.TextColumn("Pengikut"),
            "last_sync": st.column_config.TextColumn("Sinkron terakhir"),
            "next_allowed": st.column_config.TextColumn("Boleh sinkron lagi"),
            "last_error": st.column_config.TextColumn("Galat terakhir"),
            "problem": st.column_config.TextColumn("Masalah akun"),
        },
    )


def _save(ctx, unit_id: int | None, token: str, expires: dt.date | None) -> None:
    if unit_id is None:
        st.error("Pilih satuan terlebih dahulu.")
        return
    when = dt.datetime(expires.year, expires.month, expires.day, 23, 59, tzinfo=dt.UTC) if expires else None
    try:
        with session_scope(ctx.engine) as s:
            meta_tokens.set_token(s, unit_id, token, str(ctx.actor), when, scope=ctx.scope)
    except meta_tokens.TokenError as exc:
        st.error(str(exc))
        return
    st.session_state["meta_token_form_n"] = st.session_state.get("meta_token_form_n", 0) + 1
    st.session_state["meta_token_saved"] = "Token tersimpan terenkripsi. Token tidak akan ditampilkan lagi."
    st.rerun()
