"""Reliability figures in one command: crash trials, concurrent readers and writers, faults,
bad inputs and fuzzed queries, and what was lost (the goal is nothing).

    python bench/reliability.py [--trials 20] [--queries 5000] [--seconds 20]

Crash trials kill `searchkit index` with SIGKILL at random moments (tests/crash_harness.py):
after each kill the index must pass `check`, hold only complete committed files, and a rerun
must end identical to a clean build. Concurrency runs searching processes while one process
indexes in small batches and then rebuilds, plus a second writer that must wait and give up
with exit code 4. Faults and bad inputs run the test modules that inject them. Fuzzed queries
go through the safe mode (must never raise) and the raw mode (only QuerySyntaxError).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from crash_harness import (  # noqa: E402
    clean_build,
    documents_by_file,
    files_as_built,
    kill_trial,
    make_corpus,
    phase_of,
    problems_after_kill,
    run_index,
    snapshot,
)
from searchkit import Index  # noqa: E402
from searchkit.errors import QuerySyntaxError  # noqa: E402

SYNTAX = [
    '"',
    "(",
    ")",
    " AND ",
    " OR ",
    " NOT ",
    "actor:",
    "country:",
    "date:",
    "lang:",
    "type:",
    "title:",
    "foo:",
    "*",
    "?",
    "~",
    "~2",
    "^2",
    "[",
    "]",
    "{",
    "}",
    " TO ",
    "2024",
    "2024-13",
    "-",
    "'",
    ":",
    ".",
    "\\",
    "Macron's",
    "NATO",
    "Київ",
    "\x00",
    "\x1b[31m",
    "\u202e",
    "😀",
    " ",
]


class Tally:
    """What a series of kill trials found: survivors, failures, where the kills landed."""

    def __init__(self) -> None:
        self.trials = self.survived = 0
        self.failures: list = []
        self.phases: Counter = Counter()

    def add(self, phase: str, delay: float, problems: list[str]) -> None:
        self.trials += 1
        self.phases[phase] += 1
        if problems:
            self.failures.append((round(delay, 2), problems))
        else:
            self.survived += 1

    def figures(self) -> dict:
        return {
            "trials": self.trials,
            "survived": self.survived,
            "failures": self.failures,
            "phases": dict(self.phases),
        }


def crash_trials(work: Path, trials: int, seed: int) -> dict:
    # Larger than the test's corpus, so a run lasts long enough for kills to land in
    # extraction, writing, commits and merges alike.
    corpus = make_corpus(work / "corpus", jsonl_files=300, text_files=150)
    clean, seconds = clean_build(work / "clean", corpus)
    expected = documents_by_file(work / "clean")
    rng = random.Random(seed)
    tally = Tally()
    for n in range(trials):
        index_dir = work / f"trial{n}"
        # The clean build pays one-off start-up costs: most trial runs are shorter.
        delay = rng.uniform(0.05, seconds * 0.8)
        trial = kill_trial(index_dir, corpus, delay, expected, clean, classify=True)
        tally.add(trial.phase, trial.delay, trial.problems)
        shutil.rmtree(index_dir)
    return {**tally.figures(), "clean_build_s": round(seconds, 2)}


def _searchkit(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "searchkit", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        start_new_session=True,
    )


def _kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def merge_trials(work: Path, trials: int, seed: int) -> dict:
    """SIGKILL `searchkit optimize` while it merges an index of many segments: the index
    must keep every document, and a second optimize must finish the job."""
    corpus = make_corpus(work / "corpus", jsonl_files=3000, text_files=60)
    base = work / "base"
    proc = run_index(base, corpus)  # --batch-size 40: a segment or two per batch
    _, err = proc.communicate()
    assert proc.returncode == 0, err
    clean = snapshot(base)
    expected = documents_by_file(base)
    with Index.open(base) as index:
        segments_before = index.stats(facet_limit=0).segments
    scratch = work / "timing"
    shutil.copytree(base, scratch)
    started = time.perf_counter()
    _searchkit("--index", str(scratch), "optimize", "--segments", "2").communicate()
    seconds = time.perf_counter() - started
    shutil.rmtree(scratch)
    rng = random.Random(seed)
    tally = Tally()
    for n in range(trials):
        index_dir = work / f"merge{n}"
        shutil.copytree(base, index_dir)
        proc = _searchkit("--index", str(index_dir), "optimize", "--segments", "2")
        delay = rng.uniform(0.05, seconds * 1.1)
        try:
            proc.wait(timeout=delay)
            phase = "finished"
        except subprocess.TimeoutExpired:
            # py-spy pauses it to read its stack; the kill follows at once.
            phase = "committing" if phase_of(proc.pid) == "commit" else "merging"
            _kill(proc)
        problems = problems_after_kill(index_dir, expected)
        again = _searchkit("--index", str(index_dir), "optimize", "--segments", "2")
        _, err = again.communicate()
        if again.returncode != 0:
            problems.append(f"optimize after the kill failed ({again.returncode}): {err[-300:]}")
        elif snapshot(index_dir) != clean:
            problems.append("after optimize the index differs from a clean build")
        with Index.open(index_dir) as index:
            if index.stats(facet_limit=0).segments > 2:
                problems.append("optimize after the kill left more than 2 segments")
        tally.add(phase, delay, problems)
        shutil.rmtree(index_dir)
    return {
        **tally.figures(),
        "segments": segments_before,
        "documents": sum(len(d) for d in expected.values()),
        "merge_s": round(seconds, 2),
    }


def _content(snap: tuple) -> tuple:
    docs, facets = snap
    return sorted(d[2:] for d in docs), facets


def watch_trials(work: Path, trials: int, seed: int) -> dict:
    """SIGKILL `searchkit watch` while it commits a burst of new files: the index must keep
    whole files only, and `searchkit index` afterwards must end as a clean build."""
    corpus = make_corpus(work / "corpus", jsonl_files=60, text_files=20)
    burst = make_corpus(work / "burst", jsonl_files=120, text_files=20)
    full = work / "full"
    shutil.copytree(corpus, full / "corpus")
    shutil.copytree(burst, full / "corpus" / "burst")
    proc = run_index(work / "clean", full / "corpus")
    _, err = proc.communicate()
    assert proc.returncode == 0, err
    clean = snapshot(work / "clean")
    expected = files_as_built(work / "clean", full / "corpus")
    rng = random.Random(seed)
    tally = Tally()
    for n in range(trials):
        folder = work / f"watched{n}"
        shutil.copytree(corpus, folder)
        index_dir = work / f"watch{n}"
        proc = run_index(index_dir, folder)
        proc.communicate()
        watcher = _searchkit("watch", str(folder), "--index", str(index_dir))
        ready = watcher.stdout.readline()  # the first line: the initial pass is done
        shutil.copytree(burst, folder / "burst")
        delay = rng.uniform(0.0, 12.0)
        time.sleep(delay)
        _kill(watcher)
        commits = sum(1 for line in (watcher.stdout.read() or "").splitlines() if line.strip())
        phase = "before the first commit" if commits == 0 else "after a commit"
        problems = [] if ready else ["watch printed nothing before the burst"]
        # Ids and paths name the folder; the rest must be as a clean build has it.
        problems += problems_after_kill(index_dir, expected, folder)
        rerun = run_index(index_dir, folder)
        _, err = rerun.communicate()
        if rerun.returncode != 0:
            problems.append(f"index after the kill failed ({rerun.returncode}): {err[-300:]}")
        elif _content(snapshot(index_dir)) != _content(clean):
            problems.append("after `index` the documents differ from a clean build")
        tally.add(phase, delay, problems)
        shutil.rmtree(index_dir)
        shutil.rmtree(folder)
    return tally.figures()


def _reader(index_dir: str, stop_at: float, out) -> None:
    searches = errors = 0
    totals: list[tuple[float, int]] = []
    while time.monotonic() < stop_at:
        try:
            with Index.open(index_dir) as index:
                total = index.search("*", facets=("country",)).total
                totals.append((time.monotonic(), total))
            searches += 1
        except Exception as exc:  # counted and reported: a reader must never fail
            errors += 1
            out.put(("error", repr(exc)))
        time.sleep(0.01)
    out.put(("done", searches, errors, totals))


def concurrency(work: Path, readers: int, seconds: float) -> dict:
    corpus = make_corpus(work / "corpus", jsonl_files=150, text_files=20)
    index_dir = work / "ix"
    with Index.create(index_dir):
        pass
    results: multiprocessing.Queue = multiprocessing.Queue()
    stop_at = time.monotonic() + seconds
    procs = [
        multiprocessing.Process(target=_reader, args=(str(index_dir), stop_at, results))
        for _ in range(readers)
    ]
    for p in procs:
        p.start()
    writers = lock_refusals = 0
    writer = run_index(index_dir, corpus)
    time.sleep(0.5)
    second = subprocess.run(
        [
            sys.executable,
            "-m",
            "searchkit",
            "--index",
            str(index_dir),
            "index",
            str(corpus),
            "--lock-timeout",
            "0.5",
        ],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    lock_refusals += second.returncode == 4 or writer.poll() is not None
    writer.wait()
    first_done = time.monotonic()
    writers += 1
    while time.monotonic() < stop_at - 1:
        rebuild = run_index(index_dir, corpus, "--rebuild")
        rebuild.wait()
        writers += 1
    for p in procs:
        p.join()
    searches = errors = 0
    messages, observed = [], set()
    while not results.empty():
        item = results.get()
        if item[0] == "error":
            messages.append(item[1])
        else:
            searches += item[1]
            errors += item[2]
            observed.update(item[3])
    with Index.open(index_dir) as index:
        final = index.search("*").total
    # Never more than the corpus; and once the first update is done, the rebuilds of the same
    # files must never show anything but the complete index.
    inconsistent = sorted(
        {t for at, t in observed if t > final or (at > first_done and t != final)}
    )
    return {
        "readers": readers,
        "searches": searches,
        "reader_errors": errors,
        "writer_runs": writers,
        "second_writer_refused": bool(lock_refusals),
        "totals_seen": len({t for _, t in observed}),
        "inconsistent": inconsistent,
        "messages": messages[:3],
    }


def fuzz_queries(index_dir: Path, count: int, seed: int) -> dict:
    rng = random.Random(seed)
    safe_failures, raw_unexpected, raw_refused, slowest = [], [], 0, 0.0
    with Index.open(index_dir) as index:
        for _ in range(count):
            if rng.random() < 0.5:
                text = "".join(rng.choice(SYNTAX) for _ in range(rng.randint(1, 12)))
            else:
                text = "".join(chr(rng.randint(1, 0x2FFFF)) for _ in range(rng.randint(1, 30)))
                text = text.encode("utf-8", "replace").decode("utf-8", "replace")
            started = time.perf_counter()
            try:
                index.search(text, limit=3)
            except QuerySyntaxError:
                pass  # a documented refusal (query length/terms), not a failure
            except Exception as exc:
                safe_failures.append((text, repr(exc)))
            slowest = max(slowest, time.perf_counter() - started)
            try:
                index.search(text, raw=True, limit=3)
            except QuerySyntaxError:
                raw_refused += 1
            except Exception as exc:
                raw_unexpected.append((text, repr(exc)))
    return {
        "queries": count,
        "safe_failures": safe_failures[:5],
        "safe_failure_count": len(safe_failures),
        "raw_refused": raw_refused,
        "raw_unexpected": len(raw_unexpected),
        "slowest_ms": round(slowest * 1000, 1),
    }


def pytest_counts(*modules: str) -> dict:
    """Run test modules that inject faults or feed bad inputs; return pass/fail counts."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            *[str(ROOT / "tests" / m) for m in modules],
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr
    return {"modules": modules, "summary": summary, "ok": proc.returncode == 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20, help="kills of `index`")
    parser.add_argument(
        "--merge-trials", type=int, default=-1, help="kills of `optimize` (default: trials/4)"
    )
    parser.add_argument(
        "--watch-trials", type=int, default=-1, help="kills of `watch` (default: trials/4)"
    )
    parser.add_argument("--queries", type=int, default=5000)
    parser.add_argument("--readers", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="searchkit-reliability-") as tmp:
        work = Path(tmp)
        crash = crash_trials(work / "crash", args.trials, args.seed)
        quarter = max(1, args.trials // 4)
        merges = merge_trials(
            work / "merge", quarter if args.merge_trials < 0 else args.merge_trials, args.seed
        )
        watches = watch_trials(
            work / "watch", quarter if args.watch_trials < 0 else args.watch_trials, args.seed
        )
        conc = concurrency(work / "concurrency", args.readers, args.seconds)
        with Index.create(work / "seeds") as index:
            index.update([ROOT / "seeds"], jobs=1)
        fuzz = fuzz_queries(work / "seeds", args.queries, args.seed)
    faults = pytest_counts("test_faults.py", "test_rebuild.py", "test_check.py")
    bad = pytest_counts("test_bad_input.py")
    hostile = pytest_counts("test_hostile_queries.py")
    lost = len(crash["failures"]) + conc["reader_errors"] + len(conc["inconsistent"])
    lost += len(merges["failures"]) + len(watches["failures"])
    print("| what | figure |")
    print("|---|---|")
    print(
        f"| crash trials (SIGKILL at random moments) | {crash['survived']}/{crash['trials']} "
        f"survived (clean build {crash['clean_build_s']} s); killed during: "
        + ", ".join(f"{k} {v}" for k, v in sorted(crash["phases"].items()))
        + " |"
    )
    print(
        f"| kills of `optimize` merging {merges['documents']} documents in "
        f"{merges['segments']} segments into 2 ({merges['merge_s']} s) | "
        f"{merges['survived']}/{merges['trials']} survived; killed during: "
        + ", ".join(f"{k} {v}" for k, v in sorted(merges["phases"].items()))
        + " |"
    )
    print(
        f"| kills of `watch` committing a burst of new files | "
        f"{watches['survived']}/{watches['trials']} survived; killed: "
        + ", ".join(f"{k} {v}" for k, v in sorted(watches["phases"].items()))
        + " |"
    )
    print(
        f"| concurrent readers | {conc['readers']} processes, {conc['searches']} searches, "
        f"{conc['reader_errors']} errors, {len(conc['inconsistent'])} inconsistent totals |"
    )
    print(
        f"| writers | {conc['writer_runs']} runs (1 update + rebuilds); second writer refused "
        f"after --lock-timeout: {conc['second_writer_refused']} |"
    )
    print(
        f"| faults injected (disk full, read-only, lock holder killed, damaged commits, "
        f"interrupted rebuild) | {faults['summary']} |"
    )
    print(f"| bad inputs | {bad['summary']} |")
    print(
        f"| hostile queries (hypothesis properties, pathological queries, output safety) | "
        f"{hostile['summary']} |"
    )
    print(
        f"| fuzzed queries (safe and raw mode) | {fuzz['queries']} queries: "
        f"{fuzz['safe_failure_count']} safe-mode failures, {fuzz['raw_unexpected']} raw-mode "
        f"errors other than QuerySyntaxError, slowest {fuzz['slowest_ms']} ms |"
    )
    print(f"| lost | {lost} |")
    failures = crash["failures"] + merges["failures"] + watches["failures"]
    for failure in failures + fuzz["safe_failures"] + conc["messages"]:
        print("  failure:", failure)
    print(
        f"\ncommand: python bench/reliability.py --trials {args.trials} --merge-trials "
        f"{merges['trials']} --watch-trials {watches['trials']} --queries "
        f"{args.queries} --readers {args.readers} --seconds {args.seconds}"
    )
    return 0 if lost == 0 and not fuzz["safe_failure_count"] else 1


if __name__ == "__main__":
    sys.exit(main())
