"""Translate searchkit's parsed query tree into the OpenSearch query DSL.

The text, made safe by ``search.query.clean_query``, is parsed exactly as the Whoosh engine
parses it (``query_tree``: the same parser, raw-mode checks and limits), then each language
gets its own tree over its
``title_<lang>``/``body_<lang>`` fields, and the trees are ORed: the structure of
``query_tree._Rewriter``, leaf for leaf. User text only ever reaches ``match``, ``match_phrase``,
``prefix``, ``wildcard``, ``fuzzy``, ``term`` and ``range`` values, never ``query_string``,
so no syntax of OpenSearch's own can be smuggled in.

A word the language's analyzer drops (a stop word) leaves the tree, as it does in Whoosh,
whose normalising removes empty subqueries: "the troops" requires only "troops". The
mapping uses the same stop lists (``mapping``), so OpenSearch drops the same words.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq

from ..errors import QuerySyntaxError, UsageError
from ..registry import DATE, MIN_YEAR, NAMES, FacetRegistry, parse_date
from . import query_tree as qt
from .analysis import TOKEN_PATTERN, name_analyzer, text_analyzer

Clause = dict[str, Any]
#: Prefix, wildcard and fuzzy terms keep their 256 best expansions, as in searchkit.
EXPANSIONS = qt.MAX_EXPANSIONS


@dataclass(frozen=True)
class TranslatedQuery:
    """The DSL query (None: matches nothing), the words to highlight and spell-check."""

    query: Clause | None
    words: tuple[str, ...]
    match_all: bool


def parse_tree(
    cleaned: str,
    languages: tuple[str, ...],
    registry: FacetRegistry,
    fields: tuple[str, ...],
    *,
    raw: bool = False,
    match: str = "all",
) -> tuple[wq.Query, tuple]:
    """The parsed tree before rewriting, with the query's plain words; as ``query_tree``."""
    worded = tuple(s.name for s in registry if s.matched_as == NAMES)
    try:
        parsed = qt._parser(match, fields, worded).parse(cleaned, normalize=False)
    except Exception as exc:
        if raw:
            raise QuerySyntaxError(f"cannot parse the query: {exc}") from None
        group = wq.And if match == "all" else wq.Or
        words = [w.lower() for w in TOKEN_PATTERN.findall(cleaned)]
        parsed = group([wq.Term("text", w) for w in words]) if words else wq.NullQuery
    if raw:
        qt._check_values(parsed, registry)
    qt._check_limits(parsed)
    collector = qt._Rewriter(languages, True, registry)
    collector.collect_words(parsed)
    return parsed, tuple(dict.fromkeys(collector.words))


def _boosted(clause: Clause, boost: float) -> Clause:
    if boost != 1.0:
        kind, body = next(iter(clause.items()))
        if kind == "bool":
            body["boost"] = boost
        else:
            _field, value = next(iter(body.items()))
            value["boost"] = boost
    return clause


def _any(clauses: list[Clause]) -> Clause:
    return (
        clauses[0]
        if len(clauses) == 1
        else {"bool": {"should": clauses, "minimum_should_match": 1}}
    )


def date_range(first, last) -> Clause:
    return {"range": {"published": {"gte": first.isoformat(), "lte": last.isoformat()}}}


