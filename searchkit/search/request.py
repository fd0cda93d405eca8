"""A search request: what the caller asked for, checked against the index's facets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from ..errors import UsageError
from ..registry import FacetRegistry, parse_date

SORTS = ("relevance", "date")
DATE_INTERVALS = ("year", "month")
MATCH_MODES = ("all", "any")


@dataclass(frozen=True)
class SearchRequest:
    """Everything a search needs besides the index; checked by ``validate``."""

    text: str = ""
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    since: dt.date | None = None
    until: dt.date | None = None
    facets: Sequence[str] | None = None  # None: the registry's default facets
    facet_limit: int = 10
    date_interval: str = "month"
    sort: str = "relevance"
    limit: int = 10
    page: int = 1
    raw: bool = False
    match: str = "all"
    snippets: bool = True


def make_request(
    query: str = "",
    *,
    filters: Mapping[str, Sequence[str] | str] | None = None,
    facets: Sequence[str] | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    **options,
) -> SearchRequest:
    """A SearchRequest from ``Index.search``'s arguments: a filter value may be one string,
    dates may be text; the other options are the request's fields as they are."""
    return SearchRequest(
        text=query,
        filters={f: [v] if isinstance(v, str) else list(v) for f, v in (filters or {}).items()},
        since=coerce_date(since),
        until=coerce_date(until, end=True),
        facets=None if facets is None else tuple(facets),
        **options,
    )


def coerce_date(value: str | dt.date | None, end: bool = False) -> dt.date | None:
    """A since/until value as a date; a UsageError says what was wrong."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return parse_date(value, end=end)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def validate(request: SearchRequest, registry: FacetRegistry) -> SearchRequest:
    """Raise a UsageError naming the first bad argument; returns the request with facet
    and filter names made canonical ("lang" -> "language")."""
    filters: dict[str, list[str]] = {}
    for name, values in request.filters.items():
        spec = registry.filter_spec(name)
        filters.setdefault(spec.name, []).extend([values] if isinstance(values, str) else values)
    facets = registry.defaults if request.facets is None else request.facets
    facets = tuple(dict.fromkeys(registry[name].name for name in facets))
    if request.sort not in SORTS:
        raise UsageError(f"unknown sort {request.sort!r}: use one of {', '.join(SORTS)}")
    if request.date_interval not in DATE_INTERVALS:
        raise UsageError(f"unknown date interval {request.date_interval!r}: use year or month")
    if request.match not in MATCH_MODES:
        raise UsageError(f"unknown match {request.match!r}: use all or any")
    if request.limit < 0 or request.page < 1 or request.facet_limit < 0:
        raise UsageError("limit and facet limit must be >= 0, page >= 1")
    if request.since and request.until and request.since > request.until:
        raise UsageError(f"--since {request.since} is after --until {request.until}")
    return replace(request, filters=filters, facets=facets)
