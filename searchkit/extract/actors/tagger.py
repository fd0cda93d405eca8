"""Name tagger: an averaged perceptron that labels capitalised tokens PER, ORG, LOC or MISC.

Only *candidate* tokens are labelled: tokens with a capital letter, plus name particles and
short numbers that sit between them ("Bank of England", "Loyola de Palacio"). All
other tokens are outside any name, which keeps the tagger cheap: a news article has a few
dozen candidates, not hundreds of tokens.

Each run of adjacent candidates (within a sentence) is labelled as a whole: BIO labels, the
best sequence under a first-order model (Viterbi), scored from sparse features of the token,
its neighbours, the usual case of the word in news text, the gazetteers (countries, cities,
demonyms, person titles, organisation words), evidence from the rest of the document, and the
previous label. The weights are trained on CoNLL-2003 ``eng.train`` by
``scripts/build_actor_tables.py`` and ship as ``searchkit/data/actor_model.json.gz``.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from operator import add

from .name_tokens import LOWER, Tokens, is_capitalised, word_shape
from .names import tables


def _read_gzip_json(name: str):
    """A gzipped JSON file of the package data."""
    data = (resources.files("searchkit") / "data" / name).read_bytes()
    return json.loads(gzip.decompress(data))


LABELS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC")


@dataclass(frozen=True)
class Lexicon:
    """Word lists the tagger reads: usual case of words, gazetteer phrases, titles."""

    casing: dict[str, str]
    phrases: dict[tuple[str, ...], str]
    neighbours: dict[str, tuple[str, str]]  # capitalised word -> usual word before, after
    titles: frozenset[str]
    org_words: frozenset[str]
    particles: frozenset[str]  # lower-case words inside names: "of", "de", "bin"
    calendar: frozenset[str]  # month and day names, never a name on their own
    longest_from: dict[str, int]  # first word of a phrase -> most words of such a phrase


@cache
def lexicon() -> Lexicon:
    """Load ``actor_lexicon.json.gz`` (and the title lists of the name rules) once."""
    raw = _read_gzip_json("actor_lexicon.json.gz")
    casing: dict[str, str] = {}
    for code, words in raw["casing"].items():
        for word in words.split():
            casing[word] = code
    casing.update(raw["casing_forms"])
    phrases: dict[tuple[str, ...], str] = {}
    for kind, spellings in raw["phrases"].items():
        for spelling in spellings:
            phrases.setdefault(tuple(spelling.split()), kind)
    longest_from: dict[str, int] = {}
    for phrase in phrases:
        longest_from[phrase[0]] = max(len(phrase), longest_from.get(phrase[0], 0))
    name_tables = tables()
    return Lexicon(
        casing=casing,
        phrases=phrases,
        neighbours={w: tuple(pair.split(" ", 1)) for w, pair in raw["neighbours"].items()},
        titles=name_tables.titles,
        org_words=name_tables.org_words,
        particles=name_tables.cues["particles"],
        calendar=name_tables.cues["calendar"],
        longest_from=longest_from,
    )


class Model:
    """Perceptron weights: a row of label scores per feature, stored as integers."""

    def __init__(self, rows: dict[str, tuple[int, ...]]) -> None:
        self.rows = rows
        self._columns: dict[str, list[tuple[float, ...]]] = {}

    def emission(self, feats: list[str]) -> list[int]:
        """Label scores from the features of one token."""
        rows = list(filter(None, map(self.rows.get, feats)))
        return list(map(sum, zip(*rows, strict=True))) if rows else [0] * len(LABELS)

    def columns(self, shape: str) -> list[tuple[float, ...]]:
        """Transition scores into each label from each previous label, for a token shape."""
        cols = self._columns.get(shape)
        if cols is None:
            rows = []
            for prev in LABELS:
                found = [r for r in map(self.rows.get, history_features(prev, shape)) if r]
                rows.append([sum(c) for c in zip(*found, strict=True)] if found else _ZEROS)
            cols = transition_columns(rows)
            self._columns[shape] = cols
        return cols


_ZEROS = (0,) * len(LABELS)


@cache
def model() -> Model:
    """Load the perceptron weights once (``actor_model.json.gz``)."""
    raw = _read_gzip_json("actor_model.json.gz")
    size = len(LABELS)
    rows = {}
    for feat, flat in raw["weights"].items():
        row = [0] * size
        for k in range(0, len(flat), 2):
            row[flat[k]] = flat[k + 1]
        rows[feat] = tuple(row)
    return Model(rows)


class Context:
    """Per-document facts the features read: candidates, gazetteer hits, case evidence."""

    def __init__(self, tokens: Tokens, lex: Lexicon) -> None:
        self.tokens = tokens
        forms = tokens.forms
        n = self.n = len(forms)
        lower = self.lower = [f.lower() for f in forms]
        capital = [f[:1].isupper() or ("-" in f and is_capitalised(f)) for f in forms]
        initial, heading = tokens.initial, tokens.heading
        self.seen_lower = {f for f in forms if f.islower()}
        self.seen_capital = {
            lower[i] for i in range(n) if capital[i] and not initial[i] and not heading[i]
        }
        casing = lex.casing
        cand = _candidates(forms, lower, capital, lex.particles)
        for i in range(n):
            if cand[i] and (
                lower[i] in lex.calendar
                or (
                    initial[i]
                    and casing.get(lower[i]) == LOWER
                    and lower[i] not in self.seen_capital
                    and (i + 1 == n or not cand[i + 1] or initial[i + 1])
                )
            ):
                cand[i] = False  # "The", "However", "Monday": never a name on their own
        self.candidate = cand
        self.runs = _runs(cand, initial)
        self.gazetteer = _gazetteer_tags(lower, capital, lex)
        self.casing = [""] * n
        self.shape = [""] * n
        for i in range(n):
            if cand[i]:
                self.casing[i] = casing.get(lower[i], "?")
                for j in (i - 1, i, i + 1):
                    if 0 <= j < n and not self.shape[j]:
                        self.shape[j] = word_shape(forms[j])
        self.titles = lex.titles
        self.org_words = lex.org_words
        self.neighbours = lex.neighbours
        self.evidence = _document_evidence(self, lex)


_PLACE_WORDS = frozenset(["in", "at", "near", "from", "to"])


def _document_evidence(ctx: Context, lex: Lexicon) -> dict[str, set[str]]:
    """What the whole document says about each capitalised word: seen after a title (T),
    in a name ending with an organisation word (O), after a place preposition (L)."""
    evidence: dict[str, set[str]] = {}
    lower = ctx.lower
    for start, end in {ctx.runs[i] for i in range(ctx.n) if ctx.candidate[i]}:
        before = lower[start - 1] if start else ""
        after = lower[end] if end < ctx.n else ""
        cues = set()
        if before in lex.titles:
            cues.add("T")
        if lower[end - 1] in lex.org_words or after in lex.org_words:
            cues.add("O")
        if before in _PLACE_WORDS:
            cues.add("L")
        for k in range(start, end):
            evidence.setdefault(lower[k], set()).update(cues)
    return evidence


def _candidates(
    forms: list[str], lower: list[str], capital: list[bool], particles: frozenset[str]
) -> list[bool]:
    """Capitalised tokens, and particles or short numbers between two of them."""
    n = len(forms)
    cand = list(capital)
    for i in range(1, n - 1):
        if cand[i] or not capital[i - 1]:
            continue
        word = lower[i]
        if word in particles or (forms[i].isdigit() and len(forms[i]) <= 4):
            # A particle or number joins a name only when a capitalised word follows it.
            j = i + 1
            while j < n - 1 and lower[j] in particles and not capital[j]:
                j += 1
            if capital[j]:
                for k in range(i, j):
                    cand[k] = True
    return cand


def _runs(cand: list[bool], initial: list[bool]) -> list[tuple[int, int]]:
    """For each candidate token, the (start, end) of its run; runs stop at sentence starts."""
    runs = [(0, 0)] * len(cand)
    i = 0
    while i < len(cand):
        if not cand[i]:
            i += 1
            continue
        j = i + 1
        while j < len(cand) and cand[j] and not initial[j]:
            j += 1
        for k in range(i, j):
            runs[k] = (i, j)
        i = j
    return runs


def run_spans(ctx: Context) -> list[tuple[int, int]]:
    """The runs of candidates of a document, in order."""
    return sorted({ctx.runs[i] for i in range(ctx.n) if ctx.candidate[i]})


def _gazetteer_tags(lower: list[str], capital: list[bool], lex: Lexicon) -> list[str]:
    """Longest gazetteer phrase starting at each capitalised token, as B-/I- tags."""
    n = len(lower)
    tags = [""] * n
    longest = lex.longest_from
    covered = 0
    for i in [i for i in range(n) if capital[i] and lower[i] in longest]:
        if i < covered:
            continue
        for size in range(min(longest[lower[i]], n - i), 0, -1):
            kind = lex.phrases.get(tuple(lower[i : i + size]))
            if kind:
                tags[i] = "B-" + kind
                for k in range(i + 1, i + size):
                    tags[k] = "I-" + kind
                covered = i + size
                break
    return tags


def static_features(ctx: Context, i: int) -> list[str]:
    """Features of token ``i`` that do not depend on the labels before it."""
    lower, shape = ctx.lower, ctx.shape
    n = ctx.n
    w = lower[i]
    p1 = lower[i - 1] if i > 0 else "<s>"
    p2 = lower[i - 2] if i > 1 else "<s>"
    n1 = lower[i + 1] if i + 1 < n else "</s>"
    n2 = lower[i + 2] if i + 2 < n else "</s>"
    sh = shape[i]
    toks = ctx.tokens
    init = "I" if toks.initial[i] else "-"
    start, end = ctx.runs[i]
    size = end - start
    where = "S" if size == 1 else "B" if i == start else "E" if i == end - 1 else "I"
    feats = [
        "b",
        "w=" + w,
        "sh=" + sh,
        "p3=" + w[:3],
        "s3=" + w[-3:],
        "s4=" + w[-4:],
        "s2=" + w[-2:],
        "case=" + ctx.casing[i] + init,
        "init=" + init + sh,
        "hd=" + ("H" if toks.heading[i] else "-") + sh,
        "w-1=" + p1,
        "w-2=" + p2,
        "w+1=" + n1,
        "w+2=" + n2,
        "w-1w=" + p1 + "|" + w,
        "ww+1=" + w + "|" + n1,
        "sh-1=" + (shape[i - 1] if i > 0 else "<s>") + "|" + sh,
        "sh+1=" + sh + "|" + (shape[i + 1] if i + 1 < n else "</s>"),
        "run=" + where + str(min(size, 4)),
        "gz=" + ctx.gazetteer[i],
        "gz-1=" + (ctx.gazetteer[i - 1] if i > 0 else ""),
        "gz+1=" + (ctx.gazetteer[i + 1] if i + 1 < n else ""),
    ]
    if size > 1:
        feats.append("last=" + lower[end - 1])
        feats.append("first=" + lower[start])
        if lower[end - 1] in ctx.org_words:
            feats.append("org-head")
    if p1 in ctx.titles or (p1 == "." and i > 1 and lower[i - 2] in ctx.titles):
        feats.append("title-1")
    if w in ctx.titles:
        feats.append("title")
    if w in ctx.org_words:
        feats.append("org-word")
    feats.extend("dc=" + cue for cue in ctx.evidence.get(w, ()))
    usual = ctx.neighbours.get(w)
    if usual:
        feats.append("ub=" + usual[0])
        feats.append("ua=" + usual[1])
    if w in ctx.seen_lower:
        feats.append("doc-lower")
    if w in ctx.seen_capital:
        feats.append("doc-capital" + init)
    return feats


def history_features(prev: str, shape: str) -> list[str]:
    """Features that read the previous label: the transition, and with the token's shape."""
    return ["t-1=" + prev, "t-1sh=" + prev + "|" + shape]


