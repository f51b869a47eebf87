"""Evidence preservation for posts that may become a case (hoax, SARA, abuse; Ditreskrimsus siber).

On request, a mention is frozen into a case file: the full text, the author's platform id and
handle, the URL and platform ids, the post's time and when Pantau first saw it, Pantau's analysis,
the mention's audit trail, and who asked and why. The file is canonical JSON (UTF-8, sorted keys,
no spaces) stored as text with the SHA-256 of exactly those bytes; it does not point at the
mention row by foreign key, so it survives the post being deleted on the platform and the row
being removed here. Anyone can re-check the hash from the JSON export alone."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from fpdf import FPDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from lib import audit, formatting
from lib.auth import Principal, actor_name, check_target_unit, require_write
from lib.models import Account, EvidenceFile, Mention, TicketLink, Unit, utcnow
from lib.pdf_text import FONT, add_fonts, plain
from lib.scope import OutOfScope, Scope

SCHEMA = "pantau-bukti/1"
ALGORITHM = "SHA-256 atas JSON kanonik field 'record' (UTF-8, kunci terurut, tanpa spasi)"


def canonical(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def build_record(session: Session, mention: Mention, requester: str, reason: str | None, now: datetime) -> dict:
    unit = session.get(Unit, mention.unit_id)
    account = session.get(Account, mention.account_id) if mention.account_id else None
    trail = audit.history(session, "mention", mention.id)
    tickets = session.scalars(select(TicketLink).where(TicketLink.mention_id == mention.id)).all()
    return {
        "schema": SCHEMA,
        "post": {
            "platform": mention.platform, "external_id": mention.external_id, "url": mention.url,
            "text": mention.text, "lang": mention.lang, "created_at": _iso(mention.created_at),
            "conversation_id": mention.conversation_id, "in_reply_to_id": mention.in_reply_to_id,
        },
        "author": {"id": mention.author_id, "handle": mention.author_handle, "name": mention.author_name},
        "addressed_to": {"unit_code": unit.code if unit else None, "unit_name": unit.name if unit else None,
                         "account_handle": account.handle if account else None},
        "pantau": {
            "mention_id": mention.id, "first_seen_at": _iso(mention.fetched_at),
            "sentiment": mention.sentiment, "flags": mention.flags, "function": mention.function,
            "topic": mention.topic, "status": mention.status, "answered_at": _iso(mention.answered_at),
            "audit_trail": [{"at": _iso(e.at), "actor": e.actor, "action": e.action, "from": e.from_value,
                             "to": e.to_value, "note": e.note, "outcome": e.outcome} for e in trail],
            "tickets": [{"channel": t.channel, "ticket_id": t.ticket_id} for t in tickets],
        },
        "request": {"requested_by": requester, "requested_at": _iso(now), "reason": reason},
    }


def preserve(session: Session, actor: Principal | str, scope: Scope, mention_id: int, reason: str | None = None,
             now: datetime | None = None) -> EvidenceFile:
    """Freeze mention `mention_id` (inside `scope` and the actor's scope) into a new case file."""
    now = now or utcnow()
    mention = session.get(Mention, mention_id)
    if mention is None:
        raise OutOfScope("Sebutan tidak ditemukan atau di luar cakupan Anda.")
    require_write(session, actor, scope, "mention", mention_id, "bukti")
    check_target_unit(session, actor, scope, mention.unit_id, "mention", mention_id, "bukti")
    requester = actor_name(actor)
    text = canonical(build_record(session, mention, requester, (reason or "").strip() or None, now))
    evidence = EvidenceFile(mention_id=mention.id, requested_by=requester, requested_at=now,
                            reason=(reason or "").strip() or None, record=text, sha256=digest(text))
    session.add(evidence)
    session.flush()
    audit.record(session, actor=requester, entity="mention", entity_id=mention.id, action="bukti",
                 to_value=evidence.sha256, note=evidence.reason)
    return evidence


def verify(evidence: EvidenceFile) -> bool:
    return digest(evidence.record) == evidence.sha256


def verify_export(data: bytes) -> bool:
    """Check a JSON export on its own: the hash of the canonical form of its `record`."""
    doc = json.loads(data)
    return digest(canonical(doc["record"])) == doc["sha256"]


def files_for(session: Session, scope: Scope, mention_id: int) -> list[EvidenceFile]:
    """Case files of a mention still in scope, newest first (a removed mention's files are reached
    by id through `get_file`)."""
    mention = session.get(Mention, mention_id)
    unit = session.get(Unit, mention.unit_id) if mention else None
    if unit is None or not scope.contains_path(unit.path):
        return []
    return list(session.scalars(select(EvidenceFile).where(EvidenceFile.mention_id == mention_id)
                                .order_by(EvidenceFile.id.desc())))


def get_file(session: Session, scope: Scope, evidence_id: int) -> EvidenceFile | None:
    """A case file whose unit (as recorded in the file) lies in `scope`."""
    evidence = session.get(EvidenceFile, evidence_id)
    if evidence is None:
        return None
    code = json.loads(evidence.record)["addressed_to"]["unit_code"]
    unit = session.scalar(select(Unit).where(Unit.code == code)) if code else None
    return evidence if unit is not None and scope.contains_path(unit.path) else None


def export_json(evidence: EvidenceFile) -> bytes:
    doc = {"record": json.loads(evidence.record), "sha256": evidence.sha256, "algorithm": ALGORITHM,
           "evidence_id": evidence.id}
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def export_pdf(evidence: EvidenceFile, tz: str = "Asia/Jakarta") -> bytes:
    """The case file for people: every field as plain text, the hash on every page."""
    record = json.loads(evidence.record)
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    add_fonts(pdf)
    pdf.set_title(f"Berkas bukti #{evidence.id}")
    pdf.add_page()
    pdf.set_font(FONT, "B", 15)
    pdf.cell(0, 9, f"Berkas Bukti #{evidence.id}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=8)
    pdf.multi_cell(0, 4, f"SHA-256: {evidence.sha256}\n{ALGORITHM}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    def when(value: str | None) -> str:
        return formatting.local_label(datetime.fromisoformat(value), tz) + f" ({value})" if value else "–"

    post, author, pantau, req = record["post"], record["author"], record["pantau"], record["request"]
    fields = [
        ("Platform", post["platform"]), ("ID unggahan", post["external_id"]), ("URL", post["url"]),
        ("Waktu unggahan", when(post["created_at"])), ("Percakapan", post["conversation_id"]),
        ("Penulis (id)", author["id"]), ("Penulis (handle)", author["handle"]), ("Nama penulis", author["name"]),
        ("Unit tujuan", record["addressed_to"]["unit_name"]), ("Akun tujuan", record["addressed_to"]["account_handle"]),
        ("Pertama terlihat Pantau", when(pantau["first_seen_at"])), ("Analisis",
         f"{pantau['sentiment']}; tanda: {pantau['flags'] or '–'}; fungsi: {pantau['function'] or '–'}"),
        ("Status", pantau["status"]), ("Tiket", ", ".join(f"{t['channel']} {t['ticket_id']}" for t in pantau["tickets"])),
        ("Diminta oleh", req["requested_by"]), ("Waktu permintaan", when(req["requested_at"])),
        ("Alasan", req["reason"]),
    ]
    for label, value in fields:
        pdf.set_font(FONT, "B", 9)
        pdf.cell(48, 5, label)
        pdf.set_font(FONT, size=9)
        pdf.multi_cell(0, 5, plain(str(value or "–")), new_x="LMARGIN", new_y="NEXT", markdown=False)
    pdf.ln(2)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 6, "Teks lengkap", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    pdf.multi_cell(0, 5, plain(post["text"]), border=1, new_x="LMARGIN", new_y="NEXT", markdown=False)
    pdf.ln(2)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 6, "Jejak audit di Pantau", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=8)
    for e in pantau["audit_trail"]:
        pdf.multi_cell(0, 4, plain(f"{when(e['at'])} · {e['actor']} · {e['action']} {e['from'] or ''} → "
                                   f"{e['to'] or ''} · {e['outcome']} {e['note'] or ''}"),
                       new_x="LMARGIN", new_y="NEXT", markdown=False)
    return bytes(pdf.output())
