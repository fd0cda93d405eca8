"""The public value types: frozen dataclasses that cross the API boundary.

Nothing here knows about Whoosh; the engine copies its results into these types before a
searcher closes, so callers never hold engine objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

#: The documented set of source types (see README, "Source types").
SOURCE_TYPES = ("news", "wire", "tv", "radio", "magazine", "blog", "social", "official", "unknown")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value


class _ToDict:
    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (dates as ISO strings, tuples as lists)."""
        return {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}  # type: ignore[arg-type]


@dataclass(frozen=True)
class Mention(_ToDict):
    """One piece of evidence for a facet value: what was found, where, and by which rule.

    ``kind`` is the facet or entity kind ("person", "organisation", "cited_source", "country",
    "date", "source_type", "language"); ``value`` the canonical value ("Emmanuel Macron", "FR");
    ``text`` the surface text it came from; ``start`` its character offset in the body, or -1
    when it came from metadata.
    """

    kind: str
    value: str
    text: str
    rule: str
    start: int = -1


@dataclass(frozen=True)
class Document(_ToDict):
    """An article as searchkit stores it: text, metadata and canonical facet values."""

    id: str
    path: str
    title: str
    body: str
    record: int | None = None  # line of a JSONL file, position in a JSON list
    url: str = ""
    published: dt.date | None = None
    source: str = ""
    source_type: str = "unknown"
    language: str = "und"
    actors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    category: str = ""
    cited_sources: tuple[str, ...] = ()
    evidence: tuple[Mention, ...] = field(default=(), compare=False)
    #: The record's other fields (JSON keys, front-matter keys) as read: text, numbers
    #: and lists of them. Declared facets (searchkit.toml [facets.NAME]) read these.
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)
    #: Values of the facets declared in searchkit.toml, by facet name.
    facets: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class FacetValue(_ToDict):
    """One value of a facet with the number of matching documents that carry it."""

    value: str
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class Facet(_ToDict):
    """Counts for one facet over all matching documents.

    ``missing`` counts matching documents with no value for the facet; ``distinct`` is how
    many values had a non-zero count before the list was cut to the facet limit.
    """

    name: str
    values: tuple[FacetValue, ...]
    missing: int
    distinct: int

    @property
    def truncated(self) -> bool:
        return self.distinct > len(self.values)

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data["truncated"] = self.truncated
        return data


@dataclass(frozen=True)
class FacetInfo(_ToDict):
    """What a facet of an index is: its name, label and kind ("keyword", "multi", "date"),
    whether values can be selected as filters, whether it is counted by default, and
    whether it was declared in searchkit.toml."""

    name: str
    label: str
    kind: str
    filterable: bool
    default: bool
    declared: bool


@dataclass(frozen=True)
class Hit(_ToDict):
    """One ranked result. ``highlights`` are (start, end) character spans in ``snippet``."""

    id: str
    rank: int
    score: float
    title: str
    path: str
    url: str
    published: dt.date | None
    source: str
    source_type: str
    language: str
    actors: tuple[str, ...]
    countries: tuple[str, ...]
    snippet: str
    highlights: tuple[tuple[int, int], ...] = ()
    #: Values of the facets declared in searchkit.toml, by facet name.
    facets: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResults(_ToDict):
    """A page of ranked hits plus facet counts over every matching document."""

    query: str
    total: int
    page: int
    limit: int
    sort: str
    hits: tuple[Hit, ...]
    facets: tuple[Facet, ...]
    suggestion: str | None
    took_ms: float
    #: Filters or query parts that could not be applied as typed, one sentence each
    #: (a value no document has, a reversed date range): never dropped silently.
    notices: tuple[str, ...] = ()

    def facet(self, name: str) -> Facet:
        """Return the facet called ``name`` (KeyError when it was not requested)."""
        for facet in self.facets:
            if facet.name == name:
                return facet
        raise KeyError(name)


@dataclass(frozen=True)
class SkippedFile(_ToDict):
    """A file (or record) that could not be indexed, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class UpdateReport(_ToDict):
    """What one `update` did. Counts are documents; ``skipped`` lists files with reasons."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    rederived: int = 0
    skipped: tuple[SkippedFile, ...] = ()
    interrupted: bool = False
    #: After an interruption: files found new or changed that were not committed.
    files_left: int = 0
    took_ms: float = 0.0
    #: Things the user should know that did not stop the run, one sentence each (a
    #: declared facet whose field no document has).
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndexStats(_ToDict):
    """Size and content summary of an index."""

    path: str
    documents: int
    size_bytes: int
    segments: int
    last_update: dt.datetime | None
    schema_version: int
    facets: tuple[Facet, ...]


@dataclass(frozen=True)
class OptimizeReport(_ToDict):
    """What `optimize` did: segments before and after, and the documents it rewrote
    (``purged`` of them were deleted ones, dropped for good)."""

    segments_before: int
    segments_after: int
    documents_merged: int
    purged: int
    took_ms: float


@dataclass(frozen=True)
class CheckReport(_ToDict):
    """What `check` found (``problems``) and, with repair, what it did (``repairs``).

    ``healthy`` says whether the index is sound now: after a successful repair it is True
    even though problems were found.
    """

    path: str
    healthy: bool
    documents: int
    segments: int
    problems: tuple[str, ...] = ()
    repairs: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
