"""One committed state of the index, read through Whoosh: the engine side of a search.

``search.searcher`` decides what a search does (filters, facets, the page, suggestions);
everything it needs from the index comes through a ``Snapshot``: the query parsed onto the
index's fields, the bitmap of matching documents, the best-scored page, stored documents,
facet files, vocabulary look-ups for spelling, and terms for "more like this". No Whoosh
object leaves this module except inside a ``ParsedQuery``, which only the snapshot reads.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator

from whoosh import query as wq
from whoosh.idsets import DocIdSet

from ..model import Document
from ..registry import FacetRegistry
from . import ranking
from .analysis import language_field, text_analyzer
from .facet_files import (
    SegmentFacets,
    forget_other_segments,
    iter_docnums,
    mask_from_docnums,
    saved_merges,
    segment_facets,
)
from .query_evaluation import QueryEvaluation
from .query_tree import ParsedQuery
from .store import Store, stored_document


class _MaskFilter(DocIdSet):
    """A bitmap as the allow-list Whoosh's collector checks each candidate against."""

    def __init__(self, mask: int, size: int):
        self._bits = mask.to_bytes((size + 7) // 8 + 1, "little")

    def __contains__(self, n):
        return bool(self._bits[n >> 3] >> (n & 7) & 1)

    def __bool__(self):
        return True


def _unscored(allowed: int, ranked: set[int], count: int) -> list[tuple[int, float]]:
    """The first ``count`` documents of ``allowed`` not in ``ranked``, with score 0."""
    unscored = (n for n in iter_docnums(allowed) if n not in ranked)
    return [(n, 0.0) for n in itertools.islice(unscored, max(count, 0))]


class Snapshot:
    """A Whoosh searcher over the newest commit, with what a search reads from it."""

    def __init__(self, store: Store, registry: FacetRegistry):
        self.path = str(store.path)
        self.settings = store.settings
        self.registry = registry
        weighting = ranking.ranking_model(store.settings.languages)
        for attempt in range(5):
            searcher = None
            try:
                searcher = store.ix.searcher(weighting=weighting)
                self._segments = self._load_facets(searcher)
                break
            except FileNotFoundError:
                if searcher is not None:
                    searcher.close()
                # A commit replaced the segments between our reading the table of
                # contents and opening their files: read the new one.
                if attempt == 4:
                    raise
                time.sleep(0.01 * (attempt + 1))
        self._searcher = searcher
        reader = searcher.reader()
        self.size = reader.doc_count_all()
        self.languages = tuple(
            lang
            for lang in self.settings.languages
            if reader.field_length(f"body_{lang}") or reader.field_length(f"title_{lang}")
        )

    def _load_facets(self, searcher) -> list[tuple[SegmentFacets, int, set[int]]]:
        leaves = [(r, o) for r, o in searcher.reader().leaf_readers() if r.segment() is not None]
        self._segment_ids = [r.segment().segment_id() for r, _ in leaves]
        forget_other_segments(self.path, set(self._segment_ids))
        return [
            (segment_facets(self.path, r, self.registry), offset, set(r.segment().deleted_docs()))
            for r, offset in leaves
        ]

    # -- what the facet table is built from ------------------------------------------------

    def facet_segments(self) -> list[tuple[SegmentFacets, int]]:
        """Each segment's facet file and the number of its first document."""
        return [(facets, offset) for facets, offset, _ in self._segments]

    def saved_merges(self, facet: str, compute) -> dict[str, str]:
        """A facet's merged values (``compute()``), saved for this commit's segments."""
        key = f"{facet}\n{self.registry.fingerprint()}"
        return saved_merges(self.path, self._segment_ids, key, compute)

    def live_mask(self) -> int:
        """Bitmap of the documents not deleted."""
        # Bits cleared in a byte array: clearing them in the int would copy it each time.
        live = bytearray(b"\xff") * ((self.size + 7) // 8)
        for _, offset, deleted in self._segments:
            for n in deleted:
                n += offset
                live[n >> 3] &= ~(1 << (n & 7))
        return int.from_bytes(live, "little") & ((1 << self.size) - 1)

    # -- matching and ranking --------------------------------------------------------------

    @property
    def reader(self):
        """The Whoosh reader, for the query parser's expansions (engine use only)."""
        return self._searcher.reader()

    def evaluate(self, parsed: ParsedQuery) -> tuple[int, QueryEvaluation]:
        """Every document the query matches (deleted ones included), and the evaluation
        that scores a page of them."""
        evaluation = QueryEvaluation(self._searcher, parsed.query)
        mask = evaluation.mask
        if mask is None:  # phrases, prefixes, fuzzy terms: Whoosh walks them
            mask = mask_from_docnums(self._searcher.docs_for_query(parsed.query), self.size)
        return mask, evaluation

    def top(
        self, parsed: ParsedQuery, evaluation: QueryEvaluation, allowed: int, count: int
    ) -> list[tuple[int, float]]:
        """The ``count`` best documents of ``allowed``, best first, with their scores."""
        ranked = evaluation.top(allowed, count)
        if ranked is None:
            # Always the bitmap as the allow-list: the hits are then exactly among the counted
            # documents, even where Whoosh's matchers disagree (AndNot keeps documents holding
            # the excluded word; tests/test_query_evaluation.py).
            results = self._searcher.search(
                parsed.query, limit=count, filter=_MaskFilter(allowed, self.size)
            )
            ranked = [(results.docnum(i), results.score(i)) for i in range(results.scored_length())]
        if len(ranked) < count:
            # Documents matched through NOT alone hold no scored term: they follow, with
            # score 0, in document order, so that the hits agree with the total.
            ranked += _unscored(allowed, {n for n, _ in ranked}, count - len(ranked))
        return ranked

    # -- documents -------------------------------------------------------------------------

    def document(self, docnum: int) -> Document:
        return stored_document(self._searcher.stored_fields(docnum), self.registry)

    def docnum(self, doc_id: str) -> int | None:
        return self._searcher.document_number(id=doc_id)

    def record_of(self, docnum: int) -> int | None:
        """The record number of a document of a JSON Lines or JSON file (None otherwise)."""
        extra = self._searcher.stored_fields(docnum).get("extra")
        return json.loads(extra or "{}").get("record")

    def docnums_of_path(self, path: str) -> list[int]:
        """The documents of one source file, in record order."""
        return sorted(self._searcher.document_numbers(path=path))

    def documents(self) -> Iterator[Document]:
        reader = self._searcher.reader()
        for docnum in range(reader.doc_count_all()):
            if not reader.is_deleted(docnum):
                yield self.document(docnum)

    def document_count(self) -> int:
        return self._searcher.doc_count()

    def segment_count(self) -> int:
        return len(self._segments)

    # -- vocabulary, for spelling ----------------------------------------------------------

    def is_known(self, word: str) -> bool:
        """Whether any document's title or body holds ``word`` (stop words count as known)."""
        reader = self._searcher.reader()
        for lang in self.languages:
            terms = [t.text for t in text_analyzer(lang, self.settings.stemming)(word)]
            if not terms:
                return True
            for kind in ("body", "title"):
                if reader.doc_frequency(f"{kind}_{lang}", terms[0]):
                    return True
        return False

    def terms_near(self, word: str, max_edits: int) -> list[tuple[str, str, int]]:
        """(field, term, document frequency) of the body terms within ``max_edits`` edits of
        ``word`` as each language analyses it (the first letter kept)."""
        reader = self._searcher.reader()
        out = []
        for lang in self.languages:
            terms = [t.text for t in text_analyzer(lang, self.settings.stemming)(word)]
            if not terms:
                continue
            fieldname = f"body_{lang}"
            for term in reader.terms_within(fieldname, terms[0], max_edits, prefix=1):
                out.append((fieldname, term, reader.doc_frequency(fieldname, term)))
        return out

    def word_frequencies(self, words: Iterable[str]) -> dict[str, tuple[str, str, int]]:
        """word -> (body field, term, document frequency) for the words whose term some
        document's body holds, in the language where it is most frequent (stop words are
        left out: they are not indexed)."""
        reader = self._searcher.reader()
        words = list(words)
        out: dict[str, tuple[str, str, int]] = {}
        for lang in self.languages:
            analyzer = text_analyzer(lang, self.settings.stemming)
            fieldname = f"body_{lang}"
            for word in words:
                terms = [t.text for t in analyzer(word)]
                frequency = reader.doc_frequency(fieldname, terms[0]) if terms else 0
                if frequency > out.get(word, ("", "", 0))[2]:
                    out[word] = (fieldname, terms[0], frequency)
        return out

    def written_forms(self, fieldname: str, term: str, documents: int = 3) -> Counter[str]:
        """How often each word the field's analyzer turns into ``term`` is written in the
        first ``documents`` documents holding it ("instructors": 3, "instructor": 1)."""
        counts: Counter[str] = Counter()
        matcher = self._searcher.reader().postings(fieldname, term)
        analyzer = self._searcher.schema[fieldname].analyzer
        for _ in range(documents):
            if not matcher.is_active():
                break
            body = self._searcher.stored_fields(matcher.id()).get("body") or ""
            tokens = analyzer(body[:200_000], chars=True, removestops=False)
            counts.update(body[t.startchar : t.endchar].lower() for t in tokens if t.text == term)
            matcher.next()
        return counts

    def is_written(self, fieldname: str, term: str, word: str, documents: int = 30) -> bool:
        """Whether ``word`` (which the field's analyzer turns into ``term``) is written in
        one of the first ``documents`` documents holding ``term``."""
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
        matcher = self._searcher.reader().postings(fieldname, term)
        for _ in range(documents):
            if not matcher.is_active():
                break
            if pattern.search(self._searcher.stored_fields(matcher.id()).get("body") or ""):
                return True
            matcher.next()
        return False

    def surface_forms(self, fieldname: str, term: str) -> list[str]:
        """The words of one document holding ``term`` that the field's analyzer turns into
        it ("instructors" for "instructor")."""
        matcher = self._searcher.reader().postings(fieldname, term)
        body = self._searcher.stored_fields(matcher.id()).get("body") or ""
        analyzer = self._searcher.schema[fieldname].analyzer
        tokens = analyzer(body[:200_000], chars=True, removestops=False)
        return sorted({body[t.startchar : t.endchar].lower() for t in tokens if t.text == term})

    # -- more like this --------------------------------------------------------------------

    def similar(self, docnum: int, limit: int) -> tuple[list[tuple[int, float]], list[str]]:
        """Documents sharing the most distinctive terms of ``docnum`` (best first, itself
        left out), and those terms."""
        doc = self.document(docnum)
        lang = language_field(doc.language) if self.settings.stemming else "xx"
        fieldname = f"body_{lang}"
        reader = self._searcher.reader()
        n_docs = max(1, reader.doc_count())
        analyzer = text_analyzer(lang, self.settings.stemming)
        tf = Counter(t.text for t in analyzer(f"{doc.title}\n{doc.body}"[:50_000]))
        weights = []
        for term, freq in tf.items():
            df = reader.doc_frequency(fieldname, term)
            if 1 < df < n_docs * 0.5:
                weights.append((freq * math.log(n_docs / df), term))
        top = [term for _, term in sorted(weights, reverse=True)[:25]]
        if not top:
            return [], []
        results = self._searcher.search(
            wq.Or([wq.Term(fieldname, t) for t in top]), limit=limit + 1
        )
        ranked = [
            (results.docnum(i), results.score(i))
            for i in range(results.scored_length())
            if results.docnum(i) != docnum
        ]
        return ranked[:limit], top

    def close(self) -> None:
        self._searcher.close()
