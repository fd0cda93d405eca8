"""Hostile queries and hostile text, end to end through ``Index.search`` and the CLI.

- Properties: whatever is typed, the safe mode answers and the raw mode raises nothing but
  QuerySyntaxError.
- Pathological queries do bounded work (terms expanded, posting blocks read, vocabulary
  scans for spelling) or are refused with a clear message. Work is counted, not timed, so
  a loaded machine cannot fail these tests; the times are printed for a reader.
- Indexed text cannot drive the terminal: the human output carries no escape or control
  character, and --json/--jsonl output always parses.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import string
import time
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchkit import Index
from searchkit.cli import cli
from searchkit.errors import ExitCode, QuerySyntaxError
from support import SEEDS

EXAMPLES = 1000
#: Posting blocks (up to 128 postings each) one search may read: the vocabulary index has
#: 45 documents, so even 256 terms in every language stay far below this.
MAX_BLOCKS = 20_000


class WorkMeter:
    """Counts the work a search does through the engine's seams."""

    def __init__(self, monkeypatch):
        import searchkit.engine.query_evaluation as evaluation
        import searchkit.engine.query_tree as tree
        from searchkit.engine.snapshot import Snapshot

        self.blocks = self.expanded = self.scans = 0
        blocks, expansions, terms_near, frequencies = (
            evaluation.posting_blocks,
            tree.expansions,
            Snapshot.terms_near,
            Snapshot.word_frequencies,
        )

        def counted_blocks(*args):
            for block in blocks(*args):
                self.blocks += 1
                yield block

        def counted_expansions(*args):
            for term in expansions(*args):
                self.expanded += 1
                yield term

        def counted_scans(snapshot, *args):
            self.scans += 1
            return terms_near(snapshot, *args)

        def counted_lookups(snapshot, *args):
            self.scans += 1
            return frequencies(snapshot, *args)

        monkeypatch.setattr(evaluation, "posting_blocks", counted_blocks)
        monkeypatch.setattr(tree, "expansions", counted_expansions)
        monkeypatch.setattr(Snapshot, "terms_near", counted_scans)
        monkeypatch.setattr(Snapshot, "word_frequencies", counted_lookups)

    def assert_bounded(self, languages: int) -> None:
        from searchkit.engine.query_tree import MAX_EXPANDING_TERMS, MAX_EXPANSIONS
        from searchkit.search.searcher import MAX_CORRECTIONS

        # Each expanding term is expanded once per text field (title, body) and language,
        # and the expansion stops after 4 x MAX_EXPANSIONS + 1 candidates.
        assert self.expanded <= MAX_EXPANDING_TERMS * 2 * languages * (4 * MAX_EXPANSIONS + 1)
        assert self.blocks <= MAX_BLOCKS
        # Each corrected word costs one look-up of its one-edit variants and at most one
        # scan of the vocabulary within two edits.
        assert self.scans <= 2 * MAX_CORRECTIONS


@pytest.fixture
def work(monkeypatch):
    return WorkMeter(monkeypatch)


@pytest.fixture(scope="module")
def seeds(seeds_index):
    with Index.open(seeds_index) as index:
        index.search("warm up")
        yield index


# ---- properties: any text, any syntax -------------------------------------------------------

#: Characters that have broken query parsers and terminals: controls, escapes, bidi marks and
#: overrides, emoji sequences, letters that change length when case-folded, combining marks.
SPECIALS = (
    *"\x00\x07\x08\t\n\r\x1b\x7f\x85\x9b",
    "\x1b[31m",
    "\x1b]0;title\x07",
    *"\u061c\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
    *"\u2028\u2029\ufeff\u3000\ufffd",
    "🙂",
    "👩\u200d👩\u200d👧",
    "🇫🇷",
    "ﬁ",
    "İ",
    "ß",
    "e\u0301",
    "ǅ",
    "٣",
    "𝔘𝔨𝔯",
    "עברית",
    "العربية",
)
unicode_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(st.characters(), st.sampled_from(SPECIALS)), max_size=60).map("".join),
)

