"""The wall page run as a script: fixed panels by default, turning panels with `&putar=1`."""

from __future__ import annotations

from tests.helpers import add_mention, kiosk_token, page_app


def subheaders(at) -> list[str]:
    return [h.value for h in at.subheader]


def test_wall_panels_turn_only_when_asked(registry):
    from lib.db import session_scope

    with session_scope(registry) as s:
        add_mention(s, "POLSEK-BENDA", "ada begal di Benda", minutes_ago=90)
    _, token = kiosk_token(registry, "POLRES-METRO-TANGERANG-KOTA")
    at = page_app("ringkasan")
    at.query_params["kiosk"] = token
    seen = []
    for _ in range(3):
        at.run()
        assert not at.exception
        seen.append(subheaders(at)[0])
    assert seen == ["Belum dijawab per Polsek"] * 3
    at = page_app("ringkasan")
    at.query_params["kiosk"] = token
    at.query_params["putar"] = "1"
    seen = []
    for _ in range(5):
        at.run()
        assert not at.exception
        seen.append(subheaders(at)[0])
        assert "Darurat & negatif belum ditangani" in subheaders(at)  # the alert list never turns away
    assert seen == ["Belum dijawab per Polsek", "Tren harian (7 hari, hari ini sebagian)",
                    "Isu negatif terbuka (7 hari)", "Akun terverifikasi per Polsek", "Belum dijawab per Polsek"]
