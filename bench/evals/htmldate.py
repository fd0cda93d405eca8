"""Publication-date quality on the htmldate evaluation pages (development subset, 136 pages).

Each page is parsed with ``parse_html(markup, url)`` and its ``published`` day compared with
the gold date. As in htmldate's own evaluation, a right day is a true positive, a wrong day a
false positive and no date a false negative: precision = TP / (TP + FP), recall =
TP / (TP + FN), and accuracy = TP / pages.

Run alone: ``python bench/evals/htmldate.py [--shared ../shared] [--errors]``.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
import time
from collections import Counter

ROOT = pathlib.Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def evaluate(shared: pathlib.Path) -> list[dict]:
    """Per page: url, gold and predicted date, evidence rule and seconds; [] without the data."""
    folder = shared / "data" / "htmldate_dev"
    gold_path = folder / "gold.json"
    if not gold_path.is_file():
        return []
    from searchkit.extract.html import parse_html

    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    results = []
    for url, item in sorted(gold.items()):
        markup = (folder / "pages" / item["file"]).read_bytes()
        started = time.perf_counter()
        page = parse_html(markup, url)
        elapsed = time.perf_counter() - started
        evidence = page.published_evidence
        results.append(
            {
                "url": url,
                "gold": item["date"],
                "predicted": page.published.isoformat() if page.published else None,
                "rule": evidence.rule if evidence else None,
                "raw": evidence.text if evidence else None,
                "seconds": elapsed,
            }
        )
    return results


def run(shared: pathlib.Path) -> list[dict]:
    """Score ``parse_html(...).published`` against the gold dates; [] when data is absent."""
    results = evaluate(shared)
    if not results:
        return []
    n = len(results)
    tp = sum(r["predicted"] == r["gold"] for r in results)
    fn = sum(r["predicted"] is None for r in results)
    fp = n - tp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return [
        {
            "facet": "date (published)",
            "dataset": f"htmldate dev ({n} pages)",
            "n": n,
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "accuracy": round(tp / n, 4),
            "ms_per_doc": round(1000 * sum(r["seconds"] for r in results) / n, 2),
        }
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=pathlib.Path, default=ROOT.parent / "shared")
    parser.add_argument("--errors", action="store_true", help="also list wrong and missing dates")
    args = parser.parse_args()
    if args.errors:
        results = evaluate(args.shared)
        for r in results:
            if r["predicted"] != r["gold"]:
                print(f"{r['gold']} {r['predicted']} {r['rule']!s:28} {r['raw']!r:.40} {r['url']}")
        rules = Counter((r["rule"], r["predicted"] == r["gold"]) for r in results)
        for (rule, right), count in sorted(rules.items(), key=str):
            print(f"  {rule!s:32} {'right' if right else 'wrong'} {count}")
    for row in run(args.shared):
        print(json.dumps(row))


if __name__ == "__main__":
    main()
