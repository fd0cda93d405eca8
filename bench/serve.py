"""`searchkit serve` beside Datasette serving the same documents through SQLite FTS5.

    python bench/serve.py                    # 20,000 generated documents
    python bench/serve.py --docs 100000      # the 100,000-document run
    python bench/serve.py --seconds 10 --clients 1,4

The corpus and its 200 queries are ``shared/tools/gen_corpus.py --docs N --seed 42`` (as in
bench/scale.py, cached under bench/.cache). Both servers are built and started in this run:

- **searchkit serve** (``--threads 4``) on an index built ``--no-stemming`` (words match as
  FTS5 matches them), asked ``/api/search?q=...&facet=actor&facet=country&facet=date
  &facet=source_type`` plus the query's filter (``country=`` or ``since``/``until``).
- **Datasette** on one SQLite table ``articles`` (actors and countries as JSON arrays) with
  an FTS5 index over title and body, asked ``/bench/articles.json?_search=...&_facet_array=
  actors&_facet_array=countries&_facet=month&_facet=source_type`` plus the same filter
  (``countries__arraycontains=``, ``date__gte``/``date__lte``), without the body column.
  Its time limits are raised so that every facet is really counted.

The load generator is wrk (Debian's package) in its own process, cycling through the 200
queries with 1, 4 and 16 connections for ``--seconds`` each. Reported: requests/s, p50, p95
and p99 latency, errors (socket errors and non-2xx answers) and the peak RSS of the server
process, sampled every 0.2 s. Then, under 4 connections of load, ``searchkit index`` adds
1,000 documents to a copy of the index: the errors during the run, and the time from the end
of that command (its commit) until the served total includes them. Figures are printed,
never asserted: the machine is shared, compare within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from scale import (  # noqa: E402
    BenchQuery,
    canonical_source_types,
    generated_corpus,
    read_generated_queries,
    read_jsonl,
)

SHARED = REPO.parent / "shared"
CACHE = REPO / "bench" / ".cache"
FACETS = ("actor", "country", "date", "source_type")

WRK_SCRIPT = r"""
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local i = math.random(#paths)
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, ' ..
    '"non2xx": %d, "socket": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


# ---- the two servers' data ------------------------------------------------------------------


def build_searchkit(corpus: Path, index_dir: Path) -> float:
    done = index_dir / ".bench-complete"
    if done.exists():
        return 0.0
    shutil.rmtree(index_dir, ignore_errors=True)
    started = time.perf_counter()
    command = [sys.executable, "-m", "searchkit", "--index", str(index_dir), "index"]
    subprocess.run([*command, str(corpus), "--no-stemming", "--jobs", "2"], check=True)
    done.touch()
    return time.perf_counter() - started


def build_datasette_db(corpus: Path, db: Path) -> float:
    """One table with the facet columns, actors/countries as JSON arrays, FTS5 over text."""
    if db.exists():
        return 0.0
    started = time.perf_counter()
    types = canonical_source_types({d.get("source_type") or "" for d in read_jsonl(corpus)})
    tmp = db.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    conn.executescript(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY, doc_id TEXT, title TEXT, date TEXT, month TEXT,
            source_type TEXT, language TEXT, actors TEXT, countries TEXT, body TEXT);
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, body, content="articles", content_rowid='id',
            tokenize='unicode61 remove_diacritics 2');
        """
    )
    with conn:
        conn.executemany(
            "INSERT INTO articles (doc_id, title, date, month, source_type, language, actors,"
            " countries, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    d["id"],
                    d["title"],
                    (d.get("date") or "")[:10] or None,
                    (d.get("date") or "")[:7] or None,
                    types[d.get("source_type") or ""],
                    d.get("language"),
                    json.dumps(d.get("actors") or []),
                    json.dumps(d.get("countries") or []),
                    d["body"],
                )
                for d in read_jsonl(corpus)
            ),
        )
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('optimize')")
    for column in ("date", "month", "source_type"):
        conn.execute(f"CREATE INDEX articles_{column} ON articles ({column})")
    conn.commit()
    conn.execute("VACUUM")
    conn.close()
    os.replace(tmp, db)
    return time.perf_counter() - started


def searchkit_path(q: BenchQuery) -> str:
    params = [("q", q.text), *(("facet", f) for f in FACETS), ("limit", "10")]
    if q.country:
        params.append(("country", q.country))
    if q.since:
        params += [("since", q.since), ("until", q.until)]
    return "/api/search?" + urlencode(params)


def datasette_path(q: BenchQuery) -> str:
    params = [
        ("_search", q.text),
        ("_facet_array", "actors"),
        ("_facet_array", "countries"),
        ("_facet", "month"),
        ("_facet", "source_type"),
        ("_size", "10"),
        ("_nocol", "body"),
    ]
    if q.country:
        params.append(("countries__arraycontains", q.country))
    if q.since:
        params += [("date__gte", q.since), ("date__lte", q.until)]
    return "/bench/articles.json?" + urlencode(params)


# ---- servers and load -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.load(response)


class Server:
    """A server process on 127.0.0.1, waited for until ``ready_path`` answers."""

    def __init__(self, name: str, command: list[str], port: int, ready_path: str):
        self.name = name
        self.base = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                get_json(self.base + ready_path)
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not start") from None
                time.sleep(0.2)

    def rss_mb(self) -> float:
        import psutil

        proc = psutil.Process(self.proc.pid)
        return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def run_wrk(server: Server, paths_file: Path, clients: int, seconds: int) -> dict:
    """wrk against ``server`` while sampling its RSS; the figures of the run."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(WRK_SCRIPT)
        script = fh.name
    peak, stop = [server.rss_mb()], threading.Event()

    def sample():
        while not stop.wait(0.2):
            try:
                peak.append(server.rss_mb())
            except Exception:  # the process may be gone at the very end
                return

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    threads = min(clients, 2)
    command = ["wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds}s", "--timeout", "30s"]
    done = subprocess.run(
        [*command, "-s", script, server.base],
        capture_output=True,
        text=True,
        env={**os.environ, "BENCH_PATHS": str(paths_file)},
    )
    stop.set()
    sampler.join()
    os.unlink(script)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {done.stdout}{done.stderr}")
    figures = json.loads(line[len("RESULT ") :])
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["errors"] = figures["non2xx"] + figures["socket"]
    figures["rss_mb"] = max(peak)
    return figures


