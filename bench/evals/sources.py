"""Source types on real pages: the share left ``unknown`` on the Zyte and htmldate pages.

Each page is read as ``searchkit index`` reads an HTML file (``parse_html``, then the document's
source rule), with the page's address given, as a crawler would. There is no gold type, so
the row gives the share of pages whose type is ``unknown`` (accuracy = 1 - that share); the
types given were checked by hand as the report says (``--list`` prints every page with its
type and reason, to check them again).

Run alone: ``python bench/evals/sources.py [--shared ../shared] [--list]``.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
import time
from collections import Counter

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for _path in (ROOT, HERE):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))


def evaluate(shared: pathlib.Path) -> list[tuple[str, str, str, str, str, float]]:
    """Per page: dataset, url, source name, source type, reason and seconds."""
    from glued_words import _pages

    from searchkit.config import ExtractConfig
    from searchkit.extract.documents import _source
    from searchkit.extract.formats import RawArticle
    from searchkit.extract.html import parse_html

    config = ExtractConfig()
    results = []
    for dataset, _key, markup, url in _pages(shared):
        page = parse_html(markup, url)
        article = RawArticle(title=page.title, body=page.text, html=page)
        started = time.perf_counter()
        name, mention = _source(article, page.url or url, config)
        elapsed = time.perf_counter() - started
        results.append((dataset, page.url or url, name, mention.value, mention.rule, elapsed))
    return results


def run(shared: pathlib.Path) -> list[dict]:
    """One row per data set; [] when neither is present."""
    results = evaluate(shared)
    rows = []
    for dataset in ("zyte", "htmldate"):
        pages = [r for r in results if r[0] == dataset]
        if not pages:
            continue
        types = Counter(r[3] for r in pages)
        mix = ", ".join(f"{kind} {count}" for kind, count in types.most_common())
        rows.append(
            {
                "facet": "source type known (not unknown)",
                "dataset": f"{dataset} ({len(pages)} pages: {mix})",
                "n": len(pages),
                "precision": None,
                "recall": None,
                "f1": None,
                "accuracy": round(1 - types["unknown"] / len(pages), 4),
                "ms_per_doc": round(1000 * sum(r[5] for r in pages) / len(pages), 3),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=pathlib.Path, default=ROOT.parent / "shared")
    parser.add_argument("--list", action="store_true", help="list every page's type and reason")
    args = parser.parse_args()
    if args.list:
        for dataset, url, name, kind, reason, _ in sorted(evaluate(args.shared), key=str):
            print(f"{dataset:8} {kind:8} {name[:30]!r:32} {reason[:60]:60} {url}")
    for row in run(args.shared):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
