"""Kotak Masuk: the inbox. Unanswered first, oldest first; a click on a row opens its status dialog;
bulk changes are confirmed on the exact list before they are applied.

The list the operator works on is a snapshot: it is re-read only when a filter or the page changes,
after a change is saved, or on "Muat ulang". So rows never shift under the cursor while he ticks
them, a selection always refers to the rows he sees, and a change is applied with the versions he
saw (a row someone else changed in between is refused as a conflict, never overwritten).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from lib import audit
from lib.corrections import NO_FUNCTION, correct_analysis
from lib.db import session_scope
from lib.formatting import clock_label, decimal, local_label, number
from lib.formatting import duration_minutes as minutes_text
from lib.labels import (
    ANSWERED_BY_LABELS,
    AUDIT_OUTCOME_LABELS,
    FLAG_LABELS,
    PLATFORM_LABELS,
    SENTIMENT_LABELS,
    flag_labels,
    label,
)
from lib.mentions import MentionFilter, count_mentions, get_mention, list_mentions
from lib.metrics import Period
from lib.models import FLAGS, FUNCTIONS, OPEN_STATUSES, PLATFORMS, STATUSES, utcnow
from lib.ui.case_tools import item_extras, mention_from_link, ticket_search
from lib.ui.context import page_context, scope_picker
from lib.ui.safe import md, plain
from lib.workflow import STATUS_LABELS, allowed_next, change_many, change_status

PAGE_SIZE = 100
ZONE = "Asia/Jakarta"
ORDERS = {"oldest_unanswered": "Terlama belum dijawab", "newest": "Terbaru"}
STATUS_COLORS = {"baru": "red", "diteruskan": "orange", "ditangani": "yellow", "selesai": "green",
                 "diabaikan": "gray"}
ANSWERING = ("ditangani", "selesai")
FLAG_CODES = list(dict.fromkeys([*FLAGS, *FLAG_LABELS]))  # the analyser's flags, generically
REVIEW_BADGE = "Perlu ditinjau"
BULK_STATUSES = ["ditangani", "selesai", "diabaikan", "diteruskan"]
COUNT_CAP = 10_000  # counting stops here: 100 pages, and a cold national inbox stays fast at any size

ctx = page_context()
st.title("Kotak Masuk")
threshold = ctx.settings.review_threshold
sla = ctx.settings.sla_minutes

with st.container(border=True):
    c1, c2, c3, c4, c5 = st.columns(5)
    with c1:
        scope = scope_picker(ctx, key="inbox_scope")
    statuses = c2.multiselect("Status", STATUSES, format_func=STATUS_LABELS.get, placeholder="Semua status")
    sentiments = c3.multiselect("Sentimen", list(SENTIMENT_LABELS), format_func=SENTIMENT_LABELS.get,
                                placeholder="Semua sentimen")
    platforms = c4.multiselect("Platform", PLATFORMS, format_func=lambda p: label(PLATFORM_LABELS, p),
                               placeholder="Semua platform")
    flags = c5.multiselect("Penanda analisis", FLAG_CODES, format_func=lambda f: label(FLAG_LABELS, f),
                           placeholder="Semua penanda")
    c6, c7, c8, c9, c10 = st.columns(5, vertical_alignment="bottom")
    today = datetime.now(ZoneInfo(ZONE)).date()
    period = c6.date_input("Rentang tanggal (WIB)", value=(today - timedelta(days=30), today), max_value=today,
                           format="DD/MM/YYYY")
    text = c7.text_input("Cari teks atau akun", max_chars=100, placeholder="mis. begal, @warga")
    order = c8.selectbox("Urutan", list(ORDERS), format_func=ORDERS.get)
    unanswered_only = c9.toggle("Belum dijawab saja", value=True)
    review_only = c10.toggle("Perlu ditinjau", help=f"Analisis kurang yakin (skor di bawah {decimal(threshold, 2)}); "
                             "periksa sentimen dan penanda, lalu koreksi bila perlu.")

since = until = None
if isinstance(period, tuple) and len(period) == 2:
    days = Period.local_days(period[0], period[1], ZONE)
    since, until = days.since, days.until
flt = MentionFilter(statuses=statuses, sentiments=sentiments, platforms=platforms, flags=flags, since=since,
                    until=until, text=text, unanswered_only=unanswered_only, order=order,
                    review_below=threshold if review_only else None)
ticket_search(ctx, scope)

# --- the snapshot the operator works on ----------------------------------------------------------
gen = st.session_state.setdefault("inbox_gen", 0)  # bumped by a saved change or "Muat ulang"
filter_sig = repr((ctx.actor.kind, ctx.actor.id, scope, flt, sla, gen))
counts = st.session_state.get("inbox_counts")
if counts is None or counts["sig"] != filter_sig:
    with session_scope(ctx.engine) as s:
        counts = {"sig": filter_sig, "total": count_mentions(s, scope, flt, cap=COUNT_CAP),
                  "review": count_mentions(s, scope, replace(flt, review_below=threshold), cap=COUNT_CAP)}
    st.session_state["inbox_counts"] = counts
total = counts["total"]
pages_count = max(1, -(-total // PAGE_SIZE))
c_info, c_page, c_reload = st.columns([5, 1, 1], vertical_alignment="center")
page_no = 1
if pages_count > 1:
    page_no = int(c_page.number_input(f"Halaman (dari {number(pages_count)})", 1, pages_count, 1,
                                      key=f"inbox_page_{hash(filter_sig)}", label_visibility="collapsed"))
snap = st.session_state.get("inbox_snapshot")
if snap is None or snap["sig"] != (filter_sig, page_no):
    with session_scope(ctx.engine) as s:
        frame = list_mentions(s, scope, flt, sla, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE)
    snap = {"sig": (filter_sig, page_no), "frame": frame, "loaded": utcnow(),
            "token": st.session_state.get("inbox_token", 0) + 1}
    st.session_state["inbox_snapshot"] = snap
    st.session_state["inbox_token"] = snap["token"]
frame: pd.DataFrame = snap["frame"]
# A new list is a new grid: no selection survives a re-read. After a row's dialog closes the grid is
# drawn afresh (same list, same ticks) so the clicked cell is no longer selected and can be clicked again.
grid_epoch = st.session_state.get("inbox_grid_epoch", 0)
grid_key = f"inbox_grid_{snap['token']}" + (f".{grid_epoch}" if grid_epoch else "")

capped = "+" if total >= COUNT_CAP else ""
c_info.caption(f"**{number(total)}{capped} sebutan cocok** · {number(counts['review'])} perlu ditinjau · halaman "
               f"{number(page_no)} dari {number(pages_count)} · dimuat {clock_label(snap['loaded'], ZONE)} · "
               "waktu menurut zona unit · klik baris untuk membuka formulir status")
if c_reload.button("Muat ulang", icon=":material/refresh:", width="stretch", help="Baca ulang daftar dari basis data"):
    st.session_state["inbox_gen"] = gen + 1
    st.rerun()


def _refresh_after_change() -> None:
    st.session_state["inbox_gen"] = st.session_state.get("inbox_gen", 0) + 1


def _close_dialog() -> None:
    st.session_state.pop("dialog_mention", None)
    state = st.session_state.get(grid_key)
    st.session_state["inbox_ticked"] = (snap["token"], list(state["selection"]["rows"]) if state else [])
    st.session_state["inbox_grid_epoch"] = st.session_state.get("inbox_grid_epoch", 0) + 1


def _answered_by(m, history) -> str:
    """Who answered: the account itself (reply seen through the API) or the user who marked it."""
    if m.answered_by in ANSWERED_BY_LABELS:
        return ANSWERED_BY_LABELS[m.answered_by]
    for e in reversed(history):
        if e.outcome == "ok" and e.action == "status" and (e.to_value or "").split(" ")[0] in ANSWERING \
                and e.at <= m.answered_at + timedelta(seconds=5):
            return e.actor
    return m.updated_by or "petugas"


@st.dialog("Ubah status sebutan", width="large", on_dismiss=_close_dialog)
def status_dialog(mention_id: int) -> None:
    with session_scope(ctx.engine) as s:
        m = get_mention(s, scope, mention_id)
        if m is None:
            st.error("Sebutan tidak ditemukan atau di luar cakupan Anda.")
            return
        tz = m.unit.timezone
        events = audit.history(s, "mention", m.id)
        st.caption(f"#{m.id} · {md(m.unit.name)} · {label(PLATFORM_LABELS, m.platform)} · "
                   f"{local_label(m.created_at, tz)}")
        st.text(f"@{plain(m.author_handle, 100) or '-'} ({plain(m.author_name, 100) or '-'})")  # untrusted
        body = plain(m.text)  # untrusted: plain text only, never Markdown
        with st.container(height=320 if len(body) > 1500 else "content"):  # a huge text must not bury the form
            st.text(body)
        analysis = (f"Analisis: {label(SENTIMENT_LABELS, m.sentiment)}"
                    + (f" · penanda: {', '.join(flag_labels(m.flags))}" if m.flags else "")
                    + (" · perlu ditinjau (analisis kurang yakin)" if m.sentiment_score < threshold else ""))
        st.caption(analysis)
        st.caption(f"Status sekarang: {STATUS_LABELS[m.status]}"
                   + (f" → {m.forwarded_to}" if m.forwarded_to else "")
                   + (f" · dijawab {local_label(m.answered_at, tz)} oleh {md(_answered_by(m, events), None)}"
                      if m.answered_at else ""))
        # The version the user saw when the dialog opened, not the one re-read when he submits: a change
        # by someone else in between must come back as a conflict, never be silently overwritten.
        version = st.session_state.setdefault(f"seen_version_{mention_id}", m.version)
        options = allowed_next(m.status)
        history = [(local_label(e.at, tz), e.actor, label(STATUS_LABELS, e.from_value),
                    label(STATUS_LABELS, e.to_value), plain(e.note, 1000) or "", label(AUDIT_OUTCOME_LABELS, e.outcome))
                   for e in events]
    with st.form(f"status_form_{mention_id}", enter_to_submit=False):
        new = st.selectbox("Status baru", options, format_func=STATUS_LABELS.get,
                           index=options.index("ditangani") if "ditangani" in options else 0)
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
            _refresh_after_change()
            st.rerun()
        st.error(result.message)
    with st.expander("Koreksi analisis (untuk melatih ulang model)"):
        with st.form(f"correct_{mention_id}", enter_to_submit=False):
            c_sent = st.selectbox("Sentimen", [None, *SENTIMENT_LABELS], key=f"cs_{mention_id}",
                                  format_func=lambda v: "— tidak diubah" if v is None else SENTIMENT_LABELS[v])
            c_flags = st.multiselect("Penanda (ganti seluruhnya)", FLAG_CODES,
                                     key=f"cf_{mention_id}", format_func=lambda f: label(FLAG_LABELS, f),
                                     placeholder="Tanpa penanda")
            c_keep_flags = st.checkbox("Penanda tidak diubah", value=True, key=f"ck_{mention_id}")
            c_func = st.selectbox("Fungsi", [None, *FUNCTIONS, NO_FUNCTION], key=f"cfn_{mention_id}",
                                  format_func=lambda v: {None: "— tidak diubah", NO_FUNCTION: "Bukan urusan Polri"}.get(v, v))
            if st.form_submit_button("Simpan koreksi"):
                with session_scope(ctx.engine) as s:
                    res = correct_analysis(s, scope, mention_id, ctx.actor, sentiment=c_sent,
                                           flags=None if c_keep_flags else set(c_flags), function=c_func,
                                           expected_version=st.session_state.get(f"seen_version_{mention_id}"))
                if res.ok:  # our own correction moved the version; the status form must not call it a conflict
                    st.session_state[f"seen_version_{mention_id}"] = res.version
                    _refresh_after_change()
                (st.success if res.ok else st.error)(res.message)
    item_extras(ctx, scope, mention_id)  # tickets at other channels, evidence case files
    st.markdown("**Jejak audit**")
    if history:
        st.dataframe(pd.DataFrame(history, columns=["Waktu", "Oleh", "Dari", "Ke", "Catatan", "Hasil"]),
                     hide_index=True, width="stretch")
    else:
        st.caption("Belum ada perubahan.")


def _cancel_bulk() -> None:
    st.session_state.pop("bulk_pending", None)


@st.dialog("Periksa sebelum menerapkan", width="large", on_dismiss=_cancel_bulk)
def confirm_bulk(pending: dict) -> None:
    """The exact rows that will change; only these (at the versions shown) are changed on "Ya"."""
    rows = pending["rows"]
    target = STATUS_LABELS[pending["status"]] + (f" → {pending['function']}" if pending["function"] else "")
    st.markdown(f"**{number(len(rows))} sebutan** berikut akan diubah menjadi **{md(target, None)}**"
                + (" dengan catatan:" if pending["note"] else "."))
    if pending["note"]:
        st.text(pending["note"])
    st.dataframe(pd.DataFrame(rows, columns=["ID", "Status sekarang", "Waktu", "Unit", "Teks"]),
                 hide_index=True, width="stretch", height=min(38 + 35 * len(rows), 360),
                 column_config={"ID": st.column_config.NumberColumn(width="small", format="%d"),
                                "Teks": st.column_config.TextColumn(width="large")})
    st.caption("Sebutan yang diubah orang lain sejak daftar dimuat tidak akan ditimpa; itu dilaporkan sebagai bentrok.")
    yes, no = st.columns(2)
    if yes.button(f"Ya, ubah {number(len(rows))} sebutan", type="primary", key="bulk_confirm", width="stretch"):
        items = [(int(i), int(v)) for i, v in pending["items"]]
        results = []
        bar = st.progress(0.0, text="Menerapkan…")
        with session_scope(ctx.engine) as s:
            for start in range(0, len(items), 10):
                results += change_many(s, scope, items[start:start + 10], pending["status"], ctx.actor,
                                       pending["note"], pending["function"])
                bar.progress(len(results) / len(items), text=f"{number(len(results))} dari {number(len(items))}")
        ok = sum(r.ok for r in results)
        failed = [f"#{r.mention_id}: {r.message}" for r in results if not r.ok]
        st.session_state["flash"] = f"{number(ok)} sebutan diubah." + (f" {number(len(failed))} gagal." if failed else "")
        st.session_state["bulk_errors"] = failed
        _cancel_bulk()
        _refresh_after_change()
        st.rerun()
    if no.button("Batal", key="bulk_cancel", width="stretch"):
        _cancel_bulk()
        st.rerun()


def _status_badge(status: str, answered: bool) -> list[str]:
    return [STATUS_LABELS.get(status, status)] + (["Dijawab"] if answered and status in OPEN_STATUSES else [])


def _sla_badge(overdue: bool, answered: bool, status: str, age: float, limit: int) -> str:
    if answered or status not in OPEN_STATUSES:
        return "–"
    return "LEWAT SLA" if overdue else f"sisa {minutes_text(max(0.0, limit - age))}"


if flash := st.session_state.pop("flash", None):
    st.toast(flash, icon="✅")  # floats in view: the list below does not move

if frame.empty:
    st.info("Tidak ada sebutan yang cocok dengan filter.")
    st.stop()

answered = frame["answered_at"].notna()
view = pd.DataFrame({
    "status": [_status_badge(s, a) for s, a in zip(frame["status"], answered, strict=True)],
    "umur": [minutes_text(a) for a in frame["age_minutes"]],
    "sla": [_sla_badge(od, a, s, age, lim) for od, a, s, age, lim in
            zip(frame["overdue"], answered, frame["status"], frame["age_minutes"], frame["sla_minutes"], strict=True)],
    "penanda": [flag_labels(f) + ([REVIEW_BADGE] if score < threshold else [])
                for f, score in zip(frame["flags"], frame["sentiment_score"], strict=True)],
    "teks": [plain(t, 2000) for t in frame["text"]],
    "waktu": frame["local_time"],
    "unit": frame["unit"],
    "platform": [label(PLATFORM_LABELS, p) for p in frame["platform"]],
    "penulis": [plain(a, 100) or "–" for a in frame["author"]],
    "sentimen": [label(SENTIMENT_LABELS, x) for x in frame["sentiment"]],
    "fungsi": [label({}, f) for f in frame["function"]],
    "id": frame["id"],
})
ids = [int(i) for i in frame["id"]]


def _on_grid_select() -> None:
    """A click on a cell opens that row's dialog."""
    state = st.session_state.get(grid_key)
    cells = state["selection"]["cells"] if state else []
    if cells and 0 <= cells[0][0] < len(ids):
        mid = ids[cells[0][0]]
        st.session_state["dialog_mention"] = mid
        st.session_state.pop(f"seen_version_{mid}", None)
        st.session_state.pop("bulk_pending", None)


