"""Evidence case files (hash verifies, survives the mention's removal, exports PDF + JSON) and
ticket links to LAPOR! / Dumas Presisi / 110 (validated, scoped, searchable)."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import delete, select

from lib import evidence
from lib.models import AuditEntry, EvidenceFile, Mention, TicketLink
from lib.scope import NATIONAL, OutOfScope, scope_for_unit
from lib.tickets import TicketError, add_ticket, find_by_ticket, tickets_for
from tests.helpers import make_user, unit_id
from tests.reports.conftest import put, utc

HOAX = "Beredar: vaksin berisi chip!! ‮sebarkan‬ @polsekciledug https://t.co/abc"


@pytest.fixture
def hoax(registry, session):
    m = put(session, "POLSEK-CILEDUG", utc(2026, 11, 25, 2, 0), flags="hoax", sentiment="negative", text=HOAX,
            author="penyebar99")
    session.commit()
    return m


def test_case_file_hash_verifies_and_survives_removal(engine, hoax, session):
    operator = make_user(engine, "operator", "POLRES-METRO-TANGERANG-KOTA")
    add_ticket(session, operator, operator.scope, hoax.id, "lapor", "LAP-2026-000123")
    file = evidence.preserve(session, operator, operator.scope, hoax.id, "laporan ke Ditreskrimsus",
                             now=utc(2026, 11, 25, 3, 0))
    session.commit()
    assert evidence.verify(file)
    assert file.sha256 == hashlib.sha256(file.record.encode("utf-8")).hexdigest()
    record = json.loads(file.record)
    assert record["post"]["text"] == HOAX
    assert record["author"] == {"id": "id-penyebar99", "handle": "penyebar99", "name": None}
    assert record["post"]["external_id"] == hoax.external_id and record["post"]["url"].startswith("https://x.com/")
    assert record["pantau"]["first_seen_at"] == "2026-11-25T02:01:00+00:00"
    assert record["request"]["requested_by"] == operator.name
    assert record["pantau"]["tickets"] == [{"channel": "lapor", "ticket_id": "LAP-2026-000123"}]
    assert any(e["action"] == "tiket" for e in record["pantau"]["audit_trail"])

    # The post is deleted on the platform and the row removed here: the case file stays and verifies.
    session.execute(delete(TicketLink))
    session.execute(delete(Mention).where(Mention.id == hoax.id))
    session.commit()
    kept = evidence.get_file(session, operator.scope, file.id)
    assert kept is not None and evidence.verify(kept)
    exported = evidence.export_json(kept)
    assert evidence.verify_export(exported)
    doc = json.loads(exported)
    doc["record"]["post"]["text"] = "diubah"
    assert not evidence.verify_export(json.dumps(doc).encode())
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(evidence.export_pdf(kept))).pages)
    assert kept.sha256 in text.replace("\n", "")
    assert "penyebar99" in text and "vaksin berisi chip" in text
    assert "\u202e" not in text  # the bidi override from the post is not carried into the PDF

    # A tampered stored record no longer verifies.
    kept.record = kept.record.replace("chip", "chips")
    assert not evidence.verify(kept)
    session.rollback()


def test_evidence_is_scoped_and_audited(engine, hoax, session):
    kaltim = make_user(engine, "operator", "POLDA-KALTIM")
    with pytest.raises(OutOfScope):
        evidence.preserve(session, kaltim, kaltim.scope, hoax.id)
    refused = session.scalar(select(AuditEntry).where(AuditEntry.action == "bukti"))
    assert refused.outcome == "denied"
    file = evidence.preserve(session, "admin", NATIONAL, hoax.id)
    session.commit()
    assert [f.id for f in evidence.files_for(session, NATIONAL, hoax.id)] == [file.id]
    assert evidence.files_for(session, kaltim.scope, hoax.id) == []
    assert evidence.get_file(session, kaltim.scope, file.id) is None
    assert session.scalar(select(EvidenceFile.sha256)) == file.sha256


def test_ticket_links_validated_shown_and_searchable(engine, hoax, session):
    other = put(session, "POLSEK-BALIKPAPAN-UTARA", utc(2026, 11, 25, 4, 0), text="lapor pak")
    add_ticket(session, "admin", NATIONAL, hoax.id, "dumas", "DUMAS/123/XI/2026")
    add_ticket(session, "admin", NATIONAL, hoax.id, "dumas", "DUMAS/123/XI/2026")  # same link: kept once
    add_ticket(session, "admin", NATIONAL, other.id, "110", "110-778899")
    session.commit()
    assert [t.ticket_id for t in tickets_for(session, hoax.id)] == ["DUMAS/123/XI/2026"]
    found = find_by_ticket(session, NATIONAL, "dumas/123")
    assert found["id"].tolist() == [hoax.id] and found["ticket"].tolist() == ["Dumas Presisi DUMAS/123/XI/2026"]
    metro = scope_for_unit(session, unit_id(session, "POLDA-METRO-JAYA"))
    assert find_by_ticket(session, metro, "110-77").empty
    assert find_by_ticket(session, NATIONAL, "110-77")["id"].tolist() == [other.id]
    with pytest.raises(TicketError):
        add_ticket(session, "admin", NATIONAL, hoax.id, "whatsapp", "123")
    with pytest.raises(TicketError):
        add_ticket(session, "admin", NATIONAL, hoax.id, "lapor", "=cmd|' /C calc'!A0")
    wall_viewer = make_user(engine, "pimpinan", "POLDA-KALTIM")
    with pytest.raises(OutOfScope):
        add_ticket(session, wall_viewer, wall_viewer.scope, hoax.id, "lapor", "LAP-1")


def test_hostile_text_in_case_file_and_report_pdf(registry, session):
    from datetime import date

    from lib.reports import daily_report, render_pdf

    hostile = "<script>alert(1)</script> **tebal** " + "PANJANG" * 3000 + " 😀🚓 \u202eterbalik"
    m = put(session, "POLSEK-CILEDUG", utc(2026, 11, 25, 2, 0), flags="hoax,hate", text=hostile,
            author="=cmd|calc" * 5)
    session.commit()
    file = evidence.preserve(session, "admin", NATIONAL, m.id)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(evidence.export_pdf(file))).pages)
    assert "<script>alert(1)</script> **tebal**" in " ".join(text.split())  # shown, not interpreted
    assert "\u202e" not in text
    report = daily_report(session, "POLSEK-CILEDUG", date(2026, 11, 25), 60, now=utc(2026, 11, 26, 3, 0))
    pdf = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(report))).pages)
    assert "<script>alert(1)</script> **tebal**" in " ".join(pdf.split())
