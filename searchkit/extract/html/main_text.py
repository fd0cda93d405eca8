"""The main text of a page: the element whose paragraphs outweigh the noise around them.

Boilerplate elements (by their hints, unless they turn out to wrap the article) are left out,
both from the choice of the container and from the blocks read inside it.
"""

from __future__ import annotations

import html as html_lib
import re

from .layout import ITEM, SECTION, Block, Layout

_MIN_PARAGRAPH = 70  # characters
_MAX_LINK_DENSITY = 0.5  # of a paragraph
_NOISE_WEIGHT = 0.3  # a character of noise cancels this much paragraph text
_FULL_WEIGHT_DEPTH = 3  # a paragraph counts fully up to three levels above its element
_SCORE_DEPTH = 100  # ... and not at all in the score of elements further up (broken pages)
# The weight of a paragraph in the score of the element so many levels above its own.
_WEIGHTS = [1.0] + [min(1.0, _FULL_WEIGHT_DEPTH / d) for d in range(1, _SCORE_DEPTH)]
_WIDEN_SHARE = 0.5  # widen to an ancestor adding at least half as much paragraph text
_WIDEN_RATIO = 4.0  # ... and four times more paragraph text than noise
_ITEM_LIMIT = 400  # a small item holding this much paragraph text is not what its class says
_DROP_LINK_DENSITY = 0.7  # blocks of the main text that are mostly links are dropped
_HEADINGS = frozenset(("h2", "h3", "h4", "h5", "h6"))
_NOT_CONTAINERS = _HEADINGS | {"h1", "p", "a", "span", "li", "tr"}
_RELATED_HEADING = re.compile(
    r"related|you (?:may|might) (?:also )?like|more (?:from|stories|news)|read (?:next|these)|"
    r"recommended|também|pode gostar|mais lidas|lesen sie auch|mehr zum thema|könnte sie auch|"
    r"weitere artikel|lire aussi|sur le même sujet|vous aimerez|potrebbe interessar|leggi anche|"
    r"articoli correlati|te puede interesar|relacionad|читайте также|похожие|читайте також|схожі",
    re.I,
)
_BOILERPLATE_LINE = re.compile(
    r"^(?:advertisement|anzeige|publicité|werbung|read more|read also|see also|related|share|"
    r"follow us|sign up|subscribe|click here|lesen sie auch|lire aussi|à lire aussi|"
    r"leia também|leggi anche|читайте также|читайте також|ver también|lee también)\b",
    re.I,
)


class MainText:
    """The article text of a layout: its container element and the blocks read from it."""

    def __init__(self, layout: Layout, json_ld_body: str = "") -> None:
        self.layout = layout
        self.container = -1
        self.block_indexes: list[int] = []
        self.boilerplate: list[bool] = []
        paragraphs: list[str] = []
        if layout.blocks:
            self.boilerplate = _boilerplate(layout)
            container = _choose_container(layout, self.boilerplate, _MIN_PARAGRAPH)
            if container is None:  # pages of short lines (poems, lists) have no paragraphs
                container = _choose_container(layout, self.boilerplate, 1)
            self.container = container if container is not None else 0
            paragraphs = self._read()
        self.text = "\n\n".join(paragraphs)
        if json_ld_body and _coverage(json_ld_body, self.text) < 0.5:
            # Measured on the Zyte pages, the extracted text beats a JSON-LD articleBody
            # (often cut at 500 characters), so the latter only stands in for a failure.
            plain = html_lib.unescape(re.sub(r"<[^>]+>", "\n", json_ld_body))
            self.text = "\n\n".join(line.strip() for line in plain.splitlines() if line.strip())
            self.block_indexes = []

    def _read(self) -> list[str]:
        layout, container = self.layout, self.container
        parents = layout.parents
        # Which elements below the container lie inside boilerplate, set parents first.
        buried = [False] * len(parents)
        for index in range(container + 1, layout.ends[container]):
            buried[index] = self.boilerplate[index] or buried[parents[index]]
        # Whether each element below the container follows a heading announcing links to
        # other articles (its own, or an ancestor's), known once text inside it is read: by
        # then every earlier sibling has been read.
        cut: dict[int, bool] = {container: False}
        cut_after: dict[int, int] = {}  # parent -> heading announcing links to other articles
        paragraphs: list[str] = []
        for number, block in enumerate(layout.blocks):
            if not layout.inside(block.owner, container):
                continue
            unknown = []
            index = block.owner
            while index not in cut:
                unknown.append(index)
                index = parents[index]
            for index in reversed(unknown):
                parent = parents[index]
                cut[index] = cut[parent] or cut_after.get(parent, index) < index
            if cut[block.owner]:
                continue
            tag = layout.tags[block.owner]
            if tag in _HEADINGS and _is_related_heading(block, layout):
                cut_after[parents[block.owner]] = block.owner
                continue
            if buried[block.owner] or tag == "h1":
                continue
            if block.link_chars > _DROP_LINK_DENSITY * block.chars:
                continue
            if block.chars < 120 and _BOILERPLATE_LINE.match(block.text):
                continue
            if paragraphs and paragraphs[-1] == block.text:
                continue
            paragraphs.append(block.text)
            self.block_indexes.append(number)
        return paragraphs


