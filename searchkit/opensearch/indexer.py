"""Bring an OpenSearch index in step with the files: the same extraction, fed to ``_bulk``.

The manifest (which files are indexed, by size, mtime, content hash and document ids) is
the Whoosh engine's ``FileEntry``, kept in a local state folder, not in the cluster:
deciding that 100,000 files are unchanged then costs 100,000 stat() calls and no request.
It is tagged with the index's uuid, so a deleted and re-created index is never mistaken for
the one it described; when the tag does not match or the file is gone, it is rebuilt from
the documents in the cluster (their paths and ids, without hashes, so every file is sent
again once: documents have stable ids, so that overwrites instead of duplicating).

A file's entry moves only when OpenSearch has acknowledged every one of its documents. A
rejected item (HTTP 200 with ``"errors": true``) is reported per document in the update
report and leaves the file's old entry, so the next run sends the file again; an item
refused for overload (429) is retried with backoff first. A crash or a killed node mid-run
therefore loses nothing: the rerun sends what was not acknowledged, under the same ids.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..config import ExtractConfig
from ..engine.manifest import FileEntry, Manifest
from ..errors import IndexIOError
from ..export import document_source
from ..extract.files import check_paths, iter_files
from ..extract.pipeline import FileExtraction, extract_file
from ..model import SkippedFile, UpdateReport

#: A bulk request is sent at this many bytes or documents, whichever comes first.
BULK_BYTES = 5_000_000
BULK_DOCUMENTS = 2_000
#: Items refused with 429 are sent again this many times, with doubling pauses.
ITEM_RETRIES = 5
#: The manifest is written at least this often (seconds) while a run goes on.
SAVE_SECONDS = 5.0
STATE_ENV = "SEARCHKIT_STATE_DIR"


def state_dir(url: str, index: str) -> Path:
    """The local folder of one index's manifest: $SEARCHKIT_STATE_DIR, else XDG state."""
    base = os.environ.get(STATE_ENV) or os.path.join(
        os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state"), "searchkit"
    )
    host = url.split("://", 1)[1].replace(":", "_").replace("/", "_").strip("[]")
    return Path(base) / "opensearch" / host / index


@dataclass
class _Pending:
    """A file whose documents are in flight: its new entry waits for every acknowledgement."""

    extraction: FileExtraction
    entry: FileEntry
    previous: FileEntry | None
    waiting: int
    failed: bool = False


@dataclass
class _Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[SkippedFile] = field(default_factory=list)


def _extract(args: tuple[str, ExtractConfig, str]) -> FileExtraction:
    path, config, id_key = args
    return extract_file(path, config, id_key=id_key)


