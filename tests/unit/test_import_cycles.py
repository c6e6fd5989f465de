"""No module of the app imports, however indirectly, a module that imports it back: a cycle works only in the
order Python happens to load things, and hides which layer stands on which. Imports inside functions count too,
since they are how a cycle usually hides."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imports_of(path: Path, modules: set[str]) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found & modules


def test_no_module_of_the_app_imports_itself_back() -> None:
    paths = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
             for folder in ("domain", "blueprints") for p in (ROOT / folder).rglob("*.py")}
    graph = {name: imports_of(path, set(paths)) - {name} for name, path in paths.items()}
    cycles = []
    for start in graph:  # a path from a module's imports back to itself is a cycle
        seen, frontier = set(), list(graph[start])
        while frontier:
            name = frontier.pop()
            if name == start:
                cycles.append(start)
                break
            if name not in seen:
                seen.add(name)
                frontier.extend(graph[name])
    assert not cycles, f"in an import cycle: {sorted(cycles)}"
