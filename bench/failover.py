"""A three-node OpenSearch cluster losing a node under load, and in the middle of indexing.

    python bench/failover.py [--docs 5000] [--port 9320]

Starts three nodes on 127.0.0.1 with scripts/opensearch-local (512 MB heap each) and builds
the generated corpus (``shared/tools/gen_corpus.py --seed 42``, one JSON file per document)
into an index of 3 shards and 1 replica through searchkit's OpenSearch engine, whose client
knows all three nodes. Then:

1. A thread runs searches for 30 s; after 8 s one node (not the first) is killed with
   SIGKILL by its pid. A search that fails is retried with backoff (0.1 s doubling, 6
   tries) on overload (429), a node going away (502/503/504) and connection errors. Printed:
   searches run, searches that needed a retry, searches that failed after every retry.
2. With the node still down, every document must be found: the total of an empty query,
   and every id of the corpus by a scan of the index.
3. The node is started again; the time until the cluster is green is printed.
4. A new index: ``update`` runs in a child process, a node is SIGKILLed 3 s in; the run
   ends (or fails with exit code 10), the node is restarted, the same update runs again,
   and every document must be in the index exactly once (count and ids).
5. A new index: the update process itself is SIGKILLed once 40% of the documents are in;
   the rerun sends what was not acknowledged, and again every document must be there once.

Figures are printed; the run exits non-zero if a document is missing or duplicated.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from scale import generated_corpus, read_generated_queries, split_into_files  # noqa: E402

HARNESS = REPO / "scripts" / "opensearch-local"
LOAD_SECONDS = 30.0
KILL_AFTER = 8.0
RETRIES = 6


def harness(*args: str, data: Path, port: int) -> str:
    done = subprocess.run(
        [str(HARNESS), *args, "--nodes", "3", "--port", str(port), "--data", str(data)],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"opensearch-local {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def node_pids(data: Path, port: int) -> dict[str, int]:
    lines = harness("pids", data=data, port=port).split("\n")
    return {name: int(pid) for name, pid in (line.split() for line in lines if line.strip())}


def search_with_retries(engine, q, stats: dict) -> None:
    from searchkit.errors import ClusterUnavailableError

    pause = 0.1
    for attempt in range(RETRIES):
        try:
            engine.search(q.text, snippets=False, **q.searchkit_options())
            if attempt:
                stats["retried"] += 1
            return
        except ClusterUnavailableError:
            time.sleep(pause)
            pause *= 2
    stats["failed"] += 1


def load(engine, queries, stats: dict, stop: threading.Event) -> None:
    i = 0
    while not stop.is_set():
        search_with_retries(engine, queries[i % len(queries)], stats)
        stats["searches"] += 1
        i += 1


def all_ids(engine) -> list[str]:
    return [doc.id for doc in engine.documents()]


UPDATE = """
import sys
from searchkit.opensearch import open_engine
from searchkit.errors import SearchkitError
try:
    with open_engine(sys.argv[1], engine_config={"shards": 3, "replicas": 1}) as engine:
        report = engine.update([sys.argv[2]], jobs=2)
    print("update:", report.added, "added,", report.updated, "updated,", report.unchanged,
          "unchanged,", len(report.skipped), "skipped")
