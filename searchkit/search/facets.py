"""Facet counting and filtering on bitmaps, outside Whoosh's grouped collector.

For each facet value we keep the set of documents that carry it as a Python int used as a
bitmap (bit n = global document number n). Counting a value over the matching documents is
then one AND and one popcount in C, instead of Whoosh's per-match Python loop; filters are
ORs and ANDs of the same bitmaps, which also gives multi-select counts for free: a facet's
counts use every filter but its own. When few documents match, counting walks them and
their value ids instead.

The per-segment data comes from the engine's facet files (saved beside each segment); a
value's index-wide bitmap is assembled from the segments' bitmaps or document numbers the
first time it is needed and kept for the life of the searcher. Only common values get one
when a facet is counted: a value held by fewer than ``DENSE_SHARE`` of the documents is
counted from its document numbers (or by walking the matching documents), so that a facet
of 100,000 rare actors over a million documents does not hold 100,000 bitmaps of 125 KB.
Facets are named as in the registry; the pseudo-facets "month" and "year" count the date
facet's buckets.
"""

from __future__ import annotations

import bisect
import datetime as dt
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from operator import itemgetter

from .. import model
from ..engine import facet_columns
from ..engine.facet_files import SegmentFacets, docnums_in, mask_from_docnums
from ..registry import DATE, FacetRegistry, FacetSpec

__all__ = ["FacetTable", "docnums_in", "facet_result", "mask_from_docnums"]

# Below this share of matching documents, walking them beats one AND per facet value.
SPARSE_SCOPE = 1 / 64
#: Walking one matching document costs about as much as checking 8 document numbers of
#: rare values, or setting up the count of one value 1/5 times: the cheaper is chosen.
WALKED_PER_RARE = 1 / 8
WALKED_PER_VALUE = 5


