"""The README tells the truth: its Python example runs, every command is documented, and
the CLI starts without importing the heavy modules."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from searchkit.cli import cli
from searchkit.errors import ExitCode
from support import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_python_example_runs(tmp_path, monkeypatch):
    block = re.search(r"## Python API\n\n```python\n(.*?)```", README, re.DOTALL).group(1)
    block = block.replace('"/tmp/demo-index"', repr(str(tmp_path / "demo-index")))
    monkeypatch.chdir(ROOT)
    exec(compile(block, "README.md", "exec"), {})


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_with_an_example_and_a_readme_entry(name):
    command = cli.commands[name]
    assert command.help and "Example:" in command.help
    assert f"### `searchkit {name}" in README


def test_every_exit_code_is_documented():
    for code in ExitCode:
        assert re.search(rf"^\| {int(code)} \| ", README, re.MULTILINE), code.name


def test_readme_commands_are_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = re.search(r"Run the tests.*?```sh\n(.*?)\n```", README, re.DOTALL).group(1)
    assert test_command in ci


def test_cli_start_up_does_not_import_heavy_modules():
    code = (
        "import sys; from searchkit.cli import cli; "
        "heavy = [m for m in ('whoosh', 'langdetect', 'bs4', 'lxml') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert out.stdout.strip() == ""