except SearchkitError as exc:
    print(f"update: Error: {exc} (exit code {int(exc.exit_code)})")
    sys.exit(int(exc.exit_code))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--port", type=int, default=9320)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--cache", type=Path, default=REPO / "bench" / ".cache")
    args = parser.parse_args()
    if not (args.shared / "tools" / "gen_corpus.py").exists():
        print(f"skipping: no corpus generator under {args.shared}")
        return 0
    from searchkit.opensearch import open_engine

    args.cache.mkdir(parents=True, exist_ok=True)
    corpus, query_file, _ = generated_corpus(args.shared.resolve(), args.cache, args.docs)
    folder = split_into_files(corpus, args.cache / f"files-{args.docs}")
    expected = sorted(doc_id for doc_id in _corpus_ids(folder))
    queries = read_generated_queries(query_file)
    work = Path(tempfile.mkdtemp(prefix="searchkit-failover-"))
    os.environ["SEARCHKIT_STATE_DIR"] = str(work / "state")
    data = work / "nodes"
    ok = True
    started = time.perf_counter()
    harness("start", data=data, port=args.port)
    print(f"3 nodes green in {time.perf_counter() - started:.1f} s")
    nodes = ",".join(f"127.0.0.1:{args.port + k}" for k in range(3))
    try:
        location = f"opensearch+http://{nodes}/failover"
        engine = open_engine(location, engine_config={"shards": 3, "replicas": 1})
        started = time.perf_counter()
        report = engine.update([folder], jobs=2)
        print(f"indexed {report.added:,} documents in {time.perf_counter() - started:.1f} s")
        health = engine.client.cluster.health(index="failover", wait_for_status="green")
        print(f"index: 3 shards, 1 replica; {health['active_shards']} active shard copies")

        stats = {"searches": 0, "retried": 0, "failed": 0}
        stop = threading.Event()
        thread = threading.Thread(target=load, args=(engine, queries, stats, stop))
        thread.start()
        time.sleep(KILL_AFTER)
        victim = node_pids(data, args.port)["n2"]
        os.kill(victim, signal.SIGKILL)
        print(f"SIGKILL node n2 (pid {victim}) at {KILL_AFTER:.0f} s of {LOAD_SECONDS:.0f} s")
        time.sleep(LOAD_SECONDS - KILL_AFTER)
        stop.set()
        thread.join()
        print(
            f"searches: {stats['searches']:,} run, {stats['retried']} needed a retry, "
            f"{stats['failed']} failed after {RETRIES} tries"
        )
        health = engine.client.cluster.health(index="failover")
        total = engine.search("", facets=(), limit=0).total
        found = sorted(all_ids(engine))
        print(
            f"with n2 down: cluster {health['status']}, {health['number_of_nodes']} nodes; "
            f"total {total:,}; ids found {len(found):,} of {len(expected):,}, "
            f"all present: {found == expected}"
        )
        ok &= found == expected and total == len(expected)

        started = time.perf_counter()
        harness("start", "--node", "2", data=data, port=args.port)
        print(f"n2 restarted: cluster green again in {time.perf_counter() - started:.1f} s")

        # Killing a node in the middle of an update, then running it again.
        engine.client.indices.delete(index="failover")
        engine.close()
        location2 = f"opensearch+http://{nodes}/failover-index"
        child = subprocess.Popen(
            [sys.executable, "-c", UPDATE, location2, str(folder)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        time.sleep(3.0)
        victim = node_pids(data, args.port)["n3"]
        os.kill(victim, signal.SIGKILL)
        print(f"SIGKILL node n3 (pid {victim}) 3 s into the update")
        out, _ = child.communicate()
        print(f"first run: {out.strip()} (exit code {child.returncode})")
        started = time.perf_counter()
        harness("start", "--node", "3", data=data, port=args.port)
        print(f"n3 restarted: green in {time.perf_counter() - started:.1f} s")
        rerun = subprocess.run(
            [sys.executable, "-c", UPDATE, location2, str(folder)],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        print(f"second run: {rerun.stdout.strip()} (exit code {rerun.returncode})")
        engine = open_engine(location2, create=False)
        engine.client.indices.refresh(index="failover-index")
        count = engine.client.count(index="failover-index")["count"]
        ids = sorted(all_ids(engine))
        once = ids == expected
        print(
            f"after the rerun: {count:,} documents for {len(expected):,} in the corpus; "
            f"every id exactly once: {once}"
        )
        ok &= once and count == len(expected)
        engine.client.indices.delete(index="failover-index")
        engine.close()

        # The indexing process itself killed: only acknowledged files are in its manifest.
        location3 = f"opensearch+http://{nodes}/failover-client"
        child = subprocess.Popen(
            [sys.executable, "-c", UPDATE, location3, str(folder)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        # Kill it once about 40% of the documents are in, whatever the machine's speed.
        started = time.perf_counter()
        engine = None
        while child.poll() is None:
            time.sleep(0.2)
            try:
                engine = engine or open_engine(location3, create=False)
                engine.client.indices.refresh(index="failover-client")
                if engine.client.count(index="failover-client")["count"] >= 0.4 * len(expected):
                    break
            except Exception:  # the index is not created yet
                continue
        child.kill()
        child.communicate()
        engine = engine or open_engine(location3, create=False)
        engine.client.indices.refresh(index="failover-client")
        partial = engine.client.count(index="failover-client")["count"]
        print(
            f"SIGKILL the update process after {time.perf_counter() - started:.1f} s: "
            f"{partial:,} documents in"
        )
        rerun = subprocess.run(
            [sys.executable, "-c", UPDATE, location3, str(folder)],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        print(f"rerun: {rerun.stdout.strip()} (exit code {rerun.returncode})")
        engine.client.indices.refresh(index="failover-client")
        count = engine.client.count(index="failover-client")["count"]
        once = sorted(all_ids(engine)) == expected
        print(f"after the rerun: {count:,} documents; every id exactly once: {once}")
        ok &= once and count == len(expected)
        engine.client.indices.delete(index="failover-client")
        engine.close()
    finally:
        subprocess.run([str(HARNESS), "stop", "--data", str(data)], check=False)
    print("PASS" if ok else "FAIL: documents missing or duplicated")
    return 0 if ok else 1


def _corpus_ids(folder: Path):
    from searchkit.extract.documents import document_id

    for path in sorted(folder.rglob("*.json")):
        yield document_id(str(path), None)


if __name__ == "__main__":
    sys.exit(main())
