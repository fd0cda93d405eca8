"""Parallel indexing: spans of JSON Lines files, worker segments, and the merge policy."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_index import record, snapshot

from searchkit import Index
from searchkit.engine import updater
from searchkit.engine.merging import MAX_MERGED_DOCS, SEGMENTS_PER_TIER, segments_to_merge
from searchkit.extract.formats import BadRecord, iter_jsonl
from searchkit.extract.pipeline import jsonl_spans
from support import write_records

LINES = st.lists(
    st.tuples(
        st.sampled_from(['{"title": "a", "text": "b"}', "", "not json", '{"title": "c"}']),
        st.sampled_from(["\n", "\r\n", "\r"]),
    ),
    max_size=30,
)


def _records(raw: bytes, first_line: int = 1) -> list:
    return [
        (item.record, isinstance(item, BadRecord), getattr(item, "title", None))
        for item in iter_jsonl(raw, first_line)
    ]


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(LINES, st.integers(1, 60), st.booleans())
def test_spans_cover_the_file_and_keep_line_numbers(tmp_path, lines, span_bytes, strip_end):
    raw = "".join(text + end for text, end in lines).encode()
    if strip_end:
        raw = raw.rstrip(b"\r\n")
    path = tmp_path / "a.jsonl"
    path.write_bytes(raw)
    digest, spans = jsonl_spans(str(path), span_bytes)
    assert b"".join(raw[s.offset : s.offset + s.length] for s in spans) == raw
    assert all(raw[s.offset + s.length - 1 : s.offset + s.length] == b"\n" for s in spans[:-1])
    pieces = [_records(raw[s.offset : s.offset + s.length], s.first_line) for s in spans]
    assert [r for piece in pieces for r in piece] == _records(raw)
    import hashlib

    assert digest == hashlib.sha1(raw).hexdigest()


@pytest.fixture
def small_spans(monkeypatch):
    """Spans and workers for a few kilobytes, so a small file exercises the large-file path."""
    monkeypatch.setattr(updater, "SPAN_BYTES", 2048)
    monkeypatch.setattr(updater, "MIN_SPAN_BYTES", 512)
    monkeypatch.setattr(updater, "MIN_BYTES_FOR_WORKERS", 1)


def test_a_large_export_shared_by_workers_gives_the_same_index(tmp_path, small_spans):
    export = write_records(tmp_path / "export.jsonl", [record(i) for i in range(120)])
    with Index.create(tmp_path / "one") as one, Index.create(tmp_path / "two") as two:
        one.update([export], jobs=1)
        report = two.update([export], jobs=2)
        assert (report.added, report.skipped) == (120, ())
        assert snapshot(one) == snapshot(two)

        # Appended records: the file is indexed again as a whole, in spans.
        write_records(export, [record(i) for i in range(150)])
        report = two.update([export], jobs=2)
        assert (report.added, report.updated, report.removed) == (0, 150, 0)
        one.update([export], jobs=1)
        assert snapshot(one) == snapshot(two)

        # Touched, same content: nothing is read by the workers or written.
        os.utime(export)
        report = two.update([export], jobs=2)
        assert (report.unchanged, report.updated) == (150, 0)


def test_many_small_updates_with_workers_equal_one_build(tmp_path, small_spans):
    src = tmp_path / "src"
    src.mkdir()
    with Index.create(tmp_path / "incremental") as index:
        for step in range(12):
            write_records(src / f"day{step}.jsonl", [record(step * 10 + i) for i in range(10)])
            if step % 4 == 3:
                (src / f"day{step - 2}.jsonl").unlink()
            index.update([src], prune=True, jobs=2)
        incremental = snapshot(index)
    with Index.create(tmp_path / "full") as full:
        full.update([src], jobs=2)
        assert snapshot(full) == incremental


def test_merge_policy_merges_full_tiers_of_small_segments_only():
    tier = [(500 + i, 500 + i) for i in range(SEGMENTS_PER_TIER)]
    assert segments_to_merge(tier) == set(range(SEGMENTS_PER_TIER))
    assert segments_to_merge(tier[:-1]) == set()  # one short of a full tier
    large = [(MAX_MERGED_DOCS, MAX_MERGED_DOCS)] * (SEGMENTS_PER_TIER + 2)
    assert segments_to_merge(large) == set()  # merging them would rewrite too much
    mostly_deleted = [(1000, 100), (50_000, 50_000)]
    assert segments_to_merge(mostly_deleted) == {0}
    all_deleted = [(1000, 0)]
    assert segments_to_merge(all_deleted) == set()  # dropped, not merged


def test_workers_start_new_segments_and_the_result_is_the_same(tmp_path, small_spans, monkeypatch):
    from searchkit.engine import merging, segments

    monkeypatch.setattr(segments, "SEGMENT_DOCUMENTS", 7)
    monkeypatch.setattr(merging, "SEGMENTS_PER_TIER", 1000)  # keep every segment
    export = write_records(tmp_path / "export.jsonl", [record(i) for i in range(90)])
    with Index.create(tmp_path / "one") as one, Index.create(tmp_path / "many") as many:
        one.update([export], jobs=1)
        assert many.update([export], jobs=2).added == 90
        assert many.stats().segments > 4  # several segments per worker
        assert snapshot(one) == snapshot(many)


def test_two_workers_share_a_json_lines_file_from_the_measured_size(tmp_path):
    # bench/jsonl_jobs.py: two workers gave 1.55x from 1,000 HuffPost records (0.4 MB) up.
    assert updater._jobs_for({"huffpost.jsonl": 4_100_742}, 2) == 2  # 10,000 records
    assert updater._jobs_for({"huffpost.jsonl": 400_000}, 2) == 2  # 1,000 records
    assert updater._jobs_for({"huffpost.jsonl.gz": 400_000}, 2) == 2
    assert updater._jobs_for({"a.jsonl": 200_000, "b.json": 100_000}, 2) == 1  # 0.3 MB
    assert updater._jobs_for({"huffpost.jsonl": 4_100_742}, 1) == 1
    # A file of the threshold's size is cut into two spans, one for each worker.
    line = json.dumps({"title": "t", "text": "x" * 200}) + "\n"
    path = tmp_path / "big.jsonl"
    path.write_text(line * (updater.MIN_BYTES_FOR_WORKERS // len(line) + 1), encoding="utf-8")
    _, spans = jsonl_spans(str(path), updater.MIN_SPAN_BYTES)
    assert len(spans) == 2
