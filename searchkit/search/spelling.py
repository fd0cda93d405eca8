"""Did-you-mean: which indexed word a misspelt query word most likely meant.

Pure functions: the searcher gathers candidate words with their frequencies from the index
(``SearchContext.suggest``); here they are ranked. The closest edit wins (one edit before two,
a swap of two neighbouring letters counting as one edit, as in Damerau's distance), then the
more frequent word. Candidates are compared in their plain form ("trump", not "trump’s").
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: Queries longer than this are pasted text, not typed words: no suggestion.
MAX_WORDS = 10
MAX_CHARS = 200
#: Corrections further than this from the typed word are guesses, not corrections.
MAX_EDITS = 2

_ASCII = "abcdefghijklmnopqrstuvwxyz"
_POSSESSIVE = re.compile(r"['’](?:s)?$")
_WORD = re.compile(r"\w+")


def should_suggest(text: str) -> bool:
    """Whether a query is short enough for a did-you-mean line."""
    return len(text) <= MAX_CHARS and len(_WORD.findall(text)) <= MAX_WORDS


def plain_form(word: str) -> str:
    """The word without a possessive ending: "microsoft's" -> "microsoft"."""
    plain = _POSSESSIVE.sub("", word)
    return plain or word


def edits1(word: str) -> set[str]:
    """Every string one edit away from ``word``: a letter deleted, inserted or replaced, or
    two neighbouring letters swapped (letters a-z and the word's own)."""
    letters = sorted(set(_ASCII) | {c for c in word if c.isalpha()})
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserts = {a + c + b for a, b in splits for c in letters}
    return (deletes | swaps | replaces | inserts) - {word}


def distance(a: str, b: str) -> int:
    """Edits between ``a`` and ``b``: insertions, deletions, substitutions and swaps of two
    neighbouring letters, each counting one (optimal string alignment distance)."""
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def rank_corrections(
    word: str, candidates: Mapping[str, float], max_edits: int = MAX_EDITS
) -> list[str]:
    """Plain forms of ``candidates`` (word -> frequency) within ``max_edits`` of ``word``,
    best first: fewest edits, then the most frequent, then alphabetical."""
    typed = word.lower()
    best: dict[str, float] = {}
    for form, frequency in candidates.items():
        plain = plain_form(form.lower())
        if plain != typed:
            best[plain] = max(best.get(plain, 0.0), frequency)
    ranked = sorted((distance(typed, form), -frequency, form) for form, frequency in best.items())
    return [form for edits, _, form in ranked if edits <= max_edits]


def replace_word(text: str, word: str, correction: str) -> tuple[str, bool]:
    """``text`` with its first ``word`` (whole, any case) replaced by ``correction``, capitalised
    where the word was, and whether it was found."""
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)

    def keep_case(m: re.Match) -> str:
        return correction.capitalize() if m.group()[:1].isupper() else correction

    replaced, n = pattern.subn(keep_case, text, count=1)
    return replaced, bool(n)


def best_correction(word: str, candidates: Mapping[str, float]) -> str | None:
    """The best of ``rank_corrections``, or None."""
    ranked = rank_corrections(word, candidates)
    return ranked[0] if ranked else None
