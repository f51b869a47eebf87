"""No import loops anywhere in lib/: every module is parsed with `ast`, function-local imports
included (a loop hidden behind a local import is still a loop in the design)."""

from __future__ import annotations

import ast
from pathlib import Path

LIB = Path(__file__).resolve().parent.parent / "lib"

# Loops owned by other work in progress; remove each entry once its branch is merged.
KNOWN = {
}


def module_name(path: Path, root: Path = LIB) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, modules: set[str], root: Path = LIB) -> set[str]:
    """The lib modules `path` imports, anywhere in its body (`from lib import x` names module x)."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    resolved = set()
    for target in found:
        while target and target not in modules:  # `lib.sources.x.XSource` -> `lib.sources.x`
            target = target.rpartition(".")[0]
        if target and target != name and target != "lib":
            resolved.add(target)
    return resolved


def import_graph() -> dict[str, set[str]]:
    paths = sorted(LIB.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    graph = {module_name(p): imports_of(p, modules) for p in paths}
    # A package's __init__ is not a dependency of its submodules' own imports of siblings.
    return {m: {t for t in targets if not m.startswith(t + ".")} for m, targets in graph.items()}


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_checker_sees_function_local_imports(tmp_path):
    graph = {"lib.a": {"lib.b"}, "lib.b": {"lib.c"}, "lib.c": {"lib.a"}, "lib.d": {"lib.a"}}
    assert cycles(graph) == [{"lib.a", "lib.b", "lib.c"}]
    assert "lib.sources.base" in imports_of(LIB / "sources" / "x.py", {m for m in import_graph()})
    source = tmp_path / "lib" / "m.py"
    source.parent.mkdir()
    source.write_text("def f():\n    from lib import ingest\n    import lib.sync\n", encoding="utf-8")
    assert imports_of(source, {"lib.m", "lib.ingest", "lib.sync"}, tmp_path / "lib") == {"lib.ingest", "lib.sync"}


def test_no_import_loops_in_lib():
    loops = [c for c in cycles(import_graph()) if frozenset(c) not in KNOWN]
    assert loops == [], f"import loops in lib/: {loops}"


def test_the_loops_this_work_removed_stay_removed():
    graph = import_graph()
    assert "lib.sync" not in graph["lib.xbudget"] and "lib.sources.x" not in graph["lib.xbudget"]
    assert "lib.ingest" not in graph["lib.sources.base"]
    assert "lib.auth" not in graph["lib.audit"]
    assert not any(m.startswith("lib.sync") or m == "lib.ingest" for m in graph["lib.sources.x"])


def test_streamlit_is_imported_only_by_the_ui_layer():
    """Cron jobs, the sync worker and the alert worker import lib/ without a UI: only lib/ui/ may
    import streamlit (or another lib/ui module)."""
    offenders = []
    for path in sorted(LIB.rglob("*.py")):
        name = module_name(path)
        if name.startswith("lib.ui"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{name} imports {n}" for n in names if n.split(".")[0] == "streamlit"
                          or n == "lib.ui" or n.startswith("lib.ui.")]
    assert offenders == []
