"""The arrows of app/ point down (docs/architecture.md, "Inside app/"): no two packages import each other,
the shared modules at app/'s top import no package, and forms/ and exports/ import nothing of app/."""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"
# Modules at app/'s top that some package imports, and the packages they may lean on (models only).
MAY_IMPORT_FROM_SHARED = {"models"}
# The top-level modules that wire packages together, and so may import any of them.
WIRING = {"__init__", "web", "cli", "scheduler", "scheduler_cli", "housekeeping", "worker", "demo"}


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every `app.<name>` imported by a file (module level and inside functions), with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] == "app":
                if len(parts) > 1:
                    found.append((parts[1], node.lineno))
                else:  # from app import audit, models
                    found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name.split(".")[1], node.lineno) for alias in node.names
                      if alias.name.startswith("app.")]
    return found


def _graph() -> tuple[set[str], dict[str, dict[str, list[str]]]]:
    packages = {p.name for p in APP.iterdir() if p.is_dir() and any(p.glob("*.py"))}
    edges: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in APP.rglob("*.py"):
        parts = path.relative_to(APP).parts
        source = parts[0] if len(parts) > 1 else parts[0][:-3]
        for target, line in _imports(path):
            if target != source:
                edges[source][target].append(f"{path.relative_to(ROOT)}:{line}")
    return packages, edges


def test_no_two_packages_of_app_import_each_other():
    packages, edges = _graph()
    both_ways = sorted(
        f"{a} <-> {b}: {edges[a][b][0]} and {edges[b][a][0]}"
        for a in packages for b in packages if a < b and b in edges[a] and a in edges[b])
    assert both_ways == []


def test_no_longer_cycle_between_packages():
    packages, edges = _graph()
    graph = {a: {b for b in edges[a] if b in packages} for a in packages}
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(path[path.index(nxt):] + [node, nxt]) if nxt in path else f"{node} -> {nxt}")
            elif nxt not in state:
                visit(nxt, path + [node])
        state[node] = 2

    for package in sorted(packages):
        if package not in state:
            visit(package, [])
    assert cycles == []


def test_the_shared_modules_import_no_package():
    """app/access.py, app/charts.py, app/outbox.py and the other top modules are leaves that any package uses."""
    packages, edges = _graph()
    modules = {p.stem for p in APP.glob("*.py")} - WIRING
    leaning = sorted(f"{module} -> {target}: {where[0]}" for module in modules
                     for target, where in edges[module].items()
                     if target in packages and target not in MAY_IMPORT_FROM_SHARED)
    assert leaning == []


def test_forms_and_exports_import_nothing_of_app():
    found = []
    for folder in ("forms", "exports"):
        for path in (ROOT / folder).rglob("*.py"):
            found += [f"{path.relative_to(ROOT)}:{line} imports app.{name}" for name, line in _imports(path)]
    assert found == []


def test_the_check_sees_an_import_both_ways(tmp_path):
    """The scan is not vacuous: it finds this file's own kind of import."""
    sample = tmp_path / "sample.py"
    sample.write_text("from app.results.charts import stacked_bar\nimport app.waves.outbox\n"
                      "def f():\n    from app import audit, models\n", encoding="utf-8")
    assert _imports(sample) == [("results", 1), ("waves", 2), ("audit", 4), ("models", 4)]
