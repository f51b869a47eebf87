"""Every source Pantau knows, one entry per platform module: how it is built, when it runs, what it
may spend and which admin panel shows it.

A source module calls `register(SourceSpec(...))` at import; `all_specs()` imports every module in
`lib/sources/`, so adding a platform is one new module (plus its tests) and no edit here, in
`lib.sync` or in the pages. See docs/sources.md.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lib.config import Settings
from lib.sources.base import Source

_NOT_SOURCES = {"base", "registry"}


@dataclass(frozen=True)
class Budget:
    """A monthly budget of billed reads and the assumed price of one billed post and user."""

    monthly_reads: int
    price_per_post: float
    price_per_user: float
    currency: str = "USD"


def _always(settings: Settings) -> bool:
    return True


@dataclass(frozen=True)
class SourceSpec:
    name: str  # `Source.name`, the `--source` value and the key of its sync state rows
    label: str  # shown on the Sumber Data page
    platforms: tuple[str, ...]
    build: Callable[[Settings], Source | None]  # None: off in these settings (e.g. no token)
    on_page_load: Callable[[Settings], bool] = _always  # False: read by the worker only
    budget: Callable[[Settings], Budget | None] | None = None
    admin_panel: str | None = None  # the Sumber Data page's panel for this source (pages/admin_sources.py)
    order: int = 100  # sync order within a pass
    off_hint: str = ""  # how to switch it on, printed when asked for while off


_SPECS: dict[str, SourceSpec] = {}
_discovered = False


def register(spec: SourceSpec) -> SourceSpec:
    """Add (or replace, on module reload) the entry for `spec.name`."""
    _SPECS[spec.name] = spec
    return spec


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    import lib.sources as package

    for module in pkgutil.iter_modules(package.__path__):
        if module.name not in _NOT_SOURCES:
            importlib.import_module(f"{package.__name__}.{module.name}")
    _discovered = True


def all_specs() -> list[SourceSpec]:
    _discover()
    return sorted(_SPECS.values(), key=lambda s: (s.order, s.name))


def get(name: str) -> SourceSpec | None:
    _discover()
    return _SPECS.get(name)


def build_enabled(settings: Settings, *, page_load: bool = False,
                  names: Iterable[str] | None = None) -> list[Source]:
    """A fresh source object for every spec switched on by `settings` (and `names`, if given);
    `page_load`: only those that may run on a page load. Built anew per pass, so no state from
    one pass (a refused token, a half-read page) leaks into the next."""
    wanted = set(names) if names is not None else None
    sources: list[Source] = []
    for spec in all_specs():
        if wanted is not None and spec.name not in wanted:
            continue
        if page_load and not spec.on_page_load(settings):
            continue
        source = spec.build(settings)
        if source is not None:
            sources.append(source)
    return sources
