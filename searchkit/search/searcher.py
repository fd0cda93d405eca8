"""Run one search: parse, match, filter, rank the page, count facets, suggest a spelling.

Matching documents are collected once, unscored, as a bitmap; filters and facet counts work
on bitmaps (see facets.py); only the page of hits is scored and ranked (BM25F). Everything
read from the index comes through the engine's ``Snapshot``.
"""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Sequence

from .. import model
from ..engine.snapshot import Snapshot
from ..registry import FacetRegistry, FacetSpec
from .facets import FacetTable, facet_result
from .query import parse_query
from .request import SearchRequest
from .snippets import clean_text, make_snippet

MAX_CORRECTIONS = 3


class SearchContext:
    """One committed state of the index with its facet bitmaps, ready to search."""

    def __init__(self, snapshot: Snapshot, registry: FacetRegistry):
        self.snapshot = snapshot
        self.registry = registry
        self.table = FacetTable(
            snapshot.facet_segments(), snapshot.size, snapshot.live_mask(), registry
        )

    def close(self) -> None:
        self.snapshot.close()

    # -- filters ----------------------------------------------------------------------------

    def resolve_values(
        self, spec: FacetSpec, values: Sequence[str], notices: list[str]
    ) -> list[str]:
        """User-typed filter values -> the exact facet values they select. A value that no
        document holds adds a notice naming some values that exist: never a silent 0."""
        known = self.table.values(spec.name)
        out: list[str] = []
        for value in values:
            found = [v for v in spec.resolve(value, known) if v in known]
            if not found:
                some = ", ".join(sorted(known)[:8]) + (", ..." if len(known) > 8 else "")
                notices.append(
                    f"no document has {spec.label.lower()} {value!r}"
                    + (f"; known: {some}" if known else "")
                )
            out.extend(found)
        return list(dict.fromkeys(out))

    def _declared_mask(self, spec: FacetSpec, value: str) -> int:
        return self.table.values_mask(spec.name, spec.resolve(value, self.table.values(spec.name)))

    # -- the search -------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> model.SearchResults:
        started = time.perf_counter()
        table = self.table
        snapshot = self.snapshot
        parsed = parse_query(
            request.text,
            snapshot.languages,
            snapshot.settings.stemming,
            raw=request.raw,
            match=request.match,
            reader=snapshot.reader,
            registry=self.registry,
            facet_mask=self._declared_mask,
        )
        evaluation = None
        if parsed.match_all:
            matched = table.live
        else:
            matched, evaluation = snapshot.evaluate(parsed)
            matched &= table.live
        notices: list[str] = []
        selected = {
            name: self.resolve_values(self.registry[name], values, notices)
            for name, values in request.filters.items()
            if values
        }
        filters = {name: table.values_mask(name, values) for name, values in selected.items()}
        if request.since or request.until:
            filters["date"] = table.date_mask(request.since, request.until)
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
            spec = self.registry[name]
            facets.append(
                facet_result(
                    table,
                    spec,
                    scope,
                    request.facet_limit,
                    selected.get(name, ()),
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
            notices=tuple(notices),
        )

    def _page(
        self, parsed, evaluation, final: int, request: SearchRequest, offset: int
    ) -> list[model.Hit]:
        want = offset + request.limit
        if request.sort == "date" or parsed.match_all:
            ranked = [(n, 0.0) for n in self.table.latest_first(final, want)]
        else:
            ranked = self.snapshot.top(parsed, evaluation, final, want)
        hits = []
        for rank, (docnum, score) in enumerate(ranked[offset:want], start=offset + 1):
            doc = self.snapshot.document(docnum)
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
            make_snippet(
                doc.body or doc.title, words, doc.language, self.snapshot.settings.stemming
            )
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
            facets=dict(doc.facets),
        )

    # -- spelling ---------------------------------------------------------------------------

    def suggest(self, text: str, words: Sequence[str]) -> str | None:
        """The query with each word the index does not know replaced by its best correction."""
        suggestion = text
        changed = False
        unknown = [w for w in words if not self.snapshot.is_known(w)]
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
        best: tuple[int, str, str] | None = None
        for fieldname, term, freq in self.snapshot.terms_near(word, 2):
            if best is None or freq > best[0]:
                best = (freq, fieldname, term)
        if best is None:
            return None
        _, fieldname, term = best
        forms = self.snapshot.surface_forms(fieldname, term)
        return difflib.get_close_matches(word.lower(), forms, n=1, cutoff=0)[0] if forms else term

    # -- documents --------------------------------------------------------------------------

    def document(self, doc_id: str) -> model.Document:
        return self.snapshot.document(self.docnum(doc_id))

    def docnum(self, doc_id: str) -> int:
        """The document with this id, or the first document of this file path."""
        import os

        docnum = self.snapshot.docnum(doc_id)
        if docnum is None:
            path = os.path.realpath(doc_id) if os.path.exists(doc_id) else doc_id
            found = self.snapshot.docnums_of_path(path)
            docnum = found[0] if found else None
        if docnum is None:
            from ..errors import DocumentNotFoundError

            raise DocumentNotFoundError(
                f"no document with id {doc_id!r}: ids are shown by `searchkit search`"
            )
        return docnum

    def similar(self, doc_id: str, limit: int) -> list[model.Hit]:
        """Documents sharing the most distinctive terms of the given one."""
        ranked, terms = self.snapshot.similar(self.docnum(doc_id), limit)
        return [
            self.hit(self.snapshot.document(n), rank, score, terms[:8])
            for rank, (n, score) in enumerate(ranked, start=1)
        ]
