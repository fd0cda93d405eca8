"""The OpenAPI 3.1 description of the JSON API, written by hand and checked in
tests/test_web_api.py against what the endpoints really return."""

from __future__ import annotations

from typing import Any

from .. import model
from .params import MAX_FACET_LIMIT, MAX_LIMIT, facet_catalogue


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": [k for k in properties if k not in optional],
        "additionalProperties": False,
    }


STR, INT, NUM, BOOL = (
    {"type": "string"},
    {"type": "integer"},
    {"type": "number"},
    {"type": "boolean"},
)
DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}
STRINGS = {"type": "array", "items": STR}
#: The shape of a date parameter; a day that does not exist (2024-02-30) is still a 400.
DATE = {
    "type": "string",
    "pattern": "^([1-8][0-9]{3}|9000|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
    "(-(0?[1-9]|1[0-2])(-(0?[1-9]|[12][0-9]|3[01]))?)?$",
}


#: Values of the facets that have no field of their own (those declared in searchkit.toml).
FACET_VALUES = {"type": "object", "additionalProperties": STRINGS}


def _schemas() -> dict[str, Any]:
    facet_value = _obj(
        {"value": STR, "label": STR, "count": INT, "selected": BOOL, "toggle_url": STR},
        optional=("toggle_url",),
    )
    hit = _obj(
        {
            "id": STR,
            "rank": INT,
            "score": NUM,
            "title": STR,
            "path": STR,
            "url": STR,
            "published": DATE_OR_NULL,
            "source": STR,
            "source_type": STR,
            "language": STR,
            "actors": STRINGS,
            "countries": STRINGS,
            "snippet": STR,
            "highlights": {
                "type": "array",
                "items": {"type": "array", "items": INT, "minItems": 2, "maxItems": 2},
            },
            "facets": FACET_VALUES,
        }
    )
    facet = _obj(
        {
            "name": STR,
            "values": {"type": "array", "items": _ref("FacetValue")},
            "missing": INT,
            "distinct": INT,
            "truncated": BOOL,
        }
    )
    url_or_null = {"type": ["string", "null"]}
    results = _obj(
        {
            "query": STR,
            "total": INT,
            "page": INT,
            "limit": INT,
            "sort": {"enum": ["relevance", "date"]},
            "hits": {"type": "array", "items": _ref("Hit")},
            "facets": {"type": "array", "items": _ref("Facet")},
            "suggestion": {"type": ["string", "null"]},
            "took_ms": NUM,
            "notices": STRINGS,
            "next_url": url_or_null,
            "prev_url": url_or_null,
        }
    )
    mention = _obj({"kind": STR, "value": STR, "text": STR, "rule": STR, "start": INT})
    document = _obj(
        {
            "id": STR,
            "path": STR,
            "title": STR,
            "body": STR,
            "record": {"type": ["integer", "null"]},
            "url": STR,
            "published": DATE_OR_NULL,
            "source": STR,
            "source_type": STR,
            "language": STR,
            "actors": STRINGS,
            "countries": STRINGS,
            "authors": STRINGS,
            "category": STR,
            "cited_sources": STRINGS,
            "evidence": {"type": "array", "items": _ref("Mention")},
            "metadata": {"type": "object"},
            "facets": FACET_VALUES,
        },
        optional=("evidence",),
    )
    stats = _obj(
        {
            "path": STR,
            "documents": INT,
            "size_bytes": INT,
            "segments": INT,
            "last_update": {"type": ["string", "null"]},
            "schema_version": INT,
            "facets": {"type": "array", "items": _ref("Facet")},
        }
    )
    return {
        "FacetValue": facet_value,
        "Hit": hit,
        "Facet": facet,
        "SearchResults": results,
        "FacetSearch": _obj(
            {
                "name": STR,
                "prefix": STR,
                "matched": INT,
                "values": {"type": "array", "items": _ref("FacetValue")},
            }
        ),
        "Mention": mention,
        "Document": document,
        "Similar": _obj({"id": STR, "hits": {"type": "array", "items": _ref("Hit")}}),
        "IndexStats": stats,
        "Health": _obj({"status": {"const": "ok"}, "documents": INT}),
        "Error": _obj({"error": STR, "code": STR}),
    }


