"""Where ``searchkit watch`` learns that files changed: inotify events through watchfiles,
or stat scans where events are unavailable (no watchfiles, network file systems, ``--poll``).

A source answers ``changes()`` with the paths that changed since the last call, each as
``(kind, path)`` with kind ``"added"``, ``"modified"`` or ``"deleted"``, waiting at most its
own timeout (or the one given) for them. Deciding which of them matter is the watcher's job.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from .extract.files import iter_files

ADDED, MODIFIED, DELETED = "added", "modified", "deleted"
Change = tuple[str, str]

#: File systems whose changes made on another machine raise no inotify event.
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "9p",
        "afs",
        "ceph",
        "glusterfs",
        "lustre",
        "fuse.sshfs",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.gcsfuse",
        "davfs",
        "fuse.davfs2",
    }
)

#: A burst of events ends after this long without a new one, or after the longer time in any
#: case, so that a long copy is committed as it goes.
QUIET_MS = 100
BURST_MAX_MS = 1000


class EventSource(Protocol):
    kind: str

    def changes(self, timeout: float | None = None) -> set[Change]: ...

    def close(self) -> None: ...


class InotifySource:
    """Kernel events through watchfiles (Rust ``notify``): recursive, and it groups a burst
    in native code, so a copy of 10,000 files costs little Python time."""

    kind = "inotify"

    def __init__(self, roots: list[Path], stop: threading.Event, timeout: float):
        import watchfiles

        kinds = {watchfiles.Change.added: ADDED, watchfiles.Change.modified: MODIFIED}
        self._kinds = {**kinds, watchfiles.Change.deleted: DELETED}
        self._timeout = timeout
        self._ended = False  # the stop event was set
        self._events = watchfiles.watch(
            *roots,
            watch_filter=None,
            debounce=BURST_MAX_MS,
            step=QUIET_MS,
            stop_event=stop,
            rust_timeout=200,
            yield_on_timeout=True,
            ignore_permission_denied=True,
        )
        # Start watching now, so a failure (a missing folder, the inotify watch limit) is
        # known here, and nothing saved from this moment on is missed.
        self._pending = self._next()

    def _next(self) -> set[Change]:
        raw = next(self._events, None)
        if raw is None:
            self._ended = True
        return {(self._kinds[kind], path) for kind, path in raw or ()}

    def changes(self, timeout: float | None = None) -> set[Change]:
        found, self._pending = self._pending, set()
        deadline = time.monotonic() + (self._timeout if timeout is None else timeout)
        # Each step returns after 0.2 s without events, or with a finished burst.
        while not found and not self._ended and time.monotonic() < deadline:
            found = self._next()
        return found

    def close(self) -> None:
        self._events.close()


class PollingSource:
    """Stat scans every ``interval`` seconds: size, modification time and inode of every
    article file, compared with the previous scan."""

    kind = "polling"

    def __init__(self, roots: list[Path], stop: threading.Event, interval: float):
        self._roots = roots
        self._stop = stop
        self._interval = interval
        self._files = scan(roots)

    def changes(self, timeout: float | None = None) -> set[Change]:
        # A scan costs a stat() per file: never more often than every interval.
        if self._stop.wait(max(timeout or 0.0, self._interval)):
            return set()
        files = scan(self._roots)
        old = self._files
        self._files = files
        found = {(DELETED, path) for path in old.keys() - files.keys()}
        for path, identity in files.items():
            before = old.get(path)
            if before is None:
                found.add((ADDED, path))
            elif before != identity:
                found.add((MODIFIED, path))
        return found

    def close(self) -> None:
        pass


def scan(roots: Iterable[Path]) -> dict[str, tuple[int, int, int]]:
    """path -> (mtime_ns, size, inode) of every article file under ``roots``."""
    files = {}
    for source in iter_files([r for r in roots if r.exists()]):
        try:
            st = os.stat(source.path)
        except OSError:
            continue  # vanished since the folder was listed
        files[source.path] = (st.st_mtime_ns, st.st_size, st.st_ino)
    return files


def filesystem_type(path: Path, mounts: str | None = None) -> str:
    """The type of the file system holding ``path`` ("ext4", "nfs4", ...), from the mount
    table (``/proc/self/mounts``, or ``mounts``); "" when unknown."""
    if mounts is None:
        try:
            mounts = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
    real = os.path.realpath(path)
    best, best_type = "", ""
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        # Spaces and tabs in mount points are written as octal escapes.
        point = fields[1].encode().decode("unicode_escape")
        inside = real == point or real.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, best_type = point, fields[2]
    return best_type


def events_unreliable(path: Path, mounts: str | None = None) -> bool:
    """Whether inotify may miss changes under ``path``: on a network file system it sees
    only the changes made by this machine."""
    return filesystem_type(path, mounts) in NETWORK_FILESYSTEMS
