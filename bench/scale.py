"""searchkit at scale, beside SQLite FTS5 and a naive Whoosh index, all built in the same run.

    python bench/scale.py                         # 10,000 generated documents, then BBC
    python bench/scale.py --docs 100000           # the 100,000-document run
    python bench/scale.py --docs 10000 --no-naive # skip the (slow) naive Whoosh baseline

The corpus is ``shared/tools/gen_corpus.py --docs N --seed 42`` with its 200 queries (words
plus an optional country or date-range filter), written once under ``bench/.cache``, both as
one JSON Lines file and as one JSON file per document in nested folders (100 folders). Its
documents carry explicit actors, countries, date, source type and language, so this measures
the engine, not extraction; the next 1,000 documents (``--start N``) are the addition.

Engines, each on the same documents and queries:

- **searchkit**, through its Python API (``Index``) on the JSON Lines file, and through its CLI
  on the folder tree (a user's ``searchkit index`` and ``searchkit search --json``). Built
  ``--no-stemming``, so that words match as FTS5 matches them.
- **naive Whoosh**: a default schema, one process, one commit, ``groupedby`` facets.
- **SQLite FTS5** (``bench/fts5_baseline.py``): bm25() ranking, facets by GROUP BY.

Figures: build documents/s, wall and CPU time, peak RSS of the building processes, size on
disk; warm p50/p95 of the top 10 alone, and of the top 10 plus the counts of all five facets
over every match with the query's filter (multi-select: a facet's own filter is left out of
its counts); a cold ``searchkit search --json`` process with facets and its peak RSS; the
searching process's peak RSS; adding 1,000 documents and committing; a no-op ``searchkit
index`` over the unchanged folder tree. searchkit and FTS5 must agree on the total and on
every facet count of every query; any difference is printed. The BBC articles
(``shared/data/bbc_news``) go through the full pipeline with ``--jobs``, with a per-stage
breakdown from ``bench/pipeline_stages.py``. Figures are printed, never asserted; compare
ratios from one run, because the machine is shared.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import multiprocessing
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

SEED = 42
ADDED_DOCS = 1000
WARMUP_PASSES = 1
CLI_RUNS = 5
FOLDERS = 100
FACETS = ("actor", "country", "date", "source_type", "language")
NAIVE_FACETS = ("actor", "country", "source_type", "language", "date")


@dataclass(frozen=True)
class BenchQuery:
    """One benchmark query: words plus the filter the query set gives it."""

    text: str
    country: str | None = None
    since: str | None = None
    until: str | None = None

    def searchkit_options(self) -> dict:
        options: dict = {}
        if self.country:
            options["filters"] = {"country": [self.country]}
        if self.since or self.until:
            options["since"], options["until"] = self.since, self.until
        return options

    def cli_options(self) -> list[str]:
        options = ["--country", self.country] if self.country else []
        options += ["--since", self.since] if self.since else []
        return options + (["--until", self.until] if self.until else [])


@dataclass(frozen=True)
class BuildFigures:
    documents: int
    seconds: float
    cpu_seconds: float  # this process and its workers: steadier than wall time under load
    size_mb: float
    rss_mb: float
    children_rss_mb: float = 0.0

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Latency:
    p50: float
    p95: float

    @classmethod
    def of(cls, millis: Sequence[float]) -> Latency:
        if len(millis) < 2:
            return cls(millis[0], millis[0])
        return cls(statistics.median(millis), statistics.quantiles(millis, n=20)[-1])


@dataclass(frozen=True)
class SearchFigures:
    top10: Latency
    faceted: Latency
    first_ms: float  # the first search after opening, with its one-off set-up
    rss_mb: float = 0.0  # peak RSS of the searching process
    snippets: Latency | None = None  # top 10 with snippets (searchkit only)
    open_files: int = 0  # file descriptors the open index holds (searchkit only)
    private_mb: float = 0.0  # resident anonymous memory at the end (RssAnon)
    mapped_mb: float = 0.0  # resident pages of mapped files at the end (RssFile)


@dataclass
class Column:
    """One engine's figures, as printed."""

    cells: dict[str, str] = field(default_factory=dict)

    def put(self, row: str, value: float | str | None, digits: int = 1) -> None:
        if value is None:
            return
        self.cells[row] = value if isinstance(value, str) else f"{value:,.{digits}f}"


