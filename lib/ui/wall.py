"""The wall display: one dark screen read from five metres, never scrolled, unattended for weeks.

Everything fits 1920×1080 (a 3840×2160 screen gets the same layout at twice the size). The header
(title, scope, a ticking clock, "diperbarui 08:47 WIB") carries a small watchdog script that runs in
the browser: it polls the server's health endpoint and watches the page's render marker, and puts
a red banner over the screen within seconds when the server is gone or the page stopped refreshing
— the one signal that must work when the server cannot send anything. Only trusted markup goes into
`st.html`; mention text is drawn with `st.text` (plain text) only.
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from lib.formatting import DAYS, MONTHS, clock_label, duration_minutes, number, zone_name
from lib.ui.safe import plain

_CSS = """
<style>
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebar"], [data-testid="stDecoration"],
[data-testid="stSidebarCollapsedControl"], [data-testid="stStatusWidget"], footer { display: none !important; }
/* Streamlit's own "Connection error" modal (English, for developers) would cover the wall's banner */
[data-testid="stDialog"], [data-baseweb="modal"] { display: none !important; }
html, body { overflow: hidden !important; }
/* 4K at scale 1: twice the type, same layout (charts draw in pixels: zoomed, drawn at half the width) */
@media (min-width: 2800px) { html { font-size: 200%; }
  [data-testid="stVegaLiteChart"] { zoom: 2; width: 50% !important; } }
.stApp, [data-testid="stAppViewContainer"] { background: #0e1117 !important; color: #f5f5f5 !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 0.6rem 1.4rem 0 1.4rem !important;
  max-width: 100% !important; }
