"""Run one search: parse, match, filter, rank the page, count facets, suggest a spelling.

Matching documents are collected once, unscored, as a bitmap; filters and facet counts work
on bitmaps (see facets.py); only the page of hits is scored and ranked (BM25F). Everything
read from the index comes through the engine's ``Snapshot``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from .. import model
from ..engine.snapshot import Snapshot
from ..registry import FacetRegistry, FacetSpec
from . import spelling
from .facets import FacetTable, facet_result
from .query import parse_query
from .request import SearchRequest
from .snippets import clean_text, make_snippet

MAX_CORRECTIONS = 3
#: Index terms two edits away whose written forms are read, the most frequent first.
MAX_FAR_TERMS = 10
#: Strings one edit away, not among the written forms read, that are looked for in documents.
MAX_UNSEEN_FORMS = 10


class SearchContext:
    """One committed state of the index with its facet bitmaps, ready to search."""

    def __init__(self, snapshot: Snapshot, registry: FacetRegistry):
        self.snapshot = snapshot
        self.registry = registry
        self.table = FacetTable(
            snapshot.facet_segments(),
            snapshot.size,
            snapshot.live_mask(),
            registry,
            snapshot.saved_merges,
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
        notices = list(parsed.notices)
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
        """The query with each word the index does not know replaced by its best correction
        (none for long queries: pasted text, not typed words)."""
        if not spelling.should_suggest(text):
            return None
        suggestion = text
        changed = False
        unknown = [w for w in words if not self.snapshot.is_known(w)]
        for word in unknown[:MAX_CORRECTIONS]:  # each correction reads the vocabulary
            best = self._correction(word)
            if best and best != word.lower():
                suggestion, found = spelling.replace_word(suggestion, word, best)
                changed = changed or found
        return suggestion if changed else None

    def _correction(self, word: str) -> str | None:
        """The indexed word closest to ``word`` (fewest edits, then the most frequent), as
        documents write it ("instrutors" -> "instructors", not the term "instructor")."""
        typed = word.lower()
        # One edit away: the strings whose term the index holds, and how those terms are
        # written in a few documents.
        near = self.snapshot.word_frequencies(spelling.edits1(typed))
        candidates = self._written(near.values())
        # Strings not among those forms may be rarer forms, or no word at all ("timees"
        # turns into "time" too): kept, below the forms seen, if some document writes them.
        unseen = sorted((v[2], f, v) for f, v in near.items() if f not in candidates)
        for frequency, form, (fieldname, term, _) in unseen[::-1][:MAX_UNSEEN_FORMS]:
            if self.snapshot.is_written(fieldname, term, form):
                candidates[form] = frequency / 1000
        best = spelling.best_correction(typed, candidates)
        if best is None or spelling.distance(typed, best) > 1:
            # Two edits: the index's terms within two edits of the word's own term.
            far = sorted(self.snapshot.terms_near(word, 2), key=lambda c: -c[2])
            for form, frequency in self._written(far[:MAX_FAR_TERMS]).items():
                candidates[form] = max(candidates.get(form, 0.0), frequency)
            best = spelling.best_correction(typed, candidates)
        return best

    def _written(self, terms) -> dict[str, float]:
        """Written forms of (field, term, document frequency) triples, each with its
        share of the term's frequency."""
        out: dict[str, float] = {}
        for fieldname, term, frequency in set(terms):
            counts = self.snapshot.written_forms(fieldname, term)
            total = sum(counts.values())
            for form, n in counts.items():
                out[form] = max(out.get(form, 0.0), frequency * n / total)
        return out

    # -- documents --------------------------------------------------------------------------

    def document(self, doc_id: str) -> model.Document:
        return self.snapshot.document(self.docnum(doc_id))

    def docnum(self, doc_id: str) -> int:
        """The document with this id, or of this file path: FILE for a file of one
        document, FILE:N (as ``search`` prints it) for record N of a JSON Lines file."""
        from ..errors import DocumentNotFoundError

        docnum = self.snapshot.docnum(doc_id)
        if docnum is not None:
            return docnum
        found = self._docnums_of_file(doc_id)
        if len(found) > 1:
            raise DocumentNotFoundError(
                f"{doc_id} holds {len(found):,} records: pick one with `searchkit show "
                f"{doc_id}:N`, N being the record's line as `searchkit search` prints it"
            )
        if found:
            return found[0]
        path, colon, number = doc_id.rpartition(":")
        found = self._docnums_of_file(path) if colon and number.isdigit() else []
        if found:
            docnum = self._record(found, int(number))
            if docnum is None:
                raise DocumentNotFoundError(
                    f"{path} has no record {number}: it holds {len(found):,}, numbered by "
                    "line as `searchkit search` prints them"
                )
            return docnum
        raise DocumentNotFoundError(
            f"no document with id {doc_id!r}: ids are shown by `searchkit search`"
        )

    def _docnums_of_file(self, path: str) -> list[int]:
        """The documents of a file, given as indexed, relative or through a symlink."""
        import os
        from pathlib import Path

        forms = (path, str(Path(path).absolute()), os.path.abspath(path), os.path.realpath(path))
        for form in dict.fromkeys(forms):
            found = self.snapshot.docnums_of_path(form)
            if found:
                return found
        return []

    def _record(self, docnums: list[int], record: int) -> int | None:
        """The document of ``docnums`` (one file's) that is its record ``record``."""
        guess = record - 1  # records are numbered by line, and most files have no gaps
        if 0 <= guess < len(docnums) and self.snapshot.record_of(docnums[guess]) == record:
            return docnums[guess]
        return next((n for n in docnums if self.snapshot.record_of(n) == record), None)

    def similar(self, doc_id: str, limit: int) -> list[model.Hit]:
        """Documents sharing the most distinctive terms of the given one."""
        ranked, terms = self.snapshot.similar(self.docnum(doc_id), limit)
        return [
            self.hit(self.snapshot.document(n), rank, score, terms[:8])
            for rank, (n, score) in enumerate(ranked, start=1)
        ]
