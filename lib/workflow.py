"""The mention status workflow: allowed transitions, optimistic locking, the audit trail.

A change names the version the user saw. If someone changed the mention since, nothing is
overwritten: the attempt is logged as a conflict and the caller is told who changed what.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session

from lib import audit, targets
from lib.auth import Principal, actor_name, check_target_unit, require_status_write
from lib.models import FUNCTIONS, STATUSES, Mention, utcnow
from lib.scope import Scope

STATUS_LABELS = {
    "baru": "Baru",
    "diteruskan": "Diteruskan",
    "ditangani": "Ditangani",
    "selesai": "Selesai",
    "diabaikan": "Diabaikan",
}

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "baru": ("diteruskan", "ditangani", "selesai", "diabaikan"),
    "diteruskan": ("diteruskan", "ditangani", "selesai", "diabaikan"),
    "ditangani": ("diteruskan", "selesai", "diabaikan"),
    "selesai": ("baru",),
    "diabaikan": ("baru",),
}

# Moving to these counts as the unit having answered, when no reply was seen through the API.
_ANSWERING = ("ditangani", "selesai")


class WorkflowError(ValueError):
    """A change that is not allowed; the message is in Bahasa Indonesia for the user."""


@dataclass(frozen=True)
class ChangeResult:
    mention_id: int
    ok: bool
    message: str
    version: int | None = None


def allowed_next(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


def validate(current: str, new: str, function: str | None) -> None:
    if new not in STATUSES:
        raise WorkflowError(f"Status tidak dikenal: {new!r}.")
    if new not in allowed_next(current):
        raise WorkflowError(
            f"Status tidak dapat diubah dari '{STATUS_LABELS[current]}' ke '{STATUS_LABELS[new]}'."
        )
    if new == "diteruskan" and function not in FUNCTIONS:
        raise WorkflowError("Pilih fungsi tujuan (Reskrim, Lantas, Narkoba, …) untuk meneruskan.")


def change_status(
    session: Session,
    scope: Scope,
    mention_id: int,
    expected_version: int,
    new_status: str,
    actor: Principal | str,
    note: str | None = None,
    function: str | None = None,
) -> ChangeResult:
    """Apply one status change if the mention is in scope and unchanged since `expected_version`.

    `actor` is the signed-in `Principal` (a plain string is a trusted system actor). A role that
    may not write, or a mention outside the scope, is refused: audited as "denied", then raised
    (`Denied` / `OutOfScope`, both PermissionError).
    """
    require_status_write(session, actor, scope, "mention", mention_id, new_status)
    mention = session.get(Mention, mention_id, populate_existing=True)
    if mention is None:
        return ChangeResult(mention_id, False, "Sebutan tidak ditemukan.")
    # A mention tagging several units may be handled from any of them (lib/targets.py).
    unit_id = targets.unit_in_scope(session, scope, mention) or mention.unit_id
    check_target_unit(session, actor, scope, unit_id, "mention", mention_id, "status", new_status)
    actor = actor_name(actor)
    note = (note or "").strip() or None
    if mention.version != expected_version:
        return _conflict(session, mention, new_status, actor, note)
    try:
        validate(mention.status, new_status, function)
    except WorkflowError as exc:
        return ChangeResult(mention_id, False, str(exc), mention.version)
    now = utcnow()
    values: dict = dict(status=new_status, updated_at=now, updated_by=actor, version=expected_version + 1)
    if new_status == "diteruskan":
        values["forwarded_to"] = function
    if new_status in _ANSWERING and mention.answered_at is None:
        values.update(answered_at=now, answered_by="admin")
    result = session.execute(
        update(Mention)
        .where(Mention.id == mention_id, Mention.version == expected_version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # lost a race between our read and our write
        session.refresh(mention)
        return _conflict(session, mention, new_status, actor, note)
    to_value = f"{new_status} → {function}" if new_status == "diteruskan" else new_status
    audit.record(session, actor=actor, entity="mention", entity_id=mention_id, action="status",
                 from_value=mention.status, to_value=to_value, note=note)
    session.expire(mention)
    return ChangeResult(mention_id, True, f"Status diubah menjadi '{STATUS_LABELS[new_status]}'.",
                        expected_version + 1)


def _conflict(session: Session, mention: Mention, wanted: str, actor: str, note: str | None) -> ChangeResult:
    last = audit.last_success(session, "mention", mention.id)
    who = f"{last.actor} ({last.from_value} → {last.to_value})" if last else (mention.updated_by or "sistem")
    audit.record(session, actor=actor, entity="mention", entity_id=mention.id, action="status",
                 from_value=mention.status, to_value=wanted, note=note, outcome="conflict")
    return ChangeResult(
        mention.id, False,
        f"Ditolak: sebutan ini sudah diubah oleh {who}. Status sekarang '{STATUS_LABELS[mention.status]}'. "
        "Muat ulang lalu coba lagi.",
        mention.version,
    )


def change_many(
    session: Session,
    scope: Scope,
    items: list[tuple[int, int]],
    new_status: str,
    actor: Principal | str,
    note: str | None = None,
    function: str | None = None,
) -> list[ChangeResult]:
    """Apply the same change to several (mention id, version) pairs; each succeeds or fails alone
    (a refused one, already audited as "denied", comes back as a failed result)."""
    results = []
    for mid, ver in items:
        try:
            results.append(change_status(session, scope, mid, ver, new_status, actor, note, function))
        except PermissionError as exc:
            results.append(ChangeResult(mid, False, f"Ditolak: {exc}"))
    return results
