"""What every page needs first: the engine, a healthy database, who is asking, a fresh-enough sync,
the scope.

`page_context()` is the one gate: nothing is read before it has a principal. A `?kiosk=<token>` in
the address gives a wall principal (re-validated on every run, so a revoked token stops at the
next refresh; lib/ui/kiosk.py then moves the token out of the address); otherwise the signed-in user from the session (reloaded from the database on every
run), otherwise the sign-in screen is drawn and the page stops.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import streamlit as st
from sqlalchemy import Engine, func, select

from lib.auth import (
    LoginRefused,
    Principal,
    deny,
    kiosk_still_valid,
    oidc_provider,
    principal_for_email,
    principal_for_kiosk,
    reload_principal,
)
from lib.config import Settings, load_settings, secrets_section
from lib.db import DatabaseUnavailable, check_database, get_engine, session_scope
from lib.formatting import ago, duration_minutes
from lib.models import AuditEntry, SyncRun, utcnow
from lib.scope import NATIONAL, Scope
from lib.sync import current_lease, last_failure, maybe_sync
from lib.ui import kiosk as kiosk_token
from lib.ui import login
from lib.units import unit_choices

log = logging.getLogger("pantau.ui")
# Shown in warnings (never the raw source name from an error string: that text is not ours).
SOURCE_LABELS = {"demo": "demo", "x": "X", "instagram": "Instagram", "facebook": "Facebook", "meta": "Meta",
                 "semua sumber": "semua sumber"}


@dataclass(frozen=True)
class PageContext:
    engine: Engine
    settings: Settings
    scope: Scope  # the principal's whole permitted scope
    actor: Principal  # pass it to every write; str(actor) is the audit name
    wall: bool

    @property
    def principal(self) -> Principal:
        return self.actor


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return get_engine(url)


def is_wall() -> bool:
    return st.query_params.get("mode") == "wall" or bool(st.query_params.get("kiosk")) \
        or bool(st.session_state.get("kiosk_token"))


def open_database(before_stop: Callable[[], object] | None = None) -> tuple[Engine, Settings]:
    """The engine, or stop the page with a clear message. `before_stop` runs first (app.py registers
    its pages there, hidden: else Streamlit would list the raw file names of pages/ in the sidebar)."""
    try:
        settings = load_settings()
        engine = _engine(settings.database_url)
        check_database(engine)
    except (DatabaseUnavailable, RuntimeError) as exc:
        if before_stop is not None:
            before_stop()
        st.error(f"Pantau tidak dapat memuat data. {exc}")
        st.stop()
    return engine, settings


def current_principal(engine: Engine, before_sign_in: Callable[[], object] | None = None) -> Principal:
    """Who is asking, or draw the sign-in screen (or the refusal) and stop the page.
    `before_sign_in` runs just before the sign-in screen is drawn (app.py registers its pages there
    so the address the user asked for survives signing in)."""
    kiosk = kiosk_token.presented_token()
    if kiosk:
        with session_scope(engine) as s:
            principal = principal_for_kiosk(s, kiosk)
        if principal is None:
            kiosk_token.drop()
            st.error("Token layar dinding ini tidak berlaku atau sudah dicabut. Minta token baru kepada admin.")
            st.stop()
        kiosk_token.settle(kiosk)
        return principal
    remembered = st.session_state.get(login.SESSION_KEY)
    if remembered:
        with session_scope(engine) as s:
            principal = reload_principal(s, remembered.get("kind", ""), int(remembered.get("id", 0)),
                                         int(remembered.get("epoch", -1)))
        if principal is not None:
            return principal
        login.forget()
        st.warning("Sesi Anda berakhir (akun diubah atau dinonaktifkan). Silakan masuk lagi.")
    if before_sign_in is not None:
        before_sign_in()
    configured, provider = oidc_provider(secrets_section("auth"))
    if configured:
        if st.user.is_logged_in:
            try:
                with session_scope(engine) as s:
                    principal = principal_for_email(s, st.user.get("email"), st.user.get("email_verified"))
            except (LoginRefused, PermissionError) as exc:
                login.sso_refused(str(exc))
                st.stop()
            return principal
        login.sso_login(provider)
        st.stop()
    login.local_login_form(engine)
    st.stop()


def page_context(sync: bool = True, page: str = "lainnya") -> PageContext:
    """Open the database, establish the principal (or stop at the sign-in screen), refuse pages the
    role may not open, and sync stale sources. `page`: "ringkasan", "admin" or any other page."""
    _leave_pages_directory_mode()
    engine, settings = open_database()
    principal = current_principal(engine)
    if not principal.may_open(page):
        st.error("Anda tidak memiliki akses ke halaman ini.")
        st.stop()
    if sync:
        run_sync(engine, settings, NATIONAL)
    return PageContext(engine, settings, principal.scope, principal, is_wall() or principal.is_wall)


APP_RAN = "_app_ran"  # set by app.py on each run


def _leave_pages_directory_mode() -> None:
    """The first address a fresh server is asked for, if it names a page (/isu_negatif), is run by
    Streamlit's old pages/ mode: the page script alone, without app.py's layout, wall mode and
    navigation, with raw file names in the sidebar. Streamlit leaves that mode once st.navigation
    runs; switch it off and rerun, so app.py serves the same address."""
    from streamlit.runtime.pages_manager import PagesManager  # no public switch for this

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if not st.session_state.get(APP_RAN):  # only before app.py ever ran here: nothing to lose
            st.rerun()


def recheck(ctx: PageContext) -> None:
    """Inside auto-refreshing fragments: if the principal lost access, rerun the whole page so the
    gate shows the refusal (a revoked kiosk token goes dark at its next refresh)."""
    with session_scope(ctx.engine) as s:
        p = ctx.principal
        ok = kiosk_still_valid(s, p) if p.kind == "kiosk" else reload_principal(s, p.kind, p.id, p.epoch) is not None
    if not ok:
        st.rerun()


def run_sync(engine: Engine, settings: Settings, scope: Scope, force: bool = False) -> None:
    """Load on refresh; a failure keeps the old data and shows a short warning. What went wrong
    (exception text, SQL, parameters) goes to the server log and the admin's Sumber Data page only:
    it can carry mention text and internals, and st.warning would read it as Markdown."""
    try:
        result = maybe_sync(engine, settings, scope, force=force)
        failed_sources = sorted({err.split(":", 1)[0] for err in result.errors})
        if result.status == "busy":
            warn_if_lease_held_long(engine)
    except Exception:  # never lose the page over a sync
        log.exception("sync on page load failed")
        failed_sources = ["semua sumber"]
    if not failed_sources and (failed := last_failure(engine)) is not None:
        failed_sources = [failed.source]
    if failed_sources:
        names = ", ".join(SOURCE_LABELS.get(name, "sumber lain") for name in failed_sources)
        st.warning(f"Sinkronisasi gagal ({names}). Data yang tampil adalah data terakhir yang berhasil dimuat. "
                   "Rincian tercatat di log server dan di halaman Sumber Data.", icon="⚠️")


LEASE_WARN_AFTER = timedelta(minutes=2)  # a normal run holds the lease for seconds


def warn_if_lease_held_long(engine: Engine) -> None:
    """Another process holds the sync lease: say so once it has held it unusually long (a crashed
    worker leaves it until it expires; until then nothing syncs and the data ages)."""
    lease, now = current_lease(engine), utcnow()
    if lease is None or now - lease.acquired_at < LEASE_WARN_AFTER:
        return
    left = max(0.0, (lease.expires_at - now).total_seconds() / 60)
    st.warning(f"Sinkronisasi tertahan: proses lain memegang kunci sinkronisasi sejak {ago(lease.acquired_at, now)}. "
               f"Bila proses itu mati, kunci lepas sendiri dalam {duration_minutes(left)}; sampai itu data tidak "
               "diperbarui.", icon="⏳")


def data_version(engine: Engine) -> tuple[int, int]:
    """Changes whenever a sync stores data or anyone changes a status: the cache key for figures."""
    with session_scope(engine) as s:
        return (s.scalar(select(func.max(SyncRun.id))) or 0, s.scalar(select(func.max(AuditEntry.id))) or 0)


def scope_picker(ctx: PageContext, key: str = "scope") -> Scope:
    """Semua / one Polda / one Polres, limited to the user's scope."""
    with session_scope(ctx.engine) as s:
        choices = unit_choices(s, ctx.scope)
    everything = "Semua unit" if ctx.scope.root_unit_id is None else f"Semua ({ctx.scope.label})"
    labels = {None: everything} | {c.id: ("— " if c.level == "polres" else "") + c.name for c in choices}
    default = st.query_params.get("unit")
    options = list(labels)
    index = options.index(int(default)) if default and default.isdigit() and int(default) in labels else 0
    chosen = st.selectbox("Cakupan", options, index=index, format_func=lambda v: labels[v], key=key)
    with session_scope(ctx.engine) as s:
        return ctx.scope.narrow(s, chosen)


def scope_from_query(ctx: PageContext) -> Scope:
    """The scope named by `?unit=<id>` (used by the wall display), within the user's scope."""
    raw = st.query_params.get("unit")
    with session_scope(ctx.engine) as s:
        try:
            return ctx.scope.narrow(s, int(raw)) if raw and raw.isdigit() else ctx.scope
        except PermissionError:
            deny(s, ctx.actor, "unit", int(raw), "open", "Unit pada alamat di luar cakupan")  # audited
    st.error("Unit pada alamat ini di luar cakupan Anda.")
    st.stop()
