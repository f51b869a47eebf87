"""Pengguna & Audit (admin only): users, wall-display kiosk tokens, and the read-only audit log."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import streamlit as st

from lib.auth import ROLE_LABELS
from lib.db import session_scope
from lib.formatting import number
from lib.labels import (
    AUDIT_ACTION_LABELS,
    AUDIT_ENTITY_LABELS,
    AUDIT_OUTCOME_LABELS,
    STATUS_LABELS,
    for_display,
)
from lib.labels import (
    label as code_label,
)
from lib.metrics import Period
from lib.models import ROLES
from lib.ui.context import page_context
from lib.ui.safe import md, plain, plain_frame_columns
from lib.units import LEVEL_LABELS, units_in_scope
from lib.users import (
    UserError,
    create_kiosk_token,
    create_user,
    list_kiosk_tokens,
    list_users,
    reset_password,
    revoke_kiosk_token,
    search_log,
    set_active,
    unlock,
    update_user,
    user_detail,
)

ctx = page_context(sync=False, page="admin")
st.title("Pengguna & Audit")

with session_scope(ctx.engine) as s:
    units = {u.id: f"{LEVEL_LABELS[u.level]} · {u.name}" for u in units_in_scope(s, ctx.scope)}
    users = list_users(s, ctx.actor)
    tokens = list_kiosk_tokens(s, ctx.actor)
unit_options = [None, *units]


def unit_label(unit_id: int | None) -> str:
    return "— nasional (hanya admin) —" if unit_id is None else plain(units.get(unit_id, "?"), 120)


def act(fn, *args, success: str, **kwargs) -> tuple[bool, object]:
    """Run one admin change in its own unit of work; show the refusal, or keep a message and rerun
    (unless the caller still has something to store: `rerun=False`)."""
    rerun = kwargs.pop("rerun", True)
    try:
        with session_scope(ctx.engine) as s:
            value = fn(s, ctx.actor, *args, **kwargs)
    except (UserError, PermissionError) as exc:
        st.error(md(str(exc), None))
        return False, None
    st.session_state["admin_flash"] = success
    if rerun:
        st.rerun()
    return True, value


if flash := st.session_state.pop("admin_flash", None):
    st.success(md(flash, None))

tab_users, tab_kiosk, tab_audit = st.tabs(["Pengguna", "Token layar dinding", "Jejak audit"])

with tab_users:
    shown_users = plain_frame_columns(for_display(users, datetimes=("last_login_at",), codes={"role": ROLE_LABELS}),
                                      ["username", "display_name", "email", "unit"], 200)
    st.dataframe(shown_users,
                 hide_index=True, width="stretch", column_config={
                     "id": st.column_config.NumberColumn("ID", width="small"), "username": "Nama pengguna",
                     "display_name": "Nama", "email": "Email (SSO)", "role": "Peran", "unit": "Unit",
                     "active": st.column_config.CheckboxColumn("Aktif"),
                     "locked": st.column_config.CheckboxColumn("Terkunci"), "failed_attempts": "Gagal masuk",
                     "last_login_at": "Terakhir masuk",
                     "sso": st.column_config.CheckboxColumn("Hanya SSO")})
    left, right = st.columns(2)
    with left, st.form("create_user", clear_on_submit=True, enter_to_submit=False):
        st.markdown("**Pengguna baru**")
        username = st.text_input("Nama pengguna", max_chars=40)
        display_name = st.text_input("Nama tampilan", max_chars=100)
        role = st.selectbox("Peran", ROLES, format_func=ROLE_LABELS.get)
        unit_id = st.selectbox("Unit", unit_options, format_func=unit_label)
        email = st.text_input("Email (untuk SSO, boleh kosong)", max_chars=200)
        password = st.text_input("Kata sandi awal (min. 10 karakter; kosong = hanya SSO)", type="password",
                                 max_chars=200)
        if st.form_submit_button("Buat pengguna", type="primary"):
            act(create_user, username, role, password=password or None, display_name=display_name,
                unit_id=unit_id, email=email, success=f"Pengguna {username.strip().lower()} dibuat.")
    with right:
        if users.empty:
            st.caption("Belum ada pengguna.")
        else:
            chosen = st.selectbox("Ubah pengguna", users["id"].tolist(), format_func=lambda i: plain(
                users.loc[users["id"] == i, "username"].iloc[0], 40))
            with session_scope(ctx.engine) as s:
                current = user_detail(s, ctx.actor, int(chosen))
            with st.form(f"edit_user_{chosen}", enter_to_submit=False):
                e_role = st.selectbox("Peran", ROLES, index=ROLES.index(current["role"]), format_func=ROLE_LABELS.get)
                e_unit = st.selectbox("Unit", unit_options, index=unit_options.index(current["unit_id"])
                                      if current["unit_id"] in unit_options else 0, format_func=unit_label)
                e_name = st.text_input("Nama tampilan", value=current["display_name"], max_chars=100)
                e_email = st.text_input("Email (SSO)", value=current["email"], max_chars=200)
                if st.form_submit_button("Simpan perubahan"):
                    act(update_user, int(chosen), role=e_role, unit_id=e_unit, display_name=e_name,
                        email=e_email, success="Pengguna diperbarui.")
            with st.form(f"reset_{chosen}", clear_on_submit=True, enter_to_submit=False):
                new_pw = st.text_input("Kata sandi baru (membuka kunci dan mengakhiri sesi lama)", type="password",
                                       max_chars=200)
                if st.form_submit_button("Setel ulang kata sandi"):
                    act(reset_password, int(chosen), new_pw, success="Kata sandi disetel ulang; kunci dibuka.")
            c1, c2 = st.columns(2)
            if c1.button("Buka kunci", key=f"unlock_{chosen}"):
                act(unlock, int(chosen), success="Kunci dibuka.")
            label = "Nonaktifkan" if current["active"] else "Aktifkan kembali"
            if c2.button(label, key=f"active_{chosen}"):
                act(set_active, int(chosen), not current["active"], success=f"Pengguna: {label.lower()} berhasil.")

with tab_kiosk:
    if new := st.session_state.pop("new_kiosk", None):
        st.warning("Salin alamat ini sekarang: token hanya ditampilkan sekali dan tidak disimpan.")
        st.code(f"?kiosk={new['token']}", language=None)
        st.caption(f"Untuk {md(new['unit'])} · buka di layar dinding: alamat Pantau diikuti teks di atas.")
    with st.form("create_kiosk", clear_on_submit=True, enter_to_submit=False):
        k_label = st.text_input("Nama layar", max_chars=100, placeholder="mis. Layar ruang komando Polres")
        k_unit = st.selectbox("Cakupan", list(units), format_func=unit_label)
        if st.form_submit_button("Buat token", type="primary"):
            ok, made = act(create_kiosk_token, k_label, unit_id=k_unit, success="Token layar dibuat.", rerun=False)
            if ok:
                st.session_state["new_kiosk"] = {"token": made.token, "unit": made.unit_name}
                st.rerun()
    st.dataframe(plain_frame_columns(for_display(tokens, datetimes=("created_at", "last_used_at", "revoked_at")),
                                     ["label", "unit", "created_by"], 200), hide_index=True,
                 width="stretch", column_config={
                     "id": st.column_config.NumberColumn("ID", width="small"), "label": "Nama layar",
                     "unit": "Cakupan", "created_by": "Dibuat oleh",
                     "created_at": "Dibuat", "last_used_at": "Terakhir dipakai", "revoked_at": "Dicabut",
                     "active": st.column_config.CheckboxColumn("Berlaku")})
    live = tokens[tokens["active"]] if not tokens.empty else tokens
    if not live.empty:
        with st.form("revoke_kiosk", enter_to_submit=False):
            r_id = st.selectbox("Cabut token", live["id"].tolist(), format_func=lambda i: f"#{i} · " + plain(
                live.loc[live["id"] == i, "label"].iloc[0], 100))
            if st.form_submit_button("Cabut (layar padam pada penyegaran berikutnya)"):
                act(revoke_kiosk_token, int(r_id), success=f"Token #{r_id} dicabut.")

with tab_audit:
    st.caption("Catatan audit hanya dapat dibaca; tidak ada peran yang dapat mengubah atau menghapusnya.")
    f1, f2, f3, f4 = st.columns(4)
    entity = f1.selectbox("Jenis", [None, "mention", "issue", "user", "kiosk", "account", "import"],
                          format_func=lambda v: "Semua" if v is None else code_label(AUDIT_ENTITY_LABELS, v))
    outcome = f2.selectbox("Hasil", [None, "ok", "conflict", "denied"],
                           format_func=lambda v: "Semua" if v is None else code_label(AUDIT_OUTCOME_LABELS, v))
    actor = f3.text_input("Oleh (nama pengguna)", max_chars=100)
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    period = f4.date_input("Rentang tanggal (WIB)", value=(today - timedelta(days=7), today), max_value=today,
                           format="DD/MM/YYYY")
    since = until = None
    if isinstance(period, tuple) and len(period) == 2:
        days = Period.local_days(period[0], period[1], "Asia/Jakarta")
        since, until = days.since, days.until
    with session_scope(ctx.engine) as s:
        log = search_log(s, ctx.actor, entity=entity, outcome=outcome, actor=actor, since=since, until=until)
    st.caption(f"{number(len(log))} catatan (maks. 1.000 terbaru) · waktu dalam WIB")
    # Missing values become "–" before the text is made plain (plain() of a missing value read "nan").
    st.dataframe(plain_frame_columns(for_display(log, datetimes=("at",), codes={
                     "entity": AUDIT_ENTITY_LABELS, "action": AUDIT_ACTION_LABELS, "outcome": AUDIT_OUTCOME_LABELS,
                     "from_value": STATUS_LABELS, "to_value": STATUS_LABELS}),
                     ["actor", "from_value", "to_value", "note"], 1000),
                 hide_index=True, width="stretch", column_config={
                     "at": "Waktu",
                     "actor": "Oleh", "entity": "Jenis", "entity_id": "ID", "action": "Tindakan",
                     "from_value": "Dari", "to_value": "Ke", "note": "Catatan", "outcome": "Hasil"})
