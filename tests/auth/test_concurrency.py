"""Two people change the same mention at the same moment (threads, separate sessions, one database):
one wins, the other is told who changed what, both attempts are in the audit log, nothing is lost.
Runs on SQLite and, with PANTAU_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import threading

from sqlalchemy import select

from lib.auth import Principal
from lib.db import session_scope
from lib.mentions import get_mention
from lib.models import AuditEntry, Mention
from lib.scope import NATIONAL
from lib.workflow import ChangeResult, change_status
from tests.helpers import add_mention, make_user

ROUNDS = 8


def race(engine, mention_id: int, attempts: list[tuple[Principal, str, str]]) -> list[ChangeResult]:
    """Each attempt reads the mention, waits for the others, then writes the version it read."""
    barrier = threading.Barrier(len(attempts))
    results: list[ChangeResult | BaseException | None] = [None] * len(attempts)

    def worker(i: int, who: Principal, status: str, note: str) -> None:
        try:
            with session_scope(engine) as s:
                seen = get_mention(s, who.scope, mention_id).version
            barrier.wait(timeout=30)
            with session_scope(engine) as s:
                results[i] = change_status(s, who.scope, mention_id, seen, status, who, note,
                                           "Reskrim" if status == "diteruskan" else None)
        except BaseException as exc:  # surfaced below, never swallowed
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i, *a)) for i, a in enumerate(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for r in results:
        if not isinstance(r, ChangeResult):
            raise AssertionError(f"worker failed: {r!r}")
    return results  # type: ignore[return-value]


def test_same_mention_two_editors_one_wins_nothing_lost(registry):
    engine = registry
    ani = make_user(engine, "operator", "POLSEK-CILEDUG", "ani")
    kapolres = make_user(engine, "pimpinan", "POLRES-METRO-TANGERANG-KOTA", "kapolres")
    for round_no in range(ROUNDS):
        with session_scope(engine) as s:
            mid = add_mention(s, "POLSEK-CILEDUG", f"curanmor ronde {round_no}").id
        results = race(engine, mid, [(ani, "ditangani", f"ani-{round_no}"),
                                     (kapolres, "diteruskan", f"kapolres-{round_no}")])
        winners = [r for r in results if r.ok]
        losers = [r for r in results if not r.ok]
        assert len(winners) == 1 and len(losers) == 1, [r.message for r in results]
        winner_idx = results.index(winners[0])
        winner = (ani, kapolres)[winner_idx]
        winner_status = ("ditangani", "diteruskan")[winner_idx]
        # the loser is told who changed it and to what
        assert f"sudah diubah oleh {winner.name}" in losers[0].message
        assert winner_status in losers[0].message
        assert "Muat ulang" in losers[0].message
        with session_scope(engine) as s:
            m = s.get(Mention, mid)
            assert (m.status, m.version, m.updated_by) == (winner_status, 2, winner.name)
            rows = s.execute(select(AuditEntry.actor, AuditEntry.outcome, AuditEntry.to_value, AuditEntry.note)
                             .where(AuditEntry.entity == "mention", AuditEntry.entity_id == mid)).all()
        # both attempts are on record, the losing one with its intended status and its note
        assert sorted(r.outcome for r in rows) == ["conflict", "ok"]
        assert {r.note for r in rows} == {f"ani-{round_no}", f"kapolres-{round_no}"}
        loser = (ani, kapolres)[1 - winner_idx]
        conflict = next(r for r in rows if r.outcome == "conflict")
        assert conflict.actor == loser.name and conflict.to_value == ("ditangani", "diteruskan")[1 - winner_idx]


def test_stale_version_never_overwrites(registry):
    engine = registry
    ani = make_user(engine, "operator", "POLSEK-CILEDUG", "ani")
    with session_scope(engine) as s:
        mid = add_mention(s, "POLSEK-CILEDUG").id
    with session_scope(engine) as s:
        assert change_status(s, NATIONAL, mid, 1, "selesai", "admin").ok
    with session_scope(engine) as s:
        late = change_status(s, ani.scope, mid, 1, "diabaikan", ani, "terlambat")
    assert not late.ok and "sudah diubah oleh admin" in late.message
    with session_scope(engine) as s:
        assert s.get(Mention, mid).status == "selesai"
