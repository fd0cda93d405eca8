"""Did-you-mean accuracy on generated misspellings of frequent BBC words.

Takes the most frequent words of the BBC corpus (../shared/data/bbc_news; four letters or
more, stop words left out since the index does not hold them), makes one random edit in
each (a letter inserted, deleted or replaced, or two neighbouring letters swapped; fixed
seed; an edit that gives a word the index knows is drawn again, since only unknown words
get a suggestion), and counts how often the suggestion is the original word:

- before: the previous rule, kept here as the baseline (the most frequent index term within
  two edits of the word's term, first letter kept, written as difflib's closest form);
- after: what ``Index.search`` suggests now (``searchkit.search.spelling``).

    python bench/eval_spelling.py                      # builds a BBC index in a temp folder
    python bench/eval_spelling.py --index /tmp/bbc-ix  # reuses (or builds) that index
"""

from __future__ import annotations

import argparse
import difflib
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from searchkit import Index

ROOT = Path(__file__).resolve().parent.parent
BBC = ROOT.parent / "shared" / "data" / "bbc_news"
KINDS = ("insert", "delete", "substitute", "transpose")
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def frequent_words(folder: Path, count: int, is_stop_word) -> list[str]:
    counts: Counter[str] = Counter()
    for path in sorted(folder.rglob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace").lower()
        counts.update(w for w in re.findall(r"[a-z]+", text) if len(w) >= 4)
    return [w for w, _ in counts.most_common(count * 3) if not is_stop_word(w)][:count]


def misspell(word: str, rng: random.Random) -> tuple[str, str]:
    kind = rng.choice(KINDS)
    i = rng.randrange(len(word))
    if kind == "insert":
        return kind, word[:i] + rng.choice(LETTERS) + word[i:]
    if kind == "delete":
        return kind, word[:i] + word[i + 1 :]
    if kind == "substitute":
        return kind, word[:i] + rng.choice(LETTERS.replace(word[i], "")) + word[i + 1 :]
    i = min(i, len(word) - 2)
    swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return kind, swapped


def baseline_correction(snapshot, word: str) -> str | None:
    """The rule before: the most frequent term within two edits, written as difflib's
    closest form in the first document holding it."""
    best = None
    for fieldname, term, freq in snapshot.terms_near(word, 2):
        if best is None or freq > best[0]:
            best = (freq, fieldname, term)
    if best is None:
        return None
    _, fieldname, term = best
    forms = snapshot.surface_forms(fieldname, term)
    return difflib.get_close_matches(word.lower(), forms, n=1, cutoff=0)[0] if forms else term


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=BBC)
    parser.add_argument("--index", type=Path, help="index folder to reuse or build")
    parser.add_argument("--words", type=int, default=200)
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()
    if not args.data.exists():
        print(f"skipped: {args.data} is not available")
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        where = args.index or Path(tmp) / "bbc-index"
        if not (where / "searchkit.json").exists():
            started = time.perf_counter()
            with Index.create(where) as index:
                report = index.update([args.data])
            print(f"indexed {report.added} files in {time.perf_counter() - started:.0f} s")
        with Index.open(where) as index:
            snapshot = index._context().snapshot  # the baseline reads the vocabulary itself

            def is_stop_word(word: str) -> bool:
                return not snapshot.word_frequencies([word]) and snapshot.is_known(word)

            words = frequent_words(args.data, args.words, is_stop_word)
            rng = random.Random(args.seed)
            cases, redrawn = [], 0
            for word in words:
                for _ in range(50):
                    kind, typo = misspell(word, rng)
                    if typo != word and not snapshot.is_known(typo):
                        break
                    redrawn += 1
                cases.append((word, kind, typo))

            right = {"before": Counter(), "after": Counter()}
            seconds = {"before": 0.0, "after": 0.0}
            misses = []
            for word, kind, typo in cases:
                started = time.perf_counter()
                before = baseline_correction(snapshot, typo)
                seconds["before"] += time.perf_counter() - started
                started = time.perf_counter()
                suggestion = index.search(typo, limit=0, facets=()).suggestion
                seconds["after"] += time.perf_counter() - started
                after = suggestion.lower() if suggestion else None
                right["before"][kind] += before == word
                right["after"][kind] += after == word
                if after != word:
                    misses.append(f"{typo} -> {after} (meant {word}; before: {before})")

    n = len(cases)
    per_kind = Counter(kind for _, kind, _ in cases)
    print(f"{n} misspellings of the {n} most frequent BBC words (4+ letters, no stop words)")
    print(f"seed {args.seed}; {redrawn} edits redrawn because they gave a known word")
    print(f"{'':12}{'before':>10}{'after':>10}{'n':>6}")
    for kind in KINDS:
        b, a = right["before"][kind], right["after"][kind]
        print(f"{kind:12}{b / per_kind[kind]:>10.3f}{a / per_kind[kind]:>10.3f}{per_kind[kind]:>6}")
    total_before = sum(right["before"].values()) / n
    total_after = sum(right["after"].values()) / n
    print(f"{'accuracy':12}{total_before:>10.3f}{total_after:>10.3f}{n:>6}")
    print(
        f"{'ms/word':12}{1000 * seconds['before'] / n:>10.1f}{1000 * seconds['after'] / n:>10.1f}"
        "   (after: a whole search with its suggestion)"
    )
    print("misses (after):")
    for line in misses[:25]:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
