"""The Whoosh engine beside one OpenSearch node, on the same corpus, in the same run.

    python bench/engines.py                      # 20,000 generated documents
    python bench/engines.py --docs 100000        # the larger corpus
    python bench/engines.py --url http://127.0.0.1:9200   # a node already running

The corpus and its 200 queries are ``shared/tools/gen_corpus.py --seed 42`` as in
``bench/scale.py``, one JSON file per document in 100 folders (what a user points
``searchkit index`` at), built into both engines with stemming (the default). Without
``--url`` a node is started with ``scripts/opensearch-local`` (512 MB heap) and stopped.

Parity: for every query (with its country or date filter), the total, every facet count
with the missing and distinct counts (facet limit 0: every value), the monthly date
buckets and the set of the top 10 must agree; the agreements are counted and every
disagreement is printed. Timings: build documents/s (extraction in ``--jobs`` workers
feeding each engine), warm faceted p50/p95 and top-10 p50 through the Python API,
adding 1,000 documents, a cold process that opens the index and runs one faceted search,
and the node's heap and RSS. Figures are printed, never asserted: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from scale import (  # noqa: E402
    ADDED_DOCS,
    FACETS,
    Latency,
    generated_corpus,
    read_generated_queries,
    read_jsonl,
    size_mb,
    split_into_files,
    time_queries,
)

HARNESS = REPO / "scripts" / "opensearch-local"
ALL_FACETS = (*FACETS, "source")
CHECKS = ("total", "facets", "date", "top10")


def answer(index, q) -> dict:
    results = index.search(
        q.text, facets=ALL_FACETS, facet_limit=0, limit=10, snippets=False, **q.searchkit_options()
    )
    facets = {
        f.name: ({v.value: v.count for v in f.values}, f.missing, f.distinct)
        for f in results.facets
    }
    date = facets.pop("date")
    return {
        "total": results.total,
        "facets": facets,
        "date": date,
        "top10": [h.id for h in results.hits],
        "scores": [h.score for h in results.hits],
    }


def compare(whoosh: dict, opensearch: dict) -> dict[str, bool]:
    return {
        "total": whoosh["total"] == opensearch["total"],
        "facets": whoosh["facets"] == opensearch["facets"],
        "date": whoosh["date"] == opensearch["date"],
        "top10": set(whoosh["top10"]) == set(opensearch["top10"]),
    }


def describe(q, whoosh: dict, opensearch: dict) -> str:
    """One line per disagreement: what differs, so it can be explained."""
    parts = [f"{q.text!r} {q.searchkit_options() or ''}"]
    if whoosh["total"] != opensearch["total"]:
        parts.append(f"total {whoosh['total']} vs {opensearch['total']}")
    for name, (counts, missing, distinct) in whoosh["facets"].items():
        other, other_missing, other_distinct = opensearch["facets"][name]
        if (counts, missing, distinct) != (other, other_missing, other_distinct):
            diff = sorted(
                (v, counts.get(v), other.get(v))
                for v in set(counts) | set(other)
                if counts.get(v) != other.get(v)
            )
            parts.append(f"{name}: {diff[:4]} missing {missing}/{other_missing}")
    if whoosh["date"] != opensearch["date"]:
        parts.append("date buckets differ")
    if set(whoosh["top10"]) != set(opensearch["top10"]):
        only_w = [d for d in whoosh["top10"] if d not in opensearch["top10"]]
        # Ties at the cut explain most: the 10th score equal to the 11th in one engine.
        parts.append(
            f"top10 {10 - len(only_w)}/10 shared; whoosh scores {whoosh['scores'][-3:]}, "
            f"opensearch {opensearch['scores'][-3:]}"
        )
    return "; ".join(parts)


def node_memory(client) -> tuple[float, float, float]:
    """(heap used MB, heap max MB, RSS MB) of the first node (RSS read from /proc)."""
    stats = client.nodes.stats(metric="jvm")
    node = next(iter(stats["nodes"].values()))
    heap = node["jvm"]["mem"]
    info = client.nodes.info(metric="process")
    pid = next(iter(info["nodes"].values()))["process"]["id"]
    rss = 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
    except OSError:
        pass
    return heap["heap_used_in_bytes"] / 2**20, heap["heap_max_in_bytes"] / 2**20, rss


COLD_SEARCH = """
import sys, time
t = time.perf_counter()
location = sys.argv[1]
if location.startswith("opensearch+"):
    from searchkit.opensearch import open_engine
    index = open_engine(location, create=False)
else:
    from searchkit import Index
    index = Index.open(location)
