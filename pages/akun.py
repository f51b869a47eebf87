"""Akun & Verifikasi: every unit × platform against the verified-account mandate."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.accounts import (
    MISSING,
    PLATFORM_LABELS,
    UNKNOWN,
    UNVERIFIED,
    VERIFIED,
    accounts_table,
    compliance_by_unit,
    compliance_rollup,
    mandate_platforms,
)
from lib.charts import share_chart
from lib.db import session_scope
from lib.formatting import local_label, number, percent
from lib.models import MANDATED_PLATFORMS
from lib.ui.context import page_context, scope_picker
from lib.units import units_in_scope

ICONS = {VERIFIED: "✅ terverifikasi", UNVERIFIED: "❌ belum", UNKNOWN: "❔ tidak diketahui", MISSING: "— tidak ada"}
LEVELS = {"polda": "Polda", "polres": "Polres", "polsek": "Polsek"}
CHECK_TYPES = {"government": "Pemerintah (abu-abu)", "business": "Organisasi (emas)", "blue": "Biru (berbayar)",
               "none": "Tanpa centang"}

ctx = page_context(sync=False)
st.title("Akun & Verifikasi")
scope = scope_picker(ctx, key="accounts_scope")
required = mandate_platforms()
st.caption("Mandat: setiap Polda, Polres dan Polsek memiliki akun terverifikasi (centang biru) di "
           + ", ".join(PLATFORM_LABELS[p] for p in required) + ".")

with session_scope(ctx.engine) as s:
    comp = compliance_by_unit(s, scope)

if comp.empty:
    st.info("Tidak ada unit dalam cakupan ini.")
    st.stop()

c1, c2, c3 = st.columns(3)
c1.metric("Unit dalam cakupan", number(len(comp)))
c2.metric("Memenuhi mandat", number(int(comp["compliant"].sum())))
c3.metric("Kepatuhan", percent(float(comp["compliant"].mean())))

# One view at a time (not tabs): tabs would read and send all four on every run, ~17k account
# rows and the 5,500-unit matrix nationally, which cost more than the page itself.
VIEWS = ["Per Polres & Polda", "Unit × platform", "Belum terverifikasi", "Semua akun"]
view = st.segmented_control("Tampilan", VIEWS, default=VIEWS[0], key="accounts_view") or VIEWS[0]
if view == VIEWS[0]:
    with session_scope(ctx.engine) as s:
        per_polda = compliance_rollup(s, scope, "polda", comp)
        per_polres = compliance_rollup(s, scope, "polres", comp)
    for title, frame in (("Per Polda", per_polda), ("Per Polres", per_polres)):
        if frame.empty:
            continue
        st.subheader(title)
        st.altair_chart(share_chart(frame), width="stretch")
    st.caption("Setiap baris: bagian unit (dirinya dan unit di bawahnya) yang terverifikasi di semua platform wajib.")
elif view == VIEWS[1]:
    matrix = comp[["name", "level", *MANDATED_PLATFORMS, "compliant"]].copy()
    matrix["level"] = matrix["level"].map(LEVELS)
    for p in MANDATED_PLATFORMS:
        matrix[p] = matrix[p].map(ICONS)
    st.dataframe(matrix, hide_index=True, width="stretch", column_config={
        "name": "Unit", "level": "Tingkat", "compliant": st.column_config.CheckboxColumn("Patuh"),
        **{p: PLATFORM_LABELS[p] for p in MANDATED_PLATFORMS}})
elif view == VIEWS[2]:
    missing = comp[~comp["compliant"]][["name", "level", "missing"]]
    missing = missing.assign(level=missing["level"].map(LEVELS))
    st.dataframe(missing, hide_index=True, width="stretch",
                 column_config={"name": "Unit", "level": "Tingkat", "missing": "Belum terverifikasi / belum ada"})
else:
    with session_scope(ctx.engine) as s:
        accounts = accounts_table(s, scope)
        zones = {u.name: u.timezone for u in units_in_scope(s, scope)}
    checked = [local_label(t.to_pydatetime() if hasattr(t, "to_pydatetime") else t, zones.get(u, "Asia/Jakarta"))
               if t is not None and not pd.isna(t) else "belum pernah"
               for t, u in zip(accounts["last_checked_at"], accounts["unit"], strict=True)]
    shown = accounts.assign(platform=accounts["platform"].map(PLATFORM_LABELS), state=accounts["state"].map(ICONS),
                            level=accounts["level"].map(LEVELS), last_checked_at=checked,
                            verified_type=accounts["verified_type"].map(CHECK_TYPES).fillna("–"),
                            problem=accounts["problem"].fillna(""), handle=accounts["handle"].fillna(""),
                            followers=[number(f) if f is not None and not pd.isna(f) else "–"
                                       for f in accounts["followers"]])
    st.dataframe(shown.drop(columns=["account_id"]), hide_index=True, width="stretch", column_config={
        "unit": "Unit", "level": "Tingkat", "platform": "Platform", "handle": "Akun", "state": "Verifikasi",
        "verified_type": "Jenis centang", "followers": st.column_config.TextColumn("Pengikut"),
        "last_checked_at": st.column_config.TextColumn("Terakhir dicek (waktu unit)"),
        "problem": "Masalah"})
