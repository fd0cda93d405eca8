"""Bring the index in step with the files: add new ones, re-index changed ones, skip
unchanged ones, prune vanished ones.

Worker processes extract the files and write their documents into segments of their own
(see ``segments``); this process is the one writer: it plans the work, deletes replaced
documents, and commits the workers' segments in batches. Ctrl-C or a crash loses at most
the batch in progress, and a rerun carries on from the last commit because unchanged files
are recognised by the manifest. A file is committed whole: a batch never ends inside one.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..config import ExtractConfig
from ..errors import IndexIOError
from ..extract.files import check_paths, iter_files
from ..extract.formats import JSON_SUFFIXES, JSONL_SUFFIXES, article_suffix
from ..extract.pipeline import jsonl_spans
from ..model import SkippedFile, UpdateReport
from ..registry import FacetRegistry
from .facet_files import save_missing_facet_files
from .file_keys import under_any, unique_id_keys
from .manifest import FileEntry, Manifest, load_manifest, manifest_from_index, save_manifest
from .merging import tiered_merge
from .rederive import apply_declared_facets, rederive_documents
from .segments import UnitResult, WorkerPool, WorkUnit
from .store import Store, cannot_write
from .whoosh_internals import commit_with_segments

#: Commit after this many documents or seconds, whichever comes first.
BATCH_DOCUMENTS = 20_000
BATCH_SECONDS = 60.0
#: Workers pay off from this many article files, or this many bytes of JSON records. Measured
#: with bench/jsonl_jobs.py on the HuffPost sample (CPU critical path, jobs=2 against 1):
#: 500 records (0.2 MB, one span) 0.94x, 1,000 (0.4 MB) 1.55x, 2,500 (1 MB) 1.92x, 10,000
#: (3.9 MB) 1.86x. From 384 KB a JSON Lines file makes two spans of at least 128 KB.
MIN_FILES_FOR_WORKERS = 24
MIN_BYTES_FOR_WORKERS = 384 << 10
RECORD_SUFFIXES = JSONL_SUFFIXES | JSON_SUFFIXES
#: JSON Lines files larger than this are cut into spans that several workers share.
SPAN_BYTES = 4 << 20
MIN_SPAN_BYTES = 256 << 10

Progress = Callable[[int, int], None]


@dataclass
class _Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    rederived: int = 0
    skipped: list[SkippedFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _FileWork:
    """A file being indexed: its units still out, and what the finished ones found."""

    path: str
    units_left: int
    doc_ids: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    identity: tuple[str, int, int] | None = None  # content hash, mtime_ns, size
    unchanged: bool = False


class Updater:
    """One update run against an open store; holds the write lock while it runs."""

    def __init__(self, store: Store, config: ExtractConfig, batch_documents: int = 0):
        self.batch_documents = batch_documents or BATCH_DOCUMENTS
        self.store = store
        self.config = config
        self.fingerprint = config.fingerprint()
        self.registry = FacetRegistry.with_declared(config.facets)
        # In-process until index_files knows how much work there is; commit() flushes it.
        self.builders = WorkerPool(store.path, store.settings, config, 1)
        self._spanned: dict[str, str] = {}  # path -> content hash of files cut into spans
        self.unchanged_documents = 0  # in touched files whose content is the same
        self._writer = None  # opened on first write: a no-op run writes nothing
        self.manifest_dirty = False
        self.manifest = self._current_manifest()
        # Files already in the index folder: a commit makes durable only the ones it adds.
        self._files_before = set(os.listdir(store.path))
        self.pending = 0
        self.batch_started = time.monotonic()
        self.id_keys: dict[str, str] = {}  # path -> what its document ids hash
        # Documents added, updated, removed and re-derived: ``uncommitted`` until the batch
        # holding them is committed, then in ``committed``, which is what a report counts
        # (after Ctrl-C too). Files are counted the same way.
        self.uncommitted = _Counts()
        self.committed = _Counts()
        self.files_uncommitted = 0
        self.files_committed = 0

    def _current_manifest(self) -> Manifest:
        manifest = load_manifest(self.store.path)
        generation = self.store.generation
        if manifest.generation != generation:
            with self.store.ix.searcher() as searcher:
                manifest = manifest_from_index(searcher, generation)
            self.manifest_dirty = True
        return manifest

    def commit(self) -> None:
        """Commit the batch (the builders' segments and this writer's deletions), make it
        durable, then record it in the manifest."""
        if self.pending:
            try:
                segments = self.builders.flush()
                commit_with_segments(self.writer, tiered_merge, segments)
                # Segment files never change once written, and deletions live in the new
                # table of contents: the files this batch created are all there is to sync.
                created = set(os.listdir(self.store.path))
                self.store.sync(created - self._files_before)
                self._files_before = created
            except OSError as exc:
                # Whoosh writes a new commit's files before its table of contents, so a
                # failure here (disk full, read-only) leaves the previous commit in place.
                raise IndexIOError(
                    f"could not commit to the index at {self.store.path} ({exc.strerror}); "
                    "it keeps its last commit. Free some space or fix permissions, then rerun"
                ) from None
            self._count_committed()
            self.manifest.generation = self.store.generation
            self._save_manifest()
            self._writer = None
            save_missing_facet_files(str(self.store.path), self.store.ix, self.registry)
        self._count_committed()
        self.pending = 0
        self.batch_started = time.monotonic()

    def _save_manifest(self) -> None:
        try:
            save_manifest(self.store.path, self.manifest)
        except OSError as exc:
            raise cannot_write(self.store.path, exc) from None
        self.manifest_dirty = False

    def _count_committed(self) -> None:
        done, self.uncommitted = self.uncommitted, _Counts()
        self.committed.added += done.added
        self.committed.updated += done.updated
        self.committed.removed += done.removed
        self.committed.rederived += done.rederived
        self.files_committed += self.files_uncommitted
        self.files_uncommitted = 0

    @property
    def writer(self):
        if self._writer is None:
            self._writer = self.store.writer()
        return self._writer

    def cancel(self) -> None:
        self.builders.terminate()
        if self._writer is None:
            return
        try:
            self._writer.cancel()
        except Exception:
            pass  # interrupted inside commit: the lock goes with the process, the TOC is intact

    def finish(self) -> None:
        self.commit()
        if self.manifest_dirty:
            self._save_manifest()
        self.builders.close()
        self.cancel()  # a writer opened after the last commit has nothing to commit

    def commit_due(self) -> bool:
        elapsed = time.monotonic() - self.batch_started
        return self.pending >= self.batch_documents or (
            self.pending > 0 and elapsed > BATCH_SECONDS
        )

    def _maybe_commit(self) -> None:
        if self.commit_due():
            self.commit()

    def remove(self, path: str) -> int:
        entry = self.manifest.pop(path, None)
        if entry is None:
            return 0
        for doc_id in entry.doc_ids:
            self.writer.delete_by_term("id", doc_id)
        self.pending += len(entry.doc_ids) or 1
        return len(entry.doc_ids)

    def prune(self, path: str) -> None:
        self.uncommitted.removed += self.remove(path)

    def plan(self, sizes: dict[str, int]) -> list[WorkUnit]:
        """The units of work for these files (path -> size): one per file, or spans of a large
        JSON Lines file (hashed here first, so an unchanged one is not read by the workers)."""
        units: list[WorkUnit] = []
        span_bytes = SPAN_BYTES
        if self.builders.jobs > 1:
            # About four spans per worker, so both stay busy to the end of a large export.
            share = sum(sizes.values()) // (4 * self.builders.jobs)
            span_bytes = max(MIN_SPAN_BYTES, min(SPAN_BYTES, share))
        for path, size in sizes.items():
            id_key = self.id_keys.get(path, "")
            entry = self.manifest.get(path)
            known = entry.content_hash if entry and entry.config == self.fingerprint else ""
            if Path(path).suffix.lower() in JSONL_SUFFIXES and size > span_bytes:
                try:
                    content_hash, spans = jsonl_spans(path, span_bytes)
                except OSError:
                    units.append(WorkUnit(path, None, known, id_key))  # the worker says why
                    continue
                if known and content_hash == known and entry is not None:
                    # Touched but not changed: remember the new mtime, keep the documents.
                    stat = os.stat(path)
                    entry.mtime_ns, entry.size = stat.st_mtime_ns, stat.st_size
                    self.manifest.touch(path)
                    self.manifest_dirty = True
                    self.unchanged_documents += len(entry.doc_ids)
                    self.files_uncommitted += 1
                    continue
                if len(spans) > 1:
                    self._spanned[path] = content_hash
                    units.extend(WorkUnit(path, span, "", id_key) for span in spans)
                    continue
            units.append(WorkUnit(path, None, known, id_key))
        return units

    def index_files(
        self, paths: list[str], jobs: int, counts: _Counts, progress: Progress | None
    ) -> None:
        """Extract and index ``paths`` through the builders (up to ``jobs`` worker processes),
        committing in batches."""
        sizes = {path: _size(path) for path in paths}
        jobs = _jobs_for(sizes, jobs)
        self.builders = WorkerPool(self.store.path, self.store.settings, self.config, jobs)
        queue = deque(self.plan(sizes))
        per_file: dict[str, int] = {}
        for unit in queue:
            per_file[unit.path] = per_file.get(unit.path, 0) + 1
        open_files: dict[str, _FileWork] = {}
        done = 0
        builders = self.builders
        while queue or builders.pending():
            due = self.commit_due()
            while queue and builders.has_room() and (not due or queue[0].path in open_files):
                unit = queue.popleft()
                if unit.path not in open_files:
                    open_files[unit.path] = _FileWork(unit.path, per_file[unit.path])
                builders.submit(unit)
            finished = None
            if builders.pending():
                finished = self._add_result(open_files, builders.next_result())
                if finished is not None:
                    del open_files[finished.path]
                    self.file_done(finished, counts)
                    done += 1
            if not open_files and not builders.pending() and self.commit_due():
                self.commit()
            if finished is not None and progress:
                progress(done, len(per_file))

    def _add_result(self, open_files: dict[str, _FileWork], result: UnitResult):
        """Record a unit's result; returns the file's work once all its units are done."""
        work = open_files[result.path]
        work.units_left -= 1
        work.doc_ids.extend(result.doc_ids)
        work.skipped.extend(result.skipped)
        work.unchanged = result.unchanged
        self.pending += len(result.doc_ids)
        if result.path in self._spanned:
            work.identity = (self._spanned[result.path], result.mtime_ns, result.size)
        else:
            work.identity = (result.content_hash, result.mtime_ns, result.size)
        return work if work.units_left == 0 else None

    def file_done(self, work: _FileWork, counts: _Counts) -> None:
        """Replace a file's documents in the manifest (the new ones wait in a segment)."""
        counts.skipped.extend(work.skipped)
        self.files_uncommitted += 1
        entry = self.manifest.get(work.path)
        content_hash, mtime_ns, size = work.identity or ("", 0, 0)
        if work.unchanged and entry is not None:
            # Touched but not changed: remember the new mtime, keep the documents.
            entry.mtime_ns, entry.size = mtime_ns, size
            self.manifest.touch(work.path)
            self.manifest_dirty = True
            counts.unchanged += len(entry.doc_ids)
            return
        before = self.remove(work.path) if entry is not None else 0
        batch = self.uncommitted
        if work.doc_ids:
            self.manifest[work.path] = FileEntry(
                mtime_ns, size, content_hash, list(work.doc_ids), self.fingerprint
            )
            self.manifest_dirty = True
            if entry is None:
                batch.added += len(work.doc_ids)
            else:
                batch.updated += len(work.doc_ids)
                batch.removed += max(0, before - len(work.doc_ids))
        elif entry is not None:
            batch.removed += before


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _jobs_for(sizes: dict[str, int], jobs: int) -> int:
    """Worker processes for this much work: one builder, in this process, for a small update.

    A news record costs about 5 ms (language, actors, countries), so workers share a JSON
    Lines file well once it makes two spans worth a process start each (see
    MIN_BYTES_FOR_WORKERS); articles (text, HTML) are shared file by file, which pays from a
    few dozen files on."""
    if jobs <= 1 or not sizes:
        return 1
    records = [p for p in sizes if article_suffix(p) in RECORD_SUFFIXES]
    if len(sizes) - len(records) >= MIN_FILES_FOR_WORKERS:
        return jobs
    if sum(sizes[p] for p in records) >= MIN_BYTES_FOR_WORKERS:
        return jobs
    return 1


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
    missing_ok: bool = False,
) -> UpdateReport:
    """Index ``paths`` into ``store``; see the module docstring.

    With ``missing_ok`` a path that no longer exists is no error: with ``prune`` its
    documents (or those of every file under it, for a folder) are removed.

    With ``rebuild`` the new index is built beside the current one and swapped in when
    complete (see ``rebuild``), so searches answer from the previous index until then.
    """
    options = UpdateOptions(
        prune=prune,
        jobs=jobs or os.cpu_count() or 1,
        batch_size=batch_size,
        progress=progress,
        started=time.perf_counter(),
    )
    roots = check_paths(paths, missing_ok)
    with store.exclusive(lock_timeout):
        if rebuild:
            from .rebuild import rebuild_beside

            return rebuild_beside(store, roots, config, options, update_store)
        return update_store(store, roots, config, options)


