"""lib/metrics/ is a package with the same public names as the old module, and no import loop with
lib/daily.py (no function-local imports hiding one)."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import lib.metrics
from lib.config import ROOT
from lib.metrics import Period, split

MODULES = [ROOT / "lib" / "daily.py", *sorted((ROOT / "lib" / "metrics").glob("*.py"))]


def _imports(path: Path) -> tuple[set[str], list[int]]:
    """Modules imported at top level, and the lines of imports of lib.daily / lib.metrics inside
    functions (how the old loop was hidden)."""
    tree = ast.parse(path.read_text())
    top = {n.module for n in tree.body if isinstance(n, ast.ImportFrom) and n.module}
    top |= {a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names}
    nested = [n.lineno for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)
              for n in ast.walk(f) if isinstance(n, ast.ImportFrom)
              and (n.module or "").startswith(("lib.metrics", "lib.daily", "lib.models"))
              or isinstance(n, ast.ImportFrom) and n.module == "lib"]
    return top, nested


def test_public_names_are_importable() -> None:
    for name in lib.metrics.__all__:
        assert getattr(lib.metrics, name) is not None, name


def test_no_loop_between_daily_and_metrics() -> None:
    for path in MODULES:
        assert _imports(path)[1] == [], f"function-local import in {path.name}"
    daily, _ = _imports(ROOT / "lib" / "daily.py")
    assert {m for m in daily if m.startswith("lib.metrics")} == {"lib.metrics.sql", "lib.metrics.buckets"}
    for leaf in ("sql.py", "buckets.py"):  # what lib.daily reads of lib.metrics imports neither back
        leaf_imports, _ = _imports(ROOT / "lib" / "metrics" / leaf)
        assert not {m for m in leaf_imports if m.startswith(("lib.metrics", "lib.daily"))} and "lib" not in leaf_imports
    for first in ("lib.daily", "lib.metrics", "lib.metrics.counts", "lib.metrics.sql"):
        subprocess.run([sys.executable, "-c", f"import {first}"], cwd=ROOT, check=True)


def test_local_days_and_split_share_the_day_bounds() -> None:
    days = Period.local_days(date(2026, 11, 24), date(2026, 11, 25), "Asia/Jayapura")  # WIT, UTC+9
    assert (days.since, days.until) == (datetime(2026, 11, 23, 15, tzinfo=UTC), datetime(2026, 11, 25, 15, tzinfo=UTC))
    sp = split("Asia/Jayapura", datetime(2026, 11, 23, 10, tzinfo=UTC), datetime(2026, 11, 26, 3, tzinfo=UTC))
    assert (sp.first_day, sp.end_day, sp.start, sp.end) == (
        date(2026, 11, 24), date(2026, 11, 26), days.since, days.until)
