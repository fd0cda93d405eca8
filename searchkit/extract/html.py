"""Article extraction from HTML pages: main text, title, publication date and page metadata.

The page is decoded (BOM, declared charset, then detection); scripts, styles and comments are
cut out before parsing, keeping the JSON-LD aside. The parsed body is flattened into a
``_Layout``: a table of elements (tag, class/id hints, parent) and the runs of text between
block boundaries. The main text is the element whose paragraphs weigh most against the noise
around them (see ``_choose_container``), read without the boilerplate inside it.

The constants below were set by measuring on the Zyte article-extraction benchmark and the
htmldate evaluation pages (``bench/evals/zyte.py``, ``bench/evals/htmldate.py``).
"""

from __future__ import annotations

import codecs
import datetime as dt
import html as html_lib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag, UnicodeDammit
from bs4.builder import builder_registry

from ..model import Mention
from .dates import date_from_url, find_byline_date, find_dateline, first_date, parse_date

__all__ = ["HtmlArticle", "decode_markup", "parse_html"]

_PARSER = "lxml" if builder_registry.lookup("lxml") else "html.parser"


@dataclass(frozen=True)
class HtmlArticle:
    """What ``parse_html`` found in one page; empty values where nothing was found."""

    title: str
    text: str
    published: dt.date | None
    published_evidence: Mention | None
    url: str
    site_name: str
    page_type: str
    language: str
    authors: tuple[str, ...]
    description: str


def parse_html(markup: bytes | str, url: str = "") -> HtmlArticle:
    """Extract the article of an HTML page; never raises on malformed markup.

    ``url`` is where the page came from; it resolves a relative canonical link and is one of
    the sources of the publication date.
    """
    html = decode_markup(markup) if isinstance(markup, bytes) else markup.lstrip("\ufeff")
    html, json_ld = _cut_raw_text(html.replace("\x00", ""))
    # Attribute values stay strings: splitting every class attribute costs a tenth of the time.
    soup = BeautifulSoup(html, _PARSER, multi_valued_attributes=None)
    page = _Page(soup, _json_ld_entities(json_ld), url)
    layout = _Layout(soup.body or soup)
    main = _MainText(layout, page.json_ld_body())
    canonical = page.canonical_url() or url
    published, evidence = _published(page, layout, main, canonical)
    return HtmlArticle(
        title=page.title(),
        text=main.text,
        published=published,
        published_evidence=evidence,
        url=canonical,
        site_name=page.site_name(),
        page_type=page.page_type(),
        language=page.language(),
        authors=page.authors(),
        description=page.description(),
    )


# --- decoding -------------------------------------------------------------------------------

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


def _cut_raw_text(html: str) -> tuple[str, list[str]]:
    """Return ``html`` without scripts, styles and comments, and its JSON-LD payloads."""
    kept: list[str] = []
    json_ld: list[str] = []
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
        position = closing.end() if closing else len(html)
    kept.append(html[position:])
    return "".join(kept), json_ld


# --- JSON-LD --------------------------------------------------------------------------------

_ARTICLE_TYPE = re.compile(r"(Article|Posting|Report|Story|VideoObject|Recipe|Review)$")


def _json_ld_entities(payloads: list[str]) -> list[dict[str, Any]]:
    """The page's top-level JSON-LD entities, with @graph, lists and mainEntity unfolded."""
    entities: list[dict[str, Any]] = []
    for payload in payloads:
        try:
            data = json.loads(payload.strip().rstrip(";"), strict=False)
        except ValueError:
            continue
        entities.extend(_unfold(data, depth=0))
    return entities


