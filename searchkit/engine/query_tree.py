"""The Whoosh side of the query language: parse cleaned query text and rewrite it onto the
index's fields.

``search.query`` checks and neutralises what the user typed; here Whoosh's parser reads it
over a small parsing schema (one ``text`` field and one field per query field name), then
each leaf is rewritten onto the real fields: the per-language title/body fields, analysed
the way each language's field was indexed, and the facet fields of the registry. Facets
declared in searchkit.toml live in the facet files, not in the index, so their leaves become
a ``DocumentSet`` of the documents holding the value.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from whoosh import fields, query
from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.qparser import AndGroup, FuzzyTermPlugin, OrGroup, QueryParser
from whoosh.qparser.plugins import SingleQuotePlugin

from ..errors import QuerySyntaxError, UsageError
from ..registry import DATE, NAMES, FacetRegistry
from .analysis import TOKEN_PATTERN, name_analyzer, text_analyzer
from .date_query import date_query
from .facet_files import docnums_in
from .whoosh_internals import expansions

MAX_TERMS = 256
#: Prefix, wildcard and fuzzy terms expand to at most this many index terms each.
MAX_EXPANSIONS = 256
#: Each prefix, wildcard or fuzzy term scans the vocabulary once per language.
MAX_EXPANDING_TERMS = 32
#: A fuzzy term walks the vocabulary with an edit-distance automaton: the costliest kind.
MAX_FUZZY_TERMS = 8
#: Titles weigh as much as the body: doubling them changed nothing on Vaswani (no titles)
#: and lost 0.019 MAP on CISI (bench/eval_ranking.py), so it is not done.
TITLE_BOOST = 1.0


@dataclass(frozen=True)
class ParsedQuery:
    """An engine query plus the words to highlight and to check for spelling, and notices
    for the filters of the query that cannot select anything (``date:soon``)."""

    query: query.Query
    words: tuple[str, ...]
    match_all: bool
    notices: tuple[str, ...] = ()


class DocumentSet(query.Query):
    """The documents of a fixed bitmap (bit n = document n of the searcher): a declared
    facet's value, which lives in the facet files rather than the index."""

    def __init__(self, mask: int, label: str = ""):
        self.mask = mask
        self.label = label
        self.boost = 1.0

    def __eq__(self, other):
        return type(other) is DocumentSet and (self.mask, self.label) == (other.mask, other.label)

    def __hash__(self):
        return hash((DocumentSet, self.mask, self.label))

    def __repr__(self):
        return f"DocumentSet({self.label!r}, {self.mask.bit_count()} documents)"

    def is_leaf(self):
        return True

    def field(self):
        return None

    def estimate_size(self, ixreader):
        return self.mask.bit_count()

    def matcher(self, searcher, context=None):
        from whoosh.matching import ListMatcher, NullMatcher

        offset, size = 0, searcher.doc_count_all()
        parent = searcher.get_parent()
        if parent is not searcher:
            for sub, sub_offset in parent.subsearchers:
                if sub is searcher:
                    offset = sub_offset
        local = (self.mask >> offset) & ((1 << size) - 1)
        ids = docnums_in(local)
        return ListMatcher(ids, all_weights=1.0) if ids else NullMatcher()


def _weigh_repeats(q: query.Query) -> query.Query:
    """An AND or OR whose children repeat ("title ... titles ... title", the same terms
    once analysed) keeps one of each, boosted by its count: BM25 weighs a query word by how
    often the query says it, where Whoosh's normalising would keep it once."""
    if not isinstance(q, query.And | query.Or) or len(q.subqueries) < 2:
        return q
    counts: dict[query.Query, int] = {}
    for child in q.subqueries:
        counts[child] = counts.get(child, 0) + 1
    if len(counts) == len(q.subqueries):
        return q
    children = []
    for child, count in counts.items():
        if count > 1:
            child = child.copy()
            child.boost = child.boost * count
        children.append(child)
    return type(q)(children, boost=q.boost)


