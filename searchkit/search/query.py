"""The query language: parse what a user types into an engine query.

Syntax: words, "phrases", AND / OR / NOT and parentheses, field:value (title, body, actor,
country, source_type, lang, source, date), prefix* and wild?cards, fuzzy~ (or fuzzy~2),
boosts^2, and date ranges (date:[2024-01 TO 2024-03-15]).

Two modes. The safe mode (the default) never fails on what people paste: unbalanced quotes
and parentheses, stray colons, unknown field names and lone operators are neutralised, and a
value that names nothing (an unknown country) matches nothing. The raw mode passes the syntax
through and raises QuerySyntaxError, with the position and the fix, for the same problems.

A parsed query is first built over a small parsing schema (one ``text`` field), then each
leaf is rewritten onto the real fields: the per-language title/body fields, analysed the way
each language's field was indexed, and the facet fields.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sys
from dataclasses import dataclass

from whoosh import fields, query
from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.qparser import AndGroup, FuzzyTermPlugin, OrGroup, QueryParser
from whoosh.qparser.plugins import SingleQuotePlugin

from ..engine.analysis import TOKEN_PATTERN, name_analyzer, text_analyzer
from ..errors import QuerySyntaxError
from ..model import SOURCE_TYPES

#: What a user may type before a colon, and the field it means.
FIELD_ALIASES = {
    "title": "title",
    "body": "body",
    "text": "text",
    "actor": "actor",
    "actors": "actor",
    "person": "actor",
    "country": "country",
    "countries": "country",
    "source_type": "source_type",
    "type": "source_type",
    "lang": "language",
    "language": "language",
    "source": "source",
    "date": "date",
}
MAX_QUERY_CHARS = 4096
#: Open-ended date ranges start here.
MIN_YEAR = 1900
MAX_YEAR = 9000
MAX_TERMS = 256
#: Prefix, wildcard and fuzzy terms expand to at most this many index terms each.
MAX_EXPANSIONS = 256
#: Each prefix, wildcard or fuzzy term scans the vocabulary once per language.
MAX_EXPANDING_TERMS = 32
#: A fuzzy term walks the vocabulary with an edit-distance automaton: the costliest kind.
MAX_FUZZY_TERMS = 8
TITLE_BOOST = 2.0


@dataclass(frozen=True)
class ParsedQuery:
    """An engine query plus the words to highlight and to check for spelling."""

    query: query.Query
    words: tuple[str, ...]
    match_all: bool


@functools.cache
def _parser(default_group: str) -> QueryParser:
    plain = RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter()
    text = fields.TEXT(analyzer=plain, phrase=True)
    text.multitoken_query = "phrase"  # "NATO-led" is a phrase, not two loose words
    names = {"text", "title", "body", "actor"}
    schema = fields.Schema(
        **{name: (text if name in names else fields.ID()) for name in set(FIELD_ALIASES.values())}
    )
    group = AndGroup if default_group == "all" else OrGroup
    parser = QueryParser("text", schema, group=group)
    parser.remove_plugin_class(SingleQuotePlugin)  # apostrophes are text in news queries
    parser.add_plugin(FuzzyTermPlugin())
    return parser


# ---- checking and neutralising the syntax -------------------------------------------------

_FIELD_PREFIX = re.compile(r"(?<![\w:])([A-Za-z_]+):(?=\S)")
_STRAY_COLON = re.compile(r":")
_RANGE = re.compile(r"\[[^\[\]]*\]|\{[^{}]*\}")


def _problem(raw: bool, message: str) -> None:
    if raw:
        raise QuerySyntaxError(message)


def _balance_quotes(text: str, raw: bool) -> str:
    if text.count('"') % 2:
        col = text.rfind('"') + 1
        _problem(raw, f'unbalanced quote at column {col}: close the phrase with another "')
        text = text[: col - 1] + text[col:]
    return text


def _balance_parentheses(text: str, raw: bool) -> str:
    depth = 0
    outside = re.sub(r'"[^"]*"', lambda m: " " * len(m.group()), text)
    for col, ch in enumerate(outside, start=1):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                _problem(raw, f"unmatched ')' at column {col}")
                break
    else:
        if depth == 0:
            return text
        _problem(raw, "unclosed '(': add the missing ')'")
    return re.sub(r"[()]", " ", text)


def _normalise_fields(text: str, raw: bool) -> str:
    def field(m: re.Match) -> str:
        name = m.group(1).lower()
        if name in FIELD_ALIASES:
            return FIELD_ALIASES[name] + ":"
        known = ", ".join(
            sorted({"title", "body", "actor", "country", "source_type", "lang", "source", "date"})
        )
        _problem(raw, f"unknown field {m.group(1)!r} at column {m.start() + 1}: use one of {known}")
        return m.group(1) + " "

    text = _FIELD_PREFIX.sub(field, text)
    # Colons left over ("12:30", "a : b") are punctuation, except inside quotes and ranges.
    protected = re.sub(r'"[^"]*"', lambda m: "\0" * len(m.group()), text)
    protected = _RANGE.sub(lambda m: "\0" * len(m.group()), protected)
    chars = list(text)
    for m in _STRAY_COLON.finditer(protected):
        before = protected[: m.start()]
        if re.search(r"(?:^|[\s(])(" + "|".join(set(FIELD_ALIASES.values())) + r")$", before):
            continue
        if raw:
            _problem(raw, f"unexpected ':' at column {m.start() + 1}")
        chars[m.start()] = " "
    return "".join(chars)


def _strip_wild_starts(text: str, raw: bool) -> str:
    """Leading wildcards scan the whole vocabulary; the safe mode drops them."""

    def fix(m: re.Match) -> str:
        _problem(raw, f"a term cannot start with a wildcard ({m.group().strip()!r})")
        return m.group(1)

    return re.sub(r"(^|[\s(:])[*?]+(?=\w)", fix, text)


_OPERATORS = ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE")
_PIECE = re.compile(r'"[^"]*"|\(|\)|[^\s()]+')


def _check_operators(text: str, raw: bool) -> str:
    """Operators need operands: "NOT" one after it, the others one on each side. A dangling
    operator is lower-cased in safe mode (it becomes a plain, usually stop, word)."""
    pieces = list(_PIECE.finditer(text))
    chars = list(text)
    for i, m in enumerate(pieces):
        word = m.group()
        if word not in _OPERATORS:
            continue
        before = pieces[i - 1].group() if i else None
        after = pieces[i + 1].group() if i + 1 < len(pieces) else None
        operand_after = (
            after is not None and after != ")" and (after not in _OPERATORS or after == "NOT")
        )
        operand_before = before is not None and before != "(" and before not in _OPERATORS
        ok = operand_after if word == "NOT" else operand_after and operand_before
        if not ok:
            _problem(
                raw,
                f"{word} at column {m.start() + 1} needs a term "
                f"{'after' if word == 'NOT' else 'on each side'}",
            )
            chars[m.start() : m.end()] = word.lower()
    return "".join(chars)


def _clean(text: str, raw: bool) -> str:
    text = text.replace("\x00", " ")
    if not raw:
        # Brackets outside a field:[a TO b] range, stray ^ and ~ are punctuation here.
        ranges = [m.span() for m in re.finditer(r"\w+:[\[{][^\[\]{}]*[\]}]", text)]
        text = "".join(
            " " if ch in "[]{}" and not any(a <= i < b for a, b in ranges) else ch
            for i, ch in enumerate(text)
        )
        text = re.sub(r"(?<![\w\"])[~^]|[~^](?![\d.]*(?:\s|$|\)))", " ", text)
    text = _balance_quotes(text, raw)
    text = _balance_parentheses(text, raw)
    text = _normalise_fields(text, raw)
    text = _strip_wild_starts(text, raw)
    return _check_operators(text, raw)


# ---- rewriting leaves onto the real fields ------------------------------------------------


class _Rewriter:
    """Rewrites a parsed tree onto the fields of one language.

    A document lives in exactly one language's fields, so the final query is an OR of one
    tree per language. That keeps AND exact when a word is a stop word in one language and
    not in another: each language's tree drops its own stop words.
    """

    def __init__(self, stemming: bool, reader=None):
        self.stemming = stemming
        self.reader = reader
        self.words: list[str] = []

    def analyze(self, text: str, lang: str) -> list[str]:
        return [t.text for t in text_analyzer(lang, self.stemming)(text) if t.text]

    def _expand(self, q: query.Query, fieldname: str, boost: float) -> query.Query:
        """A prefix/wildcard/fuzzy query, with its expansion capped at MAX_EXPANSIONS terms."""
        if self.reader is None:
            return q
        terms = []
        for term in q._btexts(self.reader):
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
        field = q.field()
        if isinstance(q, query.TermRange) and field == "date":
            return _date_range(q.start, q.end)
        value = " ".join(q.words) if isinstance(q, query.Phrase) else getattr(q, "text", "")
        if field == "actor":
            tokens = [t.text for t in name_analyzer()(value)]
            if len(tokens) > 1:
                return query.Phrase("actor_words", tokens)
            return query.Term("actor_words", tokens[0]) if tokens else query.NullQuery
        if field == "country":
            from ..extract.countries import resolve_country

            code = resolve_country(value)
            return query.Term("country", code.lower()) if code else query.NullQuery
        if field in ("language", "source_type", "source"):
            return query.Term(field, value.lower())
        if field == "date":
            return _date_term(value)
        return query.NullQuery

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
            return query.Not(self.rewrite(q.query, lang))
        rewritten = q.apply(lambda child: self.rewrite(child, lang))
        if isinstance(rewritten, query.And):
            # "* ukraine": everything AND ukraine is ukraine (Whoosh would keep only "*").
            rest = [c for c in rewritten.subqueries if not isinstance(c, query.Every)]
            if rest and len(rest) < len(rewritten.subqueries):
                return query.And(rest, boost=rewritten.boost)
        return rewritten


def parse_date(value: str, end: bool = False) -> dt.date:
    """ "2024" / "2024-03" / "2024-03-15" -> the first (or, with ``end``, last) day it covers."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value.strip())
    if not m:
        raise ValueError(f"bad date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if not 1 <= year <= MAX_YEAR:  # date arithmetic near 9999-12-31 overflows
        raise ValueError(f"bad date {value!r}: the year must be between 1 and {MAX_YEAR}")
    try:
        if day:
            return dt.date(year, int(month), int(day))
        if month:
            first = dt.date(year, int(month), 1)
            if not end:
                return first
            return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(1)
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    except ValueError:
        raise ValueError(f"bad date {value!r}: no such day") from None


def _date_term(value: str) -> query.Query:
    try:
        return _published_between(parse_date(value), parse_date(value, end=True))
    except ValueError:
        return query.NullQuery


def _date_range(start: str | None, end: str | None) -> query.Query:
    try:
        first = parse_date(start) if start else dt.date(MIN_YEAR, 1, 1)
        last = parse_date(end, end=True) if end else dt.date(dt.date.today().year + 1, 12, 31)
        last = min(last, dt.date(dt.date.today().year + 1, 12, 31))  # nothing is dated later
    except ValueError:
        return query.NullQuery
    return _published_between(first, last)


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _published_between(first: dt.date, last: dt.date) -> query.Query:
    """Documents published in [first, last], as year, month and day key terms.

    Whoosh expands a DateRange on the DATETIME field into hundreds of numeric terms (slow);
    whole years and months become one term each, and only the ragged edges go day by day.
    """
    terms: list[query.Query] = []
    day = first
    while day <= last:
        year_end = dt.date(day.year, 12, 31)
        month_end = _month_end(day)
        if day.month == 1 and day.day == 1 and year_end <= last:
            terms.append(query.Term("year", f"{day:%Y}"))
            day = year_end + dt.timedelta(days=1)
        elif day.day == 1 and month_end <= last:
            terms.append(query.Term("month", f"{day:%Y-%m}"))
            day = month_end + dt.timedelta(days=1)
        else:
            terms.append(query.Term("day", f"{day:%Y-%m-%d}"))
            day += dt.timedelta(days=1)
    return terms[0] if len(terms) == 1 else query.Or(terms)


def _check_values(q: query.Query) -> None:
    """Raw mode: values that name nothing are errors, not silent empty results."""
    for leaf in q.leaves() if not q.is_leaf() else [q]:
        field = leaf.field() if hasattr(leaf, "field") else None
        text = getattr(leaf, "text", None)
        if field == "country" and text:
            from ..extract.countries import resolve_country

            if not resolve_country(text):
                raise QuerySyntaxError(f"unknown country {text!r}: use a name or an ISO code")
        if field == "source_type" and text and text.lower() not in SOURCE_TYPES:
            raise QuerySyntaxError(
                f"unknown source type {text!r}: use one of {', '.join(SOURCE_TYPES)}"
            )
        if field == "date":
            for value in (text, getattr(leaf, "start", None), getattr(leaf, "end", None)):
                if value:
                    try:
                        parse_date(value)
                    except ValueError as exc:
                        raise QuerySyntaxError(str(exc)) from None


def parse_query(*args, **kwargs) -> ParsedQuery:
    """Parse a query; see ``_parse`` and the module docstring for the two modes."""
    # MAX_QUERY_CHARS bounds nesting to ~2,000 levels; the parser and the rewriter recurse
    # a few frames per level, more than Python's default limit of 1,000.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 12 * MAX_QUERY_CHARS))
    try:
        return _parse(*args, **kwargs)
    except RecursionError:
        raise QuerySyntaxError("the query is nested too deeply: remove some parentheses") from None
    finally:
        sys.setrecursionlimit(limit)


def _parse(
    text: str,
    languages: tuple[str, ...],
    stemming: bool = True,
    *,
    raw: bool = False,
    match: str = "all",
    reader=None,
) -> ParsedQuery:
    """Parse ``text``; see the module docstring for the two modes."""
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(
            f"query too long ({len(text)} characters; the limit is {MAX_QUERY_CHARS})"
        )
    stripped = text.strip()
    if stripped in ("", "*", "*:*"):
        return ParsedQuery(query.Every(), (), True)
    cleaned = _clean(text, raw)
    parser = _parser(match)
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
        _check_values(parsed)
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
    rewriter = _Rewriter(stemming, reader)
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
    return ParsedQuery(rewritten, tuple(dict.fromkeys(rewriter.words)), False)
