"""The facet registry: one declaration per facet, read by every other part of searchkit.

A ``FacetSpec`` says what a facet is: its name and label, its kind (a keyword with one
value per document, a multi-valued keyword, or a date), the index field and facet-file
column it lives in, how to read its values from a ``Document``, how to turn what a user
types into the values it selects, and how to label a value. The schema, the facet files,
``check``, the searcher, the query parser (``field:value``), the export mapping, the CLI
options and the JSON output all read these declarations; adding a built-in facet means
adding one ``FacetSpec`` to ``BUILT_IN`` (plus its data, if it has any).

Facets that users declare in ``searchkit.toml`` (``[facets.NAME]``) become specs of the same
shape (``declared_facet``); their values come from a raw metadata field of the documents
(a JSON key or a front-matter key) that the index stores.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .errors import UsageError
from .model import SOURCE_TYPES, Document

KEYWORD = "keyword"  # one value per document
MULTI = "multi"  # several values per document
DATE = "date"  # a publication date, counted in month or year buckets
#: How ``field:value`` in a query matches a facet's values.
EXACT = "exact"  # the whole value (a code: FR, en, wire)
WORDS = "words"  # the value as one lower-cased token (an outlet name)
NAMES = "names"  # any words of a name, as a phrase ("Macron" matches "Emmanuel Macron")
#: Open-ended date ranges start here; dates are refused past MAX_YEAR.
MIN_YEAR = 1900
MAX_YEAR = 9000
#: Several values in one declared metadata field: a JSON list, or text joined with these.
VALUE_SEPARATORS = re.compile(r"\s*[;|]\s*")


@dataclass(frozen=True)
class FacetSpec:
    """One facet: everything searchkit needs to index, count, filter, query and show it.

    ``field`` is the index field that holds its values (empty for declared facets, which
    live in the facet files only); ``column`` the key of its values in a segment's facet
    file. ``read`` gives a document's values; ``resolve`` turns what a user typed into the
    values it selects, given the values the index holds (it raises UsageError for a value
    that can never exist, and returns [] for one the index does not hold); ``label_value``
    gives a value's display label.
    """

    name: str
    label: str
    kind: str
    field: str
    column: str
    read: Callable[[Document], tuple[str, ...]]
    resolve: Callable[[str, Collection[str]], list[str]]
    label_value: Callable[[str], str] = str
    aliases: tuple[str, ...] = ()
    help: str = ""
    default: bool = True  # counted when the caller names no facets
    metadata_key: str = ""  # declared facets: the raw field their values come from
    matched_as: str = EXACT
    #: The attribute of ``model.Hit`` that shows this facet's values ("actors"); a facet
    #: without one (declared facets, and any built-in added later) is shown in
    #: ``Hit.facets`` and ``Document.facets`` instead.
    hit_field: str = ""
    #: Merges values that name the same thing across the index (surname-only actors with
    #: their one full name): given each value's document count, returns value -> the value
    #: it is counted under.
    merge_values: Callable[[Mapping[str, int]], dict[str, str]] | None = None

    @property
    def multi(self) -> bool:
        return self.kind == MULTI

    @property
    def declared(self) -> bool:
        return bool(self.metadata_key)

    @property
    def filterable(self) -> bool:
        """Whether values can be selected (dates are filtered with since/until instead)."""
        return self.kind != DATE


# ---- reading and resolving values ---------------------------------------------------------


def match_names(value: str, known: Collection[str]) -> list[str]:
    """Values a user's text selects: the exact value (any case), or else every value
    containing all its words, so "Macron" selects "Emmanuel Macron"."""
    wanted = value.strip().lower()
    exact = [v for v in known if v.lower() == wanted]
    if exact:
        return exact
    words = set(re.findall(r"\w+", wanted))
    if not words:
        return []
    return [v for v in known if words <= set(re.findall(r"\w+", v.lower()))]


def match_exact(value: str, known: Collection[str]) -> list[str]:
    """The value itself, in any case."""
    wanted = value.strip().casefold()
    return [v for v in known if v.casefold() == wanted]


def _resolve_country(value: str, known: Collection[str]) -> list[str]:
    from .tables import resolve_country

    code = resolve_country(value)
    if code is None:
        raise UsageError(f"unknown country {value!r}: use a name or an ISO code")
    return [code]


def _resolve_source_type(value: str, known: Collection[str]) -> list[str]:
    if value.strip().lower() not in SOURCE_TYPES:
        raise UsageError(f"unknown source type {value!r}: use one of {', '.join(SOURCE_TYPES)}")
    return [value.strip().lower()]


def _resolve_language(value: str, known: Collection[str]) -> list[str]:
    from .tables import resolve_language

    code = resolve_language(value)
    if code is None:
        raise UsageError(f"unknown language {value!r}: use a code (en) or a name (English)")
    return [code]


def _country_label(code: str) -> str:
    from .tables import country_label

    return country_label(code)


def _language_label(code: str) -> str:
    from .tables import language_label

    return language_label(code)


def _actor_merges(counts: Mapping[str, int]) -> dict[str, str]:
    """Actor values counted under another: surname-only mentions and spellings of one
    person, labelled by frequency (``extract.actors.merging``)."""
    from .extract.actors.merging import surname_merges

    return surname_merges(counts, counts)


def _month(doc: Document) -> tuple[str, ...]:
    return (f"{doc.published:%Y-%m}",) if doc.published else ()


def _one(value: str) -> tuple[str, ...]:
    return (value,) if value else ()


BUILT_IN: tuple[FacetSpec, ...] = (
    FacetSpec(
        "actor",
        "Actor",
        MULTI,
        "actor",
        "actor",
        read=lambda doc: doc.actors,
        resolve=match_names,
        aliases=("actors", "person"),
        help="Only documents naming this actor.",
        matched_as=NAMES,
        merge_values=_actor_merges,
        hit_field="actors",
    ),
    FacetSpec(
        "country",
        "Country",
        MULTI,
        "country",
        "country",
        read=lambda doc: doc.countries,
        resolve=_resolve_country,
        label_value=_country_label,
        aliases=("countries",),
        help="Country code or name (FR, France).",
        hit_field="countries",
    ),
    FacetSpec(
        "date",
        "Date",
        DATE,
        "published",
        "month",
        read=_month,
        resolve=lambda value, known: [],
        help="Publication date, by month or year.",
        hit_field="published",
    ),
    FacetSpec(
        "source_type",
        "Source type",
        KEYWORD,
        "source_type",
        "source_type",
        read=lambda doc: _one(doc.source_type),
        resolve=_resolve_source_type,
        aliases=("type",),
        help=", ".join(SOURCE_TYPES[:-1]) + f", {SOURCE_TYPES[-1]}.",
        hit_field="source_type",
    ),
    FacetSpec(
        "source",
        "Source",
        KEYWORD,
        "source",
        "source",
        read=lambda doc: _one(doc.source),
        resolve=match_names,
        help="Outlet name, e.g. Reuters.",
        default=False,
        matched_as=WORDS,
        hit_field="source",
    ),
    FacetSpec(
        "language",
        "Language",
        KEYWORD,
        "language",
        "language",
        read=lambda doc: _one(doc.language),
        resolve=_resolve_language,
        label_value=_language_label,
        aliases=("lang",),
        help="Language code or name, e.g. en or English.",
        hit_field="language",
    ),
)


def _metadata_values(key: str, multi: bool) -> Callable[[Document], tuple[str, ...]]:
    def read(doc: Document) -> tuple[str, ...]:
        raw = doc.metadata.get(key)
        if raw is None or raw == "":
            return ()
        items = raw if isinstance(raw, list | tuple) else [raw]
        values: list[str] = []
        for item in items:
            text = " ".join(str(item).split())
            parts = VALUE_SEPARATORS.split(text) if multi else [text]
            values.extend(p.strip() for p in parts)
        return tuple(dict.fromkeys(v for v in values if v))[: 1 if not multi else None]

    return read


def declared_facet(name: str, key: str, multi: bool = False, label: str = "") -> FacetSpec:
    """A facet a user declared in searchkit.toml, read from the raw metadata field ``key``."""
    return FacetSpec(
        name,
        label or name.replace("_", " ").capitalize(),
        MULTI if multi else KEYWORD,
        "",
        f"declared:{name}",
        read=_metadata_values(key, multi),
        resolve=match_exact,
        help=f"Values of the {key!r} field.",
        metadata_key=key,
    )


@dataclass(frozen=True)
class DeclaredFacet:
    """A ``[facets.NAME]`` table of searchkit.toml: plain data, so it pickles into workers
    and is saved in the index; ``spec()`` makes its FacetSpec."""

    name: str
    field: str
    multi: bool = False
    label: str = ""

    def spec(self) -> FacetSpec:
        return declared_facet(self.name, self.field, self.multi, self.label)

    def to_dict(self) -> dict:
        return {"name": self.name, "field": self.field, "multi": self.multi, "label": self.label}


# ---- the registry of one index ------------------------------------------------------------


@dataclass(frozen=True)
class FacetRegistry:
    """The facets of one index: the built-in ones, then the declared ones, in order."""

    specs: tuple[FacetSpec, ...] = BUILT_IN
    _by_name: dict[str, FacetSpec] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for spec in self.specs:
            for name in (spec.name, *spec.aliases):
                self._by_name.setdefault(name, spec)

    def __iter__(self):
        return iter(self.specs)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.specs)

    @property
    def defaults(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.specs if s.default)

    @property
    def declared(self) -> tuple[FacetSpec, ...]:
        return tuple(s for s in self.specs if s.declared)

    @property
    def shown_in_facets(self) -> tuple[FacetSpec, ...]:
        """Facets whose values hits and documents carry in their ``facets`` mapping."""
        return tuple(s for s in self.specs if not s.hit_field)

    def get(self, name: str) -> FacetSpec | None:
        """The facet called ``name`` or one of its aliases ("lang", "type"), or None."""
        return self._by_name.get(name) or self._by_name.get(name.lower())

    def __getitem__(self, name: str) -> FacetSpec:
        spec = self.get(name)
        if spec is None:
            raise UsageError(f"unknown facet {name!r}: use one of {', '.join(self.names)}")
        return spec

    def filter_spec(self, name: str) -> FacetSpec:
        """The facet a filter names; a UsageError lists the filterable ones."""
        spec = self.get(name)
        if spec is None or not spec.filterable:
            usable = ", ".join(s.name for s in self.specs if s.filterable)
            raise UsageError(f"unknown filter {name!r}: use one of {usable}")
        return spec

    @classmethod
    def with_declared(cls, declared: Iterable[DeclaredFacet]) -> FacetRegistry:
        return cls((*BUILT_IN, *(d.spec() for d in declared)))

    def fingerprint(self) -> str:
        """Changes whenever a declared facet is added, removed or changed."""
        return ";".join(f"{s.name}={s.metadata_key}/{s.kind}" for s in self.declared)


DEFAULT_REGISTRY = FacetRegistry()


class RegistryFile:
    """The registry of the declarations in one file (an index's facets.json, a
    searchkit.toml), read again only when the file changes: a search costs a stat, not a
    parse."""

    def __init__(self, path: Callable[[], os.PathLike], load: Callable[[], Iterable]):
        self._path = path
        self._load = load
        self._cached: tuple[tuple[int, int] | None, FacetRegistry] | None = None

    def get(self) -> FacetRegistry:
        try:
            st = os.stat(self._path())
            key = (st.st_mtime_ns, st.st_size)
        except OSError:
            key = None
        cached = self._cached
        if cached is None or cached[0] != key:
            cached = self._cached = (key, FacetRegistry.with_declared(self._load()))
        return cached[1]


BUILT_IN_NAMES = DEFAULT_REGISTRY.names


def facet_values(doc: Document, specs: Sequence[FacetSpec]) -> dict[str, tuple[str, ...]]:
    """A document's values of every declared facet among ``specs``."""
    return {s.name: s.read(doc) for s in specs if s.declared}


# ---- dates --------------------------------------------------------------------------------


def parse_date(value: str, end: bool = False) -> dt.date:
    """ "2024" / "2024-03" / "2024-03-15" -> the first (or, with ``end``, last) day it covers."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value.strip())
    if not m:
        raise ValueError(f"bad date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if not 1 <= year <= MAX_YEAR:  # date arithmetic near 9999-12-31 overflows
        raise ValueError(f"bad date {value!r}: the year must be between 1 and {MAX_YEAR}")
    if month and not 1 <= int(month) <= 12:
        raise ValueError(f"bad date {value!r}: no such month")
    try:
        if day:
            return dt.date(year, int(month), int(day))
        if month:
            first = dt.date(year, int(month), 1)
            return month_end(first) if end else first
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    except ValueError:
        raise ValueError(f"bad date {value!r}: no such day") from None


def month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def date_bucket(month_key: str, interval: str) -> str:
    """The histogram bucket of a "YYYY-MM" key: itself by month, "YYYY" by year."""
    return month_key[:4] if interval == "year" else month_key