def _unfold(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 5:
        return
    if isinstance(data, list):
        for item in data:
            yield from _unfold(item, depth + 1)
    elif isinstance(data, dict):
        if "@type" in data:
            yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if isinstance(data.get(key), dict | list):
                yield from _unfold(data[key], depth + 1)


def _types(entity: dict[str, Any]) -> list[str]:
    kind = entity.get("@type")
    values = kind if isinstance(kind, list) else [kind]
    return [value for value in values if isinstance(value, str)]


def _names(value: Any) -> list[str]:
    """Names from a JSON-LD person or organisation: a string, a dict, or a list of them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return []


# --- page metadata --------------------------------------------------------------------------

_AUTHOR_KEYS = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "byl",
)
_BYLINE_PREFIX = re.compile(
    r"^\s*(?:by|von|par|por|di|door|de|автор|written by|posted by)\b[:\s]*", re.I
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|&|\b(?:and|und|et|y|e|и|і)\b)\s*")
_TITLE_SEPARATORS = re.compile(r"\s+[|–—\-:·»]\s+")


def _clean(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


class _Page:
    """Page-level metadata from meta tags, link relations and JSON-LD, gathered in one pass."""

    def __init__(self, soup: BeautifulSoup, entities: list[dict[str, Any]], url: str) -> None:
        self.url = url
        self.entities = entities
        self.main = next((e for e in entities if any(map(_ARTICLE_TYPE.search, _types(e)))), None)
        if self.main is None:
            self.main = next((e for e in entities if "headline" in e or "datePublished" in e), None)
        self.meta: dict[str, list[str]] = {}
        self.canonical = ""
        self.lang = ""
        self.h1 = ""
        self.title_tag = ""
        self.rel_authors: list[str] = []
        self.itemprop_authors: list[str] = []
        self.itemprop_dates: list[str] = []
        for node in soup.descendants:
            if isinstance(node, Tag):
                self._read(node)

    def _read(self, node: Tag) -> None:
        name = node.name
        if name == "meta":
            key = node.get("property") or node.get("name") or node.get("itemprop")
            key = key or node.get("http-equiv")
            value = node.get("content") or node.get("value") or node.get("datetime")
            if isinstance(key, str) and isinstance(value, str) and value.strip():
                self.meta.setdefault(key.strip().lower(), []).append(value.strip())
            return
        rel = str(node.get("rel") or "").lower().split()
        if name == "link" and not self.canonical and "canonical" in rel:
            self.canonical = _clean(node.get("href"))
        elif name == "html" and not self.lang:
            self.lang = _clean(node.get("lang") or node.get("xml:lang"))
        elif name == "h1" and not self.h1:
            self.h1 = _clean(node.get_text(" "))
        elif name == "title" and not self.title_tag:
            self.title_tag = _clean(node.get_text(" "))
        if "author" in rel:
            self.rel_authors.append(node.get_text(" "))
        itemprop = node.get("itemprop")
        if itemprop == "author":
            self.itemprop_authors.append(node.get_text(" "))
        elif itemprop in ("datePublished", "dateCreated"):
            value = node.get("datetime") or node.get("content") or node.get_text(" ")
            self.itemprop_dates.append(_clean(value))

    def first_meta(self, *keys: str) -> str:
        for key in keys:
            for value in self.meta.get(key, ()):
                if cleaned := _clean(value):
                    return cleaned
        return ""

    def main_value(self, key: str) -> Any:
        return self.main.get(key) if self.main else None

    def canonical_url(self) -> str:
        href = self.canonical or self.first_meta("og:url")
        return urljoin(self.url, href) if href else ""

    def site_name(self) -> str:
        publisher = _names(self.main_value("publisher"))
        fallback = _clean(publisher[0]) if publisher else ""
        name = self.first_meta("og:site_name") or fallback or self.first_meta("application-name")
        if "://" in name:  # some sites put their address there
            name = (urlsplit(name).hostname or "").removeprefix("www.")
        return name

    def page_type(self) -> str:
        """The JSON-LD type of the article entity, else og:type ("NewsArticle", "article")."""
        if self.main is not None and _types(self.main):
            return _types(self.main)[0]
        return self.first_meta("og:type")

    def language(self) -> str:
        candidates = [self.lang, self.first_meta("content-language", "language", "dc.language")]
        candidates += [self.first_meta("og:locale"), self.main_value("inLanguage")]
        for value in candidates:
            if isinstance(value, str):
                code = re.split(r"[-_\s,]", value.strip().lower(), maxsplit=1)[0]
                if len(code) == 2 and code.isalpha():
                    return code
        return ""

    def description(self) -> str:
        found = self.first_meta("description", "og:description", "twitter:description")
        return found or _clean(self.main_value("description"))

    def title(self) -> str:
        candidates = [
            self.first_meta("og:title", "twitter:title"),
            _clean(self.main_value("headline")),
            self.h1,
            self.title_tag,
        ]
        title = next((candidate for candidate in candidates if candidate), "")
        return _strip_site_name(title, self.site_name(), self.url)

    def authors(self) -> tuple[str, ...]:
        sources = [
            _names(self.main_value("author")),
            [value for key in _AUTHOR_KEYS for value in self.meta.get(key, ())],
            self.rel_authors,
            self.itemprop_authors,
        ]
        for names in sources:
            if cleaned := _clean_authors(names):
                return cleaned
        return ()

    def json_ld_body(self) -> str:
        body = self.main_value("articleBody")
        return body.strip() if isinstance(body, str) else ""


def _strip_site_name(title: str, site: str, url: str) -> str:
    """Remove a site-name prefix or suffix, as in "Headline | The Site"."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    host = urlsplit(url).hostname or ""
    keys = {re.sub(r"\W", "", site.lower())} | {p for p in host.split(".") if len(p) > 3}
    keys.discard("")

    def names_site(part: str) -> bool:
        squeezed = re.sub(r"\W", "", part.lower())
        if len(part) >= 40 or len(squeezed) < 3:
            return False
        return any(key in squeezed or squeezed in key for key in keys)

    if names_site(parts[-1]):
        return title[: title.rfind(parts[-1])].rstrip(" |–—-:·»")
    if names_site(parts[0]):
        return title[len(parts[0]) :].lstrip(" |–—-:·»")
    return title


def _clean_authors(names: list[str]) -> tuple[str, ...]:
    """Names without "By", split at "and" and commas, without URLs, in first-seen order."""
    found: dict[str, str] = {}
    for raw in names:
        for name in _AUTHOR_SPLIT.split(_BYLINE_PREFIX.sub("", _clean(raw))):
            name = name.strip(" .·|-–—")
            if "/" in name or "@" in name or name.startswith("www."):
                continue  # profile links and e-mail addresses
            if 2 < len(name) <= 60 and not any(ch.isdigit() for ch in name):
                found.setdefault(name.lower(), name)
    return tuple(found.values())


# --- layout ---------------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset "  # noqa: SIM905
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav "
    "ol p pre section summary table tbody td tfoot th thead tr ul".split()
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
_SECTION, _ITEM, _REGION = 1, 2, 3
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
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


@dataclass(slots=True)
class _Block:
    """A run of text between block boundaries, and the element that holds it."""

    text: str
    chars: int
    link_chars: int
    owner: int


class _Layout:
    """The body as a table of elements (tag, hints, parent) and a list of text blocks.

    Elements are numbered in document order, so a parent always precedes its children.
    """

    def __init__(self, root: Tag) -> None:
        self.tags: list[str] = []
        self.parents: list[int] = []
        self.boilerplate_kind: list[int] = []  # 0, or the kind of boilerplate hinted
        self.names_article: list[bool] = []
        self.dated: dict[int, str] = {}  # element -> machine-readable date it carries
        self.blocks: list[_Block] = []
        self._parts: list[str] = []
        self._link_chars = 0
        self._walk(root)

    def ancestors(self, index: int) -> Iterator[int]:
        while index >= 0:
            yield index
            index = self.parents[index]

    def _flush(self, owner: int) -> None:
        lines = "".join(self._parts).split("\n")
        text = "\n".join(joined for line in lines if (joined := " ".join(line.split())))
        if text:
            link_chars = min(self._link_chars, len(text))
            self.blocks.append(_Block(text, len(text), link_chars, owner))
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
                if type(node) is NavigableString and (text := str(node)).strip():
                    self._parts.append(text)
                    if in_link:
                        self._link_chars += len(" ".join(text.split()))
                continue
            if not isinstance(node, Tag):
                continue
            tag = node.name.lower()
            if tag == "br":
                self._parts.append("\n")
                continue
            if tag in _SKIP_TAGS or _hidden(node):
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
            kind = _ITEM
        elif hints and _SECTION_HINT.search(hints):
            kind = _SECTION
        elif hints and _ITEM_HINT.search(hints):
            kind = _ITEM
        elif tag in _STRUCTURAL_BOILERPLATE or (not positive and _REGION_HINT.search(hints)):
            kind = _REGION
        index = len(self.tags)
        self.tags.append(tag)
        self.parents.append(parent)
        self.boilerplate_kind.append(kind)
        names_article = tag in ("article", "main") or itemprop == "articleBody"
        names_article = names_article or bool(_ARTICLE_HINT.search(hints))
        self.names_article.append(names_article and kind != _SECTION)
        dated = tag == "time" or itemprop in ("datePublished", "dateCreated")
        dated = dated or bool(hints and _DATE_HINT.search(hints))
        if dated and _NOT_PUBLISHED_HINT.search(f"{hints} {itemprop or ''}".lower()):
            dated = False  # "Updated <time>" stays one block, so the date keeps its label
        if dated:
            value = node.get("datetime") or node.get("content") or node.get("title") or ""
            self.dated[index] = value.strip() if isinstance(value, str) else ""
        return tag in _BLOCK_TAGS or kind != 0 or positive or dated


def _hidden(node: Tag) -> bool:
    if node.has_attr("hidden") or node.get("aria-hidden") == "true":
        return True
    style = node.get("style")
    return isinstance(style, str) and bool(_HIDDEN_STYLE.search(style))


# --- main text ------------------------------------------------------------------------------

_MIN_PARAGRAPH = 70  # characters
_MAX_LINK_DENSITY = 0.5  # of a paragraph
_NOISE_WEIGHT = 0.3  # a character of noise cancels this much paragraph text
_FULL_WEIGHT_DEPTH = 3  # a paragraph counts fully up to three levels above its element
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


class _MainText:
    """The article text of a layout: its container element and the blocks read from it."""

    def __init__(self, layout: _Layout, json_ld_body: str = "") -> None:
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
        paragraphs: list[str] = []
        cut_after: dict[int, int] = {}  # parent -> heading announcing links to other articles
        for number, block in enumerate(layout.blocks):
            path = list(layout.ancestors(block.owner))
            if container not in path:
                continue
            below = path[: path.index(container)]
            if any(cut_after.get(layout.parents[i], i) < i for i in below):
                continue
            tag = layout.tags[block.owner]
            if tag in _HEADINGS and _is_related_heading(block, layout):
                cut_after[layout.parents[block.owner]] = block.owner
                continue
            if any(self.boilerplate[i] for i in below) or tag == "h1":
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


def _is_related_heading(block: _Block, layout: _Layout) -> bool:
    """A heading that introduces teasers of other articles ("Related", "Lesen Sie auch")."""
    if layout.boilerplate_kind[block.owner] == _SECTION:
        return True
    if block.link_chars or block.chars > 40:  # "Related post: <link>" is a link, not a heading
        return False
    return bool(_RELATED_HEADING.search(block.text))


def _is_paragraph(block: _Block, min_chars: int = _MIN_PARAGRAPH) -> bool:
    return block.chars >= min_chars and block.link_chars <= _MAX_LINK_DENSITY * block.chars


def _boilerplate(layout: _Layout) -> list[bool]:
    """Which elements are boilerplate: hinted so, unless they turn out to wrap the article."""
    count = len(layout.tags)
    paragraph_chars = [0] * count
    for block in layout.blocks:
        if _is_paragraph(block):
            for index in layout.ancestors(block.owner):
                paragraph_chars[index] += block.chars
    # The paragraph text of the largest article-named element inside each element.
    article_inside = [0] * count
    for index in range(count - 1, 0, -1):
        parent = layout.parents[index]
        if parent >= 0:
            own = paragraph_chars[index] if layout.names_article[index] else 0
            article_inside[parent] = max(article_inside[parent], article_inside[index], own)
    total = paragraph_chars[0] if count else 0
    result = []
    for index, kind in enumerate(layout.boilerplate_kind):
        chars = paragraph_chars[index]
        wraps_article = chars > 0 and article_inside[index] >= 0.5 * chars
        if kind == _ITEM:
            wraps_article = wraps_article or chars >= _ITEM_LIMIT
        elif layout.tags[index] == "form":  # ASP.NET pages wrap everything in one form
            wraps_article = wraps_article or chars >= 0.5 * total
        result.append(kind != 0 and not wraps_article)
    return result


def _choose_container(layout: _Layout, boilerplate: list[bool], min_chars: int) -> int | None:
    """The element whose text is most paragraph-like: paragraph text minus weighted noise.

    Noise is link text, short fragments and anything inside boilerplate below the element.
    A paragraph counts fully for its first few ancestors and less for distant ones, so that a
    page-wide wrapper holding the article plus teasers loses to the article's own element.
    The winner is then widened to an ancestor that only adds more clean paragraph text (an
    article split into sections). None when no element holds a paragraph.
    """
    count = len(layout.tags)
    score = [0.0] * count
    clean_text = [0.0] * count
    noise = [0.0] * count
    for block in layout.blocks:
        paragraph = _is_paragraph(block, min_chars)
        density = block.link_chars / block.chars
        clean = (block.chars - block.link_chars) * (1 - density)
        dirty = False
        for distance, index in enumerate(layout.ancestors(block.owner)):
            if dirty or not paragraph:
                noise[index] += block.chars
            else:
                weight = min(1.0, _FULL_WEIGHT_DEPTH / distance) if distance else 1.0
                score[index] += clean * weight
                clean_text[index] += clean
                noise[index] += block.link_chars
            dirty = dirty or boilerplate[index]
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


# --- publication date -----------------------------------------------------------------------

# Meta tags naming the publication time; generic Dublin Core "date" tags are weaker evidence.
_META_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "article:published",
    "published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "originalpublicationdate",
    "cxenseparse:recs:publishtime",
)
_WEAK_META_DATE_KEYS = (
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "date",
)
# Sources of the publication date, most trusted first (measured on the htmldate pages).
_DATE_SOURCES = (
    "url",
    "header",
    "json-ld",
    "meta",
    "itemprop",
    "byline",
    "dateline",
    "date element",
    "page text",
    "weak meta",
    "any json-ld",
    "main text",
)
# The article header runs from the title (looked for this many blocks before the text) or,
# without a title, from this many blocks before the text.
_TITLE_DISTANCE = 25
_HEADER_BLOCKS = 8


