"""Parallel indexing: workers extract files and write the documents into segments of their
own; the writer process commits all of them at once.

Whoosh analyses text and writes postings in pure Python, and writing a segment's postings
costs more than extracting its documents, so one writer process cannot keep two cores busy.
Here each worker owns a Whoosh ``SegmentWriter`` that never takes the index lock and never
commits. At a batch boundary every worker finishes its segment and hands back the
``Segment`` record (a segment id and counts, a few hundred bytes); the writer adds those
segments and its own deletions to one new table of contents. Until then no table of
contents names the new files, so a crash or Ctrl-C leaves the last commit as it was, and
the next commit deletes the orphans.

A worker opens its writer on its first unit after a commit, never during one: Whoosh's
commit deletes every segment file the new table of contents does not name.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path

from ..config import ExtractConfig
from ..extract.pipeline import Span, extract_file
from ..model import SkippedFile
from ..registry import FacetRegistry
from .analysis import load_term_memos, save_term_memos
from .facet_files import save_segment_facets
from .schema import IndexSettings
from .whoosh_internals import (
    abandon_segment,
    finish_segment,
    open_segment_writer,
    segment_reader,
    segment_writer_documents,
)

#: Each worker's posting pool; more is spilled to a temporary file and merged at the flush.
WORKER_POOL_MB = 256
#: A worker starts a new segment after this many documents: a segment's postings are
#: sorted in memory up to about this size (WORKER_POOL_MB); larger ones spill to disk and
#: are merged back, which made a 100,000-document build a third slower.
SEGMENT_DOCUMENTS = 5_000
#: Units queued per worker, so none waits for the writer between two units.
UNITS_IN_FLIGHT = 2


@dataclass(frozen=True)
class WorkUnit:
    """A file, or a span of a JSON Lines file, to extract and index.

    ``known_hash`` is the content hash the manifest has for the file: a touched file whose
    content is the same is not indexed again. ``id_key`` is what its document ids hash.
    """

    path: str
    span: Span | None = None
    known_hash: str = ""
    id_key: str = ""


@dataclass(frozen=True)
class UnitResult:
    """What a worker did with one unit; its documents wait in the worker's segment."""

    path: str
    doc_ids: tuple[str, ...]
    skipped: tuple[SkippedFile, ...]
    content_hash: str
    mtime_ns: int
    size: int
    unchanged: bool = False  # same content as ``known_hash``: nothing was added


class SegmentBuilder:
    """Extracts units and adds their documents to one new segment, until ``flush``."""

    def __init__(self, index_dir: str, settings: IndexSettings, config: ExtractConfig):
        self.index_dir = index_dir
        self.settings = settings
        self.config = config
        self.fingerprint = config.fingerprint()
        self.registry = FacetRegistry.with_declared(config.facets)
        self._writer = None
        self._finished: list = []  # finished segments, committed at the next flush

    def _open_writer(self):
        return open_segment_writer(self.index_dir, WORKER_POOL_MB)

    def index(self, unit: WorkUnit) -> UnitResult:
        from .store import cannot_write, document_fields

        load_term_memos(self.index_dir)  # once per process, and only when there is work
        result = extract_file(unit.path, self.config, unit.span, unit.id_key)
        identity = (result.content_hash, result.mtime_ns, result.size)
        if unit.known_hash and result.content_hash == unit.known_hash:
            return UnitResult(unit.path, (), result.skipped, *identity, unchanged=True)
        mtime = (result.mtime_ns, result.size)
        try:
            if result.documents and self._writer is None:
                self._writer = self._open_writer()
            for doc in result.documents:
                fields = document_fields(
                    doc, self.settings, result.content_hash, mtime, self.fingerprint
                )
                self._writer.add_document(**fields)
            if (
                self._writer is not None
                and segment_writer_documents(self._writer) >= SEGMENT_DOCUMENTS
            ):
                self._finish_segment()
        except OSError as exc:
            raise cannot_write(self.index_dir, exc) from None
        return UnitResult(
            unit.path, tuple(d.id for d in result.documents), result.skipped, *identity
        )

    def _finish_segment(self) -> None:
        """Write the current segment's postings and close it (not yet committed)."""
        writer, self._writer = self._writer, None
        segment = finish_segment(writer)
        save_new_segment_facets(self.index_dir, writer, segment, self.registry)
        self._finished.append(segment)

    def flush(self) -> list:
        """Finish the current segment; returns every segment written since the last flush."""
        if self._writer is not None:
            self._finish_segment()
        finished, self._finished = self._finished, []
        save_term_memos(self.index_dir)
        return finished

    def cancel(self) -> None:
        self._finished = []  # their files are orphans; the next commit deletes them
        writer, self._writer = self._writer, None
        if writer is not None:
            abandon_segment(writer)


