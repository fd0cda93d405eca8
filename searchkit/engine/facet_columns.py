"""One facet of one segment in memory: its values, each document's values, and each value's
documents as a bitmap (common values) or sorted document numbers (rare ones).

``facet_files`` saves and reads these arrays; ``search.facets`` counts and filters with them.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping

#: A value held by at least this share of a segment's documents is kept as a bitmap; rarer
#: ones as document numbers (4 bytes each: the smaller of the two below 1/32).
DENSE_SHARE = 1 / 32


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


def _bitmap_bytes(docnums, size: int) -> bytearray:
    buf = bytearray((size + 7) // 8)
    for n in docnums:
        buf[n >> 3] |= 1 << (n & 7)
    return buf


def _uints(data) -> memoryview:
    return memoryview(data).cast("B").cast("I")


class FacetColumn:
    """One facet of one segment: its values, each document's values, each value's documents.

    The arrays are memory views, of the file's bytes or of the bytes just built; ``names``
    is a list of str."""

    def __init__(self, size: int, names: list[str], parts: Mapping[str, memoryview]):
        self.size = size
        self.names = names
        self.ids = _uints(parts["ids"])
        self.starts = _uints(parts["starts"])
        self.counts = _uints(parts["counts"])  # per value: how often the ids hold it
        # value i's documents are data[offsets[i]:offsets[i + 1]], a bitmap if dense[i]
        self.offsets = memoryview(parts["offsets"]).cast("B").cast("Q")
        self.dense = memoryview(parts["dense"]).cast("B")
        self.data = memoryview(parts["data"]).cast("B")
        self.present = memoryview(parts["present"]).cast("B")
        self._positions: dict[str, int] | None = None

    @classmethod
    def from_values(cls, per_doc: list[tuple[str, ...]]) -> FacetColumn:
        index: dict[str, int] = {}
        ids, starts = array("I"), array("I", [0])
        members: list[list[int]] = []
        size = len(per_doc)
        present = bytearray((size + 7) // 8)
        for n, values in enumerate(per_doc):
            for value in values:
                i = index.get(value)
                if i is None:
                    i = index[value] = len(members)
                    members.append([])
                ids.append(i)
                members[i].append(n)
            if len(ids) > starts[-1]:
                present[n >> 3] |= 1 << (n & 7)
            starts.append(len(ids))
        counts, offsets, dense, data = array("I"), array("Q", [0]), bytearray(), bytearray()
        for docs in members:
            counts.append(len(docs))
            unique = list(dict.fromkeys(docs))
            if len(unique) >= size * DENSE_SHARE:
                dense.append(1)
                data += _bitmap_bytes(unique, size)
                data += bytes(-len(data) % 4)
            else:
                dense.append(0)
                data += array("I", unique).tobytes()
            offsets.append(len(data))
        parts = dict(
            ids=ids, starts=starts, counts=counts, offsets=offsets, dense=dense, data=data,
            present=present,
        )  # fmt: skip
        return cls(size, list(index), {k: memoryview(v).cast("B") for k, v in parts.items()})

    def parts(self) -> dict[str, memoryview]:
        return {key: getattr(self, key) for key in PARTS}

    def nbytes(self) -> int:
        """Bytes of the arrays and of the value names (a measure for benchmarks)."""
        names = sum(len(n) + 49 for n in self.names) + 8 * len(self.names)
        return names + sum(part.nbytes for part in self.parts().values())

    def is_dense(self, i: int) -> bool:
        return bool(self.dense[i])

    def docnums(self, i: int):
        """The documents holding value ``i``, ascending."""
        if self.dense[i]:
            return iter_docnums(self.mask(i))
        return self.data[self.offsets[i] : self.offsets[i + 1]].cast("I")

    def mask(self, i: int) -> int:
        """The bitmap of the documents holding value ``i``."""
        start = self.offsets[i]
        if self.dense[i]:
            return int.from_bytes(self.data[start : start + (self.size + 7) // 8], "little")
        return mask_from_docnums(self.docnums(i), self.size)

    def holding(self) -> int:
        """The bitmap of the documents holding any value."""
        return int.from_bytes(self.present, "little")

    def position(self, name: str) -> int | None:
        """The id of a value in this segment, or None."""
        if self._positions is None:
            self._positions = {n: i for i, n in enumerate(self.names)}
        return self._positions.get(name)


PARTS = ("ids", "starts", "counts", "offsets", "dense", "data", "present")