# ---- corpora ------------------------------------------------------------------------------


def _generate(shared: Path, out: Path, docs: int, start: int = 0, queries: Path | None = None):
    command = [
        sys.executable,
        str(shared / "tools" / "gen_corpus.py"),
        "--docs",
        str(docs),
        "--seed",
        str(SEED),
        "--start",
        str(start),
        "--out",
        str(out.with_suffix(".tmp")),
    ]
    if queries is not None:
        command += ["--queries", str(queries.with_suffix(".tmp"))]
    subprocess.run(command, check=True)
    if queries is not None:
        os.replace(queries.with_suffix(".tmp"), queries)
    os.replace(out.with_suffix(".tmp"), out)


def generated_corpus(shared: Path, cache: Path, docs: int) -> tuple[Path, Path, Path]:
    """The corpus, its queries, and the next ADDED_DOCS documents, generated once."""
    corpus = cache / f"corpus-{docs}-seed{SEED}.jsonl"
    queries = cache / f"queries-{docs}-seed{SEED}.jsonl"
    added = cache / f"added-{docs}-{ADDED_DOCS}-seed{SEED}.jsonl"
    if not (corpus.exists() and queries.exists()):
        print(f"generating {docs:,} documents into {corpus} ...", flush=True)
        _generate(shared, corpus, docs, queries=queries)
    if not added.exists():
        _generate(shared, added, ADDED_DOCS, start=docs)
    return corpus, queries, added


def read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def split_into_files(corpus: Path, folder: Path) -> Path:
    """One JSON file per document, in FOLDERS nested folders (the "folder of articles")."""
    done = folder / ".complete"
    if done.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    for n, doc in enumerate(read_jsonl(corpus)):
        target = folder / f"{n % FOLDERS:03d}" / f"{doc['id']}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    done.touch()
    return folder


def read_generated_queries(path: Path) -> list[BenchQuery]:
    """gen_corpus queries: {"text", "filter": {"country"} | {"date_from", "date_to"} | null}."""
    queries = []
    for record in read_jsonl(path):
        where = record.get("filter") or {}
        queries.append(
            BenchQuery(
                record["text"], where.get("country"), where.get("date_from"), where.get("date_to")
            )
        )
    return queries


def canonical_source_types(values: set[str]) -> dict[str, str]:
    """What searchkit's own extraction makes of each declared source type ("press_release"
    is "official"; types outside its vocabulary are "unknown"), so that FTS5 counts the same
    values."""
    from searchkit.config import ExtractConfig
    from searchkit.extract.pipeline import extract_file

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "types.jsonl"
        ordered = sorted(values)
        path.write_text(
            "".join(
                json.dumps({"title": "t", "text": "x", "source_type": v}) + "\n" for v in ordered
            )
        )
        docs = extract_file(str(path), ExtractConfig()).documents
    return {value: doc.source_type for value, doc in zip(ordered, docs, strict=True)}


# ---- measuring ----------------------------------------------------------------------------


def fresh_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def _peak_rss() -> tuple[float, float]:
    """Peak RSS in MB of this process and of its largest waited-for child process."""
    per_mb = 2**20 if sys.platform == "darwin" else 2**10  # ru_maxrss: bytes on macOS, else kB
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return own / per_mb, children / per_mb


