"""`searchkit check [--repair]`: healthy, stale manifest, damaged commits and segments."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from searchkit import Index
from searchkit.cli import cli
from searchkit.engine.manifest import MANIFEST_FILE
from searchkit.errors import ExitCode


@pytest.fixture
def index_dir(tmp_path, seeds_copy):
    with Index.create(tmp_path / "ix") as index:
        index.update([seeds_copy], jobs=1)
    return tmp_path / "ix"


def check(index_dir, *args):
    result = CliRunner().invoke(cli, ["--index", str(index_dir), "check", *args])
    return result.exit_code, result.stdout


def test_healthy_index(index_dir):
    assert check(index_dir) == (0, f"{index_dir}: healthy, 5 documents in 1 segment(s)\n")


def test_manifest_behind_the_index_is_a_note_not_damage(index_dir):
    (index_dir / MANIFEST_FILE).unlink()
    code, out = check(index_dir)
    assert code == 0
    assert "note: the file manifest is behind the newest commit" in out


def test_damaged_commit_is_reported_and_repaired_by_rebuilding(index_dir):
    toc = next(index_dir.glob("_MAIN_*.toc"))
    toc.write_bytes(toc.read_bytes()[:40])
    code, out = check(index_dir)
    assert code == ExitCode.INDEX_DAMAGED
    assert "DAMAGED" in out and "is unreadable" in out
    code, out = check(index_dir, "--repair")
    assert code == 0
    assert "repaired: rebuilt from 5 known source files (5 documents, 0 skipped)" in out
    assert check(index_dir)[0] == 0
    with Index.open(index_dir) as index:
        assert index.search("Macron").total == 4


def test_truncated_segment_is_damage(index_dir):
    biggest = max(
        (p for p in index_dir.iterdir() if p.name.startswith("MAIN_")),
        key=lambda p: p.stat().st_size,
    )
    biggest.write_bytes(biggest.read_bytes()[: biggest.stat().st_size // 3])
    code, out = check(index_dir)
    assert code == ExitCode.INDEX_DAMAGED, out


def test_damage_without_known_sources_says_what_to_do(index_dir):
    shutil.copy(index_dir / MANIFEST_FILE, index_dir.parent / "m.sqlite")
    (index_dir / MANIFEST_FILE).unlink()
    toc = next(index_dir.glob("_MAIN_*.toc"))
    toc.write_bytes(b"")
    code, out = check(index_dir, "--repair")
    assert code == ExitCode.INDEX_DAMAGED
    assert "run `searchkit index --rebuild PATH`" in out


def test_check_on_a_missing_index(tmp_path):
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "none"), "check"])
    assert result.exit_code == ExitCode.INDEX_MISSING
    assert result.stderr == (
        f"Error: no searchkit index at {tmp_path / 'none'}: run "
        "`searchkit index PATH` to build one\n"
    )