[data-testid="stVerticalBlock"] { gap: 0.55rem !important; }
[data-testid="stMetric"] { padding: 0.35rem 0.8rem !important; }
[data-testid="stMetricLabel"] p { font-size: 1.45rem !important; color: #c9d1d9 !important; }
[data-testid="stMetricValue"] { font-size: 4rem !important; line-height: 1.1 !important; color: #ffffff !important; }
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * { font-size: 1.3rem !important; }
h3 { font-size: 1.9rem !important; color: #f5f5f5 !important; padding: 0.1rem 0 0.2rem 0 !important; }
[data-testid="stText"], [data-testid="stText"] * { font-size: 1.5rem !important; line-height: 1.35 !important;
  color: #f5f5f5 !important; white-space: pre-wrap; }
[data-testid="stVerticalBlockBorderWrapper"], [data-testid="stMetric"] { border-color: #30363d !important; }
[class*="st-key-wall_alert_"] { padding: 0.35rem 0.7rem !important; border-left: 12px solid #d29922 !important; }
[class*="st-key-wall_alert_"][class*="_urgent"] { border-left-color: #f85149 !important; }
[class*="st-key-wall_alert_"][class*="_newest"] { background: #4a3300 !important; outline: 4px solid #f2cc60; }
[data-testid="stAlert"] p { font-size: 1.5rem !important; }
.pw-head { display: flex; align-items: baseline; gap: 2.2rem; font-family: "Source Sans Pro", sans-serif;
  color: #f5f5f5; border-bottom: 2px solid #30363d; padding-bottom: 0.35rem; }
.pw-title { font-size: 2.3rem; font-weight: 700; letter-spacing: 0.04em; }
.pw-scope { font-size: 2.1rem; color: #f2cc60; font-weight: 600; flex: 1; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.pw-date { font-size: 1.6rem; color: #c9d1d9; white-space: nowrap; }
.pw-clock { font-size: 2.8rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.pw-updated { font-size: 1.5rem; color: #c9d1d9; }
.pw-stale { background: #b62324; color: #fff; font-size: 1.5rem; font-weight: 700; padding: 0.1rem 0.7rem;
  border-radius: 6px; white-space: nowrap; }
#pantau-offline { position: fixed; left: 0; right: 0; top: 0; z-index: 2147483647; display: none;
  background: #b62324; color: #fff; font-family: "Source Sans Pro", sans-serif; text-align: center;
  padding: 1.2rem 1rem; box-shadow: 0 6px 30px rgba(0,0,0,0.6); }
body.pantau-stale [data-testid="stMain"] { opacity: 0.35; filter: grayscale(1); }  /* old figures read as old */
#pantau-offline b { display: block; font-size: 3.2rem; letter-spacing: 0.05em; }
#pantau-offline span { font-size: 1.8rem; }
</style>
"""

# Installed once per browser tab (the header is redrawn on every refresh, the script is not).
_WATCHDOG = """
<script>
(function () {
  if (window.__pantauWall) return;
  window.__pantauWall = true;
  var DAYS = %(days)s, MONTHS = %(months)s;
  var fails = 0, lastToken = null, lastChange = Date.now();
  var banner = document.createElement("div");
  banner.id = "pantau-offline";
  banner.setAttribute("role", "alert");
  document.body.appendChild(banner);
  function marker() { return document.getElementById("pantau-render"); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var m = marker(), clock = document.querySelector(".pw-clock"), date = document.querySelector(".pw-date");
    if (!m || !clock || !date) return;
    var t = new Date(Date.now() + Number(m.dataset.offset) * 60000);
    date.textContent = DAYS[(t.getUTCDay() + 6) %% 7] + ", " + t.getUTCDate() + " " + MONTHS[t.getUTCMonth()] +
      " " + t.getUTCFullYear();
    clock.textContent = pad(t.getUTCHours()) + ":" + pad(t.getUTCMinutes()) + ":" + pad(t.getUTCSeconds()) + " " +
      m.dataset.zone;
  }
  function show(title, text) {
    banner.innerHTML = "";
    var b = document.createElement("b"), s = document.createElement("span");
    b.textContent = title; s.textContent = text;
    banner.appendChild(b); banner.appendChild(s);
    banner.style.display = "block";
    document.body.classList.add("pantau-stale");
  }
  function check() {
    var m = marker();
    if (!m) return;
    if (m.dataset.token !== lastToken) { lastToken = m.dataset.token; lastChange = Date.now(); }
    var late = (Date.now() - lastChange) / 1000 > 2 * Number(m.dataset.refresh) + 20;
    if (fails >= 2) {
      show("TERPUTUS DARI SERVER", "Angka di layar ini berhenti pada " + m.dataset.updated +
        " dan tidak diperbarui sampai server kembali.");
    } else if (late) {
      show("TAMPILAN TIDAK DIPERBARUI", "Angka di layar ini berhenti pada " + m.dataset.updated +
        ". Muat ulang halaman atau periksa jaringan.");
    } else {
      banner.style.display = "none";
      document.body.classList.remove("pantau-stale");
    }
  }
  function health() {
    var ctl = new AbortController(), timer = setTimeout(function () { ctl.abort(); }, 2500);
    fetch(new URL("_stcore/health", document.baseURI), {cache: "no-store", signal: ctl.signal})
      .then(function (r) { fails = r.ok ? 0 : fails + 1; })
      .catch(function () { fails += 1; })
      .finally(function () { clearTimeout(timer); check(); });
  }
  setInterval(tick, 1000);
  setInterval(health, 3000);
  tick(); health();
})();
</script>
"""


def wall_style() -> None:
    st.html(_CSS)


def header(scope_label: str, zone: str, last_sync: datetime | None, now: datetime, refresh_seconds: int,
           stale_after: timedelta) -> None:
    """Title, scope, clock, freshness; a red line when the data itself is late; the watchdog."""
    offset = int(ZoneInfo(zone).utcoffset(now).total_seconds() // 60)
    local = now.astimezone(ZoneInfo(zone))
    day = f"{DAYS[local.weekday()]}, {local.day} {MONTHS[local.month - 1]} {local.year}"
    clock = f"{local:%H:%M:%S} {zone_name(zone)}"
    updated = f"diperbarui {clock_label(last_sync, zone)}" if last_sync else "belum pernah diperbarui"
    esc = html.escape
    fresh = f'<div class="pw-updated">{esc(updated)}</div>'
    if last_sync is None or now - last_sync > stale_after:  # in the header row: the layout keeps its height
        late = f"DATA TERLAMBAT · {clock_label(last_sync, zone)}" if last_sync else "BELUM PERNAH SINKRON"
        fresh = f'<div class="pw-stale">{esc(late)}</div>'
    st.html(
        f'<div class="pw-head"><div class="pw-title">PANTAU</div><div class="pw-scope">{esc(scope_label)}</div>'
        f'{fresh}<div class="pw-date">{esc(day)}</div><div class="pw-clock">{esc(clock)}</div></div>'
        f'<div id="pantau-render" hidden data-token="{now.timestamp():.3f}" data-offset="{offset}" '
        f'data-zone="{esc(zone_name(zone))}" data-refresh="{int(refresh_seconds)}" '
        f'data-updated="{esc(clock_label(last_sync, zone) if last_sync else "–")}"></div>'
        + _WATCHDOG % {"days": DAYS, "months": MONTHS},
        unsafe_allow_javascript=True,
    )


def alert_list(alerts: pd.DataFrame, now: datetime, rows: int = 6) -> None:
    """Urgent and negative items nobody has handled yet; the newest one is highlighted."""
    if alerts.empty:
        st.success("Tidak ada sebutan darurat atau negatif yang belum ditangani.")
        return
    newest = alerts["created_at"].max()
    for i, row in enumerate(alerts.head(rows).itertuples()):
        kind = "urgent" if row.urgent else "negative"
        is_newest = row.created_at == newest
        with st.container(border=True, key=f"wall_alert_{i}_{kind}{'_newest' if is_newest else ''}"):
            label = ("TERBARU · " if is_newest else "") + ("DARURAT" if row.urgent else "Negatif")
            age = duration_minutes(row.age_minutes)
            text = " ".join(plain(row.text, 400).split())
            st.text(f"{label} · {row.local_time} · {row.unit} · belum dijawab {age}"
                    f"{' · LEWAT SLA' if row.overdue else ''}\n{text if len(text) <= 82 else text[:81] + '…'}")
    more = len(alerts) - rows
    if more > 0:
        st.text(f"dan {number(more)} lainnya di Kotak Masuk")