def _param(name: str, schema: dict, description: str, where: str = "query", **extra) -> dict:
    return {"name": name, "in": where, "schema": schema, "description": description, **extra}


def _search_parameters() -> list[dict[str, Any]]:
    catalogue = facet_catalogue()
    many = {"type": "array", "items": STR}
    params = [_param("q", STR, "Query text, in the CLI's query syntax (safe mode).")]
    for name in catalogue.filterable:
        values = many
        if name == "source_type":  # the documented vocabulary; the server also takes any case
            values = {"type": "array", "items": {"enum": list(model.SOURCE_TYPES)}}
        params.append(
            _param(
                name,
                values,
                f"Keep documents with any of these {name} values (400 for an unknown country).",
                explode=True,
            )
        )
    params += [
        _param("since", DATE, "Published on or after YYYY, YYYY-MM or YYYY-MM-DD."),
        _param("until", DATE, "Published on or before YYYY, YYYY-MM or YYYY-MM-DD."),
        _param(
            "facet",
            {"type": "array", "items": {"enum": list(catalogue.names)}},
            "Facets to count (default: " + ", ".join(catalogue.defaults) + ").",
            explode=True,
        ),
        _param("sort", {"enum": ["relevance", "date"]}, "Order of the hits."),
        _param(
            "page", {"type": "integer", "minimum": 1, "maximum": 1_000_000}, "Page of hits, from 1."
        ),
        _param("limit", {"type": "integer", "minimum": 0, "maximum": MAX_LIMIT}, "Hits per page."),
        _param(
            "facet_limit",
            {"type": "integer", "minimum": 0, "maximum": MAX_FACET_LIMIT},
            "Values per facet (0: all).",
        ),
        _param("date_interval", {"enum": ["year", "month"]}, "Date histogram buckets."),
    ]
    return params


def _responses(schema: str, *errors: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "200": {"description": "OK", "content": {"application/json": {"schema": _ref(schema)}}}
    }
    reasons = {400: "Bad input", 404: "Not found", 500: "Internal error (logged with its id)"}
    for status in (*errors, 500):
        out[str(status)] = {
            "description": reasons[status],
            "content": {"application/json": {"schema": _ref("Error")}},
        }
    return out


def openapi_document() -> dict[str, Any]:
    doc_id = _param("id", STR, "Document id, as shown by a search.", where="path", required=True)
    limit = _param(
        "limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, "How many hits."
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "searchkit",
            "version": "1",
            "description": "Read-only full-text search with facets over one searchkit index.",
        },
        "paths": {
            "/api/search": {
                "get": {
                    "summary": "Ranked hits and facet counts",
                    "operationId": "search",
                    "parameters": _search_parameters(),
                    "responses": _responses("SearchResults", 400),
                }
            },
            "/api/facets/{name}": {
                "get": {
                    "summary": "Search inside one facet's values",
                    "operationId": "facetSearch",
                    "parameters": [
                        _param(
                            "name",
                            {"enum": list(facet_catalogue().names)},
                            "The facet.",
                            where="path",
                            required=True,
                        ),
                        _param("prefix", STR, "Values with a word starting with this."),
                        *_search_parameters(),
                    ],
                    "responses": _responses("FacetSearch", 400),
                }
            },
            "/api/documents/{id}": {
                "get": {
                    "summary": "One stored document",
                    "operationId": "getDocument",
                    "parameters": [
                        doc_id,
                        _param("explain", {"enum": ["0", "1"]}, "1: add the evidence list."),
                    ],
                    "responses": _responses("Document", 400, 404),
                }
            },
            "/api/similar/{id}": {
                "get": {
                    "summary": "Documents most like one document",
                    "operationId": "similar",
                    "parameters": [doc_id, limit],
                    "responses": _responses("Similar", 400, 404),
                }
            },
            "/api/stats": {
                "get": {
                    "summary": "Size and top facet values of the index",
                    "operationId": "stats",
                    "responses": _responses("IndexStats"),
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Liveness, and the number of documents",
                    "operationId": "health",
                    "responses": _responses("Health"),
                }
            },
        },
        "components": {"schemas": _schemas()},
    }
