"""The query language: what a user types, made safe and handed to the engine.

Syntax: words, "phrases", AND / OR / NOT (or -word) and parentheses, field:value (title,
body, and every facet of the index's registry: actor, country, source_type, language, source,
date, and the facets declared in searchkit.toml), prefix* and wild?cards, fuzzy~ (or fuzzy~2),
boosts^2, and date ranges (date:[2024-01 TO 2024-03-15], open-ended date:[2024-01 TO *]).

Two modes. The safe mode (the default) never fails on what people paste: unbalanced quotes
and parentheses, stray colons, unknown field names and lone operators are neutralised, and a
value that names nothing (an unknown country) matches nothing. The raw mode passes the syntax
through and raises QuerySyntaxError, with the position and the fix, for the same problems.

This module checks and neutralises the syntax; the engine (``engine.query_tree``) parses the
cleaned text and rewrites it onto its fields.
"""

from __future__ import annotations

import contextlib
import re
import sys

from ..engine.query_tree import ParsedQuery, build_query
from ..errors import QuerySyntaxError
from ..registry import DEFAULT_REGISTRY, FacetRegistry

MAX_QUERY_CHARS = 4096
#: Field names accepted before a colon but not listed in messages.
_HIDDEN = {"text", "actors", "person", "countries", "type", "language", "source_type"}


def field_aliases(registry: FacetRegistry) -> dict[str, str]:
    """What a user may type before a colon -> the field it means."""
    aliases = {"title": "title", "body": "body", "text": "text"}
    for spec in registry:
        for name in (spec.name, *spec.aliases):
            aliases.setdefault(name, spec.name)
    return aliases


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


def _normalise_fields(text: str, raw: bool, aliases: dict[str, str]) -> str:
    def field(m: re.Match) -> str:
        name = m.group(1).lower()
        if name in aliases:
            return aliases[name] + ":"
        known = ", ".join(sorted({"title", "body", *(a for a in aliases if a not in _HIDDEN)}))
        _problem(raw, f"unknown field {m.group(1)!r} at column {m.start() + 1}: use one of {known}")
        return m.group(1) + " "

    text = _FIELD_PREFIX.sub(field, text)
    # Colons left over ("12:30", "a : b") are punctuation, except inside quotes and ranges.
    protected = re.sub(r'"[^"]*"', lambda m: "\0" * len(m.group()), text)
    protected = _RANGE.sub(lambda m: "\0" * len(m.group()), protected)
    chars = list(text)
    for m in _STRAY_COLON.finditer(protected):
        before = protected[: m.start()]
        if re.search(
            r"(?:^|[\s(])(" + "|".join(map(re.escape, set(aliases.values()))) + r")$", before
        ):
            continue
        if raw:
            _problem(raw, f"unexpected ':' at column {m.start() + 1}")
        chars[m.start()] = " "
    return "".join(chars)


#: "-word", "-\"a phrase\"", "-field:value", "-(a OR b)" at the start of a term; not "U.S.-led"
#: or "-5".
_MINUS = re.compile(r'(?:^|(?<=[\s(]))-(?=[^\W\d_]|["(])')


def _minus_as_not(text: str) -> str:
    """A leading minus excludes, as in most engines: "russia -putin" is "russia NOT putin";
    "NOT NOT x" is x."""
    # Phrases keep their quotes but hide their inside: "a -b" is a phrase, not a NOT.
    protected = re.sub(r'"[^"]*"', lambda m: '"' + "\0" * (len(m.group()) - 2) + '"', text)
    starts = [m.start() for m in _MINUS.finditer(protected)]
    for start in reversed(starts):
        text = text[:start] + "NOT " + text[start + 1 :]
    # Whoosh's parser fails on "NOT NOT x": two NOTs cancel.
    protected = re.sub(r'"[^"]*"', lambda m: "\0" * len(m.group()), text)
    for m in reversed(list(re.finditer(r"(?<![^\s(])NOT(?:\s+NOT)+(?=[\s(]|$)", protected))):
        kept = "NOT" if m.group().count("NOT") % 2 else ""
        text = text[: m.start()] + kept + text[m.end() :]
    return text


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


def _clean(text: str, raw: bool, aliases: dict[str, str]) -> str:
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
    text = _minus_as_not(text)
    text = _normalise_fields(text, raw, aliases)
    text = _strip_wild_starts(text, raw)
    return _check_operators(text, raw)


@contextlib.contextmanager
def _made_safe(text: str, raw: bool, registry: FacetRegistry):
    """(the cleaned text, the field names a query may use), with the recursion limit raised:
    MAX_QUERY_CHARS bounds nesting to ~2,000 levels, and the parser and the rewriter recurse a
    few frames per level, more than Python's default limit of 1,000."""
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(
            f"query too long ({len(text)} characters; the limit is {MAX_QUERY_CHARS})"
        )
    aliases = field_aliases(registry)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 12 * MAX_QUERY_CHARS))
    try:
        stripped = text.strip()
        cleaned = stripped if stripped in ("", "*", "*:*") else _clean(text, raw, aliases)
        yield cleaned, tuple(sorted(set(aliases.values())))
    except RecursionError:
        raise QuerySyntaxError("the query is nested too deeply: remove some parentheses") from None
    finally:
        sys.setrecursionlimit(limit)


def parse_query(
    text: str,
    languages: tuple[str, ...],
    stemming: bool = True,
    *,
    raw: bool = False,
    match: str = "all",
    reader=None,
    registry: FacetRegistry = DEFAULT_REGISTRY,
    facet_mask=None,
) -> ParsedQuery:
    """Parse ``text`` for an index whose text fields cover ``languages``; see the module
    docstring for the two modes. ``facet_mask(spec, values)`` gives the documents holding
    any of a declared facet's values (those facets live in facet files, not the index)."""
    with _made_safe(text, raw, registry) as (cleaned, fields):
        return build_query(
            text,
            cleaned,
            languages,
            stemming,
            raw=raw,
            match=match,
            reader=reader,
            registry=registry,
            fields=fields,
            facet_mask=facet_mask,
        )


def translate_for_opensearch(
    text: str,
    languages: tuple[str, ...],
    stemming: bool = True,
    *,
    raw: bool = False,
    match: str = "all",
    registry: FacetRegistry = DEFAULT_REGISTRY,
):
    """The OpenSearch query DSL for ``text``: made safe here as for the embedded engine, then
    parsed and translated by ``engine.opensearch_query`` (never ``query_string``)."""
    from ..engine.opensearch_query import translate_query

    with _made_safe(text, raw, registry) as (cleaned, fields):
        return translate_query(
            cleaned, languages, stemming, registry=registry, fields=fields, raw=raw, match=match
        )
