"""Small explicit data builders for tests, and signed-in pages.

    from tests.helpers import login_as, make_user, add_mention, page_app

    def test_inbox(registry):                       # any fixture that empties the DB and loads units
        at = page_app("kotak_masuk")                 # AppTest of pages/kotak_masuk.py
        login_as(at, "operator", "POLRES-METRO-TANGERANG-KOTA")
        at.run()

    at = signed_in(page_app("akun")).run()           # the same, as the national admin "admin"

In the browser: `make_user(registry, "admin")` then `browser_sign_in(page, url)` (password PASSWORD).

`login_as` creates the user in the test database (PANTAU_DATABASE_URL, set by the `engine` fixture)
if needed and puts the same session state the sign-in form leaves behind into `at.session_state`;
the gate then reloads that user from the database on every run, exactly as in production.
For a wall display: `_, token = kiosk_token(None, unit_code)` then `at.query_params["kiosk"] = token`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from lib.auth import Principal, principal_for_user
from lib.config import ROOT
from lib.db import get_engine, session_scope
from lib.ingest import store_batch
from lib.models import Account, Mention, Unit, User, utcnow
from lib.sources.base import Batch, MentionRecord, ReplyRecord
from lib.ui.login import SESSION_KEY
from lib.users import create_kiosk_token, create_user

PASSWORD = "kata-sandi-uji-yang-panjang"
_ids = count(1)


def account(session: Session, handle: str) -> Account:
    return session.scalar(select(Account).where(Account.handle == handle))


def unit(session: Session, code: str) -> Unit:
    return session.scalar(select(Unit).where(Unit.code == code))


def add_mentions(session: Session, handle: str, items: list[tuple[str, str, datetime]],
                 replies: list[tuple[str, datetime]] = ()) -> list[Mention]:
    """Store (external_id, text, created_at) mentions for an account, and replies (replied_to, at)."""
    acc = account(session, handle)
    batch = Batch(
        mentions=[MentionRecord(external_id=e, text=t, created_at=at, author_handle=f"warga{i}", author_id=str(i))
                  for i, (e, t, at) in enumerate(items)],
        replies=[ReplyRecord(external_id=f"r-{target}", created_at=at, replied_to_id=target) for target, at in replies],
    )
    store_batch(session, "test", acc, batch)
    session.commit()
    return list(session.scalars(select(Mention).where(Mention.external_id.in_([e for e, _, _ in items]))
                                .order_by(Mention.id)))


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def unit_id(session: Session, code: str) -> int:
    return session.scalar(select(Unit.id).where(Unit.code == code))


def make_user(engine: Engine | None, role: str, unit_code: str | None = None, username: str | None = None,
              password: str = PASSWORD) -> Principal:
    """The principal of a (new or existing) local user."""
    engine = engine or get_engine()
    if username is None:
        username = "admin" if role == "admin" and unit_code is None else f"{role}-{(unit_code or 'x').lower()}"[:40]
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


def page_app(name: str | None = None, timeout: float = 60) -> AppTest:
    """AppTest of `pages/<name>.py`, or of the whole app (`app.py`) when `name` is None."""
    return AppTest.from_file(str(ROOT / (f"pages/{name}.py" if name else "app.py")), default_timeout=timeout)


def signed_in(at: AppTest, role: str = "admin", unit_code: str | None = None) -> AppTest:
    """`login_as` for chaining: `signed_in(page_app("akun")).run()` (the national admin by default)."""
    login_as(at, role, unit_code)
    return at


def browser_sign_in(page, url: str, username: str = "admin", password: str = PASSWORD) -> None:
    """Playwright: open `url`, which shows the sign-in form (each new browser session starts signed out),
    and sign in; the app then shows the page `url` names."""
    page.goto(url)
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