def save_new_segment_facets(index_dir: str, writer, segment, registry: FacetRegistry) -> None:
    """Save the new segment's facet file here, in the worker, so that neither the commit
    nor the first search has to read its columns."""
    reader = segment_reader(writer.storage, writer.schema, segment)
    try:
        save_segment_facets(index_dir, reader, registry)
    finally:
        reader.close()


def _worker_main(conn, index_dir: str, settings: IndexSettings, config: ExtractConfig) -> None:
    # Ctrl-C is the writer's to handle: it stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    builder = SegmentBuilder(index_dir, settings, config)
    while True:
        try:
            message = conn.recv()
        except EOFError:
            message = None
        if message is None:
            builder.cancel()
            return
        kind, payload = message
        try:
            if kind == "unit":
                conn.send(("unit", builder.index(payload)))
            else:
                conn.send(("segment", builder.flush()))
        except BaseException as exc:
            builder.cancel()
            conn.send(("error", exc))


def worker_context():
    if sys.platform == "win32":
        return multiprocessing.get_context("spawn")
    # fork is unsafe once threads run (3.12+ warns); forkserver keeps workers clean.
    return multiprocessing.get_context("forkserver" if sys.version_info >= (3, 12) else "fork")


class _Worker:
    def __init__(self, context, index_dir: str, settings: IndexSettings, config: ExtractConfig):
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_worker_main, args=(child, index_dir, settings, config), daemon=True
        )
        self.process.start()
        child.close()
        self.in_flight = 0

    def receive(self):
        try:
            kind, payload = self.conn.recv()
        except EOFError:
            code = self.process.exitcode
            raise RuntimeError(f"an indexing worker died (exit code {code})") from None
        if kind == "error":
            raise payload
        return kind, payload


class WorkerPool:
    """The segment builders of one update: ``jobs`` worker processes, or one in-process
    builder when ``jobs`` is 1 (no process start-up for small updates)."""

    def __init__(self, index_dir: Path, settings: IndexSettings, config: ExtractConfig, jobs: int):
        self._args = (str(index_dir), settings, config)
        self.jobs = max(1, jobs)
        self._inline = SegmentBuilder(*self._args) if self.jobs == 1 else None
        self._workers: list[_Worker] = []
        self._done: deque[UnitResult] = deque()

    def _start(self) -> None:
        if not self._workers:
            context = worker_context()
            self._workers = [_Worker(context, *self._args) for _ in range(self.jobs)]

    @property
    def in_flight(self) -> int:
        return sum(w.in_flight for w in self._workers)

    def has_room(self) -> bool:
        if self._inline is not None:
            return not self._done
        self._start()
        return any(w.in_flight < UNITS_IN_FLIGHT for w in self._workers)

    def submit(self, unit: WorkUnit) -> None:
        if self._inline is not None:
            self._done.append(self._inline.index(unit))
            return
        worker = min(self._workers, key=lambda w: w.in_flight)
        worker.conn.send(("unit", unit))
        worker.in_flight += 1

    def next_result(self) -> UnitResult:
        """The next finished unit (waits for one); call only while units are in flight."""
        if self._done:
            return self._done.popleft()
        ready = wait([w.conn for w in self._workers if w.in_flight])
        for worker in self._workers:
            if worker.conn in ready:
                _, result = worker.receive()
                worker.in_flight -= 1
                self._done.append(result)
        return self._done.popleft()

    def pending(self) -> bool:
        return bool(self._done) or self.in_flight > 0

    def flush(self) -> list:
        """Every builder's finished segment; call when no unit is in flight."""
        if self._inline is not None:
            return self._inline.flush()
        for worker in self._workers:
            worker.conn.send(("flush", None))
        return [segment for worker in self._workers for segment in worker.receive()[1]]

    def close(self) -> None:
        """Stop the workers; segments not yet committed are dropped."""
        if self._inline is not None:
            self._inline.cancel()
        for worker in self._workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        for worker in self._workers:
            worker.process.join(timeout=2)
            if worker.process.is_alive():
                worker.process.terminate()
                worker.process.join()
            worker.conn.close()
        self._workers = []

    def terminate(self) -> None:
        """Stop the workers at once (Ctrl-C)."""
        if self._inline is not None:
            self._inline.cancel()
        for worker in self._workers:
            worker.process.terminate()
        for worker in self._workers:
            worker.process.join()
            worker.conn.close()
        self._workers = []
