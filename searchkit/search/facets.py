"""Facet counting and filtering on bitmaps, outside Whoosh's grouped collector.

For each facet value we keep the set of documents that carry it as a Python int used as a
bitmap (bit n = global document number n). Counting a value over the matching documents is
then one AND and one popcount in C, instead of Whoosh's per-match Python loop; filters are
ORs and ANDs of the same bitmaps, which also gives multi-select counts for free: a facet's
counts use every filter but its own.

The bitmaps are built from the segments' sortable columns, once per segment, and cached for
the life of the process; segments never change after they are written (deletions are
applied through the live-documents bitmap), so the cache never goes stale.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import threading
from array import array
from collections.abc import Iterable

from .. import model

#: Facet name -> the column it is counted from, and whether a document may hold several values.
FACET_COLUMNS = {
    "actor": ("actor", True),
    "country": ("country", True),
    "source_type": ("source_type", False),
    "source": ("source", False),
    "language": ("language", False),
    "month": ("month", False),
}
# Below this share of matching documents, walking them beats one AND per facet value.
SPARSE_SCOPE = 1 / 64


def mask_from_docnums(docnums: Iterable[int], size: int) -> int:
    """A bitmap with the given document numbers set."""
    buf = bytearray((size + 7) // 8)
    for n in docnums:
        buf[n >> 3] |= 1 << (n & 7)
    return int.from_bytes(buf, "little")


def docnums_in(mask: int) -> list[int]:
    """The document numbers set in a bitmap, ascending."""
    out = []
    data = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
    for i, byte in enumerate(data):
        while byte:
            low = byte & -byte
            out.append((i << 3) + low.bit_length() - 1)
            byte ^= low
    return out


class SegmentFacets:
    """The facet values of one segment's documents, read from its columns."""

    def __init__(self, reader):
        self.size = reader.doc_count_all()
        self.values: dict[str, list[tuple[str, ...]]] = {}
        for facet, (column, multi) in FACET_COLUMNS.items():
            if column not in reader.schema:
                continue
            raw = (
                list(reader.column_reader(column, translate=False))
                if reader.has_column(column)
                else [b""] * self.size
            )
            if multi:
                self.values[facet] = [tuple(v.decode("utf-8").split(",")) if v else () for v in raw]
            else:
                self.values[facet] = [(v.decode("utf-8"),) if v else () for v in raw]
        self.days = array("l", [0]) * self.size
        if reader.has_column("published"):
            field = reader.schema["published"]
            missing = field.sortable_default() if hasattr(field, "sortable_default") else None
            for n, value in enumerate(reader.column_reader("published", translate=False)):
                if value and value != missing:
                    try:
                        self.days[n] = field.from_column_value(value).toordinal()
                    except (ValueError, OverflowError, TypeError):
                        pass


_PERSON_NAME = re.compile(r"[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){1,3}")
_SURNAME = re.compile(r"[A-Z][\w'’-]+")


def surname_merges(actors: Iterable[str]) -> dict[str, str]:
    """Surname-only actor values that name one person across the index -> the full name.

    Extraction resolves "Macron" to "Emmanuel Macron" within a document; an article that
    only ever says "Goncharenko" is resolved here, when exactly one full name in the index
    ends with that surname. Full names are two to four capitalised words (no "of", so no
    organisation); an ambiguous surname (two Johnsons) stays as it is.
    """
    names = set(actors)
    by_surname: dict[str, set[str]] = {}
    for name in names:
        if _PERSON_NAME.fullmatch(name):
            by_surname.setdefault(name.rsplit(" ", 1)[1], set()).add(name)
    return {
        surname: next(iter(full))
        for surname, full in by_surname.items()
        if len(full) == 1 and surname in names and _SURNAME.fullmatch(surname)
    }


_segment_cache: dict[tuple[str, str], SegmentFacets] = {}
_cache_lock = threading.Lock()


def _forget_other_segments(index_path: str, current: set[str]) -> None:
    """Drop cached segments of this index that a merge has replaced, so a long-running
    process does not keep every segment it has ever seen. Searchers already open keep the
    tables they built."""
    with _cache_lock:
        for key in [k for k in _segment_cache if k[0] == index_path and k[1] not in current]:
            del _segment_cache[key]


def _segment_facets(index_path: str, reader) -> SegmentFacets:
    key = (index_path, reader.segment().segment_id())
    with _cache_lock:
        cached = _segment_cache.get(key)
    if cached is None:
        cached = SegmentFacets(reader)
        with _cache_lock:
            _segment_cache[key] = cached
    return cached


