"""`check`: prove an index is readable end to end, and `--repair` it when it is not.

Checks, in order: the settings file and schema version; the newest commit (TOC) opens; every
segment's stored fields, facet columns and term dictionary read; stored facets decode; the
file manifest agrees with the documents. Repairs, in order of preference: drop unreadable
newer commits so the newest good one is current; rewrite a stale manifest from the index;
rebuild from the source files the manifest (or the stored fields) knows.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import IndexDamagedError, IndexMissingError, SearchkitError
from ..model import CheckReport
from ..registry import BUILT_IN
from .manifest import load_manifest, manifest_exists, manifest_from_index, save_manifest
from .schema import SETTINGS_FILE, read_settings, settings_from_schema, write_settings
from .whoosh_internals import INDEX_NAME, commit_filename, commit_generations

#: The index columns of the built-in facets (declared ones live in the facet files only).
FACET_COLUMNS = tuple(spec.column for spec in BUILT_IN)


def _generations(path: Path) -> list[int]:
    return commit_generations(str(path))


def _read_commit(path: Path, generation: int):
    """Open the index as of one commit and read every segment through; raise if it fails."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    storage = FileStorage(str(path))
    toc = TOC.read(storage, INDEX_NAME, generation)
    ix = storage.open_index(INDEX_NAME)
    if ix.latest_generation() != generation:
        raise ValueError(f"commit {generation} is not the newest")
    documents = 0
    with ix.searcher() as searcher:
        for reader, _ in searcher.reader().leaf_readers():
            if reader.segment() is None:
                continue
            count = reader.doc_count_all()
            # A document's body is indexed in the one field of its language (body_en, ...):
            # BM25 reads its length there, so a body with no length in any of them means a
            # length column was cut short.
            body_fields = [f for f in reader.schema.scorable_names() if f.startswith("body_")]
            for docnum, fields in reader.iter_docs():
                json.loads(fields.get("extra") or "{}")  # stored facets decode
                documents += 1
                if fields.get("body", "").strip() and not any(
                    reader.doc_field_length(docnum, f) for f in body_fields
                ):
                    raise ValueError(f"no length of the body of document {docnum}")
            for column in FACET_COLUMNS:
                if reader.has_column(column):
                    values = list(reader.column_reader(column, translate=False))
                    if len(values) != count:
                        raise ValueError(f"column {column} has {len(values)} of {count} values")
            for fieldname, text in reader.all_terms():
                # Opening each posting list reads its first block: a missing or truncated
                # postings file fails here rather than in a user's search.
                if fieldname in reader.schema and reader.schema[fieldname].indexed:
                    reader.postings(fieldname, text).id()
    return ix, documents, len(toc.segments)


def check_index(path: Path, repair: bool = False, rebuild=None) -> CheckReport:
    """Check the index at ``path``; with ``repair``, fix what can be fixed and say how.

    ``rebuild(paths)`` re-indexes source files into a fresh index; it is passed in by the
    API so this module does not depend on extraction.
    """
    problems: list[str] = []
    repairs: list[str] = []
    notes: list[str] = []
    if not path.is_dir() or (not (path / SETTINGS_FILE).exists() and not _generations(path)):
        raise IndexMissingError(
            f"no searchkit index at {path}: run `searchkit index PATH` to build one"
        )
    settings_damaged = False
    try:
        read_settings(path)
    except IndexDamagedError as exc:
        problems.append(str(exc))
        settings_damaged = True
    except SearchkitError as exc:
        problems.append(str(exc))

    opened = None
    for generation in _generations(path):
        try:
            opened = _read_commit(path, generation)
            break
        except Exception as exc:  # any failure to read a commit is damage to report
            problems.append(f"commit {generation} is unreadable ({type(exc).__name__}: {exc})")
            if not repair:
                break
            toc = commit_filename(generation)
            os.replace(path / toc, path / f"{toc}.damaged")
            repairs.append(f"set aside unreadable commit {generation}")
    if opened is None and not problems:
        problems.append("the index has no commit")

    documents = segments = 0
    if opened is not None:
        ix, documents, segments = opened
        if settings_damaged and repair:
            write_settings(path, settings_from_schema(ix.schema))
            repairs.append(f"rewrote {SETTINGS_FILE} from the index's schema")
        generation = ix.latest_generation()
        manifest = load_manifest(path)
        with ix.searcher() as searcher:
            actual = manifest_from_index(searcher, generation)
        if manifest.generation != generation:
            # A crash between a commit and the manifest write leaves it behind; the next
            # update rebuilds it from the stored fields, so this is not damage.
            notes.append(
                "the file manifest is behind the newest commit; the next update rebuilds it"
            )
            if repair:
                save_manifest(path, actual)
                repairs.append("rewrote the file manifest from the index")
        elif {p: sorted(e.doc_ids) for p, e in manifest.items()} != {
            p: sorted(e.doc_ids) for p, e in actual.items()
        }:
            problems.append(
                f"the file manifest ({manifest.document_count()} documents) does not match "
                f"the index ({documents} documents)"
            )
            if repair:
                save_manifest(path, actual)
                repairs.append("rewrote the file manifest from the index")
        ix.close()
    elif repair:
        sources = _known_sources(path)
        if sources and rebuild is not None:
            report = rebuild(sources)
            documents = report.added
            repairs.append(
                f"rebuilt from {len(sources)} known source files ({report.added} documents, "
                f"{len(report.skipped)} skipped)"
            )
        else:
            repairs.append(
                "cannot rebuild: no readable commit and no list of source files; "
                "run `searchkit index --rebuild PATH`"
            )
    if repair and problems:
        healthy = (
            bool(repairs)
            and not repairs[-1].startswith("cannot")
            and (opened is not None or any(r.startswith("rebuilt") for r in repairs))
        )
    else:
        healthy = not problems
    return CheckReport(
        str(path), healthy, documents, segments, tuple(problems), tuple(repairs), tuple(notes)
    )


def _known_sources(path: Path) -> list[str]:
    """Source files named by the manifest (even a stale one) that still exist."""
    if not manifest_exists(path):
        return []
    return [p for p in load_manifest(path) if os.path.exists(p)]
