"""Indexing and search speed: searchkit against a naive Whoosh index built in the same run.

    python bench/bench_index.py                      # 10,000 generated documents, BBC, 2 jobs
    python bench/bench_index.py --docs 100000 --jobs 2
    python bench/bench_index.py --shared /path/to/shared

Two corpora, both from ../shared (skipped, with a note, when it is absent):

- a generated corpus from ``shared/tools/gen_corpus.py --seed 42`` (JSON Lines with explicit
  actors, countries, date, source_type and language) and its query set (query words plus an
  optional country or date-range filter). Both are written once under bench/.cache/.
  The corpus is one file, and searchkit extracts a file in one process, so ``--jobs`` only
  matters for the BBC corpus.
- the 2,225 BBC articles of ``shared/data/bbc_news/bbc`` (headline on line 1), through the
  full extraction pipeline, with 50 queries derived from the headlines.

For each corpus: a fresh index through the Python API (documents/s, wall and CPU seconds,
size on disk, peak RSS of the building process and of its largest worker; each build runs in
its own process so the peaks do not carry over), warm search latency (p50/p95 after one
warm-up pass) for the top 10 alone and for the top 10 plus the five default facets, and one
cold ``python -m searchkit search --json`` process (median of 5).

The baseline is Whoosh with a plain schema, one untuned writer and ``groupedby`` facets, on
the same generated documents; the two engines' totals are compared query by query, and each
difference is put down to stemming or a stop word where searchkit's analyzers show one.
Figures are printed, never asserted; the machine's load moves them, so compare ratios from
one run rather than absolute figures across runs. Needs the ``bench`` extra (numpy, for the
corpus generator).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import multiprocessing
import os
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from searchkit import Index  # noqa: E402

SEED = 42
WARMUP_PASSES = 1
CLI_RUNS = 5
BBC_QUERIES = 50
#: Headline words count as mid-frequency when this many headlines (of 2,225) contain them.
BBC_HEADLINE_DF = (4, 20)
NAIVE_FACETS = ("actor", "country", "source_type", "language", "date")


@dataclass(frozen=True)
class BenchQuery:
    """One benchmark query: words plus the filters the query set gives it."""

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


@dataclass(frozen=True)
class BuildFigures:
    documents: int
    skipped: int
    seconds: float
    cpu_seconds: float  # this process and its workers: steadier than wall time under load
    size_mb: float
    rss_mb: float
    children_rss_mb: float

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
    first_ms: float  # the first search after opening the index, with its one-off set-up
    totals: tuple[int, ...]


# ---- corpora ------------------------------------------------------------------------------


def generated_corpus(shared: Path, cache: Path, docs: int) -> tuple[Path, Path]:
    """The gen_corpus.py documents and queries, generated once into the cache folder."""
    corpus = cache / f"corpus-{docs}-seed{SEED}.jsonl"
    queries = cache / f"queries-{docs}-seed{SEED}.jsonl"
    if corpus.exists() and queries.exists():
        return corpus, queries
    print(f"generating {docs:,} documents into {corpus} ...", flush=True)
    tmp_corpus, tmp_queries = corpus.with_suffix(".tmp"), queries.with_suffix(".tmp")
    command = [
        sys.executable,
        str(shared / "tools" / "gen_corpus.py"),
        "--docs",
        str(docs),
        "--seed",
        str(SEED),
        "--out",
        str(tmp_corpus),
        "--queries",
        str(tmp_queries),
    ]
    subprocess.run(command, check=True)
    os.replace(tmp_queries, queries)
    os.replace(tmp_corpus, corpus)
    return corpus, queries


def read_generated_queries(path: Path) -> list[BenchQuery]:
    """gen_corpus queries: {"text", "filter": {"country"} | {"date_from", "date_to"} | null}."""
    queries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        where = record.get("filter") or {}
        queries.append(
            BenchQuery(
                record["text"], where.get("country"), where.get("date_from"), where.get("date_to")
            )
        )
    return queries


def bbc_folders(shared: Path) -> list[Path]:
    """The five category folders (not bbc/README.TXT, which is not an article)."""
    root = shared / "data" / "bbc_news" / "bbc"
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def bbc_queries(folders: Sequence[Path], count: int = BBC_QUERIES) -> list[BenchQuery]:
    """Mid-frequency headline words, deterministically: 60% single words, 40% pairs of words
    that share a headline, each list taken at even steps through its sorted candidates."""
    from whoosh.analysis import STOP_WORDS

    headlines = []
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            with path.open(encoding="utf-8", errors="replace") as fh:
                headlines.append(fh.readline())
    word_lists = [
        sorted({w for w in re.findall(r"[a-z]+", h.lower()) if len(w) > 3 and w not in STOP_WORDS})
        for h in headlines
    ]
    df = Counter(w for words in word_lists for w in words)
    low, high = BBC_HEADLINE_DF
    mid = sorted(w for w, n in df.items() if low <= n <= high)
    pairs = sorted(
        {
            f"{a} {b}"
            for words in word_lists
            for i, a in enumerate(words)
            for b in words[i + 1 :]
            if a in mid and b in mid
        }
    )
    singles_wanted = count * 3 // 5
    chosen = _evenly(mid, singles_wanted) + _evenly(pairs, count - singles_wanted)
    return [BenchQuery(text) for text in chosen]


def _evenly(items: Sequence[str], count: int) -> list[str]:
    if len(items) <= count:
        return list(items)
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


# ---- building -----------------------------------------------------------------------------


def fresh_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def _peak_rss() -> tuple[float, float]:
    """Peak RSS in MB of this process and of its largest waited-for child process."""
    per_mb = 2**20 if sys.platform == "darwin" else 2**10  # ru_maxrss: bytes on macOS, else kB
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return own / per_mb, children / per_mb


def _cpu_seconds() -> float:
    """User plus system CPU time of this process and its finished children."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def in_own_process(build: Callable[..., BuildFigures], *args) -> BuildFigures:
    """Run a build in a fresh (spawned) process, so its peak RSS is its own rather than the
    whole run's. A spawned process starts with its parent's current RSS as its peak, so call
    this while the parent is still small."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(build, *args).result()


def build_searchkit(index_dir: str, paths: list[str], jobs: int) -> BuildFigures:
    started, cpu = time.perf_counter(), _cpu_seconds()
    with Index.create(index_dir) as index:
        report = index.update(paths, jobs=jobs)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    rss, children = _peak_rss()
    return BuildFigures(
        report.added, len(report.skipped), seconds, cpu, size_mb(Path(index_dir)), rss, children
    )


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


def build_naive(index_dir: str, corpus: str) -> BuildFigures:
    """Whoosh as its tutorial shows it: one writer, default settings, one commit."""
    from whoosh import index

    started, cpu = time.perf_counter(), _cpu_seconds()
    ix = index.create_in(index_dir, naive_schema())
    writer = ix.writer()
    count = 0
    with open(corpus, encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
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
            count += 1
    writer.commit()
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    rss, children = _peak_rss()
    return BuildFigures(count, 0, seconds, cpu, size_mb(Path(index_dir)), rss, children)


# ---- searching ----------------------------------------------------------------------------


def time_queries(run: Callable[[BenchQuery], object], queries: Sequence[BenchQuery]):
    """Warm-up passes, then one timed pass: (latencies in ms, what ``run`` returned for each
    query in the timed pass, the very first call in ms)."""
    started = time.perf_counter()
    run(queries[0])
    first_ms = (time.perf_counter() - started) * 1000
    for _ in range(WARMUP_PASSES):
        for q in queries:
            run(q)
    millis, totals = [], []
    for q in queries:
        started = time.perf_counter()
        totals.append(run(q))
        millis.append((time.perf_counter() - started) * 1000)
    return millis, totals, first_ms


def search_searchkit(index_dir: Path, queries: Sequence[BenchQuery]) -> SearchFigures:
    with Index.open(index_dir) as index:

        def top10(q: BenchQuery) -> int:
            return index.search(q.text, facets=(), limit=10, **q.searchkit_options()).total

        def faceted(q: BenchQuery) -> int:
            return index.search(q.text, limit=10, **q.searchkit_options()).total

        top_ms, totals, first_ms = time_queries(top10, queries)
        facet_ms, _, _ = time_queries(faceted, queries)
    return SearchFigures(Latency.of(top_ms), Latency.of(facet_ms), first_ms, tuple(totals))


class NaiveSearcher:
    """Whoosh's own query parser (AND of words over title and body) and grouped facets.

    Facets are FieldFacets; the date one groups by exact timestamp, not by month: Whoosh's
    monthly DateRangeFacet runs one range query per month and costs ~0.4 s a query at 10,000
    documents. A query's filter (country or date range) applies with and without facets.
    """

    def __init__(self, index_dir: Path):
        from whoosh import index, sorting
        from whoosh.qparser import MultifieldParser

        self.ix = index.open_dir(str(index_dir))
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
            parts.append(query.Term("country", q.country))
        if q.since or q.until:
            start = dt.datetime.fromisoformat(q.since) if q.since else None
            end = dt.datetime.fromisoformat(q.until) + dt.timedelta(days=1) if q.until else None
            parts.append(query.DateRange("date", start, end, endexcl=True))
        return query.And(parts) if parts else None

    def top10(self, q: BenchQuery) -> list[str]:
        """The ids of the top 10."""
        results = self.searcher.search(self.parser.parse(q.text), limit=10, filter=self._filter(q))
        return [hit["id"] for hit in results]

    def faceted(self, q: BenchQuery) -> tuple[list[str], dict]:
        """The ids of the top 10 and the ten largest values of each facet."""
        results = self.searcher.search(
            self.parser.parse(q.text), limit=10, filter=self._filter(q), groupedby=self.facets
        )
        ids = [hit["id"] for hit in results]
        top_values = {
            name: sorted(results.groups(name).items(), key=lambda kv: -kv[1])[:10]
            for name in self.facets
        }
        return ids, top_values

    def total(self, q: BenchQuery) -> int:
        """Exact number of matches (outside the timed passes: it re-runs the query)."""
        return len(
            self.searcher.search(self.parser.parse(q.text), limit=None, filter=self._filter(q))
        )


def search_naive(index_dir: Path, queries: Sequence[BenchQuery]) -> SearchFigures:
    naive = NaiveSearcher(index_dir)
    try:
        top_ms, _, first_ms = time_queries(naive.top10, queries)
        facet_ms, _, _ = time_queries(naive.faceted, queries)
        totals = tuple(naive.total(q) for q in queries)
    finally:
        naive.close()
    return SearchFigures(Latency.of(top_ms), Latency.of(facet_ms), first_ms, totals)


def cold_cli_ms(index_dir: Path, query: str, runs: int = CLI_RUNS) -> float:
    """Median wall time of a whole `python -m searchkit search --json` process."""
    command = [
        sys.executable,
        "-m",
        "searchkit",
        "--index",
        str(index_dir),
        "search",
        query,
        "--json",
    ]
    millis = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
        millis.append((time.perf_counter() - started) * 1000)
        if done.returncode not in (0, 1):  # 1: no hits
            raise RuntimeError(f"{shlex.join(command)} exited {done.returncode}: {done.stderr}")
    return statistics.median(millis)


# ---- comparing totals -----------------------------------------------------------------------


#: The languages gen_corpus.py assigns (explicit metadata: searchkit indexes each document
#: with that language's stop words and stemmer; the naive schema has neither stemmer nor
#: per-language stop words).
CORPUS_LANGUAGES = ("en", "de", "fr", "es", "it", "pt")


@dataclass(frozen=True)
class Mismatch:
    query: BenchQuery
    searchkit: int
    naive: int
    kind: str  # "stop word", "stemming" or "other"
    evidence: str


def explain_mismatches(
    queries: Sequence[BenchQuery], ours: Sequence[int], theirs: Sequence[int], naive_dir: Path
) -> list[Mismatch]:
    """The queries whose totals differ, each with what searchkit's analyzers do to its words:
    drop one as a stop word of a language, or stem another indexed word onto it."""
    from whoosh import index

    from searchkit.engine.analysis import analyze

    out = []
    with index.open_dir(str(naive_dir)).reader() as reader:

        def indexed_words(prefix: str) -> set[str]:
            found = (w for f in ("title", "body") for w in reader.expand_prefix(f, prefix))
            return {w.decode("utf-8") if isinstance(w, bytes) else w for w in found}

        for q, a, b in zip(queries, ours, theirs, strict=True):
            if a == b:
                continue
            kind, evidence = "other", ""
            words = q.text.lower().split()
            for word in words:
                dropped = [lang for lang in CORPUS_LANGUAGES if not analyze(word, lang)]
                if dropped:
                    kind, evidence = "stop word", f"{word!r} is a stop word in {','.join(dropped)}"
                    break
            for word in words if kind == "other" else ():
                for lang in CORPUS_LANGUAGES:
                    stem = analyze(word, lang)
                    merged = sorted(
                        w for w in indexed_words(word[:3]) if w != word and analyze(w, lang) == stem
                    )
                    if merged:
                        kind = "stemming"
                        evidence = f"{lang} stems {'/'.join([word, *merged[:3]])} to {stem[0]!r}"
                        break
                if kind != "other":
                    break
            out.append(Mismatch(q, a, b, kind, evidence))
    return out


# ---- the stages -------------------------------------------------------------------------------

Column = dict[str, str]


def _build_column(build: BuildFigures) -> Column:
    return {
        "documents": f"{build.documents:,}",
        "build wall (s)": f"{build.seconds:.1f}",
        "build CPU (s)": f"{build.cpu_seconds:.1f}",
        "build documents/s": f"{build.docs_per_second:.0f}",
        "index size (MB)": f"{build.size_mb:.1f}",
        "peak RSS, building process (MB)": f"{build.rss_mb:.0f}",
        "peak RSS, largest worker (MB)": f"{build.children_rss_mb:.0f}"
        if build.children_rss_mb
        else "-",
    }


def _search_column(search: SearchFigures) -> Column:
    return {
        "first search after open (ms)": f"{search.first_ms:.1f}",
        "top-10 p50 (ms)": f"{search.top10.p50:.2f}",
        "top-10 p95 (ms)": f"{search.top10.p95:.2f}",
        "top-10 + 5 facets p50 (ms)": f"{search.faceted.p50:.2f}",
        "top-10 + 5 facets p95 (ms)": f"{search.faceted.p95:.2f}",
    }


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "-"


@dataclass(frozen=True)
class Corpus:
    """A corpus ready to index: its files, its queries and where its indexes go."""

    name: str
    paths: tuple[Path, ...]
    queries: tuple[BenchQuery, ...]
    cache: Path

    def index_dir(self, engine: str) -> Path:
        return self.cache / f"index-{engine}-{self.name.replace(' ', '-').replace(',', '')}"


def load_generated(args: argparse.Namespace) -> Corpus | None:
    if not args.shared.is_dir():
        print(f"skipping the generated corpus: {args.shared} not found")
        return None
    if importlib.util.find_spec("numpy") is None:
        print("skipping the generated corpus: numpy missing (pip install -e '.[bench]')")
        return None
    corpus, queries = generated_corpus(args.shared, args.cache, args.docs)
    name = f"generated {args.docs:,}"
    return Corpus(name, (corpus,), tuple(read_generated_queries(queries)), args.cache)


def load_bbc(args: argparse.Namespace) -> Corpus | None:
    folders = bbc_folders(args.shared) if args.shared.is_dir() else []
    if not folders:
        print(f"skipping the BBC corpus: {args.shared / 'data' / 'bbc_news' / 'bbc'} not found")
        return None
    return Corpus("BBC", tuple(folders), tuple(bbc_queries(folders)), args.cache)


def stage(label: str, work: Callable, *args):
    """Run one stage of the benchmark, saying what it is and how long it took."""
    print(f"{label} ...", end=" ", flush=True)
    started = time.perf_counter()
    result = work(*args)
    print(f"{time.perf_counter() - started:.0f} s", flush=True)
    return result


def build_searchkit_index(corpus: Corpus, jobs: int) -> BuildFigures:
    index_dir = fresh_dir(corpus.index_dir("searchkit"))
    paths = [str(p) for p in corpus.paths]
    build = stage(
        f"{corpus.name}: building the searchkit index (jobs={jobs})",
        in_own_process,
        build_searchkit,
        str(index_dir),
        paths,
        jobs,
    )
    if build.skipped:
        print(f"{corpus.name}: {build.skipped} files or records skipped")
    return build


def build_naive_index(corpus: Corpus) -> BuildFigures:
    index_dir = fresh_dir(corpus.index_dir("naive"))
    return stage(
        f"{corpus.name}: building the naive Whoosh index",
        in_own_process,
        build_naive,
        str(index_dir),
        str(corpus.paths[0]),
    )


def searchkit_column(corpus: Corpus, build: BuildFigures) -> tuple[Column, SearchFigures]:
    index_dir = corpus.index_dir("searchkit")
    search = stage(
        f"{corpus.name}: {len(corpus.queries)} queries through searchkit",
        search_searchkit,
        index_dir,
        corpus.queries,
    )
    cli = stage(f"{corpus.name}: cold CLI searches", cold_cli_ms, index_dir, corpus.queries[0].text)
    column = {
        **_build_column(build),
        **_search_column(search),
        "cold CLI search (ms)": f"{cli:.0f}",
    }
    return column, search


def compare_generated(
    corpus: Corpus, ours_build: BuildFigures, naive_build: BuildFigures
) -> dict[str, Column]:
    """Search both indexes of the generated corpus, compare totals, and make three columns."""
    ours_col, ours = searchkit_column(corpus, ours_build)
    naive_dir = corpus.index_dir("naive")
    naive = stage(
        f"{corpus.name}: {len(corpus.queries)} queries through naive Whoosh",
        search_naive,
        naive_dir,
        corpus.queries,
    )
    naive_col = {**_build_column(naive_build), **_search_column(naive)}

    mismatches = explain_mismatches(corpus.queries, ours.totals, naive.totals, naive_dir)
    differing = f"{len(mismatches)}/{len(corpus.queries)}"
    more = sum(m.searchkit > m.naive for m in mismatches)
    print(
        f"{corpus.name}: totals differ for {differing} queries "
        f"({more} with more hits in searchkit, {len(mismatches) - more} with fewer)"
    )
    for kind, n in Counter(m.kind for m in mismatches).most_common():
        example = next(m for m in mismatches if m.kind == kind)
        print(
            f"  {n:4d} {kind}, e.g. {example.query.text!r}: searchkit {example.searchkit}, "
            f"naive {example.naive}{'; ' + example.evidence if example.evidence else ''}"
        )
    ours_col["queries, totals differ"] = naive_col["queries, totals differ"] = differing

    ratio = {
        "build documents/s": _ratio(ours_build.docs_per_second, naive_build.docs_per_second),
        "build wall (s)": _ratio(ours_build.seconds, naive_build.seconds),
        "build CPU (s)": _ratio(ours_build.cpu_seconds, naive_build.cpu_seconds),
        "index size (MB)": _ratio(ours_build.size_mb, naive_build.size_mb),
        "peak RSS, building process (MB)": _ratio(ours_build.rss_mb, naive_build.rss_mb),
        "first search after open (ms)": _ratio(ours.first_ms, naive.first_ms),
        "top-10 p50 (ms)": _ratio(ours.top10.p50, naive.top10.p50),
        "top-10 p95 (ms)": _ratio(ours.top10.p95, naive.top10.p95),
        "top-10 + 5 facets p50 (ms)": _ratio(ours.faceted.p50, naive.faceted.p50),
        "top-10 + 5 facets p95 (ms)": _ratio(ours.faceted.p95, naive.faceted.p95),
    }
    return {
        f"{corpus.name}: searchkit": ours_col,
        f"{corpus.name}: naive Whoosh": naive_col,
        "ratio searchkit/naive": ratio,
    }


# ---- output ---------------------------------------------------------------------------------

ROWS = (
    "documents",
    "build wall (s)",
    "build CPU (s)",
    "build documents/s",
    "index size (MB)",
    "peak RSS, building process (MB)",
    "peak RSS, largest worker (MB)",
    "first search after open (ms)",
    "top-10 p50 (ms)",
    "top-10 p95 (ms)",
    "top-10 + 5 facets p50 (ms)",
    "top-10 + 5 facets p95 (ms)",
    "cold CLI search (ms)",
    "queries, totals differ",
)


def markdown_table(columns: dict[str, Column]) -> str:
    header = ["figure", *columns]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] + ["--:"] * len(columns)) + "|",
    ]
    for row in ROWS:
        cells = [columns[name].get(row, "-") for name in columns]
        if any(c != "-" for c in cells):
            lines.append("| " + " | ".join([row, *cells]) + " |")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--docs", type=int, default=10_000, help="generated documents (default: 10000)"
    )
    parser.add_argument(
        "--jobs", type=int, default=2, help="extraction worker processes (default: 2)"
    )
    parser.add_argument(
        "--shared",
        type=Path,
        default=REPO.parent / "shared",
        help="the shared material folder (default: ../shared beside the repository)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=REPO / "bench" / ".cache",
        help="where corpora and indexes are written (default: bench/.cache)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    args.cache.mkdir(parents=True, exist_ok=True)
    generated, bbc = load_generated(args), load_bbc(args)

    # Every index is built before anything is searched: a build process is spawned from this
    # one, and a spawned process starts with its parent's current RSS as its peak.
    if generated:
        generated_builds = build_searchkit_index(generated, args.jobs), build_naive_index(generated)
    if bbc:
        bbc_build = build_searchkit_index(bbc, args.jobs)

    columns: dict[str, Column] = {}
    if generated:
        columns.update(compare_generated(generated, *generated_builds))
    if bbc:
        columns[f"{bbc.name}: searchkit"] = searchkit_column(bbc, bbc_build)[0]

    print()
    if columns:
        print(markdown_table(columns))
        print()
    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    print(f"total run time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
