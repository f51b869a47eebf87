"""Kiosk tokens: stored hashed, scoped to one subtree, revocation effective at the next refresh."""

from __future__ import annotations

from sqlalchemy import text

from lib.auth import WALL, kiosk_still_valid, principal_for_kiosk, token_digest
from lib.db import session_scope
from lib.users import revoke_kiosk_token
from tests.helpers import kiosk_token, make_user


def test_token_resolves_to_a_read_only_wall_of_its_unit(registry):
    _, raw = kiosk_token(registry, "POLRES-METRO-TANGERANG-KOTA")
    with session_scope(registry) as s:
        p = principal_for_kiosk(s, raw)
    assert p.role == WALL and not p.can_change_status and not p.can_search
    assert p.scope.label == "Polres Metro Tangerang Kota"
    assert p.may_open("ringkasan") and not p.may_open("kotak_masuk") and not p.may_open("admin")


def test_token_is_stored_only_as_its_digest(registry):
    _, raw = kiosk_token(registry, "POLSEK-CILEDUG")
    with session_scope(registry) as s:
        dump = str(s.execute(text("SELECT * FROM kiosk_tokens")).all())
        dump += str(s.execute(text("SELECT * FROM audit_log")).all())
    assert raw not in dump and token_digest(raw) in dump
    assert len(raw) >= 40  # 32 random bytes


def test_unknown_and_tampered_tokens_are_refused(registry):
    _, raw = kiosk_token(registry, "POLSEK-CILEDUG")
    with session_scope(registry) as s:
        for bad in ("", "x", raw[:-1], raw + "A", token_digest(raw), "A" * 5000):
            assert principal_for_kiosk(s, bad) is None


def test_revocation_takes_effect_on_the_next_check(registry):
    token_id, raw = kiosk_token(registry, "POLSEK-CILEDUG")
    with session_scope(registry) as s:
        wall = principal_for_kiosk(s, raw)
        assert kiosk_still_valid(s, wall)
    with session_scope(registry) as s:
        revoke_kiosk_token(s, make_user(registry, "admin"), token_id)
    with session_scope(registry) as s:
        assert not kiosk_still_valid(s, wall)
        assert principal_for_kiosk(s, raw) is None


def test_refused_tokens_are_audited_without_the_token(registry):
    token_id, raw = kiosk_token(registry, "POLSEK-CILEDUG")
    with session_scope(registry) as s:
        revoke_kiosk_token(s, make_user(registry, "admin"), token_id)
    with session_scope(registry) as s:
        assert principal_for_kiosk(s, raw) is None
        assert principal_for_kiosk(s, "tebakan-token") is None
    with session_scope(registry) as s:
        rows = s.execute(text("SELECT entity, entity_id, note, outcome FROM audit_log "
                              "WHERE entity = 'kiosk' AND outcome = 'denied' ORDER BY id")).all()
        dump = str(s.execute(text("SELECT * FROM audit_log")).all())
    assert [(r.entity_id, r.note) for r in rows] == [(token_id, "token sudah dicabut"), (None, "token tidak dikenal")]
    assert raw not in dump and "tebakan-token" not in dump
