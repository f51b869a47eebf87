"""`python -m lib.reports daily --unit CODE --date YYYY-MM-DD [--out DIR]` (and `handover`,
`league`): write a report as PDF and Excel, for cron. Prints the paths written."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from lib.config import load_settings
from lib.db import get_engine, session_scope
from lib.reports import ReportError, daily_report, handover_report, monthly_league, render_files
from lib.reports.common import unit_by_code, zone_of


def _date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"tanggal {raw!r} tidak valid (YYYY-MM-DD)") from exc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.reports", description="Tulis laporan PDF dan Excel.")
    sub = parser.add_subparsers(dest="kind", required=True)
    d = sub.add_parser("daily", help="laporan harian satu unit (default: kemarin di zona unit)")
    d.add_argument("--date", type=_date)
    h = sub.add_parser("handover", help="serah terima piket")
    h.add_argument("--start", required=True, help="awal piket, waktu setempat unit: 2026-11-25T20:00")
    h.add_argument("--hours", type=float, default=12)
    m = sub.add_parser("league", help="liga bulanan Polda/Polres")
    m.add_argument("--month", required=True, help="2026-11")
    for p in (d, h, m):
        p.add_argument("--unit", help="kode unit (kosong: nasional)")
        p.add_argument("--out", type=Path, default=Path("."))
        p.add_argument("--no-chart", action="store_true")
    args = parser.parse_args(argv)
    settings = load_settings()
    try:
        with session_scope(get_engine(settings.database_url)) as session:
            if args.kind == "daily":
                day = args.date or (datetime.now(ZoneInfo(zone_of(unit_by_code(session, args.unit)))).date()
                                    - timedelta(days=1))
                report = daily_report(session, args.unit, day, settings.sla_minutes)
            elif args.kind == "handover":
                try:
                    start = datetime.fromisoformat(args.start)
                except ValueError:
                    raise ReportError(f"Awal piket {args.start!r} tidak valid (2026-11-25T20:00).") from None
                report = handover_report(session, args.unit, start, args.hours, settings.sla_minutes)
            else:
                report = monthly_league(session, args.unit, args.month, settings.sla_minutes)
            files = render_files(report, with_chart=not args.no_chart)
    except ReportError as exc:
        print(f"Gagal: {exc}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for ext, data in files.items():
        path = args.out / f"{report.file_stem()}.{ext}"
        path.write_bytes(data)
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
