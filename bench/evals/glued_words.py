"""Glued words in the extracted main text: words the page's rendered text does not have.

"<a>was sacked</a> </strong>last night" must give "sacked last", not "sackedlast". A word of
``parse_html(...).text`` is counted as glued when it is absent from the page's rendered text
and is the join of two words that the rendered text has ("sacked" + "last"). The rendered text
is every text node of the body as written, with whitespace wherever a browser breaks a line
(block elements and ``<br>``); scripts, styles and comments are left out. Words are ``\\w+``
tokens, lower-cased.

Rows: the Zyte pages and the htmldate pages (real news pages); ``n`` is the number of pages,
accuracy the share of pages without a glued word, and the dataset names the glued words.

Run alone: ``python bench/evals/glued_words.py [--shared ../shared] [--list]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import pathlib
import re
import sys
import time
from collections.abc import Iterator

ROOT = pathlib.Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_WORD = re.compile(r"\w+")
# Elements a browser lays out as blocks (and so separates from their neighbours).
_BLOCKS = frozenset(
    "address article aside blockquote body br center dd details dialog dir div dl dt fieldset "  # noqa: SIM905
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav "
    "ol p pre section summary table tbody td tfoot th thead tr ul option select".split()
)
_HIDDEN = frozenset(("script", "style", "noscript", "template", "head", "title"))


def _pages(shared: pathlib.Path) -> Iterator[tuple[str, str, bytes, str]]:
    """(dataset, page id, markup, url) of the Zyte and htmldate pages that are present."""
    zyte = shared / "data" / "zyte_article_extraction"
    if (zyte / "ground-truth.json").is_file():
        gold = json.loads((zyte / "ground-truth.json").read_text(encoding="utf-8"))
        for key, item in sorted(gold.items()):
            markup = gzip.decompress((zyte / "html" / f"{key}.html.gz").read_bytes())
            yield "zyte", key, markup, item.get("url", "")
    dates = shared / "data" / "htmldate_dev"
    if (dates / "gold.json").is_file():
        gold = json.loads((dates / "gold.json").read_text(encoding="utf-8"))
        for url, item in sorted(gold.items()):
            yield "htmldate", item["file"], (dates / "pages" / item["file"]).read_bytes(), url


def rendered_words(markup: bytes) -> set[str]:
    """The lower-cased words of the page's text as a browser lays it out."""
    from bs4 import BeautifulSoup, NavigableString, Tag

    from searchkit.extract.html import decode_markup

    soup = BeautifulSoup(decode_markup(markup), "lxml")
    parts: list[str] = []
    stack: list = [soup]
    while stack:
        node = stack.pop()
        if isinstance(node, str) and not isinstance(node, NavigableString):
            parts.append(node)  # a separator pushed below
        elif isinstance(node, NavigableString):
            if type(node) is NavigableString:
                parts.append(str(node))
        elif isinstance(node, Tag) and node.name not in _HIDDEN:
            block = node.name in _BLOCKS
            if block:
                parts.append(" ")
                stack.append(" ")
            stack.extend(reversed(node.contents))
    return set(_WORD.findall("".join(parts).lower()))


def glued_words(text: str, rendered: set[str]) -> list[str]:
    """Words of ``text`` absent from ``rendered`` that are two rendered words joined."""
    glued = []
    for word in dict.fromkeys(_WORD.findall(text.lower())):
        if word in rendered or len(word) < 4:
            continue
        if any(word[:cut] in rendered and word[cut:] in rendered for cut in range(1, len(word))):
            glued.append(word)
    return glued


def evaluate(shared: pathlib.Path) -> list[tuple[str, str, list[str], float]]:
    """Per page: dataset, page id, its glued words and the extraction's seconds."""
    from searchkit.extract.html import parse_html

    results = []
    for dataset, key, markup, url in _pages(shared):
        started = time.perf_counter()
        text = parse_html(markup, url).text
        elapsed = time.perf_counter() - started
        results.append((dataset, key, glued_words(text, rendered_words(markup)), elapsed))
    return results


def run(shared: pathlib.Path) -> list[dict]:
    """One row per data set; [] when neither is present."""
    results = evaluate(shared)
    rows = []
    for dataset in ("zyte", "htmldate"):
        pages = [r for r in results if r[0] == dataset]
        if not pages:
            continue
        words = [word for page in pages for word in page[2]]
        with_glue = sum(1 for page in pages if page[2])
        shown = ", ".join(words[:6]) + (", ..." if len(words) > 6 else "")
        rows.append(
            {
                "facet": "main text without glued words",
                "dataset": (
                    f"{dataset} ({len(pages)} pages): {len(words)} glued words on "
                    f"{with_glue} pages" + (f" ({shown})" if words else "")
                ),
                "n": len(pages),
                "precision": None,
                "recall": None,
                "f1": None,
                "accuracy": round(1 - with_glue / len(pages), 4),
                "ms_per_doc": round(1000 * sum(page[3] for page in pages) / len(pages), 2),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=pathlib.Path, default=ROOT.parent / "shared")
    parser.add_argument("--list", action="store_true", help="list the glued words of each page")
    args = parser.parse_args()
    if args.list:
        for dataset, key, words, _ in evaluate(args.shared):
            if words:
                print(f"{dataset} {key}: {' '.join(words)}")
    for row in run(args.shared):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
