"""Which indexed files a run concerns: the keys their document ids hash, kept unique across
indexed folders of the same name, and whether a path lies under the folders being pruned."""

from __future__ import annotations

import os

from ..extract.documents import document_id
from ..extract.files import SourceFile
from .manifest import Manifest


def under_any(path: str, roots: set[str]) -> bool:
    """Whether ``path`` is one of ``roots`` or inside one: a walk up its parents, so that
    pruning with thousands of roots (a watcher's deleted files) stays one pass."""
    if path in roots:
        return True
    end = len(path)
    while end > 0:
        end = path.rfind(os.sep, 0, end)
        if end == 0:
            return os.sep in roots
        if end > 0 and path[:end] in roots:
            return True
    return False


def unique_id_keys(sources: list[SourceFile], manifest: Manifest) -> dict[str, str]:
    """path -> the key its document ids hash: the root's name and the relative path, with
    more of the root's folders where another file (in the index, or earlier in this run)
    already has the ids of that key, as two roots of the same name would."""
    if not sources:
        return {}
    owners = {doc_id: path for path, entry in manifest.items() for doc_id in entry.doc_ids}
    keys = {}
    for source in sources:
        depth, key = 1, source.id_key(1)
        while True:
            probes = (document_id(key, None), document_id(key, 1))
            if all(owners.get(probe, source.path) == source.path for probe in probes):
                break
            deeper = source.id_key(depth + 1)
            if deeper == key:  # the whole path is taken: only the absolute path is left
                key = source.path
                probes = (document_id(key, None), document_id(key, 1))
                break
            depth, key = depth + 1, deeper
        keys[source.path] = key
        for probe in probes:
            owners.setdefault(probe, source.path)
    return keys
