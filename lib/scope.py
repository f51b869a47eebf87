"""A scope is a unit subtree; every query and write in `lib/` takes one.

Access control (who may see which subtree) narrows a scope; the data layer then refuses anything
outside it, so the UI only hides what the data layer already refuses.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from lib.models import Unit


class OutOfScope(PermissionError):
    """A read or write touched a unit outside the caller's scope."""


@dataclass(frozen=True)
class Scope:
    path_prefix: str  # "/" is national; "/1/4/" is unit 4's subtree
    label: str = "Nasional"
    root_unit_id: int | None = None

    def contains_path(self, path: str) -> bool:
        return path.startswith(self.path_prefix)

    def like_pattern(self) -> str:
        """`Unit.path LIKE pattern ESCAPE '/'` selects the subtree: what `unit_clause` binds, for
        statements built once with a named parameter (lib/metrics)."""
        return self.path_prefix.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"

    def unit_clause(self) -> ColumnElement[bool]:
        """SQL condition on `Unit.path` (join Unit before using it)."""
        return Unit.path.startswith(self.path_prefix, autoescape=True)

    def narrow(self, session: Session, unit_id: int | None) -> Scope:
        """The subtree of `unit_id`, which must lie inside this scope; None keeps this scope."""
        if unit_id is None:
            return self
        unit = session.get(Unit, unit_id)
        if unit is None or not self.contains_path(unit.path):
            raise OutOfScope("Unit di luar cakupan Anda.")
        return Scope(unit.path, unit.name, unit.id)

    def check_unit(self, session: Session, unit_id: int) -> None:
        unit = session.get(Unit, unit_id)
        if unit is None or not self.contains_path(unit.path):
            raise OutOfScope("Data ini di luar cakupan unit Anda.")


NATIONAL = Scope("/", "Nasional", None)


def scope_for_unit(session: Session, unit_id: int) -> Scope:
    return NATIONAL.narrow(session, unit_id)
