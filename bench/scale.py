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
import datetime as dt
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
    """A whole ``python -m searchkit`` process: (wall ms, its peak RSS in MB, the result).

    A small parent process runs it, so the RSS is the CLI's own and not this process's
    largest child so far."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "ms = (time.perf_counter() - t) * 1000\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "sys.stderr.buffer.write(r.stderr)\n"
        "sys.stdout.buffer.write(r.stdout)\n"
        "print(f'\\n{ms} {rss} {r.returncode}')\n"
    )
    command = [sys.executable, "-c", probe, sys.executable, "-m", "searchkit", *args]
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    out, _, figures = done.stdout.rstrip("\n").rpartition("\n")
    ms, rss, code = figures.split()
    result = subprocess.CompletedProcess(args, int(code), out, done.stderr)
    if result.returncode not in (0, 1):  # 1: no hits
        raise RuntimeError(f"searchkit {shlex.join(args)} exited {code}: {done.stderr[-500:]}")
    return float(ms), float(rss), result


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
    figures = SearchFigures(
        Latency.of(top_ms),
        Latency.of(facet_ms),
        first_ms,
        _peak_rss()[0],
        Latency.of(snippet_ms),
    )
    return figures, answers


def add_searchkit(index_dir: str, added: str, jobs: int) -> float:
    from searchkit import Index

    started = time.perf_counter()
    with Index.open(index_dir) as index:
        report = index.update([added], jobs=jobs)
    assert report.added == ADDED_DOCS, report
    return time.perf_counter() - started


# ---- naive Whoosh -------------------------------------------------------------------------


def naive_schema():
    from whoosh import fields

    return fields.Schema(
        id=fields.ID(stored=True),
        title=fields.TEXT(),
        body=fields.TEXT(),
        actor=fields.KEYWORD(commas=True),
        country=fields.KEYWORD(commas=True),
        source_type=fields.ID(),
        language=fields.ID(),
        date=fields.DATETIME(),
    )


def _utc_naive(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)


def _naive_add(writer, doc: dict) -> None:
    writer.add_document(
        id=doc["id"],
        title=doc["title"],
        body=doc["body"],
        actor=",".join(doc["actors"]),
        country=",".join(doc["countries"]),
        source_type=doc["source_type"],
        language=doc["language"],
        date=_utc_naive(doc["date"]),
    )


def build_naive(index_dir: str, corpus: str) -> BuildFigures:
    """Whoosh as its tutorial shows it: one writer, default settings, one commit."""
    from whoosh import index

    started, cpu = time.perf_counter(), _cpu_seconds()
    ix = index.create_in(index_dir, naive_schema())
    writer = ix.writer()
    count = 0
    for doc in read_jsonl(Path(corpus)):
        _naive_add(writer, doc)
        count += 1
    writer.commit()
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    rss, _ = _peak_rss()
    return BuildFigures(count, seconds, cpu, size_mb(Path(index_dir)), rss)


def add_naive(index_dir: str, added: str) -> float:
    from whoosh import index

    started = time.perf_counter()
    writer = index.open_dir(index_dir).writer()
    for doc in read_jsonl(Path(added)):
        _naive_add(writer, doc)
    writer.commit()
    return time.perf_counter() - started


class NaiveSearcher:
    """Whoosh's own query parser (AND of words over title and body) and grouped facets.

    The date facet groups by exact timestamp, not by month: Whoosh's monthly DateRangeFacet
    runs one range query per month, far slower still.
    """

    def __init__(self, index_dir: str):
        from whoosh import index, sorting
        from whoosh.qparser import MultifieldParser

        self.ix = index.open_dir(index_dir)
        self.searcher = self.ix.searcher()
        self.parser = MultifieldParser(["title", "body"], self.ix.schema)
        multi = {"actor", "country"}
        self.facets = {
            name: sorting.FieldFacet(name, allow_overlap=name in multi, maptype=sorting.Count)
            for name in NAIVE_FACETS
        }

    def close(self) -> None:
        self.searcher.close()

    def _filter(self, q: BenchQuery):
        from whoosh import query

        parts = []
        if q.country:
            parts.append(query.Term("country", q.country.lower()))
        if q.since or q.until:
            start = dt.datetime.fromisoformat(q.since) if q.since else None
            end = dt.datetime.fromisoformat(q.until) + dt.timedelta(days=1) if q.until else None
            parts.append(query.DateRange("date", start, end, endexcl=True))
        return query.And(parts) if parts else None

    def top10(self, q: BenchQuery) -> int:
        results = self.searcher.search(self.parser.parse(q.text), limit=10, filter=self._filter(q))
        return len([hit["id"] for hit in results])

    def faceted(self, q: BenchQuery) -> int:
        results = self.searcher.search(
            self.parser.parse(q.text), limit=10, filter=self._filter(q), groupedby=self.facets
        )
        for name in self.facets:
            results.groups(name)
        return len(results)


def search_naive(index_dir: str, queries: Sequence[BenchQuery]) -> tuple[SearchFigures, list]:
    naive = NaiveSearcher(index_dir)
    try:
        top_ms, _, first_ms = time_queries(naive.top10, queries)
        facet_ms, totals, _ = time_queries(naive.faceted, queries)
    finally:
        naive.close()
    return SearchFigures(Latency.of(top_ms), Latency.of(facet_ms), first_ms, _peak_rss()[0]), totals


# ---- SQLite FTS5 ----------------------------------------------------------------------------


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
    figures = SearchFigures(Latency.of(top_ms), Latency.of(facet_ms), first_ms, _peak_rss()[0])
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


def _build_rows(column: Column, build: BuildFigures) -> None:
    column.put("build documents/s", build.docs_per_second, 0)
    column.put("build wall (s)", build.seconds)
    column.put("build CPU (s)", build.cpu_seconds)
    column.put("peak RSS while building (MB)", max(build.rss_mb, build.children_rss_mb), 0)
    column.put("index size (MB)", build.size_mb)


def _search_rows(column: Column, search: SearchFigures) -> None:
    column.put("first search after open (ms)", search.first_ms)
    column.put("top-10 p50 (ms)", search.top10.p50, 2)
    column.put("top-10 p95 (ms)", search.top10.p95, 2)
    if search.snippets:
        column.put("top-10 with snippets p50 (ms)", search.snippets.p50, 2)
    column.put("top-10 + 5 facets + filter p50 (ms)", search.faceted.p50, 2)
    column.put("top-10 + 5 facets + filter p95 (ms)", search.faceted.p95, 2)
    column.put("searching process peak RSS (MB)", search.rss_mb, 0)


ROWS = (
    "documents",
    "build documents/s",
    "build wall (s)",
    "build CPU (s)",
    "peak RSS while building (MB)",
    "index size (MB)",
    "first search after open (ms)",
    "top-10 p50 (ms)",
    "top-10 p95 (ms)",
    "top-10 with snippets p50 (ms)",
    "top-10 + 5 facets + filter p50 (ms)",
    "top-10 + 5 facets + filter p95 (ms)",
    "searching process peak RSS (MB)",
    "cold search --json with facets (ms)",
    "cold search process peak RSS (MB)",
    f"add {ADDED_DOCS:,} documents and commit (s)",
    "no-op update of the folder tree (s)",
    "queries that disagree with FTS5",
)
#: Rows where a smaller number is better; the others are rates.
_RATES = {"build documents/s"}


def ratios(ours: Column, theirs: Column) -> Column:
    out = Column()
    for row in ROWS:
        a, b = ours.cells.get(row), theirs.cells.get(row)
        if row in ("documents", "queries that disagree with FTS5") or not a or not b:
            continue
        try:
            x, y = float(a.replace(",", "")), float(b.replace(",", ""))
        except ValueError:
            continue
        if y:
            out.put(row, x / y, 2)
    return out


def markdown_table(columns: dict[str, Column]) -> str:
    lines = [
        "| figure | " + " | ".join(columns) + " |",
        "|---|" + "--:|" * len(columns),
    ]
    for row in ROWS:
        cells = [c.cells.get(row, "-") for c in columns.values()]
        if any(cell != "-" for cell in cells):
            lines.append(f"| {row} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run_generated(args: argparse.Namespace) -> dict[str, Column]:
    corpus, query_file, added = generated_corpus(args.shared, args.cache, args.docs)
    queries = read_generated_queries(query_file)
    tree = stage(
        "splitting into one file per document",
        split_into_files,
        corpus,
        args.cache / f"files-{args.docs}",
    )
    source_types = canonical_source_types({d["source_type"] for d in read_jsonl(added)})
    tag = f"{args.docs}"
    api_dir = fresh_dir(args.cache / f"index-searchkit-{tag}")
    cli_dir = fresh_dir(args.cache / f"index-searchkit-files-{tag}")
    naive_dir = args.cache / f"index-naive-{tag}"
    db = args.cache / f"fts5-{tag}.sqlite"
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        path.unlink(missing_ok=True)

    n = f"{args.docs:,}"
    # Every build runs in its own spawned process, started while this one is small.
    ours = stage(
        f"{n}: searchkit build, JSON Lines, jobs={args.jobs}",
        in_own_process,
        build_searchkit,
        str(api_dir),
        [str(corpus)],
        args.jobs,
    )
    ours_files = stage(
        f"{n}: searchkit build, folder tree, jobs={args.jobs}",
        in_own_process,
        build_searchkit,
        str(cli_dir),
        [str(tree)],
        args.jobs,
    )
    fts = stage(f"{n}: FTS5 build", in_own_process, build_fts5, str(db), str(corpus), source_types)
    naive = None
    if args.naive:
        fresh_dir(naive_dir)
        naive = stage(
            f"{n}: naive Whoosh build", in_own_process, build_naive, str(naive_dir), str(corpus)
        )

    our_search, our_answers = stage(
        f"{n}: {len(queries)} queries through searchkit",
        in_own_process,
        search_searchkit,
        str(api_dir),
        queries,
    )
    _, file_answers = stage(
        f"{n}: the same on the folder-tree index",
        in_own_process,
        search_searchkit,
        str(cli_dir),
        queries,
    )
    fts_search, fts_answers = stage(
        f"{n}: {len(queries)} queries through FTS5", in_own_process, search_fts5, str(db), queries
    )
    naive_search = None
    if naive:
        naive_search, naive_totals = stage(
            f"{n}: {len(queries)} queries through naive Whoosh",
            in_own_process,
            search_naive,
            str(naive_dir),
            queries,
        )

    faceted_query = next(q for q in queries if q.country)
    cold = [
        run_cli(
            [
                "--index",
                str(cli_dir),
                "search",
                faceted_query.text,
                *faceted_query.cli_options(),
                "--json",
            ]
        )
        for _ in range(CLI_RUNS)
    ]
    cold_ms = statistics.median(c[0] for c in cold)
    cold_rss = max(c[1] for c in cold)
    cold_total = json.loads(cold[0][2].stdout)["total"]

    noop = [
        run_cli(["--index", str(cli_dir), "index", str(tree), "--json"])[0] / 1000 for _ in range(3)
    ]

    add_api = stage(
        f"{n}: searchkit adds {ADDED_DOCS:,} documents (API)",
        add_searchkit,
        str(api_dir),
        str(added),
        args.jobs,
    )
    add_dir = tree / "added"
    shutil.rmtree(add_dir, ignore_errors=True)
    split_into_files(added, add_dir)
    try:
        add_ms, _, done = run_cli(["--index", str(cli_dir), "index", str(tree), "--json"])
        add_cli = add_ms / 1000
        assert json.loads(done.stdout)["added"] == ADDED_DOCS, done.stdout
    finally:
        shutil.rmtree(add_dir)
    add_fts = stage(
        f"{n}: FTS5 adds {ADDED_DOCS:,} documents", add_fts5, str(db), str(added), source_types
    )
    add_nv = (
        stage(
            f"{n}: naive Whoosh adds {ADDED_DOCS:,} documents",
            add_naive,
            str(naive_dir),
            str(added),
        )
        if naive
        else None
    )

    # Agreement: every total and facet count, searchkit against FTS5, and the two indexes.
    print()
    differ = disagreements(queries, our_answers, fts_answers)
    print(
        f"searchkit vs FTS5: {len(differ)} of {len(queries)} queries differ "
        "in a total or a facet count"
    )
    for line in differ[:10]:
        print("  " + line)
    tree_differ = disagreements(queries, our_answers, file_answers)
    print(f"JSON Lines index vs folder-tree index: {len(tree_differ)} queries differ")
    if cold_total != our_answers[queries.index(faceted_query)][0]:
        print(f"cold CLI total {cold_total} differs from the API's")
    if naive:
        naive_differ = sum(a[0] != b for a, b in zip(our_answers, naive_totals, strict=True))
        print(
            f"searchkit vs naive Whoosh: totals differ for {naive_differ} queries "
            "(its analyzer drops English stop words)"
        )

    api, files, fts_col = Column(), Column(), Column()
    for column, build in ((api, ours), (files, ours_files), (fts_col, fts)):
        column.put("documents", build.documents, 0)
        _build_rows(column, build)
    _search_rows(api, our_search)
    _search_rows(fts_col, fts_search)
    files.put("cold search --json with facets (ms)", cold_ms, 0)
    files.put("cold search process peak RSS (MB)", cold_rss, 0)
    files.put("no-op update of the folder tree (s)", statistics.median(noop), 2)
    api.put(f"add {ADDED_DOCS:,} documents and commit (s)", add_api, 2)
    files.put(f"add {ADDED_DOCS:,} documents and commit (s)", add_cli, 2)
    fts_col.put(f"add {ADDED_DOCS:,} documents and commit (s)", add_fts, 2)
    api.put("queries that disagree with FTS5", f"{len(differ)}/{len(queries)}")
    columns = {
        f"searchkit API ({n})": api,
        f"searchkit CLI, folder tree ({n})": files,
        f"FTS5 ({n})": fts_col,
    }
    merged = Column({**files.cells, **api.cells})
    if naive and naive_search:
        naive_col = Column()
        naive_col.put("documents", naive.documents, 0)
        _build_rows(naive_col, naive)
        _search_rows(naive_col, naive_search)
        naive_col.put(f"add {ADDED_DOCS:,} documents and commit (s)", add_nv, 2)
        columns[f"naive Whoosh ({n})"] = naive_col
    columns["searchkit / FTS5"] = ratios(merged, fts_col)
    if naive and naive_search:
        columns["searchkit / naive"] = ratios(merged, naive_col)
    return columns


def run_bbc(args: argparse.Namespace) -> dict[str, Column]:
    root = args.shared / "data" / "bbc_news" / "bbc"
    folders = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    if not folders:
        print(f"skipping the BBC corpus: {root} not found")
        return {}
    from pipeline_stages import bbc_files, stage_breakdown
    from pipeline_stages import markdown_table as stage_table

    index_dir = fresh_dir(args.cache / "index-searchkit-bbc")
    build = stage(
        f"BBC: searchkit build, jobs={args.jobs}",
        in_own_process,
        build_searchkit,
        str(index_dir),
        [str(f) for f in folders],
        args.jobs,
    )
    files = bbc_files(args.shared)
    stages = stage(
        "BBC: per-stage breakdown, one process",
        in_own_process,
        stage_breakdown,
        files,
        fresh_dir(args.cache / "index-stages-bbc"),
    )
    column = Column()
    column.put("documents", build.documents, 0)
    _build_rows(column, build)
    print()
    print(
        f"BBC, {stages.documents:,} articles, one process, CPU ms per document "
        f"(start-up {stages.startup_ms:.0f} ms):"
    )
    print(stage_table(stages))
    return {f"BBC, jobs={args.jobs}": column}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--docs", type=int, default=10_000, help="generated documents (default: 10000)"
    )
    parser.add_argument(
        "--jobs", type=int, default=2, help="indexing worker processes (default: 2)"
    )
    parser.add_argument(
        "--no-naive", dest="naive", action="store_false", help="skip the naive Whoosh baseline"
    )
    parser.add_argument("--no-bbc", dest="bbc", action="store_false", help="skip the BBC corpus")
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
    columns: dict[str, Column] = {}
    if not args.shared.is_dir():
        print(f"skipping: {args.shared} not found")
    elif importlib.util.find_spec("numpy") is None:
        print("skipping the generated corpus: numpy missing (pip install -e '.[bench]')")
    else:
        columns.update(run_generated(args))
    if args.bbc and args.shared.is_dir():
        columns.update(run_bbc(args))
    print()
    if columns:
        print(markdown_table(columns))
        print()
    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    print(f"machine: {os.cpu_count()} CPUs; total run time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
