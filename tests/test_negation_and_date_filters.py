"""NOT and -word exclude exactly, and a date or facet filter is never dropped silently.

- A query of only ``NOT x`` means every document except those matching x: the hits, the
  total and the facets agree (property: the hits of ``NOT (q)`` and of ``q`` partition the
  index, for any q, in both modes).
- ``-word``, ``-"phrase"`` and ``-field:value`` are NOT.
- Date ranges may be open-ended; a reversed range or a bad date is an error in raw mode and
  matches nothing, with a notice, in safe mode (property: a filter the query names is
  applied exactly, or the search says why it matches nothing).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchkit import Index
from searchkit.cli import cli
from searchkit.errors import ExitCode, QuerySyntaxError
from support import write_records

TOPICS_EN = ["peace talks in Moscow", "grain exports from Odesa", "energy prices", "the vote"]
TOPICS_FR = ["négociations de paix à Moscou", "exportations de grain", "prix de l'énergie"]
COUNTRIES = ["Russia", "Ukraine", "France", ""]


def _record(i: int) -> dict:
    french = i % 3 == 0
    topic = (TOPICS_FR if french else TOPICS_EN)[i % (3 if french else 4)]
    country = COUNTRIES[i % 4]
    text = f"Rapport numéro {i} sur {topic}." if french else f"Report number {i} on {topic}."
    text += f" {country}." if country else ""
    record = {"title": f"{'Rapport' if french else 'Report'} {i}", "text": text}
    record["language"] = "fr" if french else "en"
    if i < 20:
        record["date"] = f"{2021 + i % 3}-{i % 12 + 1:02d}-{i % 28 + 1:02d}"
    return record


RECORDS = [_record(i) for i in range(26)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("negation")
    write_records(root / "corpus.jsonl", RECORDS)
    with Index.create(root / "index") as index:
        report = index.update([root / "corpus.jsonl"], jobs=1)
    assert report.added == len(RECORDS)
    return root


@pytest.fixture(scope="module")
def index(corpus):
    with Index.open(corpus / "index") as index:
        yield index


@pytest.fixture(scope="module")
def published(index):
    """Document id -> publication date (None when undated)."""
    return {doc.id: doc.published for doc in index.documents()}


def ids(index, text, **kw):
    results = index.search(text, limit=1000, facets=("language",), **kw)
    found = [hit.id for hit in results.hits]
    assert results.total == len(found)  # hits, total and facets agree
    language = results.facets[0]
    assert sum(v.count for v in language.values) + language.missing == results.total
    return set(found)


def run(corpus, *args):
    result = CliRunner().invoke(cli, ["--index", str(corpus / "index"), *args])
    out = re.sub(r"\(\d+ ms\)", "(N ms)", result.stdout.replace(str(corpus), "<tmp>"))
    out = re.sub(r" id [0-9a-f]{12}", " id <id>", out)
    return result.exit_code, out, result.stderr


# ---- NOT and -word --------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [False, True])
@pytest.mark.parametrize("text", ["moscow", "grain", '"peace talks"', "country:FR", "the"])
def test_not_alone_means_every_other_document(index, published, text, raw):
    matched = ids(index, text, raw=raw)
    excluded = ids(index, f"NOT {text}", raw=raw)
    assert matched | excluded == set(published)
    assert not matched & excluded


def test_not_alone_on_the_command_line_lists_the_hits_it_counts(corpus):
    code, out, err = run(corpus, "search", "NOT report", "--limit", "2", "--facet", "language")
    assert (code, err) == (0, "")
    assert out == (
        "9 results, showing 1-2 (N ms)\n"
        "\n"
        "  1. Rapport 0\n"
        "     2021-01-01 · unknown source (unknown) · fr · RU · id <id>\n"
        "     Rapport numéro 0 sur négociations de paix à Moscou. Russia.\n"
        "     <tmp>/corpus.jsonl:1\n"
        "\n"
        "  2. Rapport 3\n"
        "     2021-04-04 · unknown source (unknown) · fr · RU · id <id>\n"
        "     Rapport numéro 3 sur négociations de paix à Moscou.\n"
        "     <tmp>/corpus.jsonl:4\n"
        "\n"
        "Facets\n"
        "language (1 value)\n"
        "        9  fr French\n"
    )


@pytest.mark.parametrize("match", ["all", "any"])
@pytest.mark.parametrize(
    ("minus", "spelled"),
    [
        ("report -moscow", "report NOT moscow"),
        ('report -"peace talks"', 'report NOT "peace talks"'),
        ("report -country:UA", "report NOT country:UA"),
        ("-moscow grain", "grain NOT moscow"),
    ],
)
def test_minus_is_not(index, minus, spelled, match):
    expected = ids(index, spelled)
    assert expected and expected != ids(index, "report")
    assert ids(index, minus, match=match) == expected


def test_minus_inside_words_and_phrases_is_text(index):
    assert ids(index, "Odesa-grain") == ids(index, '"odesa grain"')
    assert ids(index, '"report -number"') == ids(index, '"report number"')


WORDS = ["report", "rapport", "moscow", "moscou", "grain", "energy", "the", "zzzz", "number"]
LEAVES = [
    *WORDS,
    '"peace talks"',
    '"grain exports"',
    "gra*",
    "country:UA",
    "country:FR",
    "lang:fr",
    "date:2022",
    "date:[2021-06 TO *]",
    "date:[* TO 2022-03]",
]
leaf = st.sampled_from(LEAVES)
expression = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from([" AND ", " OR ", " ", " -", " NOT "]), inner).map(
            lambda t: f"({t[0]}{t[1]}{t[2]})"
        ),
        inner.map(lambda q: f"NOT {q}"),
    ),
    max_leaves=6,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expression, st.booleans(), st.sampled_from(["all", "any"]))
def test_not_q_and_q_partition_the_index(index, published, q, raw, match):
    matched = ids(index, q, raw=raw, match=match)
    excluded = ids(index, f"NOT ({q})", raw=raw, match=match)
    assert matched | excluded == set(published)
    assert not matched & excluded


# ---- date filters ---------------------------------------------------------------------------


def dated(published, first, last):
    return {i for i, day in published.items() if day is not None and first <= day <= last}


def test_open_ended_date_ranges(index, published):
    latest = dt.date(9000, 1, 1)
    march = dt.date(2022, 3, 1)
    assert ids(index, "date:[2022-03 TO *]") == dated(published, march, latest)
    assert ids(index, "date:[2022-03 TO]") == dated(published, march, latest)
    assert ids(index, "date:[* TO 2022-02]") == dated(published, dt.date(1, 1, 1), march)
    assert ids(index, "date:{2021 TO 2023}") == dated(
        published, dt.date(2022, 1, 1), dt.date(2022, 12, 31)
    )
    assert 0 < len(ids(index, "date:[2022-03 TO *]")) < len(published)


@pytest.mark.parametrize(
    ("text", "notice"),
    [
        (
            "date:[2022-03 TO 2022-01] report",
            "date:[2022-03 TO 2022-01] matches nothing: the range is reversed, write the "
            "earlier date first",
        ),
        (
            "date:soon report",
            "date:soon matches nothing: bad date 'soon': use YYYY, YYYY-MM or YYYY-MM-DD",
        ),
        (
            "country:Atlantis report",
            "country:Atlantis matches nothing: unknown country 'Atlantis': use a name or an "
            "ISO code",
        ),
    ],
)
def test_a_filter_that_selects_nothing_says_so(index, text, notice):
    results = index.search(text)
    assert (results.total, results.hits, results.notices) == (0, (), (notice,))
    # NOT of a filter that matches nothing keeps everything, and says the same.
    everything = index.search(f"NOT ({text.rsplit(' ', 1)[0]})", limit=0)
    assert everything.total == len(RECORDS)
    assert everything.notices == (notice,)
    message = notice.split(" matches nothing: ")[1]
    with pytest.raises(QuerySyntaxError, match=re.escape(message)):
        index.search(text, raw=True)


def test_reversed_range_on_the_command_line(corpus):
    query = "date:[2022-03 TO 2022-01] report"
    note = (
        "date:[2022-03 TO 2022-01] matches nothing: the range is reversed, write the earlier "
        "date first"
    )
    assert run(corpus, "search", query) == (
        ExitCode.NO_HITS,
        "0 results (N ms)\n",
        f"Note: {note}\n",
    )
    code, out, err = run(corpus, "search", query, "--json")
    assert (code, err) == (ExitCode.NO_HITS, f"Note: {note}\n")
    assert json.loads(out)["notices"] == [note]
    assert run(corpus, "search", "--raw", query) == (
        ExitCode.USAGE,
        "",
        "Error: date:[2022-03 TO 2022-01]: the range is reversed, write the earlier date first\n",
    )
    assert run(corpus, "search", "--raw", "date:soon") == (
        ExitCode.USAGE,
        "",
        "Error: date:soon: bad date 'soon': use YYYY, YYYY-MM or YYYY-MM-DD\n",
    )


# The property's oracle reads dates on its own, with the calendar module.


def _day_span(value: str) -> tuple[dt.date, dt.date] | None:
    m = re.fullmatch(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", value)
    if not m or not 1 <= int(m.group(1)) <= 9000:
        return None
    year = int(m.group(1))
    if m.group(2) is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = int(m.group(2))
    if not 1 <= month <= 12:
        return None
    days = calendar.monthrange(year, month)[1]
    if m.group(3) is None:
        return dt.date(year, month, 1), dt.date(year, month, days)
    day = int(m.group(3))
    return (dt.date(year, month, day),) * 2 if 1 <= day <= days else None


def expected_days(start, end, start_excl, end_excl):
    """The [first, last] days a range covers, or None when the filter is bad."""
    low = (dt.date(1, 1, 1),) * 2 if start == "*" else _day_span(start)
    high = (dt.date(9999, 12, 31),) * 2 if end == "*" else _day_span(end)
    if low is None or high is None or low[0] > high[1]:
        return None
    first = low[1] + dt.timedelta(days=1) if start_excl else low[0]
    last = high[0] - dt.timedelta(days=1) if end_excl else high[1]
    return first, last


bound = st.one_of(
    st.sampled_from(["*", "2021", "2022", "2023", "soon", "2022-13", "2022-02-30", "20x2"]),
    st.tuples(st.integers(2020, 2024), st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
    st.dates(dt.date(2020, 1, 1), dt.date(2024, 12, 31)).map(dt.date.isoformat),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["report", "rapport", "grain", "*"]),
    st.one_of(
        st.tuples(bound, bound, st.booleans(), st.booleans()),
        bound.map(lambda value: (value, None, False, False)),
    ),
)
def test_a_filter_is_never_dropped_without_a_notice(index, published, word, date_filter):
    start, end, start_excl, end_excl = date_filter
    if end is None:
        text = f"date:{start}"
        span = None if start == "*" else _day_span(start)
    else:
        text = f"date:{'{' if start_excl else '['}{start} TO {end}{'}' if end_excl else ']'}"
        span = expected_days(start, end, start_excl, end_excl)
    if start == "*" and end is None:
        return  # date:* is a wildcard, not a date
    results = index.search(f"{word} {text}", limit=1000)
    found = {hit.id for hit in results.hits}
    if span is None:
        assert results.notices and results.total == 0, (text, results.notices)
        return
    assert results.notices == ()
    unfiltered = {hit.id for hit in index.search(word, limit=1000).hits}
    assert found == unfiltered & dated(published, *span)
