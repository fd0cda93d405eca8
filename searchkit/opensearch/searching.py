"""One search against OpenSearch: query, multi-select facets, snippets, "did you mean".

The request carries the translated query (``engine.opensearch_query``), the facets'
``post_filter`` and
filter aggregations (``export.facet_aggregations``: each facet counted over the matches
with every filter but its own), a ``highlight`` for snippets and, in the same round trip,
whether each query word is known to the index; only when one is not does a second request
ask the term suggester for a correction.
"""

from __future__ import annotations

import difflib
import os
import time
from collections.abc import Sequence
from typing import Any

from .. import model
from ..engine.analysis import FALLBACK, language_field, text_analyzer
from ..export import facet_aggregations, facet_field
from ..registry import DEFAULT_REGISTRY, match_names
from ..search.query import translate_for_opensearch
from ..search.request import SearchRequest
from ..search.searcher import MAX_CORRECTIONS
from ..search.spelling import best_correction, replace_word, should_suggest
from .results import POST_TAG, PRE_TAG, SNIPPET_CHARS, declared_values, facet_from, hit_from

#: Facet values and the languages present are looked up again after this many seconds.
CACHE_SECONDS = 10.0
#: "Every value" of a facet, for resolving filters and facet_limit=0.
ALL_VALUES = 65_536


