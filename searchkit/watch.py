"""Keep an index current as files change: the library behind ``searchkit watch`` (and the
hook for ``searchkit serve --watch``).

    stop = threading.Event()
    threading.Thread(target=watch_paths, args=("index", ["articles/"], stop)).start()
    ...
    stop.set()  # returns after the commit in progress

The watcher indexes the folders once (pruning files deleted meanwhile), then turns file
events, grouped into bursts (see ``file_events``), into ``Index.update`` calls on the
changed paths, with ``prune`` for the ones that are gone. It takes the index's writer lock
only for those calls, and leaves a gap between two, so a ``searchkit index`` run elsewhere
waits its turn instead of failing. A watched folder that is moved or deleted has its
documents removed and is indexed again when it comes back.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from .api import Index, check_sources
from .errors import IndexLockedError
from .extract.files import iter_files
from .extract.formats import SUPPORTED_SUFFIXES
from .file_events import (
    ADDED,
    DELETED,
    Change,
    EventSource,
    InotifySource,
    PollingSource,
    events_unreliable,
    filesystem_type,
)
from .model import UpdateReport

log = logging.getLogger("searchkit.watch")

#: Seconds between stat scans when polling, and between checks that the folders still exist.
DEFAULT_INTERVAL = 2.0
#: One wait for the writer lock, in seconds; the watcher retries until it gets it or stops.
LOCK_WAIT = 5.0
#: Seconds between two commits, so a writer polling for the lock (every 0.1 s) gets it.
COMMIT_GAP = 0.3
#: Paths per commit: bounds how long the lock is held while a large copy is indexed.
MAX_PATHS_PER_COMMIT = 2_000
#: A burst of this many changes may be a long copy: its rest is awaited, up to the longer
#: time in seconds, so that it is committed in a few large commits rather than many small.
LARGE_BURST = 100
LARGE_BURST_WAIT = 10.0

CommitCallback = Callable[[UpdateReport], None]


class Watcher:
    """Indexes ``paths`` into ``index``, then keeps it current until ``stop_event`` is set.

    ``on_commit(report)`` is called after the first indexing and after every commit that
    changed something; ``on_notice(message)`` (default: the ``searchkit.watch`` logger)
    hears about fallbacks to polling, lock waits and folders that vanish or come back.
    """

    def __init__(
        self,
        index: Index,
        paths: Iterable[str | os.PathLike],
        stop_event: threading.Event,
        on_commit: CommitCallback | None = None,
        *,
        poll: bool = False,
        interval: float = DEFAULT_INTERVAL,
        jobs: int = 0,
        on_notice: Callable[[str], None] | None = None,
    ):
        self.index = index
        self.roots = _outermost_roots(check_sources(paths))
        self.stop = stop_event
        self.on_commit = on_commit
        self.on_notice = on_notice or log.info
        self.poll = poll
        self.interval = interval
        self.jobs = jobs
        self.source: EventSource | None = None
        self._index_dir = str(index.path.absolute())
        self._identities = {root: _identity(root) for root in self.roots}
        self._last_commit = 0.0
        self._fallback_said = ""

    @property
    def mode(self) -> str:
        """How changes are found: "inotify", "polling", or "" while no folder exists."""
        return self.source.kind if self.source else ""

    def run(self) -> None:
        """Index the folders, then commit changes as they come, until stopped."""
        # Watching starts before the first indexing, so nothing saved during it is missed.
        self._start_source()
        try:
            self._commit([str(r) for r in self.roots], initial=True)
            while not self.stop.is_set():
                changes = self._wait()
                if len(changes) >= LARGE_BURST:
                    changes |= self._rest_of_burst()
                paths = self._relevant(changes) | self._roots_changed()
                if paths and not self.stop.is_set():
                    self._commit_all(paths)
        finally:
            if self.source is not None:
                self.source.close()

    # -- finding changes --------------------------------------------------------------------

    def _start_source(self) -> None:
        if self.source is not None:
            self.source.close()
            self.source = None
        present = [r for r in self.roots if r.exists()]
        if not present:
            return
        reason = "--poll" if self.poll else ""
        network = [r for r in present if events_unreliable(r)]
        if network and not reason:
            reason = f"{network[0]} is on a network file system ({filesystem_type(network[0])})"
        if not reason:
            try:
                self.source = InotifySource(present, self.stop, self.interval)
                return
            except ImportError:
                reason = "watchfiles is not installed (pip install 'searchkit[watch]')"
            except (OSError, RuntimeError) as exc:
                reason = f"file events are unavailable ({exc})"
        if reason != self._fallback_said and reason != "--poll":
            self.on_notice(f"{reason}: checking for changes every {self.interval:g} s")
        self._fallback_said = reason
        self.source = PollingSource(present, self.stop, self.interval)

    def _wait(self) -> set[Change]:
        if self.source is None:  # every folder is gone: look for them again later
            self.stop.wait(self.interval)
            return set()
        return self.source.changes()

    def _rest_of_burst(self) -> set[Change]:
        found: set[Change] = set()
        deadline = time.monotonic() + LARGE_BURST_WAIT
        while self.source is not None and time.monotonic() < deadline:
            more = self.source.changes(timeout=0.3)
            if not more or self.stop.is_set():
                break
            found |= more
        return found

    def _roots_changed(self) -> set[str]:
        """Folders that vanished, came back or were replaced since the last look: each is
        updated whole (pruned when gone), and the event source starts afresh."""
        changed = set()
        for root in self.roots:
            identity = _identity(root)
            if identity == self._identities[root]:
                continue
            if identity is None:
                self.on_notice(f"{root} is gone: its documents are removed until it is back")
            elif self._identities[root] is None:
                self.on_notice(f"{root} is back: indexing it")
            self._identities[root] = identity
            changed.add(str(root))
        if changed:
            self._start_source()
        return changed

    def _relevant(self, changes: set[Change]) -> set[str]:
        """The changed paths worth an update: article files, new folders, and anything
        deleted (it may have been a folder of articles); hidden files and the index's own
        files are ignored."""
        paths = set()
        for kind, path in changes:
            if not self._watched(path):
                continue
            if kind == DELETED:
                paths.add(path)
            elif os.path.isdir(path):
                if kind == ADDED:  # made, or moved in: its files may have raised no event
                    paths.add(path)
            elif Path(path).suffix.lower() in SUPPORTED_SUFFIXES or Path(path) in self.roots:
                paths.add(path)
        return paths

    def _watched(self, path: str) -> bool:
        if path == self._index_dir or path.startswith(self._index_dir + os.sep):
            return False
        for root in map(str, self.roots):
            if path == root:
                return True
            if path.startswith(root.rstrip(os.sep) + os.sep):
                inside = path[len(root.rstrip(os.sep)) + 1 :]
                return not any(part.startswith(".") for part in inside.split(os.sep))
        return False

    # -- committing -------------------------------------------------------------------------

    def _commit_all(self, paths: set[str]) -> None:
        """Commit ``paths`` in chunks, new folders expanded into their files, so that no
        commit holds the lock for long."""
        wanted: set[str] = set()
        for path in _outermost(paths):
            if os.path.isdir(path) and path not in map(str, self.roots):
                wanted.update(source.path for source in iter_files([Path(path)]))
            else:
                wanted.add(path)
        ordered = sorted(wanted)
        for start in range(0, len(ordered), MAX_PATHS_PER_COMMIT):
            if self.stop.is_set():
                return  # the rest is found by the first indexing of the next run
            self._commit(ordered[start : start + MAX_PATHS_PER_COMMIT])

    def _commit(self, paths: list[str], initial: bool = False) -> None:
        gap = COMMIT_GAP - (time.monotonic() - self._last_commit)
        if gap > 0 and self.stop.wait(gap):
            return
        # Pruning looks at every file the index knows: only for gone paths and folders.
        prune = initial or not all(os.path.isfile(p) for p in paths)
        said = False
        while True:
            try:
                report = self.index.update(
                    paths,
                    prune=prune,
                    missing_ok=True,
                    jobs=self.jobs,
                    lock_timeout=LOCK_WAIT,
                    progress=self._stop_between_files if initial else None,
                )
                break
            except IndexLockedError:
                if not said:
                    self.on_notice("another process is writing to the index: waiting for it")
                    said = True
                if self.stop.is_set():
                    return
        self._last_commit = time.monotonic()
        if report.interrupted:
            self.stop.set()
        if self.on_commit is not None and (initial or _changed(report)):
            self.on_commit(report)

    def _stop_between_files(self, done: int, total: int) -> None:
        # The first indexing of a large folder can take minutes: a stop request ends it
        # like Ctrl-C ends `searchkit index`, keeping what is committed.
        if self.stop.is_set():
            raise KeyboardInterrupt


def watch_paths(
    index_path: str | os.PathLike | None,
    paths: Iterable[str | os.PathLike],
    stop_event: threading.Event,
    on_commit: CommitCallback | None = None,
    config: str | os.PathLike | None = None,
    *,
    poll: bool = False,
    interval: float = DEFAULT_INTERVAL,
    jobs: int = 0,
    on_notice: Callable[[str], None] | None = None,
) -> None:
    """Index ``paths`` into the index at ``index_path`` (created if missing), then keep it
    current until ``stop_event`` is set; see ``Watcher``. Safe to run in a thread."""
    paths = list(paths)
    check_sources(paths)  # a typo must not leave an empty index behind
    with Index.open_or_create(index_path, config=config) as index:
        watcher = Watcher(
            index,
            paths,
            stop_event,
            on_commit,
            poll=poll,
            interval=interval,
            jobs=jobs,
            on_notice=on_notice,
        )
        watcher.run()


def _changed(report: UpdateReport) -> bool:
    return bool(
        report.added or report.updated or report.removed or report.rederived or report.skipped
    )


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _inside(path: str, folders: set[str]) -> bool:
    """Whether a parent of ``path`` is one of ``folders``."""
    while True:
        parent = os.path.dirname(path)
        if parent == path:
            return False
        if parent in folders:
            return True
        path = parent


def _outermost(paths: set[str]) -> list[str]:
    """``paths`` without those inside another of them (a folder covers its files)."""
    return [p for p in paths if not _inside(p, paths)]


def _outermost_roots(roots: list[Path]) -> list[Path]:
    names = {str(r) for r in roots}
    return [r for r in dict.fromkeys(roots) if not _inside(str(r), names)]
