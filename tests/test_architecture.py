"""The import layers of docs/architecture.md, checked against the code's own imports.

Every module of nbkit belongs to one layer; a module may import its own layer or lower ones,
never a higher one, and no set of modules may import each other in a circle. Declarations
(processor classes, the plan, the graph) import no I/O. A new module must be given a layer
here and in docs/architecture.md, which is the point: its place is a decision.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "nbkit"

# Lowest first. A module's layer is that of the longest prefix naming it.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("foundation", ("nbkit.errors", "nbkit.constants", "nbkit.settings", "nbkit.params",
                    "nbkit.progress", "nbkit.viz", "nbkit.states", "nbkit.secrets",
                    "nbkit.failures", "nbkit.exitcodes", "nbkit.jsonout", "nbkit.sql_parse",
                    "nbkit.includes", "nbkit.disk_cache")),
    ("configuration", ("nbkit.config", "nbkit.calendar", "nbkit.schema")),
    ("warehouse", ("nbkit.warehouse",)),
    ("declarations", ("nbkit.processors", "nbkit.graph", "nbkit.plan", "nbkit.checks",
                      "nbkit.parameters")),
    ("records", ("nbkit.ledger", "nbkit.leases", "nbkit.status", "nbkit.gaps",
                 "nbkit.checksums", "nbkit.cost", "nbkit.verify", "nbkit.scope", "nbkit.drift",
                 "nbkit.starting_state",
                 "nbkit.sample", "nbkit.processors.compute", "nbkit.user_checks")),
    ("engine", ("nbkit.gates", "nbkit.executor", "nbkit.parity", "nbkit.backfill",
                "nbkit.notify", "nbkit.lineage", "nbkit.cancel", "nbkit.retry", "nbkit.eta",
                "nbkit.project_safety")),
    ("presentation", ("nbkit.report", "nbkit.papermill_hook", "nbkit.report_assets",
                      "nbkit.report_card", "nbkit.report_index", "nbkit.nb", "nbkit.runbook",
                      "nbkit.runs")),
    ("command", ("nbkit.cli", "nbkit.__main__", "nbkit.scaffold", "nbkit.ops_commands")),
]
# Declarations are values: they never reach the warehouse, the ledger or the executor.
NO_IO = ("nbkit.processors", "nbkit.graph", "nbkit.plan")
IO_MODULES = ("nbkit.warehouse", "nbkit.ledger", "nbkit.executor", "nbkit.leases")
NO_IO_EXCEPT = ("nbkit.processors.compute",)  # runs a processor: the I/O side, a records room


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """nbkit modules imported by a file (at any depth: lazy imports count too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("nbkit"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            if not base.startswith("nbkit"):
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                out.add(candidate if candidate in known else base)
    return {m for m in out if m in known and m != name and m != "nbkit"}


def layer_of(name: str) -> int | None:
    best, rank = -1, None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), index
    return rank


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports_of(path, name, known) for name, path in found.items()}


def upward_imports(edges: dict[str, set[str]]) -> list[str]:
    bad = []
    for name, targets in sorted(edges.items()):
        for target in sorted(targets):
            here, there = layer_of(name), layer_of(target)
            if here is not None and there is not None and there > here:
                bad.append(f"{name} ({LAYERS[here][0]}) imports {target} ({LAYERS[there][0]})")
    return bad


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_every_module_has_a_layer():
    missing = [m for m in modules() if m not in ("nbkit",) and layer_of(m) is None]
    assert not missing, (f"modules without a layer: {missing}; add each to LAYERS in "
                         "tests/test_architecture.py and to docs/architecture.md")


def test_no_upward_import():
    assert upward_imports(graph()) == []


def test_no_import_cycle():
    # Package faces (__init__ re-exporting a submodule that imports the package) are not
    # cycles of code; only module-to-module loops count.
    edges = {k: {t for t in v if not PACKAGE.joinpath(*t.split(".")[1:], "__init__.py").exists()
                 or t == k} for k, v in graph().items()}
    assert cycles(edges) == []


def test_declarations_import_no_io():
    bad = [f"{name} imports {target}"
           for name, targets in graph().items()
           if name.startswith(NO_IO) and not name.startswith(NO_IO_EXCEPT)
           for target in targets if target.startswith(IO_MODULES)]
    assert bad == []


@pytest.mark.parametrize("edge, found", [
    ({"nbkit.cli": {"nbkit.errors"}, "nbkit.errors": {"nbkit.cli"}}, "upward"),
    ({"nbkit.ledger": {"nbkit.status"}, "nbkit.status": {"nbkit.ledger"}}, "cycle"),
])
def test_the_checks_can_fail(edge, found):
    """The two rules really catch an upward import and a circle."""
    if found == "upward":
        assert upward_imports(edge) == ["nbkit.errors (foundation) imports nbkit.cli (command)"]
    else:
        assert cycles(edge) == [["nbkit.ledger", "nbkit.status"]]
