"""Facet counts and filters equal a brute-force count over a random corpus."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchkit import Index
from searchkit.engine import facet_columns
from searchkit.search import facets as facet_counting
from support import write_records

WORDS = ["alpha", "beta", "gamma", "delta"]
ACTORS = ["Ann Lee", "Bo Chen", "Cy Diaz", "NATO"]
COUNTRIES = ["FR", "UA", "DE", "US"]
TYPES = ["news", "wire", "blog"]
LANGS = ["en", "fr"]
SAMPLE = {
    "words": ["alpha"],
    "countries": [],
    "source_type": "news",
    "language": "en",
    "date": None,
}

records = st.lists(
    st.fixed_dictionaries(
        {
            "words": st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
            "actors": st.lists(st.sampled_from(ACTORS), unique=True, max_size=3),
            "countries": st.lists(st.sampled_from(COUNTRIES), unique=True, max_size=2),
            "source_type": st.sampled_from(TYPES),
            "language": st.sampled_from(LANGS),
            "date": st.one_of(st.none(), st.dates(dt.date(2023, 11, 1), dt.date(2024, 2, 28))),
        }
    ),
    min_size=1,
    max_size=25,
)
requests = st.fixed_dictionaries(
    {
        "word": st.one_of(st.none(), st.sampled_from(WORDS)),
        "actor": st.lists(st.sampled_from(ACTORS), unique=True, max_size=2),
        "country": st.lists(st.sampled_from(COUNTRIES), unique=True, max_size=2),
        "source_type": st.lists(st.sampled_from(TYPES), unique=True, max_size=2),
        "since": st.one_of(st.none(), st.dates(dt.date(2023, 11, 1), dt.date(2024, 2, 28))),
    }
)


def to_record(i: int, r: dict) -> dict:
    out = {
        "title": f"Doc {i}",
        "text": " ".join(r["words"]),
        "language": r["language"],
        "source_type": r["source_type"],
        "actors": r["actors"],
        "countries": r["countries"],
    }
    if r["date"]:
        out["date"] = r["date"].isoformat()
    return out


def keep(r: dict, req: dict, skip: str = "") -> bool:
    """The brute-force filter: what a search with ``req`` should match, minus ``skip``."""
    if req["word"] and req["word"] not in r["words"]:
        return False
    for facet in ("actor", "country", "source_type"):
        chosen = req[facet]
        if facet == skip or not chosen:
            continue
        values = {
            "actor": r["actors"],
            "country": r["countries"],
            "source_type": [r["source_type"]],
        }[facet]
        if not set(chosen) & set(values):
            return False
    return skip == "date" or not req["since"] or bool(r["date"] and r["date"] >= req["since"])


# (share of documents from which a value is a bitmap, whether counting may walk the matching
# documents rather than read rare values' document numbers): the default (in these small
# corpora every value is a bitmap), then bitmaps and document numbers mixed, then document
# numbers only, both counted from the numbers whenever enough documents match.
LAYOUTS = [(facet_columns.DENSE_SHARE, True), (0.3, False), (2.0, False)]


@pytest.mark.parametrize(("dense_share", "may_walk"), LAYOUTS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records, st.lists(requests, min_size=1, max_size=4))
def test_facet_counts_equal_brute_force(tmp_path_factory, dense_share, may_walk, corpus, reqs):
    with (
        mock.patch.object(facet_columns, "DENSE_SHARE", dense_share),
        mock.patch.object(facet_counting, "WALKED_PER_RARE", 1 / 8 if may_walk else 0),
        mock.patch.object(facet_counting, "WALKED_PER_VALUE", 5 if may_walk else 0),
    ):
        _check_counts(tmp_path_factory.mktemp("facets"), corpus, reqs)


def _check_counts(base, corpus, reqs):
    write_records(base / "corpus.jsonl", [to_record(i, r) for i, r in enumerate(corpus)])
    with Index.create(base / "ix", stemming=False) as index:
        index.update([base / "corpus.jsonl"], jobs=1)
        for req in reqs:
            filters = {k: req[k] for k in ("actor", "country", "source_type") if req[k]}
            results = index.search(
                req["word"] or "*",
                filters=filters,
                since=req["since"],
                facets=("actor", "country", "source_type", "language", "date"),
                facet_limit=0,
                limit=100,
            )
            assert results.total == sum(keep(r, req) for r in corpus)
            assert len(results.hits) == results.total
            expected = {
                "actor": Counter(a for r in corpus if keep(r, req, "actor") for a in r["actors"]),
                "country": Counter(
                    c for r in corpus if keep(r, req, "country") for c in r["countries"]
                ),
                "source_type": Counter(
                    r["source_type"] for r in corpus if keep(r, req, "source_type")
                ),
                "language": Counter(r["language"] for r in corpus if keep(r, req)),
                "date": Counter(
                    f"{r['date']:%Y-%m}" for r in corpus if keep(r, req, "date") and r["date"]
                ),
            }
            missing = {
                "actor": sum(1 for r in corpus if keep(r, req, "actor") and not r["actors"]),
                "country": sum(1 for r in corpus if keep(r, req, "country") and not r["countries"]),
                "source_type": 0,
                "language": 0,
                "date": sum(1 for r in corpus if keep(r, req, "date") and not r["date"]),
            }
            for facet in results.facets:
                # Selected values are always listed, with their count even when it is 0.
                # (values no document has are left out, with a notice).
                field = {"actor": "actors", "country": "countries"}.get(facet.name, facet.name)
                values = [r.get(field) for r in corpus]
                known = {v for v in values if isinstance(v, str)}
                known |= {v for vs in values if isinstance(vs, list) for v in vs}
                for value in req.get(facet.name) or ():
                    if value in known:
                        expected[facet.name].setdefault(value, 0)
                assert {v.value: v.count for v in facet.values} == dict(expected[facet.name])
                assert facet.missing == missing[facet.name]
                chosen = set(req.get(facet.name) or ())
                assert {v.value for v in facet.values if v.selected} == chosen & set(
                    expected[facet.name]
                )


def test_a_surname_alone_joins_the_one_full_name_in_the_index(tmp_path):
    records = [
        {"title": "A", "text": "x", "actors": ["Oleksiy Goncharenko", "NATO"]},
        {"title": "B", "text": "x", "actors": ["Goncharenko"]},
        {"title": "C", "text": "x", "actors": ["Boris Johnson", "Johnson"]},
        {"title": "D", "text": "x", "actors": ["Mike Johnson"]},
        {"title": "E", "text": "x", "actors": ["Johnson", "Council of Europe", "Europe"]},
    ]
    write_records(tmp_path / "c.jsonl", [{**r, "language": "en"} for r in records])
    with Index.create(tmp_path / "ix") as index:
        index.update([tmp_path / "c.jsonl"], jobs=1)
        actors = {v.value: v.count for v in index.facets(facets=("actor",))[0].values}
        assert actors == {
            "Oleksiy Goncharenko": 2,
            "Johnson": 2,
            "Boris Johnson": 1,
            "Mike Johnson": 1,
            "NATO": 1,
            "Council of Europe": 1,
            "Europe": 1,
        }
        hit = index.search("*", filters={"actor": ["Goncharenko"]}, limit=5)
        assert hit.total == 2
        assert {h.title: h.actors for h in hit.hits}["B"] == ("Oleksiy Goncharenko",)


def test_a_facet_file_is_read_one_facet_at_a_time_and_an_old_format_is_rebuilt(tmp_path):
    from searchkit.engine import facet_files

    write_records(
        tmp_path / "corpus.jsonl",
        [to_record(i, {**SAMPLE, "actors": ACTORS[: i % 4]}) for i in range(40)],
    )
    with Index.create(tmp_path / "ix", stemming=False) as index:
        index.update([tmp_path / "corpus.jsonl"], jobs=1)
    (path,) = (tmp_path / "ix").glob(f"*{facet_files.FILE_SUFFIX}")
    facets = facet_files.SegmentFacets.load(path)
    assert "actor" in facets.columns and facets.columns.loaded() == {}
    actor = facets.columns["actor"]
    assert set(facets.columns.loaded()) == {"actor"}
    for i, name in enumerate(actor.names):
        held = [n for n in range(40) if name in ACTORS[: n % 4]]
        assert list(actor.docnums(i)) == held
        assert actor.mask(i) == sum(1 << n for n in held)
    assert actor.holding() == sum(1 << n for n in range(40) if n % 4)

    saved = path.read_bytes()
    path.write_bytes(saved[:-100])  # cut short
    assert facet_files.SegmentFacets.load(path) is None
    path.write_bytes(saved.replace(b"SKFACETS", b"SKFACETX", 1))  # another format
    assert facet_files.SegmentFacets.load(path) is None
    facet_files._cache.clear()
    with Index.open(tmp_path / "ix") as index:
        counts = {v.value: v.count for v in index.search("*", facets=("actor",)).facets[0].values}
    assert counts == {"Ann Lee": 30, "Bo Chen": 20, "Cy Diaz": 10}
    assert facet_files.SegmentFacets.load(path) is not None  # saved again


def test_merged_values_are_saved_for_one_set_of_segments(tmp_path):
    from searchkit.engine.facet_files import saved_merges

    merges = {"Macron": "Emmanuel Macron"}
    calls = []

    def compute():
        calls.append(1)
        return merges

    for _ in range(2):
        assert saved_merges(str(tmp_path), ["MAIN_a", "MAIN_b"], "actor", compute) == merges
    assert len(calls) == 1  # the second process reads the saved merges
    saved_merges(str(tmp_path), ["MAIN_a"], "actor", compute)  # a commit merged segments
    assert len(calls) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["MAIN_a.vmg"]