results = index.search("election", filters={"country": ["US"]}, facet_limit=10)
print((time.perf_counter() - t) * 1000, results.total)
"""


def cold_search_ms(location: str) -> float:
    runs = []
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", COLD_SEARCH, location],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        )
        runs.append(float(done.stdout.split()[0]))
    return sorted(runs)[1]


def timings(index, queries) -> tuple[Latency, Latency]:
    def faceted(q):
        return index.search(q.text, snippets=False, **q.searchkit_options()).total

    def top10(q):
        return index.search(q.text, facets=(), snippets=False, **q.searchkit_options()).total

    facet_ms, _, _ = time_queries(faceted, queries)
    top_ms, _, _ = time_queries(top10, queries)
    return Latency.of(facet_ms), Latency.of(top_ms)


def build(index, paths: list[Path], jobs: int) -> tuple[float, int]:
    started = time.perf_counter()
    report = index.update(paths, jobs=jobs)
    seconds = time.perf_counter() - started
    if report.skipped:
        print(f"  {len(report.skipped)} skipped, e.g. {report.skipped[0]}")
    return seconds, report.added


def start_node(port: int, data: Path) -> str:
    started = time.perf_counter()
    done = subprocess.run(
        [str(HARNESS), "start", "--port", str(port), "--data", str(data)],
        capture_output=True,
        text=True,
        check=True,
    )
    print(f"OpenSearch node started in {time.perf_counter() - started:.1f} s")
    return done.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--url", help="an OpenSearch node already running (http://host:port)")
    parser.add_argument("--port", type=int, default=9290)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--cache", type=Path, default=REPO / "bench" / ".cache")
    args = parser.parse_args()
    if not (args.shared / "tools" / "gen_corpus.py").exists():
        print(f"skipping: no corpus generator under {args.shared}")
        return 0
    try:
        import opensearchpy  # noqa: F401
    except ImportError:
        print("skipping: opensearch-py is not installed (pip install -e '.[opensearch]')")
        return 0
    from searchkit import Index
    from searchkit.opensearch import open_engine

    args.cache.mkdir(parents=True, exist_ok=True)
    corpus, query_file, added = generated_corpus(args.shared.resolve(), args.cache, args.docs)
    folder = split_into_files(corpus, args.cache / f"files-{args.docs}")
    queries = read_generated_queries(query_file)
    work = Path(tempfile.mkdtemp(prefix="searchkit-engines-"))
    os.environ["SEARCHKIT_STATE_DIR"] = str(work / "state")
    node_data = work / "node"
    url = args.url or start_node(args.port, node_data)
    location = f"opensearch+{url}/engines-{args.docs}"
    try:
        whoosh = Index.create(work / "whoosh")
        engine = open_engine(location)
        engine.client.indices.delete(index=engine.location.index)
        engine.close()
        engine = open_engine(location)
        rows: dict[str, list[str]] = {}
        for name, index in (("whoosh", whoosh), ("opensearch", engine)):
            seconds, count = build(index, [folder], args.jobs)
            rows.setdefault("build, documents/s", []).append(f"{count / seconds:,.0f}")
            print(f"{name}: built {count:,} documents in {seconds:.1f} s")
        rows["index size, MB"] = [
            f"{size_mb(work / 'whoosh'):,.0f}",
            f"{engine.stats().size_bytes / 2**20:,.0f}",
        ]

        agree = Counter()
        lines = []
        for q in queries:
            w, o = answer(whoosh, q), answer(engine, q)
            verdict = compare(w, o)
            agree.update(k for k, ok in verdict.items() if ok)
            if not all(verdict.values()):
                lines.append(describe(q, w, o))
        print(f"\nParity over {len(queries)} queries (agreeing / {len(queries)}):")
        print("| check | agree | share |\n|---|--:|--:|")
        for check in CHECKS:
            print(f"| {check} | {agree[check]} | {agree[check] / len(queries):.1%} |")
        print(f"\n{len(lines)} queries with a disagreement:")
        for line in lines:
            print("  " + line)

        for index in (whoosh, engine):
            faceted, top = timings(index, queries)
            rows.setdefault("faceted p50 / p95, ms", []).append(
                f"{faceted.p50:.1f} / {faceted.p95:.1f}"
            )
            rows.setdefault("top-10 p50, ms", []).append(f"{top.p50:.1f}")
        extra = args.cache / f"added-files-{args.docs}"
        if not extra.exists():
            extra.mkdir()
            for doc in read_jsonl(added):
                (extra / f"{doc['id']}.json").write_text(json.dumps(doc, ensure_ascii=False))
        for index in (whoosh, engine):
            seconds, count = build(index, [folder, extra], args.jobs)
            rows.setdefault(f"add {ADDED_DOCS:,} documents, s", []).append(f"{seconds:.2f}")
        rows["cold process: open + faceted search, ms"] = [
            f"{cold_search_ms(str(work / 'whoosh')):.0f}",
            f"{cold_search_ms(location):.0f}",
        ]
        used, heap, rss = node_memory(engine.client)
        rows["node heap used / max, MB"] = ["-", f"{used:,.0f} / {heap:,.0f}"]
        rows["node RSS, MB"] = ["-", f"{rss:,.0f}"]
        print(f"\n| at {args.docs:,} articles | Whoosh engine | OpenSearch (1 node) |")
        print("|---|--:|--:|")
        for row, cells in rows.items():
            print(f"| {row} | {' | '.join(cells)} |")
        whoosh.close()
        engine.client.indices.delete(index=engine.location.index)
        engine.close()
    finally:
        if not args.url:
            subprocess.run([str(HARNESS), "stop", "--data", str(node_data)], check=False)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
