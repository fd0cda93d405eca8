"""Bring the index in step with the files: add new ones, re-index changed ones, skip
unchanged ones, prune vanished ones.

Extraction runs in worker processes; this process is the one writer. Work is committed in
batches, so Ctrl-C or a crash loses at most the batch in progress, and a rerun carries on
from the last commit because unchanged files are recognised by the manifest.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..config import ExtractConfig
from ..errors import IndexIOError
from ..extract.files import check_paths, iter_files
from ..extract.pipeline import FileExtraction, extract_file
from ..model import SkippedFile, UpdateReport
from .manifest import FileEntry, Manifest, load_manifest, manifest_from_index, save_manifest
from .store import Store, document_fields

#: Commit after this many documents or seconds, whichever comes first.
BATCH_DOCUMENTS = 5000
BATCH_SECONDS = 60.0
#: Below this many files, worker start-up (~0.5 s each) costs more than it saves.
MIN_FILES_FOR_WORKERS = 24

Progress = Callable[[int, int], None]


@dataclass
class _Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    rederived: int = 0
    skipped: list[SkippedFile] = field(default_factory=list)


def _ignore_sigint() -> None:
    # Workers leave Ctrl-C to the writer, which cancels the batch and stops them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from ..extract.language import _detector_factory

    _detector_factory()


def _extract_args(args: tuple[str, ExtractConfig]) -> FileExtraction:
    return extract_file(*args)


def _pool_context():
    if sys.platform == "win32":
        return multiprocessing.get_context("spawn")
    # fork is unsafe once threads run (3.12+ warns); forkserver keeps workers clean.
    return multiprocessing.get_context("forkserver" if sys.version_info >= (3, 12) else "fork")


def _extractions(paths: list[str], config: ExtractConfig, jobs: int) -> Iterator[FileExtraction]:
    if jobs <= 1 or len(paths) < MIN_FILES_FOR_WORKERS:
        for path in paths:
            yield extract_file(path, config)
        return
    pool = _pool_context().Pool(jobs, initializer=_ignore_sigint)
    try:
        chunk = max(1, min(32, len(paths) // (jobs * 8)))
        yield from pool.imap_unordered(_extract_args, ((p, config) for p in paths), chunk)
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _under(path: str, roots: list[Path]) -> bool:
    return any(path == str(r) or path.startswith(str(r).rstrip(os.sep) + os.sep) for r in roots)


class Updater:
    """One update run against an open store; holds the write lock while it runs."""

    def __init__(self, store: Store, config: ExtractConfig, batch_documents: int = 0):
        self.batch_documents = batch_documents or BATCH_DOCUMENTS
        self.store = store
        self.config = config
        self.fingerprint = config.fingerprint()
        self._writer = None  # opened on first write: a no-op run writes nothing
        self.manifest_dirty = False
        self.manifest = self._current_manifest()
        self.pending = 0
        self.batch_started = time.monotonic()

    def _current_manifest(self) -> Manifest:
        manifest = load_manifest(self.store.path)
        generation = self.store.generation
        if manifest.generation != generation:
            with self.store.ix.searcher() as searcher:
                manifest = manifest_from_index(searcher, generation)
            self.manifest_dirty = True
        return manifest

    def commit(self) -> None:
        """Commit the batch, make it durable, then record it in the manifest."""
        if self.pending:
            try:
                self.writer.commit()
                self.store.sync()
            except OSError as exc:
                # Whoosh writes a new commit's files before its table of contents, so a
                # failure here (disk full, read-only) leaves the previous commit in place.
                raise IndexIOError(
                    f"could not commit to the index at {self.store.path} ({exc.strerror}); "
                    "it keeps its last commit. Free some space or fix permissions, then rerun"
                ) from None
            self.manifest.generation = self.store.generation
            save_manifest(self.store.path, self.manifest)
            self.manifest_dirty = False
            self._writer = None
        self.pending = 0
        self.batch_started = time.monotonic()

    @property
    def writer(self):
        if self._writer is None:
            self._writer = self.store.writer()
        return self._writer

    def cancel(self) -> None:
        if self._writer is None:
            return
        try:
            self._writer.cancel()
        except Exception:
            pass  # interrupted inside commit: the lock goes with the process, the TOC is intact

    def finish(self) -> None:
        self.commit()
        if self.manifest_dirty:
            save_manifest(self.store.path, self.manifest)
        self.cancel()  # a writer opened after the last commit has nothing to commit

    def _maybe_commit(self) -> None:
        elapsed = time.monotonic() - self.batch_started
        if self.pending >= self.batch_documents or elapsed > BATCH_SECONDS:
            self.commit()

    def rederive(self, paths: list[str]) -> tuple[int, int]:
        """Apply a changed config to unchanged files' documents from the index itself.

        Returns (documents whose facets changed, documents left as they were).
        """
        from ..extract.documents import rederive
        from .store import stored_document

        changed = same = 0
        settings = self.store.settings
        with self.store.ix.searcher() as searcher:
            for path in paths:
                entry = self.manifest[path]
                for doc_id in entry.doc_ids:
                    docnum = searcher.document_number(id=doc_id)
                    if docnum is None:
                        continue
                    stored = searcher.stored_fields(docnum)
                    old = stored_document(stored)
                    new = rederive(old, self.config)
                    if (new.actors, new.countries, new.source_type) == (
                        old.actors,
                        old.countries,
                        old.source_type,
                    ):
                        same += 1
                        continue
                    self.writer.delete_by_term("id", doc_id)
                    self.writer.add_document(
                        **document_fields(
                            new,
                            settings,
                            stored.get("content_hash", ""),
                            tuple(stored.get("mtime") or (0, 0)),
                            self.fingerprint,
                        )
                    )
                    changed += 1
                    self.pending += 1
                entry.config = self.fingerprint
                self.manifest_dirty = True
                self._maybe_commit()
        return changed, same

    def remove(self, path: str) -> int:
        entry = self.manifest.pop(path, None)
        if entry is None:
            return 0
        for doc_id in entry.doc_ids:
            self.writer.delete_by_term("id", doc_id)
        self.pending += len(entry.doc_ids) or 1
        return len(entry.doc_ids)

    def store_file(self, result: FileExtraction) -> tuple[int, int]:
        """Replace a file's documents; returns (documents now, documents before)."""
        old = self.manifest.get(result.path)
        before = self.remove(result.path) if old else 0
        settings = self.store.settings
        mtime = (result.mtime_ns, result.size)
        for doc in result.documents:
            self.writer.add_document(
                **document_fields(doc, settings, result.content_hash, mtime, self.fingerprint)
            )
        self.manifest[result.path] = FileEntry(
            result.mtime_ns,
            result.size,
            result.content_hash,
            [d.id for d in result.documents],
            self.fingerprint,
        )
        self.pending += len(result.documents)
        self._maybe_commit()
        return len(result.documents), before


