"""The architecture is enforced, not hoped for: layers, purity of core, no cycles, short files."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import grimp

import explorer
import explorer.core

PACKAGE = Path(explorer.__file__).parent
CORE_MODULES = [m.name for m in pkgutil.walk_packages(explorer.core.__path__, "explorer.core.")]
UI_PACKAGES = ("textual", "rich")
FILE_LINE_LIMIT = 400


def test_core_modules_import_no_ui_package() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE_MODULES!r}: importlib.import_module(name)\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({UI_PACKAGES!r}))"
        " + [m for m in sys.modules if m.startswith(('explorer.tui', 'explorer.proc',"
        " 'explorer.cli'))])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert "explorer.core.search.store" in CORE_MODULES  # subpackages are walked too


def test_import_linter_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    modules = sorted(graph.modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in modules:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph.modules or not child.startswith("explorer"):
                    continue
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    imported = sorted(graph.find_modules_directly_imported_by(child))
                    work.append((child, iter(imported)))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_import_graph_has_no_cycles() -> None:
    graph = grimp.build_graph("explorer")
    assert _cycles(graph) == []


def test_no_source_file_is_over_the_line_limit() -> None:
    long = {
        str(path.relative_to(PACKAGE)): count
        for path in PACKAGE.rglob("*.py")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > FILE_LINE_LIMIT
    }
    assert long == {}
