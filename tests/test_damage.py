"""A damaged index says "damaged" (exit 6) and points to `check --repair`, which fixes it;
an --index that is a file gets one message and one exit code from every command."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchkit.cli import cli

REPAIR = "run `searchkit check --repair`"


@pytest.fixture
def index(seeds_index, tmp_path) -> Path:
    """A copy of the seeds index, to damage."""
    target = tmp_path / "index"
    shutil.copytree(seeds_index, target)
    return target


def run(index: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--index", str(index), *args])
    return result.exit_code, result.stderr.replace(str(index), "<index>")


def segment_file(index: Path, suffix: str) -> Path:
    (found,) = [p for p in index.iterdir() if p.name.endswith(suffix)]
    return found


def test_a_truncated_term_file_is_damage_and_repair_fixes_it(index):
    trm = segment_file(index, ".trm")
    with trm.open("r+b") as fh:
        fh.truncate(100)
    assert run(index, "search", "troops") == (
        6,
        f"Error: the index at <index> is damaged (Invalid argument); {REPAIR}\n",
    )
    assert run(index, "show", "f9d5d3eb46b0")[0] == 6
    assert run(index, "check")[0] == 6
    assert run(index, "check", "--repair")[0] == 0
    assert run(index, "search", "troops") == (0, "")


@pytest.mark.parametrize("suffix", ["._stored.col", ".pst"])
def test_a_deleted_segment_file_is_damage(index, suffix):
    name = segment_file(index, suffix).name
    segment_file(index, suffix).unlink()
    code, err = run(index, "search", "troops")
    assert code == 6 and err.startswith("Error: the index at <index> is damaged (")
    assert err.endswith(f"); {REPAIR}\n")
    if suffix == ".pst":
        detail = f"No such file or directory: {name}"
        assert err == f"Error: the index at <index> is damaged ({detail}); {REPAIR}\n"
    assert run(index, "check", "--repair")[0] == 0
    assert run(index, "search", "troops") == (0, "")


@pytest.mark.parametrize("suffix", ["._body_en_len.col", "._stored.col", ".pst"])
def test_a_segment_file_cut_short_is_damage_whatever_whoosh_raises(index, suffix):
    path = segment_file(index, suffix)
    with path.open("r+b") as fh:
        fh.truncate(path.stat().st_size // 2)
    code, err = run(index, "search", "troops")
    assert code == 6 and err.startswith("Error: the index at <index> is damaged (")
    assert err.endswith(f"); {REPAIR}\n")
    assert run(index, "check")[0] == 6


def test_a_garbage_settings_file_is_damage_and_repair_rewrites_it(index):
    (index / "searchkit.json").write_text("garbage\n", encoding="utf-8")
    message = (
        "Error: the index at <index> is damaged: its settings file searchkit.json cannot be "
        "read (not JSON: Expecting value: line 1 column 1 (char 0)); run `searchkit check "
        "--repair`\n"
    )
    assert run(index, "search", "troops") == (6, message)
    assert run(index, "index", str(index.parent)) == (6, message)
    assert run(index, "check")[0] == 6
    result = CliRunner().invoke(cli, ["--index", str(index), "check", "--repair"])
    assert result.exit_code == 0
    assert "  repaired: rewrote searchkit.json from the index's schema\n" in result.stdout
    assert run(index, "search", "troops") == (0, "")
    assert run(index, "check") == (0, "")


def test_a_settings_file_without_a_version_is_damage(index):
    (index / "searchkit.json").write_text('{"stemming": true}\n', encoding="utf-8")
    code, err = run(index, "stats")
    assert (code, "(no schema version in it)" in err) == (6, True)


@pytest.mark.parametrize(
    "args",
    [
        ("search", "troops"),
        ("index", "SEEDS"),
        ("check",),
        ("check", "--repair"),
        ("stats",),
        ("show", "f9d5d3eb46b0"),
        ("similar", "f9d5d3eb46b0"),
        ("facets",),
        ("export", "--out", "OUT"),
    ],
)
@pytest.mark.parametrize("below", [False, True])
def test_an_index_path_that_is_a_file_is_one_error_everywhere(tmp_path, args, below):
    from support import SEEDS

    afile = tmp_path / "afile"
    afile.write_text("not an index\n", encoding="utf-8")
    where = afile / "sub" if below else afile
    args = [{"SEEDS": str(SEEDS), "OUT": str(tmp_path / "out")}.get(a, a) for a in args]
    result = CliRunner().invoke(cli, ["--index", str(where), *args])
    assert (result.exit_code, result.stderr.replace(str(tmp_path), "<tmp>")) == (
        2,
        "Error: <tmp>/afile is a file, not a folder: an index is a folder; choose another "
        "location for it\n",
    )
