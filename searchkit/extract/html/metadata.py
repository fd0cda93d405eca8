"""Page-level metadata from meta tags, link relations and JSON-LD.

Title, canonical URL, site name, page type, language, authors and description; the
publication date is chosen in ``published``, which reads the meta tags and entities kept here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

_ARTICLE_TYPE = re.compile(r"(Article|Posting|Report|Story|VideoObject|Recipe|Review)$")


def json_ld_entities(payloads: list[str]) -> list[dict[str, Any]]:
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


class Page:
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
        publisher = _names(self._publisher())
        fallback = _clean(publisher[0]) if publisher else ""
        name = self.first_meta("og:site_name") or fallback or self.first_meta("application-name")
        if "://" in name:  # some sites put their address there
            name = (urlsplit(name).hostname or "").removeprefix("www.")
        return name

    def _publisher(self) -> Any:
        """The article's JSON-LD publisher, a reference ({"@id": ...}) looked up in the graph."""
        publisher = self.main_value("publisher")
        if isinstance(publisher, list):
            publisher = publisher[0] if publisher else None
        if isinstance(publisher, dict) and "name" not in publisher and "@id" in publisher:
            found = next((e for e in self.entities if e.get("@id") == publisher["@id"]), None)
            publisher = found or publisher
        return publisher

    def publisher_type(self) -> str:
        """The schema.org type of the article's publisher ("NewsMediaOrganization"), else ""."""
        publisher = self._publisher()
        types = _types(publisher) if isinstance(publisher, dict) else []
        return types[0] if types else ""

    def page_type(self) -> str:
        """The JSON-LD type of the article entity, else og:type ("NewsArticle", "article")."""
        if self.main is not None and _types(self.main):
            return _types(self.main)[0]
        return self.first_meta("og:type")

    def locales(self) -> list[str]:
        """The language tags the page declares, most specific first ("de-DE", "fr_FR", "en")."""
        candidates = [self.lang, self.first_meta("content-language", "language", "dc.language")]
        candidates += [self.first_meta("og:locale"), self.main_value("inLanguage")]
        return [value.strip() for value in candidates if isinstance(value, str) and value.strip()]

    def language(self) -> str:
        for value in self.locales():
            code = re.split(r"[-_\s,]", value.lower(), maxsplit=1)[0]
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
