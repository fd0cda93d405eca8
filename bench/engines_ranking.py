"""Ranking quality through both engines: MAP on Vaswani and CISI, Whoosh beside OpenSearch.

    python bench/engines_ranking.py --url http://127.0.0.1:9200
    python bench/engines_ranking.py              # starts a node with scripts/opensearch-local

Each collection is written once as JSON Lines (text, a url naming the document, language
"en") and indexed into a fresh Whoosh index and a fresh OpenSearch index; every query runs
through both with match="any" and the top 1,000 are scored as ``bench/eval_ranking.py``
scores them (trec_eval's MAP). Both engines are BM25 with searchkit's K1 and B, titles
weighing as much as the body; the difference is the idf (Lucene's log(1 + (N - df + 0.5)/(df + 0.5))
against searchkit's Robertson/Spärck Jones idf) and BM25F's field combination (Whoosh) against
a sum of per-field BM25 scores (OpenSearch). Exits 0 with a note when data are absent.
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from eval_ranking import (  # noqa: E402
    DEPTH,
    average_precision,
    read_cisi,
    read_vaswani,
)

HARNESS = HERE.parent / "scripts" / "opensearch-local"


def collections(shared: Path):
    """(name, documents [(id, title, text)], judged queries [(number, text)], qrels), read
    as ``bench/eval_ranking.py`` reads them."""
    for collection in (
        read_vaswani(shared / "data" / "vaswani"),
        read_cisi(shared / "data" / "cisi"),
    ):
        if collection is not None:
            yield collection.name, collection.documents, collection.judged, collection.qrels


def evaluate(index, name: str, queries, qrels) -> tuple[float, float]:
    aps = []
    started = time.perf_counter()
    for number, text in queries:
        # Upper-case AND/OR/NOT are operators in searchkit's query language.
        results = index.search(text.lower(), match="any", limit=DEPTH, facets=(), snippets=False)
        ranked = [hit.url.split(":", 1)[1] for hit in results.hits]
        aps.append(average_precision(ranked, qrels.get(number, set())))
    return sum(aps) / len(aps), (time.perf_counter() - started) * 1000 / len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="an OpenSearch node already running (http://host:port)")
    parser.add_argument("--port", type=int, default=9291)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    args = parser.parse_args()
    found = list(collections(args.shared))
    if not found:
        print(f"skipped: neither Vaswani nor CISI under {args.shared}")
        return 0
    from searchkit import Index
    from searchkit.opensearch import open_engine

    work = Path(tempfile.mkdtemp(prefix="searchkit-ranking-"))
    os.environ["SEARCHKIT_STATE_DIR"] = str(work / "state")
    url = args.url
    if not url:
        url = subprocess.run(
            [str(HARNESS), "start", "--port", str(args.port), "--data", str(work / "node")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    print("| collection | queries | Whoosh MAP | OpenSearch MAP | difference | ms/query W / OS |")
    print("|---|--:|--:|--:|--:|--:|")
    try:
        for name, docs, queries, qrels in found:
            corpus = work / f"{name.lower()}.jsonl"
            with corpus.open("w", encoding="utf-8") as out:
                for number, title, text in docs:
                    record = {
                        "title": title,
                        "text": text,
                        "url": f"{name}:{number}",
                        "language": "en",
                    }
                    out.write(json.dumps(record) + "\n")
            whoosh = Index.create(work / f"whoosh-{name.lower()}")
            whoosh.update([corpus])
            engine = open_engine(f"opensearch+{url}/ranking-{name.lower()}")
            engine.update([corpus])
            w_map, w_ms = evaluate(whoosh, name, queries, qrels)
            o_map, o_ms = evaluate(engine, name, queries, qrels)
            print(
                f"| {name} | {len(queries)} | {w_map:.4f} | {o_map:.4f} | {o_map - w_map:+.4f} "
                f"| {w_ms:.0f} / {o_ms:.0f} |"
            )
            whoosh.close()
            engine.client.indices.delete(index=engine.location.index)
            engine.close()
    finally:
        if not args.url:
            subprocess.run([str(HARNESS), "stop", "--data", str(work / "node")], check=False)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
