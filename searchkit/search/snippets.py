"""Snippets: the passage of a body that best shows why it matched, with the matches marked."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..engine.analysis import language_field, text_analyzer

SNIPPET_CHARS = 240
# Long bodies are only scanned this far for matches: enough for any snippet worth reading.
SCAN_CHARS = 200_000
# C0 and C1 controls (ESC starts every terminal escape), zero-width and bidi controls
# (including U+061C, the Arabic letter mark) that could reorder or hide what is shown.
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069]"
)


def clean_text(text: str) -> str:
    """One line of printable text: control characters (ANSI escapes too) and runs of
    white space become single spaces, so indexed text can never drive a terminal."""
    return " ".join(_UNPRINTABLE.sub(" ", text).split())


def _matches(body: str, words: Sequence[str], lang: str, stemming: bool) -> list[tuple[int, int]]:
    analyzer = text_analyzer(language_field(lang) if stemming else "xx", stemming)
    wanted = {t.text for t in analyzer(" ".join(words))}
    if not wanted:
        return []
    return [
        (t.startchar, t.endchar)
        for t in analyzer(body[:SCAN_CHARS], chars=True, removestops=False)
        if t.text in wanted
    ]


def _best_window(spans: list[tuple[int, int]], body: str, width: int) -> int:
    """Start of the width-character window holding the most distinct matched words."""
    best_start, best_score = 0, -1
    for i, (start, _) in enumerate(spans):
        inside = {body[a:b].lower() for a, b in spans[i:] if b <= start + width}
        if len(inside) > best_score:
            best_start, best_score = start, len(inside)
    # Start a little before the first match, at a word boundary, so it reads in context.
    start = max(0, best_start - width // 4)
    if start:
        space = body.find(" ", start)
        start = space + 1 if 0 <= space < best_start else start
    return start


def make_snippet(
    body: str, words: Sequence[str], lang: str, stemming: bool = True, width: int = SNIPPET_CHARS
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """(snippet, highlight spans in the snippet) for ``body`` and the query's ``words``."""
    spans = _matches(body, words, lang, stemming) if words else []
    start = _best_window(spans, body, width) if spans else 0
    end = min(len(body), start + width)
    if end < len(body):
        space = body.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    # Clean the window while tracking where each original character lands.
    out: list[str] = []
    where: dict[int, int] = {}
    pending_space = False
    for i in range(start, end):
        ch = body[i]
        if ch.isspace() or _UNPRINTABLE.match(ch):
            pending_space = bool(out)
            continue
        if pending_space:
            out.append(" ")
            pending_space = False
        where[i] = len(out)
        out.append(ch)
    text = "".join(out)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(body) else ""
    marks = []
    for a, b in spans:
        if a >= start and b <= end and a in where and (b - 1) in where:
            marks.append((where[a] + len(prefix), where[b - 1] + 1 + len(prefix)))
    return prefix + text + suffix, tuple(marks)
