"""A `Report` as an Excel workbook (openpyxl): a summary sheet, then one sheet per table. Numbers
stay numbers (shares as 0..1 with a % format, durations in minutes), times are written in the
report's zone (Excel has no zones; the header names it), and every text cell goes through
`lib.spreadsheet_safe.neutralise` so nothing from the internet runs as a formula."""

from __future__ import annotations

import io
import re
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from lib import formatting
from lib.reports.model import COUNT, MINUTES, SHARE, TIME, Report, Table
from lib.spreadsheet_safe import neutralise

_FORMATS = {SHARE: "0%", MINUTES: "0.0", COUNT: "#,##0", TIME: "dd mmm yyyy hh:mm"}
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # openpyxl refuses these characters


def _cell_value(value, kind: str, tz: str):
    if value is None or (isinstance(value, float) and value != value):
        return None
    if kind == TIME:
        return value.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    if isinstance(value, str):
        return neutralise(_ILLEGAL.sub(" ", value))
    return value


def _sheet_title(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title)[:28] or "Tabel"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name)
    return name


def render_xlsx(report: Report) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Ringkasan"
    used = {"Ringkasan"}
    zone = formatting.zone_name(report.timezone)
    bold = Font(bold=True)
    ws.append([neutralise(f"{report.title} – {report.scope_label}")])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([neutralise(report.period_label), f"waktu {zone}"])
    ws.append(["Dibuat", report.generated_at.astimezone(ZoneInfo(report.timezone)).replace(tzinfo=None)])
    ws["B3"].number_format = _FORMATS[TIME]
    ws.append([])
    compare = list(dict.fromkeys(k for f in report.figures for k in f.compare))
    ws.append(["Angka", "Nilai", *compare])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for f in report.figures:
        ws.append([f.label, _cell_value(f.value, f.kind, report.timezone),
                   *[_cell_value(f.compare.get(k), f.kind, report.timezone) for k in compare]])
        for cell in ws[ws.max_row][1:]:
            cell.number_format = _FORMATS.get(f.kind, "General")
    for note in report.notes:
        ws.append([neutralise(note)])
    ws.column_dimensions["A"].width = 34
    for table in report.tables:
        _table_sheet(wb.create_sheet(_sheet_title(table.title, used)), report, table, zone)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _table_sheet(ws, report: Report, table: Table, zone: str) -> None:
    ws.append([f"{c.title} ({zone})" if c.kind == TIME else c.title for c in table.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for row in table.rows:
        ws.append([_cell_value(v, c.kind, report.timezone) for v, c in zip(row, table.columns, strict=True)])
    for i, c in enumerate(table.columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = 70 if c.title == "Teks" else (28 if c.kind == "text" else 16)
        if c.kind in _FORMATS:
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = _FORMATS[c.kind]
