"""The facet values of one segment, read from its columns once and kept beside it.

Reading a segment's sortable columns and turning them into per-value document sets costs
about two seconds for 100,000 documents in Python, which a command-line search would pay on
every start. A segment never changes after it is written (deletions live in the table of
contents), so the result is saved as ``<segment>.fct`` in the index directory; Whoosh's own
clean-up deletes it with the segment because it carries the segment's name. The writer
saves the files it lacks after each commit (``save_missing_facet_files``), so a search
process only loads them.

Per facet it holds the segment's distinct values, each value's number of documents, each
document's value ids (as compressed sparse rows: ``starts[n]:starts[n + 1]`` indexes
``ids``), which documents hold any value, and each value's documents: a bitmap of the
segment (one bit per document) for a value held by at least ``DENSE_SHARE`` of them, else
its sorted document numbers (four bytes each, smaller below 1/32). With V values over N
documents, full bitmaps would take V x N / 8 bytes; this takes about 4 bytes per (document,
value) pair plus N / 8 bytes per dense value, and there are at most 1 / DENSE_SHARE dense
values per value a document holds on average.

The file is a small header (its table of contents) followed by raw arrays. A search process
reads it whole (one read, no parsing) and keeps no file open: a searcher holds one file per
segment, and a merge may delete the file while an older searcher still uses it. A
facet's arrays are viewed in place, and its value names parsed, when that facet is first
counted or filtered. (A memory map would read less, but Python before 3.13 keeps a file
descriptor open for each map.)
"""

from __future__ import annotations

import marshal
import os
import struct
import threading
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from ..registry import DEFAULT_REGISTRY, FacetRegistry
from .facet_columns import (
    DENSE_SHARE,
    PARTS,
    FacetColumn,
    docnums_in,
    iter_docnums,
    mask_from_docnums,
)

__all__ = [
    "DENSE_SHARE",
    "FacetColumn",
    "SegmentFacets",
    "docnums_in",
    "iter_docnums",
    "mask_from_docnums",
    "segment_facets",
]

FILE_SUFFIX = ".fct"
MERGES_SUFFIX = ".vmg"
#: Bump when a facet's merge rule changes, so that saved merges are computed again.
MERGES_FORMAT = 1
#: Bump when the saved layout changes; files of another format are rebuilt.
FORMAT = 3
_MAGIC = b"SKFACETS"
_HEAD = struct.Struct("<8sII")  # magic, format, header length
_ALIGN = 8


class _Columns(Mapping):
    """A segment's columns by key, each read from the file on first use."""

    def __init__(self, keys, load):
        self._keys = list(keys)
        self._load = load
        self._loaded: dict[str, FacetColumn] = {}

    def __getitem__(self, key: str) -> FacetColumn:
        column = self._loaded.get(key)
        if column is None:
            if key not in self._keys:
                raise KeyError(key)
            column = self._loaded[key] = self._load(key)
        return column

    def __contains__(self, key) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def loaded(self) -> dict[str, FacetColumn]:
        """The columns read so far."""
        return dict(self._loaded)


