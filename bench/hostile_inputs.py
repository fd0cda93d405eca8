"""Extraction time of hostile pages beside an ordinary article, measured in the same run.

    python bench/hostile_inputs.py [--repeat 3]

The tests in tests/test_bad_input.py check that each of these pages is extracted correctly;
how long that takes is measured here, not asserted there (a loaded machine must not fail a
test). Each figure is the best of ``--repeat`` runs of ``extract_file`` in this process, and
the ratio to an ordinary 4 KB article shows whether a shape costs more than its size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from searchkit.config import ExtractConfig
from searchkit.extract.pipeline import extract_file

WORD = "quetzalcoatl"
ORDINARY = (
    "<html><head><title>Talks resume</title></head><body><article><h1>Talks resume</h1>"
    + "<p>Officials in Kharkiv said on Tuesday that talks on the grain corridor would resume."
    " The Ministry of Defence reported drone attacks along the northern border.</p>"
    * 25
    + "</article></body></html>"
)


def _page(body: str) -> str:
    return (
        "<html><head><title>Deep nesting</title></head><body><article><h1>Deep nesting</h1>"
        f"{body}<p>The buried word is {WORD}.</p></article></body></html>"
    )


def shapes() -> dict[str, str]:
    rows = "".join(
        f"<tr><td>row {i}</td><td>{i * 7} shells</td><td>Kharkiv oblast</td></tr>"
        for i in range(5_000)
    )
    sentence = "The Ministry of Defence said on day {i} that the European Union and NATO had met."
    return {
        "ordinary article (4 KB)": ORDINARY,
        "10,000 nested <div>": _page("<div>" * 10_000),
        "5,000 <b><i> pairs": _page("<b><i>" * 5_000 + "</i></b>" * 5_000),
        "5,000 nested <div><p> with text": _page(
            "".join(f"<div class='c{i}'><p>text {i} " for i in range(5_000))
        ),
        "5,000-row table": _page(f"<table>{rows}</table>"),
        "1,000 sentences, 3,000 organisations (.txt)": "Annual report\n"
        + " ".join(sentence.format(i=i) for i in range(1_000)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    config = ExtractConfig()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        warm = Path(tmp) / "warm.html"
        warm.write_text(ORDINARY, encoding="utf-8")
        extract_file(str(warm), config)  # language profiles and tables load once
        for name, text in shapes().items():
            path = Path(tmp) / ("page.txt" if name.endswith("(.txt)") else "page.html")
            path.write_text(text, encoding="utf-8")
            best = float("inf")
            for _ in range(args.repeat):
                started = time.perf_counter()
                result = extract_file(str(path), config)
                best = min(best, time.perf_counter() - started)
            ok = bool(result.documents) and not result.skipped
            rows.append((name, len(text.encode()) / 1024, best * 1000, ok))
    base = rows[0][2]
    print(f"| input | KB | ms (best of {args.repeat}) | x ordinary | extracted |")
    print("|---|--:|--:|--:|---|")
    for name, kb, ms, ok in rows:
        print(f"| {name} | {kb:.0f} | {ms:.0f} | {ms / base:.1f} | {'yes' if ok else 'NO'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
