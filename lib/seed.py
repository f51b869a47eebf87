"""`python -m lib.seed`: load the registry CSVs, make sure someone can sign in, and back-fill the demo
data set (idempotent).

On an empty user table it creates the admin `admin` with the password from
`PANTAU_ADMIN_PASSWORD`, or a generated one printed once to this terminal (and nowhere else).
"""

from __future__ import annotations

import os
import sys

from lib.config import load_settings
from lib.db import check_database, get_engine, session_scope
from lib.formatting import number
from lib.progress import step
from lib.sync import enabled_sources, run
from lib.units import load_registry
from lib.users import UserError, ensure_first_admin


def main() -> int:
    settings = load_settings()
    engine = get_engine(settings.database_url)
    check_database(engine)
    with step("Memuat registri unit dan akun"), session_scope(engine) as s:
        count = load_registry(s)
    print(f"Registri dimuat: {number(count)} unit.")
    try:
        with session_scope(engine) as s:
            first = ensure_first_admin(s, os.environ.get("PANTAU_ADMIN_PASSWORD"))
    except UserError as exc:
        print(f"galat: PANTAU_ADMIN_PASSWORD ditolak: {exc}", file=sys.stderr)
        return 1
    if first:
        username, generated = first
        if generated:
            print(f"Admin pertama dibuat. Nama pengguna: {username}  Kata sandi: {generated}")
            print("Kata sandi ini hanya ditampilkan sekali; gantilah setelah masuk.")
        else:
            print(f"Admin pertama dibuat. Nama pengguna: {username} (kata sandi dari PANTAU_ADMIN_PASSWORD).")
    sources = [src for src in enabled_sources(settings) if src.name == "demo"]
    if sources:
        with step("Mengisi data demo (sekali saja; menganalisis setiap sebutan)"):
            result = run(engine, sources)
        if result.status == "busy":
            print("Data demo: dilewati, sinkronisasi lain sedang berjalan.")
        else:
            print(f"Data demo: {number(result.new_mentions)} sebutan baru.")
        for err in result.errors:
            print(f"galat: {err}", file=sys.stderr)
        return 0 if result.ok else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
