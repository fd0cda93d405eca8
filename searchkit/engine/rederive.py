"""Re-derive facets from what the index stores, when the config changes: no file is read.

Two kinds of change. Actor aliases, ignores, country aliases and source-domain rules change
documents' built-in facets, which are index fields: those documents are re-written from
their stored fields (``rederive_documents``). Facets declared in searchkit.toml live in the
facet files only: a changed declaration rewrites those files (``apply_declared_facets``).
"""

from __future__ import annotations

from ..config import ExtractConfig
from ..registry import FacetRegistry
from .facet_files import rederive_declared_facets
from .store import Store, document_fields, read_declared_facets, write_declared_facets


def rederive_documents(updater, paths: list[str]) -> int:
    """Apply a changed config to the documents of unchanged files, from the index itself
    (no file is read again); the updater's writer replaces the documents that change, and
    counts them as re-derived once committed. Returns the documents left as they were."""
    from ..extract.documents import rederive
    from .store import stored_document

    same = 0
    settings = updater.store.settings
    with updater.store.ix.searcher() as searcher:
        for path in paths:
            entry = updater.manifest[path]
            for doc_id in entry.doc_ids:
                docnum = searcher.document_number(id=doc_id)
                if docnum is None:
                    continue
                stored = searcher.stored_fields(docnum)
                old = stored_document(stored)
                new = rederive(old, updater.config)
                if (new.actors, new.countries, new.source_type) == (
                    old.actors,
                    old.countries,
                    old.source_type,
                ):
                    same += 1
                    continue
                updater.writer.delete_by_term("id", doc_id)
                updater.writer.add_document(
                    **document_fields(
                        new,
                        settings,
                        stored.get("content_hash", ""),
                        tuple(stored.get("mtime") or (0, 0)),
                        updater.fingerprint,
                    )
                )
                updater.uncommitted.rederived += 1  # reported once committed
                updater.pending += 1
            entry.config = updater.fingerprint
            updater.manifest.touch(path)
            updater.manifest_dirty = True
            updater._maybe_commit()
    return same


def apply_declared_facets(store: Store, config: ExtractConfig, warnings: list[str]) -> int:
    """Bring the facet files in step with the facets searchkit.toml declares, from the
    stored fields; returns how many documents' declared values changed. A declared field
    that no document has is a warning: a misspelt key, or documents indexed before the
    index stored their raw fields (those need `searchkit index --rebuild PATH` once)."""
    if read_declared_facets(store.path) == config.facets:
        return 0
    registry = FacetRegistry.with_declared(config.facets)
    changed, holding = rederive_declared_facets(str(store.path), store.ix, registry)
    write_declared_facets(store.path, config.facets)
    for spec in registry.declared:
        if not holding[spec.name]:
            warnings.append(
                f"facet {spec.name!r}: no document has a {spec.metadata_key!r} field (documents "
                "indexed before searchkit stored raw fields need `searchkit index --rebuild "
                "PATH` once)"
            )
    return changed
