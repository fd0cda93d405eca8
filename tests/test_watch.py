"""searchkit watch: real files in a temporary folder, changed while a watcher runs, and
searches that must see each change. Every wait is bounded: the index is asked again until
the change shows or a generous timeout passes; nothing asserts how long it took."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchkit import Index, watch
from searchkit.cli import cli
from searchkit.engine.store import Store
from searchkit.file_events import events_unreliable, filesystem_type
from searchkit.watch import Watcher
from support import ROOT

TIMEOUT = 60.0  # seconds; a loaded 2-core machine can be slow, a broken watcher never shows


def write(path: Path, title: str, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    return path


def wait_for(condition, what: str, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"not seen within {timeout:g} s: {what}")


class Running:
    """A watcher running in a thread over ``folder``, and an index to search it with."""

    def __init__(self, tmp_path: Path, mode: str, folder: Path | None = None):
        self.folder = folder or tmp_path / "articles"
        self.index_path = tmp_path / "index"
        self.stop = threading.Event()
        self.commits: queue.Queue = queue.Queue()
        self.notices: queue.Queue = queue.Queue()
        self.errors: list[BaseException] = []
        self.writer = Index.open_or_create(self.index_path)
        self.watcher = Watcher(
            self.writer,
            [self.folder],
            self.stop,
            self.commits.put,
            poll=mode == "polling",
            interval=0.2 if mode == "polling" else 0.5,
            jobs=1,
            on_notice=self.notices.put,
        )
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.first = self.commits.get(timeout=TIMEOUT)
        self.index = Index.open(self.index_path)

    def _run(self) -> None:
        try:
            self.watcher.run()
        except BaseException as exc:  # surfaced by close()
            self.errors.append(exc)

    def names(self, query: str) -> set[str]:
        """File names of the documents matching ``query``."""
        results = self.index.search(query, limit=1000, snippets=False)
        return {Path(hit.path).name for hit in results.hits}

    def all_names(self) -> list[str]:
        return sorted(Path(doc.path).name for doc in self.index.documents())

    def shows(self, query: str, names: set[str], what: str) -> None:
        wait_for(lambda: self.names(query) == names, f"{what}: {query!r} -> {sorted(names)}")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(TIMEOUT)
        self.index.close()
        self.writer.close()
        assert not self.thread.is_alive(), "the watcher did not stop"
        assert not self.errors, self.errors


@pytest.fixture(params=["inotify", "polling"])
def mode(request) -> str:
    if request.param == "inotify":
        pytest.importorskip("watchfiles", reason="the watch extra is not installed")
    return request.param


@pytest.fixture
def running(tmp_path, mode):
    write(tmp_path / "articles" / "first.txt", "Opening story", "The aardvark arrived early.")
    watcher = Running(tmp_path, mode)
    assert watcher.watcher.mode == mode
    assert watcher.first.added == 1
    yield watcher
    watcher.close()


def test_added_file_becomes_searchable(running):
    write(running.folder / "news" / "second.txt", "Second story", "A zebrafish was seen.")
    running.shows("zebrafish", {"second.txt"}, "a new file in a new subfolder")
    assert running.names("aardvark") == {"first.txt"}


def test_changed_file_is_indexed_again(running):
    write(running.folder / "first.txt", "Opening story", "The pangolin arrived instead.")
    running.shows("pangolin", {"first.txt"}, "the new text")
    assert running.names("aardvark") == set()
    assert running.all_names() == ["first.txt"]


def test_renamed_file_is_found_under_its_new_name(running):
    os.rename(running.folder / "first.txt", running.folder / "renamed.md")
    running.shows("aardvark", {"renamed.md"}, "the renamed file")
    wait_for(lambda: running.all_names() == ["renamed.md"], "the old name pruned")


def test_deleted_file_is_pruned(running):
    write(running.folder / "second.txt", "Second story", "The aardvark left.")
    running.shows("aardvark", {"first.txt", "second.txt"}, "the second file")
    (running.folder / "first.txt").unlink()
    running.shows("aardvark", {"second.txt"}, "the deleted file gone")
    assert running.all_names() == ["second.txt"]


def test_editor_atomic_save(running):
    """What editors do on save: a backup, a temporary file written and renamed over the
    original, the backup removed. Only the new text is left, under the original name."""
    target = running.folder / "first.txt"
    shutil.copy(target, running.folder / "first.txt~")
    write(running.folder / ".first.txt.swp", "swap", "swap file wombat")
    temp = write(running.folder / "first.txt.tmp-4913", "Opening story", "A wombat arrived.")
    os.replace(temp, target)
    (running.folder / "first.txt~").unlink()
    (running.folder / ".first.txt.swp").unlink()
    running.shows("wombat", {"first.txt"}, "the saved text")
    assert running.names("aardvark") == set()
    assert running.all_names() == ["first.txt"]


def test_burst_of_files_copied_and_moved_in(running, tmp_path):
    staging = tmp_path / "staging"
    for i in range(150):
        write(staging / "copied" / f"c{i:03d}.txt", f"Copied {i}", f"Burst report number {i}.")
        write(staging / "moved" / f"m{i:03d}.txt", f"Moved {i}", f"Burst report number {i}.")
    shutil.copytree(staging / "copied", running.folder / "copied")
    os.rename(staging / "moved", running.folder / "moved")  # one event for the whole folder

    def total() -> int:
        return running.index.search("burst report", limit=0).total

    wait_for(lambda: total() == 300, "all 300 files of the burst")
    assert len(running.all_names()) == 301


def test_files_that_vanish_right_away(running):
    for i in range(40):
        path = write(running.folder / f"brief{i}.txt", "Brief", "An ephemeral note.")
        path.unlink()
    write(running.folder / "kept.txt", "Kept", "A lasting ephemeral note.")
    running.shows("ephemeral", {"kept.txt"}, "the one file that stayed")
    assert running.all_names() == ["first.txt", "kept.txt"]


def test_watched_folder_deleted_then_made_again(running):
    shutil.rmtree(running.folder)
    wait_for(lambda: running.all_names() == [], "the deleted folder's documents pruned")
    write(running.folder / "again.txt", "Again", "The aardvark came back.")
    running.shows("aardvark", {"again.txt"}, "the folder made again")


def test_watched_folder_moved_away_and_back(running, tmp_path):
    os.rename(running.folder, tmp_path / "elsewhere")
    wait_for(lambda: running.all_names() == [], "the moved folder's documents pruned")
    write(tmp_path / "elsewhere" / "second.txt", "Second", "The aardvark stayed.")
    os.rename(tmp_path / "elsewhere", running.folder)
    running.shows("aardvark", {"first.txt", "second.txt"}, "the folder moved back")


def test_waits_for_another_writer_instead_of_failing(running, monkeypatch):
    monkeypatch.setattr(watch, "LOCK_WAIT", 0.3)
    store = Store.open(running.index_path)
    with store.exclusive(0):  # the watcher holds the lock only while committing
        write(running.folder / "second.txt", "Second", "A narwhal surfaced.")
        notice = running.notices.get(timeout=TIMEOUT)
        assert notice == "another process is writing to the index: waiting for it"
        assert running.names("narwhal") == set()
    running.shows("narwhal", {"second.txt"}, "the change committed after the lock was freed")


def test_an_index_run_elsewhere_gets_its_turn_during_a_stream_of_saves(running, tmp_path):
    other = tmp_path / "other"
    for i in range(5):
        write(other / f"o{i}.txt", f"Other {i}", "An okapi grazed.")
    saving = threading.Event()

    def keep_saving() -> None:
        for i in range(200):
            if saving.is_set():
                return
            write(running.folder / "busy.txt", "Busy", f"Revision {i} of the draft.")
            time.sleep(0.05)

    saver = threading.Thread(target=keep_saving, daemon=True)
    saver.start()
    try:
        with Index.open(running.index_path) as elsewhere:
            report = elsewhere.update([other], lock_timeout=TIMEOUT, jobs=1)
    finally:
        saving.set()
        saver.join(TIMEOUT)
    assert report.added == 5
    running.shows("okapi", {f"o{i}.txt" for i in range(5)}, "the other run's documents")


def test_index_folder_inside_the_watched_folder_is_not_watched(tmp_path, mode):
    folder = tmp_path / "articles"
    write(folder / "first.txt", "Opening", "The aardvark arrived.")
    running = Running(folder, mode, folder=folder)  # the index is articles/index
    try:
        write(folder / "second.txt", "Second", "The aardvark stayed.")
        running.shows("aardvark", {"first.txt", "second.txt"}, "the second file")
        second = running.commits.get(timeout=TIMEOUT)
        assert (second.added, second.updated, second.removed, second.skipped) == (1, 0, 0, ())
    finally:
        running.close()


def test_polling_when_watchfiles_is_missing(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "watchfiles", None)  # import fails
    write(tmp_path / "articles" / "first.txt", "Opening", "The aardvark arrived.")
    running = Running(tmp_path, "inotify")
    try:
        assert running.watcher.mode == "polling"
        assert "watchfiles is not installed" in running.notices.get(timeout=1)
        write(running.folder / "second.txt", "Second", "The aardvark stayed.")
        running.shows("aardvark", {"first.txt", "second.txt"}, "a change found by polling")
    finally:
        running.close()


MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
server:/export /mnt/news nfs4 rw,relatime 0 0
//nas/share /mnt/my\\040share cifs rw 0 0
"""


