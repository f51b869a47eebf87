"""Long set-up steps say what they do, that they are alive, and how long they took."""

from __future__ import annotations

import io
import sys
import time

import pytest

from lib.progress import main, step
from lib.sync import RunResult


def test_step_prints_start_heartbeat_and_end():
    out = io.StringIO()
    with step("Melatih model", out=out, every=0.05):
        time.sleep(0.2)
    lines = out.getvalue().splitlines()
    assert lines[0] == "▶ Melatih model…"
    assert any("masih berjalan" in line for line in lines[1:-1])
    assert lines[-1].startswith("✓ Melatih model (") and "detik" in lines[-1]


def test_a_failing_step_says_so_and_raises():
    out = io.StringIO()
    with pytest.raises(RuntimeError), step("Mengisi data", out=out, every=10):
        raise RuntimeError("rusak")
    assert out.getvalue().splitlines()[-1].startswith("✗ Mengisi data: gagal")


def test_cli_passes_the_commands_exit_code(capsys):
    assert main(["Langkah", "--", sys.executable, "-c", "print('halo')"]) == 0
    assert main(["Langkah", "--", sys.executable, "-c", "raise SystemExit(3)"]) == 3
    assert main(["tanpa perintah"]) == 2
    printed = capsys.readouterr().out
    assert "▶ Langkah…" in printed and "✓ Langkah" in printed and "✗ Langkah" in printed


def test_seed_prints_progress_and_no_english_status(engine, monkeypatch, capsys):
    from lib import seed

    monkeypatch.setenv("PANTAU_ADMIN_PASSWORD", "kata-sandi-uji-yang-panjang")
    monkeypatch.setenv("PANTAU_DEMO_SOURCE", "1")
    monkeypatch.setattr(seed, "run", lambda engine, sources: RunResult("ran", new_mentions=10408))
    assert seed.main() == 0
    printed = capsys.readouterr().out
    assert "▶ Memuat registri unit dan akun…" in printed and "✓ Memuat registri" in printed
    assert "▶ Mengisi data demo" in printed and "Data demo: 10.408 sebutan baru." in printed
    assert "(ran)" not in printed
