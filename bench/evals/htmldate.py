"""Publication-date quality on the htmldate evaluation pages (development subset, 136 pages).

Each page is parsed with ``parse_html(markup, url)`` and its ``published`` day compared with
the gold date. As in htmldate's own evaluation, a right day is a true positive, a wrong day a
false positive and no date a false negative: precision = TP / (TP + FP), recall =
TP / (TP + FN), and accuracy = TP / pages.

When the ``htmldate`` package is installed (``pip install -e '.[bench]'``), it runs on the same
pages in the same run (``find_date(markup, url=url, original_date=True)``, its default extensive
search) and two more rows give its own scores and how often the two agree, page by page.

Run alone: ``python bench/evals/htmldate.py [--shared ../shared] [--errors] [--compare]``;
``--compare`` lists every page where searchkit and htmldate disagree, with the gold date.
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


def _reference_finder():
    """htmldate's ``find_date``, or None when htmldate is not installed.

    This module has the package's name, so the package is imported with this folder off the
    path and this module out of the way, then both are put back.
    """
    here = pathlib.Path(__file__).resolve().parent
    saved_path, saved_module = sys.path[:], sys.modules.pop("htmldate", None)
    sys.path[:] = [p for p in sys.path if pathlib.Path(p or ".").resolve() != here]
    try:
        from htmldate import find_date
    except ImportError:
        return None
    finally:
        sys.path[:] = saved_path
        if saved_module is not None:
            sys.modules["htmldate"] = saved_module
    import logging

    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    return find_date


def _reference_date(find_date, markup: bytes, url: str) -> str | None:
    try:
        return find_date(markup, url=url, original_date=True)
    except Exception:  # a failure of the reference is its miss, not ours
        return None


def evaluate(shared: pathlib.Path) -> list[dict]:
    """Per page: url, gold and predicted date, evidence rule and seconds, and htmldate's date
    when it is installed; [] without the data."""
    folder = shared / "data" / "htmldate_dev"
    gold_path = folder / "gold.json"
    if not gold_path.is_file():
        return []
    from searchkit.extract.html import parse_html

    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    find_date = _reference_finder()
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
                "htmldate": _reference_date(find_date, markup, url) if find_date else None,
                "htmldate_ran": find_date is not None,
            }
        )
    return results


def _scores(predicted: list[str | None], gold: list[str]) -> tuple[float, float, float, float]:
    """Precision, recall, F1 and accuracy of predicted days against the gold days."""
    n = len(gold)
    tp = sum(p == g for p, g in zip(predicted, gold, strict=True))
    fn = sum(p is None for p in predicted)
    fp = n - tp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, tp / n


def run(shared: pathlib.Path) -> list[dict]:
    """Score ``parse_html(...).published`` against the gold dates; [] when data is absent."""
    results = evaluate(shared)
    if not results:
        return []
    n = len(results)
    gold = [r["gold"] for r in results]
    precision, recall, f1, accuracy = _scores([r["predicted"] for r in results], gold)
    rows = [
        {
            "facet": "date (published)",
            "dataset": f"htmldate dev ({n} pages)",
            "n": n,
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "accuracy": round(accuracy, 4),
            "ms_per_doc": round(1000 * sum(r["seconds"] for r in results) / n, 2),
        }
    ]
    if results[0]["htmldate_ran"]:
        from importlib.metadata import version

        theirs = [r["htmldate"] for r in results]
        precision, recall, f1, accuracy = _scores(theirs, gold)
        agree = sum(r["htmldate"] == r["predicted"] for r in results)
        rows.append(
            {
                "facet": f"htmldate {version('htmldate')} itself (reference), published date",
                "dataset": f"htmldate dev ({n} pages)",
                "n": n,
                "precision": round(precision, 4),
                "recall": round(recall, 4),
                "f1": round(f1, 4),
                "accuracy": round(accuracy, 4),
                "ms_per_doc": None,
            }
        )
        rows.append(
            {
                "facet": "agreement with htmldate (reference), published date",
                "dataset": f"htmldate dev ({n} pages)",
                "n": n,
                "precision": None,
                "recall": None,
                "f1": None,
                "accuracy": round(agree / n, 4),
                "ms_per_doc": None,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=pathlib.Path, default=ROOT.parent / "shared")
    parser.add_argument("--errors", action="store_true", help="also list wrong and missing dates")
    parser.add_argument(
        "--compare", action="store_true", help="list the pages where searchkit and htmldate differ"
    )
    args = parser.parse_args()
    if args.compare:
        for r in evaluate(args.shared):
            if r["predicted"] != r["htmldate"]:
                mark = "searchkit" if r["predicted"] == r["gold"] else "neither"
                mark = "htmldate" if r["htmldate"] == r["gold"] else mark
                print(
                    f"gold {r['gold']} searchkit {r['predicted']} htmldate {r['htmldate']} "
                    f"right: {mark:9} {r['rule']!s:24} {r['url']}"
                )
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
