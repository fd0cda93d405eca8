"""The query language: safe mode never fails, raw mode reports syntax errors clearly."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import query as wq

from searchkit.errors import QuerySyntaxError
from searchkit.search.query import MAX_QUERY_CHARS, parse_query

LANGS = ("en", "fr", "xx")


def parse(text, **kw):
    return parse_query(text, LANGS, **kw)


def fields_of(q):
    return {leaf.field() for leaf in q.leaves()} if not q.is_leaf() else {q.field()}


def test_words_are_required_and_stemmed_per_language():
    q = parse("French instructors").query
    assert wq.Term("body_en", "instructor") in q.leaves()
    assert wq.Term("body_xx", "instructors") in q.leaves()
    assert wq.Term("title_en", "instructor") in q.leaves()


def test_stop_word_in_one_language_does_not_empty_the_and():
    # "the" is an English stop word: the English tree must still require "war" alone.
    q = parse("the war").query
    english = [sub for sub in q.subqueries if fields_of(sub) == {"title_en", "body_en"}]
    assert english and english[0] == wq.Or([wq.Term("title_en", "war"), wq.Term("body_en", "war")])


def test_hyphenated_word_is_a_phrase():
    q = parse("NATO-led").query
    assert wq.Phrase("body_en", ["nato", "led"]) in q.leaves() or any(
        isinstance(x, wq.Phrase) for x in q.children() for x in x.children()
    )


def test_facet_fields_and_dates():
    assert parse("date:2024-03").query == wq.Term("month", "2024-03")
    assert parse("date:2024").query == wq.Term("year", "2024")
    assert parse("lang:FR").query == wq.Term("language", "fr")
    assert parse("type:wire").query == wq.Term("source_type", "wire")
    assert parse('actor:"Emmanuel Macron"').query == wq.Phrase(
        "actor_words", ["emmanuel", "macron"]
    )
    assert parse("date:[2024-01 TO 2024-03]").query == wq.Or(
        [wq.Term("month", "2024-01"), wq.Term("month", "2024-02"), wq.Term("month", "2024-03")]
    )
    assert parse("date:[2023-12-30 TO 2025-01-02]").query == wq.Or(
        [
            wq.Term("day", "2023-12-30"),
            wq.Term("day", "2023-12-31"),
            wq.Term("year", "2024"),
            wq.Term("day", "2025-01-01"),
            wq.Term("day", "2025-01-02"),
        ]
    )
    assert parse("date:2024-02-29").query == wq.Term("day", "2024-02-29")


def test_words_for_highlighting_skip_negated_terms():
    assert parse('"French instructors" NOT Russia').words == ("french", "instructors")


def test_match_all_queries():
    for text in ("", "  ", "*", "*:*"):
        assert parse(text).match_all


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"unclosed phrase', "unbalanced quote at column 1"),
        ("(a OR b", "unclosed '('"),
        ("a) b", "unmatched ')' at column 2"),
        ("foo:bar", "unknown field 'foo' at column 1"),
        ("*ukraine", "cannot start with a wildcard"),
        ("type:podcast", "unknown source type 'podcast'"),
        ("date:2024-13", "bad date '2024-13'"),
    ],
)
def test_raw_mode_reports_syntax_errors(text, message):
    with pytest.raises(QuerySyntaxError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(text, raw=True)


@pytest.mark.parametrize(
    "text",
    [
        '"unclosed phrase',
        "(a OR b",
        "a) b",
        "foo:bar",
        "*ukraine",
        "12:30 a.m.",
        "AND",
        "NOT",
        "OR OR",
        "::::",
        "[",
        "]",
        "{",
        "~",
        "^",
        "a^",
        "\\",
        "'",
        "''",
        "Macron's \"",
        "-",
        "U.S.-led",
        "date:[",
        "date:2024-13",
        "country:Atlantis",
    ],
)
def test_safe_mode_never_raises_on_punctuation(text):
    parse(text)


def test_too_long_query_is_refused_with_a_clear_message():
    with pytest.raises(QuerySyntaxError, match="query too long"):
        parse("a " * MAX_QUERY_CHARS)


QUERY_PIECES = st.sampled_from(
    [
        "ukraine",
        "French",
        '"',
        "(",
        ")",
        "AND",
        "OR",
        "NOT",
        "actor:",
        "country:",
        "date:",
        "lang:",
        "type:",
        "title:",
        "foo:",
        "*",
        "?",
        "~",
        "~2",
        "^2",
        "[",
        "]",
        "{",
        "}",
        " TO ",
        "2024",
        "-",
        "'",
        ":",
        ".",
        ",",
        " ",
        "Macron's",
        "\\",
        "/",
        "é",
        "Київ",
        "\x00",
        "\t",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(QUERY_PIECES, max_size=12).map("".join))
def test_safe_mode_never_raises_on_syntax_fragments(text):
    parse(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_safe_mode_never_raises_on_arbitrary_unicode(text):
    parse(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(QUERY_PIECES, max_size=10).map("".join))
def test_raw_mode_raises_only_the_documented_error(text):
    try:
        parse(text, raw=True)
    except QuerySyntaxError:
        pass