class Searcher:
    """Searches one OpenSearch index; holds small caches of its vocabulary of values."""

    def __init__(self, client, index: str, stemming: bool):
        self.client = client
        self.index = index
        self.stemming = stemming
        self.registry = DEFAULT_REGISTRY  # the index's own, set before each search
        self._cache: dict[str, tuple[float, Any]] = {}

    def forget(self) -> None:
        self._cache.clear()

    def _cached(self, key: str, compute):
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is None or now - hit[0] > CACHE_SECONDS:
            hit = self._cache[key] = (now, compute())
        return hit[1]

    # -- what the index holds ---------------------------------------------------------------

    def values(self, facet: str) -> list[str]:
        field = facet_field(self.registry[facet])

        def compute() -> list[str]:
            body = {"size": 0, "aggs": {"v": {"terms": {"field": field, "size": ALL_VALUES}}}}
            response = self.client.search(index=self.index, body=body)
            return [str(b["key"]) for b in response["aggregations"]["v"]["buckets"]]

        return self._cached(f"values:{facet}", compute)

    def actor_names(self) -> dict[str, str]:
        """Surname-only actors -> the one full name they merge with, as in the Whoosh engine's
        facet table (computed from the whole vocabulary, so it follows every update)."""
        from ..extract.actors.merging import surname_merges

        return self._cached("actor_names", lambda: surname_merges(self.values("actor")))

    def _actor_groups(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for surname, full in self.actor_names().items():
            groups.setdefault(full, [full]).append(surname)
        return groups

    def languages(self) -> tuple[str, ...]:
        """The language fields that hold documents, as the Whoosh engine's present_languages."""
        if not self.stemming:
            return (FALLBACK,)
        found = self.values("language")
        return tuple(sorted({language_field(lang) for lang in found})) or (FALLBACK,)

    def resolve_values(self, facet: str, values: Sequence[str]) -> list[str]:
        """User-typed filter values -> the exact stored values, as the Whoosh engine does."""
        out: list[str] = []
        for value in values:
            spec = self.registry[facet]
            if facet in ("country", "source_type", "language"):
                out.extend(spec.resolve(value, ()))
            elif spec.declared:
                out.extend(spec.resolve(value, self.values(facet)))
            elif facet == "actor":
                names = self.actor_names()
                merged = {names.get(v, v) for v in self.values(facet)}
                groups = self._actor_groups()
                for full in match_names(value, merged):
                    out.extend(groups.get(full, [full]))
            else:
                out.extend(match_names(value, self.values(facet)))
        return out

    # -- the search -------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> model.SearchResults:
        started = time.perf_counter()
        translated = translate_for_opensearch(
            request.text,
            self.languages(),
            self.stemming,
            raw=request.raw,
            match=request.match,
            registry=self.registry,
        )
        selected = {f: self.resolve_values(f, v) for f, v in request.filters.items() if v}
        # A filter that resolves to no value selects nothing, as an empty bitmap does.
        filters = {f: (v or ["\x00none"]) for f, v in selected.items()}
        limit = request.facet_limit or ALL_VALUES
        body: dict[str, Any] = {}
        if request.facets:
            body.update(
                facet_aggregations(
                    request.facets,
                    filters,
                    request.date_interval,
                    since=request.since,
                    until=request.until,
                    limit=limit,
                    registry=self.registry,
                )
            )
        else:
            body.update(
                facet_aggregations(
                    (),
                    filters,
                    request.date_interval,
                    since=request.since,
                    until=request.until,
                    registry=self.registry,
                )
            )
        for agg in body.get("aggs", {}).values():
            terms = agg["aggs"]["values"].get("terms")
            if terms:  # exact counts with several shards, as searchkit's are
                terms["shard_size"] = max(limit * 5, 1000)
            if "distinct" in agg["aggs"]:
                # Exact up to 40,000 values (the largest threshold), not 3,000.
                agg["aggs"]["distinct"]["cardinality"]["precision_threshold"] = 40_000
        groups = self._actor_groups() if "actor" in request.facets else {}
        if groups:
            # A merged actor counts each document once, whichever of its names it carries:
            # every value is counted, and each merged group by a filter of its own.
            actor = body["aggs"]["actor"]["aggs"]
            actor["values"]["terms"]["size"] = ALL_VALUES
            actor["groups"] = {
                "filters": {"filters": {f: {"terms": {"actor": n}} for f, n in groups.items()}}
            }
        body["query"] = translated.query or {"bool": {"must_not": [{"match_all": {}}]}}
        body["track_total_hits"] = True
        offset = (request.page - 1) * request.limit
        body["from"] = offset
        body["size"] = request.limit
        body["_source"] = {"excludes": ["title_*", "body_*", "body"]} if request.limit else False
        if request.sort == "date" or translated.match_all:
            body["sort"] = [
                {"published": {"order": "desc", "missing": "_last"}},
                {"id": {"order": "asc"}},
            ]
        if request.limit and request.snippets:
            body["highlight"] = _highlight(self.languages())
        words = translated.words
        if words:
            body.setdefault("aggs", {})["_known"] = self._known_aggs(words)
        response = self.client.search(index=self.index, body=body)
        total = int(response["hits"]["total"]["value"])
        aggs = response.get("aggregations", {})
        names = self.actor_names()
        hits = [
            hit_from(raw, rank, names, request.snippets)
            for rank, raw in enumerate(response["hits"]["hits"], start=offset + 1)
        ]
        for hit, raw in zip(hits, response["hits"]["hits"], strict=True):
            hit.facets.update(declared_values(raw.get("_source") or {}, self.registry))
        facets = [
            facet_from(
                name,
                aggs[name],
                request.facet_limit,
                selected.get(name, ()),
                self.registry[name].label_value,
                names if name == "actor" else None,
            )
            for name in request.facets
        ]
        suggestion = None
        if words:
            known = aggs["_known"]
            unknown = [w for i, w in enumerate(words) if not known[f"w{i}"]["doc_count"]]
            if unknown and should_suggest(request.text):
                suggestion = self.suggest(request.text, unknown)
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

    # -- spelling ---------------------------------------------------------------------------

    def _word_clauses(self, word: str) -> list[dict]:
        clauses = []
        for lang in self.languages():
            if not [t for t in text_analyzer(lang, self.stemming)(word) if t.text]:
                return []  # a stop word is never "unknown"
            for kind in ("title", "body"):
                clauses.append({"match": {f"{kind}_{lang}": word}})
        return clauses

    def _known_aggs(self, words: Sequence[str]) -> dict:
        inner = {}
        for i, word in enumerate(words):
            clauses = self._word_clauses(word)
            query = {"bool": {"should": clauses}} if clauses else {"match_all": {}}
            inner[f"w{i}"] = {"filter": query}
        return {"global": {}, "aggs": inner}

    def suggest(self, text: str, unknown: Sequence[str]) -> str | None:
        """The query with each unknown word replaced by the most frequent indexed word
        within two edits, as written in a document ("instrutors" -> "instructors")."""
        suggest: dict[str, Any] = {}
        for i, word in enumerate(unknown[:MAX_CORRECTIONS]):
            for lang in self.languages():
                suggest[f"w{i}_{lang}"] = {
                    "text": word,
                    "term": {
                        "field": f"body_{lang}",
                        "suggest_mode": "always",
                        "max_edits": 2,
                        "prefix_length": 1,
                        "min_word_length": 2,
                        "sort": "frequency",
                        # Every indexed word within two edits is a candidate, as in the
                        # Whoosh engine: no similarity floor, and many inspected.
                        "accuracy": 0.0,
                        "max_inspections": 100,
                        "size": 10,
                    },
                }
        body = {"size": 0, "suggest": suggest}
        response = self.client.search(index=self.index, body=body)
        suggestion, changed = text, False
        for i, word in enumerate(unknown[:MAX_CORRECTIONS]):
            # The same choice as the embedded engine's (search.spelling): fewest edits, then
            # the most frequent; a candidate more than two edits away is no correction.
            candidates: dict[str, float] = {}
            lang_of: dict[str, str] = {}
            for lang in self.languages():
                for entry in response["suggest"].get(f"w{i}_{lang}", []):
                    for option in entry["options"]:
                        term = option["text"]
                        if option["freq"] > candidates.get(term, 0):
                            candidates[term], lang_of[term] = option["freq"], lang
            term = best_correction(word, candidates)
            if term is None:
                continue
            form = self._surface(lang_of.get(term, FALLBACK), term, word) or term
            if form != word.lower():
                suggestion, found = replace_word(suggestion, word, form)
                changed = changed or found
        return suggestion if changed else None

    def _surface(self, lang: str, term: str, word: str) -> str | None:
        """The word of a document holding ``term`` that is closest to what was typed."""
        body = {"size": 1, "query": {"term": {f"body_{lang}": term}}, "_source": ["body"]}
        hits = self.client.search(index=self.index, body=body)["hits"]["hits"]
        if not hits:
            return None
        text = (hits[0]["_source"].get("body") or "")[:200_000]
        analyzer = text_analyzer(lang, self.stemming)
        forms = sorted(
            {
                text[t.startchar : t.endchar].lower()
                for t in analyzer(text, chars=True)
                if t.text == term
            }
        )
        return difflib.get_close_matches(word.lower(), forms, n=1, cutoff=0)[0] if forms else None

    # -- documents ---------------------------------------------------------------------------

    def source_of(self, doc_id: str) -> dict | None:
        """The ``_source`` of a document by id, or of the first document of a file path."""
        from opensearchpy import exceptions as ox

        try:
            found = self.client.get(index=self.index, id=doc_id)
            if found.get("found"):
                return found["_source"]
        except ox.NotFoundError as exc:
            if "index_not_found" in str(exc.error):
                raise
        path = os.path.abspath(doc_id) if os.path.exists(doc_id) else doc_id
        body = {
            "size": 1,
            "query": {"term": {"path": path}},
            "sort": [{"record": {"order": "asc", "missing": "_first"}}],
        }
        hits = self.client.search(index=self.index, body=body)["hits"]["hits"]
        return hits[0]["_source"] if hits else None

    def similar(self, doc_id: str, lang: str, limit: int) -> list[model.Hit]:
        """``more_like_this`` over the document's own language field: its 25 most
        distinctive words, each in more than one and fewer than half of the documents."""
        count = int(self.client.count(index=self.index)["count"])
        body = {
            "size": limit,
            "query": {
                "more_like_this": {
                    "fields": [f"body_{lang}"],
                    "like": [{"_index": self.index, "_id": doc_id}],
                    "min_term_freq": 1,
                    "min_doc_freq": 2,
                    "max_doc_freq": max(2, count // 2),
                    "max_query_terms": 25,
                    "minimum_should_match": 1,
                }
            },
            "_source": {"excludes": ["title_*", "body_*", "body"]},
            "highlight": _highlight((lang,)),
        }
        response = self.client.search(index=self.index, body=body)
        return [
            hit_from(raw, rank, self.actor_names())
            for rank, raw in enumerate(response["hits"]["hits"], start=1)
        ]


def _highlight(languages: Sequence[str]) -> dict:
    return {
        "pre_tags": [PRE_TAG],
        "post_tags": [POST_TAG],
        "require_field_match": False,
        "fields": {
            f"body_{lang}": {
                "type": "unified",
                "fragment_size": SNIPPET_CHARS,
                "number_of_fragments": 1,
                "no_match_size": SNIPPET_CHARS,
            }
            for lang in languages
        },
    }
