"""`python -m lib.alerts [--loop] [--interval S]`: one pass (or forever) of detect → record → send.
`python -m lib.alerts subscribe --unit CODE (--telegram CHAT_ID | --email ADDR) [--role R] [--kinds a,b]`
and `python -m lib.alerts list` manage recipients."""

from __future__ import annotations

import argparse
import sys
import time

from sqlalchemy import select

from lib.alerts.detect import KINDS
from lib.alerts.events import SubscriptionError, add_subscription
from lib.alerts.settings import load_alert_settings
from lib.alerts.worker import run_once
from lib.config import load_settings
from lib.db import get_engine, session_scope
from lib.models import AlertSubscription, Unit, utcnow


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.alerts", description="Peringatan dan laporan terjadwal.")
    parser.add_argument("--loop", action="store_true", help="jalan terus")
    parser.add_argument("--interval", type=int, default=60, help="detik antar putaran (dengan --loop)")
    sub = parser.add_subparsers(dest="command")
    s = sub.add_parser("subscribe", help="tambah penerima")
    s.add_argument("--unit", help="kode unit (kosong: nasional)")
    target = s.add_mutually_exclusive_group(required=True)
    target.add_argument("--telegram", metavar="CHAT_ID")
    target.add_argument("--email", metavar="ALAMAT")
    s.add_argument("--bot", help="nama bot di [telegram_bots] secrets.toml (bawaan: PANTAU_TELEGRAM_BOT_TOKEN)")
    s.add_argument("--role", help="label peran penerima, mis. pimpinan")
    s.add_argument("--kinds", default="", help=f"jenis dipisah koma ({', '.join(KINDS)}); kosong: semua")
    sub.add_parser("list", help="daftar penerima")
    args = parser.parse_args(argv)
    settings = load_settings()
    engine = get_engine(settings.database_url)
    if args.command == "subscribe":
        with session_scope(engine) as session:
            unit = session.scalar(select(Unit).where(Unit.code == args.unit.upper())) if args.unit else None
            if args.unit and unit is None:
                print(f"Gagal: unit {args.unit!r} tidak ditemukan.", file=sys.stderr)
                return 2
            try:
                add_subscription(session, "cli", unit.id if unit else None,
                                 (f"telegram:{args.bot}" if args.bot else "telegram") if args.telegram else "email",
                                 args.telegram or args.email, args.role,
                                 [k.strip() for k in args.kinds.split(",") if k.strip()])
            except SubscriptionError as exc:
                print(f"Gagal: {exc}", file=sys.stderr)
                return 2
        print("Penerima ditambahkan.")
        return 0
    if args.command == "list":
        with session_scope(engine) as session:
            for sub, code in session.execute(select(AlertSubscription, Unit.code)
                                             .outerjoin(Unit, Unit.id == AlertSubscription.unit_id)):
                print(f"{sub.id}\t{code or 'NASIONAL'}\t{sub.role or '-'}\t{sub.channel}\t{sub.target}\t"
                      f"{sub.kinds or 'semua'}\t{'aktif' if sub.active else 'nonaktif'}")
        return 0
    cfg = load_alert_settings()
    while True:
        with session_scope(engine) as session:
            result = run_once(session, cfg, settings.sla_minutes, utcnow())
        print(" ".join(f"{k}={v}" for k, v in result.items()), flush=True)
        if not args.loop:
            return 0
        time.sleep(max(5, args.interval))


if __name__ == "__main__":
    raise SystemExit(main())
