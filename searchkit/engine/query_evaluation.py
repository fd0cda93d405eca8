"""The documents a query matches, as a bitmap, and the best-scored page of them, without
Whoosh's matcher trees.

Counting facets needs every match, unscored. Whoosh finds them by walking a tree of union
and intersection matchers one document at a time, several Python calls per posting, and
then walks the tree again, in every segment, to score the page. Here each term is looked
up once per segment and its posting list read a block of ids at a time: the ids become a
bitmap (AND, OR and NOT are int operations in C), and the ids and weights are kept so that
the page is scored from them, for the documents left after the filters, with the same
BM25F as Whoosh's (``ranking``). Only plain terms and their combinations are evaluated
here; for anything else (phrases, prefixes, fuzzy terms, ranges, weighted ORs)
``QueryEvaluation.mask`` is None and the caller asks Whoosh.

Posting blocks are read through ``whoosh_internals.posting_blocks``.
"""

from __future__ import annotations

import heapq
from itertools import chain

from whoosh import query as wq
from whoosh.reading import TermNotFound
from whoosh.scoring import bm25

from .facet_files import mask_from_docnums
from .query_tree import DocumentSet
from .ranking import rsj_idf
from .whoosh_internals import field_b, posting_blocks


class _Unsupported(Exception):
    pass


class _TermPostings:
    """One term of one field: per segment, its posting ids and weights (block by block)."""

    def __init__(self, searcher, fieldname: str, btext: bytes):
        self.fieldname = fieldname
        # offset of the segment's first document -> (its reader, id blocks, weight blocks)
        self.segments: dict[int, tuple] = {}
        self.doc_frequency = 0
        for reader, offset in searcher.reader().leaf_readers():
            try:
                terminfo = reader.term_info(fieldname, btext)
            except (TermNotFound, KeyError):
                continue
            self.doc_frequency += terminfo.doc_frequency()
            id_blocks, weight_blocks = [], []
            for ids, weights in posting_blocks(reader, fieldname, btext, terminfo):
                id_blocks.append(ids)
                weight_blocks.append(weights)
            self.segments[offset] = (reader, id_blocks, weight_blocks)

    def mask(self, offset: int, size: int) -> int:
        """The bitmap of this term's documents in the segment starting at ``offset``."""
        if offset not in self.segments:
            return 0
        return mask_from_docnums(chain.from_iterable(self.segments[offset][1]), size)