# the ticks of this same list carried into the redrawn grid (never onto another list)
ticked_token, ticked = st.session_state.get("inbox_ticked", (None, []))
ticked = ticked if ticked_token == snap["token"] else []
event = st.dataframe(
    view, hide_index=True, width="stretch", height=460, key=grid_key, on_select=_on_grid_select,
    selection_default={"selection": {"rows": [r for r in ticked if r < len(ids)]}} if ticked else None,
    selection_mode=["multi-row", "single-cell"],
    column_config={
        "status": st.column_config.MultiselectColumn(
            "Status", width="small", options=[*STATUS_LABELS.values(), "Dijawab"],
            color=[STATUS_COLORS[k] for k in STATUS_LABELS] + ["blue"]),
        "umur": st.column_config.TextColumn("Umur", width="small", help="Umur sebutan; yang sudah dijawab: waktu respons"),
        "sla": st.column_config.TextColumn("SLA", width="small", help="Sisa waktu sampai lewat SLA unit"),
        "penanda": st.column_config.MultiselectColumn(
            "Penanda", width="medium", options=[*(label(FLAG_LABELS, f) for f in FLAG_CODES), REVIEW_BADGE],
            color=["red" if f in ("urgent", "hoax", "hate") else "orange" for f in FLAG_CODES] + ["violet"]),
        "teks": st.column_config.TextColumn("Teks", width="large"),
        "waktu": st.column_config.TextColumn("Waktu (zona unit)", width="medium"),
        "unit": "Unit", "platform": "Platform", "penulis": "Penulis", "sentimen": "Sentimen", "fungsi": "Fungsi",
        "id": st.column_config.NumberColumn("ID", width="small", format="%d"),
    },
)
chosen_rows = sorted(r for r in event.selection.rows if 0 <= r < len(ids))

