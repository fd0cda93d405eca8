"""How soon a saved file is searchable under ``searchkit watch``: p50/p95 over many saves.

    python bench/watch_latency.py                          # 2,000 documents, 100 saves
    python bench/watch_latency.py --docs 2000 --docs 20000 --saves 100
    python bench/watch_latency.py --docs 2000 --burst 2000 --modes inotify,polling

For each ``--docs N`` the generated corpus (``shared/tools/gen_corpus.py``, as in
``bench/scale.py``) is written as one JSON file per document in 100 folders and indexed with
the defaults (stemming on, ``--jobs`` = the CPU count), once, under ``bench/.cache``. Then:

- **baseline**: the floor, no watcher: save the file, ``Index.update([file])`` (what a watcher
  does on each change), search until it is found;
- **watch (inotify)** and **watch (polling)**: a ``searchkit watch`` process over the whole
  folder tree; this process saves a file in it (alternately rewritten in place and saved as
  an editor does, a temporary file renamed over it) with a new word each time, then searches
  for the word every 10 ms until it is found. Latency is save -> first search that finds it.
- ``--burst M``: M more documents copied into the watched folder at once; the time until all
  are searchable, beside ``Index.update`` of the same M files into a fresh index (build rate).

Figures are printed, never asserted; the machine is shared, so compare within one run.
Target: p95 <= 2 s for a saved file.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from scale import (  # noqa: E402
    ADDED_DOCS,
    SEED,
    _generate,
    generated_corpus,
    read_jsonl,
    split_into_files,
)

from searchkit import Index  # noqa: E402
from searchkit.engine.manifest import manifest_exists  # noqa: E402

PROBE_WORD = "zqprobe"  # in every saved probe, so searching for it never asks for suggestions
SEARCH_EVERY = 0.01  # seconds between searches while waiting for a save to show
GIVE_UP = 60.0  # seconds: a save not found by then counts as lost
PAUSE = 0.3  # seconds between one save being found and the next save


def token(number: int, run: str) -> str:
    """A word no generated document has, different for every save (letters only, so that
    stemming leaves the search and the document agreeing)."""
    letters = "".join("bcdfghjklm"[int(d)] for d in f"{number:04d}")
    return f"zq{run}{letters}"


def save(path: Path, word: str, atomic: bool) -> None:
    text = f"{PROBE_WORD} {word}\n\nThe probe word {word} was saved for the benchmark.\n"
    if atomic:
        temp = path.with_name(path.name + ".tmp-save")
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, path)
    else:
        path.write_text(text, encoding="utf-8")


def found_after(index: Index, word: str, started: float) -> float | None:
    """Seconds from ``started`` until the probe document searchable has ``word``, or None.

    The loop searches for the word every probe has and reads the hit's title: a search for
    a word the index does not know yet would compute spelling suggestions (about 0.3 s at
    20,000 documents), burning a core beside the watcher and coarsening the measurement.
    The word itself is searched for once it shows."""
    while time.perf_counter() - started < GIVE_UP:
        hits = index.search(PROBE_WORD, limit=1, facets=(), snippets=False).hits
        if hits and word in hits[0].title:
            took = time.perf_counter() - started
            assert index.search(word, limit=0, facets=()).total == 1, word
            return took
        time.sleep(SEARCH_EVERY)
    return None


def measure_saves(index: Index, probe: Path, saves: int, run: str, commit: Callable | None):
    """Latencies in seconds of ``saves`` saves of ``probe``; ``commit`` indexes it (the
    baseline), or None when a watcher does."""
    latencies, lost = [], 0
    for i in range(saves):
        word = token(i, run)
        started = time.perf_counter()
        save(probe, word, atomic=i % 2 == 1)
        if commit is not None:
            commit()
        took = found_after(index, word, started)
        if took is None:
            lost += 1
        else:
            latencies.append(took)
        time.sleep(PAUSE)
    return latencies, lost


class WatchProcess:
    """``searchkit watch`` in its own process; its commit lines are collected."""

    def __init__(self, folder: Path, index_dir: Path, poll: bool, interval: float):
        command = [sys.executable, "-m", "searchkit", "watch", str(folder)]
        command += ["--index", str(index_dir), "--interval", str(interval)]
        command += ["--poll"] if poll else []
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, text=True, cwd=REPO, env=_env()
        )
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.first_line = self.lines.get(timeout=3600)
        self.ready_after = time.perf_counter() - self.started

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(600)


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def percentiles(values: list[float]) -> str:
    if not values:
        return "no saves found"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    return (
        f"p50 {statistics.median(ordered):.2f} s, p95 {p95:.2f} s, max {ordered[-1]:.2f} s "
        f"({len(values)} saves)"
    )


def prepared(shared: Path, cache: Path, docs: int) -> tuple[Path, Path]:
    """The folder of ``docs`` generated documents and its index (built once)."""
    corpus, _queries, _added = generated_corpus(shared, cache, docs)
    folder = split_into_files(corpus, cache / f"watch-files-{docs}")
    index_dir = cache / f"watch-index-{docs}"
    if not manifest_exists(index_dir):
        shutil.rmtree(index_dir, ignore_errors=True)
        started = time.perf_counter()
        with Index.create(index_dir) as index:
            report = index.update([folder])
        took = time.perf_counter() - started
        print(f"  built the index of {report.added:,} documents in {took:.0f} s", flush=True)
    return folder, index_dir


def burst(folder: Path, index: Index, docs: int, count: int, shared: Path, cache: Path) -> None:
    """Copy ``count`` new documents into the watched folder; time until all are searchable,
    and the build rate of the same files into a fresh index."""
    generated = cache / f"burst-{docs}-{count}-seed{SEED}.jsonl"
    if not generated.exists():
        _generate(shared, generated, count, start=docs + ADDED_DOCS)
    staging = cache / f"burst-{count}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for n, doc in enumerate(read_jsonl(generated)):
        (staging / f"{n:05d}.json").write_text(json.dumps(doc), encoding="utf-8")
    fresh = cache / "burst-fresh-index"
    shutil.rmtree(fresh, ignore_errors=True)
    started = time.perf_counter()
    with Index.create(fresh) as scratch:
        scratch.update([staging])
    build = time.perf_counter() - started
    shutil.rmtree(fresh)
    target = folder / "burst"
    shutil.rmtree(target, ignore_errors=True)
    before = index.search("", limit=0, facets=()).total
    started = time.perf_counter()
    shutil.copytree(staging, target)
    copied = time.perf_counter() - started
    while index.search("", limit=0, facets=()).total < before + count:
        if time.perf_counter() - started > 3600:
            break
        time.sleep(0.2)  # counting every document: cheap, but not free
    took = time.perf_counter() - started
    print(
        f"  burst: {count:,} files copied in {copied:.1f} s, all searchable after {took:.1f} s "
        f"({count / took:,.0f} documents/s); `Index.update` of the same files into a fresh "
        f"index: {build:.1f} s ({count / build:,.0f} documents/s)",
        flush=True,
    )
    shutil.rmtree(target)
    shutil.rmtree(staging)


def run(docs: int, args: argparse.Namespace) -> None:
    cache = REPO / "bench" / ".cache"
    cache.mkdir(parents=True, exist_ok=True)
    print(f"\n{docs:,} documents", flush=True)
    folder, index_dir = prepared(args.shared, cache, docs)
    probe_folder = folder / "zz-probe"
    probe_folder.mkdir(exist_ok=True)
    probe = probe_folder / "probe.txt"
    with Index.open(index_dir) as index:
        if args.baseline_saves:

            def commit() -> None:
                index.update([probe], jobs=1, lock_timeout=600)

            latencies, lost = measure_saves(index, probe, args.baseline_saves, "a", commit)
            print(f"  baseline (Index.update per save): {percentiles(latencies)}", flush=True)
        for mode in args.modes:
            watcher = WatchProcess(folder, index_dir, mode == "polling", args.interval)
            print(
                f"  watch ({mode}) ready after {watcher.ready_after:.1f} s: {watcher.first_line}",
                flush=True,
            )
            run_name = "b" if mode == "inotify" else "c"
            latencies, lost = measure_saves(index, probe, args.saves, run_name, None)
            lost_text = f", {lost} not found within {GIVE_UP:g} s" if lost else ""
            print(f"  watch ({mode}): {percentiles(latencies)}{lost_text}", flush=True)
            if args.burst and mode == "inotify":
                burst(folder, index, docs, args.burst, args.shared, cache)
            code = watcher.stop()
            print(f"  watch ({mode}) exit code after Ctrl-C: {code}", flush=True)
    shutil.rmtree(probe_folder)
    with Index.open(index_dir) as index:
        index.update([folder], prune=True)  # the probe and burst files leave the index


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, action="append", help="corpus sizes (default 2000)")
    parser.add_argument("--saves", type=int, default=100, help="saves per watch mode")
    parser.add_argument("--baseline-saves", type=int, default=20, help="saves for the baseline")
    parser.add_argument("--modes", default="inotify", help="inotify, polling, or both")
    parser.add_argument("--interval", type=float, default=1.0, help="--interval for polling")
    parser.add_argument("--burst", type=int, default=0, help="documents copied in at once")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args(argv)
    args.docs = args.docs or [2000]
    args.modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    if not (args.shared / "tools" / "gen_corpus.py").exists():
        print(f"skipped: no corpus generator at {args.shared}/tools/gen_corpus.py")
        return
    print(f"python {' '.join(sys.argv)}  (cpus: {os.cpu_count()})")
    for docs in args.docs:
        run(docs, args)


if __name__ == "__main__":
    main()
