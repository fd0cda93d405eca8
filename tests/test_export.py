"""The OpenSearch hand-over: mapping, bulk lines and multi-select facet aggregations."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest

from searchkit.engine.analysis import FIELD_LANGUAGES, STEMMED_LANGUAGES, analyze
from searchkit.export import (
    bulk_chunks,
    bulk_lines,
    facet_aggregations,
    opensearch_mapping,
)
from searchkit.model import Document

ENGLISH = Document(
    id="en0001",
    path="/news/macron.txt",
    title="French instructors head to Ukraine",
    body="Macron said the first group of instructors was on its way.",
    url="https://example.com/macron",
    published=dt.date(2024, 3, 5),
    source="example.com",
    source_type="news",
    language="en",
    actors=("Emmanuel Macron", "Goncharenko"),
    countries=("FR", "UA"),
    authors=("Jane Doe",),
    category="world",
    cited_sources=("Reuters",),
)
UKRAINIAN = Document(
    id="uk0002",
    path="/news/articles.jsonl",
    record=7,
    title="Французькі інструктори в Україні",
    body="Міністр оборони заявив, що інструктори незабаром прибудуть.",
    source_type="wire",
    language="uk",
    actors=("Oleksii Goncharenko", "Goncharenko"),
    countries=("UA",),
)


def analyzer_of(mapping: dict, field: str) -> dict:
    name = mapping["mappings"]["properties"][field]["analyzer"]
    return mapping["settings"]["index"]["analysis"]["analyzer"][name]


def filter_of(mapping: dict, name: str) -> dict:
    return mapping["settings"]["index"]["analysis"]["filter"][name]


# -- mapping ---------------------------------------------------------------------------------


def test_mapping_has_a_text_pair_per_language_with_its_analyzer():
    languages = ("en", "fr", "ru", "xx")
    mapping = opensearch_mapping(languages)
    properties = mapping["mappings"]["properties"]
    text = sorted(name for name, spec in properties.items() if "analyzer" in spec)
    assert text == sorted(f"{kind}_{lang}" for kind in ("title", "body") for lang in languages)
    for lang, name, snowball in [("en", "english", "English"), ("fr", "french", "French")]:
        for kind in ("title", "body"):
            assert properties[f"{kind}_{lang}"]["type"] == "text"
            chain = analyzer_of(mapping, f"{kind}_{lang}")["filter"]
            stop, stemmer = filter_of(mapping, chain[-3]), filter_of(mapping, chain[-1])
            assert stop == {"type": "stop", "stopwords": f"_{name}_"}
            assert stemmer == {"type": "snowball", "language": snowball}


def test_accents_are_folded_before_stemming_and_xx_is_not_stemmed():
    mapping = opensearch_mapping(FIELD_LANGUAGES)
    for lang in STEMMED_LANGUAGES:
        chain = analyzer_of(mapping, f"body_{lang}")["filter"]
        assert chain.index("lowercase") < chain.index("asciifolding") < len(chain) - 1
        assert filter_of(mapping, chain[-1])["type"] == "snowball"
    fallback = analyzer_of(mapping, "body_xx")
    assert fallback["tokenizer"] == "standard"
    assert fallback["filter"][-1] == "asciifolding"
    assert not [f for f in fallback["filter"] if "stop" in f or "stemmer" in f]


def test_elision_strips_the_articles_searchkits_analyzer_strips():
    mapping = opensearch_mapping(["fr"])
    articles = filter_of(mapping, "searchkit_elision")["articles"]
    assert "searchkit_elision" in analyzer_of(mapping, "body_fr")["filter"]
    for article in articles:
        assert analyze(f"{article}'orbite", "xx") == ["orbite"], article
    assert analyze("Macron's", "xx") == ["macron"]


def test_xx_is_always_mapped_and_unknown_languages_are_refused():
    properties = opensearch_mapping(["de"])["mappings"]["properties"]
    assert {"title_de", "body_de", "title_xx", "body_xx"} <= set(properties)
    assert "title_en" not in properties
    with pytest.raises(ValueError, match="'uk'"):
        opensearch_mapping(["en", "uk"])


def test_facets_and_identifiers_are_exact_values_and_display_text_is_not_indexed():
    mapping = opensearch_mapping(FIELD_LANGUAGES)
    properties = mapping["mappings"]["properties"]
    for name in ("actor", "country", "source_type", "source", "language", "path", "url", "id"):
        assert properties[name]["type"] == "keyword", name
    for name in ("authors", "category", "cited_sources"):
        assert properties[name]["type"] == "keyword", name
    assert properties["published"] == {"type": "date", "format": "strict_date"}
    assert properties["record"] == {"type": "integer"}
    assert properties["title"] == {"type": "text", "index": False}
    assert properties["body"] == {"type": "text", "index": False}
    assert mapping["mappings"]["dynamic"] == "strict"
    json.dumps(mapping)  # plain data, ready for mapping.json


# -- bulk lines ------------------------------------------------------------------------------


def test_bulk_lines_alternate_actions_and_sources_in_each_documents_language():
    lines = list(bulk_lines([ENGLISH, UKRAINIAN], "news"))
    assert len(lines) == 4
    for line in lines:
        assert line.endswith("\n") and line.count("\n") == 1
        assert line.rstrip("\n") == line.rstrip()  # no trailing spaces
    parsed = [json.loads(line) for line in lines]
    assert parsed[0] == {"index": {"_index": "news", "_id": "en0001"}}
    assert parsed[2] == {"index": {"_index": "news", "_id": "uk0002"}}
    english, ukrainian = parsed[1], parsed[3]
    assert english["title_en"] == ENGLISH.title and english["body_en"] == ENGLISH.body
    assert english["published"] == "2024-03-05"
    assert english["actor"] == ["Emmanuel Macron", "Goncharenko"]
    assert english["country"] == ["FR", "UA"]
    assert english["cited_sources"] == ["Reuters"]
    assert ukrainian["title_xx"] == UKRAINIAN.title and ukrainian["body_xx"] == UKRAINIAN.body
    assert not any(key.endswith("_uk") or key.endswith("_en") for key in ukrainian)
    assert ukrainian["record"] == 7
    assert "published" not in ukrainian and "source" not in ukrainian  # missing, not ""
    assert "Французькі" in lines[3]  # ensure_ascii=False


def test_every_field_of_a_bulk_source_is_in_the_strict_mapping():
    properties = opensearch_mapping(FIELD_LANGUAGES)["mappings"]["properties"]
    for line in list(bulk_lines([ENGLISH, UKRAINIAN], "news"))[1::2]:
        assert set(json.loads(line)) <= set(properties)


def test_without_stemming_every_document_goes_to_xx():
    source = json.loads(list(bulk_lines([ENGLISH], "news", stemming=False))[1])
    assert source["title_xx"] == ENGLISH.title
    assert "title_en" not in source
    assert source["language"] == "en"


def test_surname_only_actors_are_merged_with_their_full_name():
    merges = {"Goncharenko": "Oleksii Goncharenko"}
    lines = list(bulk_lines([ENGLISH, UKRAINIAN], "news", actor_names=merges))
    assert json.loads(lines[1])["actor"] == ["Emmanuel Macron", "Oleksii Goncharenko"]
    assert json.loads(lines[3])["actor"] == ["Oleksii Goncharenko"]


def test_bulk_chunks_keep_each_document_whole_and_under_the_limit():
    documents = [replace(ENGLISH, id=f"d{n:02}") for n in range(20)]
    lines = list(bulk_lines(documents, "news"))
    pair = len((lines[0] + lines[1]).encode("utf-8"))
    chunks = list(bulk_chunks(lines, max_bytes=pair * 3 + 1))
    assert "".join(chunks) == "".join(lines)
    assert [chunk.count("\n") for chunk in chunks] == [6] * 6 + [4]
    assert all(len(chunk.encode("utf-8")) <= pair * 3 + 1 for chunk in chunks)
    with pytest.raises(ValueError, match="pairs"):
        list(bulk_chunks(lines[:3]))


# -- facet aggregations ----------------------------------------------------------------------

COUNTRY = {"terms": {"country": ["FR", "DE"]}}
SOURCE_TYPE = {"terms": {"source_type": ["news"]}}


def clauses(agg: dict) -> list[dict]:
    return agg["filter"]["bool"]["filter"]


def test_each_facet_counts_under_every_filter_but_its_own():
    body = facet_aggregations(
        ["actor", "country", "source_type", "date"],
        {"country": ["FR", "DE"], "source_type": ["news"]},
    )
    aggs = body["aggs"]
    assert clauses(aggs["country"]) == [SOURCE_TYPE]
    assert clauses(aggs["source_type"]) == [COUNTRY]
    assert clauses(aggs["actor"]) == [COUNTRY, SOURCE_TYPE]
    assert clauses(aggs["date"]) == [COUNTRY, SOURCE_TYPE]
    assert body["post_filter"] == {"bool": {"filter": [COUNTRY, SOURCE_TYPE]}}
    terms = aggs["country"]["aggs"]["values"]["terms"]
    assert terms["field"] == "country" and terms["size"] == 10
    assert aggs["country"]["aggs"]["missing"] == {"missing": {"field": "country"}}


def test_the_date_facet_is_a_histogram_and_a_date_range_is_its_own_filter():
    body = facet_aggregations(
        ["date", "language"],
        {"language": ["en"]},
        "year",
        since=dt.date(2024, 1, 1),
        until=dt.date(2024, 3, 31),
    )
    date_range = {"range": {"published": {"gte": "2024-01-01", "lte": "2024-03-31"}}}
    histogram = body["aggs"]["date"]["aggs"]["values"]["date_histogram"]
    assert histogram["field"] == "published"
    assert histogram["calendar_interval"] == "year" and histogram["format"] == "yyyy"
    assert histogram["min_doc_count"] == 1
    assert clauses(body["aggs"]["date"]) == [{"terms": {"language": ["en"]}}]
    assert clauses(body["aggs"]["language"]) == [date_range]
    assert date_range in body["post_filter"]["bool"]["filter"]


def test_without_filters_there_is_no_post_filter_and_facets_count_every_match():
    body = facet_aggregations(["country"], {"actor": []})
    assert "post_filter" not in body
    assert clauses(body["aggs"]["country"]) == []
    month = facet_aggregations(["date"], {})["aggs"]["date"]["aggs"]["values"]
    assert month["date_histogram"]["calendar_interval"] == "month"
    assert month["date_histogram"]["format"] == "yyyy-MM"


@pytest.mark.parametrize(
    ("facets", "filters", "interval", "message"),
    [
        (["topic"], {}, "month", "unknown facet 'topic'"),
        (["actor"], {"date": ["2024"]}, "month", "since/until"),
        (["date"], {}, "week", "unknown date interval 'week'"),
    ],
)
def test_bad_requests_say_what_to_use(facets, filters, interval, message):
    with pytest.raises(ValueError, match=message):
        facet_aggregations(facets, filters, interval)