class QueryEvaluation:
    """A query evaluated once: ``mask`` (every matching document, deleted ones included; None
    when the query has a node evaluated only by Whoosh) and ``top`` for the scored page."""

    def __init__(self, searcher, query):
        self.searcher = searcher
        self.query = query
        self._terms: dict[tuple[str, bytes], _TermPostings] = {}
        self._node_masks: dict[int, int] = {}  # id(node) -> its bitmap, for scoring
        try:
            self.mask = self._mask_of(query)
        except _Unsupported:
            self.mask = None

    def _postings(self, fieldname: str, text) -> _TermPostings | None:
        schema = self.searcher.schema
        if fieldname not in schema:
            return None
        try:
            btext = schema[fieldname].to_bytes(text)
        except ValueError:
            return None
        key = (fieldname, btext)
        if key not in self._terms:
            self._terms[key] = _TermPostings(self.searcher, fieldname, btext)
        return self._terms[key]

    def _mask_of(self, q) -> int:
        if id(q) in self._node_masks:
            return self._node_masks[id(q)]
        mask = 0
        for reader, offset in self.searcher.reader().leaf_readers():
            size = reader.doc_count_all()
            if size:
                mask |= self._evaluate(q, offset, size) << offset
        self._node_masks[id(q)] = mask
        return mask

    def _evaluate(self, q, offset: int, size: int) -> int:
        kind = type(q)
        if kind is wq.Term:
            postings = self._postings(q.fieldname, q.text)
            return postings.mask(offset, size) if postings else 0
        if kind is wq.And:
            mask = (1 << size) - 1
            for sub in q.subqueries:
                mask &= self._evaluate(sub, offset, size)
                if not mask:
                    break
            return mask
        if kind is wq.Or and not q.minmatch:
            mask = 0
            for sub in q.subqueries:
                mask |= self._evaluate(sub, offset, size)
            return mask
        if kind is wq.AndNot:
            positive = self._evaluate(q.a, offset, size)
            return positive & ~self._evaluate(q.b, offset, size) if positive else 0
        if kind is wq.Not:
            return ((1 << size) - 1) & ~self._evaluate(q.query, offset, size)
        if kind is DocumentSet:  # a declared facet's value: already a bitmap
            return (q.mask >> offset) & ((1 << size) - 1)
        if kind is wq.Every and not q.fieldname:
            return (1 << size) - 1
        if isinstance(q, type(wq.NullQuery)):
            return 0
        raise _Unsupported(kind.__name__)

    def _scored_terms(self, q, boost: float, context: int, out: list) -> None:
        """(field, text, boost, documents) of every term that adds to a score, in tree order:
        a term counts only for documents where every AND above it matches, as Whoosh's
        union matcher adds only the children that match. Raises _Unsupported for nodes
        whose scoring is not a plain sum."""
        kind = type(q)
        boost *= q.boost
        if kind is wq.Term:
            out.append((q.fieldname, q.text, boost, context))
        elif kind is wq.And:
            context &= self._mask_of(q)
            for sub in q.subqueries:
                self._scored_terms(sub, boost, context, out)
        elif kind is wq.Or and not q.minmatch and q.scale is None:
            for sub in q.subqueries:
                self._scored_terms(sub, boost, context, out)
        elif kind is wq.AndNot:
            self._scored_terms(q.a, boost, context & self._mask_of(q), out)
        elif not (kind is wq.Not or kind is DocumentSet or isinstance(q, type(wq.NullQuery))):
            raise _Unsupported(kind.__name__)

    def top(self, allowed: int, k: int) -> list[tuple[int, float]] | None:
        """The ``k`` best documents of ``allowed``, best first, ties by lower document number
        (as Whoosh); None when the query is not a plain sum of term scores.

        A document's score is the sum, over the query's terms it holds, of each term's
        BM25F weight times its boost: what Whoosh's union and intersection matchers add.
        """
        if self.mask is None:
            return None
        terms: list = []
        try:
            self._scored_terms(self.query, 1.0, allowed, terms)
        except _Unsupported:
            return None
        searcher = self.searcher
        weighting = searcher.weighting
        n_docs = searcher.doc_count_all()
        scores: dict[int, float] = {}
        for fieldname, text, boost, context in terms:
            postings = self._postings(fieldname, text)
            if postings is None or not postings.segments or not context:
                continue
            bits = context.to_bytes((context.bit_length() + 7) // 8 + 1, "little")
            limit = len(bits) * 8
            # BM25F as ranking.RankingModel and Whoosh's BM25FScorer compute it.
            idf = rsj_idf(n_docs, postings.doc_frequency)
            avgfl = searcher.avg_field_length(fieldname) or 1
            b = field_b(weighting, fieldname)
            k1 = weighting.K1
            for offset, (reader, id_blocks, weight_blocks) in postings.segments.items():
                length_of = reader.doc_field_length  # as Whoosh's scorer calls it
                for ids, weights in zip(id_blocks, weight_blocks, strict=True):
                    for i, n in enumerate(ids):
                        g = n + offset
                        if g < limit and bits[g >> 3] >> (g & 7) & 1:
                            length = length_of(n, fieldname, 1)
                            s = bm25(idf, weights[i], length, avgfl, b, k1) * boost
                            scores[g] = scores.get(g, 0.0) + s
        best = heapq.nsmallest(k, ((-s, n) for n, s in scores.items()))
        return [(n, -negated) for negated, n in best]
