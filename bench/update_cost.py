"""What adding 1,000 documents to an existing index costs, stage by stage, and a no-op update.

    python bench/update_cost.py                            # 10,000 documents, against main
    python bench/update_cost.py --docs 100000 --repeat 3
    python bench/update_cost.py --shape files              # one JSON file per document
    python bench/update_cost.py --baseline none            # this checkout only

The base index holds the generated corpus (``shared/tools/gen_corpus.py --docs N --seed 42``,
as ``bench/scale.py`` writes it under ``bench/.cache``): one JSON Lines file, or with
``--shape files`` one JSON file per document in 100 folders (the manifest then has a row
per document). It is built once by this checkout into ``bench/.cache/update-cost-*`` and
reused. Each measurement copies it, flushes the copy to disk (``sync``), then in a fresh
process opens it with ``Index.open`` and times ``update`` with the next 1,000 documents
(the same JSON Lines file, or a folder of 1,000 files); then, in a second fresh process as a
user's next ``searchkit index`` would, an ``update`` of the whole collection (the corpus and
the added documents), which finds nothing to do: the no-op, one stat per file.

The baseline is another commit of searchkit (``--baseline``, default ``main``), extracted
with ``git archive`` into ``bench/.cache`` and measured in the same run on copies of the
same base index, alternately with this checkout, so the shared machine's load falls on
both. The base holds the manifest in both formats (``manifest.sqlite`` and the older
``manifest.json``), each version reading its own.

Stages are the time spent inside the updater's functions, each without the time of the
stages it calls: manifest load (``load_manifest``, and ``manifest_from_index`` when it is
stale), extraction and indexing (``index_files`` and the workers' segment flush: the main
process waits for the workers), the commit itself (``commit_with_segments``: merge
decisions, table of contents), fsync (``Store.sync``), manifest write (``save_manifest``),
facet files (``save_missing_facet_files``); "planning and the rest" is the wall time left
(the folder walk, one stat per file, id keys, deletions). Medians of ``--repeat`` runs, in
ms. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / "bench" / ".cache"
STAGES = (
    ("manifest load", "manifest_load"),
    ("extraction + indexing", "indexing"),
    ("commit (merge, TOC)", "commit"),
    ("fsync", "fsync"),
    ("manifest write", "manifest_write"),
    ("facet files", "facet_files"),
    ("planning and the rest", "rest"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--shape", choices=("jsonl", "files"), default="jsonl")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (0: CPU count)")
    parser.add_argument("--baseline", default="main", help="git commit to compare, or none")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--measure", nargs=2, metavar=("INDEX", "ADDED"), help=argparse.SUPPRESS)
    parser.add_argument("--no-op", type=Path, metavar="CORPUS", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        index_dir, added = Path(args.measure[0]), Path(args.measure[1])
        if args.no_op:
            found = measure_noop(index_dir, [args.no_op, added])
        else:
            found = measure(index_dir, added, args.jobs)
        print(json.dumps(found))
        return
    base, corpus, added = prepared(args.shared, args.docs, args.shape)
    versions = {"this checkout": REPO}
    if args.baseline != "none":
        versions = {f"baseline {args.baseline}": baseline_code(args.baseline), **versions}
    runs: dict[str, list[dict]] = {name: [] for name in versions}
    for _ in range(args.repeat):
        for name, code in versions.items():
            runs[name].append(run_once(code, base, corpus, added, args.jobs))
    report(args, runs)


def prepared(shared: Path, docs: int, shape: str) -> tuple[Path, Path, Path]:
    """The base index (built once), its documents, and the 1,000 documents to add."""
    sys.path.insert(0, str(REPO / "bench"))
    from scale import generated_corpus, split_into_files

    corpus, _queries, added = generated_corpus(shared, CACHE, docs)
    if shape == "files":
        corpus = split_into_files(corpus, CACHE / f"update-cost-files-{docs}")
        added = split_into_files(added, CACHE / f"update-cost-added-files-{docs}")
    base = CACHE / f"update-cost-base-{shape}-{docs}"
    if not (base / ".complete").exists():
        shutil.rmtree(base, ignore_errors=True)
        print(f"building the base index of {docs:,} documents in {base} ...", flush=True)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "searchkit", "--index", str(base), "index", str(corpus)],
            check=True,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
        )
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
        both_manifests(base)
        (base / ".complete").touch()
    return base, corpus, added


def both_manifests(index_dir: Path) -> None:
    """Give the index the table and the older manifest.json, at the same generation."""
    sys.path.insert(0, str(REPO))
    from searchkit.engine.manifest import LEGACY_MANIFEST_FILE, load_manifest, save_manifest

    manifest = load_manifest(index_dir)
    if not (index_dir / "manifest.sqlite").exists():
        save_manifest(index_dir, manifest)  # migrates, removing manifest.json
    legacy = {"generation": manifest.generation}
    legacy["files"] = {p: e.to_json() for p, e in sorted(manifest.items())}
    text = json.dumps(legacy, separators=(",", ":"))
    (index_dir / LEGACY_MANIFEST_FILE).write_text(text, encoding="utf-8")


def baseline_code(ref: str) -> Path:
    """The searchkit package as of ``ref``, extracted once."""
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", ref],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    target = CACHE / f"update-cost-code-{commit}"
    if not (target / "searchkit").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", commit, "searchkit"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def run_once(code: Path, base: Path, corpus: Path, added: Path, jobs: int) -> dict:
    """Copy the base, flush it to disk, and measure in a fresh process running ``code``."""
    work = CACHE / "update-cost-run"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(base, work)
    os.sync()
    env = {**os.environ, "PYTHONPATH": str(code)}
    command = [sys.executable, __file__, "--measure", str(work), str(added), "--jobs", str(jobs)]
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
    found = json.loads(out)
    noop = [*command, "--no-op", str(corpus)]
    out = subprocess.run(noop, check=True, capture_output=True, text=True, env=env)
    found["noop"] = json.loads(out.stdout)["noop"]
    shutil.rmtree(work, ignore_errors=True)
    return found


class Stopwatch:
    """Time spent in wrapped functions, each without the wrapped functions it calls."""

    def __init__(self):
        self.totals: dict[str, float] = {}
        self._stack: list[float] = []

    def wrap(self, owner, name: str, stage: str) -> None:
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            self._stack.append(0.0)
            try:
                return original(*args, **kwargs)
            finally:
                took = time.perf_counter() - started
                nested = self._stack.pop()
                self.totals[stage] = self.totals.get(stage, 0.0) + took - nested
                if self._stack:
                    self._stack[-1] += took

        setattr(owner, name, timed)


def measure(index_dir: Path, added: Path, jobs: int) -> dict:
    """(In the measuring process.) Add the documents, then run the no-op update."""
    import searchkit
    from searchkit import Index
    from searchkit.engine import segments, updater
    from searchkit.engine.store import Store

    watch = Stopwatch()
    for name in ("load_manifest", "manifest_from_index"):
        watch.wrap(updater, name, "manifest_load")
    watch.wrap(updater, "save_manifest", "manifest_write")
    watch.wrap(updater, "save_missing_facet_files", "facet_files")
    watch.wrap(updater, "commit_with_segments", "commit")
    watch.wrap(Store, "sync", "fsync")
    watch.wrap(updater.Updater, "index_files", "indexing")
    watch.wrap(segments.WorkerPool, "flush", "indexing")
    with Index.open(index_dir) as index:
        started = time.perf_counter()
        report = index.update([added], jobs=jobs)
        wall = time.perf_counter() - started
        stages = dict(watch.totals)
        stages["rest"] = wall - sum(stages.values())
    assert report.added > 0, report  # the run itself, not a figure
    return {
        "code": str(Path(searchkit.__file__).parent),
        "added": report.added,
        "wall": wall,
        "stages": stages,
    }


def measure_noop(index_dir: Path, paths: list[Path]) -> dict:
    """(In a second fresh process, as a user's next `searchkit index`.) Nothing to do."""
    from searchkit import Index

    with Index.open(index_dir) as index:
        started = time.perf_counter()
        report = index.update(paths)
        wall = time.perf_counter() - started
    assert report.added == 0, report
    return {"noop": wall}


def report(args, runs: dict[str, list[dict]]) -> None:
    names = list(runs)
    print(
        f"\nadd {runs[names[0]][0]['added']:,} documents to {args.docs:,} ({args.shape}), "
        f"jobs={args.jobs or os.cpu_count()}, median of {args.repeat} runs, ms"
    )
    width = max(len(n) for n in names) + 2
    print(f"{'':26}" + "".join(f"{n:>{width}}" for n in names))

    def row(label: str, values: list[float]) -> None:
        print(f"{label:26}" + "".join(f"{v * 1000:>{width},.0f}" for v in values))

    def median(name: str, pick) -> float:
        return statistics.median(pick(run) for run in runs[name])

    row("wall", [median(n, lambda r: r["wall"]) for n in names])
    spread = [
        f"{min(r['wall'] for r in runs[n]):.1f}-{max(r['wall'] for r in runs[n]):.1f} s"
        for n in names
    ]
    print(f"{'  (wall, min-max)':26}" + "".join(f"{s:>{width}}" for s in spread))
    for label, key in STAGES:
        row(f"  {label}", [median(n, lambda r, k=key: r["stages"].get(k, 0.0)) for n in names])
    row("no-op update", [median(n, lambda r: r["noop"]) for n in names])
    for name in names:
        print(f"{name}: {runs[name][0]['code']}")


if __name__ == "__main__":
    main()