def _published(
    page: _Page, layout: _Layout, main: _MainText, url: str
) -> tuple[dt.date | None, Mention | None]:
    """The original publication date and the evidence for it.

    Sources are tried in the order of ``_DATE_SOURCES``, measured on the htmldate pages: a
    date in the URL; the article header (date elements and short date lines between the title
    and the text, which is what a reader sees and what the gold follows); the article's
    JSON-LD datePublished; published-time meta tags; itemprop=datePublished; a "Published ..."
    line; the text's dateline; any date element; the first date in the page; generic Dublin
    Core date tags; other JSON-LD entities; the first date in the main text. Modification
    dates are not used. A UTC timestamp gives way to the page's own statement of the same
    moment in local time, so that an evening article keeps its local day.
    """
    for rule, raw, start in _date_candidates(page, layout, main, url):
        value = date_from_url(raw) if rule == "url" else parse_date(raw)
        if value is not None:
            value = _local_day(raw, value, page, layout)
            return value, Mention("date", value.isoformat(), raw, rule, start)
    return None, None


def _date_candidates(
    page: _Page, layout: _Layout, main: _MainText, url: str
) -> Iterator[tuple[str, str, int]]:
    """(rule, raw text, offset in the main text or -1), most trusted first."""
    for source in _DATE_SOURCES:
        if source == "url":
            for candidate in dict.fromkeys((url, page.url)):
                if date_from_url(candidate):
                    yield "url", candidate, -1
        elif source == "header":
            yield from _header_dates(layout, main)
        elif source in ("json-ld", "any json-ld"):
            entities = (
                page.entities if source == "any json-ld" else [page.main] if page.main else []
            )
            for entity in entities:
                for key in ("datePublished", "dateCreated"):
                    if isinstance(value := entity.get(key), str):
                        yield f"json-ld {key}", value, -1
        elif source in ("meta", "weak meta"):
            for key in _META_DATE_KEYS if source == "meta" else _WEAK_META_DATE_KEYS:
                for value in page.meta.get(key, ()):
                    yield f"meta {key}", value, -1
        elif source == "itemprop":
            for value in page.itemprop_dates:
                yield "itemprop datePublished", value, -1
        elif source == "byline":
            for block in layout.blocks:
                if span := find_byline_date(block.text):
                    yield "byline", block.text[span.start : span.end], -1
                    break
        elif source == "dateline":
            if mention := find_dateline(main.text):
                yield mention.rule, mention.text, mention.start
        elif source == "date element":
            for value in layout.dated.values():
                if value:
                    yield "time[datetime]", value, -1
        else:
            yield from _text_dates(layout, main, whole_page=source == "page text")


