"""Tokens for name finding: words with offsets, sentence starts, headings and true case.

Names are found on tokens, not characters. A token keeps its offset in the text so that a
mention can point back at its surface form. Two things make capitalisation a poor guide on
its own, and both are repaired here before any name is looked for:

* the first word of a sentence is capitalised whatever it is ("Sources said ...");
* headings capitalise every word ("Russia's Reaction To Western Military Aid", "LEICESTERSHIRE
  TAKE OVER AT TOP"). Their words get the case they usually have (``true case``): the case the
  same word has elsewhere in the document, else its usual case in news text (a table shipped
  as package data), so "Reaction" reads as "reaction" and "LEICESTERSHIRE" as "Leicestershire".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Abbreviations that keep their full stop, so "Mr. Putin" and "U.S. President" stay one token.
_ABBREVIATIONS = (
    "Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Col|Lt|Sgt|Capt|Rep|Sen|Gov|Prof|Rev|Mt|Co|Corp|Inc|Ltd|"
    "Maj|Adm|Cmdr|Brig|Pres|Messrs|Mme|Mlle|Ft|No|vs"
)
_TOKEN_RE = re.compile(
    r"(?:[A-Za-z]\.){2,}"  # dotted acronyms: U.S., U.N.
    rf"|(?:{_ABBREVIATIONS}|[A-Z])\.(?=\s)"  # titles and initials: Mr. J.
    r"|\w+(?:[-&]\w+|['’](?![sS]\b)\w+)*"  # words, with inner hyphens and apostrophes
    r"|['’][sS]\b"  # the possessive 's is a token of its own
    r"|\n|\*\*+"  # line breaks and bold marks are read, not kept: they end sentences
    r"|\S"
)
_SENTENCE_END = frozenset(".!?")
_OPENERS = frozenset("\"'“‘«([*")

#: Usual case of a word in running text, from the casing table: lower, capitalised, mixed.
LOWER, CAPITAL, MIXED = "l", "c", "m"


@dataclass
class Tokens:
    """The tokens of one text, as parallel lists (one entry per token).

    ``words`` are the surface forms, ``forms`` the true-cased forms the tagger reads,
    ``initial`` marks sentence-initial tokens and ``heading`` tokens on a heading line;
    ``lines`` holds the (first, end) token range of every line, ``capitals`` the indexes of
    the tokens written with a capital first letter.
    """

    text: str
    words: list[str]
    starts: list[int]
    ends: list[int]
    forms: list[str]
    initial: list[bool]
    heading: list[bool]
    lines: list[tuple[int, int]]
    capitals: list[int]

    def __len__(self) -> int:
        return len(self.words)

    def surface(self, i: int, j: int) -> str:
        """The text covered by tokens ``i`` to ``j - 1``."""
        return self.text[self.starts[i] : self.ends[j - 1]]


def split_words(text: str) -> tuple[list[str], list[int], list[int], list[int]]:
    """Split ``text`` into word and punctuation tokens; possessive 's becomes its own token.

    Returns words, start offsets, end offsets, and the index of the first token of each line.
    """
    spans = [m.span() for m in _TOKEN_RE.finditer(text)]
    words = [text[a:b] for a, b in spans]
    breaks = [k for k, w in enumerate(words) if w == "\n" or w[:2] == "**"]
    line_starts = [0]
    if breaks:
        kept_words: list[str] = []
        kept_spans: list[tuple[int, int]] = []
        previous = 0
        for k in [*breaks, len(words)]:
            kept_words.extend(words[previous:k])
            kept_spans.extend(spans[previous:k])
            if len(kept_words) != line_starts[-1] and k < len(words):
                line_starts.append(len(kept_words))
            previous = k + 1
        words, spans = kept_words, kept_spans
    return words, [a for a, _ in spans], [b for _, b in spans], line_starts


def is_capitalised(word: str) -> bool:
    """True for words that start with a capital letter (after an optional particle)."""
    return word[:1].isupper() or ("-" in word and word.rpartition("-")[2][:1].isupper())


def tokenize(text: str, casing: dict[str, str] | None = None) -> Tokens:
    """Tokenize ``text`` and work out sentence starts, heading lines and true case."""
    casing = casing or {}
    words, starts, ends, line_starts = split_words(text)
    n = len(words)
    lines = [(a, b) for a, b in zip(line_starts, [*line_starts[1:], n], strict=True) if b > a]
    # Only capitalised words need to know whether they start a sentence.
    capitals: list[int] = []
    initial = [False] * n
    heading = [False] * n
    for first, end in lines:
        line_capitals = [i for i in range(first, end) if words[i][:1].isupper()]
        capitals.extend(line_capitals)
        for i in line_capitals:
            k = i - 1
            while k >= first and words[k] in _OPENERS:
                k -= 1
            initial[i] = k < first or words[k] in _SENTENCE_END
        if _is_heading(words[first:end], casing):
            heading[first:end] = [True] * (end - first)
    forms = _true_case(words, initial, heading, casing)
    return Tokens(text, words, starts, ends, forms, initial, heading, lines, capitals)


def _is_heading(words: list[str], casing: dict[str, str]) -> bool:
    alpha = [w for w in words if w[:1].isalpha()]
    if len(alpha) < 2:
        return False
    letters = [w for w in alpha if len(w) > 1]
    if len(letters) >= 2 and all(w.isupper() for w in letters):
        return True
    # Title case: every longer word is capitalised, though some are usually lower case.
    longer = [w for w in alpha if len(w) > 3]
    return (
        len(alpha) >= 3
        and all(w[:1].isupper() for w in longer)
        and any(casing.get(w.lower()) == LOWER for w in longer)
        and words[-1] not in (".", ",", ";")
    )


def _true_case(
    words: list[str], initial: list[bool], heading: list[bool], casing: dict[str, str]
) -> list[str]:
    """Give heading words and sentence-initial words the case they have in running text."""
    forms = list(words)
    if not any(heading):
        return forms
    seen: dict[str, str] = {}
    for i, word in enumerate(words):
        if not heading[i] and not initial[i] and word[:1].isalpha():
            seen.setdefault(word.lower(), word)
    for i, word in enumerate(words):
        # Sentence-initial words keep their form: the tagger sees the usual case as a feature.
        if not heading[i] or not word[:1].isalpha():
            continue
        lower = word.lower()
        usual = casing.get(lower)
        if lower in seen:
            forms[i] = seen[lower]
        elif usual == LOWER:
            forms[i] = lower
        elif not word.isupper() or len(word) < 2:
            continue
        elif usual in (CAPITAL, MIXED) or (usual is None and len(word) > 4):
            forms[i] = word.capitalize()
        elif usual is not None:
            forms[i] = usual
    return forms


@lru_cache(maxsize=65536)
def word_shape(word: str) -> str:
    """A short shape code: "Xx", "X", "XX", "x", "d", "X.X.", with runs collapsed."""
    out = []
    for ch in word[:12]:
        if ch.isupper():
            code = "X"
        elif ch.islower():
            code = "x"
        elif ch.isdigit():
            code = "d"
        else:
            code = ch
        if not out or out[-1] != code:
            out.append(code)
    return "".join(out)
