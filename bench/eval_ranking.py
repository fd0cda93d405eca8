"""Ranking quality on the Vaswani (NPL) test collection: mean average precision.

Runs the 93 queries of ../shared/data/vaswani through the Python API and scores the ranked
lists against the relevance judgments, the way trec_eval computes MAP (average precision
over the top 1,000, relevant documents not retrieved count as misses). Terrier reports BM25
MAP 0.2992 on this collection.

    python bench/eval_ranking.py [--shared ../shared] [--rebuild]

Queries are natural-language titles, so they are run with match="any" (rank documents
having any of the words), as every TREC ad-hoc run does; the scoring is searchkit's default
BM25F. Exits 0 and prints a note when the collection is absent.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from searchkit import Index  # noqa: E402

PUBLISHED_BM25_MAP = 0.2992
DEPTH = 1000


def read_documents(path: Path) -> list[tuple[str, str]]:
    text = path.read_text(encoding="utf-8", errors="replace")
    return re.findall(r"<DOCNO>\s*(\S+)\s*</DOCNO>(.*?)</DOC>", text, re.DOTALL)


def read_queries(path: Path) -> list[tuple[str, str]]:
    text = path.read_text(encoding="utf-8")
    return [
        (n, " ".join(t.split()))
        for n, t in re.findall(r"<num>\s*(\S+)\s*</num>\s*<title>(.*?)</title>", text, re.S)
    ]


def read_qrels(path: Path) -> dict[str, set[str]]:
    judged: dict[str, set[str]] = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] != "0":
            judged.setdefault(parts[0], set()).add(parts[2])
    return judged


def average_precision(ranked: list[str], relevant: set[str]) -> float:
    hits, total = 0, 0.0
    for i, doc in enumerate(ranked, start=1):
        if doc in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant) if relevant else 0.0


def build_index(collection: Path, work: Path, rebuild: bool) -> Index:
    index_dir = work / "index"
    if rebuild or not (index_dir / "searchkit.json").exists():
        work.mkdir(parents=True, exist_ok=True)
        corpus = work / "vaswani.jsonl"
        with corpus.open("w", encoding="utf-8") as out:
            for docno, text in read_documents(collection / "corpus" / "doc-text.trec"):
                record = {
                    "text": " ".join(text.split()),
                    "url": f"vaswani:{docno}",
                    "language": "en",
                }
                out.write(json.dumps(record) + "\n")
        shutil.rmtree(index_dir, ignore_errors=True)  # the benchmark's own scratch index
        index = Index.create(index_dir)
        started = time.perf_counter()
        report = index.update([corpus])
        print(f"indexed {report.added} documents in {time.perf_counter() - started:.1f} s")
        return index
    return Index.open(index_dir)


def evaluate(index: Index, queries, qrels, match: str) -> tuple[float, float, float]:
    aps, p10s = [], []
    started = time.perf_counter()
    for number, text in queries:
        # TREC topics are upper case; in searchkit upper-case AND/OR/NOT are operators.
        results = index.search(text.lower(), match=match, limit=DEPTH, facets=(), snippets=False)
        ranked = [hit.url.split(":", 1)[1] for hit in results.hits]
        relevant = qrels.get(number, set())
        aps.append(average_precision(ranked, relevant))
        p10s.append(sum(1 for d in ranked[:10] if d in relevant) / 10)
    per_query_ms = (time.perf_counter() - started) * 1000 / len(queries)
    return sum(aps) / len(aps), sum(p10s) / len(p10s), per_query_ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    collection = args.shared / "data" / "vaswani"
    if not (collection / "qrels").exists():
        print(f"skipped: no Vaswani collection at {collection}")
        return 0
    queries = read_queries(collection / "query-text.trec")
    qrels = read_qrels(collection / "qrels")
    with build_index(collection, HERE / ".cache" / "vaswani", args.rebuild) as index:
        print("| run | queries | MAP | P@10 | ms/query |")
        print("|---|---|---|---|---|")
        for match in ("any", "all"):
            map_, p10, ms = evaluate(index, queries, qrels, match)
            print(
                f"| searchkit BM25F, match={match} | {len(queries)} | {map_:.4f} | "
                f"{p10:.4f} | {ms:.1f} |"
            )
        print(f"| Terrier BM25 (published) | 93 | {PUBLISHED_BM25_MAP:.4f} | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
