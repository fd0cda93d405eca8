"""The Python API: ``Index``, the one object a caller needs.

    from searchkit import Index

    with Index.open("index") as index:
        results = index.search("French instructors", filters={"country": ["UA"]})
        for hit in results.hits:
            print(hit.title, hit.score)

Everything it returns is a frozen dataclass from ``searchkit.model``; no Whoosh object
escapes. An Index is safe to share between threads: each thread searches with its own
searcher, opened on the newest committed state of the index.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from . import model
from .config import ExtractConfig, default_config_path, load_config
from .engine.schema import SETTINGS_FILE
from .engine.store import DECLARED_FACETS_FILE, Store, damage_reported, read_declared_facets
from .errors import IndexMissingError, SchemaVersionError, UsageError
from .locations import (
    INDEX_ENV,
    _clear_index_files,
    _index_dir,
    _index_folder,
    _open_engine,
    default_index_path,
    index_location,
)
from .registry import FacetRegistry, RegistryFile
from .search.request import make_request, validate

__all__ = ["INDEX_ENV", "Index", "check_sources", "default_index_path", "extract_files"]


def _reading(method):
    """Report damage met while reading the index as IndexDamagedError (exit code 6)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with damage_reported(self.path):
            return method(self, *args, **kwargs)

    return wrapper


