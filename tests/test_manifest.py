"""The file manifest table: rows written per change, a crash before its write, migration from
manifest.json, and commits that fsync only the files they created."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from searchkit import Index
from searchkit.engine import updater as updater_module
from searchkit.engine.manifest import (
    LEGACY_MANIFEST_FILE,
    MANIFEST_FILE,
    FileEntry,
    Manifest,
    load_manifest,
    manifest_from_index,
    save_manifest,
)
from searchkit.engine.store import Store
from support import write_records


def records(start: int, n: int, word: str = "alpha") -> list[dict]:
    return [
        {"title": f"T{i}", "text": f"{word} body {i}", "language": "en", "countries": ["FR"]}
        for i in range(start, start + n)
    ]


@pytest.fixture
def collection(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    write_records(src / "a.jsonl", records(0, 3))
    write_records(src / "b.jsonl", records(3, 2))
    (src / "c.txt").write_text("Gamma\n\nA short article about gamma rays.\n", encoding="utf-8")
    return src


def doc_ids(manifest: Manifest) -> dict[str, list[str]]:
    return {path: sorted(entry.doc_ids) for path, entry in manifest.items()}


def in_step(index_dir) -> bool:
    """Whether the manifest on disk describes the newest commit, file for file (the
    modification time of a touched file is the manifest's alone: no document changes)."""
    store = Store.open(index_dir)
    manifest = load_manifest(index_dir)
    with store.ix.searcher() as searcher:
        actual = manifest_from_index(searcher, store.generation)
    same = [(p, e.size, e.content_hash) for p, e in sorted(manifest.items())] == [
        (p, e.size, e.content_hash) for p, e in sorted(actual.items())
    ]
    store.ix.close()
    return manifest.generation == store.generation and same and doc_ids(manifest) == doc_ids(actual)


def test_saving_writes_the_changed_rows_and_reads_back_the_same(tmp_path):
    manifest = Manifest(3, {"/a": FileEntry(1, 2, "h1", ["id1", "id2"], "c")})
    save_manifest(tmp_path, manifest)
    loaded = load_manifest(tmp_path)
    assert loaded.generation == 3 and loaded == manifest
    loaded["/b"] = FileEntry(5, 6, "h2", ["id3"], "c")
    loaded["/a"].mtime_ns = 7
    loaded.touch("/a")
    loaded.generation = 4
    assert loaded._changed == {"/a", "/b"}
    save_manifest(tmp_path, loaded)
    again = load_manifest(tmp_path)
    assert again.generation == 4 and again == loaded
    assert again["/a"].mtime_ns == 7 and again["/a"].document_count() == 2
    again.pop("/a")
    save_manifest(tmp_path, again)
    assert list(load_manifest(tmp_path)) == ["/b"]


def test_an_unreadable_table_is_an_empty_manifest_and_the_next_save_replaces_it(tmp_path):
    (tmp_path / MANIFEST_FILE).write_bytes(b"not a database" * 100)
    assert load_manifest(tmp_path).generation == -1
    save_manifest(tmp_path, Manifest(2, {"/a": FileEntry(1, 2, "h", ["x"])}))
    assert load_manifest(tmp_path).generation == 2


def test_a_crash_between_the_commit_and_the_manifest_write_is_rebuilt_from_the_index(
    tmp_path, collection, monkeypatch
):
    with Index.create(tmp_path / "ix") as index:
        index.update([collection], jobs=1)
    write_records(collection / "d.jsonl", records(10, 4, "delta"))

    def crash(*args):
        raise SystemExit("killed after the commit")

    monkeypatch.setattr(updater_module, "save_manifest", crash)
    with Index.open(tmp_path / "ix") as index, pytest.raises(SystemExit):
        index.update([collection], jobs=1)
    monkeypatch.undo()
    assert load_manifest(tmp_path / "ix").generation != Store.open(tmp_path / "ix").generation
    with Index.open(tmp_path / "ix") as index:
        report = index.update([collection], jobs=1)
        assert (report.added, report.updated, report.unchanged) == (0, 0, 10)
        assert index.search("delta").total == 4
        assert index.search("body").total == 9
    assert in_step(tmp_path / "ix")


def test_an_index_with_manifest_json_is_read_then_migrated_by_its_first_write(tmp_path, collection):
    with Index.create(tmp_path / "ix") as index:
        index.update([collection], jobs=1)
    ix = tmp_path / "ix"
    manifest = load_manifest(ix)
    legacy = {
        "generation": manifest.generation,
        "files": {p: e.to_json() for p, e in manifest.items()},
    }
    (ix / LEGACY_MANIFEST_FILE).write_text(json.dumps(legacy), encoding="utf-8")
    (ix / MANIFEST_FILE).unlink()
    assert load_manifest(ix) == manifest and load_manifest(ix).generation == manifest.generation
    with Index.open(ix) as index:
        assert index.update([collection], jobs=1).unchanged == 6  # read, nothing written
        assert not (ix / MANIFEST_FILE).exists()
        write_records(collection / "d.jsonl", records(10, 4, "delta"))
        report = index.update([collection], jobs=1)
    assert (report.added, report.unchanged) == (4, 6)
    assert (ix / MANIFEST_FILE).exists() and not (ix / LEGACY_MANIFEST_FILE).exists()
    assert in_step(ix)


def test_incremental_updates_keep_the_manifest_equal_to_a_full_build(tmp_path, collection):
    with Index.create(tmp_path / "ix") as index:
        index.update([collection], jobs=1)
        write_records(collection / "a.jsonl", records(0, 2) + records(20, 2, "epsilon"))
        (collection / "b.jsonl").unlink()
        write_records(collection / "d.jsonl", records(30, 3, "delta"))
        os.utime(collection / "c.txt", ns=(1, 1))  # touched, same content
        index.update([collection], jobs=1, prune=True)
        assert in_step(tmp_path / "ix")
        write_records(collection / "e.jsonl", records(40, 2, "zeta"))
        index.update([collection], jobs=1, prune=True)
        incremental = doc_ids(load_manifest(tmp_path / "ix"))
        hits = sorted(h.id for h in index.search("body", limit=100).hits)
    assert in_step(tmp_path / "ix")
    assert load_manifest(tmp_path / "ix")[str(collection / "c.txt")].mtime_ns == 1
    with Index.create(tmp_path / "full") as full:
        full.update([collection], jobs=1)
        assert sorted(h.id for h in full.search("body", limit=100).hits) == hits
    assert doc_ids(load_manifest(tmp_path / "full")) == incremental


def test_a_commit_fsyncs_only_the_files_it_created(tmp_path, collection, monkeypatch):
    with Index.create(tmp_path / "ix") as index:
        index.update([collection], jobs=1)
    ix = tmp_path / "ix"
    before = set(os.listdir(ix))
    synced: list[str] = []
    real_fsync = os.fsync

    def recording_fsync(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    write_records(collection / "d.jsonl", records(10, 4, "delta"))
    with Index.open(ix) as index:
        assert index.update([collection], jobs=1).added == 4
        generation = Store.open(ix).generation
    monkeypatch.undo()
    files = {os.path.basename(p) for p in synced if p != str(ix)}
    assert str(ix) in synced  # the directory: new names and deletions
    assert files and not files & before  # nothing that was already there
    assert f"_MAIN_{generation}.toc" in files
    new_segment_files = {n for n in set(os.listdir(ix)) - before if n.startswith("MAIN_")}
    assert new_segment_files and new_segment_files <= files


def test_a_no_op_update_writes_nothing(tmp_path, collection):
    with Index.create(tmp_path / "ix") as index:
        index.update([collection], jobs=1)
    ix = tmp_path / "ix"

    def stamps():  # the lock file says who writes: it changes with every run
        return {n: (ix / n).stat().st_mtime_ns for n in os.listdir(ix) if n != "searchkit.lock"}

    before = stamps()
    with Index.open(ix) as index:
        assert index.update([collection], jobs=1).unchanged == 6
    assert stamps() == before


def test_a_rebuild_swaps_in_the_side_index_manifest(tmp_path, collection):
    with Index.create(tmp_path / "ix") as index:
        index.update([collection], jobs=1)
        shutil.rmtree(collection)
        collection.mkdir()
        write_records(collection / "d.jsonl", records(10, 4, "delta"))
        report = index.update([collection], jobs=1, rebuild=True)
    assert (report.added, report.removed) == (4, 6)
    assert in_step(tmp_path / "ix")


def test_a_process_reuses_the_manifest_it_saved_unless_the_table_moved_on(tmp_path, monkeypatch):
    """`watch` commits every few seconds: reading every row back each time took seconds at
    1,000,000 files. The manifest it saved is taken again, unless another process wrote."""
    from test_index import record

    from searchkit import Index
    from searchkit.engine import manifest as manifest_module
    from support import write_records

    src = tmp_path / "src"
    src.mkdir()
    write_records(src / "a.jsonl", [record(1)])
    loads = []
    real_load = manifest_module._load_table
    monkeypatch.setattr(manifest_module, "_load_table", lambda *a: loads.append(a) or real_load(*a))
    with Index.create(tmp_path / "ix") as index:
        index.update([src], jobs=1)
        write_records(src / "b.jsonl", [record(2)])
        assert index.update([src], jobs=1).added == 1
        assert loads == []  # both runs used the manifest in memory
        manifest_module._last_saved.clear()  # as if another process had written the table
        assert (index.update([src], jobs=1).unchanged, len(loads)) == (2, 1)
