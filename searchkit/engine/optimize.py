"""Merging large segments: ``searchkit optimize``.

Every update adds segments, and each one costs every search a term lookup per query word,
so a 1,000,000-document index built in 5,000-document segments answers slower than the
same documents in a few large ones. Commits merge only small segments (``merging``): Whoosh
merges in pure Python, about 3 ms of CPU per document, which an update of a few files
must not pay. ``optimize`` pays it once, on request.

The plan packs the segments into ``max_segments`` groups of similar size (a segment larger
than an even share stays as it is); each group with more than one segment is merged by a
worker process into one new, uncommitted segment, in parallel. The run lock is held from
the plan to the commit, so no update changes the segments meanwhile; searches go on reading
the previous commit, whose files stay readable until they close. One new table of contents
replaces the merged segments by the new ones: a crash or Ctrl-C before it leaves the index
as it was, and the next commit deletes the orphaned files.
"""

from __future__ import annotations

import signal
import time

from ..model import OptimizeReport
from ..registry import FacetRegistry
from .segments import save_new_segment_facets, worker_context
from .store import Store, read_declared_facets

#: Segments an optimized index keeps, unless the caller asks for another number.
DEFAULT_MAX_SEGMENTS = 10
#: Each merging worker's posting pool.
MERGE_POOL_MB = 256


def plan_groups(counts: list[int], max_segments: int) -> list[list[int]]:
    """Positions of the segments, packed into at most ``max_segments`` groups of similar
    document counts (largest first, each into the lightest group). A segment holding more
    than an even share of the documents keeps a group of its own."""
    if len(counts) <= max_segments:
        return [[p] for p in range(len(counts))]
    order = sorted(range(len(counts)), key=lambda p: -counts[p])
    groups: list[list[int]] = []
    remaining, slots = sum(counts), max_segments
    while order and slots > 1 and counts[order[0]] * slots >= remaining:
        position = order.pop(0)
        groups.append([position])
        remaining -= counts[position]
        slots -= 1
    bins: list[list[int]] = [[] for _ in range(slots)]
    loads = [0] * slots
    for position in order:
        lightest = loads.index(min(loads))
        bins[lightest].append(position)
        loads[lightest] += counts[position]
    return groups + [b for b in bins if b]


def _merge_group(index_dir: str, segments: list, declared) -> object:
    """In a worker: merge ``segments`` into one new segment and save its facet file."""
    from .whoosh_internals import finish_segment, open_segment_writer, segment_reader

    writer = open_segment_writer(index_dir, MERGE_POOL_MB)
    for segment in segments:
        reader = segment_reader(writer.storage, writer.schema, segment)
        try:
            writer.add_reader(reader)  # skips the segment's deleted documents
        finally:
            reader.close()
    merged = finish_segment(writer)
    save_new_segment_facets(index_dir, writer, merged, FacetRegistry.with_declared(declared))
    return merged


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


def optimize_store(store: Store, max_segments: int, jobs: int) -> OptimizeReport:
    """Merge ``store``'s segments down to ``max_segments`` (the run lock is held)."""
    from .manifest import load_manifest, save_manifest
    from .whoosh_internals import commit_with_segments, committed_segments

    started = time.perf_counter()
    generation = store.generation
    segments = committed_segments(store.ix)
    groups = plan_groups([s.doc_count_all() for s in segments], max_segments)
    merging = [[segments[p] for p in group] for group in groups if len(group) > 1]
    if not merging:
        return OptimizeReport(len(segments), len(segments), 0, 0, _ms_since(started))
    declared = read_declared_facets(store.path)
    context = worker_context()
    with context.Pool(max(1, min(jobs, len(merging))), initializer=_ignore_interrupts) as pool:
        try:
            pending = [
                pool.apply_async(_merge_group, (str(store.path), group, declared))
                for group in sorted(merging, key=lambda g: -sum(s.doc_count_all() for s in g))
            ]
            merged = [result.get() for result in pending]
        except BaseException:
            pool.terminate()  # their files are orphans; the next commit deletes them
            raise
    replaced = {s.segment_id() for group in merging for s in group}

    def keep_unmerged(writer, current):
        return [s for s in current if s.segment_id() not in replaced]

    writer = store.writer()
    commit_with_segments(writer, keep_unmerged, merged)
    store.sync()
    manifest = load_manifest(store.path)
    if manifest.generation == generation:
        manifest.generation = store.generation  # the same files and documents, merged
        save_manifest(store.path, manifest)
    after = len(segments) - len(replaced) + len(merged)
    documents = sum(s.doc_count_all() for group in merging for s in group)
    purged = sum(s.doc_count_all() - s.doc_count() for group in merging for s in group)
    return OptimizeReport(len(segments), after, documents, purged, _ms_since(started))


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
