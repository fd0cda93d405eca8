"""Hand searchkit's documents and facets over to OpenSearch (or Elasticsearch).

Pure functions that return plain dicts and strings; nothing here opens an index or a socket.
``opensearch_mapping`` is the body of the create-index request, ``bulk_lines`` the NDJSON of
the ``_bulk`` API (``bulk_chunks`` cuts it into request bodies of bounded size), and
``facet_aggregations`` the part of a search request that reproduces searchkit's facets.

Choices, and why:

- **Text by language.** One ``title_<lang>``/``body_<lang>`` pair per language, as in the
  Whoosh schema: a document is analysed by its own language, and a ``multi_match`` of type
  ``cross_fields`` over ``title_*`` and ``body_*`` with ``operator: and`` analyses the query
  once per language and requires every word within one language's pair, which is how
  searchkit ORs one rewritten query per language.
- **Analyzers.** Each stemmed language gets a custom rebuild of the OpenSearch language
  analyzer of the same name: its stop list (``_french_``) and the Snowball stemmer, the
  algorithm Whoosh uses, with ``asciifolding`` placed before the stemmer because searchkit
  folds Latin accents before stemming ("Elysee" finds "Élysée"). Elision and English
  possessive filters stand in for searchkit's clitic filter, on every language as there.
  ``xx`` (every other language, or everything when the index was built without stemming) is
  the standard tokenizer with lowercase and ``asciifolding``. Where the mirror is
  approximate, the comments in ``_analysis`` say so.
- **Ranking.** BM25 with searchkit's k1 and b (titles with their own length normalisation);
  titles weigh as much as the body at query time, as in searchkit.
- **Display text.** ``title`` and ``body`` are kept in ``_source`` but not indexed, so a
  client reads them under one name whatever the language. The text is therefore in
  ``_source`` twice; we accept that so ``_source`` stays complete (``_reindex``, ``_update``
  and highlighting of ``body_<lang>`` work without stored fields or an ingest pipeline).
- **Facets** are ``keyword`` fields (doc values, so ``terms`` aggregations count them) holding
  searchkit's canonical values with their case kept: "Emmanuel Macron", "FR", "news". ``actor``
  has a ``words`` sub-field, analysed like searchkit's ``actor_words``, for ``actor:Macron``.
  Surname-only actors are merged with their one full name while exporting (``actor_names``),
  since OpenSearch cannot merge values at search time as searchkit's facet table does.
- **Dates.** ``published`` is a ``date`` of day precision (``strict_date``, ``YYYY-MM-DD``);
  the date facet is a ``date_histogram`` instead of searchkit's year/month/day keys.
- **Strict mapping.** ``dynamic: strict`` makes a field the mapping does not know fail its
  bulk item instead of being guessed (a misspelt field would silently become ``text``).
- **Left out.** Extraction evidence (it explains values; ``searchkit extract --explain``
  shows it), content hashes and modification times (the incremental manifest's business).
- **One shard, no replicas** by default: a shard holds tens of GB comfortably, and a bulk load
  is faster without replicas. ``number_of_replicas`` is a dynamic setting: raise it after
  the load.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from .engine.analysis import FALLBACK, FIELD_LANGUAGES, language_field
from .engine.ranking import K1, TITLE_B, B
from .model import Document
from .registry import DATE, DEFAULT_REGISTRY, NAMES, FacetRegistry, FacetSpec

#: searchkit language code -> the OpenSearch language analyzer (and stop list) of that name.
OPENSEARCH_LANGUAGES = {
    "da": "danish",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "it": "italian",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "tr": "turkish",
}


def facet_field(spec: FacetSpec) -> str:
    """The OpenSearch field a facet is counted and filtered on: the registry's index field,
    "published" for dates, and a keyword field of its own name for a declared facet."""
    return spec.field or spec.name


#: date_histogram key formats, matching searchkit's year, month and day keys.
DATE_FORMATS = {"year": "yyyy", "month": "yyyy-MM", "day": "yyyy-MM-dd"}
#: Largest bulk request body ``bulk_chunks`` makes (the usual advice is 5-15 MB).
BULK_CHUNK_BYTES = 10_000_000

# searchkit's clitic filter: the elided articles it strips ("l'armée", "dell'esercito").
_ELIDED = ["l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu"]
_ELIDED += ["dell", "all", "dall", "nell", "sull"]


def analyzer_name(lang: str) -> str:
    """The analyzer of the text fields of one searchkit language code ("en", "xx")."""
    return f"searchkit_{lang}"


def _languages(languages: Sequence[str]) -> list[str]:
    unknown = [lang for lang in languages if lang not in FIELD_LANGUAGES]
    if unknown:
        raise ValueError(
            f"no text fields for language {unknown[0]!r}: use codes from "
            f"{', '.join(FIELD_LANGUAGES)}"
        )
    # xx is where documents in every other language go, so it is always mapped.
    return list(dict.fromkeys([*languages, FALLBACK]))


def _analysis(languages: Sequence[str]) -> dict[str, Any]:
    clitics = ["lowercase", "searchkit_elision", "searchkit_possessive"]
    filters: dict[str, Any] = {
        "searchkit_elision": {"type": "elision", "articles": _ELIDED},
        "searchkit_possessive": {"type": "stemmer", "language": "possessive_english"},
    }
    # The same chain as searchkit's unstemmed fields and its actor name analyzer. Lucene's
    # asciifolding also folds letters with no decomposition (ß, ø, æ, dotless ı), which
    # searchkit leaves alone; both leave Cyrillic as it is.
    analyzers: dict[str, Any] = {
        analyzer_name(FALLBACK): {
            "type": "custom",
            "tokenizer": "standard",
            "filter": [*clitics, "asciifolding"],
        }
    }
    for lang in languages:
        if lang == FALLBACK:
            continue
        name = OPENSEARCH_LANGUAGES[lang]
        filters[f"searchkit_{lang}_stop"] = {"type": "stop", "stopwords": f"_{name}_"}
        filters[f"searchkit_{lang}_stemmer"] = {"type": "snowball", "language": name.title()}
        # Approximate in two ways. Lucene's stop lists are not Whoosh's (English: 33 words
        # against Whoosh's longer list), so a few common words are indexed here that
        # searchkit drops. And the lists are accented, so they run before asciifolding
        # where searchkit folds first and stops with a folded list: an unaccented "a" for
        # "à" is a stop word in searchkit only. The standard tokenizer (Unicode word
        # breaks) also differs from searchkit's \w+ pattern on CJK runs and some numbers.
        analyzers[analyzer_name(lang)] = {
            "type": "custom",
            "tokenizer": "standard",
            "filter": [
                *clitics,
                f"searchkit_{lang}_stop",
                "asciifolding",
                f"searchkit_{lang}_stemmer",
            ],
        }
    return {"filter": filters, "analyzer": analyzers}


def opensearch_mapping(
    languages: Sequence[str] = FIELD_LANGUAGES,
    *,
    shards: int = 1,
    replicas: int = 0,
    registry: FacetRegistry = DEFAULT_REGISTRY,
) -> dict[str, Any]:
    """The create-index body (settings and mappings) for an index of these languages.

    ``languages`` are searchkit field codes, usually the index's ``settings.languages``
    (every stemmed language plus "xx", or only "xx" for an index built without stemming);
    "xx" is added when missing. A ValueError names an unknown code.
    """
    languages = _languages(languages)
    properties: dict[str, Any] = {
        "id": {"type": "keyword"},
        "path": {"type": "keyword"},
        "record": {"type": "integer"},
        "url": {"type": "keyword"},
        "title": {"type": "text", "index": False},
        "body": {"type": "text", "index": False},
    }
    for lang in languages:
        for kind in ("title", "body"):
            properties[f"{kind}_{lang}"] = {
                "type": "text",
                "analyzer": analyzer_name(lang),
                "similarity": f"searchkit_{kind}",
            }
    for spec in registry:
        if spec.kind == DATE:
            continue
        properties[facet_field(spec)] = {"type": "keyword"}
        if spec.matched_as == NAMES:  # actor:Macron matches any words of a name
            words = {"type": "text", "analyzer": analyzer_name(FALLBACK)}
            properties[facet_field(spec)]["fields"] = {"words": words}
    properties["published"] = {"type": "date", "format": "strict_date"}
    properties.update(
        {name: {"type": "keyword"} for name in ("authors", "category", "cited_sources")}
    )
    return {
        "settings": {
            "index": {
                "number_of_shards": shards,
                "number_of_replicas": replicas,
                # Lucene's BM25 idf is log(1 + (N - df + 0.5) / (df + 0.5)), always positive;
                # searchkit's RSJ idf drops to ~0 for words in over half the documents.
                "similarity": {
                    "searchkit_title": {"type": "BM25", "k1": K1, "b": TITLE_B},
                    "searchkit_body": {"type": "BM25", "k1": K1, "b": B},
                },
                "analysis": _analysis(languages),
            }
        },
        "mappings": {"dynamic": "strict", "properties": properties},
    }


def document_source(
    doc: Document,
    stemming: bool = True,
    actor_names: Mapping[str, str] | None = None,
    registry: FacetRegistry = DEFAULT_REGISTRY,
) -> dict[str, Any]:
    """The ``_source`` of one document: its text in its language's fields, facets as arrays.

    Empty values are left out, so a document with no source or date has no ``source`` or
    ``published`` field and is counted as missing, as in searchkit.
    """
    lang = language_field(doc.language) if stemming else FALLBACK
    merge = actor_names or {}
    source = {
        "id": doc.id,
        "path": doc.path,
        "record": doc.record,
        "url": doc.url,
        "title": doc.title,
        "body": doc.body,
        f"title_{lang}": doc.title,
        f"body_{lang}": doc.body,
        "actor": list(dict.fromkeys(merge.get(a, a) for a in doc.actors)),
        "country": list(doc.countries),
        "source_type": doc.source_type,
        "source": doc.source,
        "language": doc.language,
        "published": doc.published.isoformat() if doc.published else None,
        "authors": list(doc.authors),
        "category": doc.category,
        "cited_sources": list(doc.cited_sources),
    }
    for spec in registry.shown_in_facets:  # declared facets, and built-ins without a field
        source[facet_field(spec)] = list(doc.facets.get(spec.name, ()))
    return {k: v for k, v in source.items() if v is not None and v != "" and v != []}


def _line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


def bulk_lines(
    documents: Iterable[Document],
    index_name: str,
    stemming: bool = True,
    actor_names: Mapping[str, str] | None = None,
    registry: FacetRegistry = DEFAULT_REGISTRY,
) -> Iterator[str]:
    """NDJSON lines for the ``_bulk`` API: an ``index`` action, then the source, per document.

    Each line ends with "\\n", so ``"".join(lines)`` is a valid request body and
    ``file.writelines(lines)`` a valid bulk file; every document is exactly two lines, so
    any even number of lines is a whole number of documents (see ``bulk_chunks``).
    ``stemming`` is the index's setting: without it every document goes to the ``xx``
    fields. ``actor_names`` maps surname-only actors to their full name; it is index-wide,
    so compute it before streaming, e.g. with ``searchkit.extract.actors.merging.surname_merges``
    over every document's actors.
    """
    for doc in documents:
        yield _line({"index": {"_index": index_name, "_id": doc.id}})
        yield _line(document_source(doc, stemming, actor_names, registry))


def bulk_chunks(lines: Iterable[str], max_bytes: int = BULK_CHUNK_BYTES) -> Iterator[str]:
    """Bulk request bodies of at most ``max_bytes`` UTF-8 bytes from ``bulk_lines`` output.

    A document's two lines are never split; a document larger than ``max_bytes`` alone is
    a body of its own.
    """
    chunk: list[str] = []
    size = 0
    pending = iter(lines)
    for action in pending:
        source = next(pending, None)
        if source is None:
            raise ValueError("bulk lines come in pairs: the last action line has no source")
        pair = action + source
        length = len(pair.encode("utf-8"))
        if chunk and size + length > max_bytes:
            yield "".join(chunk)
            chunk, size = [], 0
        chunk.append(pair)
        size += length
    if chunk:
        yield "".join(chunk)


def _filter_clauses(
    filters: Mapping[str, Sequence[str]],
    since: dt.date | None,
    until: dt.date | None,
    registry: FacetRegistry,
) -> dict[str, dict[str, Any]]:
    """One query clause per filtered facet: values ORed within it."""
    clauses: dict[str, dict[str, Any]] = {}
    for facet, values in filters.items():
        spec = registry.get(facet)
        if spec is None or not spec.filterable:
            usable = ", ".join(s.name for s in registry if s.filterable)
            raise ValueError(
                f"cannot filter on {facet!r}: use one of {usable}, or since/until for dates"
            )
        if values:
            clauses[spec.name] = {"terms": {facet_field(spec): list(values)}}
    if since or until:
        bounds = {}
        if since:
            bounds["gte"] = since.isoformat()
        if until:
            bounds["lte"] = until.isoformat()
        clauses["date"] = {"range": {"published": bounds}}
    return clauses


def _all_of(clauses: Iterable[dict[str, Any]]) -> dict[str, Any]:
    # A bool query with no clauses matches every document.
    return {"bool": {"filter": list(clauses)}}


def _facet_counts(spec: FacetSpec, date_interval: str, limit: int) -> dict[str, Any]:
    """The sub-aggregations that count one facet: its values (or date buckets), the
    documents without a value, and the number of distinct values."""
    field = facet_field(spec)
    if spec.kind == DATE:
        histogram = {
            "field": field,
            "calendar_interval": date_interval,
            "format": DATE_FORMATS[date_interval],
            "min_doc_count": 1,
        }
        return {"values": {"date_histogram": histogram}, "missing": {"missing": {"field": field}}}
    order = [{"_count": "desc"}, {"_key": "asc"}]
    return {
        "values": {"terms": {"field": field, "size": limit, "order": order}},
        "missing": {"missing": {"field": field}},
        "distinct": {"cardinality": {"field": field, "precision_threshold": 3000}},
    }


def facet_aggregations(
    facets: Sequence[str],
    filters: Mapping[str, Sequence[str]],
    date_interval: str = "month",
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 10,
    registry: FacetRegistry = DEFAULT_REGISTRY,
) -> dict[str, Any]:
    """The ``post_filter`` and ``aggs`` of a search request with searchkit's facets.

    ``filters`` maps a facet to the exact values it selects (resolved as searchkit resolves
    them: country codes, full actor names): ORed within a facet, ANDed across facets;
    ``since``/``until`` are the date facet's own filter. Merge the result into a body whose
    ``query`` holds the text query only.

    Why it counts what searchkit counts. searchkit takes the documents matching the query,
    M, and one set per filtered facet, F_f; the hits are M ∩ (every F_f), and facet g is
    counted over M ∩ (every F_f with f ≠ g), so a facet's counts ignore its own filter. Here
    the query yields M; aggregations run on M before ``post_filter`` narrows the hits to
    M ∩ (every F_f); and facet g's ``filter`` aggregation holds every clause but g's own
    before its ``values`` sub-aggregation counts. ``missing`` is searchkit's missing count
    and ``distinct`` its distinct count (``cardinality``: exact below 3,000 values, an
    estimate above). Two differences: with several shards the top ``terms`` are exact only
    up to ``shard_size``; and ``date_histogram`` returns every non-empty bucket in date
    order, of which searchkit shows the last ``limit``. Ask for ``"track_total_hits": true``
    when totals above 10,000 must be exact, as searchkit's are.
    """
    unknown = [name for name in facets if registry.get(name) is None]
    if unknown:
        raise ValueError(f"unknown facet {unknown[0]!r}: use one of {', '.join(registry.names)}")
    if date_interval not in DATE_FORMATS:
        raise ValueError(
            f"unknown date interval {date_interval!r}: use one of {', '.join(DATE_FORMATS)}"
        )
    if limit < 1:
        raise ValueError(f"facet limit must be at least 1, not {limit}")
    clauses = _filter_clauses(filters, since, until, registry)
    aggs: dict[str, Any] = {}
    for name in facets:
        spec = registry[name]
        others = [clause for facet, clause in clauses.items() if facet != spec.name]
        aggs[name] = {
            "filter": _all_of(others),
            "aggs": _facet_counts(spec, date_interval, limit),
        }
    body: dict[str, Any] = {"aggs": aggs}
    if clauses:
        body["post_filter"] = _all_of(clauses.values())
    return body


def write_export(index, settings, out: Path, index_name: str = "news") -> list[Path]:
    """Write ``mapping.json`` and ``bulk-NNNN.ndjson`` for ``index`` (an ``Index``) into
    ``out``, replacing an earlier export's files there; returns the files written."""
    from .errors import IndexIOError

    registry = index.registry()
    written = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        # An earlier, larger export would leave bulk files behind that a
        # `for f in bulk-*.ndjson` loop would load again: our own files go first.
        for old in [out / "mapping.json", *out.glob("bulk-[0-9][0-9][0-9][0-9].ndjson")]:
            old.unlink(missing_ok=True)
        mapping = out / "mapping.json"
        create = opensearch_mapping(settings.languages, registry=registry)
        mapping.write_text(json.dumps(create, indent=2, ensure_ascii=False) + "\n", "utf-8")
        written.append(mapping)
        merges = index.actor_merges()
        lines = bulk_lines(index.documents(), index_name, settings.stemming, merges, registry)
        for number, chunk in enumerate(bulk_chunks(lines), start=1):
            path = out / f"bulk-{number:04d}.ndjson"
            path.write_text(chunk, encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise IndexIOError(f"cannot write the export to {out}: {exc.strerror or exc}") from None
    return written
