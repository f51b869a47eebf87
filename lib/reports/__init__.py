"""Reports that leave Pantau: the daily report, the shift handover and the monthly league.

Each report is one function returning a plain `Report` (lib/reports/model.py); `render_pdf` and
`render_xlsx` turn any report into a file. `python -m lib.reports ...` writes them for cron."""

from __future__ import annotations

from lib.reports.common import ReportError
from lib.reports.daily import daily_report
from lib.reports.excel import render_xlsx
from lib.reports.handover import handover_report
from lib.reports.league import monthly_league
from lib.reports.model import Report
from lib.reports.pdf import render_pdf

__all__ = ["Report", "ReportError", "daily_report", "handover_report", "monthly_league", "render_files",
           "render_pdf", "render_xlsx"]


def render_files(report: Report, with_chart: bool = True) -> dict[str, bytes]:
    """{"pdf": ..., "xlsx": ...} for one report (the trend chart drawn when the report has one)."""
    chart = None
    if with_chart and report.trend is not None and len(report.trend):
        from lib.reports.charts import trend_png

        chart = trend_png(report.trend)
    return {"pdf": render_pdf(report, chart), "xlsx": render_xlsx(report)}