def _header_dates(layout: _Layout, main: _MainText) -> Iterator[tuple[str, str, int]]:
    """Dates in the article header: from the title to the text, then just above the title.

    Date elements come first, then dates in short lines; prose is left out (an article's first
    paragraph often names the day of an event, not of publication).
    """
    if not main.block_indexes:
        return
    first = main.block_indexes[0]
    title = -1
    for number in range(first - 1, max(-1, first - _TITLE_DISTANCE - 1), -1):
        if layout.tags[layout.blocks[number].owner] == "h1":
            title = number
            break
    numbers = (
        list(range(title, first + 4))
        if title >= 0
        else list(range(first - _HEADER_BLOCKS, first + 4))
    )
    numbers += range(title - 2, title) if title >= 0 else []
    output = set(main.block_indexes)
    header = [
        layout.blocks[n]
        for n in numbers
        if 0 <= n < len(layout.blocks) and (n not in output or layout.blocks[n].chars <= 60)
    ]
    for block in header:
        for index in layout.ancestors(block.owner):
            if index in layout.dated:
                if layout.dated[index]:
                    yield "time[datetime]", layout.dated[index], -1
                if span := first_date(block.text):
                    yield "byline", block.text[span.start : span.end], -1
                break
    for block in header:
        if span := first_date(block.text):
            yield "byline", block.text[span.start : span.end], -1


def _text_dates(
    layout: _Layout, main: _MainText, whole_page: bool
) -> Iterator[tuple[str, str, int]]:
    """The first date written in the main text's element, or anywhere in the page."""
    rule = "page text" if whole_page else "main text"
    for block in layout.blocks:
        if not whole_page and main.container not in layout.ancestors(block.owner):
            continue
        if span := first_date(block.text):
            yield rule, block.text[span.start : span.end], -1
            return


def _local_day(raw: str, day: dt.date, page: _Page, layout: _Layout) -> dt.date:
    """The local day of a UTC timestamp when the page states the same moment in local time."""
    moment = _timestamp(raw)
    if moment is None or moment.utcoffset() != dt.timedelta(0):
        return day
    stated = [value for values in page.meta.values() for value in values]
    stated += page.itemprop_dates + list(layout.dated.values())
    stated += [e["datePublished"] for e in page.entities if isinstance(e.get("datePublished"), str)]
    for other in stated:
        local = _timestamp(other)
        if (
            local is not None
            and local.utcoffset()
            and abs(local - moment) < dt.timedelta(minutes=2)
        ):
            return local.date()
    return day


def _timestamp(raw: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
