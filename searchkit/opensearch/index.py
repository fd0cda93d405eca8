"""``OpenSearchIndex``: searchkit's ``Index`` API over an OpenSearch index.

The same public methods and return types as ``searchkit.api.Index`` (update, search,
facets, get, similar, stats, documents, close, context manager), the same validation and
errors, with OpenSearch doing the storing, sharding and replicating. Client errors are
mapped here, once: unreachable or refusing -> ClusterUnavailableError (exit 10), no such
index -> IndexMissingError, an index that is not ours -> ForeignIndexError.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from .. import model
from ..config import ExtractConfig, default_config_path, load_config
from ..engine.analysis import FALLBACK, language_field
from ..errors import DocumentNotFoundError, IndexMissingError, SchemaVersionError, UsageError
from ..registry import RegistryFile
from ..search.request import make_request
from . import mapping
from .location import Location, make_client, parse_location, unavailable
from .searching import Searcher


class ForeignIndexError(SchemaVersionError):
    """The index exists in the cluster but was not made by searchkit (or by another version)."""


def _client_errors(method):
    """Map the client's transport errors to searchkit's, naming the cluster, never a secret."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        from opensearchpy import exceptions as ox

        try:
            result = method(self, *args, **kwargs)
            if isinstance(result, Iterator):
                return _guarded(self, result)
            return result
        except ox.ConnectionError as exc:
            raise unavailable(self.location, exc) from None
        except ox.AuthenticationException:
            raise unavailable(self.location, _Status(401)) from None
        except ox.AuthorizationException:
            raise unavailable(self.location, _Status(403)) from None
        except ox.TransportError as exc:
            if exc.status_code in (429, 502, 503, 504):
                raise unavailable(self.location, _Status(exc.status_code)) from None
            if exc.status_code == 404 and "index_not_found" in str(exc.error):
                raise self._missing() from None
            raise

    return wrapper


def _guarded(index: OpenSearchIndex, items: Iterator):
    from opensearchpy import exceptions as ox

    try:
        yield from items
    except ox.ConnectionError as exc:
        raise unavailable(index.location, exc) from None


class _Status(Exception):
    def __init__(self, status_code: int):
        super().__init__(f"HTTP {status_code}")
        self.status_code = status_code