def agreement(sk: Server, ds: Server, queries: list[BenchQuery]) -> tuple[int, float]:
    """How many of the queries get a different total from the two servers; and the mean
    total."""
    differ, totals = 0, []
    for q in queries:
        a = get_json(sk.base + searchkit_path(q))["total"]
        b = get_json(ds.base + datasette_path(q))["filtered_table_rows_count"]
        differ += a != b
        totals.append(a)
    return differ, sum(totals) / len(totals)


def add_during_load(index_dir: Path, added: Path, docs: int, threads: int, paths_file: Path):
    """Serve a copy of the index under load while `searchkit index` adds 1,000 documents."""
    copy = CACHE / "serve-add-index"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(index_dir, copy)
    port = free_port()
    command = [sys.executable, "-m", "searchkit", "--index", str(copy), "serve"]
    server = Server(
        "searchkit", [*command, "--port", str(port), "--threads", str(threads)], port, "/healthz"
    )
    result: dict = {}
    try:
        load = threading.Thread(
            target=lambda: result.update(run_wrk(server, paths_file, 4, 25)), daemon=True
        )
        load.start()
        time.sleep(3)
        started = time.perf_counter()
        index = [sys.executable, "-m", "searchkit", "--index", str(copy), "index", str(added)]
        subprocess.run([*index, "--no-stemming", "--jobs", "2"], check=True, capture_output=True)
        committed = time.perf_counter()
        want = docs + sum(1 for _ in read_jsonl(added))
        while get_json(server.base + "/api/search?limit=0&facet=language")["total"] != want:
            if time.perf_counter() - committed > 30:
                break
            time.sleep(0.02)
        visible = time.perf_counter() - committed
        load.join()
    finally:
        server.stop()
        shutil.rmtree(copy, ignore_errors=True)
    return committed - started, visible, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--threads", type=int, default=4, help="searchkit serve --threads")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/serve.py needs wrk: apt-get install wrk")
    if not (SHARED / "tools" / "gen_corpus.py").exists():
        sys.exit("bench/serve.py needs ../shared/tools/gen_corpus.py")
    CACHE.mkdir(parents=True, exist_ok=True)
    corpus, queries_file, added = generated_corpus(SHARED, CACHE, args.docs)
    queries = read_generated_queries(queries_file)
    index_dir = CACHE / f"serve-index-{args.docs}"
    db = CACHE / f"serve-datasette-{args.docs}" / "bench.db"  # Datasette names it "bench"
    db.parent.mkdir(exist_ok=True)
    print(f"building searchkit index ({args.docs:,} documents) ...", flush=True)
    sk_build = build_searchkit(corpus, index_dir)
    print("building the Datasette database ...", flush=True)
    ds_build = build_datasette_db(corpus, db)
    print(f"built in {sk_build:.0f} s and {ds_build:.0f} s (0: cached)", flush=True)

    paths = {}
    for name, make in (("searchkit", searchkit_path), ("Datasette", datasette_path)):
        paths[name] = CACHE / f"serve-paths-{name}-{args.docs}.txt"
        paths[name].write_text("".join(make(q) + "\n" for q in queries))

    sk_port, ds_port = free_port(), free_port()
    sk_command = [sys.executable, "-m", "searchkit", "--index", str(index_dir), "serve"]
    ds_command = [sys.executable, "-m", "datasette", "serve", str(db), "--port", str(ds_port)]
    ds_settings = ["sql_time_limit_ms", "30000", "facet_time_limit_ms", "30000"]
    ds_settings += ["suggest_facets", "off", "num_sql_threads", str(args.threads)]
    for i in range(0, len(ds_settings), 2):
        ds_command += ["--setting", ds_settings[i], ds_settings[i + 1]]
    servers = [
        Server(
            "searchkit",
            [*sk_command, "--port", str(sk_port), "--threads", str(args.threads)],
            sk_port,
            "/healthz",
        ),
        Server("Datasette", ds_command, ds_port, "/-/versions.json"),
    ]
    rows = []
    try:
        differ, mean_total = agreement(servers[0], servers[1], queries)
        print(f"totals differ on {differ} of {len(queries)} queries (mean total {mean_total:,.0f})")
        for clients in [int(c) for c in args.clients.split(",")]:
            for server in servers:
                # One untimed pass, so both start warm.
                run_wrk(server, paths[server.name], clients, 3)
                figures = run_wrk(server, paths[server.name], clients, args.seconds)
                rows.append((clients, server.name, figures))
                print(
                    f"  {clients:>2} clients  {server.name:<9}  {figures['rps']:7.1f} req/s  "
                    f"p50 {figures['p50'] / 1000:7.1f}  p95 {figures['p95'] / 1000:7.1f}  "
                    f"p99 {figures['p99'] / 1000:7.1f} ms  errors {figures['errors']}  "
                    f"RSS {figures['rss_mb']:.0f} MB",
                    flush=True,
                )
    finally:
        for server in servers:
            server.stop()

    print(f"\n{args.docs:,} documents, 200 queries, 4 facets + filter, {args.seconds} s per row")
    print("| clients | server | requests/s | p50 ms | p95 ms | p99 ms | errors | peak RSS MB |")
    print("|--:|---|--:|--:|--:|--:|--:|--:|")
    for clients, name, f in rows:
        print(
            f"| {clients} | {name} | {f['rps']:,.1f} | {f['p50'] / 1000:,.1f} | "
            f"{f['p95'] / 1000:,.1f} | {f['p99'] / 1000:,.1f} | {f['errors']} | "
            f"{f['rss_mb']:,.0f} |"
        )

    took, visible, load = add_during_load(
        index_dir, added, args.docs, args.threads, paths["searchkit"]
    )
    print(
        f"\nadding 1,000 documents under 4 clients of load: `searchkit index` took {took:.1f} s; "
        f"served total included them {visible:.2f} s after its commit; "
        f"{load.get('errors', '?')} errors in {load.get('requests', 0):,} requests "
        f"(p95 {load.get('p95', 0) / 1000:.1f} ms)"
    )


if __name__ == "__main__":
    main()
