"""Faults while writing: disk full, a read-only index, a second writer. Each gives a one-line
error and leaves the last commit intact."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from whoosh.writing import SegmentWriter

from searchkit import Index
from searchkit.cli import cli
from searchkit.errors import ExitCode, IndexIOError, IndexLockedError
from support import ROOT, write_records


def records(start, n):
    return [
        {
            "title": f"T{i}",
            "text": f"alpha body {i}",
            "language": "en",
            "actors": [],
            "countries": ["FR"],
        }
        for i in range(start, start + n)
    ]


def test_disk_full_during_commit_keeps_the_last_commit(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    write_records(src / "a.jsonl", records(0, 5))
    with Index.create(tmp_path / "ix") as index:
        index.update([src], jobs=1)
        write_records(src / "b.jsonl", records(5, 5))

        def full(self, *args, **kwargs):
            raise OSError(errno.ENOSPC, "No space left on device")

        # The segment's files are written when the commit finalises it.
        monkeypatch.setattr(SegmentWriter, "_finalize_segment", full)
        with pytest.raises(
            IndexIOError,
            match=r"could not commit .* \(No space left on device\); "
            r"it keeps its last commit",
        ):
            index.update([src], jobs=1)
        monkeypatch.undo()
        assert index.search("alpha").total == 5
        assert Index.check(tmp_path / "ix").healthy
        assert index.update([src], jobs=1).added == 5
        assert index.search("alpha").total == 10


def test_unwritable_index_is_a_one_line_io_error(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    write_records(src / "a.jsonl", records(0, 3))
    with Index.create(tmp_path / "ix") as index:
        index.update([src], jobs=1)
    from whoosh.filedb.filestore import FileStorage

    def read_only(self, name, **kwargs):
        raise PermissionError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(FileStorage, "create_file", read_only)
    write_records(src / "b.jsonl", records(3, 3))
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "ix"), "index", str(src)])
    assert result.exit_code == ExitCode.IO
    assert result.stderr.startswith(
        f"Error: cannot write to the index at {tmp_path / 'ix'} (Read-only file system)"
    )
    monkeypatch.undo()
    with Index.open(tmp_path / "ix") as index:
        assert index.search("alpha").total == 3


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_really_read_only_directory(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    write_records(src / "a.jsonl", records(0, 3))
    with Index.create(tmp_path / "ix") as index:
        index.update([src], jobs=1)
    os.chmod(tmp_path / "ix", 0o555)
    try:
        result = CliRunner().invoke(cli, ["--index", str(tmp_path / "ix"), "index", str(src)])
        assert result.exit_code == ExitCode.IO
    finally:
        os.chmod(tmp_path / "ix", 0o755)


def test_a_second_writer_waits_then_names_the_holder_and_a_killed_writer_frees_the_lock(tmp_path):
    with Index.create(tmp_path / "ix"):
        pass
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from searchkit.engine.store import Store; "
            f"s = Store.open(__import__('pathlib').Path({str(tmp_path / 'ix')!r})); "
            "ctx = s.exclusive(0); ctx.__enter__(); print('locked', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with Index.open(tmp_path / "ix") as index:
            started = time.monotonic()
            with pytest.raises(IndexLockedError, match=rf"locked by process {holder.pid} "):
                index.update([tmp_path], lock_timeout=0.5)
            assert time.monotonic() - started >= 0.5
            holder.kill()
            holder.wait()
            # The kernel dropped the killed holder's flock: the next writer goes straight in.
            index.update([ROOT / "seeds"], lock_timeout=0, jobs=1)
            assert index.search("*").total == 5
    finally:
        holder.kill()
