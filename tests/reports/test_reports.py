"""Each report rendered for a small known data set: figures checked in the data object, in the PDF
text (pypdf) and in the Excel cells read back (openpyxl)."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from lib.models import Issue, Mention
from lib.reports import ReportError, daily_report, handover_report, monthly_league, render_files, render_xlsx
from lib.scope import scope_for_unit
from lib.spreadsheet_safe import neutralise
from tests.helpers import unit_id
from tests.reports.conftest import audit, person, put, utc

# 11:00 WITA on Thursday 26 Nov 2026.
NOW = utc(2026, 11, 26, 3, 0)
BPP = "POLSEK-BALIKPAPAN-UTARA"
HOAX = '=HYPERLINK("http://evil.example","klik") <b>Beredar</b> pesan hoaks penculikan'


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def balikpapan_day(registry, session):
    """25 Nov in WITA (UTC+8) runs 24 Nov 16:00 UTC – 25 Nov 16:00 UTC."""
    put(session, BPP, utc(2026, 11, 25, 2, 0), answered_after=20)
    put(session, BPP, utc(2026, 11, 25, 4, 0), answered_after=40)
    put(session, BPP, utc(2026, 11, 25, 6, 0), sentiment="negative", flags="hoax", text=HOAX, author="penyebar")
    put(session, BPP, utc(2026, 11, 25, 15, 30))  # 23:30 WITA: still the 25th there
    put(session, BPP, utc(2026, 11, 25, 16, 10))  # 00:10 WITA on the 26th: not the report's day
    put(session, BPP, utc(2026, 11, 24, 5, 0))  # the day before
    put(session, BPP, utc(2026, 11, 18, 5, 0))  # the same day last week, twice
    put(session, BPP, utc(2026, 11, 18, 6, 0))
    issue = Issue(topic="hoaks", title="Hoaks penculikan di Balikpapan", first_seen=utc(2026, 11, 24, 5, 0),
                  last_seen=utc(2026, 11, 25, 16, 10))
    session.add(issue)
    session.flush()
    for m in session.scalars(select(Mention).where(Mention.created_at.in_(
            [utc(2026, 11, 24, 5, 0), utc(2026, 11, 25, 6, 0), utc(2026, 11, 25, 15, 30), utc(2026, 11, 25, 16, 10)]))):
        m.issue_id = issue.id  # two of them on the report's day
    session.commit()
    return session


def test_daily_report_figures_in_the_units_own_day(balikpapan_day):
    report = daily_report(balikpapan_day, "POLRESTA-BALIKPAPAN", date(2026, 11, 25), 60, now=NOW)
    mentions = report.figure("Sebutan")
    assert (mentions.value, mentions.compare["Kemarin"], mentions.compare["Minggu lalu"]) == (4, 1, 2)
    assert report.figure("Dijawab").value == 2
    assert report.figure("Median respons").value == 30.0
    assert report.figure("Negatif").value == 0.25
    assert report.figure("Belum dijawab (sekarang)").value == 6
    assert report.figure("Lewat SLA (sekarang)").value == 6
    polsek = report.table("Per Polsek")
    assert polsek.rows[0][:4] == ["Polsek Balikpapan Utara", 4, 6, 6]
    flagged = report.table("Hoaks dan SARA")
    assert flagged.column("Penulis") == ["penyebar"] and flagged.column("Tanda") == ["hoax"]
    assert report.table("Belum terverifikasi").column("Unit") == ["Polresta Balikpapan", "Polsek Balikpapan Utara"]
    issues = report.table("Isu negatif teratas")
    assert issues.rows == [["Hoaks penculikan di Balikpapan", 2, 1, utc(2026, 11, 25, 6, 0), utc(2026, 11, 25, 15, 30)]]
    assert report.timezone == "Asia/Makassar" and "25 Nov 2026" in report.period_label
    assert len(report.trend) == 14 and int(report.trend["mentions"].iloc[-1]) == 4


def test_daily_report_pdf_and_excel_carry_the_same_figures(balikpapan_day):
    report = daily_report(balikpapan_day, "POLRESTA-BALIKPAPAN", date(2026, 11, 25), 60, now=NOW)
    files = render_files(report)  # with the trend chart drawn by vl-convert
    assert files["pdf"].startswith(b"%PDF")
    text = pdf_text(files["pdf"])
    assert "Laporan Harian – Polresta Balikpapan" in text
    assert "Rabu, 25 Nov 2026 · waktu WITA" in text
    assert "Sebutan 4 1 2" in text
    assert "Median respons 30 mnt" in text
    assert "Negatif 25%" in text
    assert "penyebar" in text and "<b>Beredar</b>" in text  # the post's markup is shown as text, not applied
    assert len(PdfReader(io.BytesIO(files["pdf"])).pages[0].images) == 1  # the trend chart

    wb = load_workbook(io.BytesIO(files["xlsx"]))
    summary = {row[0]: row[1:] for row in wb["Ringkasan"].iter_rows(min_row=6, values_only=True) if row[0]}
    assert summary["Sebutan"][:3] == (4, 1, 2)
    assert summary["Negatif"][0] == 0.25
    assert summary["Median respons"][0] == 30.0
    flagged = wb["Hoaks dan SARA"]
    header = [c.value for c in flagged[1]]
    text_cell = flagged.cell(row=2, column=header.index("Teks") + 1).value
    assert text_cell.startswith("'=HYPERLINK(")  # neutralised: shown as text, never run
    assert flagged.cell(row=2, column=1).value == datetime(2026, 11, 25, 14, 0)  # 06:00 UTC in WITA
    assert header[0] == "Waktu (WITA)"


def test_daily_report_scope_is_checked(balikpapan_day):
    metro = scope_for_unit(balikpapan_day, unit_id(balikpapan_day, "POLDA-METRO-JAYA"))
    with pytest.raises(ReportError, match="di luar cakupan"):
        daily_report(balikpapan_day, "POLRESTA-BALIKPAPAN", date(2026, 11, 25), 60, now=NOW, within=metro)
    with pytest.raises(ReportError, match="tidak ditemukan"):
        daily_report(balikpapan_day, "TIDAK-ADA", date(2026, 11, 25), 60, now=NOW)


def test_handover_across_midnight_in_wita(registry, session):
    # Night shift 25 Nov 20:00 WITA – 26 Nov 08:00 WITA = 25 Nov 12:00 UTC – 26 Nov 00:00 UTC.
    before = put(session, BPP, utc(2026, 11, 25, 11, 0))  # 19:00 WITA, open, overdue at handover
    put(session, BPP, utc(2026, 11, 25, 13, 0), answered_after=20, function="Lantas")  # answered in the shift
    put(session, BPP, utc(2026, 11, 25, 15, 50), function="Reskrim")  # 23:50 WITA, open, overdue
    closed = put(session, BPP, utc(2026, 11, 25, 16, 30), function="Reskrim", status="selesai")  # 00:30 WITA
    put(session, BPP, utc(2026, 11, 25, 23, 30), function="Lantas")  # 07:30 WITA: open, 30 min old
    put(session, BPP, utc(2026, 11, 26, 0, 30))  # 08:30 WITA: after the shift
    metro = put(session, "POLSEK-CILEDUG", utc(2026, 11, 25, 14, 0))
    person(session, "budi", "Brigadir Budi Santoso", "POLRESTA-BALIKPAPAN")
    person(session, "sari", "Bripda Sari", BPP)
    person(session, "andi", "Andi (Metro)", "POLSEK-CILEDUG")
    audit(session, utc(2026, 11, 25, 17, 0), "budi", "mention", closed.id, "status", "selesai")  # 01:00 WITA
    audit(session, utc(2026, 11, 25, 12, 5), "sari", "user", None, "login")
    audit(session, utc(2026, 11, 25, 13, 0), "andi", "mention", metro.id, "status", "selesai")  # other Polda
    audit(session, utc(2026, 11, 25, 11, 0), "budi", "mention", before.id, "status", "diteruskan")  # before
    session.commit()

    report = handover_report(session, "POLRESTA-BALIKPAPAN", datetime(2026, 11, 25, 20, 0), 12, 60, now=NOW)
    assert [f.value for f in report.figures] == [4, 2, 3, 2]  # in, handled, open, overdue at handover
    by_function = {r[0]: r[1:] for r in report.table("Per fungsi").rows}
    assert by_function == {"Reskrim": [2, 1, 1, 1], "Lantas": [2, 1, 1, 0], "(belum ditentukan)": [0, 0, 1, 1]}
    duty = report.table("Petugas piket")
    assert duty.column("Nama") == ["Brigadir Budi Santoso", "Bripda Sari"]
    assert duty.column("Tindakan") == [1, 1]
    assert report.period_label == "25 Nov 20:00 WITA – 26 Nov 08:00 WITA"

    files = render_files(report)
    text = pdf_text(files["pdf"])
    assert "Serah Terima Piket – Polresta Balikpapan" in text
    assert "Brigadir Budi Santoso" in text and "Andi" not in text
    assert "Reskrim 2 1 1 1" in text
    wb = load_workbook(io.BytesIO(files["xlsx"]))
    rows = list(wb["Per fungsi"].iter_rows(min_row=2, values_only=True))
    assert ("Reskrim", 2, 1, 1, 1) in rows


def test_handover_refuses_a_shift_not_yet_over(registry, session):
    with pytest.raises(ReportError, match="belum selesai"):
        handover_report(session, "POLRESTA-BALIKPAPAN", datetime(2026, 11, 26, 8, 0), 12, 60, now=NOW)


def test_monthly_league_ranks_polda_by_answers(registry, session):
    for minute in (10, 20, 30):
        put(session, BPP, utc(2026, 11, 10, 2, minute), answered_after=15)
    put(session, "POLSEK-CILEDUG", utc(2026, 11, 12, 2, 0), answered_after=90)
    put(session, "POLSEK-CILEDUG", utc(2026, 11, 12, 3, 0))
    put(session, "POLSEK-BENDA", utc(2026, 11, 12, 4, 0))
    put(session, "POLSEK-BENDA", utc(2026, 10, 31, 12, 0))  # 19:00 WIB on 31 Oct: October
    session.commit()
    report = monthly_league(session, None, "2026-11", 60, now=NOW)
    table = report.table("Liga Polda")
    assert table.column("Polda") == ["Polda Kalimantan Timur", "Polda Metro Jaya"]
    assert table.column("Sebutan") == [3, 3]
    assert table.column("Dijawab") == [3, 1]
    assert table.column("Sesuai SLA") == [1.0, 0.0]
    assert report.period_label == "November 2026"
    wb = load_workbook(io.BytesIO(render_xlsx(report)))
    assert [r[:4] for r in wb["Liga Polda"].iter_rows(min_row=2, values_only=True)] == [
        (1, "Polda Kalimantan Timur", 3, 3), (2, "Polda Metro Jaya", 3, 1)]
    with pytest.raises(ReportError, match="tidak valid"):
        monthly_league(session, None, "November", 60, now=NOW)


@pytest.mark.parametrize("raw, expected", [
    ("=1+1", "'=1+1"), ("+62 812", "'+62 812"), ("-5", "'-5"), ("@polsek", "'@polsek"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("halo", "halo"), (5, 5), (-5, -5), (None, None),
])
def test_neutralise(raw, expected):
    assert neutralise(raw) == expected


def test_cli_writes_pdf_and_excel(balikpapan_day, tmp_path, capsys):
    from lib.reports.__main__ import main

    assert main(["daily", "--unit", "POLRESTA-BALIKPAPAN", "--date", "2026-11-25", "--out", str(tmp_path),
                 "--no-chart"]) == 0
    written = capsys.readouterr().out.split()
    assert sorted(p.rsplit(".", 1)[1] for p in written) == ["pdf", "xlsx"]
    assert "Sebutan 4 1 2" in pdf_text(open(written[0], "rb").read())
    assert main(["daily", "--unit", "NOPE", "--date", "2026-11-25", "--out", str(tmp_path)]) == 2
