"""`optimize`: merging segments down to a bound, with nothing lost or changed, searches
answering meanwhile; and a searcher's open files that do not grow with the segments."""

from __future__ import annotations

import json
import os
import re
import threading

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from test_index import record, snapshot

from searchkit import Index
from searchkit.cli import cli
from searchkit.engine import merging, segments
from searchkit.engine.optimize import plan_groups
from support import write_records


@given(st.lists(st.integers(0, 50_000), max_size=60), st.integers(1, 20))
def test_plan_packs_every_segment_into_at_most_the_bound(counts, bound):
    groups = plan_groups(counts, bound)
    assert sorted(p for g in groups for p in g) == list(range(len(counts)))
    assert len(groups) <= max(bound, 1) or len(counts) <= bound


def test_plan_leaves_a_large_segment_alone_and_balances_the_rest():
    groups = plan_groups([900, 100, 100, 100, 100, 100, 100], 3)
    assert [0] in groups  # holds more than an even share: not rewritten
    assert sorted(sum([100, 100, 100, 100, 100, 100][p - 1] for p in g) for g in groups[1:]) == [
        300,
        300,
    ]


@pytest.fixture
def many_segments(tmp_path, monkeypatch):
    """An index of 120 documents in many small segments, 3 of them deleted."""
    monkeypatch.setattr(segments, "SEGMENT_DOCUMENTS", 5)
    monkeypatch.setattr(merging, "SEGMENTS_PER_TIER", 1000)  # no merging at commit
    folder = tmp_path / "docs"
    folder.mkdir()
    for batch in range(40):
        write_records(folder / f"b{batch:02d}.jsonl", [record(batch * 3 + i) for i in range(3)])
    index = Index.create(tmp_path / "index")
    index.update([folder], jobs=2, batch_size=10)
    (folder / "b03.jsonl").unlink()  # 3 documents deleted in segments that keep others
    index.update([folder], prune=True)
    return index, folder


def test_optimize_merges_to_the_bound_and_changes_nothing_a_user_sees(many_segments, tmp_path):
    index, folder = many_segments
    before = snapshot(index)
    segments_before = index.stats().segments
    assert segments_before > 8
    report = index.optimize(3, jobs=2)
    assert (report.segments_before, report.segments_after) == (segments_before, 3)
    assert (report.documents_merged, report.purged) == (120, 3)
    assert index.stats().segments == 3
    assert snapshot(index) == before
    # The manifest follows the commit: a no-op update finds every file unchanged.
    again = index.update([folder])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 117)
    fresh = Index.create(tmp_path / "fresh")
    fresh.update([folder])
    assert snapshot(fresh) == before


def test_searches_keep_answering_while_optimize_merges(many_segments):
    index, _ = many_segments
    expected = index.search("alpha", limit=0).total
    seen, stop = [], threading.Event()

    def search_meanwhile():
        with Index.open(index.path) as reader:
            while not stop.is_set():
                seen.append(reader.search("alpha", limit=0).total)

    thread = threading.Thread(target=search_meanwhile)
    thread.start()
    try:
        index.optimize(1, jobs=1)
    finally:
        stop.set()
        thread.join()
    assert seen and set(seen) == {expected}
    assert index.search("alpha", limit=0).total == expected


def test_open_files_of_a_searcher_do_not_grow_with_its_segments(many_segments):
    index, _ = many_segments
    before = len(os.listdir("/proc/self/fd"))
    with Index.open(index.path) as reader:
        reader.search("alpha", facets=("actor", "country", "date"))
        held = len(os.listdir("/proc/self/fd")) - before
    count = index.stats().segments
    assert count > 8
    assert held <= count + 2  # one per segment (its memory map's), not one per part


def test_optimize_command_reports_and_is_idempotent(many_segments):
    index, _ = many_segments
    runner = CliRunner()
    result = runner.invoke(cli, ["--index", str(index.path), "optimize", "--segments", "2"])
    assert result.exit_code == 0, result.output
    pattern = (
        r"merged \d+ segments into 2 \(120 documents rewritten, 3 deleted dropped, [\d.]+ s\)\n"
    )
    assert re.fullmatch(pattern, result.stdout), result.stdout
    result = runner.invoke(
        cli, ["--index", str(index.path), "optimize", "--segments", "2", "--json"]
    )
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert (report["segments_before"], report["segments_after"]) == (2, 2)
    assert report["documents_merged"] == 0


def test_optimize_on_a_missing_index_says_how_to_build_one(tmp_path):
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "none"), "optimize"])
    assert result.exit_code == 3
    assert "run `searchkit index PATH` to build one" in result.stderr


def test_many_small_updates_keep_segments_and_open_files_bounded(tmp_path):
    """What CI keeps of the 1,000,000-document benchmark: after 60 commits of one file
    each, the tiered merges at commit bound the segments, and a searcher's open files
    follow the segments, not their parts."""
    folder = tmp_path / "docs"
    folder.mkdir()
    with Index.create(tmp_path / "index") as index:
        for n in range(60):
            write_records(folder / f"f{n:02d}.jsonl", [record(n)])
            index.update([folder], jobs=1)
        count = index.stats().segments
        assert count <= 2 * (merging.SEGMENTS_PER_TIER - 1)
        before = len(os.listdir("/proc/self/fd"))
        with Index.open(index.path) as reader:
            assert reader.search("alpha", limit=0).total == 60
            held = len(os.listdir("/proc/self/fd")) - before
        assert held <= count + 2
        report = index.optimize(1)
        assert (report.segments_after, index.search("alpha", limit=0).total) == (1, 60)
