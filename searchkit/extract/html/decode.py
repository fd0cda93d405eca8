"""From page bytes to markup worth parsing: the text decoding, and the cut of raw-text elements."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from bs4 import UnicodeDammit

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]*encoding=["']([\w.:-]+)""", re.I
)
# Browsers read these labels as windows-1252, a superset of them.
_LATIN = frozenset(("latin-1", "iso8859-1", "ascii", "cp1252"))


def decode_markup(data: bytes) -> str:
    """Decode an HTML page: byte-order mark, then declared charset, then UTF-8, then detection.

    A page declared as Latin-1 or windows-1252 whose bytes are valid UTF-8 with non-ASCII
    characters is read as UTF-8: a stale declaration is far more common than Latin-1 text that
    happens to be valid UTF-8.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    head = data[:2048]
    if head.count(b"\x00") > len(head) // 4:  # UTF-16 without a byte-order mark
        encoding = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
        return data.decode(encoding, errors="replace")
    declared = _declared_encoding(data[:8192])
    if declared == "cp1252" and not data.isascii():
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if declared and not declared.startswith(("utf-16", "utf-32")):
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    dammit = UnicodeDammit(data, is_html=True)
    return dammit.unicode_markup or data.decode("cp1252", errors="replace")


def _declared_encoding(head: bytes) -> str:
    match = _DECLARED.search(head)
    if match is None:
        return ""
    label = (match.group(1) or match.group(2)).decode("ascii", "replace").lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return ""
    return "cp1252" if name in _LATIN else name


# Raw-text elements are cut before parsing: they hold no article text, and building their
# nodes is a large share of the parsing time on script-heavy pages. The HTML tokenizer ends
# them at the first matching closing tag, and so does this.
_RAW_TAGS = ("script", "style", "textarea", "template", "svg", "math", "noscript")
_RAW_START = re.compile(rf"<({'|'.join(_RAW_TAGS)})\b[^>]*>|<!--", re.I)
_RAW_END = {tag: re.compile(rf"</{tag}\s*>", re.I) for tag in _RAW_TAGS}


# Publication times in the data a page's scripts carry (Next.js, Nuxt and CMS state): the
# last resort for pages that are rendered by script and state their date nowhere else.
_SCRIPT_DATE = re.compile(
    r'"(?P<key>datePublished|publishedAt|published_at|publishDate|publishedDate|'
    r'firstPublishedAt|createdAt|dateCreated)"\s*:\s*"(?P<value>\d{4}-\d{2}-\d{2}[^"]{0,30})"'
)


@dataclass(frozen=True)
class RawText:
    """What the cut of raw-text elements keeps aside from the markup."""

    json_ld: list[str]  # the JSON-LD payloads
    script_dates: list[tuple[str, str]]  # (key, value) of dates in other scripts' data


def cut_raw_text(html: str) -> tuple[str, RawText]:
    """Return ``html`` without scripts, styles and comments, and what its scripts state."""
    kept: list[str] = []
    json_ld: list[str] = []
    script_dates: list[tuple[str, str]] = []
    position = 0
    while match := _RAW_START.search(html, position):
        kept.append(html[position : match.start()])
        tag = (match.group(1) or "").lower()
        if not tag:  # a comment; an unclosed one only loses its "<!--"
            end = html.find("-->", match.end())
            position = match.end() if end < 0 else end + 3
            continue
        closing = _RAW_END[tag].search(html, match.end())
        content_end = closing.start() if closing else len(html)
        if tag == "script" and "ld+json" in match.group(0).lower():
            json_ld.append(html[match.end() : content_end])
        elif tag == "script" and (found := _SCRIPT_DATE.search(html, match.end(), content_end)):
            script_dates.append((found["key"], found["value"]))
        position = closing.end() if closing else len(html)
    kept.append(html[position:])
    return "".join(kept), RawText(json_ld, script_dates)