class SegmentFacets:
    """Every facet of one segment, and each document's publication day (0: undated).

    Columns are keyed by the registry's ``FacetSpec.column``. ``declared`` is the
    fingerprint of the declared facets the file holds: when searchkit.toml declares other
    facets, the file is built again from the segment's stored fields.
    """

    def __init__(self, size: int, columns: Mapping[str, FacetColumn], days, declared: str = ""):
        self.size = size
        self.columns = columns
        self._days = days
        self.declared = declared
        self._dated: tuple | None = None

    @property
    def days(self):
        """Each document's publication day as an ordinal (0: undated)."""
        if callable(self._days):
            self._days, self._dated = self._days()
        return self._days

    @classmethod
    def from_reader(cls, reader, registry: FacetRegistry = DEFAULT_REGISTRY) -> SegmentFacets:
        size = reader.doc_count_all()
        columns = {}
        for spec in registry:
            if spec.declared or spec.column not in reader.schema:
                continue
            raw = (
                list(reader.column_reader(spec.column, translate=False))
                if reader.has_column(spec.column)
                else [b""] * size
            )
            if spec.multi:
                per_doc = [tuple(v.decode("utf-8").split(",")) if v else () for v in raw]
            else:
                per_doc = [(v.decode("utf-8"),) if v else () for v in raw]
            columns[spec.column] = FacetColumn.from_values(per_doc)
        if registry.declared:
            columns.update(declared_columns(reader, registry))
        days = array("q", [0]) * size
        if reader.has_column("published"):
            field = reader.schema["published"]
            missing = field.sortable_default() if hasattr(field, "sortable_default") else None
            for n, value in enumerate(reader.column_reader("published", translate=False)):
                if value and value != missing:
                    try:
                        days[n] = field.from_column_value(value).toordinal()
                    except (ValueError, OverflowError, TypeError):
                        pass
        return cls(size, columns, days, registry.fingerprint())

    def dated(self) -> tuple:
        """(days, document numbers) of the dated documents, in day order."""
        days = self.days
        if self._dated is None:
            pairs = sorted((d, n) for n, d in enumerate(days) if d)
            self._dated = array("q", [d for d, _ in pairs]), array("I", [n for _, n in pairs])
        return self._dated

    def to_bytes(self) -> bytes:
        blobs: list[bytes] = []
        at = [0]

        def put(data) -> tuple[int, int]:
            data = bytes(data)
            where = (at[0], len(data))
            padding = bytes(-len(data) % _ALIGN)
            blobs.append(data + padding)
            at[0] += len(data) + len(padding)
            return where

        dated_days, dated_docs = self.dated()
        toc = {
            "days": put(memoryview(self.days).cast("B")),
            "dated_days": put(memoryview(dated_days).cast("B")),
            "dated_docs": put(memoryview(dated_docs).cast("B")),
            "columns": {
                key: {
                    "names": put(marshal.dumps(list(column.names))),
                    **{part: put(view) for part, view in column.parts().items()},
                }
                for key, column in self.columns.items()
            },
        }
        header = marshal.dumps((self.size, self.declared, toc))
        start = _HEAD.size + len(header)
        start += -start % _ALIGN
        head = _HEAD.pack(_MAGIC, FORMAT, len(header)) + header
        return b"".join([head, bytes(start - len(head)), *blobs])

    @classmethod
    def from_bytes(cls, data) -> SegmentFacets | None:
        """The facets saved in ``data``, or None when it holds another format. Arrays stay
        views of ``data``: nothing is copied."""
        view = memoryview(data).cast("B")
        try:
            magic, version, length = _HEAD.unpack_from(view)
            if magic != _MAGIC or version != FORMAT:
                return None
            size, declared, toc = marshal.loads(view[_HEAD.size : _HEAD.size + length])
        except (EOFError, ValueError, TypeError, struct.error):
            return None
        start = _HEAD.size + length
        start += -start % _ALIGN

        def blob(where: tuple[int, int]) -> memoryview:
            return view[start + where[0] : start + where[0] + where[1]]

        def load_column(key: str) -> FacetColumn:
            where = toc["columns"][key]
            names = marshal.loads(blob(where["names"]))
            return FacetColumn(size, names, {part: blob(where[part]) for part in PARTS})

        def load_days():
            dated = (blob(toc["dated_days"]).cast("q"), blob(toc["dated_docs"]).cast("I"))
            return blob(toc["days"]).cast("q"), dated

        extents = [toc["days"], toc["dated_days"], toc["dated_docs"]]
        extents += [where for column in toc["columns"].values() for where in column.values()]
        if toc["days"][1] != 8 * size or any(start + a + n > len(view) for a, n in extents):
            return None  # a file cut short: built again
        return cls(size, _Columns(toc["columns"], load_column), load_days, declared)

    @classmethod
    def load(cls, path: Path) -> SegmentFacets | None:
        """The facets of a saved file."""
        return cls.from_bytes(path.read_bytes())


_cache: dict[tuple[str, str], SegmentFacets] = {}
_cache_lock = threading.Lock()


def _path(index_path: str, segment_id: str) -> Path:
    return Path(index_path) / f"{segment_id}{FILE_SUFFIX}"


def declared_columns(reader, registry: FacetRegistry) -> dict[str, FacetColumn]:
    """The columns of the declared facets, read from the segment's stored fields (they are
    not index fields, so a changed declaration needs no re-indexing)."""
    from .store import stored_document

    per_spec: dict[str, list[tuple[str, ...]]] = {s.column: [] for s in registry.declared}
    for stored in reader.all_stored_fields():
        doc = stored_document(stored, registry)
        for spec in registry.declared:
            per_spec[spec.column].append(doc.facets.get(spec.name, ()))
    return {column: FacetColumn.from_values(values) for column, values in per_spec.items()}