class Index:
    """A searchkit index on disk. Open with ``Index.open`` or make one with ``Index.create``."""

    def __init__(self, store: Store, config_path: Path | None = None):
        self._store = store
        self._config_path = config_path
        if config_path is not None:
            load_config(config_path, required=True)  # a --config that does not exist fails now
        self._local = threading.local()
        self._contexts: list = []
        self._lock = threading.Lock()
        self._closed = False
        self._registry = RegistryFile(
            lambda: self.path / DECLARED_FACETS_FILE, lambda: read_declared_facets(self.path)
        )

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: str | os.PathLike | None = None, config: str | os.PathLike | None = None
    ) -> Index:
        """Open an existing index; IndexMissingError says how to build one. A location
        ``opensearch+http(s)://host:port/name`` (as ``path``, in ``$SEARCHKIT_INDEX`` or as
        ``location`` in the ``[engine]`` table of searchkit.toml) opens the OpenSearch engine,
        which has the same methods and results."""
        engine = _open_engine(path, config, create=False)
        if engine is not None:
            return engine
        index_dir = _index_folder(path)
        store = Store.open(index_dir)
        return cls(store, Path(config) if config else None)

    @classmethod
    def create(
        cls,
        path: str | os.PathLike | None = None,
        *,
        stemming: bool = True,
        config: str | os.PathLike | None = None,
        overwrite: bool = False,
    ) -> Index:
        """Create an empty index at ``path``. An index already there is refused (its
        documents would be lost) unless ``overwrite`` is true."""
        index_dir = _index_folder(path)
        if (index_dir / SETTINGS_FILE).exists() and not overwrite:
            raise UsageError(
                f"there is already an index at {index_dir}: open it with Index.open, or pass "
                "overwrite=True to replace it"
            )
        _clear_index_files(index_dir)
        return cls(Store.create(index_dir, stemming=stemming), Path(config) if config else None)

    @classmethod
    def open_or_create(
        cls,
        path: str | os.PathLike | None = None,
        *,
        rebuild: bool = False,
        stemming: bool = True,
        config: str | os.PathLike | None = None,
    ) -> Index:
        """Open the index at ``path``, creating it if there is none. With ``rebuild``, an
        index of an incompatible version is replaced instead of refused."""
        engine = _open_engine(path, config, create=True, stemming=stemming)
        if engine is not None:
            return engine
        index_dir = _index_folder(path)
        if not (index_dir / SETTINGS_FILE).exists():
            return cls.create(index_dir, stemming=stemming, config=config, overwrite=True)
        try:
            return cls.open(index_dir, config)
        except SchemaVersionError:
            if not rebuild:
                raise
            return cls.create(index_dir, stemming=stemming, config=config, overwrite=True)
        except IndexMissingError:
            return cls.create(index_dir, stemming=stemming, config=config, overwrite=True)

    @property
    def path(self) -> Path:
        return self._store.path

    def config(self) -> ExtractConfig:
        """The extraction config in force: ``--config``, or searchkit.toml beside the index."""
        return load_config(self._config_path or default_config_path(self.path))

    def registry(self) -> FacetRegistry:
        """The facets of this index: the built-in ones and those declared in searchkit.toml
        when the index was last updated."""
        return self._registry.get()

    def facet_specs(self) -> tuple[model.FacetInfo, ...]:
        """Name, label and kind of every facet of this index, in display order."""
        return tuple(
            model.FacetInfo(s.name, s.label, s.kind, s.filterable, s.default, s.declared)
            for s in self.registry()
        )

    # -- writing ----------------------------------------------------------------------------

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
        missing_ok: bool = False,
    ) -> model.UpdateReport:
        """Index new and changed files under ``paths``; see ``engine.updater``.

        Work is committed every ``batch_size`` documents (default 20,000) or 60 seconds, so an
        interruption loses at most one batch. ``progress(done, total)`` is called per file.
        With ``missing_ok`` and ``prune``, a path that no longer exists has its documents
        removed instead of being an error (how ``searchkit watch`` applies a deletion).
        """
        from .engine.updater import run_update

        return run_update(
            self._store,
            [str(p) for p in paths],
            self.config(),
            prune=prune,
            rebuild=rebuild,
            jobs=jobs,
            lock_timeout=lock_timeout,
            progress=progress,
            batch_size=batch_size,
            missing_ok=missing_ok,
        )

    def optimize(
        self, max_segments: int = 0, *, jobs: int = 0, lock_timeout: float = 0.0
    ) -> model.OptimizeReport:
        """Merge the index's segments down to ``max_segments`` (default 10), in ``jobs``
        worker processes (default: the CPU count); see ``engine.optimize``. Searches keep
        answering from the previous commit meanwhile; an interruption changes nothing."""
        from .engine.optimize import DEFAULT_MAX_SEGMENTS, optimize_store

        with self._store.exclusive(lock_timeout):
            return optimize_store(
                self._store, max_segments or DEFAULT_MAX_SEGMENTS, jobs or os.cpu_count() or 1
            )

    # -- reading ----------------------------------------------------------------------------

    @_reading
    def _context(self):
        """This thread's searcher, reopened when a newer commit exists."""
        if self._closed:
            raise UsageError("the index is closed")
        generation = self._store.generation
        ctx = getattr(self._local, "context", None)
        if ctx is None or getattr(self._local, "generation", None) != generation:
            from .engine.snapshot import Snapshot
            from .search.searcher import SearchContext

            registry = self.registry()
            ctx = SearchContext(Snapshot(self._store, registry), registry)
            with self._lock:
                old = getattr(self._local, "context", None)
                if old is not None:
                    self._contexts.remove(old)
                    old.close()
                self._contexts.append(ctx)
            self._local.context = ctx
            self._local.generation = generation
        return ctx

    @_reading
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
        """Ranked hits for ``query`` plus facet counts over all matching documents.

        ``filters`` maps a facet (actor, country, source_type, source, language, or a facet
        declared in searchkit.toml) to the values to keep: OR within a facet, AND across
        facets. ``facets`` names the facets to count (default: the index's default facets).
        ``since``/``until`` take YYYY, YYYY-MM or YYYY-MM-DD. ``raw`` turns off the safe
        query mode; ``match="any"`` ranks documents with any of the words instead of
        requiring all of them; ``snippets=False`` skips building snippets, for callers that
        only need ids and scores.
        """
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
        ctx = self._context()
        return ctx.search(validate(request, ctx.registry))

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
        """Facet counts over the whole index, or over the documents matching ``query``
        (every facet of the index unless ``facets`` names some)."""
        return self.search(
            query,
            filters=filters,
            facets=self.registry().names if facets is None else facets,
            limit=0,
            facet_limit=facet_limit,
            date_interval=date_interval,
            **kwargs,
        ).facets

    @_reading
    def get(self, doc_id: str) -> model.Document:
        """The stored document with this id, or of this file path: ``FILE`` for a file of
        one document, ``FILE:N`` (as hits print it) for record N of a JSON Lines file."""
        return self._context().document(doc_id)

    def documents(self) -> Iterator[model.Document]:
        """Every document of the index, in index order (a snapshot: later commits are not
        seen). Actors are as stored; ``actor_merges`` gives the surname merges searches
        apply."""
        with damage_reported(self.path):
            yield from self._context().snapshot.documents()

    @_reading
    def actor_merges(self) -> dict[str, str]:
        """Surname-only actors -> the one full name they are merged with in facets and hits."""
        return dict(self._context().table.actor_names)

    def export_opensearch(self, out_dir: str | os.PathLike, index_name: str = "news") -> list[Path]:
        """Write ``mapping.json`` (the create-index body) and the documents as ``_bulk``
        request bodies ``bulk-0001.ndjson``, ... (at most 10 MB each) into ``out_dir``;
        returns the files written. See ``searchkit.export`` and docs/SCALING.md."""
        from .export import write_export

        return write_export(self, self._store.settings, Path(out_dir), index_name)

    @_reading
    def similar(self, doc_id: str, limit: int = 10) -> tuple[model.Hit, ...]:
        """Documents most like the given one (shared distinctive terms)."""
        return tuple(self._context().similar(doc_id, limit))

    @_reading
    def stats(self, facet_limit: int = 5) -> model.IndexStats:
        """Document count, size on disk, last update and the top values of each facet."""
        ctx = self._context()
        facets = self.facets(facet_limit=facet_limit, date_interval="year")
        return model.IndexStats(
            path=str(self.path),
            documents=ctx.snapshot.document_count(),
            size_bytes=self._store.size_bytes(),
            segments=ctx.snapshot.segment_count(),
            last_update=self._store.last_update(),
            schema_version=self._store.settings.schema_version,
            facets=facets,
        )

    @classmethod
    def check(
        cls,
        path: str | os.PathLike | None = None,
        *,
        repair: bool = False,
        config: str | os.PathLike | None = None,
        jobs: int = 0,
    ) -> model.CheckReport:
        """Verify the index reads end to end; with ``repair``, bring it back to its newest
        good commit or rebuild it from the source files it knows. Works on an index that
        ``open`` refuses."""
        from .engine.check import check_index
        from .opensearch.location import is_opensearch_location

        if is_opensearch_location(index_location(path, config)):
            raise UsageError(
                "check reads an index folder; an OpenSearch cluster checks its own indexes "
                "(GET _cluster/health)"
            )
        index_dir = _index_folder(path)

        def rebuild(sources: list[str]) -> model.UpdateReport:
            with cls.create(index_dir, config=config, overwrite=True) as fresh:
                return fresh.update(sources, jobs=jobs)

        return check_index(index_dir, repair=repair, rebuild=rebuild)

    # -- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            for ctx in self._contexts:
                ctx.close()
            self._contexts.clear()
            self._closed = True

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def check_sources(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The paths to index, checked before anything is created: a UsageError names the first
    one that does not exist."""
    from .extract.files import check_paths

    return check_paths([str(p) for p in paths])


def extract_files(
    paths: Iterable[str | os.PathLike],
    *,
    index: str | os.PathLike | None = None,
    config: str | os.PathLike | None = None,
):
    """What the index would store for each file under ``paths``, without indexing: one
    extraction (``documents``, ``skipped``) per file, with the config of ``index``."""
    from .extract.files import iter_files
    from .extract.pipeline import extract_file

    config_path = Path(config) if config else default_config_path(_index_dir(index))
    extract_config = load_config(config_path, required=config is not None)
    for source in iter_files(check_sources(paths)):
        yield extract_file(source.path, extract_config, id_key=source.id_key())
