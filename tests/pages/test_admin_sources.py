"""The X admin page, run as a standalone script with Streamlit's AppTest."""

from __future__ import annotations

from datetime import timedelta

import pytest
import responses
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from lib import ingest, ledger
from lib.config import ROOT
from lib.db import session_scope
from lib.models import Account, ApiRequest, SyncRun, Unit, utcnow
from lib.sources.base import RequestCost
from tests.helpers import signed_in

PAGE = str(ROOT / "pages" / "admin_sources.py")
TOKEN = "AAAAAAAAAAAAAAAAAAAAApage-test-token-DO-NOT-SHOW"

pytestmark = pytest.mark.usefixtures("no_secrets_file")


def page_text(at: AppTest) -> str:
    parts = [e.value for e in (*at.markdown, *at.info, *at.success, *at.warning, *at.caption, *at.title)]
    parts += [f"{m.label}={m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


def test_x_off_says_how_to_turn_it_on(registry):
    at = signed_in(AppTest.from_file(PAGE, default_timeout=30)).run()
    assert not at.exception
    text = page_text(at)
    assert "Sumber X belum aktif" in text
    assert "PANTAU_X_BEARER_TOKEN" in text and "x_bearer_token" in text and "secrets.toml" in text
    assert "Sinkronkan X sekarang" not in [b.label for b in at.button]  # no X sync button


def test_x_on_shows_usage_schedule_and_last_failure(registry, monkeypatch):
    monkeypatch.setenv("PANTAU_X_BEARER_TOKEN", TOKEN)
    monkeypatch.setenv("PANTAU_X_MONTHLY_READ_BUDGET", "5000")
    now = utcnow()
    with session_scope(registry) as s:
        polda = s.scalar(select(Account).where(Account.handle == "PoldaMetroJaya"))
        polda.platform_user_id = "166829203"
        polsek = s.scalar(select(Account).where(Account.handle == "polsekbenda"))
        polres_unit = s.scalar(select(Unit.id).where(Unit.code == "POLRES-METRO-TANGERANG-KOTA"))
        polsek.problem = "Akun X tidak ditemukan: @polsekbenda mungkin berganti nama atau dihapus"
        s.add_all([
            ApiRequest(at=now, source="x", endpoint="users/:id/mentions", account_id=polda.id, status_code=200,
                       posts_read=1200, users_read=300),
            ApiRequest(at=now, source="x", endpoint="users/by", status_code=200, users_read=3),
            ApiRequest(at=now - timedelta(days=40), source="x", endpoint="users/:id/mentions", posts_read=9999),
        ])
        # What X bills: 1,200 posts and 303 users today; the same posts again today bill nothing more.
        posts = tuple(str(10**15 + i) for i in range(1200))
        users = tuple(str(10**9 + i) for i in range(303))
        ledger.record(s, "x", [RequestCost("users/:id/mentions", 200, at=now, post_ids=posts, user_ids=users),
                               RequestCost("users/:id/mentions", 200, at=now, post_ids=posts[:100]),
                               RequestCost("users/:id/mentions", 200, at=now - timedelta(days=40),
                                           post_ids=tuple(str(i) for i in range(9999)))])
        st = ingest.sync_state(s, "x", polda.id)
        st.last_success_at, st.next_due_at = now - timedelta(minutes=3), now + timedelta(minutes=7)
        st.last_error = "Batas laju X tercapai (429); dicoba lagi setelah 03:12 UTC"
        s.add(SyncRun(source="x", started_at=now, finished_at=now, ok=False,
                      error="Batas laju X tercapai (429); dicoba lagi setelah 03:12 UTC"))

    at = signed_in(AppTest.from_file(PAGE, default_timeout=30)).run()

    assert not at.exception
    text = page_text(at)
    assert "Sumber X aktif" in text
    metrics = {m.label: m.value for m in at.metric}
    assert {k: metrics[k] for k in ("Terpakai", "Anggaran bulanan", "Sisa")} == {
        "Terpakai": "1.503", "Anggaran bulanan": "5.000", "Sisa": "3.497"}
    assert metrics["Biaya sejauh ini"] == "US$ 9,03"  # 1,200 × 0,005 + 303 × 0,010
    projection = ledger.project(1200, 303, now, 0.005, 0.010)  # the page's clock is a moment later
    shown = float(metrics["Perkiraan biaya bulan ini"].removeprefix("US$ ").replace(".", "").replace(",", "."))
    assert abs(shown - projection.projected_spend) <= 0.01 * projection.projected_spend + 0.01
    shown_reads = int(metrics["Perkiraan baca akhir bulan"].replace(".", ""))
    assert abs(shown_reads - projection.projected) <= 0.01 * projection.projected + 1
    assert "US$ 0,005 per kiriman dan US$ 0,010 per pengguna" in text
    assert "Sinkronisasi X gagal: Batas laju X tercapai (429)" in text
    table = at.dataframe[0].value
    assert list(table["handle"]) == ["PoldaMetroJaya", "PolrestroTangkot", "polsekbenda"]
    row = table.set_index("handle").loc["PoldaMetroJaya"]
    assert row["user_id"] == "166829203" and row["last_error"].startswith("Batas laju X")
    assert row["next_allowed"] > row["last_sync"]
    assert table.set_index("handle").loc["polsekbenda", "problem"].startswith("Akun X tidak ditemukan")
    assert "Sinkronkan X sekarang" in [b.label for b in at.button]
    assert TOKEN not in text and TOKEN not in table.to_string()

    at.selectbox(key="x_sources_scope").select(polres_unit).run()  # narrow to one Polres
    assert list(at.dataframe[0].value["handle"]) == ["PolrestroTangkot", "polsekbenda"]


@responses.activate
def test_sync_button_reports_a_failure_without_the_token(registry, monkeypatch):
    monkeypatch.setenv("PANTAU_X_BEARER_TOKEN", TOKEN)
    responses.add(responses.GET, "https://api.twitter.com/2/users/by", status=401,
                  json={"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"})

    at = signed_in(AppTest.from_file(PAGE, default_timeout=30)).run()
    next(b for b in at.button if b.label == "Sinkronkan X sekarang").click().run()

    assert not at.exception
    text = page_text(at)
    assert "Sinkronisasi X gagal: x: Token X ditolak (401): periksa PANTAU_X_BEARER_TOKEN" in text
    assert TOKEN not in text
    assert len(responses.calls) == 1
