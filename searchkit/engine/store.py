"""The index directory: opening and creating it, the write lock, durable commits, and the
mapping between our Documents and Whoosh's stored fields."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import pickle
import stat
import struct
import time
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from ..errors import (
    IndexDamagedError,
    IndexIOError,
    IndexLockedError,
    IndexMissingError,
    SearchkitError,
)
from ..model import Document, Mention
from ..registry import (
    BUILT_IN,
    DATE,
    DEFAULT_REGISTRY,
    EXACT,
    MULTI,
    NAMES,
    DeclaredFacet,
    FacetRegistry,
)
from .analysis import language_field
from .schema import IndexSettings, build_schema, read_settings, write_settings
from .whoosh_internals import SearchkitCodec

RUN_LOCK_FILE = "searchkit.lock"
#: The facets declared in searchkit.toml that the index was last updated with.
DECLARED_FACETS_FILE = "facets.json"
WRITER_POOL_MB = 512


def cannot_write(path: Path | str, exc: OSError) -> IndexIOError:
    """The error for a failed write into the index directory."""
    return IndexIOError(
        f"cannot write to the index at {path} ({exc.strerror or exc}): check its "
        "permissions and free space"
    )


#: What Whoosh raises reading a truncated or missing index file: damage, not an I/O fault.
_DAMAGE_ERRORS = (FileNotFoundError, EOFError, struct.error, zlib.error, pickle.UnpicklingError)


@contextlib.contextmanager
def damage_reported(path: Path | str) -> Iterator[None]:
    """Turn what reading a damaged index raises into an IndexDamagedError that says how to
    repair it. A file cut short makes Whoosh fail in many ways (a bad block tag, a wrong
    length, a seek past the end); an error that is none of the known ones counts as damage
    when `check` finds the index unreadable, and is raised as it is otherwise (a bug)."""
    try:
        yield
    except (SearchkitError, PermissionError):
        raise
    except Exception as exc:
        known = isinstance(exc, _DAMAGE_ERRORS) or (
            isinstance(exc, OSError) and exc.errno == errno.EINVAL  # a seek past the end
        )
        if not known and not _check_finds_damage(Path(path)):
            raise
        raise _damaged(path, exc) from None


def _check_finds_damage(path: Path) -> bool:
    from .check import check_index

    try:
        return bool(check_index(path).problems)
    except Exception:
        return True


def _damaged(path: Path | str, exc: BaseException) -> IndexDamagedError:
    if isinstance(exc, OSError) and exc.strerror:
        detail = exc.strerror
        if exc.filename:
            detail = f"{detail}: {os.path.basename(exc.filename)}"
    else:
        detail = f"{type(exc).__name__}: {exc}"
    return IndexDamagedError(
        f"the index at {path} is damaged ({detail}); run `searchkit check --repair`"
    )


class Store:
    """An open searchkit index directory."""

    def __init__(self, path: Path, ix, settings: IndexSettings):
        self.path = path
        self.ix = ix
        self.settings = settings

    @classmethod
    def open(cls, path: Path) -> Store:
        settings = read_settings(path)
        for attempt in range(5):
            try:
                ix = FileStorage(str(path)).open_index()
                break
            except whoosh_index.EmptyIndexError:
                raise IndexMissingError(
                    f"no searchkit index at {path}: run `searchkit index PATH` to build one"
                ) from None
            except FileNotFoundError:
                # A commit elsewhere replaced the table of contents we were about to read.
                if attempt == 4:
                    raise IndexDamagedError(
                        f"the index at {path} keeps changing under us; retry, or run "
                        "`searchkit check`"
                    ) from None
                time.sleep(0.01 * (attempt + 1))
            except Exception as exc:
                raise IndexDamagedError(
                    f"the index at {path} cannot be read ({type(exc).__name__}: {exc}); "
                    "run `searchkit check --repair`"
                ) from None
        return cls(path, ix, settings)

    @classmethod
    def create(cls, path: Path, stemming: bool = True) -> Store:
        """Create an empty index, replacing whatever index files were there."""
        try:
            path.mkdir(parents=True, exist_ok=True)
            settings = IndexSettings(stemming=stemming)
            ix = FileStorage(str(path)).create_index(build_schema(settings))
            # Written last: its presence says the index is complete, so a crash in between
            # leaves no half-made index that `check` would call damaged.
            settings = write_settings(path, settings)
        except OSError as exc:
            raise IndexIOError(f"cannot create an index in {path}: {exc.strerror or exc}") from None
        return cls(path, ix, settings)

    @property
    def generation(self) -> int:
        return self.ix.latest_generation()

    @contextlib.contextmanager
    def exclusive(self, lock_timeout: float) -> Iterator[None]:
        """Hold the index's run lock for a whole update, across its batch commits.

        Whoosh releases its own write lock at every commit, so a second writer could slip in
        between two batches; this flock is held from the first file to the last. The kernel
        releases it when the process dies, so a lock left by a killed writer is never stale.
        """
        try:
            fd = os.open(self.path / RUN_LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise IndexIOError(
                f"cannot write to the index at {self.path} ({exc.strerror}): check its "
                "permissions and free space"
            ) from None
        try:
            deadline = time.monotonic() + lock_timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise IndexLockedError(self._locked_message(lock_timeout)) from None
                    time.sleep(0.1)
            holder = {"pid": os.getpid(), "since": time.strftime("%Y-%m-%d %H:%M:%S")}
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(holder).encode(), 0)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the flock

    def writer(self):
        """A Whoosh writer; call inside ``exclusive`` so nobody else is writing."""
        try:
            # Compound segments: one file each (whoosh_internals.MappedFile says why).
            # 512 MB of posting pool holds a 5,000-article batch without spilling to disk.
            return self.ix.writer(
                timeout=5.0,
                delay=0.1,
                limitmb=WRITER_POOL_MB,
                compound=True,
                codec=SearchkitCodec(),
            )
        except LockError:
            raise IndexLockedError(self._locked_message(5.0)) from None
        except OSError as exc:
            raise cannot_write(self.path, exc) from None

    def _locked_message(self, lock_timeout: float) -> str:
        try:
            holder = json.loads((self.path / RUN_LOCK_FILE).read_text(encoding="utf-8"))
            who = f"process {holder['pid']} (writing since {holder['since']})"
        except (OSError, ValueError, KeyError):
            who = "another process"
        return (
            f"the index at {self.path} is locked by {who}; waited {lock_timeout:g}s. Wait for "
            "it to finish, or raise --lock-timeout"
        )

    def sync(self, names: Iterable[str] | None = None) -> None:
        """fsync the named files of the index (all of them by default) and the directory,
        so a reported commit survives a power cut. A commit names the files it created:
        the ones already there were made durable by the commit that created them."""
        if names is None:
            names = [e.name for e in os.scandir(self.path) if e.is_file()]
        for name in names:
            try:
                fd = os.open(self.path / name, os.O_RDONLY)
            except OSError:
                continue  # gone since (a temporary file, a merged segment)
            try:
                if stat.S_ISREG(os.fstat(fd).st_mode):
                    os.fsync(fd)
            finally:
                os.close(fd)
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def size_bytes(self) -> int:
        return sum(e.stat().st_size for e in os.scandir(self.path) if e.is_file())

    def last_update(self) -> dt.datetime | None:
        tocs = [e for e in os.scandir(self.path) if e.name.endswith(".toc")]
        if not tocs:
            return None
        newest = max(e.stat().st_mtime for e in tocs)
        return dt.datetime.fromtimestamp(newest).replace(microsecond=0)


def document_fields(
    doc: Document, settings: IndexSettings, content_hash: str, mtime: tuple[int, int], config: str
) -> dict:
    """The Whoosh fields of one document."""
    lang = language_field(doc.language) if settings.stemming else "xx"
    published = dt.datetime.combine(doc.published, dt.time()) if doc.published else None
    extra = {
        "record": doc.record,
        "actors": doc.actors,
        "countries": doc.countries,
        "source": doc.source,
        "source_type": doc.source_type,
        "language": doc.language,
        "authors": doc.authors,
        "category": doc.category,
        "cited_sources": doc.cited_sources,
        "evidence": [m.to_dict() for m in doc.evidence],
        "config": config,
        "metadata": doc.metadata,
    }
    fields = {
        "id": doc.id,
        "path": doc.path,
        "url": doc.url,
        "title": doc.title,
        "body": doc.body,
        "extra": json.dumps(extra, ensure_ascii=False),
        "content_hash": content_hash,
        "mtime": mtime,
        f"title_{lang}": doc.title,
        f"body_{lang}": doc.body,
    }
    for spec in BUILT_IN:  # the registry says which fields hold each facet (schema.py)
        values = spec.read(doc)
        if spec.kind == DATE or not values:
            continue
        if spec.kind == MULTI or spec.matched_as != EXACT:
            fields[spec.field] = ",".join(v.replace(",", " ") for v in values)
        else:
            fields[spec.field] = values[0]
        if spec.matched_as == NAMES:
            fields[f"{spec.field}_words"] = "\n".join(values)
    if published:
        fields["published"] = published
        fields["year"] = f"{published:%Y}"
        fields["month"] = f"{published:%Y-%m}"
        fields["day"] = f"{published:%Y-%m-%d}"
    return fields


def stored_document(stored: dict, registry: FacetRegistry = DEFAULT_REGISTRY) -> Document:
    """Rebuild a Document from a hit's stored fields, with the values of the registry's
    declared facets read from its stored metadata."""
    extra = json.loads(stored.get("extra") or "{}")
    published = stored.get("published")
    doc = Document(
        id=stored["id"],
        path=stored["path"],
        record=extra.get("record"),
        title=stored.get("title", ""),
        body=stored.get("body", ""),
        url=stored.get("url", ""),
        published=published.date() if published else None,
        source=extra.get("source", ""),
        source_type=extra.get("source_type", "unknown"),
        language=extra.get("language", "und"),
        actors=tuple(extra.get("actors", ())),
        countries=tuple(extra.get("countries", ())),
        authors=tuple(extra.get("authors", ())),
        category=extra.get("category", ""),
        cited_sources=tuple(extra.get("cited_sources", ())),
        evidence=tuple(Mention(**m) for m in extra.get("evidence", ())),
        metadata=extra.get("metadata") or {},
    )
    doc.facets.update((s.name, s.read(doc)) for s in registry.shown_in_facets)
    return doc


def read_declared_facets(index_dir: Path) -> tuple[DeclaredFacet, ...]:
    """The declared facets the index was last updated with (none for an older index)."""
    try:
        data = json.loads((index_dir / DECLARED_FACETS_FILE).read_text(encoding="utf-8"))
        return tuple(DeclaredFacet(**entry) for entry in data)
    except FileNotFoundError:
        return ()
    except (OSError, ValueError, TypeError) as exc:
        raise IndexDamagedError(
            f"cannot read {index_dir / DECLARED_FACETS_FILE} ({exc}): run "
            "`searchkit index PATH` to write it again"
        ) from None


def write_declared_facets(index_dir: Path, declared: tuple[DeclaredFacet, ...]) -> None:
    tmp = index_dir / (DECLARED_FACETS_FILE + ".tmp")
    payload = [d.to_dict() for d in declared]
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, index_dir / DECLARED_FACETS_FILE)
