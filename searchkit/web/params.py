"""The state of a search as URL parameters: parsed, validated, and turned back into URLs.

The page and the JSON API take the same parameters, so every state is a shareable link:
``q``, one parameter per filterable facet (``country=FR&country=DE``: OR within a facet,
AND across facets), ``since``/``until``, ``facet`` (repeatable), ``sort``, ``page``,
``limit``, ``facet_limit`` and ``date_interval``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace
from urllib.parse import urlencode

MAX_LIMIT = 100
MAX_FACET_LIMIT = 1000
MAX_VALUES = 50  # filter values in one request: a link a person shares never needs more
SORTS = ("relevance", "date")
DATE_INTERVALS = ("year", "month")


class WebError(Exception):
    """A request the server refuses: HTTP status, a stable code, and the CLI's message."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class FacetCatalogue:
    """The facets an index can count, the ones counted by default, the ones that filter,
    and their labels: read from the index's facet registry (built-in and declared)."""

    names: tuple[str, ...]
    defaults: tuple[str, ...]
    filterable: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, specs) -> FacetCatalogue:
        return cls(
            names=tuple(s.name for s in specs),
            defaults=tuple(s.name for s in specs if s.default),
            filterable=tuple(s.name for s in specs if s.filterable),
            labels=tuple((s.name, s.label) for s in specs),
        )


#: The catalogue of the index this request is served from (set by the app per request).
_current: ContextVar[FacetCatalogue | None] = ContextVar("facet_catalogue", default=None)


def facet_catalogue(index=None) -> FacetCatalogue:
    """The facet list: the one place the web layer learns which facets exist. With an
    ``Index``, its registry's facets; without, those of the index being served."""
    if index is not None:
        return FacetCatalogue.of(index.facet_specs())
    current = _current.get()
    if current is not None:
        return current
    from ..registry import DEFAULT_REGISTRY

    return FacetCatalogue.of(DEFAULT_REGISTRY)


def serving(catalogue: FacetCatalogue):
    """Make ``catalogue`` the one ``facet_catalogue()`` answers with, for this request."""
    return _current.set(catalogue)


def facet_title(name: str) -> str:
    """A facet's heading on the page: its registry label ("Source type")."""
    return dict(facet_catalogue().labels).get(name) or name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class SearchParams:
    """One search, as the URL holds it. ``facets`` empty means the default facets."""

    q: str = ""
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    since: str = ""
    until: str = ""
    facets: tuple[str, ...] = ()
    sort: str = "relevance"
    page: int = 1
    limit: int = 10
    facet_limit: int = 10
    date_interval: str = ""

    # -- reading ---------------------------------------------------------------------------

    def selected(self, facet: str) -> tuple[str, ...]:
        for name, values in self.filters:
            if name == facet:
                return values
        return ()

    def filter_dict(self) -> dict[str, list[str]]:
        return {name: list(values) for name, values in self.filters if values}

    def has_filters(self) -> bool:
        return bool(self.filters or self.since or self.until)

    # -- changing --------------------------------------------------------------------------

    def with_values(self, facet: str, values: Sequence[str]) -> SearchParams:
        """This search with ``facet`` filtered to ``values`` (none: the filter removed)."""
        kept = [(n, v) for n, v in self.filters if n != facet]
        if values:
            kept.append((facet, tuple(values)))
        order = {n: i for i, n in enumerate(facet_catalogue().names)}
        kept.sort(key=lambda item: order.get(item[0], len(order)))
        return replace(self, filters=tuple(kept), page=1)

    def toggled(self, facet: str, value: str) -> SearchParams:
        """This search with ``value`` of ``facet`` selected, or unselected if it was."""
        current = self.selected(facet)
        if value in current:
            return self.with_values(facet, [v for v in current if v != value])
        return self.with_values(facet, [*current, value])

    def with_dates(self, since: str, until: str) -> SearchParams:
        return replace(self, since=since, until=until, page=1)

    def with_page(self, page: int) -> SearchParams:
        return replace(self, page=page)

    def cleared(self) -> SearchParams:
        """The same query with no filters."""
        return replace(self, filters=(), since="", until="", page=1)

    # -- writing ---------------------------------------------------------------------------

    def items(self, *, keep_page: bool = True) -> list[tuple[str, str]]:
        """The parameters in a stable order, defaults left out, so equal states share a URL."""
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        for name, values in self.filters:
            out.extend((name, v) for v in values)
        if self.since:
            out.append(("since", self.since))
        if self.until:
            out.append(("until", self.until))
        out.extend(("facet", f) for f in self.facets)
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if self.limit != 10:
            out.append(("limit", str(self.limit)))
        if self.facet_limit != 10:
            out.append(("facet_limit", str(self.facet_limit)))
        if self.date_interval:
            out.append(("date_interval", self.date_interval))
        if keep_page and self.page != 1:
            out.append(("page", str(self.page)))
        return out

    def url(self, path: str, extra: Iterable[tuple[str, str]] = ()) -> str:
        query = urlencode([*self.items(), *extra])
        return f"{path}?{query}" if query else path