class FacetTable:
    """Bitmaps of every facet value over all documents of one searcher's segments."""

    def __init__(
        self,
        segments: list[tuple[SegmentFacets, int]],
        size: int,
        live: int,
        registry: FacetRegistry,
        saved_merges: Callable[[str, Callable[[], dict]], dict] | None = None,
    ):
        # (segment facets, offset of its first document) in document-number order
        self.segments = segments
        self.size = size
        self.live = live
        self.registry = registry
        # (facet, compute) -> the facet's merges, kept beside the index for the next process
        self._saved_merges = saved_merges
        self._columns = {s.name: s.column for s in registry}
        self._columns.update(month="month", year="month")
        self._stored_names: dict[str, set[str]] = {}
        self._values: dict[str, set[str]] = {}
        self._merges: dict[str, dict[str, str]] = {}
        self._masks: dict[tuple[str, str], int] = {}
        self._has_value: dict[str, int] = {}
        self._counts: dict[str, Counter] = {}
        self._dense_values: dict[str, set[str]] = {}
        self._live_counts: dict[str, tuple[list[tuple[str, int]], int]] = {}
        self._date_cache: dict[tuple[int, int], int] = {}
        self._days: array | None = None
        self._dated: tuple[list[int], list[int]] | None = None

    # -- values -----------------------------------------------------------------------------

    def _names(self, facet: str) -> set[str]:
        """The stored values of a facet across the segments."""
        column = self._columns[facet]
        names = self._stored_names.get(facet)
        if names is None:
            names = self._stored_names[facet] = {
                name
                for seg, _ in self.segments
                if column in seg.columns
                for name in seg.columns[column].names
            }
        return names

    def merges(self, facet: str) -> dict[str, str]:
        """Stored values of a facet that count as another value (its ``merge_values``)."""
        merge = self._merges.get(facet)
        if merge is None:
            spec = self.registry.get(facet)
            rule = spec.merge_values if spec is not None else None
            if rule is None:
                merge = {}
            elif self._saved_merges is None:
                merge = rule(self._value_counts(facet))
            else:
                merge = self._saved_merges(facet, lambda: rule(self._value_counts(facet)))
            self._merges[facet] = merge
        return merge

    def _value_counts(self, facet: str) -> Counter:
        """Documents per stored value of a facet (a merge labels a value by frequency)."""
        column = self._columns[facet]
        counts: Counter = Counter()
        for seg, _ in self.segments:
            col = seg.columns.get(column)
            if col is not None:
                for name, n in zip(col.names, col.counts, strict=True):
                    counts[name] += n
        return counts

    @property
    def actor_names(self) -> dict[str, str]:
        """Surname-only actors -> the one full name they are merged with."""
        return self.merges("actor")

    def values(self, facet: str) -> set[str]:
        """Every value of a facet in the index (actors after the surname merge)."""
        values = self._values.get(facet)
        if values is None:
            if facet == "year":
                values = {m[:4] for m in self._names("month")}
            elif merge := self.merges(facet):
                values = {merge.get(n, n) for n in self._names(facet)}
            else:
                values = self._names(facet)
            self._values[facet] = values
        return values

    def _sources(self, facet: str, value: str) -> tuple[str, list[str]]:
        """The column and the stored values that make up one facet value."""
        if facet == "year":
            return "month", [m for m in self._names("month") if m.startswith(value)]
        merge = self.merges(facet)
        if merge:
            merged = [s for s, full in merge.items() if full == value]
            return facet, [value, *merged] if value not in merge else []
        return facet, [value]

    def mask(self, facet: str, value: str) -> int:
        """Live documents holding ``value`` (assembled from the segments once, then kept)."""
        key = (facet, value)
        mask = self._masks.get(key)
        if mask is None:
            column, stored = self._sources(facet, value)
            mask = 0
            for seg, offset in self.segments:
                col = seg.columns.get(self._columns[column])
                if col is None:
                    continue
                for name in stored:
                    i = col.position(name)
                    if i is not None:
                        mask |= col.mask(i) << offset
            mask = self._masks[key] = mask & self.live
        return mask

    def has_value(self, facet: str) -> int:
        """Live documents holding any value of the facet."""
        if facet not in self._has_value:
            column = self._columns[facet]
            union = 0
            for seg, offset in self.segments:
                col = seg.columns.get(column)
                if col is not None:
                    union |= col.holding() << offset
            self._has_value[facet] = union & self.live
        return self._has_value[facet]

    def _stored_counts(self, facet: str) -> Counter:
        """Documents per facet value (deleted ones included), merged values summed."""
        counts = self._counts.get(facet)
        if counts is None:
            stored = self._value_counts("month" if facet == "year" else facet)
            merge = {} if facet == "year" else self.merges(facet)
            counts = Counter()
            for name, n in stored.items():
                counts[_facet_value(facet, name, merge)] += n
            self._counts[facet] = counts
        return counts

    def _rare_documents(self, facet: str) -> int:
        """How many document numbers the facet's rare values hold (0 when none is rare)."""
        dense = self._dense(facet)
        return sum(n for v, n in self._stored_counts(facet).items() if v not in dense)

    def _dense(self, facet: str) -> set[str]:
        """The values held by at least ``DENSE_SHARE`` of the documents: counted by bitmap."""
        dense = self._dense_values.get(facet)
        if dense is None:
            least = self.size * facet_columns.DENSE_SHARE
            counts = self._stored_counts(facet)
            dense = self._dense_values[facet] = {v for v, n in counts.items() if n >= least}
        return dense

    # -- dates ------------------------------------------------------------------------------

    @property
    def days(self) -> array:
        if self._days is None:
            days = array("q")
            for seg, _ in self.segments:
                days.frombytes(memoryview(seg.days).cast("B"))
            self._days = days
        return self._days

    # -- filters ----------------------------------------------------------------------------

    def values_mask(self, facet: str, values: Iterable[str]) -> int:
        """Documents with any of ``values`` (exact facet values)."""
        out = 0
        for v in values:
            out |= self.mask(facet, v)
        return out

    def date_mask(self, since: dt.date | None, until: dt.date | None) -> int:
        """Documents published in [since, until] (inclusive); undated ones never match."""
        lo = since.toordinal() if since else 1
        hi = until.toordinal() if until else 10**7
        key = (lo, hi)
        if key not in self._date_cache:
            mask = 0
            for seg, offset in self.segments:
                days, docs = seg.dated()
                a = bisect.bisect_left(days, lo)
                b = bisect.bisect_right(days, hi)
                if b > a:
                    mask |= mask_from_docnums(docs[a:b], seg.size) << offset
            if len(self._date_cache) > 64:
                self._date_cache.clear()
            self._date_cache[key] = mask & self.live
        return self._date_cache[key]

    def _dated_docs(self) -> tuple[list[int], list[int]]:
        if self._dated is None:
            dated = sorted((d, n) for n, d in enumerate(self.days) if d)
            self._dated = [d for d, _ in dated], [n for _, n in dated]
        return self._dated

    def latest_first(self, scope: int, count: int) -> list[int]:
        """Up to ``count`` documents of ``scope``, newest first, undated ones last."""
        _, dated_docs = self._dated_docs()
        if scope.bit_count() * 8 < len(dated_docs):
            docs = docnums_in(scope)
            docs.sort(key=lambda n: -self.days[n])
            return docs[:count]
        out = []
        bits = scope.to_bytes((self.size + 7) // 8, "little")
        for n in reversed(dated_docs):
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
        scope_size = scope.bit_count()
        if not scope_size:
            return [], 0
        if scope == self.live:  # every document (a first page, a facet browser): kept
            if facet not in self._live_counts:
                self._live_counts[facet] = self._count(facet, scope, scope_size)
            ranked, missing = self._live_counts[facet]
            return list(ranked), missing
        return self._count(facet, scope, scope_size)

    def _count(self, facet: str, scope: int, scope_size: int) -> tuple[list, int]:
        # (the index's values are gathered only when enough documents match to need them)
        walk = scope_size < self.size * SPARSE_SCOPE or scope_size < len(self.values(facet))
        dense, rare = set(), 0
        if not walk:
            dense, rare = self._dense(facet), self._rare_documents(facet)
            cost = rare * WALKED_PER_RARE + len(self.values(facet)) * WALKED_PER_VALUE
            walk = bool(rare) and cost > scope_size
        if walk:
            # Few matching documents, or rare values holding more documents than match:
            # walking the matching documents is cheaper.
            counts, missing = self._count_sparse(facet, scope)
        else:
            counts = self._count_rare(facet, scope, dense) if rare else {}
            for v in dense:
                c = (self.mask(facet, v) & scope).bit_count()
                if c:
                    counts[v] = c
            missing = (scope & ~self.has_value(facet)).bit_count()
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return ranked, missing

    def _count_rare(self, facet: str, scope: int, dense: set[str]) -> dict[str, int]:
        """Counts of the values not in ``dense``, from each segment's document numbers (or
        bitmaps: a value rare in the index can be common in one segment)."""
        column = self._columns[facet]
        merge = {} if facet == "year" else self.merges(facet)
        shared = set(merge.values())  # values made of several stored values
        counts: dict[str, int] = {}
        for seg, offset in self.segments:
            local = (scope >> offset) & ((1 << seg.size) - 1)
            col = seg.columns.get(column)
            if not local or col is None:
                continue
            # One character per document ("1": in scope): itemgetter then picks a value's
            # documents in C, and str.count counts them.
            flags = format(local, f"0{seg.size}b")[::-1]
            found: dict[str, int] = {}  # bitmaps of the shared values' documents
            for i, name in enumerate(col.names):
                value = _facet_value(facet, name, merge)
                if value in dense:
                    continue
                if facet == "year" or value in shared:  # a document counts once per value
                    found[value] = found.get(value, 0) | (col.mask(i) & local)
                elif col.is_dense(i):
                    counts[value] = counts.get(value, 0) + (col.mask(i) & local).bit_count()
                elif docs := col.docnums(i):
                    picked = itemgetter(*docs)(flags) if len(docs) > 1 else flags[docs[0]]
                    counts[value] = counts.get(value, 0) + picked.count("1")
            for value, docs in found.items():
                counts[value] = counts.get(value, 0) + docs.bit_count()
        return {value: n for value, n in counts.items() if n}

    def _count_sparse(self, facet: str, scope: int) -> tuple[dict[str, int], int]:
        """Walk the matching documents of each segment and count their value ids."""
        column = self._columns[facet]
        merge = {} if facet == "year" else self.merges(facet)
        counts: dict[str, int] = {}
        missing = 0
        for seg, offset in self.segments:
            local = (scope >> offset) & ((1 << seg.size) - 1)
            if not local:
                continue
            col = seg.columns.get(column)
            if col is None:
                missing += local.bit_count()
                continue
            ids, starts, names = col.ids, col.starts, col.names
            if facet == "year" or merge:
                # Several stored values can make one facet value (two months of a year,
                # "Macron" and "Emmanuel Macron"): each document counts once per value.
                for n in docnums_in(local):
                    a, b = starts[n], starts[n + 1]
                    if a == b:
                        missing += 1
                    for v in {_facet_value(facet, names[i], merge) for i in ids[a:b]}:
                        counts[v] = counts.get(v, 0) + 1
                continue
            by_id: dict[int, int] = {}
            for n in docnums_in(local):
                a, b = starts[n], starts[n + 1]
                if a == b:
                    missing += 1
                for i in ids[a:b]:
                    by_id[i] = by_id.get(i, 0) + 1
            for i, c in by_id.items():
                counts[names[i]] = counts.get(names[i], 0) + c
        return counts, missing


def _facet_value(facet: str, stored: str, merge: dict[str, str]) -> str:
    if facet == "year":
        return stored[:4]
    return merge.get(stored, stored)


def facet_result(
    table: FacetTable,
    spec: FacetSpec,
    scope: int,
    limit: int,
    selected: Iterable[str] = (),
    interval: str = "month",
) -> model.Facet:
    """A model.Facet for ``spec`` over ``scope``; dates count by month or year, in date
    order. Selected values are always listed, even when their count is outside the top
    ``limit`` or zero, so a user sees what they chose."""
    chosen = list(dict.fromkeys(selected))
    if spec.kind == DATE:
        ranked, missing = table.count(interval, scope)
        ranked.sort(key=lambda kv: kv[0])  # a histogram reads in time order
        shown = ranked[-limit:] if limit else ranked
    else:
        ranked, missing = table.count(spec.name, scope)
        shown = ranked[:limit] if limit else ranked
        listed = {v for v, _ in shown}
        counts = dict(ranked)
        shown = shown + [(v, counts.get(v, 0)) for v in chosen if v not in listed]
    values = tuple(model.FacetValue(v, spec.label_value(v), c, v in chosen) for v, c in shown)
    return model.Facet(spec.name, values, missing, len(ranked))
