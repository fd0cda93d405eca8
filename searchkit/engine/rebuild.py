"""`index --rebuild`: build a new index beside the current one, then swap it in at once.

The new index is an ordinary searchkit index in ``<index>/.rebuild``, written in batches like
any update, so a crash or Ctrl-C loses at most one batch and rerunning the same rebuild
carries on from its last commit. Only when it is complete are its segment files moved into
the index directory and a new table of contents written over the old one (an atomic
rename): searches answer from the previous index until that moment, never from a mixture.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import replace
from pathlib import Path

from ..config import ExtractConfig
from ..errors import SearchkitError
from ..model import UpdateReport
from .manifest import load_manifest, save_manifest
from .store import Store, write_declared_facets
from .whoosh_internals import delete_unreferenced, is_segment_file, move_commit

REBUILD_DIR = ".rebuild"
PLAN_FILE = "rebuild.json"


def _side_store(store: Store, plan: dict) -> Store:
    """The side index of an unfinished rebuild of the same paths, or a fresh one."""
    side = store.path / REBUILD_DIR
    try:
        if json.loads((side / PLAN_FILE).read_text(encoding="utf-8")) == plan:
            resumed = Store.open(side)
            resumed.ix.reader().close()  # every segment of its last commit opens
            return resumed
    except (OSError, ValueError, SearchkitError, Exception):
        pass  # unreadable or for other paths: start again
    shutil.rmtree(side, ignore_errors=True)
    fresh = Store.create(side, stemming=store.settings.stemming)
    (side / PLAN_FILE).write_text(json.dumps(plan), encoding="utf-8")
    return fresh


def _swap_in(store: Store, side: Store) -> None:
    """Move the side index's segments in and make them the current commit."""
    for name in os.listdir(side.path):
        if is_segment_file(name):
            os.replace(side.path / name, store.path / name)
    toc = move_commit(str(side.path), str(store.path), store.ix.latest_generation() + 1)
    store.sync()
    manifest = load_manifest(side.path)
    manifest.generation = toc.generation
    save_manifest(store.path, manifest)
    delete_unreferenced(str(store.path), toc)
    shutil.rmtree(side.path, ignore_errors=True)


def rebuild_beside(store: Store, roots: list[Path], config: ExtractConfig, options, update):
    """Rebuild into a side index with ``update(side, roots, config, options)`` (the
    updater's ``update_store``, passed in so the two modules do not import each other),
    then swap it in."""
    plan = {"roots": sorted(str(r) for r in roots), "config": config.fingerprint()}
    before = {i for e in load_manifest(store.path).values() for i in e.doc_ids}
    side = _side_store(store, plan)
    report = update(side, roots, config, replace(options, prune=True))
    if report.interrupted:
        return report
    after = {i for e in load_manifest(side.path).values() for i in e.doc_ids}
    _swap_in(store, side)
    write_declared_facets(store.path, config.facets)
    return UpdateReport(
        added=len(after - before),
        updated=len(after & before),
        unchanged=0,
        removed=len(before - after),
        skipped=report.skipped,
        took_ms=round((time.perf_counter() - options.started) * 1000, 1),
    )