class LanguageTranslator:
    """One language's tree, the counterpart of ``search.query._Rewriter``."""

    def __init__(self, lang: str, stemming: bool, registry: FacetRegistry):
        self.lang = lang
        self.analyzer = text_analyzer(lang, stemming)
        self.registry = registry

    def _tokens(self, text: str) -> list[str]:
        return [t.text for t in self.analyzer(text) if t.text]

    def text_leaf(self, q: wq.Query) -> Clause | None:
        kinds = {"text": ("title", "body"), "title": ("title",), "body": ("body",)}[q.field()]
        out = []
        for kind in kinds:
            field = f"{kind}_{self.lang}"
            boost = q.boost * (qt.TITLE_BOOST if kind == "title" else 1.0)
            clause: Clause | None = None
            if isinstance(q, wq.Phrase):
                words = " ".join(q.words)
                tokens = self._tokens(words)
                if len(tokens) > 1:
                    clause = {"match_phrase": {field: {"query": words, "slop": q.slop}}}
                elif tokens:
                    clause = {"match": {field: {"query": words}}}
            elif isinstance(q, wq.FuzzyTerm):
                tokens = self._tokens(q.text) or [q.text.lower()]
                clause = {
                    "fuzzy": {
                        field: {
                            "value": tokens[0],
                            "fuzziness": min(q.maxdist, 2),
                            "prefix_length": 1,
                            "max_expansions": EXPANSIONS,
                            "transpositions": False,
                        }
                    }
                }
            elif isinstance(q, wq.Prefix):
                clause = {
                    "prefix": {
                        field: {"value": q.text.lower(), "rewrite": f"top_terms_{EXPANSIONS}"}
                    }
                }
            elif isinstance(q, wq.Wildcard):
                clause = {
                    "wildcard": {
                        field: {"value": q.text.lower(), "rewrite": f"top_terms_{EXPANSIONS}"}
                    }
                }
            elif isinstance(q, wq.Term) and self._tokens(q.text):
                clause = {"match": {field: {"query": q.text}}}
            if clause is not None:
                out.append(_boosted(clause, boost))
        return _any(out) if out else None

    def facet_leaf(self, q: wq.Query) -> Clause | None:
        spec = self.registry.get(q.field() or "")
        if spec is None:
            return None
        if spec.kind == DATE:
            if isinstance(q, wq.TermRange):
                return _date_bounds(q.start, q.end)
            return _date_bounds(getattr(q, "text", ""), getattr(q, "text", ""))
        value = " ".join(q.words) if isinstance(q, wq.Phrase) else getattr(q, "text", "")
        field = spec.field or spec.name  # export.facet_field: declared facets by their name
        if spec.matched_as == NAMES:
            tokens = [t.text for t in name_analyzer()(value)]
            if not tokens:
                return None
            kind = "match_phrase" if len(tokens) > 1 else "match"
            return {kind: {f"{field}.words": {"query": value}}}
        try:
            # Codes and names resolve to their value (France -> FR); others as typed.
            values = spec.resolve(value, ()) or [value]
        except UsageError:
            return None
        terms = [{"term": {field: {"value": v, "case_insensitive": True}}} for v in values]
        return _any(terms)

    def translate(self, q: wq.Query) -> Clause | None:
        """The DSL for ``q`` in this language; None where Whoosh's tree would be empty."""
        if isinstance(q, wq.Every):
            return {"match_all": {}}
        if q is wq.NullQuery:
            return None
        if q.is_leaf():
            if isinstance(q, wq.Prefix | wq.Wildcard) and not q.text.strip("*"):
                return {"match_all": {}}
            if q.field() in ("text", "title", "body"):
                return self.text_leaf(q)
            clause = self.facet_leaf(q)
            return _boosted(clause, q.boost) if clause is not None else None
        if isinstance(q, wq.Not):
            inner = self.translate(q.query)
            return {"bool": {"must_not": [inner]}} if inner is not None else None
        if isinstance(q, wq.AndNot):
            positive = self.translate(q.a)
            negative = self.translate(q.b)
            if positive is None or negative is None:
                return positive
            return {"bool": {"must": [positive], "must_not": [negative]}}
        if isinstance(q, wq.AndMaybe):
            required = self.translate(q.a)
            optional = self.translate(q.b)
            if required is None or optional is None:
                return required
            return {"bool": {"must": [required], "should": [optional]}}
        children = [self.translate(c) for c in q.children()]
        children = [c for c in children if c is not None]
        if not children:
            return None
        if isinstance(q, wq.And):
            # "* ukraine": everything AND ukraine is ukraine.
            rest = [c for c in children if c != {"match_all": {}}]
            children = rest or children[:1]
            clause = children[0] if len(children) == 1 else {"bool": {"must": children}}
        else:
            clause = _any(children)
        return _boosted(clause, q.boost) if len(children) > 1 else clause


def _date_bounds(start: str | None, end: str | None) -> Clause | None:
    import datetime as dt

    try:
        first = parse_date(start) if start and start != "*" else dt.date(MIN_YEAR, 1, 1)
        last = (
            parse_date(end, end=True)
            if end and end != "*"
            else dt.date(dt.date.today().year + 1, 12, 31)
        )
        last = min(last, dt.date(dt.date.today().year + 1, 12, 31))
    except ValueError:
        return None
    return date_range(first, last)


def translate_query(
    cleaned: str,
    languages: tuple[str, ...],
    stemming: bool = True,
    *,
    registry: FacetRegistry,
    fields: tuple[str, ...],
    raw: bool = False,
    match: str = "all",
) -> TranslatedQuery:
    """The OpenSearch query for ``cleaned`` (``search.query.clean_query``'s output) over the
    given languages' fields."""
    if cleaned.strip() in ("", "*", "*:*"):
        return TranslatedQuery({"match_all": {}}, (), True)
    try:
        parsed, words = parse_tree(cleaned, languages, registry, fields, raw=raw, match=match)
        trees = [
            LanguageTranslator(lang, stemming, registry).translate(parsed) for lang in languages
        ]
    except RecursionError:
        raise QuerySyntaxError("the query is nested too deeply: remove some parentheses") from None
    # Facet-only queries come out the same in every language: keep one copy.
    unique = {json.dumps(t, sort_keys=True): t for t in trees if t is not None}
    clauses = list(unique.values())
    if not clauses:
        return TranslatedQuery(None, words, False)
    return TranslatedQuery(_any(clauses), words, False)