@functools.cache
def _parser(
    default_group: str, field_names: tuple[str, ...], worded: tuple[str, ...]
) -> QueryParser:
    """Whoosh's parser over a schema of the query's field names; ``worded`` fields (text,
    names) are split into words, the others read as one value."""
    plain = RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter()
    text = fields.TEXT(analyzer=plain, phrase=True)
    text.multitoken_query = "phrase"  # "NATO-led" is a phrase, not two loose words
    names = {"text", "title", "body", *worded}
    schema = fields.Schema(
        **{name: (text if name in names else fields.ID()) for name in field_names}
    )
    group = AndGroup if default_group == "all" else OrGroup
    parser = QueryParser("text", schema, group=group)
    parser.remove_plugin_class(SingleQuotePlugin)  # apostrophes are text in news queries
    parser.add_plugin(FuzzyTermPlugin())
    return parser


# ---- rewriting leaves onto the real fields ------------------------------------------------


class _Rewriter:
    """Rewrites a parsed tree onto the fields of one language.

    A document lives in exactly one language's fields, so the final query is an OR of one
    tree per language. That keeps AND exact when a word is a stop word in one language and
    not in another: each language's tree drops its own stop words.
    """

    def __init__(
        self,
        languages: tuple[str, ...],
        stemming: bool,
        registry: FacetRegistry,
        reader=None,
        facet_mask=None,
    ):
        self.languages = languages
        self.stemming = stemming
        self.registry = registry
        self.reader = reader
        self.facet_mask = facet_mask
        self.words: list[str] = []
        self.notices: list[str] = []

    def nothing(self, leaf: str, reason: str) -> query.Query:
        """A filter that cannot select anything matches nothing, and says why: Whoosh's And
        would drop a NullQuery, leaving the other words unfiltered."""
        self.notices.append(f"{leaf} matches nothing: {reason}")
        return DocumentSet(0, leaf)

    def analyze(self, text: str, lang: str) -> list[str]:
        return [t.text for t in text_analyzer(lang, self.stemming)(text) if t.text]

    def _expand(self, q: query.Query, fieldname: str, boost: float) -> query.Query:
        """A prefix/wildcard/fuzzy query, with its expansion capped at MAX_EXPANSIONS terms."""
        if self.reader is None:
            return q
        terms = []
        for term in expansions(q, self.reader):
            terms.append(term)
            if len(terms) > 4 * MAX_EXPANSIONS:
                break
        # Keep the most frequent expansions, as a user would expect from "ukrain*".
        terms.sort(key=lambda t: -self.reader.doc_frequency(fieldname, t))
        subqueries = [query.Term(fieldname, t, boost=boost) for t in terms[:MAX_EXPANSIONS]]
        return query.Or(subqueries) if subqueries else query.NullQuery

    def text_leaf(self, q: query.Query, lang: str) -> query.Query:
        kinds = {"text": ("title", "body"), "title": ("title",), "body": ("body",)}[q.field()]
        out = []
        for kind in kinds:
            fieldname = f"{kind}_{lang}"
            boost = q.boost * (TITLE_BOOST if kind == "title" else 1.0)
            if isinstance(q, query.Phrase):
                tokens = self.analyze(" ".join(q.words), lang)
                if len(tokens) > 1:
                    out.append(query.Phrase(fieldname, tokens, slop=q.slop, boost=boost))
                elif tokens:
                    out.append(query.Term(fieldname, tokens[0], boost=boost))
            elif isinstance(q, query.FuzzyTerm):
                tokens = self.analyze(q.text, lang) or [q.text.lower()]
                fuzzy = query.FuzzyTerm(
                    fieldname, tokens[0], maxdist=min(q.maxdist, 2), prefixlength=1
                )
                out.append(self._expand(fuzzy, fieldname, boost))
            elif isinstance(q, query.Prefix | query.Wildcard):
                wild = type(q)(fieldname, q.text.lower())
                out.append(self._expand(wild, fieldname, boost))
            elif isinstance(q, query.Term):
                tokens = self.analyze(q.text, lang)
                if tokens:
                    out.append(query.Term(fieldname, tokens[0], boost=boost))
        out = [o for o in out if o is not query.NullQuery]
        return query.Or(out) if out else query.NullQuery

    def facet_leaf(self, q: query.Query) -> query.Query:
        spec = self.registry.get(q.field() or "")
        if spec is None:
            return query.NullQuery
        if spec.kind == DATE:
            try:
                days = date_query(q)
            except ValueError as exc:
                return self.nothing(_leaf_text(q), str(exc))
            return DocumentSet(0, _leaf_text(q)) if days is None else days
        value = " ".join(q.words) if isinstance(q, query.Phrase) else getattr(q, "text", "")
        if spec.matched_as == NAMES:  # any of a name's words, as a phrase: actor:Macron
            tokens = [t.text for t in name_analyzer()(value)]
            words = f"{spec.field}_words"
            if len(tokens) > 1:
                return query.Phrase(words, tokens)
            return query.Term(words, tokens[0]) if tokens else query.NullQuery
        if spec.declared:
            if self.facet_mask is None:
                return query.NullQuery
            return DocumentSet(self.facet_mask(spec, value), f"{spec.name}:{value}")
        try:
            # Codes and names resolve to their value (France -> FR); names that need the
            # index's values to resolve (outlets) are matched as typed.
            values = spec.resolve(value, ()) or [value]
        except UsageError as exc:
            return self.nothing(f"{spec.name}:{value}", str(exc))
        terms = [query.Term(spec.field, v.lower()) for v in values]
        if not terms:
            return query.NullQuery
        return terms[0] if len(terms) == 1 else query.Or(terms)

    def collect_words(self, q: query.Query) -> None:
        """The plain words of the query's positive text leaves, for highlighting and spelling."""
        if isinstance(q, query.Not):
            return
        if q.is_leaf():
            if q.field() in ("text", "title", "body"):
                if isinstance(q, query.Phrase):
                    self.words.extend(q.words)
                elif type(q) is query.Term:
                    self.words.append(q.text)
            return
        for child in q.children():
            self.collect_words(child)

    def rewrite(self, q: query.Query, lang: str) -> query.Query:
        if isinstance(q, query.Every):
            return query.Every()  # "*" anywhere means every document, not a field's terms
        if q is query.NullQuery:
            return q
        if q.is_leaf():
            if isinstance(q, query.Prefix | query.Wildcard) and not q.text.strip("*"):
                return query.Every()  # a lone "*" means every document, not every term
            if q.field() in ("text", "title", "body"):
                return self.text_leaf(q, lang)
            return self.facet_leaf(q)
        if isinstance(q, query.Not):
            return self.negate(q.query)
        rewritten = _weigh_repeats(q.apply(lambda child: self.rewrite(child, lang)))
        if isinstance(rewritten, query.Or):
            # "russia -putin" with --any: a negated clause excludes, as in Lucene, rather
            # than adding every document without the word.
            negated = [c.query for c in rewritten.subqueries if isinstance(c, query.Not)]
            rest = [
                c
                for c in rewritten.subqueries
                if not isinstance(c, query.Not) and c is not query.NullQuery
            ]
            excluded = _any_of(negated)
            if excluded is not None and rest:
                return query.AndNot(query.Or(rest, boost=rewritten.boost), excluded)
        if isinstance(rewritten, query.And):
            # "* ukraine": everything AND ukraine is ukraine (Whoosh would keep only "*").
            rest = [c for c in rewritten.subqueries if not isinstance(c, query.Every)]
            if rest and len(rest) < len(rewritten.subqueries):
                return query.And(rest, boost=rewritten.boost)
        return rewritten

    def negate(self, q: query.Query) -> query.Query:
        """NOT q: every document except those matching q in any language. Negating per
        language would keep a document for matching nothing in the other languages."""
        excluded = _any_of(self.rewrite(q, lang) for lang in self.languages)
        return query.Every() if excluded is None else query.Not(excluded)


