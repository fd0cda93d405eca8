"""Find the article files under the paths a user names."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from .formats import SUPPORTED_SUFFIXES, article_suffix


def check_paths(paths: Iterable[str | os.PathLike], missing_ok: bool = False) -> list[Path]:
    """Absolute paths, or a UsageError naming the first that does not exist (unless
    ``missing_ok``: a watcher names files that were deleted, to prune them)."""
    checked = []
    for p in paths:
        path = Path(p).expanduser()
        if not missing_ok and not path.exists() and not path.is_symlink():  # broken: later
            raise UsageError(f"no such file or directory: {p}")
        checked.append(Path(os.path.abspath(path)))
    return checked


@dataclass(frozen=True)
class SourceFile:
    """A file to read: its resolved ``path`` (one file reached through two links is one
    file), the ``root`` folder it was found under and its ``relative`` path there.

    Document ids hash ``id_key()``, the root's name and the relative path, so an id stays
    the same when the whole collection or checkout moves."""

    path: str
    root: str
    relative: str

    def id_key(self, depth: int = 1) -> str:
        """The root's last ``depth`` folder names and the relative path, "seeds/a.txt".
        A deeper key tells apart two roots of the same name."""
        parts = Path(self.root).parts[1:]  # without the anchor, "/"
        return "/".join((*parts[max(0, len(parts) - depth) :], self.relative))


def _resolved(path: Path) -> str:
    try:
        return os.path.realpath(path)
    except OSError:  # a looping link: reported by the reader, under its own name
        return str(path)


def iter_files(roots: Iterable[Path]) -> Iterator[SourceFile]:
    """Article files under ``roots``, sorted, recursively; hidden files and folders skipped.

    A file named directly is always taken, whatever its suffix (its root is its folder);
    inside folders only the supported suffixes are. Folder symlinks are followed once each,
    so a loop ends, and a file reached twice (a link, or two overlapping roots) comes once.
    """
    seen_dirs: set[str] = set()
    seen_files: set[str] = set()

    def once(path, real_root: str, relative: str, resolved: str = "") -> Iterator[SourceFile]:
        resolved = resolved or _resolved(path)
        if resolved not in seen_files:
            seen_files.add(resolved)
            yield SourceFile(resolved, real_root, relative)

    for root in roots:
        if root.is_file() or (root.is_symlink() and not root.exists()):
            yield from once(root, _resolved(root.parent), root.name)
            continue
        real_root = _resolved(root)
        # Strings, not Paths: a Path and relative_to() per file were most of a no-op update
        # over a million files.
        stack = [(str(root), "")]
        while stack:
            folder, folder_relative = stack.pop()
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
                name = entry.name
                if name.startswith("."):
                    continue
                relative = f"{folder_relative}/{name}" if folder_relative else name
                try:
                    wanted = article_suffix(name) in SUPPORTED_SUFFIXES
                    if entry.is_dir():
                        subdirs.append((entry.path, relative))
                    elif wanted and entry.is_file():
                        # A file that is no link is where its resolved folder says: no
                        # realpath(), which costs an lstat() per folder of the path.
                        direct = "" if entry.is_symlink() else os.path.join(real, name)
                        yield from once(entry.path, real_root, relative, direct)
                    elif wanted and entry.is_symlink():
                        yield from once(entry.path, real_root, relative)  # a broken link
                except OSError:
                    if wanted and entry.is_symlink():
                        yield from once(entry.path, real_root, relative)  # a looping link
            stack.extend(reversed(subdirs))
