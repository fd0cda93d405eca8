"""Indexing: counts in the report, incremental updates, pruning, rebuilds, bad files."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchkit import Index
from searchkit.errors import IndexMissingError, SchemaVersionError, UsageError
from support import write_records


def snapshot(index: Index) -> tuple:
    """Everything a user can observe: every document and every facet count."""
    results = index.search(
        "*",
        limit=10_000,
        facets=("actor", "country", "date", "source_type", "source", "language"),
        facet_limit=0,
        snippets=False,
    )
    docs = sorted(
        (h.id, h.title, h.published, h.actors, h.countries, h.source_type, h.language)
        for h in results.hits
    )
    bodies = sorted((d, index.get(d).body) for d, *_ in docs)
    facets = [(f.name, f.values, f.missing) for f in results.facets]
    return results.total, docs, bodies, facets


def record(i: int, word: str = "alpha", **extra) -> dict:
    base = {
        "title": f"Title {i}",
        "text": f"Body {word} number {i}",
        "language": "en",
        "actors": [f"Person {i % 3}"],
        "countries": ["FR" if i % 2 else "UA"],
        "date": f"2024-0{1 + i % 3}-1{i % 9}",
        "source_type": "news",
    }
    base.update(extra)
    return base


def test_report_counts_added_updated_unchanged_removed(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for i in range(3):
        (src / f"a{i}.txt").write_text(f"Title {i}\n\nSome body text {i}.", encoding="utf-8")
    with Index.create(tmp_path / "ix") as index:
        first = index.update([src], jobs=1)
        assert (first.added, first.updated, first.unchanged, first.removed) == (3, 0, 0, 0)
        again = index.update([src], jobs=1)
        assert (again.added, again.updated, again.unchanged, again.removed) == (0, 0, 3, 0)
        (src / "a0.txt").write_text("Title 0\n\nChanged body.", encoding="utf-8")
        os.utime(src / "a1.txt", ns=(1, 1))  # touched, same content: still unchanged
        (src / "a2.txt").unlink()
        (src / "a3.txt").write_text("Title 3\n\nNew.", encoding="utf-8")
        third = index.update([src], jobs=1)
        assert (third.added, third.updated, third.unchanged, third.removed) == (1, 1, 1, 0)
        assert index.search("*").total == 4  # a2 stays until --prune
        pruned = index.update([src], prune=True, jobs=1)
        assert (pruned.removed, pruned.unchanged) == (1, 3)
        assert index.search("*").total == 3
        assert index.search("changed").total == 1


def test_bad_files_are_skipped_with_reasons_and_the_run_goes_on(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.txt").write_text("Good\n\nbody", encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(b"\x00\x01\x02PNG" * 100)
    (src / "broken.json").write_text("{nope", encoding="utf-8")
    (src / "lines.jsonl").write_text('{"title": "ok", "text": "x"}\n{"title": \n', encoding="utf-8")
    with Index.create(tmp_path / "ix") as index:
        report = index.update([src], jobs=1)
    reasons = {os.path.basename(s.path): s.reason for s in report.skipped}
    assert report.added == 2
    assert reasons == {
        "binary.txt": "binary file, not text",
        "broken.json": "invalid JSON at line 1 column 2 (Expecting property name enclosed in "
        "double quotes)",
        "empty.txt": "empty file",
        "lines.jsonl:2": "invalid JSON at column 11 (Expecting value)",
    }


def test_missing_path_is_a_usage_error(tmp_path):
    with Index.create(tmp_path / "ix") as index, pytest.raises(UsageError, match="no such file"):
        index.update([tmp_path / "nope"])


def test_open_missing_index_says_how_to_build_one(tmp_path):
    with pytest.raises(IndexMissingError, match="run `searchkit index PATH`"):
        Index.open(tmp_path / "none")


def test_incompatible_schema_is_refused_and_rebuild_replaces_it(tmp_path, seeds_copy):
    with Index.create(tmp_path / "ix") as index:
        index.update([seeds_copy], jobs=1)
    settings_file = tmp_path / "ix" / "searchkit.json"
    data = json.loads(settings_file.read_text())
    data["schema_version"] = 0
    settings_file.write_text(json.dumps(data))
    with pytest.raises(SchemaVersionError, match="rebuild it with `searchkit index --rebuild"):
        Index.open(tmp_path / "ix")
    with Index.open_or_create(tmp_path / "ix", rebuild=True) as index:
        assert index.update([seeds_copy], rebuild=True, jobs=1).added == 5


def test_create_refuses_a_folder_with_other_files(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="holds other files"):
        Index.create(tmp_path)
    assert (tmp_path / "notes.txt").exists()


def test_rebuild_gives_the_same_index(tmp_path, seeds_copy):
    with Index.create(tmp_path / "ix") as index:
        index.update([seeds_copy], jobs=1)
        before = snapshot(index)
        report = index.update([seeds_copy], rebuild=True, jobs=1)
        assert report.updated == 5
        assert snapshot(index) == before


def test_worker_processes_give_the_same_index_as_one_process(tmp_path, monkeypatch):
    from searchkit.engine import updater

    monkeypatch.setattr(updater, "MIN_BYTES_FOR_WORKERS", 1)  # workers even for a few records
    src = tmp_path / "src"
    src.mkdir()
    for i in range(40):
        write_records(src / f"f{i}.jsonl", [record(i), record(i + 100, "beta")])
    with Index.create(tmp_path / "one") as one, Index.create(tmp_path / "two") as two:
        one.update([src], jobs=1)
        report = two.update([src], jobs=2)
        assert report.added == 80
        assert snapshot(one) == snapshot(two)


OPS = st.lists(
    st.tuples(
        st.sampled_from(["add", "modify", "delete", "touch"]),
        st.integers(0, 5),
        st.sampled_from(["alpha", "beta", "gamma"]),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(OPS)
def test_incremental_updates_equal_a_full_rebuild(tmp_path_factory, ops):
    base = tmp_path_factory.mktemp("incr")
    src = base / "src"
    src.mkdir()
    with Index.create(base / "incremental") as index:
        for n, (op, i, word) in enumerate(ops):
            path = src / f"doc{i}.jsonl"
            if op in ("add", "modify"):
                write_records(
                    path, [record(i, word, title=f"T{i} v{n}")] + [record(i + 50, word)] * (n % 2)
                )
            elif op == "delete" and path.exists():
                path.unlink()
            elif op == "touch" and path.exists():
                os.utime(path)
            index.update([src], prune=True, jobs=1)
        incremental = snapshot(index)
    with Index.create(base / "full") as full:
        full.update([src], jobs=1)
        assert snapshot(full) == incremental


def test_ctrl_c_keeps_the_last_commit_and_a_rerun_carries_on(tmp_path, monkeypatch):
    from searchkit.engine import updater

    src = tmp_path / "src"
    src.mkdir()
    for i in range(30):
        write_records(src / f"f{i:02}.jsonl", [record(i)])
    monkeypatch.setattr(updater, "BATCH_DOCUMENTS", 10)
    calls = []

    def interrupt_after_15(done, total):
        calls.append(done)
        if done == 15:
            raise KeyboardInterrupt

    with Index.create(tmp_path / "ix") as index:
        report = index.update([src], jobs=1, progress=interrupt_after_15)
        assert report.interrupted
        # One batch committed, and only that is counted; the other 20 files are left.
        assert (report.added, report.files_left, index.search("*").total) == (10, 20, 10)
        rerun = index.update([src], jobs=1)
        assert (rerun.added, rerun.unchanged, rerun.interrupted) == (20, 10, False)
        assert index.search("*").total == 30
        with Index.create(tmp_path / "clean") as clean:
            clean.update([src], jobs=1)
            assert snapshot(clean) == snapshot(index)


def test_threads_share_an_index_while_it_is_updated(tmp_path):
    import threading

    src = tmp_path / "src"
    src.mkdir()
    write_records(src / "first.jsonl", [record(i) for i in range(20)])
    errors, totals = [], []
    with Index.create(tmp_path / "ix") as index:
        index.update([src], jobs=1)

        def searcher():
            try:
                for _ in range(30):
                    totals.append(index.search("alpha", facets=("country",)).total)
            except Exception as exc:  # pragma: no cover - the assertion below reports it
                errors.append(exc)

        threads = [threading.Thread(target=searcher) for _ in range(4)]
        for t in threads:
            t.start()
        write_records(src / "second.jsonl", [record(i) for i in range(20, 40)])
        index.update([src], jobs=1)
        for t in threads:
            t.join()
        assert errors == []
        assert set(totals) <= {20, 40}  # always a complete committed state
        assert index.search("alpha").total == 40