def _any_of(queries) -> query.Query | None:
    """The OR of ``queries`` without duplicates and empty ones; None if nothing is left."""
    kept = list(dict.fromkeys(q.normalize() for q in queries))
    kept = [q for q in kept if q is not query.NullQuery]
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else query.Or(kept)


def _leaf_text(q: query.Query) -> str:
    """A date leaf as the user wrote it, for messages."""
    if isinstance(q, query.TermRange):
        opening, closing = "{" if q.startexcl else "[", "}" if q.endexcl else "]"
        return f"{q.fieldname}:{opening}{q.start or '*'} TO {q.end or '*'}{closing}"
    return f"{q.field()}:{getattr(q, 'text', '')}"


def _check_values(q: query.Query, registry: FacetRegistry) -> None:
    """Raw mode: values that name nothing are errors, not silent empty results."""
    for leaf in q.leaves() if not q.is_leaf() else [q]:
        field = leaf.field() if hasattr(leaf, "field") else None
        text = getattr(leaf, "text", None)
        spec = registry.get(field or "")
        if spec is not None and spec.name in ("country", "source_type", "language") and text:
            try:
                spec.resolve(text, ())
            except UsageError as exc:
                raise QuerySyntaxError(str(exc)) from None
        if field == "date":
            try:
                date_query(leaf)
            except ValueError as exc:
                raise QuerySyntaxError(f"{_leaf_text(leaf)}: {exc}") from None


