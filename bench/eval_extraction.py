"""Extraction quality of every facet in one table, then the targets and whether each is met.

Runs the evaluation modules in ``bench/evals`` (conll, seeds, zyte, htmldate, language and any
other module there), each of which scores one extractor on a data set of ../shared and returns
rows of precision, recall, F1, accuracy and milliseconds per document::

    python bench/eval_extraction.py                  # every evaluation, data in ../shared
    python bench/eval_extraction.py --only language  # one of them
    python bench/eval_extraction.py --shared /path/to/shared

``--shared`` defaults to ``../shared`` beside the repository. An evaluation whose data is
absent is skipped with a printed line; one that fails is reported and the others still run
(exit status 1). Progress goes to stderr, so stdout is only the markdown. Each module also
runs alone with more detail (``python bench/evals/zyte.py --worst 10``, ...).
"""

from __future__ import annotations

import argparse
import importlib
import pathlib
import pkgutil
import re
import sys
import time
import traceback
from dataclasses import dataclass

ROOT = pathlib.Path(__file__).resolve().parents[1]
EVALS = ROOT / "bench" / "evals"
for _path in (ROOT, EVALS):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

# The order of the table; modules not listed here follow in name order.
ORDER = ("conll", "seeds", "zyte", "htmldate", "language")
COLUMNS = ("precision", "recall", "f1", "accuracy")


@dataclass(frozen=True)
class Target:
    """A goal for the rows whose facet and dataset match the patterns."""

    goal: str
    facet: str  # regular expression matched against the whole facet
    dataset: str  # regular expression matched at the start of the dataset
    metric: str
    bound: float
    lower_is_better: bool = False

    def rows(self, rows: list[dict]) -> list[dict]:
        return [
            row
            for row in rows
            if re.fullmatch(self.facet, row["facet"]) and re.match(self.dataset, row["dataset"])
        ]

    def met(self, row: dict) -> bool:
        value = row[self.metric]
        if value is None:
            return False
        return value < self.bound if self.lower_is_better else value >= self.bound


TARGETS = (
    Target("actor PER F1 >= 0.90 on CoNLL testa", "actor PER", "conll2003 testa", "f1", 0.90),
    Target("actor ORG F1 >= 0.75 on CoNLL testa", "actor ORG", "conll2003 testa", "f1", 0.75),
    Target("country F1 >= 0.95 (every country row)", r"country.*", "", "f1", 0.95),
    Target("actor F1 >= 0.95 on the seeds", "actor", "seeds", "f1", 0.95),
    Target("Zyte main-text F1 >= 0.93", "main text", "zyte", "f1", 0.93),
    Target("date accuracy >= 0.90", r"date.*", "htmldate", "accuracy", 0.90),
    Target(
        "language accuracy >= 0.98 on texts of 200+ characters",
        "language",
        "all texts, 200\\+ chars",
        "accuracy",
        0.98,
    ),
    Target(
        "extraction under 10 ms per 3 KB document",
        r".*\(speed\)",
        "",
        "ms_per_doc",
        10.0,
        lower_is_better=True,
    ),
)


def evaluation_names() -> list[str]:
    """The modules of bench/evals, in table order."""
    found = sorted(m.name for m in pkgutil.iter_modules([str(EVALS)]) if not m.name.startswith("_"))
    return [name for name in ORDER if name in found] + [n for n in found if n not in ORDER]


def run_all(names: list[str], shared: pathlib.Path) -> tuple[list[dict], list[str], bool]:
    """Rows of every evaluation, the lines saying what was skipped, and whether all ran."""
    rows: list[dict] = []
    notes: list[str] = []
    ok = True
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            found = importlib.import_module(name).run(shared)
        except Exception as error:  # one broken evaluation must not hide the others
            traceback.print_exc(file=sys.stderr)
            notes.append(f"- {name}: FAILED ({type(error).__name__}: {error})")
            ok = False
            continue
        elapsed = time.perf_counter() - started
        print(f"  {len(found)} rows in {elapsed:.1f} s", file=sys.stderr, flush=True)
        if not found:
            notes.append(f"- {name}: skipped, its data is absent under {shared}")
        rows.extend(found)
    return rows, notes, ok


def _number(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def markdown_table(rows: list[dict]) -> str:
    """One markdown table of the rows."""
    lines = [
        "| facet | dataset | n | precision | recall | F1 | accuracy | ms/doc |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        scores = " | ".join(_number(row[column]) for column in COLUMNS)
        ms = _number(row["ms_per_doc"], 2)
        lines.append(f"| {row['facet']} | {row['dataset']} | {row['n']} | {scores} | {ms} |")
    return "\n".join(lines)


def target_lines(rows: list[dict]) -> list[str]:
    """One line per target and matching row: the value and whether the target is met."""
    lines = []
    for target in TARGETS:
        matched = target.rows(rows)
        if not matched:
            lines.append(f"- not measured: {target.goal} (no row; data absent?)")
        for row in matched:
            verdict = "met" if target.met(row) else "MISSED"
            value = _number(row[target.metric], 2 if target.metric == "ms_per_doc" else 3)
            where = f"{row['facet']}, {row['dataset']}"
            lines.append(f"- {verdict}: {target.goal}: {target.metric} {value} ({where})")
    return lines


def main() -> int:
    names = evaluation_names()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=pathlib.Path, default=ROOT.parent / "shared")
    parser.add_argument("--only", choices=names, help="run this evaluation only")
    args = parser.parse_args()
    rows, notes, ok = run_all([args.only] if args.only else names, args.shared)
    for note in notes:
        print(note)
    if notes:
        print()
    if rows:
        print(markdown_table(rows))
        print("\nTargets:\n")
        print("\n".join(target_lines(rows)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
