"""What every page needs first: the engine, a healthy database, a fresh-enough sync, the scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import streamlit as st
from sqlalchemy import Engine, func, select

from lib.config import Settings, load_settings
from lib.db import DatabaseUnavailable, check_database, get_engine, session_scope
from lib.models import AuditEntry, SyncRun
from lib.scope import NATIONAL, Scope
from lib.sync import last_failure, maybe_sync
from lib.units import unit_choices


@dataclass(frozen=True)
class PageContext:
    engine: Engine
    settings: Settings
    scope: Scope  # the user's whole permitted scope
    actor: str
    wall: bool


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return get_engine(url)


def is_wall() -> bool:
    return st.query_params.get("mode") == "wall"


def page_context(sync: bool = True) -> PageContext:
    """Open the database (or stop the page with a clear message) and sync stale sources."""
    try:
        settings = load_settings()
        engine = _engine(settings.database_url)
        check_database(engine)
    except (DatabaseUnavailable, RuntimeError) as exc:
        st.error(f"Pantau tidak dapat memuat data. {exc}")
        st.stop()
    if sync:
        run_sync(engine, settings, NATIONAL)
    actor = st.session_state.get("actor") or "admin"
    return PageContext(engine, settings, NATIONAL, actor, is_wall())


def run_sync(engine: Engine, settings: Settings, scope: Scope, force: bool = False) -> None:
    """Load on refresh; a failure keeps the old data and shows the error as a warning."""
    try:
        result = maybe_sync(engine, settings, scope, force=force)
        errors = result.errors
    except Exception as exc:  # never lose the page over a sync
        errors = [f"{type(exc).__name__}: {exc}"[:300]]
    if not errors and (failed := last_failure(engine)) is not None:
        errors = [failed.error or "galat tidak diketahui"]
    for err in errors:
        st.warning(f"Sinkronisasi gagal: {err}. Data yang tampil adalah data terakhir yang berhasil dimuat.",
                   icon="⚠️")


def data_version(engine: Engine) -> tuple[int, int]:
    """Changes whenever a sync stores data or anyone changes a status: the cache key for figures."""
    with session_scope(engine) as s:
        return (s.scalar(select(func.max(SyncRun.id))) or 0, s.scalar(select(func.max(AuditEntry.id))) or 0)


def scope_picker(ctx: PageContext, key: str = "scope") -> Scope:
    """Semua / one Polda / one Polres, limited to the user's scope."""
    with session_scope(ctx.engine) as s:
        choices = unit_choices(s, ctx.scope)
    labels = {None: "Semua unit"} | {c.id: ("— " if c.level == "polres" else "") + c.name for c in choices}
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
            st.error("Unit pada alamat ini di luar cakupan Anda.")
            st.stop()


def ago(when: datetime | None, now: datetime) -> str:
    """"3 menit lalu" style freshness text."""
    if when is None:
        return "belum pernah"
    secs = max(0, int((now - when).total_seconds()))
    if secs < 60:
        return "baru saja"
    if secs < 3600:
        return f"{secs // 60} menit lalu"
    if secs < 86400:
        return f"{secs // 3600} jam lalu"
    return f"{secs // 86400} hari lalu"


def minutes_text(minutes: float | None) -> str:
    if minutes is None:
        return "–"
    if minutes < 60:
        return f"{minutes:.0f} mnt"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} jam"
    return f"{minutes / 1440:.1f} hari"