def segment_facets(
    index_path: str, reader, registry: FacetRegistry = DEFAULT_REGISTRY
) -> SegmentFacets:
    """The facets of a reader's segment: from this process's cache, the saved file, or its
    columns (then saved for the next process)."""
    segment_id = reader.segment().segment_id()
    key = (index_path, segment_id)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None and cached.declared == registry.fingerprint():
        return cached
    path = _path(index_path, segment_id)
    facets = None
    try:
        facets = SegmentFacets.load(path)
        if facets is not None and (
            facets.size != reader.doc_count_all() or facets.declared != registry.fingerprint()
        ):
            facets = None
    except OSError:
        pass
    if facets is None:
        facets = SegmentFacets.from_reader(reader, registry)
        _save(path, facets)
    with _cache_lock:
        _cache[key] = facets
    return facets


def _save(path: Path, facets: SegmentFacets) -> None:
    _write(path, facets.to_bytes())


def _write(path: Path, data: bytes) -> None:
    """Write atomically; a read-only index simply goes without the file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def saved_merges(
    index_path: str, segment_ids: Sequence[str], key: str, compute: Callable[[], dict]
) -> dict[str, str]:
    """``compute()`` (a facet's merged values, which depend on the values of every segment)
    saved for this set of segments, or computed and saved: a search process then need not
    read every value of the facet to label its hits. The file carries the first segment's
    name, so Whoosh's clean-up deletes it with that segment; another set of segments (a
    commit) or another ``key`` computes it again."""
    if not segment_ids:
        return compute()
    path = Path(index_path) / f"{segment_ids[0]}{MERGES_SUFFIX}"
    stamp = (MERGES_FORMAT, tuple(segment_ids))
    saved: dict = {}
    try:
        found_stamp, saved = marshal.loads(path.read_bytes())
        if found_stamp != stamp:
            saved = {}
    except (OSError, EOFError, ValueError, TypeError):
        pass
    if key in saved:
        return saved[key]
    merges = saved[key] = compute()
    _write(path, marshal.dumps((stamp, saved)))
    return merges


def forget_other_segments(index_path: str, current: set[str]) -> None:
    """Drop cached segments of this index that a merge has replaced, so a long-running
    process does not keep every segment it has ever seen."""
    with _cache_lock:
        for key in [k for k in _cache if k[0] == index_path and k[1] not in current]:
            del _cache[key]


def save_segment_facets(
    index_path: str, reader, registry: FacetRegistry = DEFAULT_REGISTRY
) -> SegmentFacets:
    """Read a segment's columns and save its facet file."""
    facets = SegmentFacets.from_reader(reader, registry)
    _save(_path(index_path, reader.segment().segment_id()), facets)
    return facets


def save_missing_facet_files(
    index_path: str, ix, registry: FacetRegistry = DEFAULT_REGISTRY
) -> None:
    """Save the facet file of every segment that lacks one (the writer, after a commit):
    segments the writer merged or wrote itself; workers save their own."""
    from .whoosh_internals import committed_segments, segment_reader

    for segment in committed_segments(ix):
        if segment.doc_count_all() and not _path(index_path, segment.segment_id()).exists():
            reader = segment_reader(ix.storage, ix.schema, segment)
            try:
                save_segment_facets(index_path, reader, registry)
            finally:
                reader.close()


def rederive_declared_facets(index_path: str, ix, registry: FacetRegistry) -> tuple[int, dict]:
    """Rewrite every segment's facet file for a changed set of declared facets, from the
    stored fields (no source file is read). Returns the number of documents whose declared
    values changed, and per declared facet the number of documents holding a value."""
    from .whoosh_internals import committed_segments, segment_reader

    changed = 0
    holding = {spec.name: 0 for spec in registry.declared}
    for segment in committed_segments(ix):
        if not segment.doc_count_all():
            continue
        path = _path(index_path, segment.segment_id())
        try:
            old = SegmentFacets.load(path)
        except OSError:
            old = None
        reader = segment_reader(ix.storage, ix.schema, segment)
        try:
            new = save_segment_facets(index_path, reader, registry)
            deleted = set(segment.deleted_docs())
        finally:
            reader.close()
        for n in range(new.size):
            if n in deleted:
                continue
            if _declared_values(old, n) != _declared_values(new, n):
                changed += 1
            for spec in registry.declared:
                column = new.columns.get(spec.column)
                if column is not None and column.starts[n + 1] > column.starts[n]:
                    holding[spec.name] += 1
    with _cache_lock:
        for key in [k for k in _cache if k[0] == index_path]:
            del _cache[key]
    return changed, holding


def _declared_values(facets: SegmentFacets | None, n: int) -> dict[str, tuple[str, ...]]:
    if facets is None:
        return {}
    out = {}
    for key, column in facets.columns.items():
        if key.startswith("declared:"):
            values = tuple(
                column.names[i] for i in column.ids[column.starts[n] : column.starts[n + 1]]
            )
            if values:
                out[key] = values
    return out
