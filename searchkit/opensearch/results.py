"""Turn OpenSearch responses into searchkit's frozen dataclasses.

Everything here is a pure function of a response, so the shapes are checked in one place:
``_source`` -> ``Document``, a hit -> ``Hit`` (the snippet from ``highlight``), an
aggregation -> ``Facet``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from .. import model
from ..search.snippets import clean_text

#: Marks around highlighted words; control characters never occur in indexed text.
PRE_TAG = "\x02"
POST_TAG = "\x03"
SNIPPET_CHARS = 240


def document_from_source(source: Mapping[str, Any], registry=None) -> model.Document:
    published = source.get("published")
    doc = model.Document(
        id=source["id"],
        path=source.get("path", ""),
        title=source.get("title", ""),
        body=source.get("body", ""),
        record=source.get("record"),
        url=source.get("url", ""),
        published=dt.date.fromisoformat(published) if published else None,
        source=source.get("source", ""),
        source_type=source.get("source_type", "unknown"),
        language=source.get("language", "und"),
        actors=tuple(source.get("actor", ())),
        countries=tuple(source.get("country", ())),
        authors=tuple(source.get("authors", ())),
        category=source.get("category", ""),
        cited_sources=tuple(source.get("cited_sources", ())),
    )
    if registry is not None:
        doc.facets.update(declared_values(source, registry))
    return doc


def snippet_from_highlight(fragment: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A highlight fragment with PRE_TAG/POST_TAG marks -> (plain text, word spans)."""
    text: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    # Pieces alternate plain, marked, plain, ...
    for i, piece in enumerate(fragment.replace(POST_TAG, PRE_TAG).split(PRE_TAG)):
        if i % 2 == 1 and piece:
            spans.append((length, length + len(piece)))
        text.append(piece)
        length += len(piece)
    plain = "".join(text)
    # Whitespace runs are collapsed in searchkit's snippets; map spans through the collapse.
    cleaned, mapping = _collapse(plain)
    spans = [(mapping[a], mapping[b]) for a, b in spans]
    return cleaned, tuple(spans)


def _collapse(text: str) -> tuple[str, list[int]]:
    out: list[str] = []
    mapping: list[int] = []
    space = False
    for ch in text:
        mapping.append(len(out))
        if ch.isspace():
            if not space and out:
                out.append(" ")
            space = True
        else:
            out.append(ch)
            space = False
    mapping.append(len(out))
    return "".join(out), mapping


def hit_from(
    raw: Mapping[str, Any],
    rank: int,
    actor_names: Mapping[str, str],
    snippets: bool = True,
) -> model.Hit:
    source = raw["_source"]
    doc = document_from_source(source)
    snippet, spans = "", ()
    if snippets:
        fragments = [f for frags in (raw.get("highlight") or {}).values() for f in frags]
        if fragments:
            snippet, spans = snippet_from_highlight(fragments[0])
        else:
            snippet = " ".join((doc.body or doc.title)[:SNIPPET_CHARS].split())
    return model.Hit(
        id=doc.id,
        rank=rank,
        score=round(float(raw.get("_score") or 0.0), 4),
        title=clean_text(doc.title),
        path=doc.path if doc.record is None else f"{doc.path}:{doc.record}",
        url=doc.url,
        published=doc.published,
        source=doc.source,
        source_type=doc.source_type,
        language=doc.language,
        actors=tuple(dict.fromkeys(actor_names.get(a, a) for a in doc.actors)),
        countries=doc.countries,
        snippet=snippet,
        highlights=spans,
    )


def facet_from(
    name: str,
    agg: Mapping[str, Any],
    limit: int,
    selected: Iterable[str],
    label=None,
    merges: Mapping[str, str] | None = None,
) -> model.Facet:
    """A Facet from one facet's filter aggregation (see ``export.facet_aggregations``);
    ``merges`` folds surname-only actors into their full name (counted by ``groups``)."""
    chosen = set(selected)
    buckets = agg["values"]["buckets"]
    missing = int(agg["missing"]["doc_count"])
    if name == "date":
        ranked = [(b["key_as_string"], int(b["doc_count"])) for b in buckets if b["doc_count"]]
        shown = ranked[-limit:] if limit else ranked
        distinct = len(ranked)
    elif merges and "groups" in agg:
        groups = agg["groups"]["buckets"]
        counts: dict[str, int] = {}
        for b in buckets:
            value = merges.get(str(b["key"]), str(b["key"]))
            if value in groups:
                counts[value] = int(groups[value]["doc_count"])
            else:
                counts[value] = counts.get(value, 0) + int(b["doc_count"])
        ranked = sorted(((v, c) for v, c in counts.items() if c), key=lambda kv: (-kv[1], kv[0]))
        shown = ranked[:limit] if limit else ranked
        distinct = len(ranked)
    else:
        ranked = [(str(b["key"]), int(b["doc_count"])) for b in buckets]
        shown = ranked[:limit] if limit else ranked
        distinct = int(agg["distinct"]["value"]) if "distinct" in agg else len(ranked)
        distinct = max(distinct, len(ranked))
    values = tuple(model.FacetValue(v, label(v) if label else v, c, v in chosen) for v, c in shown)
    return model.Facet(name, values, missing, distinct)


def declared_values(source: Mapping[str, Any], registry) -> dict[str, tuple[str, ...]]:
    """Values of the facets without a field of their own (declared in searchkit.toml), from
    a document's ``_source``, where each is a keyword field of its own name."""
    from ..export import facet_field

    return {
        spec.name: tuple(source.get(facet_field(spec)) or ()) for spec in registry.shown_in_facets
    }
