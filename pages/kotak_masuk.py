"""Kotak Masuk: the inbox, filtered and ordered, with a quick status dialog and bulk marking."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from lib import audit
from lib.corrections import NO_FUNCTION, correct_analysis
from lib.db import session_scope
from lib.formatting import duration_minutes as minutes_text
from lib.formatting import local_label, number
from lib.mentions import MentionFilter, count_mentions, get_mention, list_mentions
from lib.metrics import Period
from lib.models import FLAGS, FUNCTIONS, PLATFORMS, STATUSES
from lib.ui.context import page_context, scope_picker
from lib.ui.safe import md, plain
from lib.workflow import STATUS_LABELS, allowed_next, change_many, change_status

SENTIMENT_LABELS = {"negative": "Negatif", "neutral": "Netral", "positive": "Positif"}
PAGE_SIZE = 100
COUNT_CAP = 10_000  # counting stops here: 100 pages, and a cold national inbox stays fast at any size

ctx = page_context()
st.title("Kotak Masuk")

with st.container(border=True):
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        scope = scope_picker(ctx, key="inbox_scope")
    statuses = c2.multiselect("Status", STATUSES, default=["baru", "diteruskan", "ditangani"],
                              format_func=STATUS_LABELS.get)
    sentiments = c3.multiselect("Sentimen", list(SENTIMENT_LABELS), format_func=SENTIMENT_LABELS.get)
    platforms = c4.multiselect("Platform", PLATFORMS)
    c5, c6, c7, c8 = st.columns(4)
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    period = c5.date_input("Rentang tanggal", value=(today - timedelta(days=14), today), max_value=today)
    text = c6.text_input("Cari teks atau akun", max_chars=100)
    order = c7.radio("Urutan", ["newest", "oldest_unanswered"], horizontal=True,
                     format_func={"newest": "Terbaru", "oldest_unanswered": "Terlama belum dijawab"}.get)
    unanswered_only = c8.toggle("Hanya yang belum dijawab")

since = until = None
if isinstance(period, tuple) and len(period) == 2:
    days = Period.local_days(period[0], period[1], "Asia/Jakarta")
    since, until = days.since, days.until
flt = MentionFilter(statuses=statuses, sentiments=sentiments, platforms=platforms, since=since, until=until,
                    text=text, unanswered_only=unanswered_only, order=order)
sla = ctx.settings.sla_minutes

with session_scope(ctx.engine) as s:
    total = count_mentions(s, scope, flt, cap=COUNT_CAP)
    pages_count = max(1, -(-total // PAGE_SIZE))
    page_no = st.number_input(f"Halaman (dari {pages_count})", 1, pages_count, 1) if pages_count > 1 else 1
    frame = list_mentions(s, scope, flt, sla, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE)

st.caption(f"{number(total)}{'+' if total >= COUNT_CAP else ''} sebutan cocok · SLA bawaan {sla} menit · waktu menurut zona unit (WIB/WITA/WIT)")


def _close_dialog() -> None:
    st.session_state.pop("dialog_mention", None)


@st.dialog("Ubah status sebutan", width="large", on_dismiss=_close_dialog)
def status_dialog(mention_id: int) -> None:
    with session_scope(ctx.engine) as s:
        m = get_mention(s, scope, mention_id)
        if m is None:
            st.error("Sebutan tidak ditemukan atau di luar cakupan Anda.")
            return
        tz = m.unit.timezone
        st.caption(f"{md(m.unit.name)} · {m.platform} · {local_label(m.created_at, tz)}")
        st.text(f"@{plain(m.author_handle, 100) or '-'} ({plain(m.author_name, 100) or '-'})")  # untrusted
        body = plain(m.text)  # untrusted: plain text only, never Markdown
        with st.container(height=320 if len(body) > 1500 else "content"):  # a huge text must not bury the form
            st.text(body)
        st.caption(f"Status sekarang: {STATUS_LABELS[m.status]}"
                   + (f" → {m.forwarded_to}" if m.forwarded_to else "")
                   + (f" · dijawab {local_label(m.answered_at, tz)} ({m.answered_by})" if m.answered_at else ""))
        # The version the user saw when the dialog opened, not the one re-read when he submits: a change
        # by someone else in between must come back as a conflict, never be silently overwritten.
        version = st.session_state.setdefault(f"seen_version_{mention_id}", m.version)
        options = allowed_next(m.status)
        history = [(local_label(e.at, tz), e.actor, e.from_value, e.to_value, plain(e.note, 1000), e.outcome)
                   for e in audit.history(s, "mention", m.id)]
    with st.form(f"status_form_{mention_id}"):
        new = st.selectbox("Status baru", options, format_func=STATUS_LABELS.get)
        function = st.selectbox("Teruskan ke fungsi (untuk 'Diteruskan')", [None, *FUNCTIONS],
                                format_func=lambda f: "—" if f is None else f)
        note = st.text_area("Catatan", max_chars=1000)
        submitted = st.form_submit_button("Simpan", type="primary")
    if submitted:
        try:
            with session_scope(ctx.engine) as s:
                result = change_status(s, scope, mention_id, version, new, ctx.actor, note, function)
        except PermissionError as exc:  # refused and audited by lib
            st.error(f"Ditolak: {exc}")
            return
        st.session_state.pop(f"seen_version_{mention_id}", None)  # reopening shows the fresh state
        if result.ok:
            st.session_state["flash"] = result.message
            _close_dialog()
            st.rerun()
        st.error(result.message)
    with st.expander("Koreksi analisis (untuk melatih ulang model)"):
        with st.form(f"correct_{mention_id}"):
            c_sent = st.selectbox("Sentimen", [None, *SENTIMENT_LABELS], key=f"cs_{mention_id}",
                                  format_func=lambda v: "— tidak diubah" if v is None else SENTIMENT_LABELS[v])
            c_flags = st.multiselect("Penanda (ganti seluruhnya)", list(FLAGS), key=f"cf_{mention_id}")
            c_keep_flags = st.checkbox("Penanda tidak diubah", value=True, key=f"ck_{mention_id}")
            c_func = st.selectbox("Fungsi", [None, *FUNCTIONS, NO_FUNCTION], key=f"cfn_{mention_id}",
                                  format_func=lambda v: {None: "— tidak diubah", NO_FUNCTION: "Bukan urusan Polri"}.get(v, v))
            if st.form_submit_button("Simpan koreksi"):
                with session_scope(ctx.engine) as s:
                    res = correct_analysis(s, scope, mention_id, ctx.actor, sentiment=c_sent,
                                           flags=None if c_keep_flags else set(c_flags), function=c_func)
                if res.ok:  # our own correction moved the version; the status form must not call it a conflict
                    st.session_state[f"seen_version_{mention_id}"] = res.version
                (st.success if res.ok else st.error)(res.message)
    st.markdown("**Jejak audit**")
    if history:
        st.dataframe(pd.DataFrame(history, columns=["Waktu", "Oleh", "Dari", "Ke", "Catatan", "Hasil"]),
                     hide_index=True, width="stretch")
    else:
        st.caption("Belum ada perubahan.")


if flash := st.session_state.pop("flash", None):
    st.success(flash)

if frame.empty:
    st.info("Tidak ada sebutan yang cocok dengan filter.")
    st.stop()

view = pd.DataFrame({
    "pilih": False,
    "id": frame["id"],
    "waktu": frame["local_time"],
    "unit": frame["unit"],
    "platform": frame["platform"],
    "penulis": [plain(a, 100) for a in frame["author"]],
    "teks": [plain(t, 2000) for t in frame["text"]],
    "sentimen": frame["sentiment"].map(SENTIMENT_LABELS),
    "fungsi": frame["function"],
    "status": frame["status"].map(STATUS_LABELS),
    "umur": [("⏰ " if od else "") + minutes_text(a) for a, od in zip(frame["age_minutes"], frame["overdue"], strict=True)],
    "lewat_sla": frame["overdue"],
})
edited = st.data_editor(
    view, hide_index=True, width="stretch", key=f"inbox_{page_no}",
    disabled=[c for c in view.columns if c != "pilih"],
    column_config={
        "pilih": st.column_config.CheckboxColumn("✓", width="small"),
        "id": st.column_config.NumberColumn("ID", width="small"),
        "teks": st.column_config.TextColumn("Teks", width="large"),
        "umur": st.column_config.TextColumn("Umur / waktu respons", help="⏰ = lewat SLA unit"),
        "lewat_sla": st.column_config.CheckboxColumn("Lewat SLA"),
    },
)
chosen = edited.loc[edited["pilih"], "id"].tolist()
versions = dict(zip(frame["id"], frame["version"], strict=True))
# Bulk changes use the versions of the table the user was looking at (the previous run), so a row
# changed by someone else since then is reported as a conflict instead of being overwritten.
seen_versions = st.session_state.get("inbox_seen_versions", {})
st.session_state["inbox_seen_versions"] = {int(k): int(v) for k, v in versions.items()}

b1, b2 = st.columns([2, 3])
with b1, st.container(border=True):
    st.markdown("**Ubah satu sebutan**")
    one = st.selectbox("Pilih ID", frame["id"].tolist(), key="one_id")
    if st.button("Buka formulir status", key="open_dialog"):
        st.session_state["dialog_mention"] = int(one)
        st.session_state.pop(f"seen_version_{int(one)}", None)
if (open_id := st.session_state.get("dialog_mention")) is not None:
    status_dialog(open_id)
with b2, st.container(border=True):
    st.markdown(f"**Tandai sekaligus** ({len(chosen)} dipilih)")
    with st.form("bulk"):
        bulk_status = st.selectbox("Status", ["ditangani", "selesai", "diabaikan", "diteruskan"],
                                   format_func=STATUS_LABELS.get)
        bulk_function = st.selectbox("Fungsi (untuk 'Diteruskan')", [None, *FUNCTIONS],
                                     format_func=lambda f: "—" if f is None else f)
        bulk_note = st.text_input("Catatan", max_chars=500)
        go = st.form_submit_button("Terapkan ke yang dipilih", disabled=False)
    if go:
        if not chosen:
            st.warning("Belum ada sebutan yang dipilih.")
        else:
            with session_scope(ctx.engine) as s:
                results = change_many(s, scope, [(int(i), seen_versions.get(int(i), int(versions[i]))) for i in chosen],
                                      bulk_status,
                                      ctx.actor, bulk_note, bulk_function)
            ok = sum(r.ok for r in results)
            failed = [f"#{r.mention_id}: {r.message}" for r in results if not r.ok]
            st.session_state["flash"] = f"{ok} sebutan diubah." + (f" {len(failed)} gagal." if failed else "")
            if failed:
                st.session_state["bulk_errors"] = failed
            st.rerun()

for err in st.session_state.pop("bulk_errors", []):
    st.error(err)
