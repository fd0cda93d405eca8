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


def segment_file(index: Path) -> Path:
    """The seeds index's one segment: a compound file holding all of its parts."""
    (found,) = [p for p in index.iterdir() if p.name.endswith(".seg")]
    return found


def part_range(segment: Path, suffix: str) -> tuple[int, int]:
    """Where one part (term file, postings, a column) lies inside a compound segment."""
    from whoosh.filedb.compound import CompoundStorage
    from whoosh.filedb.structfile import StructFile

    compound = CompoundStorage(StructFile(segment.open("rb")), use_mmap=False)
    try:
        (name,) = [n for n in compound.list() if n.endswith(suffix)]
        return compound.range(name)
    finally:
        compound.close()


def test_a_garbled_term_file_is_damage_and_repair_fixes_it(index):
    segment = segment_file(index)
    offset, length = part_range(segment, ".trm")
    with segment.open("r+b") as fh:
        fh.seek(offset)
        fh.write(b"\xff" * length)
    code, err = run(index, "search", "troops")
    assert code == 6 and err.startswith("Error: the index at <index> is damaged (")
    assert err.endswith(f"); {REPAIR}\n")
    assert run(index, "show", "f9d5d3eb46b0")[0] == 6
    assert run(index, "check")[0] == 6
    assert run(index, "check", "--repair")[0] == 0
    assert run(index, "search", "troops") == (0, "")


def test_a_deleted_segment_file_is_damage(index):
    name = segment_file(index).name
    segment_file(index).unlink()
    detail = f"No such file or directory: {name}"
    assert run(index, "search", "troops") == (
        6,
        f"Error: the index at <index> is damaged ({detail}); {REPAIR}\n",
    )
    assert run(index, "check", "--repair")[0] == 0
    assert run(index, "search", "troops") == (0, "")


@pytest.mark.parametrize("suffix", ["._body_en_len.col", "._stored.col", ".pst"])
def test_a_segment_part_cut_short_is_damage_whatever_whoosh_raises(index, suffix):
    segment = segment_file(index)
    offset, length = part_range(segment, suffix)
    with segment.open("r+b") as fh:
        fh.seek(offset + length // 2)
        fh.write(b"\0" * (length - length // 2))  # the part's second half is lost
    code, err = run(index, "search", "troops")
    assert code == 6 and err.startswith("Error: the index at <index> is damaged (")
    assert err.endswith(f"); {REPAIR}\n")
    assert run(index, "check")[0] == 6


def test_a_segment_file_cut_short_is_damage(index):
    segment = segment_file(index)
    with segment.open("r+b") as fh:
        fh.truncate(segment.stat().st_size // 2)
    code, err = run(index, "search", "troops")
    assert code == 6 and err.startswith("Error: the index at <index> is damaged (")
    assert err.endswith(f"); {REPAIR}\n")
    assert run(index, "check")[0] == 6
    assert run(index, "check", "--repair")[0] == 0
    assert run(index, "search", "troops") == (0, "")


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
