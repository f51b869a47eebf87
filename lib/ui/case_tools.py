"""In an item's dialog: its tickets at other channels (LAPOR!, Dumas Presisi, 110) and its
evidence case files; and a ticket-number search for the inbox. Everything from outside is shown
as plain text."""

from __future__ import annotations

import streamlit as st

from lib import evidence
from lib.db import session_scope
from lib.formatting import local_label
from lib.models import TICKET_CHANNELS
from lib.scope import Scope
from lib.tickets import TicketError, add_ticket, find_by_ticket, ticket_label, tickets_for
from lib.ui.context import PageContext
from lib.ui.safe import plain, plain_frame_columns


def item_extras(ctx: PageContext, scope: Scope, mention_id: int) -> None:
    """Tickets and evidence of one mention (writes only for roles that may change status)."""
    writer = ctx.actor.can_change_status
    with session_scope(ctx.engine) as s:
        links = [ticket_label(t) for t in tickets_for(s, mention_id)]
        files = [(f.id, f.sha256, local_label(f.requested_at, "Asia/Jakarta"), f.requested_by)
                 for f in evidence.files_for(s, scope, mention_id)]
    with st.expander(f"Tiket kanal lain ({len(links)})" if links else "Tiket kanal lain"):
        for label in links:
            st.text(plain(label))
        if writer:
            with st.form(f"ticket_{mention_id}", clear_on_submit=True):
                c1, c2 = st.columns([1, 2])
                channel = c1.selectbox("Kanal", list(TICKET_CHANNELS), format_func=TICKET_CHANNELS.get)
                number = c2.text_input("Nomor tiket", max_chars=64)
                if st.form_submit_button("Tautkan tiket"):
                    try:
                        with session_scope(ctx.engine) as s:
                            add_ticket(s, ctx.actor, scope, mention_id, channel, number)
                        st.success("Tiket ditautkan.")
                    except (TicketError, PermissionError) as exc:
                        st.error(str(exc))
    with st.expander(f"Berkas bukti ({len(files)})" if files else "Berkas bukti"):
        st.caption("Salinan beku untuk perkara (teks lengkap, penulis, URL, waktu, riwayat status) dengan SHA-256; "
                   "tetap ada walau unggahan dihapus di platform.")
        for evidence_id, sha, when, who in files:
            st.text(f"#{evidence_id} · {when} · {plain(who, 100)}\nSHA-256 {sha}")
            _downloads(ctx, scope, evidence_id)
        if writer:
            with st.form(f"evidence_{mention_id}"):
                reason = st.text_input("Alasan (mis. nomor LP atau permintaan Ditreskrimsus)", max_chars=300)
                if st.form_submit_button("Simpan sebagai bukti"):
                    try:
                        with session_scope(ctx.engine) as s:
                            made = evidence.preserve(s, ctx.actor, scope, mention_id, reason)
                            sha = made.sha256
                        st.success(f"Berkas bukti disimpan. SHA-256 {sha}")
                    except PermissionError as exc:
                        st.error(str(exc))


def _downloads(ctx: PageContext, scope: Scope, evidence_id: int) -> None:
    with session_scope(ctx.engine) as s:
        f = evidence.get_file(s, scope, evidence_id)
        if f is None:
            return
        pdf, data = evidence.export_pdf(f), evidence.export_json(f)
    c1, c2 = st.columns(2)
    c1.download_button("PDF", pdf, f"bukti-{evidence_id}.pdf", "application/pdf", key=f"ev_pdf_{evidence_id}",
                       on_click="ignore")
    c2.download_button("JSON", data, f"bukti-{evidence_id}.json", "application/json", key=f"ev_json_{evidence_id}",
                       on_click="ignore")


def ticket_search(ctx: PageContext, scope: Scope) -> None:
    """Find mentions by a LAPOR! / Dumas Presisi / 110 ticket number."""
    needle = st.text_input("Cari nomor tiket (LAPOR!, Dumas Presisi, 110)", key="ticket_search", max_chars=64)
    if not needle.strip():
        return
    with session_scope(ctx.engine) as s:
        found = find_by_ticket(s, scope, needle)
    if found.empty:
        st.caption("Tidak ada sebutan dengan nomor tiket itu.")
        return
    view = plain_frame_columns(found, ["ticket", "author", "text"])
    st.dataframe(view.rename(columns={"id": "ID", "ticket": "Tiket", "local_time": "Waktu", "unit": "Unit",
                                      "platform": "Platform", "author": "Penulis", "text": "Teks",
                                      "status": "Status"}), hide_index=True, width="stretch")


def mention_from_link() -> int | None:
    """The mention id an alert's link names (`?mention=ID`), consumed once so the dialog it opens
    can be closed; the dialog itself checks scope like any other."""
    raw = st.query_params.get("mention", "")
    if not raw:
        return None
    del st.query_params["mention"]
    return int(raw) if raw.isdigit() else None
