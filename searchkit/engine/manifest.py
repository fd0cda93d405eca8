"""The file manifest: which source files are in the index, as of which commit.

It lets `update` tell unchanged files from changed ones with one stat() each. It is written
after each commit and tagged with the index generation it describes; when the tag does not
match (a crash between the commit and the manifest write), it is rebuilt from the stored
fields, which are always in step with the index.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

MANIFEST_FILE = "manifest.json"


@dataclass
class FileEntry:
    """One indexed source file: its stat identity, content hash and document ids."""

    mtime_ns: int
    size: int
    content_hash: str
    doc_ids: list[str]
    config: str = ""  # fingerprint of the ExtractConfig its facets were derived with

    def to_json(self) -> list:
        return [self.mtime_ns, self.size, self.content_hash, self.doc_ids, self.config]

    @classmethod
    def from_json(cls, data: list) -> FileEntry:
        return cls(*data)


class Manifest(dict[str, FileEntry]):
    """path -> FileEntry, with the index generation it describes."""

    def __init__(self, generation: int = -1, entries: dict[str, FileEntry] | None = None):
        super().__init__(entries or {})
        self.generation = generation

    def document_count(self) -> int:
        return sum(len(e.doc_ids) for e in self.values())


def load_manifest(index_dir: Path) -> Manifest:
    """The manifest on disk, or an empty one with generation -1 if absent or unreadable."""
    try:
        data = json.loads((index_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
        files = {p: FileEntry.from_json(e) for p, e in data["files"].items()}
        return Manifest(int(data["generation"]), files)
    except (OSError, ValueError, KeyError, TypeError):
        return Manifest()


def save_manifest(index_dir: Path, manifest: Manifest) -> None:
    """Write atomically: a temp file, fsynced, then renamed over the old one."""
    tmp = index_dir / (MANIFEST_FILE + ".tmp")
    payload = {
        "generation": manifest.generation,
        "files": {p: e.to_json() for p, e in sorted(manifest.items())},
    }
    # json.dumps, not json.dump: only dumps uses the C encoder (0.6 s less at 100,000 files).
    text = json.dumps(payload, separators=(",", ":"))
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / MANIFEST_FILE)


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
