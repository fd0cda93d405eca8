"""Print the import graph between searchkit's layers and check the rules it must keep.

    python scripts/import_graph.py

Layers: ``extract/`` (files to documents), ``engine/`` (Whoosh: schema, writing, reading),
``search/`` (queries, facets, the search itself), ``commands/`` and ``cli.py`` (the CLI), and
the public layer (``api.py``, ``model.py``, ``registry.py``, ... at the top of the package).
Every import is counted, including those inside functions (searchkit imports heavy modules
lazily). The rules: Whoosh is imported only under ``engine/``; ``engine/`` never imports
``search/``; the library never imports click (only ``cli.py`` and ``commands/`` do); and no
two modules import each other, directly or through others. Exits 1 when a rule is broken.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "searchkit"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ("extract", "engine", "search", "commands"):
        return parts[1]
    if module in ("searchkit.cli", "searchkit.__main__"):
        return "commands"
    return "public"


def imports_of(path: Path, module: str) -> set[str]:
    """Every module ``path`` imports (absolute names), wherever the import statement is."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            for alias in node.names:  # "from . import model" imports a module
                candidate = f"{target}.{alias.name}"
                if (PACKAGE.parent / Path(*candidate.split("."))).with_suffix(".py").exists():
                    found.add(candidate)
    return found


def resolve(target: str, modules: set[str]) -> str | None:
    """The searchkit module an import names (``searchkit.engine.store.Store`` -> the module)."""
    while target and target not in modules:
        target = target.rsplit(".", 1)[0] if "." in target else ""
    return target or None


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
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
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def analyse() -> tuple[dict[tuple[str, str], int], list[str]]:
    """(layer -> layer import counts, broken rules)."""
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(paths)
    graph: dict[str, set[str]] = defaultdict(set)
    edges: dict[tuple[str, str], int] = defaultdict(int)
    problems: list[str] = []
    for module, path in sorted(paths.items()):
        for target in sorted(imports_of(path, module)):
            top = target.split(".")[0]
            if top == "whoosh" and layer(module) != "engine":
                problems.append(f"{module} imports Whoosh ({target}) outside engine/")
            if top == "click" and layer(module) != "commands":
                problems.append(f"{module} imports click: the library must not")
            internal = resolve(target, modules)
            if internal is None or internal == module or module.startswith(internal + "."):
                continue  # outside searchkit, itself, or its own package's __init__
            graph[module].add(internal)
            edges[(layer(module), layer(internal))] += 1
            if layer(module) == "engine" and layer(internal) == "search":
                problems.append(f"{module} imports {internal}: engine/ must not import search/")
    for component in cycles(graph):
        problems.append("import cycle: " + " <-> ".join(component))
    return dict(edges), problems


def main() -> int:
    edges, problems = analyse()
    print("imports between layers (importer -> imported: number of module pairs)")
    for (a, b), count in sorted(edges.items()):
        if a != b:
            print(f"  {a:<9} -> {b:<9} {count:>3}")
    print("within a layer:", ", ".join(f"{a} {c}" for (a, b), c in sorted(edges.items()) if a == b))
    if problems:
        print("\nbroken rules:")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print(
        "\nrules kept: Whoosh only under engine/, engine/ never imports search/, no click in "
        "the library, no import cycles"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