class BulkUpdater:
    """One update run: plan from the manifest, extract in workers, send, acknowledge."""

    def __init__(self, client, index: str, uuid: str, stemming: bool, state: Path, registry=None):
        from ..registry import DEFAULT_REGISTRY

        self.client = client
        self.index = index
        self.uuid = uuid
        self.stemming = stemming
        self.registry = registry or DEFAULT_REGISTRY
        self.state = state
        self.manifest = self._load()
        self.counts = _Counts()
        self._actions: list[tuple[dict, dict | None, _Pending | None]] = []
        self._bytes = 0
        self._saved = time.monotonic()

    # -- the manifest -----------------------------------------------------------------------

    @property
    def _manifest_file(self) -> Path:
        return self.state / "manifest.json"

    def _load(self) -> Manifest:
        try:
            data = json.loads(self._manifest_file.read_text(encoding="utf-8"))
            if data.get("index_uuid") == self.uuid:
                files = {p: FileEntry.from_json(e) for p, e in data["files"].items()}
                return Manifest(0, files)
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return self._from_cluster()

    def _from_cluster(self) -> Manifest:
        from opensearchpy.helpers import scan

        manifest = Manifest(0)
        hits = scan(self.client, index=self.index, _source=["id", "path"], size=5000)
        for hit in hits:
            source = hit["_source"]
            entry = manifest.setdefault(source["path"], FileEntry(0, 0, "", [], ""))
            entry.doc_ids.append(source["id"])
        return manifest

    def save(self) -> None:
        payload = {
            "index_uuid": self.uuid,
            "files": {p: e.to_json() for p, e in sorted(self.manifest.items())},
        }
        try:
            self.state.mkdir(parents=True, exist_ok=True)
            tmp = self._manifest_file.with_suffix(".tmp")
            tmp.write_text(json.dumps(payload, separators=(",", ":")), encoding="utf-8")
            os.replace(tmp, self._manifest_file)
        except OSError as exc:
            raise IndexIOError(
                f"cannot write the manifest in {self.state} ({exc.strerror or exc}): "
                f"set {STATE_ENV} to a writable folder"
            ) from None
        self._saved = time.monotonic()

    # -- sending ----------------------------------------------------------------------------

    def _queue(self, action: dict, source: dict | None, pending: _Pending | None) -> None:
        self._actions.append((action, source, pending))
        self._bytes += len(json.dumps(source, ensure_ascii=False)) if source else 64
        if self._bytes >= BULK_BYTES or len(self._actions) >= BULK_DOCUMENTS:
            self.flush()

    def flush(self) -> None:
        """Send the queued actions; retry items refused for overload; acknowledge files."""
        todo = self._actions
        self._actions, self._bytes = [], 0
        for attempt in range(ITEM_RETRIES + 1):
            if not todo:
                break
            body: list[dict] = []
            for action, source, _ in todo:
                body.append(action)
                if source is not None:
                    body.append(source)
            response = self.client.bulk(body=body, index=self.index)
            retry = []
            for (action, source, pending), item in zip(todo, response["items"], strict=True):
                kind, result = next(iter(item.items()))
                status = result.get("status", 500)
                if status == 429 and attempt < ITEM_RETRIES:
                    retry.append((action, source, pending))
                    continue
                ok = status < 300 or (kind == "delete" and status == 404)
                if pending is None:
                    continue
                if not ok:
                    pending.failed = True
                    error = result.get("error") or {}
                    reason = error.get("reason") or error.get("type") or f"HTTP {status}"
                    reason = reason.split(". ", 1)[0][:200]  # the first sentence says it
                    record = source.get("record") if source else None
                    where = pending.extraction.path + (f":{record}" if record is not None else "")
                    self.counts.skipped.append(
                        SkippedFile(
                            where, f"rejected by OpenSearch ({error.get('type', status)}): {reason}"
                        )
                    )
                pending.waiting -= 1
                if pending.waiting == 0:
                    self._acknowledged(pending)
            todo = retry
            if todo:
                time.sleep(0.5 * 2**attempt)
        if time.monotonic() - self._saved > SAVE_SECONDS:
            self.save()

    def _acknowledged(self, pending: _Pending) -> None:
        path = pending.extraction.path
        if pending.failed:
            return  # the old entry stays: the next run sends the file again
        new_ids = len(pending.entry.doc_ids)
        if pending.entry.doc_ids:
            self.manifest[path] = pending.entry
        else:
            self.manifest.pop(path, None)
        if pending.previous is None:
            self.counts.added += new_ids
        else:
            self.counts.updated += new_ids
            self.counts.removed += max(0, len(pending.previous.doc_ids) - new_ids)

    # -- one file ---------------------------------------------------------------------------

    def send_file(self, extraction: FileExtraction, fingerprint: str) -> None:
        self.counts.skipped.extend(extraction.skipped)
        path = extraction.path
        previous = self.manifest.get(path)
        if (
            previous is not None
            and previous.content_hash
            and previous.content_hash == extraction.content_hash
            and previous.config == fingerprint
        ):
            previous.mtime_ns, previous.size = extraction.mtime_ns, extraction.size
            self.counts.unchanged += len(previous.doc_ids)
            return
        new_ids = [doc.id for doc in extraction.documents]
        kept = set(new_ids)
        stale = [i for i in (previous.doc_ids if previous else []) if i not in kept]
        if not new_ids and not stale:
            return
        entry = FileEntry(
            extraction.mtime_ns, extraction.size, extraction.content_hash, new_ids, fingerprint
        )
        pending = _Pending(extraction, entry, previous, len(new_ids) + len(stale))
        for doc in extraction.documents:
            # Facets declared in searchkit.toml are keyword fields of their own name.
            doc.facets.update((s.name, s.read(doc)) for s in self.registry.shown_in_facets)
            source = document_source(doc, self.stemming, None, self.registry)
            self._queue({"index": {"_id": doc.id}}, source, pending)
        for doc_id in stale:
            self._queue({"delete": {"_id": doc_id}}, None, pending)

    def remove_file(self, path: str) -> None:
        entry = self.manifest[path]
        pending = _Pending(FileExtraction(path, (), ()), FileEntry(0, 0, "", []), entry, 0)
        pending.waiting = len(entry.doc_ids)
        if not entry.doc_ids:
            self.manifest.pop(path, None)
            return
        for doc_id in entry.doc_ids:
            self._queue({"delete": {"_id": doc_id}}, None, pending)