OPERATORS = ('"', "(", ")", ":", "AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "*", "?", "~", "~2")
OPERATORS += ("^", "^2", "^0.5", "^-3", "^1e400", "[", "]", "{", "}", "TO", "-", "+", "\\", "'")
FIELDS = ("title", "body", "actor", "country", "date", "lang", "language", "source", "type")
FIELDS += ("source_type", "text", "person", "TITLE", "Date", "nosuchfield")
WORDS = ("ukraine", "French", "instructors", "Macron", "FR", "France", "the", "a", "news")
WORDS += ("wire", "en", "12:30", "NATO-led", "l'armée", "İstanbul", "straße", "x" * 40)
# Years stop at 9998: 9999 overflows the date arithmetic, see test_dates_at_the_end_of_time.
year = st.integers(1, 9998).map(lambda y: f"{y:04d}")
month, day = st.integers(0, 13), st.integers(0, 32)
date = st.one_of(
    year,
    st.tuples(year, month).map(lambda t: f"{t[0]}-{t[1]:02d}"),
    st.tuples(year, month, day).map(lambda t: f"{t[0]}-{t[1]:02d}-{t[2]:02d}"),
    st.sampled_from(["", "x", "2024-", "-1", "99999", "2024-02-30"]),
)
word = st.one_of(st.sampled_from(WORDS), st.sampled_from(SPECIALS), st.text(min_size=1, max_size=8))
suffix = st.sampled_from(["", "*", "?", "~", "~1", "~2", "^2", "*?"])
term = st.tuples(word, suffix).map("".join)
fielded = st.tuples(st.sampled_from(FIELDS), st.one_of(term, date, st.just('"x y"'))).map(
    lambda t: f"{t[0]}:{t[1]}"
)
date_range = st.tuples(
    st.sampled_from(["date:", "title:", ""]),
    st.sampled_from("[{"),
    date,
    st.sampled_from([" TO ", " to ", "TO", " "]),
    date,
    st.sampled_from("]}"),
).map("".join)
phrase = st.lists(term, max_size=4).map(lambda ws: '"' + " ".join(ws) + '"')
piece = st.one_of(st.sampled_from(OPERATORS), term, fielded, date_range, phrase)
query_syntax = st.lists(st.tuples(piece, st.sampled_from([" ", "", "  "])), max_size=20).map(
    lambda pieces: "".join(a + b for a, b in pieces)
)

PROPERTY_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _safe_mode_answers(index: Index, strategy, label: str) -> None:
    count = 0

    @PROPERTY_SETTINGS
    @given(strategy)
    def check(text):
        nonlocal count
        count += 1
        results = index.search(text, limit=5)
        assert results.total >= len(results.hits)
        assert len(results.hits) <= 5

    check()
    print(f"safe mode, {label}: {count} examples")
    assert count >= EXAMPLES // 2


def _raw_mode_raises_only_syntax_errors(index: Index, strategy, label: str) -> None:
    count = refused = 0

    @PROPERTY_SETTINGS
    @given(strategy)
    def check(text):
        nonlocal count, refused
        count += 1
        try:
            results = index.search(text, raw=True, limit=5)
        except QuerySyntaxError as exc:
            refused += 1
            assert str(exc).strip()
            assert exc.exit_code == ExitCode.USAGE
            return
        assert len(results.hits) <= 5

    check()
    print(f"raw mode, {label}: {count} examples, {refused} refused with QuerySyntaxError")
    assert count >= EXAMPLES // 2


def test_safe_mode_answers_any_unicode_text(seeds):
    _safe_mode_answers(seeds, unicode_text, "unicode text")


def test_raw_mode_raises_only_query_syntax_error_on_any_unicode_text(seeds):
    _raw_mode_raises_only_syntax_errors(seeds, unicode_text, "unicode text")


def test_safe_mode_answers_any_query_syntax(seeds):
    _safe_mode_answers(seeds, query_syntax, "query syntax")


def test_raw_mode_raises_only_query_syntax_error_on_any_query_syntax(seeds):
    _raw_mode_raises_only_syntax_errors(seeds, query_syntax, "query syntax")


@pytest.mark.parametrize("raw", [False, True], ids=["safe", "raw"])
@pytest.mark.parametrize(
    "text", ["date:9999", "date:9999-12", "date:9999-12-31", "date:[2024 TO 9999]"]
)
def test_dates_at_the_end_of_time(seeds, text, raw):
    try:
        seeds.search(text, raw=raw)
    except QuerySyntaxError:
        assert raw


@pytest.mark.parametrize("text", ["ukraine OR *", "* ukraine", "(*)", "title:*"])
def test_a_bare_wildcard_inside_a_query(seeds, text):
    everything = seeds.search("*").total
    ukraine = seeds.search("ukraine").total
    assert 0 < ukraine <= everything
    assert seeds.search(text).total >= ukraine


# ---- pathological queries -------------------------------------------------------------------

LETTERS = string.ascii_lowercase


@pytest.fixture(scope="module")
def vocabulary(tmp_path_factory):
    """An index with a large vocabulary (the seeds and 40 sheets of 1,500 random words, about
    26,000 distinct terms), so expansions and spelling suggestions have work to do.

    Returns (index, words in the index, words that are not).
    """
    root = tmp_path_factory.mktemp("vocabulary")
    rnd = random.Random(7)
    words = sorted({"".join(rnd.choices(LETTERS, k=rnd.randint(4, 11))) for _ in range(30_000)})
    used: set[str] = set()
    with (root / "sheets.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(40):
            sheet = rnd.sample(words, 1_500)
            used.update(sheet)
            record = {
                "title": f"vocabulary sheet {i}",
                "text": " ".join(sheet),
                "language": "en",
                "actors": [],
                "countries": [],
            }
            fh.write(json.dumps(record) + "\n")
    shutil.copytree(SEEDS, root / "seeds")
    unused = [w for w in words if w not in used and len(w) >= 6]
    with Index.create(root / "index") as index:
        report = index.update([root / "sheets.jsonl", root / "seeds"], jobs=1)
        assert report.added == 45
        index.search("warm up")
        yield index, sorted(used), unused


def _indexed(vocabulary, n: int, seed: int = 1) -> list[str]:
    return random.Random(seed).sample(vocabulary[1], n)


def _unknown(vocabulary, n: int, seed: int = 1) -> list[str]:
    return random.Random(seed).sample(vocabulary[2], n)


TOO_LONG = r"^query too long \(\d+ characters; the limit is \d+\)$"
TOO_MANY_TERMS = r"^query has \d+ terms; the limit is \d+$"
TOO_MANY_EXPANDING = r"^query has \d+ prefix, wildcard or fuzzy terms; the limit is \d+$"
LEADING_WILDCARD = r"^a term cannot start with a wildcard"

#: name -> (query from the vocabulary fixture, message a refusal must match or None when
#: the query must be answered; the raw-mode message, when it differs, after a "|").
PATHOLOGICAL = {
    "*": (lambda v: "*", None),
    "a*": (lambda v: "a*", None),
    "*a*": (lambda v: "*a*", f"|{LEADING_WILDCARD}"),
    "?": (lambda v: "?", None),
    "?????": (lambda v: "?????", None),
    "1,000 OR terms": (lambda v: " OR ".join(_indexed(v, 1_000)), TOO_LONG),
    "250 OR terms": (lambda v: " OR ".join(_indexed(v, 250)), None),
    "300 terms": (lambda v: " ".join(w[:3] for w in _indexed(v, 300)), TOO_MANY_TERMS),
    "250 OR prefixes": (
        lambda v: " OR ".join(w[:3] + "*" for w in _indexed(v, 250)),
        TOO_MANY_EXPANDING,
    ),
    "30 OR prefixes": (lambda v: " OR ".join(w[:3] + "*" for w in _indexed(v, 30)), None),
    "500 nested parentheses": (lambda v: "(" * 500 + "ukraine" + ")" * 500, None),
    "60-letter fuzzy term": (
        lambda v: "".join(random.Random(3).choices(LETTERS, k=60)) + "~2",
        None,
    ),
    "100 KB query": (lambda v: (" ".join(_indexed(v, 20_000)))[: 100 * 1024], TOO_LONG),
    "10,000 stop words": (lambda v: " ".join(["the"] * 10_000), TOO_LONG),
    "800 stop words": (lambda v: " ".join(["the"] * 800), None),
    "300-word phrase": (lambda v: '"' + " ".join(_indexed(v, 300)) + '"', None),
    "date range over centuries": (lambda v: "date:[1000 TO 2999]", None),
}


@pytest.mark.parametrize("raw", [False, True], ids=["safe", "raw"])
@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_query_is_bounded_or_refused(vocabulary, name, raw, work):
    index = vocabulary[0]
    make, refusal = PATHOLOGICAL[name]
    text = make(vocabulary)
    safe_refusal, _, raw_refusal = (refusal or "").partition("|")
    expected = (raw_refusal or safe_refusal) if raw else safe_refusal
    started = time.perf_counter()
    try:
        results = index.search(text, raw=raw)
        outcome = f"{results.total} hits"
        refused = None
    except QuerySyntaxError as exc:
        refused = str(exc)
        outcome = f"refused: {refused}"
    took = time.perf_counter() - started
    print(f"{name} ({len(text)} chars, {'raw' if raw else 'safe'}): {took:.3f} s, {outcome}")
    if refused is None:
        assert not expected, f"expected a refusal matching {expected!r}"
    else:
        assert expected, f"refused: {refused}"
        assert re.search(expected, refused), refused
    work.assert_bounded(languages=16)


def _timed(index: Index, text: str, **options):
    started = time.perf_counter()
    results = index.search(text, **options)
    print(f"{len(text)} chars: {time.perf_counter() - started:.2f} s")
    return results


def test_many_unknown_words_are_answered_with_bounded_work(vocabulary, work):
    # A pasted paragraph in a language the index does not hold: every word is unknown, and
    # a query that long gets no spelling suggestion at all.
    results = _timed(vocabulary[0], " ".join(_unknown(vocabulary, 90)))
    assert (results.total, results.suggestion) == (0, None)
    work.assert_bounded(languages=16)
    assert work.scans == 0


def test_a_few_unknown_words_are_corrected_with_bounded_work(vocabulary, work):
    # Only the first few unknown words of a short query are looked up for a correction.
    results = _timed(vocabulary[0], " ".join(_unknown(vocabulary, 8)))
    assert results.total == 0
    work.assert_bounded(languages=16)
    assert work.scans > 0


def test_many_fuzzy_terms_are_refused_and_a_few_answered_with_bounded_work(vocabulary, work):
    text = " OR ".join(w[:6] + "~2" for w in _unknown(vocabulary, 70, seed=2))
    with pytest.raises(QuerySyntaxError, match=r"^query has 70 fuzzy terms; the limit is 8$"):
        vocabulary[0].search(text)
    text = " OR ".join(w[:6] + "~2" for w in _unknown(vocabulary, 8, seed=2))
    _timed(vocabulary[0], text, snippets=False)
    work.assert_bounded(languages=16)


def test_deep_nesting_in_raw_mode_is_answered_or_refused_with_a_clear_message(seeds):
    text = "(a OR " * 330 + "ukraine" + ")" * 330
    try:
        # "(a OR (a OR ... ukraine))" is "a OR ukraine"
        assert seeds.search(text, raw=True).total == seeds.search("a OR ukraine").total
    except QuerySyntaxError as refused:
        assert "recursion" not in str(refused)


# ---- output safety --------------------------------------------------------------------------

MARK = "zorblax"
NASTY = (
    "\x1b[31mred\x1b[0m \x1b]0;owned\x07 \x1b[2J nul\x00here bell\x07 back\x08space "
    "carriage\rreturn \u202egnirts\u202c \u202dforced\u202c \u2066isolated\u2069 \u200fmark "
    "\x9b31m c1 \x85next"
)
#: Bidi controls that reorder what the terminal shows (overrides, embeddings, isolates, marks).
BIDI = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def unsafe_characters(text: str) -> set[str]:
    """Characters in ``text`` that can drive a terminal: controls (bar newline) and bidi."""
    return {c for c in text if (unicodedata.category(c) == "Cc" and c != "\n") or c in BIDI}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """An index of articles whose every text field carries escapes and control characters."""
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "articles"
    folder.mkdir()
    records = [
        {
            "title": f"{MARK} title {NASTY}",
            "text": f"The {MARK} report. {NASTY} More {MARK} text after the escapes.",
            "source": "Evil\x1b[2J Source\x07",
            "authors": ["Ann\x1b[1m Author"],
            "actors": ["Bad\x1b[5mActor", "Right\u202eLeft"],
            "countries": ["FR"],
            "category": "cat\x1b[0m",
            "date": "2024-03-01",
        },
        {"title": f"{MARK}\r\x1b[2K overwritten line", "text": f"{MARK} \x08\x08\x08 gone"},
    ]
    (folder / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    # Plain text with a few escapes (too few to look binary) and an escape in its file name.
    body = " ".join(f"Paragraph {i} of the {MARK} story." for i in range(40))
    (folder / "plain\x1b[7m.txt").write_text(
        f"{MARK} plain \x1b[31mtitle\x1b[0m\n{body} \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\\n"
    )
    with Index.create(root / "index") as index:
        report = index.update([folder], jobs=1)
    assert (report.added, report.skipped) == (3, ())
    return root / "index"


def run_cli(index: Path, *args: str):
    # color=True: click strips CSI sequences from output that is not a terminal, which would
    # hide them here; a terminal gets the text unstripped, and so does this test.
    return CliRunner().invoke(cli, ["--index", str(index), *args], color=True)


@pytest.mark.parametrize(
    "args",
    [
        ("search", MARK),
        ("search", MARK, "--facet", "source", "--facet", "actor", "--facet", "country"),
        ("search", f"{MARK} \x1b[31m \u202e"),
        ("facets", MARK, "--facet", "source", "--facet", "actor"),
    ],
    ids=["search", "search-facets", "search-escaped-query", "facets"],
)
def test_human_output_has_no_escapes_or_control_characters(hostile, args):
    result = run_cli(hostile, *args)
    assert result.exit_code == 0, result.output
    assert MARK in result.stdout or args[0] == "facets"
    assert unsafe_characters(result.output) == set(), result.output


@pytest.mark.parametrize("flag", ["--json", "--jsonl"])
def test_json_output_parses(hostile, flag):
    result = run_cli(hostile, "search", MARK, flag)
    assert result.exit_code == 0, result.output
    if flag == "--json":
        data = json.loads(result.stdout)
        hits = data["hits"]
        assert data["total"] == 3
    else:
        hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(hits) == 3
    assert all(MARK in hit["title"] for hit in hits)


# Arabic words are left out: an article detected as Arabic stops the run before any output
# is made (test_bad_input.py::test_arabic_article_is_indexed).
DOCUMENT_SPECIALS = tuple(s for s in SPECIALS if s != "العربية")
text_with_controls = st.lists(
    st.one_of(st.characters(), st.sampled_from(DOCUMENT_SPECIALS)), min_size=1, max_size=40
).map("".join)


def test_generated_documents_give_parseable_json_and_safe_human_output(tmp_path):
    count = 0

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.tuples(text_with_controls, text_with_controls), min_size=1, max_size=5))
    def check(docs):
        nonlocal count
        count += 1
        folder = tmp_path / f"example{count}"
        folder.mkdir()
        records = [{"title": f"{MARK} {t}", "text": f"{MARK} {b}"} for t, b in docs]
        (folder / "docs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
        with Index.create(folder / "index") as index:
            report = index.update([folder / "docs.jsonl"], jobs=1)
        assert (report.added, report.skipped) == (len(docs), ())
        data = json.loads(run_cli(folder / "index", "search", MARK, "--json").stdout)
        assert data["total"] == len(docs)
        lines = run_cli(folder / "index", "search", MARK, "--jsonl").stdout.splitlines()
        assert len([json.loads(line) for line in lines]) == len(docs)
        human = run_cli(folder / "index", "search", MARK)
        assert human.exit_code == 0
        assert unsafe_characters(human.output) == set(), human.output

    check()
    print(f"generated documents: {count} examples")


def _one_record(tmp_path: Path, record: dict) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.json").write_text(json.dumps(record))
    with Index.create(tmp_path / "index") as index:
        assert index.update([folder], jobs=1).added == 1
    return tmp_path / "index"


def test_declared_language_cannot_drive_the_terminal(tmp_path):
    index = _one_record(tmp_path, {"title": f"{MARK} lang", "text": "x", "language": "\x1bc"})
    result = run_cli(index, "search", MARK)
    assert unsafe_characters(result.output) == set(), result.output


def test_show_output_has_no_escapes(tmp_path):
    record = {"title": f"{MARK} url", "text": "x", "url": "https://example.org/\x1b]0;owned\x07"}
    index = _one_record(tmp_path, record)
    with Index.open(index) as opened:
        doc_id = opened.search(MARK).hits[0].id
    result = run_cli(index, "show", doc_id)
    assert result.exit_code == 0, result.output
    assert unsafe_characters(result.output) == set(), result.output


def test_arabic_letter_mark_does_not_reach_the_terminal(tmp_path):
    index = _one_record(tmp_path, {"title": f"{MARK} \u061cmark", "text": f"{MARK} \u061cbody"})
    result = run_cli(index, "search", MARK)
    assert "\u061c" not in result.output