def _coverage(reference: str, text: str) -> float:
    """Share of the words of ``reference`` that also occur in ``text``."""
    words = set(re.findall(r"\w+", reference.lower()))
    return len(words & set(re.findall(r"\w+", text.lower()))) / len(words) if words else 1.0


def _is_related_heading(block: Block, layout: Layout) -> bool:
    """A heading that introduces teasers of other articles ("Related", "Lesen Sie auch")."""
    if layout.boilerplate_kind[block.owner] == SECTION:
        return True
    if block.link_chars or block.chars > 40:  # "Related post: <link>" is a link, not a heading
        return False
    return bool(_RELATED_HEADING.search(block.text))


def _is_paragraph(block: Block, min_chars: int = _MIN_PARAGRAPH) -> bool:
    return block.chars >= min_chars and block.link_chars <= _MAX_LINK_DENSITY * block.chars


def _boilerplate(layout: Layout) -> list[bool]:
    """Which elements are boilerplate: hinted so, unless they turn out to wrap the article."""
    count = len(layout.tags)
    paragraph_chars = [0] * count  # the element's own, then summed up, children first
    for block in layout.blocks:
        if _is_paragraph(block):
            paragraph_chars[block.owner] += block.chars
    # The paragraph text of the largest article-named element inside each element.
    article_inside = [0] * count
    for index in range(count - 1, 0, -1):
        parent = layout.parents[index]
        if parent >= 0:
            paragraph_chars[parent] += paragraph_chars[index]
            own = paragraph_chars[index] if layout.names_article[index] else 0
            article_inside[parent] = max(article_inside[parent], article_inside[index], own)
    total = paragraph_chars[0] if count else 0
    result = []
    for index, kind in enumerate(layout.boilerplate_kind):
        chars = paragraph_chars[index]
        wraps_article = chars > 0 and article_inside[index] >= 0.5 * chars
        if kind == ITEM:
            wraps_article = wraps_article or chars >= _ITEM_LIMIT
        elif layout.tags[index] == "form":  # ASP.NET pages wrap everything in one form
            wraps_article = wraps_article or chars >= 0.5 * total
        result.append(kind != 0 and not wraps_article)
    return result


def _choose_container(layout: Layout, boilerplate: list[bool], min_chars: int) -> int | None:
    """The element whose text is most paragraph-like: paragraph text minus weighted noise.

    Noise is link text, short fragments and anything inside boilerplate below the element.
    A paragraph counts fully for its first few ancestors and less for distant ones, so that a
    page-wide wrapper holding the article plus teasers loses to the article's own element; it
    adds nothing to the score of elements ``_SCORE_DEPTH`` or more levels up, which keeps the walk
    short on broken pages of thousands of unclosed elements.
    The winner is then widened to an ancestor that only adds more clean paragraph text (an
    article split into sections). None when no element holds a paragraph.
    """
    count = len(layout.tags)
    parents = layout.parents
    # The nearest boilerplate element at or above each element: where a paragraph's text
    # stops being clean and becomes noise for the elements further up.
    fence = [-1] * count
    for index in range(count):
        if boilerplate[index]:
            fence[index] = index
        elif parents[index] >= 0:
            fence[index] = fence[parents[index]]
    score = [0.0] * count
    clean_text = [0.0] * count
    far_text = [0.0] * count  # clean text from more than _SCORE_DEPTH levels below
    noise = [0] * count  # whole characters, so their sum is exact in any order
    for block in layout.blocks:
        owner = block.owner
        if not _is_paragraph(block, min_chars):
            noise[owner] += block.chars
            continue
        noise[owner] += block.link_chars
        if fence[owner] > 0:  # the root has nothing above it
            noise[parents[fence[owner]]] += block.chars - block.link_chars
        density = block.link_chars / block.chars
        clean = (block.chars - block.link_chars) * (1 - density)
        index, distance = owner, 0
        while index >= 0:
            if distance == _SCORE_DEPTH:
                far_text[index] += clean
                break
            score[index] += clean * _WEIGHTS[distance]
            clean_text[index] += clean
            if boilerplate[index]:
                break
            index, distance = parents[index], distance + 1
    # Noise and distant clean text add up to the ancestors, children before parents.
    for index in range(count - 1, 0, -1):
        parent = parents[index]
        noise[parent] += noise[index]
        if far_text[index]:
            clean_text[index] += far_text[index]
            if not boilerplate[index]:
                far_text[parent] += far_text[index]
    if count and far_text[0]:
        clean_text[0] += far_text[0]
    excluded = [False] * count  # boilerplate and everything inside it
    for index in range(count):
        parent = layout.parents[index]
        excluded[index] = boilerplate[index] or (parent >= 0 and excluded[parent])
    best, best_score = -1, 0.0
    for index in range(count):
        if excluded[index] or layout.tags[index] in _NOT_CONTAINERS:
            continue
        value = score[index] - _NOISE_WEIGHT * noise[index]
        if clean_text[index] > 0 and (best < 0 or value >= best_score):
            best, best_score = index, value
    if best < 0:
        return None
    widened = best
    for index in layout.ancestors(best):
        if excluded[index]:
            break
        extra_text = clean_text[index] - clean_text[best]
        extra_noise = noise[index] - noise[best]
        if (
            extra_text >= _WIDEN_SHARE * clean_text[best]
            and extra_text >= _WIDEN_RATIO * extra_noise
        ):
            widened = index
    return widened
