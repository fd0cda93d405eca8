"""Find the article files under the paths a user names."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import UsageError
from .formats import SUPPORTED_SUFFIXES


def check_paths(paths: Iterable[str | os.PathLike], missing_ok: bool = False) -> list[Path]:
    """Absolute paths, or a UsageError naming the first that does not exist (unless
    ``missing_ok``: a watcher names files that were deleted, to prune them)."""
    checked = []
    for p in paths:
        path = Path(p).expanduser()
        if not missing_ok and not path.exists() and not path.is_symlink():  # broken: later
            raise UsageError(f"no such file or directory: {p}")
        checked.append(path.absolute())
    return checked


def iter_files(roots: Iterable[Path]) -> Iterator[Path]:
    """Article files under ``roots``, sorted, recursively; hidden files and folders skipped.

    A file named directly is always taken, whatever its suffix; inside folders only the
    supported suffixes are. Folder symlinks are followed once each, so a loop ends.
    """
    seen_dirs: set[str] = set()
    for root in roots:
        if root.is_file() or (root.is_symlink() and not root.exists()):
            yield root
            continue
        stack = [root]
        while stack:
            folder = stack.pop()
            try:
                real = os.path.realpath(folder)
                if real in seen_dirs:
                    continue
                seen_dirs.add(real)
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError:
                continue  # an unreadable folder is reported by nobody: nothing in it is known
            subdirs = []
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    wanted = Path(entry.name).suffix.lower() in SUPPORTED_SUFFIXES
                    if entry.is_dir():
                        subdirs.append(Path(entry.path))
                    elif wanted and entry.is_file():
                        yield Path(entry.path)
                    elif wanted and entry.is_symlink():
                        yield Path(entry.path)  # a broken link: reported, not lost
                except OSError:
                    if wanted and entry.is_symlink():
                        yield Path(entry.path)  # a looping link: reported, not lost
            stack.extend(reversed(subdirs))
