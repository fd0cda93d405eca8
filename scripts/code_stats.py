"""Print searchkit's module sizes and its ten longest functions.

    python scripts/code_stats.py            # this checkout
    python scripts/code_stats.py REV        # the package as of a git revision

Lines are physical lines, docstrings and comments included: what a reader has to read.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sources(revision: str | None) -> dict[str, str]:
    """Path -> text of every module of the package, now or at ``revision``."""
    if revision is None:
        return {
            p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted((ROOT / "searchkit").rglob("*.py"))
        }
    names = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", revision, "searchkit"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return {
        name: subprocess.run(
            ["git", "show", f"{revision}:{name}"], cwd=ROOT, capture_output=True, text=True
        ).stdout
        for name in names
        if name.endswith(".py")
    }


def functions(path: str, text: str) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            out.append((node.end_lineno - node.lineno + 1, f"{path}:{node.lineno} {node.name}"))
    return out


def main() -> None:
    revision = sys.argv[1] if len(sys.argv) > 1 else None
    files = sources(revision)
    sizes = sorted(((len(t.splitlines()), p) for p, t in files.items()), reverse=True)
    print(f"{len(files)} modules, {sum(n for n, _ in sizes)} lines; the largest:")
    for n, path in sizes[:12]:
        print(f"  {n:>5}  {path}")
    longest = sorted((f for p, t in files.items() for f in functions(p, t)), reverse=True)
    print("the ten longest functions:")
    for n, where in longest[:10]:
        print(f"  {n:>5}  {where}")


if __name__ == "__main__":
    main()
