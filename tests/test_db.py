"""A corrupt, unreachable or unmigrated database gives a clear message, not a stack trace."""

from __future__ import annotations

import pytest

from lib.db import DatabaseUnavailable, check_database, make_engine


def test_corrupt_sqlite_file(tmp_path):
    path = tmp_path / "rusak.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DatabaseUnavailable, match="tidak dapat dibuka"):
        check_database(make_engine(f"sqlite:///{path}"))


def test_unmigrated_database(tmp_path):
    with pytest.raises(DatabaseUnavailable, match="belum dimigrasi"):
        check_database(make_engine(f"sqlite:///{tmp_path / 'kosong.db'}"))


def test_unreachable_postgres():
    with pytest.raises(DatabaseUnavailable, match="tidak dapat dibuka"):
        check_database(make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"))


def test_migrated_database_passes(engine):
    check_database(engine)
