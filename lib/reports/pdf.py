"""A `Report` as a PDF (fpdf2, A4 landscape, DejaVu Sans for Indonesian text).

Text from the internet is written as plain text cells: fpdf2 interprets no markup unless asked
(`markdown=False` everywhere here), and control characters are dropped before writing."""

from __future__ import annotations

import io

from fpdf import FPDF
from fpdf.fonts import FontFace

from lib import formatting
from lib.pdf_text import FONT, add_fonts, plain
from lib.reports.model import TEXT, Report, Table, text_of

INK, MUTED, RED = (49, 51, 63), (110, 110, 120), (200, 30, 30)


class _Doc(FPDF):
    def __init__(self, report: Report) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.report = report
        add_fonts(self)
        self.set_auto_page_break(True, margin=14)
        self.set_title(plain(f"{report.title} – {report.scope_label}"))
        self.set_creator("Pantau")

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, size=7)
        self.set_text_color(*MUTED)
        made = formatting.local_label(self.report.generated_at, self.report.timezone)
        self.cell(0, 5, plain(f"Pantau · {self.report.title} · {self.report.scope_label} · dibuat {made} · "
                              f"halaman {self.page_no()}/{{nb}}"), align="C")


def render_pdf(report: Report, chart_png: bytes | None = None) -> bytes:
    """The report as PDF bytes; `chart_png` (see `lib.reports.charts.trend_png`) is placed after
    the headline figures when given."""
    pdf = _Doc(report)
    pdf.add_page()
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 9, plain(f"{report.title} – {report.scope_label}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 6, plain(f"{report.period_label} · waktu {formatting.zone_name(report.timezone)}"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_text_color(*INK)
    if report.figures:
        _figures(pdf, report)
    if chart_png:
        pdf.ln(3)
        pdf.image(io.BytesIO(chart_png), h=88)
    for table in report.tables:
        _table(pdf, report, table)
    if report.notes:
        pdf.ln(3)
        pdf.set_font(FONT, size=8)
        pdf.set_text_color(*MUTED)
        for note in report.notes:
            pdf.multi_cell(0, 4, plain(note), new_x="LMARGIN", new_y="NEXT", markdown=False)
    return bytes(pdf.output())


def _figures(pdf: FPDF, report: Report) -> None:
    compare = list(dict.fromkeys(k for f in report.figures for k in f.compare))
    headings = ["", "Nilai", *[f"{k}" for k in compare]]
    heading_style = FontFace(family=FONT, emphasis="BOLD", fill_color=(235, 238, 243))
    pdf.set_font(FONT, size=10)
    with pdf.table(col_widths=(60, 35, *[35] * len(compare)), width=60 + 35 * (1 + len(compare)), align="LEFT",
                   text_align=("LEFT", *["RIGHT"] * (1 + len(compare))), headings_style=heading_style,
                   line_height=6, markdown=False) as table:
        table.row(headings)
        for f in report.figures:
            table.row([plain(f.label), text_of(f.value, f.kind, report.timezone),
                       *[text_of(f.compare.get(k), f.kind, report.timezone) if k in f.compare else ""
                         for k in compare]])


def _table(pdf: FPDF, report: Report, table: Table) -> None:
    pdf.ln(4)
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 7, plain(table.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=8)
    if not table.rows:
        pdf.set_text_color(*MUTED)
        pdf.cell(0, 5, plain(table.empty_text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*INK)
        return
    weights = [5.0 if c.title == "Teks" else (2.2 if c.kind == TEXT else 1.2) for c in table.columns]
    heading_style = FontFace(family=FONT, emphasis="BOLD", fill_color=(235, 238, 243))
    with pdf.table(col_widths=weights, text_align=["LEFT" if c.kind == TEXT else "RIGHT" for c in table.columns],
                   headings_style=heading_style, line_height=4.5, markdown=False) as out:
        out.row([plain(c.title) for c in table.columns])
        for row in table.rows:
            out.row([plain(text_of(v, c.kind, report.timezone)) for v, c in zip(row, table.columns, strict=True)])
