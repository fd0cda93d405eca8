"""Run one search: parse, match, filter, rank the page, count facets, suggest a spelling.

Matching documents are collected once, unscored, as a bitmap; filters and facet counts work
on bitmaps (see facets.py); only the page of hits is scored and ranked by Whoosh (BM25F).
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.idsets import DocIdSet

from .. import model
from ..engine.analysis import language_field, text_analyzer
from ..engine.schema import IndexSettings
from ..engine.store import stored_document
from ..errors import UsageError
from .facets import FacetTable, facet_result, mask_from_docnums
from .matchset import QueryEvaluation
from .query import parse_date, parse_query
from .snippets import clean_text, make_snippet

FILTER_FACETS = ("actor", "country", "source_type", "source", "language")
SORTS = ("relevance", "date")
DATE_INTERVALS = ("year", "month")
MAX_CORRECTIONS = 3


@dataclass(frozen=True)
class SearchRequest:
    """Everything a search needs besides the index; validated by ``Index.search``."""

    text: str = ""
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    since: dt.date | None = None
    until: dt.date | None = None
    facets: Sequence[str] = model.DEFAULT_FACETS
    facet_limit: int = 10
    date_interval: str = "month"
    sort: str = "relevance"
    limit: int = 10
    page: int = 1
    raw: bool = False
    match: str = "all"
    snippets: bool = True


class _MaskFilter(DocIdSet):
    """A bitmap as the allow-list Whoosh's collector checks each candidate against."""

    def __init__(self, mask: int, size: int):
        self._bits = mask.to_bytes((size + 7) // 8 + 1, "little")

    def __contains__(self, n):
        return bool(self._bits[n >> 3] >> (n & 7) & 1)

    def __bool__(self):
        return True


def coerce_date(value: str | dt.date | None, end: bool = False) -> dt.date | None:
    """A --since/--until value as a date; a UsageError says what was wrong."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return parse_date(value, end=end)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def present_languages(searcher, settings: IndexSettings) -> tuple[str, ...]:
    reader = searcher.reader()
    return tuple(
        lang
        for lang in settings.languages
        if reader.field_length(f"body_{lang}") or reader.field_length(f"title_{lang}")
    )


class SearchContext:
    """A Whoosh searcher with its facet bitmaps: one committed state of the index."""

    def __init__(self, index_path: str, searcher, settings: IndexSettings):
        self.searcher = searcher
        self.settings = settings
        self.table = FacetTable(index_path, searcher)
        self.languages = present_languages(searcher, settings)

    def close(self) -> None:
        self.searcher.close()

    # -- filters ----------------------------------------------------------------------------

    def resolve_values(self, facet: str, values: Sequence[str]) -> list[str]:
        """User-typed filter values -> the exact facet values they select."""
        known = self.table.values(facet)
        out: list[str] = []
        for value in values:
            if facet == "country":
                from ..extract.countries import resolve_country

                code = resolve_country(value)
                if code is None:
                    raise UsageError(f"unknown country {value!r}: use a name or an ISO code")
                out.append(code)
            elif facet == "source_type":
                if value.lower() not in model.SOURCE_TYPES:
                    raise UsageError(
                        f"unknown source type {value!r}: use one of {', '.join(model.SOURCE_TYPES)}"
                    )
                out.append(value.lower())
            elif facet == "language":
                out.append(value.strip().lower())
            else:
                out.extend(_match_names(value, known))
        return out

    def filter_masks(
        self, request: SearchRequest, selected: dict[str, list[str]]
    ) -> dict[str, int]:
        """One bitmap per filtered facet, from the already resolved ``selected`` values."""
        masks = {facet: self.table.values_mask(facet, values) for facet, values in selected.items()}
        if request.since or request.until:
            masks["date"] = self.table.date_mask(request.since, request.until)
        return masks

    # -- the search -------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> model.SearchResults:
        started = time.perf_counter()
        table = self.table
        parsed = parse_query(
            request.text,
            self.languages,
            self.settings.stemming,
            raw=request.raw,
            match=request.match,
            reader=self.searcher.reader(),
        )
        evaluation = None
        if parsed.match_all:
            matched = table.live
        else:
            evaluation = QueryEvaluation(self.searcher, parsed.query)
            matched = evaluation.mask
            if matched is None:  # phrases, prefixes, fuzzy terms: Whoosh walks them
                matched = mask_from_docnums(self.searcher.docs_for_query(parsed.query), table.size)
            matched &= table.live
        selected = {f: self.resolve_values(f, v) for f, v in request.filters.items() if v}
        filters = self.filter_masks(request, selected)
        final = matched
        for mask in filters.values():
            final &= mask
        total = final.bit_count()

        offset = (request.page - 1) * request.limit
        hits = []
        if request.limit and total > offset:
            hits = self._page(parsed, evaluation, final, request, offset)

        facets = []
        for name in request.facets:
            scope = matched
            for other, mask in filters.items():
                if other != name:
                    scope &= mask
            label = _label_function(name)
            facets.append(
                facet_result(
                    table,
                    name,
                    scope,
                    request.facet_limit,
                    selected.get(name, ()),
                    label,
                    request.date_interval,
                )
            )
        suggestion = self.suggest(request.text, parsed.words) if parsed.words else None
        return model.SearchResults(
            query=request.text,
            total=total,
            page=request.page,
            limit=request.limit,
            sort=request.sort,
            hits=tuple(hits),
            facets=tuple(facets),
            suggestion=suggestion,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
        )

    def _page(
        self, parsed, evaluation, final: int, request: SearchRequest, offset: int
    ) -> list[model.Hit]:
        want = offset + request.limit
        if request.sort == "date" or parsed.match_all:
            ranked = [(n, 0.0) for n in self.table.latest_first(final, want)]
        else:
            ranked = evaluation.top(final, want) if evaluation else None
            if ranked is None:
                # Always the bitmap as the allow-list: the hits are then exactly among the
                # counted documents, even where Whoosh's matchers disagree (AndNot keeps
                # documents holding the excluded word; tests/test_matchset.py).
                allow = _MaskFilter(final, self.table.size)
                results = self.searcher.search(parsed.query, limit=want, filter=allow)
                ranked = [
                    (results.docnum(i), results.score(i)) for i in range(results.scored_length())
                ]
        hits = []
        for rank, (docnum, score) in enumerate(ranked[offset:want], start=offset + 1):
            doc = stored_document(self.searcher.stored_fields(docnum))
            hits.append(self.hit(doc, rank, score or 0.0, parsed.words, request.snippets))
        return hits

    def hit(
        self,
        doc: model.Document,
        rank: int,
        score: float,
        words: Sequence[str],
        snippets: bool = True,
    ) -> model.Hit:
        snippet, spans = (
            make_snippet(doc.body or doc.title, words, doc.language, self.settings.stemming)
            if snippets
            else ("", ())
        )
        return model.Hit(
            id=doc.id,
            rank=rank,
            score=round(float(score), 4),
            title=clean_text(doc.title),
            path=doc.path if doc.record is None else f"{doc.path}:{doc.record}",
            url=doc.url,
            published=doc.published,
            source=doc.source,
            source_type=doc.source_type,
            language=doc.language,
            actors=tuple(dict.fromkeys(self.table.actor_names.get(a, a) for a in doc.actors)),
            countries=doc.countries,
            snippet=snippet,
            highlights=spans,
        )

    # -- spelling ---------------------------------------------------------------------------

    def suggest(self, text: str, words: Sequence[str]) -> str | None:
        """The query with each word the index does not know replaced by its best correction."""
        suggestion = text
        changed = False
        unknown = [w for w in words if not self._known(w)]
        for word in unknown[:MAX_CORRECTIONS]:  # each correction scans the vocabulary
            best = self._correction(word)
            if best and best != word.lower():
                pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)

                def keep_case(m: re.Match, best: str = best) -> str:
                    return best.capitalize() if m.group()[:1].isupper() else best

                suggestion, n = pattern.subn(keep_case, suggestion, count=1)
                changed = changed or bool(n)
        return suggestion if changed else None

    def _correction(self, word: str) -> str | None:
        """The most frequent indexed word within two edits of ``word``, as it is written in
        a document ("instrutors" -> "instructors"), not as its stem ("instructor")."""
        reader = self.searcher.reader()
        best: tuple[int, str, str] | None = None
        for lang in self.languages:
            analyzer = text_analyzer(lang, self.settings.stemming)
            terms = [t.text for t in analyzer(word)]
            if not terms:
                continue
            fieldname = f"body_{lang}"
            for term in reader.terms_within(fieldname, terms[0], 2, prefix=1):
                freq = reader.doc_frequency(fieldname, term)
                if best is None or freq > best[0]:
                    best = (freq, fieldname, term)
        if best is None:
            return None
        _, fieldname, term = best
        forms = self._surfaces(fieldname, term)
        return difflib.get_close_matches(word.lower(), forms, n=1, cutoff=0)[0] if forms else term

    def _surfaces(self, fieldname: str, term: str) -> list[str]:
        """The words of a document that the field's analyzer turns into ``term``."""
        matcher = self.searcher.reader().postings(fieldname, term)
        body = self.searcher.stored_fields(matcher.id()).get("body") or ""
        analyzer = self.searcher.schema[fieldname].analyzer
        tokens = analyzer(body[:200_000], chars=True, removestops=False)
        return sorted({body[t.startchar : t.endchar].lower() for t in tokens if t.text == term})

    def _known(self, word: str) -> bool:
        reader = self.searcher.reader()
        for lang in self.languages:
            terms = [t.text for t in text_analyzer(lang, self.settings.stemming)(word)]
            if not terms:
                return True  # a stop word is never "unknown"
            for kind in ("body", "title"):
                if reader.doc_frequency(f"{kind}_{lang}", terms[0]):
                    return True
        return False

    # -- more like this ---------------------------------------------------------------------

    def similar(self, docnum: int, limit: int) -> list[model.Hit]:
        """Documents sharing the most distinctive terms of document ``docnum``."""
        doc = stored_document(self.searcher.stored_fields(docnum))
        lang = language_field(doc.language) if self.settings.stemming else "xx"
        fieldname = f"body_{lang}"
        reader = self.searcher.reader()
        n_docs = max(1, reader.doc_count())
        tf = Counter(
            t.text
            for t in text_analyzer(lang, self.settings.stemming)(
                f"{doc.title}\n{doc.body}"[:50_000]
            )
        )
        weights = []
        for term, freq in tf.items():
            df = reader.doc_frequency(fieldname, term)
            if 1 < df < n_docs * 0.5:
                weights.append((freq * math.log(n_docs / df), term))
        top = [term for _, term in sorted(weights, reverse=True)[:25]]
        if not top:
            return []
        q = wq.Or([wq.Term(fieldname, t) for t in top])
        results = self.searcher.search(q, limit=limit + 1)
        hits = []
        for i in range(results.scored_length()):
            n = results.docnum(i)
            if n == docnum:
                continue
            other = stored_document(self.searcher.stored_fields(n))
            hits.append(self.hit(other, len(hits) + 1, results.score(i), top[:8]))
        return hits[:limit]


def _match_names(value: str, known: Iterable[str]) -> list[str]:
    """Facet values a user's text selects: the exact value (any case), or else every value
    containing all its words, so "Macron" selects "Emmanuel Macron"."""
    wanted = value.strip().lower()
    exact = [v for v in known if v.lower() == wanted]
    if exact:
        return exact
    words = set(re.findall(r"\w+", wanted))
    if not words:
        return []
    return [v for v in known if words <= set(re.findall(r"\w+", v.lower()))]


def _label_function(facet: str):
    if facet == "country":
        from ..extract.countries import country_label

        return country_label
    if facet == "language":
        from ..extract.language import language_label

        return language_label
    return None
