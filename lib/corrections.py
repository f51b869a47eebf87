"""An admin's correction of the analyser on one mention: stored for retraining, applied at once,
audited. A field left as None is "not corrected"; function "-" means "no police function"."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from lib import audit, targets
from lib.auth import Principal, actor_name, check_target_unit, require_write
from lib.models import FLAGS, FUNCTIONS, SENTIMENTS, Correction, Mention, utcnow
from lib.scope import Scope
from lib.workflow import ChangeResult

NO_FUNCTION = "-"


def correct_analysis(session: Session, scope: Scope, mention_id: int, actor: Principal | str, *,
                     sentiment: str | None = None, flags: set[str] | None = None,
                     function: str | None = None, expected_version: int | None = None) -> ChangeResult:
    """Refused (audited "denied", then raised) like a status change for a read-only role or another unit.

    Optimistic like a status change: the write names the version the user saw (`expected_version`,
    else the one read here) and a mention changed meanwhile is a conflict, audited, not overwritten."""
    require_write(session, actor, scope, "mention", mention_id, "koreksi analisis")
    mention = session.get(Mention, mention_id, populate_existing=True)
    if mention is None:
        return ChangeResult(mention_id, False, "Sebutan tidak ditemukan.")
    # A mention tagging several units may be handled from any of them (lib/targets.py).
    unit_id = targets.unit_in_scope(session, scope, mention) or mention.unit_id
    check_target_unit(session, actor, scope, unit_id, "mention", mention_id, "koreksi analisis")
    actor = actor_name(actor)
    if sentiment is not None and sentiment not in SENTIMENTS:
        return ChangeResult(mention_id, False, "Sentimen tidak dikenal.")
    if flags is not None and not set(flags) <= set(FLAGS):
        return ChangeResult(mention_id, False, "Penanda tidak dikenal.")
    if function is not None and function not in (*FUNCTIONS, NO_FUNCTION):
        return ChangeResult(mention_id, False, "Fungsi tidak dikenal.")
    expected = mention.version if expected_version is None else expected_version
    before = f"{mention.sentiment} | {mention.flags or '-'} | {mention.function or '-'}"
    flag_text = ",".join(sorted(flags)) if flags is not None else None
    values: dict = {}
    if sentiment is not None:
        values.update(sentiment=sentiment, sentiment_score=1.0)
    if flag_text is not None:
        values["flags"] = flag_text
    if function is not None:
        values["function"] = None if function == NO_FUNCTION else function
    now = utcnow()
    written = mention.version == expected and session.execute(
        update(Mention).where(Mention.id == mention_id, Mention.version == expected)
        .values(**values, version=expected + 1, updated_at=now, updated_by=actor)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if not written:
        session.refresh(mention)
        audit.record(session, actor=actor, entity="mention", entity_id=mention_id, action="koreksi analisis",
                     from_value=before, note=f"versi {expected}, sekarang {mention.version}", outcome="conflict")
        return ChangeResult(mention_id, False, f"Ditolak: sebutan ini sudah diubah oleh {mention.updated_by or 'sistem'} "
                            "sejak Anda membukanya. Muat ulang lalu coba lagi.", mention.version)
    session.add(Correction(mention_id=mention_id, actor=actor, at=now, sentiment=sentiment, flags=flag_text,
                           function=function))
    session.refresh(mention)
    after = f"{mention.sentiment} | {mention.flags or '-'} | {mention.function or '-'}"
    audit.record(session, actor=actor, entity="mention", entity_id=mention_id, action="koreksi analisis",
                 from_value=before, to_value=after)
    session.flush()
    return ChangeResult(mention_id, True, "Koreksi analisis disimpan; dipakai pada pelatihan ulang berikutnya.",
                        mention.version)
