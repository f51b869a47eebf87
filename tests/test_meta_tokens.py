"""Meta page tokens: encrypted at rest, never shown or logged, expiry states, CLI bulk set-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from lib import meta_tokens
from lib.meta_tokens import ACTIVE, EXPIRED, EXPIRING, REFUSED, TokenError
from lib.models import AuditEntry, MetaToken, Unit
from lib.scope import NATIONAL

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
TOKEN = "EAAGsecretPageToken0123456789abcdefNEVERSHOW"


@pytest.fixture
def keyed(registry: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("PANTAU_META_TOKEN_KEY", Fernet.generate_key().decode())
    return registry


def unit_id(session: Session, code: str) -> int:
    return session.scalar(select(Unit.id).where(Unit.code == code))


def test_token_is_encrypted_at_rest_and_audited_without_it(keyed: Engine) -> None:
    with Session(keyed) as s:
        uid = unit_id(s, "POLSEK-CILEDUG")
        meta_tokens.set_token(s, uid, f"  {TOKEN}\n", "admin", NOW + timedelta(days=60))
        s.commit()
        raw = s.execute(text("SELECT ciphertext FROM meta_tokens")).scalar_one()
        assert TOKEN not in raw and "EAAG" not in raw
        assert meta_tokens.token_for(s, uid) == TOKEN
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "meta_token_set")))
        assert len(entries) == 1 and all(TOKEN not in (e.to_value or "") + (e.note or "") for e in entries)


def test_without_or_with_a_wrong_key_nothing_is_stored_or_read(keyed: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with Session(keyed) as s:
        uid = unit_id(s, "POLSEK-CILEDUG")
        meta_tokens.set_token(s, uid, TOKEN, "admin")
        s.commit()
        monkeypatch.setenv("PANTAU_META_TOKEN_KEY", Fernet.generate_key().decode())
        with pytest.raises(TokenError, match="kunci enkripsi berubah"):
            meta_tokens.token_for(s, uid)
        monkeypatch.setenv("PANTAU_META_TOKEN_KEY", "not-a-key")
        with pytest.raises(TokenError, match="bukan kunci Fernet"):
            meta_tokens.set_token(s, uid, TOKEN, "admin")


@pytest.mark.parametrize("bad", ["", "short", "EAAG with spaces in the middle of it 123"])
def test_malformed_tokens_are_refused_with_a_clear_message(keyed: Engine, bad: str) -> None:
    with Session(keyed) as s, pytest.raises(TokenError, match="Token tidak sah"):
        meta_tokens.set_token(s, unit_id(s, "POLSEK-CILEDUG"), bad, "admin")


def test_expiry_states_and_warnings(keyed: Engine) -> None:
    with Session(keyed) as s:
        ids = {c: unit_id(s, c) for c in ("POLSEK-CILEDUG", "POLSEK-BENDA", "POLRESTA-BALIKPAPAN",
                                          "POLSEK-BALIKPAPAN-UTARA")}
        meta_tokens.set_token(s, ids["POLSEK-CILEDUG"], TOKEN, "admin", NOW + timedelta(days=60))
        meta_tokens.set_token(s, ids["POLSEK-BENDA"], TOKEN, "admin", NOW + timedelta(days=3))
        meta_tokens.set_token(s, ids["POLRESTA-BALIKPAPAN"], TOKEN, "admin", NOW - timedelta(days=1))
        meta_tokens.set_token(s, ids["POLSEK-BALIKPAPAN-UTARA"], TOKEN, "admin")
        meta_tokens.mark_refused(s, ids["POLSEK-BALIKPAPAN-UTARA"], "Token ditolak (190)", NOW)
        s.commit()
        frame = meta_tokens.token_status(s, NATIONAL, NOW).set_index("code")
        assert frame.loc["POLSEK-CILEDUG", "state"] == ACTIVE
        assert frame.loc["POLSEK-BENDA", "state"] == EXPIRING
        assert frame.loc["POLRESTA-BALIKPAPAN", "state"] == EXPIRED
        assert frame.loc["POLSEK-BALIKPAPAN-UTARA", "state"] == REFUSED
        # A unit with an Instagram account but no token is listed as such.
        assert frame.loc["POLRES-METRO-TANGERANG-KOTA", "state"] == "belum ada token"
        assert "IG polrestrotangerangkota" in frame.loc["POLRES-METRO-TANGERANG-KOTA", "accounts"]
        assert TOKEN not in frame.to_csv()
        warned = {w.unit: w.state for w in meta_tokens.warnings(s, NATIONAL, NOW)}
        assert warned == {"Polsek Benda": EXPIRING, "Polresta Balikpapan": EXPIRED,
                          "Polsek Balikpapan Utara": REFUSED}
        assert meta_tokens.token_for(s, ids["POLSEK-BALIKPAPAN-UTARA"]) is None
        # A new token clears the refusal.
        meta_tokens.set_token(s, ids["POLSEK-BALIKPAPAN-UTARA"], TOKEN, "admin")
        assert meta_tokens.has_usable_token(s, ids["POLSEK-BALIKPAPAN-UTARA"])


def test_cli_set_import_list_remove(keyed: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(TOKEN + "\n"))
    assert meta_tokens.main(["set", "POLSEK-CILEDUG", "--expires", "2027-01-31"]) == 0
    good = tmp_path / "tokens.csv"
    good.write_text(f"unit_code,token,expires_at\nPOLSEK-BENDA,{TOKEN},2027-02-01\nPOLRESTA-BALIKPAPAN,{TOKEN},\n")
    assert meta_tokens.main(["import", str(good)]) == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(f"unit_code,token,expires_at\nPOLSEK-BALIKPAPAN-UTARA,{TOKEN},\nNOPE,{TOKEN},\n"
                   "POLDA-KALTIM,short,\n")
    assert meta_tokens.main(["import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "baris 3" in err and "baris 4" in err and TOKEN not in err
    assert meta_tokens.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "POLSEK-CILEDUG\taktif\tkedaluwarsa 2027-01-31" in out and TOKEN not in out
    assert meta_tokens.main(["remove", "POLSEK-BENDA"]) == 0
    assert "Token dihapus" in capsys.readouterr().out
    with Session(keyed) as s:
        codes = set(s.scalars(select(Unit.code).join(MetaToken, MetaToken.unit_id == Unit.id)))
    # All or nothing: the bad file's one good line was not stored either.
    assert codes == {"POLSEK-CILEDUG", "POLRESTA-BALIKPAPAN"}
    assert meta_tokens.main(["generate-key"]) == 0
    Fernet(capsys.readouterr().out.strip().encode())  # a usable key


def test_parse_expiry() -> None:
    assert meta_tokens.parse_expiry("2027-02-01") == datetime(2027, 2, 1, 23, 59, tzinfo=UTC)
    assert meta_tokens.parse_expiry("") is None
    with pytest.raises(TokenError, match="YYYY-MM-DD"):
        meta_tokens.parse_expiry("1 Feb 2027")
