"""File import is all-or-nothing with line-numbered Indonesian messages; manual input is audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from lib.intake import add_manual, import_csv
from lib.models import AuditEntry, Mention
from lib.scope import NATIONAL, scope_for_unit
from tests.helpers import unit

HEADER = "unit_code,platform,text,created_at,author\n"


def count(session) -> int:
    return session.scalar(select(func.count(Mention.id)))


def test_good_file_imports_and_reimport_adds_nothing(registry, session):
    data = (HEADER + "POLSEK-CILEDUG,whatsapp,tolong ada begal di ciledug,2026-11-20 21:15,0812xxx\n"
            "POLSEK-BENDA,x,macet parah pak,2026-11-20T14:00:00Z,@warga\n").encode()
    result = import_csv(session, NATIONAL, data, "ani", "aduan.csv")
    session.commit()
    assert result.ok and (result.new, result.duplicates) == (2, 0)
    wa = session.scalar(select(Mention).where(Mention.platform == "whatsapp"))
    assert wa.created_at == datetime(2026, 11, 20, 14, 15, tzinfo=UTC)  # 21:15 WIB
    assert wa.account_id is None and wa.unit.code == "POLSEK-CILEDUG"
    x = session.scalar(select(Mention).where(Mention.platform == "x"))
    assert x.account_id is not None  # Benda's X account
    again = import_csv(session, NATIONAL, data, "ani")
    assert (again.new, again.duplicates) == (0, 2)
    assert session.scalar(select(AuditEntry.note).where(AuditEntry.entity == "import").limit(1)) == "aduan.csv"


def test_one_bad_row_rejects_the_whole_file(registry, session):
    data = (HEADER + "POLSEK-CILEDUG,whatsapp,aduan sah,2026-11-20 21:15,a\n"
            "POLSEK-NOPE,whatsapp,aduan,2026-11-20 21:15,a\n"
            "POLSEK-BENDA,fax,,kemarin,a\n").encode()
    result = import_csv(session, NATIONAL, data, "ani")
    assert not result.ok and count(session) == 0
    assert result.errors[0].startswith("Baris 3: kode unit 'POLSEK-NOPE'")
    assert "platform 'fax'" in result.errors[1] and "teks kosong" in result.errors[1]
    assert "bukan format ISO" in result.errors[1]


def test_bad_encoding_missing_columns_and_out_of_scope(registry, session):
    assert "UTF-8" in import_csv(session, NATIONAL, "teks,é".encode("latin-1"), "ani").errors[0]
    assert "Kolom wajib" in import_csv(session, NATIONAL, b"a,b\n1,2\n", "ani").errors[0]
    kaltim = scope_for_unit(session, unit(session, "POLDA-KALTIM").id)
    result = import_csv(session, kaltim, (HEADER + "POLSEK-CILEDUG,x,halo,2026-11-20 10:00,a\n").encode(), "ani")
    assert not result.ok and "di luar cakupan" in result.errors[0]


def test_manual_entry(registry, session):
    now = datetime.now(UTC) - timedelta(minutes=3)
    ciledug = unit(session, "POLSEK-CILEDUG").id
    ok = add_manual(session, NATIONAL, ciledug, "whatsapp", "motor saya hilang di pasar", now, "ani", "Bu Sari")
    session.commit()
    assert ok.ok and ok.new == 1
    assert add_manual(session, NATIONAL, ciledug, "whatsapp", "   ", now, "ani").errors == ["Teks sebutan wajib diisi."]
    future = add_manual(session, NATIONAL, ciledug, "line", "halo", now + timedelta(days=1), "ani")
    assert not future.ok
    kaltim = scope_for_unit(session, unit(session, "POLDA-KALTIM").id)
    assert not add_manual(session, kaltim, ciledug, "line", "halo", now, "ani").ok
    assert count(session) == 1


def test_out_of_scope_input_and_import_are_audited_as_refusals(registry, session):
    """Issue 11: a refused manual entry or import row outside the scope is on record, not only shown."""
    now = datetime.now(UTC) - timedelta(minutes=3)
    kaltim = scope_for_unit(session, unit(session, "POLDA-KALTIM").id)
    ciledug = unit(session, "POLSEK-CILEDUG").id
    assert not add_manual(session, kaltim, ciledug, "line", "halo", now, "wayan").ok
    data = (HEADER + "POLSEK-CILEDUG,x,halo,2026-11-20 10:00,a\nPOLSEK-BENDA,x,hai,2026-11-20 10:00,a\n").encode()
    assert not import_csv(session, kaltim, data, "wayan", "luar.csv").ok
    session.rollback()  # what the page does with a refused import: the refusals must survive it
    denied = session.execute(select(AuditEntry.action, AuditEntry.actor, AuditEntry.note)
                             .where(AuditEntry.outcome == "denied").order_by(AuditEntry.id)).all()
    assert [(d.action, d.actor) for d in denied] == [("input manual", "wayan"), ("impor berkas", "wayan")]
    assert "POLSEK-BENDA" in denied[1].note and "POLSEK-CILEDUG" in denied[1].note
