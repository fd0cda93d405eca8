"""The bitmap evaluation of a query matches exactly the documents that hold its words.

The oracle is a brute-force evaluation over each document's stored words, not Whoosh's own
matchers: Whoosh's AndNot matcher returns documents that hold the excluded word (below).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query as wq

from searchkit import Index
from searchkit.engine.query_evaluation import QueryEvaluation
from searchkit.search.facets import docnums_in
from support import write_records


def match_mask(searcher, query):
    return QueryEvaluation(searcher, query).mask


def top_scored(searcher, query, allowed, k):
    return QueryEvaluation(searcher, query).top(allowed, k)


WORDS = ["alpha", "beta", "gamma", "delta", "omega"]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    root = tmp_path_factory.mktemp("matchset")
    records = [
        {
            "title": " ".join(WORDS[(i + k) % 5] for k in range(i % 3)),
            "text": " ".join(WORDS[(i * k) % 5] for k in range(1 + i % 4)),
            "language": "en",
        }
        for i in range(300)  # more than one posting block (128) per common word
    ]
    # Three files, three commits with one builder: several segments.
    for part in range(3):
        write_records(root / f"part{part}.jsonl", records[part * 100 : (part + 1) * 100])
    with Index.create(root / "ix", stemming=False) as index:
        for part in range(3):
            index.update([root / f"part{part}.jsonl"], jobs=1)
        index.update([root / "part0.jsonl"], jobs=1)  # nothing new: the manifest says so
        ctx = index._context()
        yield ctx.snapshot._searcher


def terms():
    return st.builds(
        wq.Term,
        st.sampled_from(["title_xx", "body_xx", "nosuch"]),
        st.sampled_from([*WORDS, "zeta"]),
    )


QUERIES = st.recursive(
    terms(),
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=3).map(wq.And),
        st.lists(children, min_size=1, max_size=3).map(wq.Or),
        st.tuples(children, children).map(lambda ab: wq.AndNot(*ab)),
        children.map(wq.Not),
    ),
    max_leaves=6,
)


def brute_force(searcher, query) -> list[int]:
    words = {}
    for docnum in range(searcher.doc_count_all()):
        stored = searcher.stored_fields(docnum)
        words[docnum] = {
            "title_xx": set(stored["title"].lower().split()),
            "body_xx": set(stored["body"].lower().split()),
        }

    def holds(q, n: int) -> bool:
        if type(q) is wq.Term:
            return q.text in words[n].get(q.fieldname, set())
        if type(q) is wq.And:
            return all(holds(sub, n) for sub in q.subqueries)
        if type(q) is wq.Or:
            return any(holds(sub, n) for sub in q.subqueries)
        if type(q) is wq.AndNot:
            return holds(q.a, n) and not holds(q.b, n)
        if type(q) is wq.Not:
            return not holds(q.query, n)
        raise AssertionError(q)

    return [n for n in words if holds(query, n)]


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(QUERIES)
def test_bitmap_matches_equal_a_brute_force_evaluation(searcher, query):
    mask = match_mask(searcher, query)
    assert mask is not None
    assert docnums_in(mask) == brute_force(searcher, query)


def test_whoosh_and_not_returns_excluded_documents(searcher):
    """Why the oracle above is not Whoosh: its AndNot keeps a document holding both words."""
    query = wq.AndNot(wq.Term("title_xx", "alpha"), wq.Term("title_xx", "beta"))
    expected = set(brute_force(searcher, query))
    assert set(docnums_in(match_mask(searcher, query))) == expected
    assert set(searcher.docs_for_query(query)) - expected  # fails the day Whoosh is fixed


def test_phrases_and_prefixes_are_left_to_whoosh(searcher):
    assert match_mask(searcher, wq.Phrase("body_xx", ["alpha", "beta"])) is None
    assert (
        match_mask(searcher, wq.And([wq.Term("body_xx", "alpha"), wq.Prefix("body_xx", "be")]))
        is None
    )


def whoosh_scores(searcher, query) -> dict[int, float]:
    """Whoosh's own score of every match (all of them, so no top-k skipping)."""
    results = searcher.search(query, limit=None, optimize=False)
    return {results.docnum(i): results.score(i) for i in range(results.scored_length())}


POSITIVE = st.recursive(
    terms(),
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=3).map(wq.And),
        st.lists(children, min_size=1, max_size=3).map(wq.Or),
    ),
    max_leaves=5,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(POSITIVE, st.integers(1, 12))
def test_top_scored_ranks_as_whoosh_scores_each_document(searcher, query, k):
    matched = match_mask(searcher, query)
    top = top_scored(searcher, query, matched, k)
    scores = whoosh_scores(searcher, query)
    expected = sorted((-scores[n], n) for n in docnums_in(matched))[:k]
    # The same scores in the same order (documents with equal scores may swap: a sum taken
    # in another order can differ in the last bit).
    assert len(top) == len(expected)
    for (_, score), (negated, _) in zip(top, expected, strict=True):
        assert abs(score + negated) < 1e-9
