"""Issue 11, item 4: one poison row (NUL byte, over-long author or id) never stops a batch, an
account's cursor, a manual entry or a CSV import, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from lib.ingest import store_batch, sync_state
from lib.intake import add_manual, import_csv
from lib.models import Mention
from lib.sanitize import clean_text, fit_id
from lib.scope import NATIONAL
from lib.sources.base import Batch, MentionRecord
from tests.conftest import NOW
from tests.helpers import account, unit

RTL_EMOJI = "مرحبا שלום 👨‍👩‍👧 🇮🇩 café"


def test_clean_text_strips_controls_and_keeps_emoji_and_rtl():
    assert clean_text("a\x00b\x07c\x1bd\x7fe\x85f") == "abcdef"
    assert clean_text("baris1\r\nbaris2\rbaris3\tx") == "baris1\nbaris2\nbaris3\tx"
    assert clean_text(RTL_EMOJI) == RTL_EMOJI  # joiners (U+200D) and flags kept
    assert clean_text("lone \ud800 surrogate") == "lone  surrogate"


def test_fit_id_is_stable_distinct_and_short():
    a, b = "x" * 70 + "1", "x" * 70 + "2"
    assert len(fit_id(a, 64)) == 64 and fit_id(a, 64) == fit_id(a, 64) and fit_id(a, 64) != fit_id(b, 64)
    assert fit_id("123", 64) == "123"


def _record(ext: str, text: str = "tolong pak ada begal", **kw) -> MentionRecord:
    return MentionRecord(external_id=ext, text=text, created_at=kw.pop("created_at", NOW - timedelta(minutes=5)), **kw)


def test_poison_rows_are_stored_cleaned_and_the_cursor_moves(registry, session):
    acc = account(session, "polsekbenda")
    batch = Batch(mentions=[
        _record("nul", "awal\x00TENGAH-SETELAH-NUL akhir"),
        _record("long-author", author_handle="@" + "a" * 150, author_name="N" * 500),
        _record("9" * 100),
        _record("rtl", RTL_EMOJI),
    ], cursor="c-2")
    report = store_batch(session, "x", acc, batch)
    session.commit()
    assert report.new_mentions == 4
    assert sync_state(session, "x", acc.id).cursor == "c-2"
    by_ext = {m.external_id: m for m in session.scalars(select(Mention))}
    assert by_ext["nul"].text == "awalTENGAH-SETELAH-NUL akhir"
    found = session.scalars(select(Mention.external_id).where(Mention.text.contains("SETELAH-NUL"))).all()
    assert found == ["nul"]  # free-text search reaches past where the NUL was
    assert len(by_ext["long-author"].author_handle) == 100 and len(by_ext["long-author"].author_name) == 200
    assert [e for e in by_ext if e.startswith("999")] == [fit_id("9" * 100, 64)]
    assert by_ext["rtl"].text == RTL_EMOJI
    # The same batch again adds nothing: the shortened id dedupes like any other.
    assert store_batch(session, "x", acc, batch).new_mentions == 0


def test_a_row_the_database_still_refuses_fails_alone(registry, session, caplog):
    acc = account(session, "polsekbenda")
    batch = Batch(mentions=[_record("ok-1"), _record("rusak", created_at=None), _record("ok-2")], cursor="c-9")
    with caplog.at_level(logging.ERROR, logger="pantau.ingest"):
        report = store_batch(session, "x", acc, batch)
    session.commit()
    assert report.new_mentions == 2
    assert sorted(session.scalars(select(Mention.external_id))) == ["ok-1", "ok-2"]
    assert sync_state(session, "x", acc.id).cursor == "c-9"
    assert "rusak" in caplog.text and "tolong pak" not in caplog.text  # logged by id, not by text


def test_manual_entry_and_csv_import_take_poison_text(registry, session):
    ciledug = unit(session, "POLSEK-CILEDUG")
    result = add_manual(session, NATIONAL, ciledug.id, "whatsapp", "aduan\x00 dengan NUL", NOW, "ani",
                        author="P" * 150)
    session.commit()
    assert result.ok and result.new == 1
    data = ("unit_code,platform,text,created_at,author,url,external_id\n"
            f"POLSEK-CILEDUG,whatsapp,\"teks\x00nul\",2026-11-20 21:15,{'A' * 150},,{'e' * 80}\n").encode()
    imported = import_csv(session, NATIONAL, data, "ani", "racun.csv")
    session.commit()
    assert imported.ok and imported.new == 1, imported.errors
    stored = session.execute(select(Mention.text, Mention.author_handle, Mention.external_id)).all()
    assert {r.text for r in stored} == {"aduan dengan NUL", "teksnul"}
    assert all(len(r.author_handle) == 100 and len(r.external_id) <= 64 for r in stored)


def test_a_csv_field_over_the_csv_limit_is_a_message_not_a_traceback(registry, session):
    data = ("unit_code,platform,text,created_at\n"
            f"POLSEK-CILEDUG,whatsapp,\"{'x' * 200_000}\",2026-11-20 21:15\n").encode()
    result = import_csv(session, NATIONAL, data, "ani")
    assert not result.ok and result.errors == ["Baris 2: format CSV rusak atau kolom terlalu panjang "
                                               "(maksimum 10000 karakter per teks)."]
