"""The file manifest: which source files are in the index, as of which commit.

It lets `update` tell unchanged files from changed ones with one stat() each. It is written
after each commit and tagged with the index generation it describes; when the tag does not
match (a crash between the commit and the manifest write), it is rebuilt from the stored
fields, which are always in step with the index.

It is a SQLite table (``manifest.sqlite``, one row per source file, rollback journal) with
the generation in the same transaction as the rows, so a commit writes only the rows of the
files it changed: 0.6 ms for one file in a 100,000-file manifest, where rewriting the JSON
file it replaces took 215 ms (an append-only log appends as fast but replays the whole log
to load: 380 ms against SQLite's 140 ms). An index with the older ``manifest.json`` is read
from it, and migrated to the table by its first write.
"""

from __future__ import annotations

import errno
import json
import sqlite3
from pathlib import Path

MANIFEST_FILE = "manifest.sqlite"
#: The whole-file manifest of indexes written before the table; read, then replaced.
LEGACY_MANIFEST_FILE = "manifest.json"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER,"
    " content_hash TEXT, doc_ids TEXT, config TEXT) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value)",
)


class FileEntry:
    """One indexed source file: its stat identity, content hash and document ids.

    Document ids (12 hex digits each) are kept as the stored space-separated text until
    first asked for: an update that leaves a file alone only compares its stat identity.
    """

    __slots__ = ("_doc_ids", "_ids_text", "config", "content_hash", "mtime_ns", "size")

    def __init__(
        self, mtime_ns: int, size: int, content_hash: str, doc_ids: list[str], config: str = ""
    ):
        self.mtime_ns = mtime_ns
        self.size = size
        self.content_hash = content_hash
        self.config = config  # fingerprint of the ExtractConfig its facets were derived with
        self._doc_ids: list[str] | None = doc_ids
        self._ids_text = ""

    @property
    def doc_ids(self) -> list[str]:
        if self._doc_ids is None:
            self._doc_ids = self._ids_text.split()
        return self._doc_ids

    @doc_ids.setter
    def doc_ids(self, ids: list[str]) -> None:
        self._doc_ids = ids

    def document_count(self) -> int:
        if self._doc_ids is None:
            return self._ids_text.count(" ") + 1 if self._ids_text else 0
        return len(self._doc_ids)

    def to_json(self) -> list:
        return [self.mtime_ns, self.size, self.content_hash, self.doc_ids, self.config]

    @classmethod
    def from_json(cls, data: list) -> FileEntry:
        return cls(*data)

    @classmethod
    def _from_row(cls, mtime_ns: int, size: int, content_hash: str, ids: str, config: str):
        entry = cls.__new__(cls)  # no __init__: this runs once per row of the table
        entry.mtime_ns, entry.size, entry.content_hash = mtime_ns, size, content_hash
        entry.config, entry._doc_ids, entry._ids_text = config, None, ids
        return entry

    def _row(self, path: str) -> tuple:
        ids = " ".join(self._doc_ids) if self._doc_ids is not None else self._ids_text
        return (path, self.mtime_ns, self.size, self.content_hash, ids, self.config)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FileEntry):
            return NotImplemented
        return self.to_json() == other.to_json()

    def __repr__(self) -> str:
        return f"FileEntry{tuple(self.to_json())!r}"


class Manifest(dict[str, FileEntry]):
    """path -> FileEntry, with the index generation it describes.

    It remembers which paths changed since it was read, so that saving it back where it was
    read from writes those rows only; an entry changed in place is announced with ``touch``.
    """

    def __init__(self, generation: int = -1, entries: dict[str, FileEntry] | None = None):
        super().__init__(entries or {})
        self.generation = generation
        self._changed: set[str] = set()
        self._origin: Path | None = None  # the index it was read from, when from the table

    def document_count(self) -> int:
        return sum(e.document_count() for e in self.values())

    def touch(self, path: str) -> None:
        """Record that the entry of ``path`` was changed in place."""
        self._changed.add(path)

    def __setitem__(self, path: str, entry: FileEntry) -> None:
        self._changed.add(path)
        super().__setitem__(path, entry)

    def __delitem__(self, path: str) -> None:
        self._changed.add(path)
        super().__delitem__(path)

    def pop(self, path: str, *default):
        self._changed.add(path)
        return super().pop(path, *default)

    def setdefault(self, path: str, entry: FileEntry) -> FileEntry:
        self._changed.add(path)
        return super().setdefault(path, entry)

    def update(self, *args, **kwargs) -> None:
        changes = dict(*args, **kwargs)
        self._changed.update(changes)
        super().update(changes)

    def clear(self) -> None:
        self._origin = None  # everything goes: the next save rewrites the table
        super().clear()

    def popitem(self):
        path, entry = super().popitem()
        self._changed.add(path)
        return path, entry


