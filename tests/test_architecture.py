"""The code shape of DESIGN.md §5 that must not erode, checked from the source alone (no imports).

* no import cycles between the modules of ``router`` (imports under ``if TYPE_CHECKING:`` do not
  run and do not count; imports inside functions do);
* no module over :data:`MAX_LINES` lines;
* every package of ``router`` is named in the import contracts of ``pyproject.toml`` (which
  ``lint-imports`` checks in ``make test``), so a new package cannot slip past them.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "router"
MAX_LINES = 800

#: for each forbidden contract (by id): the top-level packages it leaves out on purpose, besides
#: its source and forbidden modules (every other package must be one of its sources)
CONTRACT_EXEMPT = {
    "store": {"router.services", "router.jobs", "router.__main__"},
    "engine-leaves": {
        "router.cli",
        "router.commands",
        "router.api",
        "router.services",
        "router.jobs",
        "router.__main__",
    },
    "no-web-below-api": {"router.cli", "router.commands", "router.api", "router.__main__"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module of ``router`` (packages by their ``__init__``), by dotted name."""
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements that run: everything but the body of ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and is_type_checking(node.test):
            for child in node.orelse:
                yield from runtime_imports(ast.Module(body=[child], type_ignores=[]))
        else:
            yield from runtime_imports(node)


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The ``router`` modules that module ``name`` imports (``from a import b`` counts as
    importing ``a.b`` when that is a module, else ``a``)."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
            continue
        base = node.module or ""
        if node.level:  # relative import
            anchor = name.split(".")
            anchor = anchor if is_package else anchor[:-1]
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            child = f"{base}.{alias.name}"
            if child in known:
                found.add(child)
            elif base in known:
                found.add(base)
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imported_modules(name, path, known) for name, path in mods.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
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


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]


def test_no_import_cycles_between_modules() -> None:
    graph = import_graph()
    assert len(graph) > 50  # the walk found the package
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_no_module_is_too_long() -> None:
    lines = {
        name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()
    }
    long = {name: n for name, n in lines.items() if n > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them by concern): {long}"


def test_every_package_is_named_in_the_import_contracts() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}
    top_level = {name for name in modules() if name.count(".") == 1}
    layered = {
        part.strip().strip("()")
        for layer in contracts["layers"]["layers"]
        for part in layer.replace(":", "|").split("|")
    }
    outside_layers = {"router.store", "router.verify", "router.synthetic", "router.__main__"}
    assert top_level - layered - outside_layers == set(), "add the package to the layers"
    for contract_id, exempt in CONTRACT_EXEMPT.items():
        contract = contracts[contract_id]
        named = {*contract["source_modules"], *contract["forbidden_modules"], *exempt}
        missing = top_level - named
        assert not missing, f"contract {contract_id!r} does not name {sorted(missing)}"
