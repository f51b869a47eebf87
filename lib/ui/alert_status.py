"""On the Sumber Data page: the alert outbox — how many deliveries are waiting, sent, given up —
and the failing ones with their last error, with "kirim ulang" for an admin."""

from __future__ import annotations

import streamlit as st

from lib.alerts.outbox import delivery_counts, delivery_problems, retry_now
from lib.db import session_scope
from lib.formatting import number
from lib.models import utcnow
from lib.ui.context import PageContext
from lib.ui.safe import plain, plain_frame_columns

ZONE = "Asia/Jakarta"


def alert_delivery_panel(ctx: PageContext) -> None:
    with session_scope(ctx.engine) as s:
        counts = delivery_counts(s)
        problems = delivery_problems(s)
    label = "Pengiriman peringatan (Telegram, e-mail)" + (f" – {len(problems)} bermasalah" if len(problems) else "")
    with st.expander(label, expanded=not problems.empty):
        _panel(ctx, counts, problems)


def _panel(ctx: PageContext, counts: dict[str, int], problems) -> None:
    st.caption(f"Terkirim {number(counts.get('sent', 0))} · menunggu atau dicoba ulang "
               f"{number(counts.get('pending', 0))} · gagal (menyerah) {number(counts.get('failed', 0))}")
    if problems.empty:
        st.caption("Tidak ada pengiriman yang gagal.")
        return
    view = plain_frame_columns(problems, ["title", "last_error"], 500)
    view["status"] = view["status"].map({"pending": "dicoba ulang", "failed": "gagal"})
    st.dataframe(view, hide_index=True, width="stretch", column_config={
        "id": st.column_config.NumberColumn("ID", width="small"),
        "title": st.column_config.TextColumn("Peringatan"), "channel": st.column_config.TextColumn("Kanal"),
        "target": st.column_config.TextColumn("Tujuan"), "status": st.column_config.TextColumn("Status"),
        "attempts": st.column_config.NumberColumn("Percobaan"),
        "last_error": st.column_config.TextColumn("Galat terakhir", width="large"),
        "next_attempt_at": st.column_config.DatetimeColumn("Coba lagi (WIB)", timezone=ZONE, format="D MMM, HH:mm"),
        "created_at": st.column_config.DatetimeColumn("Kejadian (WIB)", timezone=ZONE, format="D MMM, HH:mm"),
    })
    with st.form("alert_retry"):
        names = {r.id: plain(f"#{r.id} · {r.title} → {r.channel} {r.target}", 120) for r in problems.itertuples()}
        chosen = st.selectbox("Kirim ulang pengiriman", list(names), format_func=names.get)
        if st.form_submit_button("Kirim ulang sekarang") and chosen is not None:
            with session_scope(ctx.engine) as s:
                ok = retry_now(s, str(ctx.actor), int(chosen), utcnow())
            (st.success if ok else st.warning)("Dijadwalkan ulang; pekerja peringatan akan mengirim pada putaran "
                                               "berikutnya." if ok else "Pengiriman ini sudah terkirim.")