def run_update(
    store: Store,
    paths: list[str],
    config: ExtractConfig,
    *,
    prune: bool = False,
    rebuild: bool = False,
    jobs: int = 0,
    lock_timeout: float = 0.0,
    progress: Progress | None = None,
    batch_size: int = 0,
) -> UpdateReport:
    """Index ``paths`` into ``store``; see the module docstring.

    With ``rebuild`` the new index is built beside the current one and swapped in when
    complete (see ``rebuild``), so searches answer from the previous index until then.
    """
    started = time.perf_counter()
    roots = check_paths(paths)
    jobs = jobs or os.cpu_count() or 1
    with store.exclusive(lock_timeout):
        if rebuild:
            from .rebuild import rebuild_beside

            return rebuild_beside(store, roots, config, jobs, progress, batch_size, started)
        return update_store(store, roots, config, prune, jobs, progress, batch_size, started)


def update_store(
    store: Store,
    roots: list[Path],
    config: ExtractConfig,
    prune: bool,
    jobs: int,
    progress: Progress | None,
    batch_size: int,
    started: float,
) -> UpdateReport:
    counts = _Counts()
    updater = Updater(store, config, batch_size)
    interrupted = False
    results = None
    try:
        files = [str(p) for p in iter_files(roots)]
        seen = set(files)
        to_extract = []
        to_rederive = []
        for path in files:
            entry = updater.manifest.get(path)
            if entry is not None:
                try:
                    st = os.stat(path)
                except OSError:
                    st = None
                if st is not None and (st.st_mtime_ns, st.st_size) == (entry.mtime_ns, entry.size):
                    if entry.config == updater.fingerprint:
                        counts.unchanged += len(entry.doc_ids)
                    else:
                        to_rederive.append(path)
                    continue
            to_extract.append(path)
        if to_rederive:
            rederived, same = updater.rederive(to_rederive)
            counts.rederived += rederived
            counts.unchanged += same
        if prune:
            for path in [p for p in updater.manifest if p not in seen and _under(p, roots)]:
                counts.removed += updater.remove(path)
        done = 0
        results = _extractions(to_extract, config, jobs)
        for result in results:
            done += 1
            counts.skipped.extend(result.skipped)
            entry = updater.manifest.get(result.path)
            if (
                entry is not None
                and entry.content_hash == result.content_hash
                and entry.config == updater.fingerprint
            ):
                # Touched but not changed: remember the new mtime, keep the documents.
                entry.mtime_ns, entry.size = result.mtime_ns, result.size
                updater.manifest_dirty = True
                counts.unchanged += len(entry.doc_ids)
            elif result.documents:
                now, before = updater.store_file(result)
                if entry is None:
                    counts.added += now
                else:
                    counts.updated += now
                    counts.removed += max(0, before - now)
            elif entry is not None:
                counts.removed += updater.remove(result.path)
            if progress:
                progress(done, len(to_extract))
        updater.finish()
    except KeyboardInterrupt:
        updater.cancel()
        interrupted = True
    except BaseException:
        updater.cancel()
        raise
    finally:
        if results is not None:
            results.close()  # stops the worker pool at once
    return UpdateReport(
        added=counts.added,
        updated=counts.updated,
        unchanged=counts.unchanged,
        removed=counts.removed,
        rederived=counts.rederived,
        skipped=tuple(counts.skipped),
        interrupted=interrupted,
        took_ms=round((time.perf_counter() - started) * 1000, 1),
    )
