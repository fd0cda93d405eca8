"""The facet values of one segment, read from its columns once and kept beside it.

Reading a segment's sortable columns and turning them into per-value bitmaps costs about
two seconds for 100,000 documents in Python, which a command-line search would pay on every
start. A segment never changes after it is written (deletions live in the table of
contents), so the result is saved as ``<segment>.fct`` in the index directory; Whoosh's own
clean-up deletes it with the segment because it carries the segment's name. The writer
saves the files it lacks after each commit (``save_missing_facet_files``), so a search
process only loads them.

Per facet it holds the segment's distinct values, each document's value ids (as compressed
sparse rows: ``starts[n]:starts[n + 1]`` indexes ``ids``) and each value's bitmap of local
document numbers, zlib-compressed: a value held by 1% of 100,000 documents takes about 400
bytes instead of 12,500. Bitmaps are decompressed on first use.
"""

from __future__ import annotations

import marshal
import os
import threading
import zlib
from array import array
from pathlib import Path

from ..registry import DEFAULT_REGISTRY, FacetRegistry

FILE_SUFFIX = ".fct"
#: Bump when the saved layout changes; files of another format are rebuilt.
FORMAT = 2


def iter_docnums(mask: int):
    """The document numbers set in a bitmap, ascending, one at a time."""
    for i, byte in enumerate(mask.to_bytes((mask.bit_length() + 7) // 8, "little")):
        while byte:
            low = byte & -byte
            yield (i << 3) + low.bit_length() - 1
            byte ^= low


def docnums_in(mask: int) -> list[int]:
    """The document numbers set in a bitmap, ascending."""
    return list(iter_docnums(mask))


def mask_from_docnums(docnums, size: int) -> int:
    """A bitmap with the given document numbers set."""
    return int.from_bytes(_bitmap_bytes(docnums, size), "little")


class FacetColumn:
    """One facet of one segment: its values, each document's values, each value's bitmap."""

    def __init__(self, names: list[str], ids: array, starts: array, packed: list[bytes]):
        self.names = names
        self.ids = ids
        self.starts = starts
        self.packed = packed
        self._masks: dict[int, int] = {}
        self._positions: dict[str, int] | None = None

    @classmethod
    def from_values(cls, per_doc: list[tuple[str, ...]]) -> FacetColumn:
        index: dict[str, int] = {}
        ids, starts = array("I"), array("I", [0])
        members: list[list[int]] = []
        for n, values in enumerate(per_doc):
            for value in values:
                i = index.get(value)
                if i is None:
                    i = index[value] = len(members)
                    members.append([])
                ids.append(i)
                members[i].append(n)
            starts.append(len(ids))
        size = len(per_doc)
        packed = [zlib.compress(_bitmap_bytes(docs, size), 1) for docs in members]
        return cls(list(index), ids, starts, packed)

    def mask(self, i: int) -> int:
        mask = self._masks.get(i)
        if mask is None:
            mask = self._masks[i] = int.from_bytes(zlib.decompress(self.packed[i]), "little")
        return mask

    def position(self, name: str) -> int | None:
        """The id of a value in this segment, or None."""
        if self._positions is None:
            self._positions = {n: i for i, n in enumerate(self.names)}
        return self._positions.get(name)


def _bitmap_bytes(docnums, size: int) -> bytes:
    buf = bytearray((size + 7) // 8)
    for n in docnums:
        buf[n >> 3] |= 1 << (n & 7)
    return bytes(buf)


class SegmentFacets:
    """Every facet of one segment, and each document's publication day (0: undated).

    Columns are keyed by the registry's ``FacetSpec.column``. ``declared`` is the
    fingerprint of the declared facets the file holds: when searchkit.toml declares other
    facets, the file is built again from the segment's stored fields.
    """

    def __init__(self, size: int, columns: dict[str, FacetColumn], days: array, declared: str = ""):
        self.size = size
        self.columns = columns
        self.days = days
        self.declared = declared
        self._dated: tuple[array, array] | None = None

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
        days = array("l", [0]) * size
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

    def dated(self) -> tuple[array, array]:
        """(days, document numbers) of the dated documents, in day order."""
        if self._dated is None:
            pairs = sorted((d, n) for n, d in enumerate(self.days) if d)
            self._dated = array("l", [d for d, _ in pairs]), array("l", [n for _, n in pairs])
        return self._dated

    def to_bytes(self) -> bytes:
        columns = {
            facet: (c.names, c.ids.tobytes(), c.starts.tobytes(), c.packed)
            for facet, c in self.columns.items()
        }
        return marshal.dumps((FORMAT, self.size, columns, self.days.tobytes(), self.declared))

    @classmethod
    def from_bytes(cls, data: bytes) -> SegmentFacets | None:
        try:
            version, size, saved, days_bytes, declared = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None
        if version != FORMAT:
            return None
        columns = {}
        for facet, (names, ids_bytes, starts_bytes, packed) in saved.items():
            ids, starts = array("I"), array("I")
            ids.frombytes(ids_bytes)
            starts.frombytes(starts_bytes)
            columns[facet] = FacetColumn(names, ids, starts, packed)
        days = array("l")
        days.frombytes(days_bytes)
        if len(days) != size:
            return None
        return cls(size, columns, days, declared)


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
        facets = SegmentFacets.from_bytes(path.read_bytes())
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
    """Write atomically; a read-only index simply goes without the file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(facets.to_bytes())
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


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
            old = SegmentFacets.from_bytes(path.read_bytes())
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