b1, b2 = st.columns([3, 2])
with b1, st.container(border=True):
    st.markdown(f"**Tandai sekaligus** ({number(len(chosen_rows))} dipilih — centang kotak di kiri baris)")
    with st.form("bulk", enter_to_submit=False, border=False):
        f1, f2 = st.columns(2)
        bulk_status = f1.selectbox("Status", BULK_STATUSES, format_func=STATUS_LABELS.get)
        bulk_function = f2.selectbox("Fungsi (untuk 'Diteruskan')", [None, *FUNCTIONS],
                                     format_func=lambda f: "—" if f is None else f)
        bulk_note = st.text_input("Catatan", max_chars=500)
        go = st.form_submit_button("Terapkan ke yang dipilih")
    if go:
        if not chosen_rows:
            st.warning("Belum ada sebutan yang dipilih.")
        else:
            picked = frame.iloc[chosen_rows]
            st.session_state.pop("dialog_mention", None)
            st.session_state["bulk_pending"] = {
                "items": [(int(i), int(v)) for i, v in zip(picked["id"], picked["version"], strict=True)],
                "rows": [(int(i), STATUS_LABELS.get(s, s), w, u, plain(t, 160)) for i, s, w, u, t in
                         zip(picked["id"], picked["status"], picked["local_time"], picked["unit"], picked["text"],
                             strict=True)],
                "status": bulk_status, "function": bulk_function if bulk_status == "diteruskan" else None,
                "note": bulk_note.strip(),
            }
    for err in st.session_state.pop("bulk_errors", []):
        st.error(err)
with b2, st.container(border=True):
    st.markdown("**Buka satu sebutan**")
    if st.session_state.get("one_id") not in ids:  # never a stale ID from an earlier list
        st.session_state.pop("one_id", None)
    texts = dict(zip(ids, frame["text"], strict=True))
    one = st.selectbox("Pilih sebutan", ids, key="one_id",
                       format_func=lambda i: f"#{i} · {plain(texts[i], 60)}")
    if st.button("Buka formulir status", key="open_dialog"):
        st.session_state["dialog_mention"] = int(one)
        st.session_state.pop("bulk_pending", None)
        st.session_state.pop(f"seen_version_{int(one)}", None)

if (linked := mention_from_link()) is not None:  # an alert's link opens its item
    st.session_state["dialog_mention"] = linked
if (pending := st.session_state.get("bulk_pending")) is not None:
    confirm_bulk(pending)
elif (open_id := st.session_state.get("dialog_mention")) is not None:
    status_dialog(open_id)