def _under(path: str, roots: list[Path]) -> bool:
    return any(path == str(r) or path.startswith(str(r).rstrip(os.sep) + os.sep) for r in roots)


def _extractions(
    paths: list[str], config: ExtractConfig, jobs: int, id_keys: dict[str, str]
) -> Iterator[FileExtraction]:
    """Each file extracted, its document ids hashing its key (``files.SourceFile``), as the
    embedded engine's are, so a document has the same id in both engines."""
    work = [(p, config, id_keys.get(p, "")) for p in paths]
    if jobs <= 1 or len(paths) < 8:
        yield from map(_extract, work)
        return
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap_unordered(_extract, work, chunksize=8)


def run_update(
    updater: BulkUpdater,
    paths: list[str],
    config: ExtractConfig,
    *,
    prune: bool,
    jobs: int,
    progress: Callable[[int, int], None] | None = None,
) -> UpdateReport:
    """Index ``paths`` through ``updater``; see the module docstring."""
    started = time.perf_counter()
    roots = check_paths(paths)
    fingerprint = config.fingerprint()
    counts = updater.counts
    interrupted = False
    try:
        sources = list(iter_files(roots))
        files = [source.path for source in sources]
        id_keys = {source.path: source.id_key() for source in sources}
        seen = set(files)
        to_extract = []
        for path in files:
            entry = updater.manifest.get(path)
            if entry is not None and entry.config == fingerprint:
                try:
                    st = os.stat(path)
                except OSError:
                    st = None
                if st is not None and (st.st_mtime_ns, st.st_size) == (entry.mtime_ns, entry.size):
                    counts.unchanged += len(entry.doc_ids)
                    continue
            to_extract.append(path)
        if prune:
            resolved = [Path(os.path.realpath(r)) for r in roots]
            for path in [p for p in updater.manifest if p not in seen and _under(p, resolved)]:
                updater.remove_file(path)
        jobs = jobs or os.cpu_count() or 1
        extractions = _extractions(to_extract, config, jobs, id_keys)
        for done, extraction in enumerate(extractions, start=1):
            updater.send_file(extraction, fingerprint)
            if progress:
                progress(done, len(to_extract))
        updater.flush()
    except KeyboardInterrupt:
        interrupted = True
    finally:
        updater.save()
    updater.client.indices.refresh(index=updater.index)
    return UpdateReport(
        added=counts.added,
        updated=counts.updated,
        unchanged=counts.unchanged,
        removed=counts.removed,
        skipped=tuple(counts.skipped),
        interrupted=interrupted,
        took_ms=round((time.perf_counter() - started) * 1000, 1),
    )