class OpenSearchIndex:
    """A searchkit index stored in OpenSearch. Make one with ``open_engine(location)``."""

    def __init__(
        self,
        location: Location,
        *,
        config: str | os.PathLike | None = None,
        create: bool = True,
        stemming: bool = True,
        shards: int = 1,
        replicas: int = 0,
    ):
        self.location = location
        self._config_path = Path(config) if config else None
        self.client = make_client(location)
        self._closed = False
        self._registry = RegistryFile(self._config_file, lambda: self.config().facets)
        self._meta = self._open(create, stemming, shards, replicas)
        self._searcher = Searcher(self.client, location.index, self._meta["stemming"])

    # -- opening ----------------------------------------------------------------------------

    def _missing(self) -> IndexMissingError:
        return IndexMissingError(
            f"no index {self.location.index!r} at {self.location.url}: run `searchkit index "
            f"PATH --index {self.location}`"
        )

    @_client_errors
    def _open(self, create: bool, stemming: bool, shards: int, replicas: int) -> dict:
        indices = self.client.indices
        if not indices.exists(index=self.location.index):
            if not create:
                raise self._missing()
            body = mapping.index_body(
                mapping.export.FIELD_LANGUAGES, stemming, shards=shards, replicas=replicas
            )
            from opensearchpy import exceptions as ox

            try:
                indices.create(index=self.location.index, body=body)
            except ox.RequestError as exc:  # created meanwhile by another run
                if "resource_already_exists" not in str(exc.error):
                    raise
            indices.refresh(index=self.location.index)
        meta = mapping.our_meta(indices.get_mapping(index=self.location.index), self.location.index)
        if meta is None:
            raise ForeignIndexError(
                f"the index {self.location.index!r} at {self.location.url} was not made by "
                "searchkit (its mapping has no searchkit _meta): choose another index name"
            )
        if meta.get("mapping_version") != mapping.MAPPING_VERSION:
            raise ForeignIndexError(
                f"the index {self.location.index!r} has searchkit mapping version "
                f"{meta.get('mapping_version')}, this searchkit writes {mapping.MAPPING_VERSION}:"
                " index into a new name"
            )
        return meta

    @property
    def path(self) -> str:
        return str(self.location)

    def _config_file(self) -> Path:
        return self._config_path or default_config_path(Path.cwd() / "index")

    def config(self) -> ExtractConfig:
        return load_config(self._config_file())

    def _uuid(self) -> str:
        settings = self.client.indices.get_settings(index=self.location.index)
        return next(iter(settings.values()))["settings"]["index"]["uuid"]

    # -- writing ----------------------------------------------------------------------------

    @_client_errors
    def update(
        self,
        paths: Iterable[str | os.PathLike],
        *,
        prune: bool = False,
        rebuild: bool = False,
        jobs: int = 0,
        lock_timeout: float = 0.0,
        progress: Callable[[int, int], None] | None = None,
        batch_size: int = 0,
    ) -> model.UpdateReport:
        """Index new and changed files, remove deleted ones with ``prune``; see ``indexer``.
        ``rebuild`` re-sends every file; ``lock_timeout`` and ``batch_size`` are the Whoosh
        engine's and have no meaning here (OpenSearch takes concurrent writers)."""
        from .indexer import BulkUpdater, run_update, state_dir

        self._check_open()
        registry = self.registry()
        self._map_declared_facets(registry)
        updater = BulkUpdater(
            self.client,
            self.location.index,
            self._uuid(),
            self._meta["stemming"],
            state_dir(self.location.url, self.location.index),
            registry,
        )
        if rebuild:
            for entry in updater.manifest.values():
                entry.content_hash, entry.mtime_ns = "", 0
        report = run_update(
            updater,
            [str(p) for p in paths],
            self.config(),
            prune=prune,
            jobs=jobs,
            progress=progress,
        )
        meta = dict(self._meta, last_update=dt.datetime.now(dt.UTC).isoformat())
        self.client.indices.put_mapping(
            index=self.location.index, body={"_meta": {mapping.META_KEY: meta}}
        )
        self._meta = meta
        self._searcher.forget()
        return report

    # -- reading ----------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise UsageError("the index is closed")

    @_client_errors
    def search(
        self,
        query: str = "",
        *,
        filters: Mapping[str, Sequence[str] | str] | None = None,
        facets: Sequence[str] | None = None,
        sort: str = "relevance",
        limit: int = 10,
        page: int = 1,
        since: str | dt.date | None = None,
        until: str | dt.date | None = None,
        facet_limit: int = 10,
        date_interval: str = "month",
        raw: bool = False,
        match: str = "all",
        snippets: bool = True,
    ) -> model.SearchResults:
        """Ranked hits for ``query`` and facet counts over every match, as ``Index.search``."""
        from ..search.request import validate

        self._check_open()
        request = make_request(
            query,
            filters=filters,
            facets=facets,
            since=since,
            until=until,
            facet_limit=facet_limit,
            date_interval=date_interval,
            sort=sort,
            limit=limit,
            page=page,
            raw=raw,
            match=match,
            snippets=snippets,
        )
        registry = self.registry()
        self._searcher.registry = registry
        return self._searcher.search(validate(request, registry))

    def facets(
        self,
        query: str = "",
        *,
        filters=None,
        facets: Sequence[str] | None = None,
        facet_limit: int = 10,
        date_interval: str = "month",
        **kwargs,
    ) -> tuple[model.Facet, ...]:
        """Facet counts over the whole index, or over the documents matching ``query``."""
        return self.search(
            query,
            filters=filters,
            facets=self.registry().names if facets is None else facets,
            limit=0,
            facet_limit=facet_limit,
            date_interval=date_interval,
            **kwargs,
        ).facets

    def registry(self):
        """The facets of this index: the built-in ones and those declared in searchkit.toml
        (each a keyword field of its own name)."""
        return self._registry.get()

    @_client_errors
    def _map_declared_facets(self, registry) -> None:
        """Add a keyword field for each declared facet the mapping lacks (the mapping is
        strict: a field it does not know would fail the document)."""
        from ..export import facet_field

        mapped = self.client.indices.get_mapping(index=self.location.index)
        known: set[str] = set()
        for body in mapped.values():
            known |= set((body.get("mappings") or {}).get("properties") or {})
        wanted = {facet_field(s): {"type": "keyword"} for s in registry.shown_in_facets}
        missing = {name: kind for name, kind in wanted.items() if name not in known}
        if missing:
            body = {"properties": missing}
            self.client.indices.put_mapping(index=self.location.index, body=body)

    def facet_specs(self) -> tuple[model.FacetInfo, ...]:
        """Name, label and kind of every facet, as ``Index.facet_specs``."""
        return tuple(
            model.FacetInfo(s.name, s.label, s.kind, s.filterable, s.default, s.declared)
            for s in self.registry()
        )

    @_client_errors
    def get(self, doc_id: str) -> model.Document:
        """The document with this id (or the first document of this file path)."""
        from .results import document_from_source

        self._check_open()
        source = self._searcher.source_of(doc_id)
        if source is None:
            raise DocumentNotFoundError(
                f"no document with id {doc_id!r}: ids are shown by `searchkit search`"
            )
        return document_from_source(source, self.registry())

    @_client_errors
    def similar(self, doc_id: str, limit: int = 10) -> tuple[model.Hit, ...]:
        """Documents most like the given one, by ``more_like_this`` on its language's fields."""
        doc = self.get(doc_id)
        lang = language_field(doc.language) if self._meta["stemming"] else FALLBACK
        return tuple(self._searcher.similar(doc.id, lang, limit))

    @_client_errors
    def documents(self) -> Iterator[model.Document]:
        """Every document of the index (a scroll: documents added meanwhile may be missed)."""
        from opensearchpy.helpers import scan

        from .results import document_from_source

        self._check_open()
        hits = scan(self.client, index=self.location.index, size=1000, preserve_order=False)
        registry = self.registry()
        return (document_from_source(hit["_source"], registry) for hit in hits)

    @_client_errors
    def actor_merges(self) -> dict[str, str]:
        """Surname-only actors -> the one full name they are merged with in facets and hits
        (the documents keep the names as extracted; the merge is applied when searching)."""
        self._check_open()
        return dict(self._searcher.actor_names())

    @_client_errors
    def stats(self, facet_limit: int = 5) -> model.IndexStats:
        """Document count, size, last update and the top values of each facet."""
        self._check_open()
        index = self.location.index
        stats = self.client.indices.stats(index=index, metric="docs,store,segments")
        primaries = stats["_all"]["primaries"]
        last = self._meta.get("last_update")
        return model.IndexStats(
            path=str(self.location),
            documents=int(self.client.count(index=index)["count"]),
            size_bytes=int(stats["_all"]["total"]["store"]["size_in_bytes"]),
            segments=int(primaries["segments"]["count"]),
            last_update=dt.datetime.fromisoformat(last) if last else None,
            schema_version=int(self._meta["mapping_version"]),
            facets=self.facets(facet_limit=facet_limit, date_interval="year"),
        )

    @_client_errors
    def optimize(
        self, max_segments: int = 0, *, jobs: int = 0, lock_timeout: float = 0.0
    ) -> model.OptimizeReport:
        """Force-merge every shard down to ``max_segments`` (default 10); OpenSearch merges
        in the background itself, so this is rarely needed. ``jobs`` and ``lock_timeout``
        are the embedded engine's and have no effect here."""
        import time

        self._check_open()
        started = time.perf_counter()
        index = self.location.index

        def segments() -> tuple[int, int]:
            self.client.indices.refresh(index=index)  # count what a search would read
            primaries = self.client.indices.stats(index=index, metric="docs,segments")
            primaries = primaries["_all"]["primaries"]
            return int(primaries["segments"]["count"]), int(primaries["docs"]["count"])

        before, documents = segments()
        self.client.indices.forcemerge(
            index=index, max_num_segments=max_segments or 10, params={"request_timeout": 3600}
        )
        after, _ = segments()
        took = round((time.perf_counter() - started) * 1000, 1)
        return model.OptimizeReport(before, after, documents if after < before else 0, 0, took)

    # -- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.client.close()

    def __enter__(self) -> OpenSearchIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_engine(
    location: str,
    *,
    config: str | os.PathLike | None = None,
    engine_config: Mapping[str, object] | None = None,
    create: bool = True,
    stemming: bool = True,
) -> OpenSearchIndex:
    """Open (or, with ``create``, make) the index at ``opensearch+http(s)://host:port/name``.

    ``engine_config`` is the ``[engine]`` table of searchkit.toml (``user``, ``password``,
    ``insecure``, ``ca``, ``shards``, ``replicas``); the environment wins over it.
    """
    engine_config = engine_config or {}
    return OpenSearchIndex(
        parse_location(location, engine_config),
        config=config,
        create=create,
        stemming=stemming,
        shards=int(engine_config.get("shards") or 1),
        replicas=int(engine_config.get("replicas") or 0),
    )
