"""Article extraction from HTML pages: main text, title, publication date and page metadata.

The work is split by what each step reads:

- ``decode``: bytes to text (BOM, declared charset, then detection), and the cut of scripts,
  styles and comments before parsing, keeping the JSON-LD aside;
- ``metadata``: page-level facts from meta tags, link relations and JSON-LD (title, canonical
  URL, site name, page type, language, authors, description);
- ``layout``: the parsed body flattened into a table of elements (tag, class/id hints,
  parent) and the runs of text between block boundaries;
- ``main_text``: the element whose paragraphs weigh most against the noise around them, read
  without the boilerplate inside it;
- ``published``: the publication date, chosen among the page's sources by measured trust.

The constants in those modules were set by measuring on the Zyte article-extraction benchmark
and the htmldate evaluation pages (``bench/evals/zyte.py``, ``bench/evals/htmldate.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bs4 import BeautifulSoup
from bs4.builder import builder_registry

from ...model import Mention
from .decode import cut_raw_text, decode_markup
from .layout import Layout
from .main_text import MainText
from .metadata import Page, json_ld_entities
from .published import published_date

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
    publisher_type: str = ""  # schema.org type of the publisher ("NewsMediaOrganization")


def parse_html(markup: bytes | str, url: str = "") -> HtmlArticle:
    """Extract the article of an HTML page; never raises on malformed markup.

    ``url`` is where the page came from; it resolves a relative canonical link and is one of
    the sources of the publication date.
    """
    html = decode_markup(markup) if isinstance(markup, bytes) else markup.lstrip("\ufeff")
    html, raw_text = cut_raw_text(html.replace("\x00", ""))
    # Attribute values stay strings: splitting every class attribute costs a tenth of the time.
    soup = BeautifulSoup(html, _PARSER, multi_valued_attributes=None)
    page = Page(soup, json_ld_entities(raw_text.json_ld), url)
    layout = Layout(soup.body or soup)
    main = MainText(layout, page.json_ld_body())
    canonical = page.canonical_url() or url
    published, evidence = published_date(page, layout, main, canonical, raw_text.script_dates)
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
        publisher_type=page.publisher_type(),
    )