#: For each label, the labels allowed before it (I-X only continues B-X or I-X).
ALLOWED_PREVIOUS = tuple(
    tuple(range(len(LABELS)))
    if not label.startswith("I-")
    else tuple(k for k, p in enumerate(LABELS) if p[2:] == label[2:])
    for label in LABELS
)


def transition_columns(rows) -> list[tuple[float, ...]]:
    """Turn per-previous-label score rows into per-label columns, with -inf where a
    label may not follow the previous one."""
    size = len(LABELS)
    return [
        tuple(rows[p][c] if p in ALLOWED_PREVIOUS[c] else _NEVER for p in range(size))
        for c in range(size)
    ]


_NEVER = float("-inf")
_INSIDE = tuple(label.startswith("I-") for label in LABELS)


def viterbi(emissions: list, columns) -> list[int]:
    """The best label sequence of one run; ``columns(t)`` gives the transition scores at t."""
    size = len(LABELS)
    cols = columns(0)
    delta = [_NEVER if _INSIDE[c] else emissions[0][c] + cols[c][0] for c in range(size)]
    if len(emissions) == 1:
        return [delta.index(max(delta))]
    back = []
    for t in range(1, len(emissions)):
        cols = columns(t)
        scores = emissions[t]
        new = []
        pointers = []
        for c in range(size):
            values = list(map(add, delta, cols[c]))
            best = max(values)
            pointers.append(values.index(best))
            new.append(best + scores[c])
        back.append(pointers)
        delta = new
    best = delta.index(max(delta))
    path = [best]
    for pointers in reversed(back):
        best = pointers[best]
        path.append(best)
    return path[::-1]


def tag(tokens: Tokens, lex: Lexicon | None = None) -> list[tuple[str, int, int]]:
    """The names in ``tokens`` as (type, first token, end token) spans, in text order."""
    lex = lex or lexicon()
    weights = model()
    ctx = Context(tokens, lex)
    shape = ctx.shape
    spans: list[tuple[str, int, int]] = []
    for start, end in run_spans(ctx):
        emissions = [weights.emission(static_features(ctx, i)) for i in range(start, end)]
        path = viterbi(emissions, lambda t, start=start: weights.columns(shape[start + t]))
        if any(path):
            spans.extend((kind, start + a, start + b) for kind, a, b in entity_spans(path))
    return spans


def entity_spans(path: list[int]) -> list[tuple[str, int, int]]:
    """Turn a sequence of BIO label indexes into (type, first, end) spans."""
    spans: list[tuple[str, int, int]] = []
    start, kind = -1, ""
    for i, index in enumerate([*path, 0]):
        label = LABELS[index]
        if label[:2] == "I-" and label[2:] == kind:
            continue
        if kind:
            spans.append((kind, start, i))
        kind, start = (label[2:], i) if index else ("", -1)
    return spans
