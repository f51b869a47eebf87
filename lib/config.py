"""All configuration in one place: environment variables first, then `.streamlit/secrets.toml`.

Nothing here imports Streamlit; the secrets file is read with `tomllib` so the CLI, the sync
worker and tests see exactly what the app sees.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DEFAULT_DB_URL = f"sqlite:///{DATA_DIR / 'pantau.db'}"


@lru_cache(maxsize=1)
def _secrets() -> dict:
    path = Path(os.environ.get("PANTAU_SECRETS_FILE", ROOT / ".streamlit" / "secrets.toml"))
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:  # a broken secrets file must not look like "no secrets"
        raise RuntimeError(f"Berkas rahasia {path} tidak valid: {exc}") from exc


def secrets_section(name: str) -> dict:
    """A whole table of secrets.toml (e.g. `auth` for OIDC), or {} when absent."""
    value = _secrets().get(name)
    return value if isinstance(value, dict) else {}


def setting(name: str, default: str | None = None) -> str | None:
    """Read `PANTAU_<NAME>` from the environment, else `<name>` from secrets.toml, else default."""
    env = os.environ.get(f"PANTAU_{name.upper()}")
    if env not in (None, ""):
        return env
    value = _secrets().get(name.lower())
    return str(value) if value is not None else default


def int_setting(name: str, default: int) -> int:
    """A whole-number setting; a clear Indonesian error for anything else."""
    raw = setting(name)
    try:
        return int(raw) if raw is not None else default
    except ValueError as exc:
        raise RuntimeError(f"Pengaturan PANTAU_{name.upper()} harus bilangan bulat, bukan {raw!r}") from exc


def float_setting(name: str, default: float) -> float:
    """A non-negative number setting; a clear Indonesian error for anything else."""
    raw = setting(name)
    try:
        value = float(raw) if raw is not None else default
    except ValueError as exc:
        raise RuntimeError(f"Pengaturan PANTAU_{name.upper()} harus angka (contoh 0.005), bukan {raw!r}") from exc
    if value < 0:
        raise RuntimeError(f"Pengaturan PANTAU_{name.upper()} tidak boleh negatif")
    return value


@dataclass(frozen=True)
class Settings:
    database_url: str
    sla_minutes: int
    hard_limit_minutes: int
    sync_interval_seconds: int
    wall_refresh_seconds: int
    demo_source: bool
    x_bearer_token: str | None
    x_monthly_read_budget: int
    x_sync_on_page_load: bool  # off: X is read by the worker (`python -m lib.sync --source x --loop`)
    # Assumed pay-per-use prices (docs.x.com/x-api/getting-started/pricing, Nov 2026): check the console.
    x_price_per_post_read: float = 0.005
    x_price_per_user_read: float = 0.010
    # "Perlu ditinjau": a mention whose calibrated sentiment confidence is below this goes to the
    # review queue (docs/analysis.md shows how many that is and how often those are wrong).
    review_threshold: float = 0.6


def load_settings() -> Settings:
    """Build the settings object; called per use so tests can change the environment.

    The sync interval defaults to three quarters of the wall's refresh interval (45 s for 60 s): equal
    intervals would let every other refresh find the sync not yet due, so the wall would show data
    up to two refreshes old."""
    wall_refresh = int_setting("wall_refresh_seconds", 60)
    return Settings(
        database_url=setting("database_url", DEFAULT_DB_URL) or DEFAULT_DB_URL,
        sla_minutes=int_setting("sla_minutes", 60),
        hard_limit_minutes=int_setting("hard_limit_minutes", 24 * 60),
        sync_interval_seconds=int_setting("sync_interval_seconds", max(10, wall_refresh * 3 // 4)),
        wall_refresh_seconds=wall_refresh,
        demo_source=(setting("demo_source", "1") or "1") not in ("0", "false", "no"),
        x_bearer_token=setting("x_bearer_token"),
        x_monthly_read_budget=int_setting("x_monthly_read_budget", 10_000),
        x_sync_on_page_load=(setting("x_sync_on_page_load", "0") or "0") in ("1", "true", "yes"),
        x_price_per_post_read=float_setting("x_price_per_post_read", 0.005),
        x_price_per_user_read=float_setting("x_price_per_user_read", 0.010),
        review_threshold=_share("review_threshold", 0.6),
    )


def _share(name: str, default: float) -> float:
    """A number between 0 and 1 (a comma is accepted as the decimal sign)."""
    raw = setting(name)
    if raw is None:
        return default
    try:
        value = float(raw.replace(",", "."))
    except ValueError as exc:
        raise RuntimeError(f"Pengaturan PANTAU_{name.upper()} harus angka antara 0 dan 1, bukan {raw!r}") from exc
    if not 0.0 <= value <= 1.0:
        raise RuntimeError(f"Pengaturan PANTAU_{name.upper()} harus antara 0 dan 1, bukan {raw!r}")
    return value