def _cpu_seconds() -> float:
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def in_own_process(work: Callable, *args):
    """Run ``work`` in a fresh spawned process, so its peak RSS is its own."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(work, *args).result()


def resident_mb() -> tuple[float, float]:
    """This process's resident private memory and mapped-file pages, in MB (Linux)."""
    found = {}
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key in ("RssAnon", "RssFile"):
                    found[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return found.get("RssAnon", 0.0), found.get("RssFile", 0.0)


def time_queries(run: Callable[[BenchQuery], object], queries: Sequence[BenchQuery]):
    """One warm-up pass, then one timed pass: (latencies in ms, results, first call in ms)."""
    started = time.perf_counter()
    run(queries[0])
    first_ms = (time.perf_counter() - started) * 1000
    for _ in range(WARMUP_PASSES):
        for q in queries:
            run(q)
    millis, results = [], []
    for q in queries:
        started = time.perf_counter()
        results.append(run(q))
        millis.append((time.perf_counter() - started) * 1000)
    return millis, results, first_ms


def run_cli(args: list[str], cwd: Path = REPO) -> tuple[float, float, subprocess.CompletedProcess]:
    """A whole ``python -m searchkit`` process: (wall ms, its peak RSS in MB, the result)."""
    ms, rss, _, result = timed_cli(args, cwd)
    return ms, rss, result


def timed_cli(args: list[str], cwd: Path = REPO):
    """A whole ``python -m searchkit`` process: (wall ms, peak RSS in MB, CPU seconds of it
    and its workers, the result).

    A small parent process runs it, so the RSS is the CLI's own (or its largest worker's)
    and not this process's largest child so far."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "ms = (time.perf_counter() - t) * 1000\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "sys.stderr.buffer.write(r.stderr)\n"
        "sys.stdout.buffer.write(r.stdout)\n"
        "print(f'\\n{ms} {u.ru_maxrss / 1024} {u.ru_utime + u.ru_stime} {r.returncode}')\n"
    )
    command = [sys.executable, "-c", probe, sys.executable, "-m", "searchkit", *args]
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    out, _, figures = done.stdout.rstrip("\n").rpartition("\n")
    ms, rss, cpu, code = figures.split()
    result = subprocess.CompletedProcess(args, int(code), out, done.stderr)
    if result.returncode not in (0, 1):  # 1: no hits
        raise RuntimeError(f"searchkit {shlex.join(args)} exited {code}: {done.stderr[-500:]}")
    return float(ms), float(rss), float(cpu), result


# ---- searchkit ----------------------------------------------------------------------------


def build_searchkit(index_dir: str, paths: list[str], jobs: int) -> BuildFigures:
    from searchkit import Index

    started, cpu = time.perf_counter(), _cpu_seconds()
    with Index.create(index_dir, stemming=False) as index:
        report = index.update(paths, jobs=jobs)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    rss, children = _peak_rss()
    if report.skipped:
        print(f"  {len(report.skipped)} skipped, e.g. {report.skipped[0]}")
    return BuildFigures(report.added, seconds, cpu, size_mb(Path(index_dir)), rss, children)


def search_searchkit(index_dir: str, queries: Sequence[BenchQuery]):
    """Timed passes through the API, then one untimed pass for every facet count in full.

    Returns (figures, [(total, {facet: {value: count}})] per query)."""
    from searchkit import Index

    descriptors = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0
    with Index.open(index_dir) as index:

        def top10(q: BenchQuery):
            return index.search(q.text, facets=(), snippets=False, **q.searchkit_options()).total

        def with_snippets(q: BenchQuery):
            return index.search(q.text, facets=(), **q.searchkit_options()).total

        def faceted(q: BenchQuery):
            return index.search(q.text, snippets=False, **q.searchkit_options()).total

        top_ms, _, first_ms = time_queries(top10, queries)
        facet_ms, _, _ = time_queries(faceted, queries)
        snippet_ms, _, _ = time_queries(with_snippets, queries)
        answers = []
        for q in queries:
            results = index.search(
                q.text, limit=0, facet_limit=0, snippets=False, **q.searchkit_options()
            )
            counts = {f.name: {v.value: v.count for v in f.values} for f in results.facets}
            answers.append((results.total, counts))
        if descriptors:
            descriptors = len(os.listdir("/proc/self/fd")) - descriptors
        private, mapped = resident_mb()
    figures = SearchFigures(
        Latency.of(top_ms),
        Latency.of(facet_ms),
        first_ms,
        _peak_rss()[0],
        Latency.of(snippet_ms),
        descriptors,
        private,
        mapped,
    )
    return figures, answers


def add_searchkit(index_dir: str, added: str, jobs: int) -> float:
    from searchkit import Index

    started = time.perf_counter()
    with Index.open(index_dir) as index:
        report = index.update([added], jobs=jobs)
    assert report.added == ADDED_DOCS, report
    return time.perf_counter() - started


def _fts5_docs(path: Path, source_types: dict[str, str]) -> Iterator[dict]:
    for doc in read_jsonl(path):
        yield {**doc, "source_type": source_types.get(doc["source_type"], doc["source_type"])}


def build_fts5(db: str, corpus: str, source_types: dict[str, str]) -> BuildFigures:
    import fts5_baseline

    started, cpu = time.perf_counter(), _cpu_seconds()
    count = fts5_baseline.build(Path(db), _fts5_docs(Path(corpus), source_types))
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    rss, _ = _peak_rss()
    return BuildFigures(count, seconds, cpu, size_mb(Path(db)), rss)


def search_fts5(db: str, queries: Sequence[BenchQuery]):
    import fts5_baseline

    with fts5_baseline.Fts5Searcher(Path(db)) as fts:

        def top10(q: BenchQuery):
            return fts.top10(q.text, q.country, q.since, q.until)

        def faceted(q: BenchQuery):
            return fts.faceted(q.text, q.country, q.since, q.until)

        top_ms, _, first_ms = time_queries(top10, queries)
        facet_ms, answers, _ = time_queries(faceted, queries)
        private, mapped = resident_mb()
    figures = SearchFigures(
        Latency.of(top_ms),
        Latency.of(facet_ms),
        first_ms,
        _peak_rss()[0],
        private_mb=private,
        mapped_mb=mapped,
    )
    return figures, [(a.total, a.facets) for a in answers]


def add_fts5(db: str, added: str, source_types: dict[str, str]) -> float:
    import fts5_baseline

    started = time.perf_counter()
    fts5_baseline.add(Path(db), _fts5_docs(Path(added), source_types))
    return time.perf_counter() - started


# ---- agreement ----------------------------------------------------------------------------


def disagreements(queries, ours, theirs) -> list[str]:
    """Every query where the totals or any facet count differ, one line each."""
    out = []
    for q, (total, facets), (their_total, their_facets) in zip(queries, ours, theirs, strict=True):
        problems = []
        if total != their_total:
            problems.append(f"total {total} vs {their_total}")
        for name in FACETS:
            a, b = facets.get(name, {}), their_facets.get(name, {})
            if a != b:
                keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
                shown = ", ".join(f"{k}: {a.get(k, 0)} vs {b.get(k, 0)}" for k in keys[:3])
                problems.append(f"{name} differs for {len(keys)} values ({shown})")
        if problems:
            out.append(f"{q}: " + "; ".join(problems))
    return out


# ---- the run ------------------------------------------------------------------------------


def stage(label: str, work: Callable, *args):
    """Run one stage of the benchmark, saying what it is and how long it took."""
    print(f"{label} ...", end=" ", flush=True)
    started = time.perf_counter()
    result = work(*args)
    print(f"{time.perf_counter() - started:.0f} s", flush=True)
    return result


def with_derived_rows(figures: dict) -> dict:
    """The figures plus CPU per document and the build rate two idle cores would give: the
    wall-clock rate depends on what else the shared machine ran."""
    out = dict(figures)
    cpu, docs = figures.get("build CPU (s)"), figures.get("documents")
    if cpu and docs:
        per_doc = {e: cpu[e] / docs[e] * 1000 if cpu[e] and docs[e] else None for e in cpu}
        out["build CPU per document (ms)"] = per_doc
        out["build documents/s on 2 idle cores (from CPU)"] = {
            e: 2000 / v if v else None for e, v in per_doc.items()
        }
    return out


def print_table(results: dict[int, dict]) -> None:
    """One row per figure, searchkit beside FTS5 at each corpus size."""
    results = {n: with_derived_rows(r) for n, r in results.items()}
    sizes = sorted(results)
    head = [f"{engine} {n:,}" for n in sizes for engine in ("searchkit", "FTS5")]
    print("| figure | " + " | ".join(head) + " |")
    print("|---|" + "--:|" * len(head))
    rows = list(dict.fromkeys(row for n in sizes for row in results[n]))
    for row in rows:
        cells = []
        for n in sizes:
            for engine in ("searchkit", "FTS5"):
                value = results[n].get(row, {}).get(engine)
                cells.append("-" if value is None else _format(value))
        print(f"| {row} | " + " | ".join(cells) + " |")


def _format(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


def cli_build(index_dir: Path, tree: Path) -> BuildFigures:
    """``searchkit index TREE`` with the defaults a user gets (stemming on, real language
    detection, --jobs = the CPU count), in its own process: wall, CPU of the process and its
    workers, and the largest of their peak RSS."""
    fresh_dir(index_dir)
    ms, rss, cpu, done = timed_cli(["--index", str(index_dir), "index", str(tree), "--json"])
    report = json.loads(done.stdout)
    return BuildFigures(report["added"], ms / 1000, cpu, size_mb(index_dir), rss)


def cached(path: Path, reuse: bool, make: Callable):
    """``make()``'s result, saved as JSON at ``path``; with ``reuse`` a saved one is read
    back instead (a 1,000,000-document build takes most of an hour)."""
    if reuse and path.exists():
        print(f"  reusing {path.name}", flush=True)
        return json.loads(path.read_text(encoding="utf-8"))
    result = make()
    path.write_text(json.dumps(result), encoding="utf-8")
    return result


def segment_count(index_dir: str) -> int:
    from searchkit import Index

    with Index.open(index_dir) as index:
        return index.stats(facet_limit=0).segments


def add_and_remove(index_dir: Path, tree: Path, added: Path) -> float:
    """Seconds for ``searchkit index TREE`` to take in ADDED_DOCS new files; they are then
    removed again (untimed), so that the index can be measured again."""
    add_dir = tree / "added"
    shutil.rmtree(add_dir, ignore_errors=True)
    split_into_files(added, add_dir)
    try:
        ms, _, done = run_cli(["--index", str(index_dir), "index", str(tree), "--json"])
        assert json.loads(done.stdout)["added"] == ADDED_DOCS, done.stdout
    finally:
        shutil.rmtree(add_dir)
        run_cli(["--index", str(index_dir), "index", str(tree), "--prune", "--json"])
    return ms / 1000


def fts5_add_on_copy(db: Path, added: Path, source_types: dict[str, str]) -> float:
    scratch = db.with_name(db.stem + "-adding.sqlite")
    shutil.copyfile(db, scratch)
    try:
        return add_fts5(str(scratch), str(added), source_types)
    finally:
        scratch.unlink()


def watch_latency(tree: Path, index_dir: Path, saves: int) -> list[float]:
    """Save latencies (s) of a probe file under a ``searchkit watch`` of the whole tree."""
    from watch_latency import WatchProcess, measure_saves

    from searchkit import Index

    probe_folder = tree / "zz-probe"
    probe_folder.mkdir(exist_ok=True)
    try:
        with Index.open(index_dir) as index:
            watcher = WatchProcess(tree, index_dir, poll=False, interval=1.0)
            try:
                latencies, lost = measure_saves(index, probe_folder / "p.txt", saves, "s", None)
            finally:
                watcher.stop()
        if lost:
            print(f"  {lost} saves not found within a minute", flush=True)
        return latencies
    finally:
        shutil.rmtree(probe_folder, ignore_errors=True)
        run_cli(["--index", str(index_dir), "index", str(tree), "--prune", "--json"])


def run_generated(args: argparse.Namespace, docs: int) -> dict:
    """Every figure for one corpus size, searchkit beside FTS5, as {row: {engine: value}}."""
    corpus, query_file, added = generated_corpus(args.shared, args.cache, docs)
    queries = read_generated_queries(query_file)
    n = f"{docs:,}"
    tree = stage(
        f"{n}: one file per document", split_into_files, corpus, args.cache / f"files-{docs}"
    )
    source_types = canonical_source_types({d["source_type"] for d in read_jsonl(added)})
    work = args.cache / "scale"
    work.mkdir(exist_ok=True)
    index_dir = work / f"index-{docs}"
    db = work / f"fts5-{docs}.sqlite"

    def build_ours() -> dict:
        return stage(f"{n}: searchkit index (defaults)", cli_build, index_dir, tree).__dict__

    def build_theirs() -> dict:
        for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            path.unlink(missing_ok=True)
        figures = stage(
            f"{n}: FTS5 build", in_own_process, build_fts5, str(db), str(corpus), source_types
        )
        return figures.__dict__

    ours = BuildFigures(**cached(work / f"build-{docs}.json", args.reuse, build_ours))
    theirs = BuildFigures(**cached(work / f"fts5-{docs}.json", args.reuse, build_theirs))
    # A no-op run first: it writes what a newer searchkit keeps beside a reused index.
    noop = [run_cli(["--index", str(index_dir), "index", str(tree), "--json"])[0] / 1000]
    our_search, our_answers = stage(
        f"{n}: {len(queries)} queries through searchkit",
        in_own_process,
        search_searchkit,
        str(index_dir),
        queries,
    )
    fts_search, fts_answers = stage(
        f"{n}: {len(queries)} queries through FTS5", in_own_process, search_fts5, str(db), queries
    )
    faceted_query = next(q for q in queries if q.country)
    cold_args = ["--index", str(index_dir), "search", faceted_query.text]
    cold_args += [*faceted_query.cli_options(), "--json"]
    for name in FACETS:
        cold_args += ["--facet", name]
    cold = [run_cli(cold_args) for _ in range(CLI_RUNS)]
    noop += [
        run_cli(["--index", str(index_dir), "index", str(tree), "--json"])[0] / 1000
        for _ in range(2)
    ]
    add_ours = stage(
        f"{n}: searchkit adds {ADDED_DOCS:,} files", add_and_remove, index_dir, tree, added
    )
    add_theirs = stage(
        f"{n}: FTS5 adds {ADDED_DOCS:,} documents", fts5_add_on_copy, db, added, source_types
    )
    latencies = (
        stage(f"{n}: watch, {args.saves} saves", watch_latency, tree, index_dir, args.saves)
        if args.saves
        else []
    )
    differ = disagreements(queries, our_answers, fts_answers)
    print(
        f"  searchkit vs FTS5: {len(differ)} of {len(queries)} queries differ in a total or a "
        "facet count (searchkit stems words, FTS5 does not)",
        flush=True,
    )
    figures = {
        "documents": (ours.documents, theirs.documents),
        "build documents/s": (ours.docs_per_second, theirs.docs_per_second),
        "build CPU (s)": (ours.cpu_seconds, theirs.cpu_seconds),
        "peak RSS while building (MB)": (
            max(ours.rss_mb, ours.children_rss_mb),
            max(theirs.rss_mb, theirs.children_rss_mb),
        ),
        "index size (MB)": (size_mb(index_dir), size_mb(db)),
        "segments": (segment_count(str(index_dir)), None),
        "open files per searcher": (our_search.open_files, 1),
        "top-10 p50 (ms)": (our_search.top10.p50, fts_search.top10.p50),
        "top-10 p95 (ms)": (our_search.top10.p95, fts_search.top10.p95),
        "faceted p50 (ms)": (our_search.faceted.p50, fts_search.faceted.p50),
        "faceted p95 (ms)": (our_search.faceted.p95, fts_search.faceted.p95),
        "searching RSS, peak (MB)": (our_search.rss_mb, fts_search.rss_mb),
        "searching: private memory (MB)": (our_search.private_mb, fts_search.private_mb),
        "searching: mapped index pages (MB)": (our_search.mapped_mb, fts_search.mapped_mb),
        "cold search --json, 5 facets (ms)": (statistics.median(c[0] for c in cold), None),
        "cold search peak RSS (MB)": (max(c[1] for c in cold), None),
        f"add {ADDED_DOCS:,} documents (s)": (add_ours, add_theirs),
        "no-op update (s)": (statistics.median(noop), None),
        "watch: save to searchable p50 (s)": (
            statistics.median(latencies) if latencies else None,
            None,
        ),
        "watch: save to searchable p95 (s)": (
            statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else None,
            None,
        ),
        "queries that disagree with FTS5": (len(differ), None),
    }
    if args.optimize:
        figures.update(after_optimize(index_dir, queries, cold_args, args.optimize, n))
    return {row: {"searchkit": a, "FTS5": b} for row, (a, b) in figures.items()}


def after_optimize(
    index_dir: Path, queries: Sequence[BenchQuery], cold_args: list[str], bound: int, n: str
) -> dict:
    """``searchkit optimize --segments BOUND`` on the index, then its searches again. The
    index stays optimized: a later --reuse run measures it as it is now."""
    ms, _, done = run_cli(["--index", str(index_dir), "optimize", "--segments", str(bound)])
    print(f"  {done.stdout.strip()}", flush=True)
    search, _ = stage(
        f"{n}: {len(queries)} queries after optimize",
        in_own_process,
        search_searchkit,
        str(index_dir),
        queries,
    )
    cold = [run_cli(cold_args) for _ in range(CLI_RUNS)]
    return {
        f"optimize --segments {bound} (s)": (ms / 1000, None),
        "segments after optimize": (segment_count(str(index_dir)), None),
        "open files per searcher after optimize": (search.open_files, None),
        "top-10 p50 after optimize (ms)": (search.top10.p50, None),
        "faceted p95 after optimize (ms)": (search.faceted.p95, None),
        "searching: private memory after optimize (MB)": (search.private_mb, None),
        "cold search after optimize (ms)": (statistics.median(c[0] for c in cold), None),
    }


def run_bbc(args: argparse.Namespace) -> None:
    """The BBC articles through the full pipeline (real extraction), with the defaults, and
    the per-stage breakdown of the same files in one process."""
    root = args.shared / "data" / "bbc_news" / "bbc"
    folders = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    if not folders:
        print(f"skipping the BBC corpus: {root} not found")
        return
    from pipeline_stages import bbc_files, stage_breakdown
    from pipeline_stages import markdown_table as stage_table

    build = stage(
        "BBC: searchkit index (defaults)", cli_build, args.cache / "scale" / "index-bbc", root
    )
    print(
        f"BBC: {build.documents:,} articles in {build.seconds:.1f} s wall "
        f"({build.docs_per_second:,.0f} documents/s), {build.cpu_seconds:.1f} s CPU, "
        f"peak RSS {build.rss_mb:,.0f} MB"
    )
    files = bbc_files(args.shared)
    stages = stage(
        "BBC: per-stage breakdown, one process",
        in_own_process,
        stage_breakdown,
        files,
        fresh_dir(args.cache / "index-stages-bbc"),
    )
    print(
        f"BBC, {stages.documents:,} articles, one process, CPU ms per document "
        f"(start-up {stages.startup_ms:.0f} ms):"
    )
    print(stage_table(stages))


def generated_stages(args: argparse.Namespace, docs: int, sample: int = 3000) -> None:
    """Where a build's CPU goes on the generated corpus, per stage (bench/pipeline_stages.py
    on the first ``sample`` files of the folder tree, one process, stemming on)."""
    from pipeline_stages import markdown_table as stage_table
    from pipeline_stages import stage_breakdown

    tree = args.cache / f"files-{docs}"
    files = sorted(tree.glob("*/*.json"))[:sample]
    stages = stage(
        f"generated corpus: per-stage breakdown of {len(files):,} files, one process",
        in_own_process,
        stage_breakdown,
        files,
        fresh_dir(args.cache / "index-stages-generated"),
    )
    print(f"generated corpus, CPU ms per document (start-up {stages.startup_ms:.0f} ms):")
    print(stage_table(stages))


PLOTTED = (
    ("build documents/s on 2 idle cores (from CPU)", "build, 2 idle cores (documents/s)"),
    ("peak RSS while building (MB)", "peak RSS building (MB)"),
    ("index size (MB)", "index size (MB)"),
    ("open files per searcher", "open files per searcher"),
    ("top-10 p50 (ms)", "top-10 p50 (ms)"),
    ("faceted p95 (ms)", "faceted p95 (ms)"),
    ("searching: private memory (MB)", "searching: private memory (MB)"),
    ("cold search --json, 5 facets (ms)", "cold CLI search (ms)"),
    (f"add {ADDED_DOCS:,} documents (s)", f"add {ADDED_DOCS:,} documents (s)"),
    ("no-op update (s)", "no-op update (s)"),
    ("watch: save to searchable p95 (s)", "watch: saved to found, p95 (s)"),
    ("segments", "segments"),
)


def plot(results: dict[int, dict], out: Path) -> None:
    """Each figure against N, searchkit beside FTS5, log-log, one small panel each."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    results = {n: with_derived_rows(r) for n, r in results.items()}
    sizes = sorted(results)
    fig, axes = plt.subplots(3, 4, figsize=(16, 10.5))
    for ax, (row, title) in zip(axes.flat, PLOTTED, strict=True):
        for engine, style in (("searchkit", "o-"), ("FTS5", "s--")):
            points = [
                (n, results[n][row][engine])
                for n in sizes
                if results[n].get(row, {}).get(engine) is not None
            ]
            if points:
                ax.plot(*zip(*points, strict=True), style, label=engine)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(title, fontsize=10)
        ax.set_xticks(sizes, [f"{n // 10**6}M" if n >= 10**6 else f"{n // 1000}k" for n in sizes])
        ax.xaxis.set_minor_formatter(NullFormatter())
        plain = FuncFormatter(lambda v, _: f"{v:,g}")
        ax.yaxis.set_major_formatter(plain)
        low, high = ax.get_ylim()
        # Less than a decade shows no major tick: label the minor ones instead.
        ax.yaxis.set_minor_formatter(plain if high / max(low, 1e-9) < 10 else NullFormatter())
        ax.tick_params(axis="y", which="minor", labelsize=7)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(
        "searchkit and SQLite FTS5 on the generated corpus (bench/scale.py), 2 cores",
        fontsize=12,
    )
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    print(f"wrote {out}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--docs",
        type=int,
        nargs="+",
        default=[10_000],
        help="generated corpus sizes (default: 10000)",
    )
    parser.add_argument("--saves", type=int, default=100, help="watch saves per size (0: skip)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the indexes (and their build figures) a previous run left in the cache",
    )
    parser.add_argument(
        "--optimize",
        type=int,
        metavar="SEGMENTS",
        help="then merge each index down to SEGMENTS and measure its searches again",
    )
    parser.add_argument("--no-bbc", dest="bbc", action="store_false", help="skip the BBC corpus")
    parser.add_argument("--plot", type=Path, help="draw the figures against N into this PNG")
    parser.add_argument(
        "--shared",
        type=Path,
        default=REPO.parent / "shared",
        help="the shared material folder (default: ../shared)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=REPO / "bench" / ".cache",
        help="where corpora and indexes go (default: bench/.cache)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    args.cache.mkdir(parents=True, exist_ok=True)
    if not args.shared.is_dir():
        print(f"skipping: {args.shared} not found")
        return 0
    if importlib.util.find_spec("numpy") is None:
        print("skipping the generated corpus: numpy missing (pip install -e '.[bench]')")
        return 0
    # Byte-compiled, as an installation is: with PYTHONDONTWRITEBYTECODE set, every CLI
    # process would compile searchkit afresh (about 100 ms).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "searchkit")], check=True)
    saved = args.cache / "scale" / "results.json"
    saved.parent.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict] = {}
    if saved.exists():
        results = {int(n): r for n, r in json.loads(saved.read_text(encoding="utf-8")).items()}
    for docs in sorted(args.docs):
        measured = run_generated(args, docs)
        # A figure this run skipped (say --saves 0) keeps the one measured before.
        results[docs] = {
            **results.get(docs, {}),
            **{row: cells for row, cells in measured.items() if cells["searchkit"] is not None},
        }
        saved.write_text(json.dumps(results, indent=1), encoding="utf-8")
    generated_stages(args, min(args.docs))
    if args.bbc:
        run_bbc(args)
    print()
    print_table({n: results[n] for n in sorted(args.docs)})
    if args.plot:
        plot({n: results[n] for n in sorted(args.docs)}, args.plot)
    print()
    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    print(f"machine: {os.cpu_count()} CPUs; total run time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
