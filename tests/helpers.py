"""Test helpers for signed-in pages and small data sets.

    from helpers import login_as, make_user, add_mention

    def test_inbox(registry):                       # any fixture that empties the DB and loads units
        at = AppTest.from_file(str(ROOT / "pages/kotak_masuk.py"))
        login_as(at, "operator", "POLRES-METRO-TANGERANG-KOTA")
        at.run()

`login_as` creates the user in the test database (PANTAU_DATABASE_URL, set by the `engine` fixture)
if needed and puts the same session state the sign-in form leaves behind into `at.session_state`;
the gate then reloads that user from the database on every run, exactly as in production.
`kiosk_url_params(at, unit_code)` does the same for a wall display (`?kiosk=<token>`).
"""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lib.auth import Principal, principal_for_user
from lib.db import get_engine, session_scope
from lib.models import Mention, Unit, User, utcnow
from lib.ui.login import SESSION_KEY
from lib.users import create_kiosk_token, create_user

PASSWORD = "kata-sandi-uji-yang-panjang"
_ids = count(1)


def unit_id(session: Session, code: str) -> int:
    return session.scalar(select(Unit.id).where(Unit.code == code))


def make_user(engine: Engine | None, role: str, unit_code: str | None = None, username: str | None = None,
              password: str = PASSWORD) -> Principal:
    """The principal of a (new or existing) local user."""
    engine = engine or get_engine()
    username = username or f"{role}-{(unit_code or 'nasional').lower()}"[:40]
    with session_scope(engine) as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            user = create_user(s, "test", username, role, password=password, unit_code=unit_code,
                               display_name=username.title())
        return principal_for_user(s, user)


def login_as(at, role: str, unit_code: str | None = None, username: str | None = None,
             engine: Engine | None = None) -> Principal:
    """Sign `at` (a streamlit AppTest) in as a user with this role and unit; returns the principal."""
    principal = make_user(engine, role, unit_code, username)
    at.session_state[SESSION_KEY] = {"kind": "user", "id": principal.id, "epoch": principal.epoch,
                                     "method": "local"}
    return principal


def kiosk_token(engine: Engine | None, unit_code: str, label: str = "Layar uji") -> tuple[int, str]:
    with session_scope(engine or get_engine()) as s:
        new = create_kiosk_token(s, "test", label, unit_code=unit_code)
    return new.id, new.token


def add_mention(session: Session, unit_code: str, text: str = "Tolong pak, ada begal", *, minutes_ago: int = 30,
                author_handle: str = "warga1", author_name: str = "Warga", sentiment: str = "negative",
                status: str = "baru") -> Mention:
    m = Mention(platform="x", external_id=f"t{next(_ids)}", unit_id=unit_id(session, unit_code), text=text,
                author_handle=author_handle, author_name=author_name, sentiment=sentiment, status=status,
                created_at=utcnow() - timedelta(minutes=minutes_ago), fetched_at=utcnow(), version=1,
                flags="", sentiment_score=0.0)
    session.add(m)
    session.flush()
    return m