def test_network_file_systems_are_polled():
    assert filesystem_type(Path("/mnt/news/2024/a.txt"), MOUNTS) == "nfs4"
    assert filesystem_type(Path("/mnt/newsroom"), MOUNTS) == "ext4"
    assert filesystem_type(Path("/mnt/my share/x"), MOUNTS) == "cifs"
    assert events_unreliable(Path("/mnt/news"), MOUNTS)
    assert not events_unreliable(Path("/home/me/articles"), MOUNTS)


# -- the command ------------------------------------------------------------------------------

LINE = r"\d\d:\d\d:\d\d  {added} added, {updated} updated, {removed} removed \(\d+\.\d s\)"


def test_watch_command_prints_a_line_per_commit_and_exits_130_on_ctrl_c(tmp_path, mode):
    folder = tmp_path / "articles"
    write(folder / "first.txt", "Opening", "The aardvark arrived.")
    command = [sys.executable, "-m", "searchkit", "watch", str(folder)]
    command += ["--index", str(tmp_path / "index")] + (["--poll"] if mode == "polling" else [])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    try:
        assert re.fullmatch(
            LINE.format(added=1, updated=0, removed=0), lines.get(timeout=TIMEOUT).rstrip("\n")
        )
        write(folder / "second.txt", "Second", "The aardvark stayed.")
        assert re.fullmatch(
            LINE.format(added=1, updated=0, removed=0), lines.get(timeout=TIMEOUT).rstrip("\n")
        )
        (folder / "first.txt").unlink()
        assert re.fullmatch(
            LINE.format(added=0, updated=0, removed=1), lines.get(timeout=TIMEOUT).rstrip("\n")
        )
        proc.send_signal(signal.SIGINT)
        assert proc.wait(TIMEOUT) == 130
    finally:
        proc.kill()
        proc.wait()
    assert proc.stderr.read() == ""
    with Index.open(tmp_path / "index") as index:
        assert [Path(d.path).name for d in index.documents()] == ["second.txt"]


def test_watch_command_refuses_a_missing_folder(tmp_path):
    result = CliRunner().invoke(
        cli, ["watch", str(tmp_path / "nope"), "--index", str(tmp_path / "ix")]
    )
    assert result.exit_code == 2
    assert result.stderr == f"Error: no such file or directory: {tmp_path / 'nope'}\n"
    assert not (tmp_path / "ix").exists()
