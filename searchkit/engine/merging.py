"""Which segments a commit merges: tiers of similar size, and never the large ones.

Every update adds segments (one per indexing worker), and every segment costs each search a
little, so small segments must be merged. Whoosh's own policy merges only segments of a
few dozen documents, and merging rewrites every posting in pure Python (about 1 ms per
document), so merging large segments would make an update of a few files take minutes.
This policy merges a size tier (1-9, 10-99, ... documents) once it holds
``SEGMENTS_PER_TIER`` segments, as long as the merged segment stays under
``MAX_MERGED_DOCS``; segments whose documents are all deleted are dropped, and small
segments that are mostly deleted are merged away.
"""

from __future__ import annotations

from collections import defaultdict

SEGMENTS_PER_TIER = 8
MAX_MERGED_DOCS = 5_000  # a full worker segment (segments.SEGMENT_DOCUMENTS) is never merged


def _tier(documents: int) -> int:
    return len(str(max(documents, 1)))


def segments_to_merge(counts: list[tuple[int, int]]) -> set[int]:
    """Positions of the segments to merge, given (documents, live documents) per segment."""
    chosen: set[int] = set()
    tiers: dict[int, list[int]] = defaultdict(list)
    for position, (documents, live) in enumerate(counts):
        if live == 0:
            continue
        if live * 2 < documents and documents <= MAX_MERGED_DOCS:
            chosen.add(position)
        else:
            tiers[_tier(documents)].append(position)
    for members in tiers.values():
        if len(members) < SEGMENTS_PER_TIER:
            continue
        members.sort(key=lambda p: counts[p][0])
        picked, total = [], 0
        for position in members:
            total += counts[position][0]
            if total > MAX_MERGED_DOCS:
                break
            picked.append(position)
        if len(picked) > 1:  # merging one segment alone would only copy it
            chosen.update(picked)
    return chosen


def tiered_merge(writer, segments):
    """A Whoosh merge policy: merges the chosen segments into ``writer``'s new segment and
    returns the segments to keep as they are."""
    from .whoosh_internals import segment_reader

    counts = [(s.doc_count_all(), s.doc_count()) for s in segments]
    chosen = segments_to_merge(counts)
    keep = []
    for position, segment in enumerate(segments):
        if counts[position][1] == 0:
            continue  # every document deleted
        if position in chosen:
            reader = segment_reader(writer.storage, writer.schema, segment)
            try:
                writer.add_reader(reader)
            finally:
                reader.close()
        else:
            keep.append(segment)
    return keep