def _check_limits(parsed: query.Query) -> None:
    """Refuse a query whose work would be unbounded: too many terms, fuzzy or expanding."""
    leaves = set(parsed.leaves()) if not parsed.is_leaf() else {parsed}
    if len(leaves) > MAX_TERMS:
        raise QuerySyntaxError(f"query has {len(leaves)} terms; the limit is {MAX_TERMS}")
    fuzzy = sum(isinstance(q, query.FuzzyTerm) for q in leaves)
    if fuzzy > MAX_FUZZY_TERMS:
        raise QuerySyntaxError(f"query has {fuzzy} fuzzy terms; the limit is {MAX_FUZZY_TERMS}")
    expanding = sum(isinstance(q, query.FuzzyTerm | query.Prefix | query.Wildcard) for q in leaves)
    if expanding > MAX_EXPANDING_TERMS:
        raise QuerySyntaxError(
            f"query has {expanding} prefix, wildcard or fuzzy terms; the limit is "
            f"{MAX_EXPANDING_TERMS}"
        )


def build_query(
    text: str,
    cleaned: str,
    languages: tuple[str, ...],
    stemming: bool = True,
    *,
    raw: bool = False,
    match: str = "all",
    reader=None,
    registry: FacetRegistry,
    fields: tuple[str, ...],
    facet_mask=None,
) -> ParsedQuery:
    """Parse ``cleaned`` (``text`` after ``search.query`` made it safe) into one query per
    language, ORed; ``fields`` are the field names the parser accepts before a colon."""
    if cleaned.strip() in ("", "*", "*:*"):
        return ParsedQuery(query.Every(), (), True)
    worded = tuple(s.name for s in registry if s.matched_as == NAMES)
    parser = _parser(match, fields, worded)
    try:
        parsed = parser.parse(cleaned, normalize=False)  # its normalising drops terms beside "*"
    except Exception as exc:  # Whoosh's parser is lenient; anything it raises is a syntax problem
        if raw:
            if isinstance(exc, RecursionError):
                raise QuerySyntaxError("the query is nested too deeply") from None
            raise QuerySyntaxError(f"cannot parse the query: {exc}") from None
        # The safe mode falls back to the plain words, without any syntax.
        group = query.And if match == "all" else query.Or
        words = [w.lower() for w in TOKEN_PATTERN.findall(text)]
        parsed = group([query.Term("text", w) for w in words]) if words else query.NullQuery
    if raw:
        _check_values(parsed, registry)
    _check_limits(parsed)
    rewriter = _Rewriter(languages, stemming, registry, reader, facet_mask)
    rewriter.collect_words(parsed)
    per_language = [rewriter.rewrite(parsed, lang).normalize() for lang in languages]
    # Facet-only queries come out the same in every language: keep one copy.
    per_language = list(dict.fromkeys(q for q in per_language if q is not query.NullQuery))
    if not per_language:
        rewritten = query.NullQuery
    elif len(per_language) == 1:
        rewritten = per_language[0]
    else:
        rewritten = query.Or(per_language)
    return ParsedQuery(
        rewritten,
        tuple(dict.fromkeys(rewriter.words)),
        False,
        tuple(dict.fromkeys(rewriter.notices)),
    )
