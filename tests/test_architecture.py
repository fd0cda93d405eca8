"""The package keeps its shape: Whoosh behind engine/, no upward imports, no cycles, no
click in the library, modules a newcomer can read in one sitting."""

import importlib.util
import subprocess
import sys
from pathlib import Path

from support import ROOT

SCRIPT = ROOT / "scripts" / "import_graph.py"
MAX_MODULE_LINES = 460  # "about 400": the largest modules are listed in the README


def _import_graph():
    spec = importlib.util.spec_from_file_location("import_graph", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_import_rules_hold():
    edges, problems = _import_graph().analyse()
    assert problems == []
    assert ("engine", "search") not in edges
    assert ("search", "engine") in edges  # search reaches the index through the engine


def test_the_script_reports_and_exits_zero():
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True)
    assert done.returncode == 0
    assert "rules kept" in done.stdout


def test_a_broken_rule_is_reported(tmp_path, monkeypatch):
    graph = _import_graph()
    fake = tmp_path / "searchkit"
    (fake / "search").mkdir(parents=True)
    (fake / "engine").mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "search" / "__init__.py").write_text("import whoosh\n")
    (fake / "engine" / "__init__.py").write_text("from ..search import x\n")
    monkeypatch.setattr(graph, "PACKAGE", fake)
    _, problems = graph.analyse()
    assert any("imports Whoosh" in p for p in problems)
    assert any("engine/ must not import search/" in p for p in problems)


def test_no_module_is_too_long():
    sizes = {
        p.relative_to(ROOT).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
        for p in Path(ROOT / "searchkit").rglob("*.py")
    }
    assert {p: n for p, n in sizes.items() if n > MAX_MODULE_LINES} == {}
