"""`Scope.like_pattern` selects the same subtree as `Scope.unit_clause` (the metrics bind it into
statements built once, issue 17)."""

from __future__ import annotations

from sqlalchemy import Engine, select

from lib.db import session_scope
from lib.models import Unit
from lib.scope import NATIONAL, Scope, scope_for_unit


def test_pattern_escapes_like_wildcards() -> None:
    assert Scope("/1_2/%/").like_pattern() == "//1/_2///%//%"
    assert NATIONAL.like_pattern() == "//%"


def test_pattern_selects_the_subtree(registry: Engine) -> None:
    with session_scope(registry) as s:
        ids = list(s.scalars(select(Unit.id)))
        for scope in [NATIONAL, *(scope_for_unit(s, i) for i in ids)]:
            want = set(s.scalars(select(Unit.id).where(scope.unit_clause())))
            got = set(s.scalars(select(Unit.id).where(Unit.path.like(scope.like_pattern(), escape="/"))))
            assert got == want and scope.root_unit_id in (None, *got)
        # A sibling whose path only starts with the same digits is outside ("/900/2/" vs "/900/20/").
        s.add(Unit(code="X-20", name="Polres Uji", short_name="Uji", level="polres", path="/900/20/",
                   timezone="Asia/Jakarta"))
        s.add(Unit(code="X-2", name="Polres Uji 2", short_name="Uji 2", level="polres", path="/900/2/",
                   timezone="Asia/Jakarta"))
        s.flush()
        assert set(s.scalars(select(Unit.path).where(Unit.path.like(Scope("/900/2/").like_pattern(), escape="/")))) \
            == {"/900/2/"}
