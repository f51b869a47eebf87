"""`python -m lib.seed`: load the registry CSVs and back-fill the demo data set (idempotent)."""

from __future__ import annotations

import sys

from lib.config import load_settings
from lib.db import check_database, get_engine, session_scope
from lib.sync import enabled_sources, run
from lib.units import load_registry


def main() -> int:
    settings = load_settings()
    engine = get_engine(settings.database_url)
    check_database(engine)
    with session_scope(engine) as s:
        count = load_registry(s)
    print(f"Registri dimuat: {count} unit.")
    sources = [src for src in enabled_sources(settings) if src.name == "demo"]
    if sources:
        result = run(engine, sources)
        print(f"Data demo: {result.new_mentions} sebutan baru ({result.status}).")
        for err in result.errors:
            print(f"galat: {err}", file=sys.stderr)
        return 0 if result.ok else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
