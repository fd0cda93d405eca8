"""Main-text quality on the Zyte article-extraction benchmark (181 pages with gold article body).

Scored the way the benchmark scores it: text is split into ``\\w+`` tokens, both texts become
multisets of 4-token shingles, and each page gets TP/FP/FN counts normalised to sum to one (so
long articles do not weigh more). Precision is averaged over pages that predicted something,
recall over pages whose gold body is non-empty (an empty prediction scores recall 0), and F1 is
the harmonic mean of the two averages.

Run alone: ``python bench/evals/zyte.py [--shared ../shared] [--worst N]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import pathlib
import re
import statistics
import sys
import time
from collections import Counter

ROOT = pathlib.Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_TOKEN = re.compile(r"\w+")


def shingles(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    """The multiset of ``size``-token shingles of ``text`` (one short shingle for short texts)."""
    tokens = _TOKEN.findall(text or "")
    return Counter(
        tuple(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1)) if tokens
    )


def match_counts(gold: str, predicted: str) -> tuple[float, float, float]:
    """Normalised (TP, FP, FN) of predicted shingles against gold shingles."""
    truth, guess = shingles(gold), shingles(predicted)
    tp = sum((truth & guess).values())
    fp = sum((guess - truth).values())
    fn = sum((truth - guess).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def score(counts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Macro precision, recall and F1 over per-page counts."""
    precision = statistics.mean(_precision(*c) for c in counts if c[0] + c[1] > 0)
    recall = statistics.mean(_recall(*c) for c in counts if c[0] + c[2] > 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(shared: pathlib.Path) -> list[tuple[str, str, float, tuple[float, float, float]]]:
    """Per page: id, predicted text, seconds taken, and (TP, FP, FN); [] without the data."""
    folder = shared / "data" / "zyte_article_extraction"
    gold_path = folder / "ground-truth.json"
    if not gold_path.is_file():
        return []
    from searchkit.extract.html import parse_html

    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    results = []
    for key, item in sorted(gold.items()):
        markup = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
        started = time.perf_counter()
        text = parse_html(markup, item.get("url", "")).text
        elapsed = time.perf_counter() - started
        results.append((key, text, elapsed, match_counts(item.get("articleBody", ""), text)))
    return results


def run(shared: pathlib.Path) -> list[dict]:
    """Score ``parse_html(...).text`` against the gold article bodies; [] when data is absent."""
    results = evaluate(shared)
    if not results:
        return []
    precision, recall, f1 = score([counts for *_, counts in results])
    n = len(results)
    return [
        {
            "facet": "main text",
            "dataset": f"zyte ({n} pages)",
            "n": n,
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "accuracy": None,
            "ms_per_doc": round(1000 * sum(r[2] for r in results) / n, 2),
        }
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=pathlib.Path, default=ROOT.parent / "shared")
    parser.add_argument("--worst", type=int, default=0, help="also list the N lowest-F1 pages")
    args = parser.parse_args()
    if args.worst:
        results = evaluate(args.shared)

        def page_f1(counts: tuple[float, float, float]) -> float:
            p, r = _precision(*counts), _recall(*counts)
            return 2 * p * r / (p + r) if p + r else 0.0

        for key, text, _, counts in sorted(results, key=lambda r: page_f1(r[3]))[: args.worst]:
            scores = (
                f"F1={page_f1(counts):.3f} P={_precision(*counts):.2f} R={_recall(*counts):.2f}"
            )
            print(f"{scores} {key} {text[:60]!r}")
    for row in run(args.shared):
        print(json.dumps(row))


if __name__ == "__main__":
    main()