@dataclass(frozen=True)
class UpdateOptions:
    """How one update runs: pruning, worker processes, batch size, progress, start time."""

    prune: bool = False
    jobs: int = 1
    batch_size: int = 0
    progress: Progress | None = None
    started: float = 0.0


def update_store(
    store: Store, roots: list[Path], config: ExtractConfig, options: UpdateOptions
) -> UpdateReport:
    """Bring ``store`` in step with the files under ``roots`` (the lock is held)."""
    prune, jobs, progress, started = options.prune, options.jobs, options.progress, options.started
    counts = _Counts()
    updater = Updater(store, config, options.batch_size)
    interrupted = False
    to_extract: list[str] = []
    try:
        sources = list(iter_files(roots))
        files = [source.path for source in sources]
        seen = set(files)
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
                        counts.unchanged += entry.document_count()
                    else:
                        to_rederive.append(path)
                    continue
            to_extract.append(path)
        if to_rederive:
            counts.unchanged += rederive_documents(updater, to_rederive)
        if prune:
            resolved = {os.path.realpath(root) for root in roots}
            for path in [p for p in updater.manifest if p not in seen and under_any(p, resolved)]:
                updater.prune(path)
        wanted = set(to_extract)
        updater.id_keys = unique_id_keys([s for s in sources if s.path in wanted], updater.manifest)
        updater.index_files(to_extract, jobs, counts, progress)
        counts.unchanged += updater.unchanged_documents
        updater.finish()
        counts.rederived += apply_declared_facets(store, config, counts.warnings)
    except KeyboardInterrupt:
        updater.cancel()
        interrupted = True
    except BaseException:
        updater.cancel()
        raise
    committed = updater.committed
    return UpdateReport(
        added=committed.added,
        updated=committed.updated,
        unchanged=counts.unchanged,
        removed=committed.removed,
        rederived=committed.rederived + counts.rederived,
        skipped=tuple(counts.skipped),
        warnings=tuple(counts.warnings),
        interrupted=interrupted,
        files_left=max(0, len(to_extract) - updater.files_committed) if interrupted else 0,
        took_ms=round((time.perf_counter() - started) * 1000, 1),
    )
