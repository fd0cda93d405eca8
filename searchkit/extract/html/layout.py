"""The parsed body as a table of elements (tag, class/id hints, parent) and runs of text.

Each element is numbered and hinted as boilerplate or article by its tag and class/id, and
elements that may state the publication date are marked with the date they carry. The text is
cut into blocks at block-level elements and at elements hinted as boilerplate, content or date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bs4 import NavigableString, Tag

_BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset "  # noqa: SIM905
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav "
    "ol p pre section summary table tbody td tfoot th thead tr ul option select".split()
)
# Elements never read: no article text, or not text at all.
_SKIP_TAGS = frozenset(
    "head title script style noscript template svg math iframe frame object embed video audio "  # noqa: SIM905
    "canvas map button select option input textarea picture img nav menu dialog label link "
    "meta base".split()
)
_STRUCTURAL_BOILERPLATE = frozenset(("header", "footer", "aside", "form"))
_NEVER_BOILERPLATE = frozenset(("html", "body", "main", "article"))
# Figures and their captions are left out of the text, unless a "figure" holds paragraphs.
_ITEM_TAGS = frozenset(("figure", "figcaption"))

# Class/id hints for boilerplate, in three kinds:
# - sections that can hold long text (comments, related stories, cookie notices): boilerplate
#   even when the element also looks like content ("related-content");
# - small items (bylines, captions, tags, share bars): boilerplate unless they turn out to
#   hold several paragraphs ("entry-content-read-more", a CMS "meta_field" wrapping a post);
# - page regions (menus, headers, sidebars, widgets), often wrappers: give way to a content
#   hint ("content-sidebar-wrap").
# An element's kind is 0 when nothing is hinted; ``main_text`` treats each kind differently.
SECTION, ITEM, REGION = 1, 2, 3
_SECTION_HINT = re.compile(
    r"comment(?!ary)|disqus|related|recommend|newsletter|subscri|signup|cookie|consent|gdpr|"
    r"outbrain|taboola|promo|sponsor|advert|trending|popular|more-stories|also-read|"
    r"author-?(?:bio|info|box)"
)
_ITEM_HINT = re.compile(
    r"share|sharing|social|breadcrumb|byline|caption|read-?more|"
    r"(?:^|[\s_-])(?:ad|ads|sr-only|visually-hidden|screen-reader-text|tags?|tag-?list|meta|"
    r"credits?|print|skip|jump|login|rating|hide)(?:$|[\s_-])"
)
_REGION_HINT = re.compile(
    r"(?:^|\s)widget|sidebar|navigation|navbar|masthead|toolbar|pagination|"
    r"(?:^|[\s_-])(?:menu|nav|pager|popup|modal|banner|footer|header)(?:$|[\s_-])"
)
# Posts embedded in an article (tweets, Instagram) belong to it, whatever the wrapper is called.
_EMBED_HINT = re.compile(r"tweet|embed|instagram-media")
_POSITIVE_HINT = re.compile(
    r"article|body|content|entry|main|"
    r"(?:^|[\s_-])(?:post|story|text|prose|blog|rich-?text)(?:$|[\s_-])"
)
# Hints naming the article itself. Such an element inside "boilerplate" (a "page-ad-margins"
# wrapper, an ASP.NET page-wide form) shows that the wrapper is not boilerplate.
_ARTICLE_HINT = re.compile(
    r"articlebody|entry-?content|post-?(?:body|content|text)|main-?content|rich-?text|body-?text|"
    r"(?:^|[\s_-])(?:article|story)(?:[_-]{1,2}(?:body|content|text))?(?:$|[\s_-])"
)
# Elements that may state when the article was published.
_DATE_HINT = re.compile(r"date|time|publish|posted|datum|fecha|byline|entry-meta|post-meta")
_NOT_PUBLISHED_HINT = re.compile(r"updat|modif|comment|read|edit")
_DATE_TEXT_CHARS = 80
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


@dataclass(slots=True)
class Block:
    """A run of text between block boundaries, and the element that holds it."""

    text: str
    chars: int
    link_chars: int
    owner: int


class Layout:
    """The body as a table of elements (tag, hints, parent) and a list of text blocks.

    Elements are numbered in document order, so a parent always precedes its children and an
    element's descendants are the elements numbered after it and before its ``ends`` entry.
    """

    def __init__(self, root: Tag) -> None:
        self.tags: list[str] = []
        self.parents: list[int] = []
        self.boilerplate_kind: list[int] = []  # 0, or the kind of boilerplate hinted
        self.names_article: list[bool] = []
        self.dated: dict[int, str] = {}  # element -> machine-readable date it carries
        self.dated_text: dict[int, str] = {}  # element without one -> the start of its text
        self.blocks: list[Block] = []
        self._parts: list[str] = []
        self._link_chars = 0
        self._walk(root)
        self.ends = list(range(1, len(self.tags) + 1))  # one past each element's last descendant
        for index in range(len(self.tags) - 1, 0, -1):
            parent = self.parents[index]
            self.ends[parent] = max(self.ends[parent], self.ends[index])

    def ancestors(self, index: int) -> Iterator[int]:
        while index >= 0:
            yield index
            index = self.parents[index]

    def inside(self, index: int, ancestor: int) -> bool:
        """Whether element ``index`` is ``ancestor`` or one of its descendants."""
        return 0 <= ancestor <= index < self.ends[ancestor]

    def _flush(self, owner: int) -> None:
        lines = "".join(self._parts).split("\n")
        text = "\n".join(joined for line in lines if (joined := " ".join(line.split())))
        if text:
            link_chars = min(self._link_chars, len(text))
            self.blocks.append(Block(text, len(text), link_chars, owner))
        self._parts = []
        self._link_chars = 0

    def _walk(self, root: Tag) -> None:
        # Iterative, so that pathologically deep markup cannot exhaust the stack.
        stack: list[tuple[Any, int, bool]] = [(root, -1, False)]
        owners: list[int] = []
        while stack:
            node, parent, in_link = stack.pop()
            if node is None:  # leaving a boundary element
                self._flush(owners.pop())
                continue
            if isinstance(node, NavigableString):
                if type(node) is not NavigableString:
                    continue
                text = str(node)
                if text.strip():
                    self._parts.append(text)
                    if in_link:
                        self._link_chars += len(" ".join(text.split()))
                elif self._parts:  # "<a>sacked</a> <b>last</b>": the space between is a space
                    self._parts.append(" ")
                continue
            if not isinstance(node, Tag):
                continue
            tag = node.name.lower()
            if tag == "br":
                self._parts.append("\n")
                continue
            if tag in _SKIP_TAGS or _hidden(node):
                if tag in _BLOCK_TAGS and self._parts:  # a skipped block still breaks the line
                    self._parts.append("\n")
                continue
            index = len(self.tags)
            if self._add_element(node, tag, parent):
                if owners:
                    self._flush(owners[-1])
                owners.append(index)
                stack.append((None, index, False))
            link = in_link or tag == "a"
            stack.extend((child, index, link) for child in reversed(node.contents))
        if self._parts and owners:
            self._flush(owners[-1])

    def _add_element(self, node: Tag, tag: str, parent: int) -> bool:
        """Record an element; return whether it starts a new text block."""
        hints = " ".join(f"{node.get('class') or ''} {node.get('id') or ''}".lower().split())
        itemprop = node.get("itemprop")
        positive = itemprop == "articleBody" or bool(hints and _POSITIVE_HINT.search(hints))
        kind = 0
        if tag in _NEVER_BOILERPLATE or (hints and _EMBED_HINT.search(hints)):
            pass
        elif tag in _ITEM_TAGS:
            kind = ITEM
        elif hints and _SECTION_HINT.search(hints):
            kind = SECTION
        elif hints and _ITEM_HINT.search(hints):
            kind = ITEM
        elif tag in _STRUCTURAL_BOILERPLATE or (not positive and _REGION_HINT.search(hints)):
            kind = REGION
        index = len(self.tags)
        self.tags.append(tag)
        self.parents.append(parent)
        self.boilerplate_kind.append(kind)
        names_article = tag in ("article", "main") or itemprop == "articleBody"
        names_article = names_article or bool(_ARTICLE_HINT.search(hints))
        self.names_article.append(names_article and kind != SECTION)
        dated = tag == "time" or itemprop in ("datePublished", "dateCreated")
        dated = dated or bool(hints and _DATE_HINT.search(hints))
        if dated and _NOT_PUBLISHED_HINT.search(f"{hints} {itemprop or ''}".lower()):
            dated = False  # "Updated <time>" stays one block, so the date keeps its label
        if dated:
            value = node.get("datetime") or node.get("content") or node.get("title") or ""
            self.dated[index] = value.strip() if isinstance(value, str) else ""
            if not self.dated[index]:
                # Parts of a date in elements of their own ("<span>Apr</span><span>04</span>
                # <span>2013</span>") are fields, read apart.
                self.dated_text[index] = node.get_text(" ", strip=True)[:_DATE_TEXT_CHARS]
        return tag in _BLOCK_TAGS or kind != 0 or positive or dated


def _hidden(node: Tag) -> bool:
    if node.has_attr("hidden") or node.get("aria-hidden") == "true":
        return True
    style = node.get("style")
    return isinstance(style, str) and bool(_HIDDEN_STYLE.search(style))