#: The manifest this process last saved in each index folder. A long-lived writer (`watch`)
#: commits every few seconds: reading a million rows back each time took seconds.
_last_saved: dict[Path, Manifest] = {}


def load_manifest(index_dir: Path) -> Manifest:
    """The manifest on disk, or an empty one with generation -1 if absent or unreadable."""
    db = index_dir / MANIFEST_FILE
    # Taken as it was saved: not if it was changed since (an interrupted update's edits), nor
    # if another process has written the table since.
    saved = _last_saved.pop(index_dir, None)
    if saved is not None and not saved._changed and saved.generation == _stored_generation(db):
        return saved
    if db.exists():
        try:
            return _load_table(index_dir, db)
        except sqlite3.Error:
            return Manifest()
    try:
        data = json.loads((index_dir / LEGACY_MANIFEST_FILE).read_text(encoding="utf-8"))
        files = {p: FileEntry.from_json(e) for p, e in data["files"].items()}
        return Manifest(int(data["generation"]), files)
    except (OSError, ValueError, KeyError, TypeError):
        return Manifest()


def _stored_generation(db: Path) -> int | None:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return int(row[0]) if row else None


def _load_table(index_dir: Path, db: Path) -> Manifest:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        rows = conn.execute("SELECT path, mtime_ns, size, content_hash, doc_ids, config FROM files")
        entries = {r[0]: FileEntry._from_row(*r[1:]) for r in rows}
    finally:
        conn.close()
    if row is None:
        return Manifest()
    manifest = Manifest(int(row[0]), entries)
    manifest._origin = index_dir
    return manifest


def save_manifest(index_dir: Path, manifest: Manifest) -> None:
    """Write the rows that changed since the manifest was read from this index (every row
    otherwise), with its generation, in one durable transaction."""
    whole = manifest._origin != index_dir
    try:
        _write_table(index_dir / MANIFEST_FILE, manifest, whole)
    except sqlite3.OperationalError as exc:  # a full disk, a read-only folder
        raise OSError(errno.EIO, f"cannot write {MANIFEST_FILE}: {exc}") from None
    except sqlite3.DatabaseError:
        # A damaged table (not a full disk, which is an OperationalError): start it again.
        for name in (MANIFEST_FILE, MANIFEST_FILE + "-journal"):
            (index_dir / name).unlink(missing_ok=True)
        _write_table(index_dir / MANIFEST_FILE, manifest, True)
        whole = True
    if whole:
        (index_dir / LEGACY_MANIFEST_FILE).unlink(missing_ok=True)
    manifest._changed.clear()
    manifest._origin = index_dir
    _last_saved[index_dir] = manifest


def _write_table(db: Path, manifest: Manifest, whole: bool) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")
        for statement in _SCHEMA:
            conn.execute(statement)
        conn.execute("BEGIN IMMEDIATE")
        try:
            if whole:
                conn.execute("DELETE FROM files")
                rows = [e._row(p) for p, e in manifest.items()]
                gone: list[tuple[str]] = []
            else:
                rows = [manifest[p]._row(p) for p in manifest._changed if p in manifest]
                gone = [(p,) for p in manifest._changed if p not in manifest]
            conn.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)", rows)
            conn.executemany("DELETE FROM files WHERE path = ?", gone)
            conn.execute(
                "INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (manifest.generation,)
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    finally:
        conn.close()


def manifest_from_index(searcher, generation: int) -> Manifest:
    """Rebuild the manifest from the stored fields of every live document."""
    manifest = Manifest(generation)
    for fields in searcher.all_stored_fields():
        path = fields["path"]
        entry = manifest.get(path)
        if entry is None:
            mtime_ns, size = fields.get("mtime") or (0, 0)
            extra = json.loads(fields.get("extra") or "{}")
            entry = manifest[path] = FileEntry(
                mtime_ns, size, fields.get("content_hash", ""), [], extra.get("config", "")
            )
        entry.doc_ids.append(fields["id"])
    return manifest


def manifest_exists(index_dir: Path) -> bool:
    """Whether the index has a manifest of either kind (even a stale one)."""
    return (index_dir / MANIFEST_FILE).exists() or (index_dir / LEGACY_MANIFEST_FILE).exists()