# ---- parsing --------------------------------------------------------------------------------


def _one(items: dict[str, list[str]], name: str, default: str = "") -> str:
    values = items.get(name) or []
    if len(values) > 1:
        raise WebError(400, "bad_parameter", f"{name} given {len(values)} times: give it once")
    return values[0] if values else default


def _integer(items, name: str, default: int, low: int, high: int, code: str) -> int:
    if name not in items:
        return default
    text = _one(items, name)
    try:
        number = int(text)
    except ValueError:
        raise WebError(400, code, f"{name} must be a whole number, not {text!r}") from None
    if not low <= number <= high:
        raise WebError(400, code, f"{name} must be between {low} and {high}, not {number}")
    return number


def group(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    items: dict[str, list[str]] = {}
    for key, value in pairs:
        items.setdefault(key, []).append(value)
    return items


def parse_search(pairs: Iterable[tuple[str, str]]) -> SearchParams:
    """Validate URL parameters into SearchParams; a WebError names the first bad one.

    Unknown parameters are ignored, as links carry tracking tails; bad values of known
    ones get the message the CLI gives for the same mistake.
    """
    items = group(pairs)
    catalogue = facet_catalogue()
    filters = []
    for name in catalogue.filterable:
        values = tuple(dict.fromkeys(v.strip() for v in items.get(name, ()) if v.strip()))
        if len(values) > MAX_VALUES:
            raise WebError(400, "too_many_values", f"at most {MAX_VALUES} values per filter")
        if values:
            filters.append((name, values))
    facets = tuple(dict.fromkeys(items.get("facet", ())))
    for name in facets:
        if name not in catalogue.names:
            raise WebError(
                400,
                "unknown_facet",
                f"unknown facet {name!r}: use one of {', '.join(catalogue.names)}",
            )
    sort = _one(items, "sort", "relevance")
    if sort not in SORTS:
        raise WebError(400, "bad_sort", f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    interval = _one(items, "date_interval")
    if interval and interval not in DATE_INTERVALS:
        raise WebError(
            400, "bad_date_interval", f"unknown date interval {interval!r}: use year or month"
        )
    since, until = _one(items, "since"), _one(items, "until")
    # A date parameter that is present is checked, even empty: "since=" is not "no since".
    check_dates(since, until, present=("since" in items, "until" in items))
    return SearchParams(
        q=_one(items, "q"),
        filters=tuple(filters),
        since=since,
        until=until,
        facets=facets,
        sort=sort,
        page=_integer(items, "page", 1, 1, 1_000_000, "bad_page"),
        limit=_integer(items, "limit", 10, 0, MAX_LIMIT, "bad_limit"),
        facet_limit=_integer(items, "facet_limit", 10, 0, MAX_FACET_LIMIT, "bad_facet_limit"),
        date_interval=interval,
    )


def check_dates(since: str, until: str, present: tuple[bool, bool] = (False, False)) -> None:
    """The CLI's checks of --since/--until, with its messages."""
    from ..errors import UsageError
    from ..search.request import coerce_date

    try:
        first = coerce_date(since) if since or present[0] else None
        last = coerce_date(until, end=True) if until or present[1] else None
    except UsageError as exc:
        raise WebError(400, "bad_date", str(exc)) from None
    if first and last and first > last:
        raise WebError(400, "bad_date", f"--since {first} is after --until {last}")
