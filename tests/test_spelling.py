"""Did-you-mean: the closest edit first, then the most frequent word, in its plain form; no
suggestion for long queries."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from searchkit import Index
from searchkit.cli import cli
from searchkit.errors import ExitCode
from searchkit.search.spelling import (
    best_correction,
    distance,
    edits1,
    plain_form,
    rank_corrections,
    should_suggest,
)
from support import write_records


@pytest.mark.parametrize(
    ("a", "b", "edits"),
    [
        ("election", "election", 0),
        ("elecion", "election", 1),  # a letter left out
        ("presdient", "president", 1),  # two letters swapped: one edit, not two
        ("trmup", "trump", 1),
        ("microsfot", "microsoft", 1),
        ("econmy", "economy", 1),
        ("econmy", "economic", 3),
        ("elecion", "electronic", 4),
        ("abc", "ca", 3),  # optimal string alignment: no edit of a swapped pair
        ("", "abc", 3),
    ],
)
def test_distance_counts_a_swap_as_one_edit(a, b, edits):
    assert distance(a, b) == edits
    assert distance(b, a) == edits


def test_edits1_are_exactly_the_strings_one_edit_away():
    variants = edits1("form")
    assert {"from", "for", "forms", "firm", "fork"} <= variants
    assert "form" not in variants and "farms" not in variants
    assert all(distance("form", v) == 1 for v in variants)
    assert {"form", "fórms", "fórmó"} <= edits1("fórm")  # the word's own letters too


@pytest.mark.parametrize(
    ("word", "plain"),
    [("trump’s", "trump"), ("microsoft's", "microsoft"), ("parents'", "parents"), ("s", "s")],
)
def test_plain_form_drops_the_possessive(word, plain):
    assert plain_form(word) == plain


def test_the_closest_edit_wins_then_the_most_frequent():
    candidates = {"electronic": 89, "elector": 43, "election": 6, "elections": 30}
    assert rank_corrections("elecion", candidates) == ["election", "elector", "elections"]
    assert best_correction("econmy", {"economic": 208, "economy": 199}) == "economy"
    assert best_correction("presdient", {"present": 188, "president": 20}) == "president"
    # Same number of edits: the more frequent word.
    assert best_correction("wat", {"want": 10, "way": 50, "what": 5}) == "way"
    assert best_correction("xyzzy", {"electronic": 89}) is None  # too far: no guess


def test_candidates_are_suggested_in_their_plain_form():
    assert best_correction("trmup", {"trump’s": 60, "trump": 40, "true": 69}) == "trump"
    assert best_correction("microsfot", {"microsoft's": 85}) == "microsoft"


def test_long_queries_get_no_suggestion():
    assert should_suggest("elecion results")
    assert not should_suggest(" ".join(["word"] * 11))
    assert not should_suggest("x" * 201)


# ---- through the index ----------------------------------------------------------------------

TEXTS = [
    *["A new electronic voting machine was shown."] * 6,
    *["Trump’s campaign and Microsoft's results."] * 4,
    "The election was held on Sunday.",
    "Donald Trump spoke about the economy.",
    "Results of the election.",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("spelling")
    records = [{"title": f"Story {i}", "text": t, "language": "en"} for i, t in enumerate(TEXTS)]
    write_records(root / "news.jsonl", records)
    with Index.create(root / "index") as index:
        index.update([root / "news.jsonl"], jobs=1)
    return root


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("elecion", "election"),  # before: electronic (more frequent, two edits away)
        ("Eletcion", "Election"),
        ("trmup", "trump"),  # before: trump’s
        ("microsfot", "microsoft"),  # before: microsoft's
        ("econmy", "economy"),
    ],
)
def test_search_suggests_the_closest_plain_word(corpus, typed, suggestion):
    with Index.open(corpus / "index") as index:
        assert index.search(typed).suggestion == suggestion


def run(corpus, *args):
    result = CliRunner().invoke(cli, ["--index", str(corpus / "index"), *args])
    return result.exit_code, re.sub(r"\(\d+ ms\)", "(N ms)", result.stdout), result.stderr


def test_did_you_mean_on_the_command_line(corpus):
    assert run(corpus, "search", "elecion", "trmup", "--any") == (
        ExitCode.NO_HITS,
        "0 results (N ms)\n\nDid you mean: election trump\n",
        "",
    )


def test_a_long_query_gets_no_did_you_mean_line(corpus):
    words = ["elecion"] + [f"zq{i}" for i in range(11)]
    assert run(corpus, "search", "--any", *words) == (ExitCode.NO_HITS, "0 results (N ms)\n", "")
    pasted = "elecion " + "x" * 4000
    assert run(corpus, "search", "--any", pasted) == (ExitCode.NO_HITS, "0 results (N ms)\n", "")
