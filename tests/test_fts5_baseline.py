"""The SQLite FTS5 benchmark baseline: totals and multi-select facets equal a brute-force count."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import sys
import unicodedata
from collections import Counter

import pytest

from support import ROOT

_spec = importlib.util.spec_from_file_location("fts5_baseline", ROOT / "bench" / "fts5_baseline.py")
fts5_baseline = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = fts5_baseline  # dataclasses look their module up there
_spec.loader.exec_module(fts5_baseline)


def doc(doc_id, title, body, actors, countries, date, source_type, language):
    return {
        "id": doc_id,
        "title": title,
        "body": body,
        "actors": actors,
        "countries": countries,
        "date": date,
        "source_type": source_type,
        "language": language,
    }


DOCS = [
    doc(
        "d1",
        "Summit in Paris",
        "The minister met the president at the Élysée.",
        ["Ann Lee", "Bo Chen"],
        ["FR", "DE"],
        "2024-01-05T10:00:00Z",
        "news",
        "en",
    ),
    doc(
        "d2",
        "Trade talks",
        "The summit ended without a deal on trade, the minister said.",
        ["Bo Chen"],
        ["DE"],
        "2024-01-20T08:15:00Z",
        "wire",
        "en",
    ),
    doc(
        "d3",
        "Border report",
        "Ministers discuss the summit and the border and more.",
        ["Cy Diaz", "Ann Lee"],
        ["UA", "FR"],
        "2024-02-11T12:00:00Z",
        "blog",
        "fr",
    ),
    doc(
        "d4",
        "Elysee statement",
        "A statement from the presidency about the summit.",
        [],
        ["FR"],
        "2024-03-01T00:00:00Z",
        "report",
        "fr",
    ),
    # 23:30 at UTC-2 is the next day in UTC: 2024-01-01.
    doc(
        "d5",
        "Markets",
        "Shares rose and fell; not near the record, or so they said.",
        ["Dee Roy"],
        ["US"],
        "2023-12-31T23:30:00-02:00",
        "news",
        "en",
    ),
    doc(
        "d6",
        "Weather",
        "Rain and wind across the summit region.",
        ["Ann Lee"],
        [],
        "2024-02-29T18:00:00Z",
        "news",
        "de",
    ),
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    where = tmp_path_factory.mktemp("fts5")
    corpus = where / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(d) + "\n" for d in DOCS), encoding="utf-8")
    assert fts5_baseline.build(where / "fts5.db", corpus, batch=4) == len(DOCS)
    with fts5_baseline.Fts5Searcher(where / "fts5.db") as s:
        yield s


def words_of(text: str) -> set[str]:
    folded = unicodedata.normalize("NFKD", text.lower())
    return set(re.findall(r"\w+", "".join(ch for ch in folded if not unicodedata.combining(ch))))


def utc_day(stamp: str) -> str:
    return dt.datetime.fromisoformat(stamp).astimezone(dt.UTC).date().isoformat()


def expected(text, country=None, since=None, until=None):
    """Total and facets by brute force: each facet keeps every filter but its own."""

    def keep(d, skip=""):
        if not set(text.lower().split()) <= words_of(d["title"] + " " + d["body"]):
            return False
        if skip != "country" and country and country not in d["countries"]:
            return False
        day = utc_day(d["date"])
        return skip == "date" or ((since or day) <= day <= (until or day))

    facets = {name: Counter() for name in ("actor", "country", "date", "source_type", "language")}
    total = 0
    for d in DOCS:
        if keep(d):
            total += 1
            facets["actor"].update(d["actors"])
            facets["source_type"][d["source_type"]] += 1
            facets["language"][d["language"]] += 1
        if keep(d, skip="country"):
            facets["country"].update(d["countries"])
        if keep(d, skip="date"):
            facets["date"][utc_day(d["date"])[:7]] += 1
    return total, {name: dict(counts) for name, counts in facets.items()}


REQUESTS = [
    ("summit", None, None, None),
    ("summit", "FR", None, None),
    ("summit", None, "2024-01-01", "2024-01-31"),
    ("summit", "FR", "2024-02-01", "2024-03-31"),
    ("the", "DE", None, None),
    ("SUMMIT the", None, "2024-02-01", None),
    ("and", None, None, "2024-01-31"),
    ("elysee", None, None, None),
    ("minister", None, None, None),
    ("absent", "FR", None, None),
]


@pytest.mark.parametrize(("text", "country", "since", "until"), REQUESTS)
def test_totals_and_facets_equal_a_brute_force_count(searcher, text, country, since, until):
    answer = searcher.faceted(text, country=country, since=since, until=until)
    total, facets = expected(text, country, since, until)
    assert answer.total == total
    assert answer.facets == facets
    assert list(answer.top_ids) == searcher.top10(text, country, since, until)
    assert len(answer.top_ids) == min(total, 10)


def test_country_facet_ignores_its_own_filter(searcher):
    answer = searcher.faceted("summit", country="DE")
    assert answer.total == 2  # d1, d2
    assert answer.facets["country"] == {"FR": 3, "DE": 2, "UA": 1}
    assert answer.facets["actor"] == {"Ann Lee": 1, "Bo Chen": 2}


def test_dates_are_utc_days_and_bounds_inclusive(searcher):
    assert searcher.top10("shares", since="2024-01-01", until="2024-01-01") == ["d5"]
    assert searcher.top10("summit", since="2024-02-29", until=dt.date(2024, 2, 29)) == ["d6"]


def test_title_match_ranks_first(searcher):
    top = searcher.top10("summit")
    assert top[0] == "d1"
    assert set(top) == {"d1", "d2", "d3", "d4", "d6"}


def test_words_match_exactly_without_stemming(searcher):
    assert set(searcher.top10("minister")) == {"d1", "d2"}
    assert searcher.top10("ministers") == ["d3"]
    assert searcher.top10("Élysée") == searcher.top10("elysee")


@pytest.mark.parametrize(
    "text",
    ['and "or" NOT near(', '"', "(", "summit*", "title:summit", "-summit ^the", "NEAR(a b, 2)", ""],
)
def test_query_syntax_is_never_fts5_syntax(searcher, text):
    searcher.top10(text)
    searcher.faceted(text, country="FR", since="2024-01-01")


def test_operator_words_are_plain_words(searcher):
    assert searcher.top10('and "or" NOT near(') == ["d5"]
    assert searcher.faceted('and "or" NOT near(').total == 1
    assert searcher.faceted("( ) *").total == 0


def test_added_documents_are_found(tmp_path):
    db = tmp_path / "fts5.db"
    assert fts5_baseline.build(db, DOCS[:2]) == 2
    with fts5_baseline.Fts5Searcher(db) as s:
        assert s.faceted("summit").total == 2
        assert fts5_baseline.add(db, DOCS[2:]) == len(DOCS) - 2
        answer = s.faceted("summit")
    assert answer.total == 5
    assert answer.top_ids[0] == "d1"
    assert answer.facets["actor"] == {"Ann Lee": 3, "Bo Chen": 2, "Cy Diaz": 1}


def test_build_refuses_an_existing_database(tmp_path):
    db = tmp_path / "fts5.db"
    fts5_baseline.build(db, DOCS[:1])
    with pytest.raises(FileExistsError):
        fts5_baseline.build(db, DOCS[:1])