class FacetTable:
    """Bitmaps of every facet value over all documents of one searcher's segments."""

    def __init__(self, index_path: str, searcher):
        leaves = searcher.reader().leaf_readers()
        self.size = searcher.reader().doc_count_all()
        self.doc_values: dict[str, list[tuple[str, ...]]] = {f: [] for f in FACET_COLUMNS}
        self.days = array("l")
        live = []
        _forget_other_segments(
            index_path, {r.segment().segment_id() for r, _ in leaves if r.segment() is not None}
        )
        for reader, offset in leaves:
            if reader.segment() is None:  # an empty index has one reader and no segment
                continue
            seg = _segment_facets(index_path, reader)
            for facet in FACET_COLUMNS:
                self.doc_values[facet].extend(seg.values.get(facet) or [()] * seg.size)
            self.days.extend(seg.days)
            deleted = set(reader.segment().deleted_docs())
            live.extend(offset + n for n in range(seg.size) if n not in deleted)
        self.live = mask_from_docnums(live, self.size)
        self.actor_names = surname_merges(
            {v for values in self.doc_values["actor"] for v in values}
        )
        if self.actor_names:
            self.doc_values["actor"] = [
                tuple(dict.fromkeys(self.actor_names.get(v, v) for v in values))
                for values in self.doc_values["actor"]
            ]
        self.masks: dict[str, dict[str, int]] = {}
        for facet, per_doc in self.doc_values.items():
            members: dict[str, list[int]] = {}
            for n, values in enumerate(per_doc):
                for v in values:
                    members.setdefault(v, []).append(n)
            self.masks[facet] = {
                v: mask_from_docnums(docs, self.size) & self.live for v, docs in members.items()
            }
        self.masks["year"] = {}
        for month, mask in self.masks["month"].items():
            year = month[:4]
            self.masks["year"][year] = self.masks["year"].get(year, 0) | mask
        self.doc_values["year"] = [tuple(m[:4] for m in v) for v in self.doc_values["month"]]
        self.has_value: dict[str, int] = {}
        for facet, masks in self.masks.items():
            union = 0
            for mask in masks.values():
                union |= mask
            self.has_value[facet] = union
        dated = sorted((d, n) for n, d in enumerate(self.days) if d)
        self._date_keys = [d for d, _ in dated]
        self._date_docs = [n for _, n in dated]
        self._date_cache: dict[tuple[int, int], int] = {}

    # -- filters ----------------------------------------------------------------------------

    def values_mask(self, facet: str, values: Iterable[str]) -> int:
        """Documents with any of ``values`` (exact facet values)."""
        masks = self.masks.get(facet, {})
        out = 0
        for v in values:
            out |= masks.get(v, 0)
        return out

    def date_mask(self, since: dt.date | None, until: dt.date | None) -> int:
        """Documents published in [since, until] (inclusive); undated ones never match."""
        lo = since.toordinal() if since else 1
        hi = until.toordinal() if until else 10**7
        key = (lo, hi)
        if key not in self._date_cache:
            a = bisect.bisect_left(self._date_keys, lo)
            b = bisect.bisect_right(self._date_keys, hi)
            if len(self._date_cache) > 64:
                self._date_cache.clear()
            self._date_cache[key] = mask_from_docnums(self._date_docs[a:b], self.size) & self.live
        return self._date_cache[key]

    def latest_first(self, scope: int, count: int) -> list[int]:
        """Up to ``count`` documents of ``scope``, newest first, undated ones last."""
        if scope.bit_count() * 8 < len(self._date_docs):
            docs = docnums_in(scope)
            docs.sort(key=lambda n: -self.days[n])
            return docs[:count]
        out = []
        bits = scope.to_bytes((self.size + 7) // 8, "little")
        for n in reversed(self._date_docs):
            if bits[n >> 3] >> (n & 7) & 1:
                out.append(n)
                if len(out) == count:
                    return out
        for n in docnums_in(scope):
            if not self.days[n]:
                out.append(n)
                if len(out) == count:
                    break
        return out

    # -- counting ---------------------------------------------------------------------------

    def count(self, facet: str, scope: int) -> tuple[list[tuple[str, int]], int]:
        """(value, count) pairs with count > 0, largest first, and the count with no value."""
        masks = self.masks.get(facet, {})
        scope_size = scope.bit_count()
        if not scope_size:
            return [], 0
        counts: dict[str, int] = {}
        if scope_size < self.size * SPARSE_SCOPE or scope_size < len(masks):
            missing = 0
            per_doc = self.doc_values[facet]
            for n in docnums_in(scope):
                values = per_doc[n]
                if not values:
                    missing += 1
                for v in values:
                    counts[v] = counts.get(v, 0) + 1
        else:
            for v, mask in masks.items():
                c = (mask & scope).bit_count()
                if c:
                    counts[v] = c
            missing = (scope & ~self.has_value.get(facet, 0)).bit_count()
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return ranked, missing


def facet_result(
    table: FacetTable,
    name: str,
    scope: int,
    limit: int,
    selected: Iterable[str] = (),
    label=None,
    interval: str = "month",
) -> model.Facet:
    """A model.Facet for ``name`` over ``scope``; dates count by month or year, in date order."""
    chosen = set(selected)
    if name == "date":
        ranked, missing = table.count(interval, scope)
        ranked.sort(key=lambda kv: kv[0])  # a histogram reads in time order
        shown = ranked[-limit:] if limit else ranked
    else:
        ranked, missing = table.count(name, scope)
        shown = ranked[:limit] if limit else ranked
    values = tuple(model.FacetValue(v, label(v) if label else v, c, v in chosen) for v, c in shown)
    return model.Facet(name, values, missing, len(ranked))
