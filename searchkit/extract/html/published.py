"""The publication date of a page, chosen among its sources by measured trust."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from ...model import Mention
from ..dates import (
    announces_update,
    date_from_url,
    find_byline_date,
    find_dateline,
    first_date,
    parse_date,
    writes_day_first,
)
from .layout import Layout
from .main_text import MainText
from .metadata import Page

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
    "script data",
    "image url",
)
# On social-media pages (a post, a profile) only the page's statements about itself count: a
# date in the text or in another element belongs to something else (a sidebar, "Joined 2010").
_SOCIAL_SOURCES = frozenset(("url", "json-ld", "meta", "itemprop", "date element"))
# An ambiguous slashed date, whose reading depends on the page's locale.
_AMBIGUOUS = re.compile(r"(?<!\d)(?:0?[1-9]|1[0-2])/(?:0?[1-9]|1[0-2])/\d{4}")
# The article header runs from the title (looked for this many blocks before the text) or,
# without a title, from this many blocks before the text.
_TITLE_DISTANCE = 25
_HEADER_BLOCKS = 8


def published_date(
    page: Page,
    layout: Layout,
    main: MainText,
    url: str,
    script_dates: list[tuple[str, str]] = (),
) -> tuple[dt.date | None, Mention | None]:
    """The original publication date and the evidence for it.

    Sources are tried in the order of ``_DATE_SOURCES``, measured on the htmldate pages: a
    date in the URL; the article header (date elements and short date lines between the title
    and the text, which is what a reader sees and what the gold follows); the article's
    JSON-LD datePublished; published-time meta tags; itemprop=datePublished; a "Published ..."
    line; the text's dateline; any date element; the first date in the page; generic Dublin
    Core date tags; other JSON-LD entities; the first date in the main text; dates in the data
    of the page's scripts (``script_dates``); a date in the address of the page's share image
    (og:image, uploaded with the article). Modification dates are not used. A UTC timestamp
    gives way to the page's own statement of the same moment in local time, so that an evening
    article keeps its local day. Slashed dates are read in the order of the page's locale
    (``<html lang>``, og:locale, else the language of its text). Social-media pages take their
    date only from their own statements (URL, structured data, meta tags, the post's date
    element).
    """
    from ..sources import classify_source

    social = classify_source(url or page.url).source_type == "social"
    order: list[bool] = []  # the page's day order, worked out when a date needs it
    for rule, raw, start in _date_candidates(page, layout, main, url, script_dates, social):
        if rule != "url" and not order and _AMBIGUOUS.search(raw):
            order.append(_writes_day_first(page, main))
        value = date_from_url(raw) if rule == "url" else parse_date(raw, bool(order and order[0]))
        if value is not None:
            value = _local_day(raw, value, page, layout)
            return value, Mention("date", value.isoformat(), raw, rule, start)
    return None, None


def _writes_day_first(page: Page, main: MainText) -> bool:
    """The page's day order, from its declared locales, else the language of its text."""
    locales = page.locales()
    if not locales:
        from ..language import detect_language

        locales = [detect_language(main.text).value]
    return writes_day_first(locales)


def _date_candidates(
    page: Page,
    layout: Layout,
    main: MainText,
    url: str,
    script_dates: list[tuple[str, str]],
    social: bool,
) -> Iterator[tuple[str, str, int]]:
    """(rule, raw text, offset in the main text or -1), most trusted first."""
    for source in _DATE_SOURCES:
        if social and source not in _SOCIAL_SOURCES:
            continue
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
            yield from _date_elements(layout, main, social)
        elif source == "image url":
            for key in ("og:image", "twitter:image", "og:image:url"):
                for value in page.meta.get(key, ()):
                    if date_from_url(value):
                        yield "url", value, -1
        elif source == "script data":
            for key, value in script_dates:
                yield f"script data {key}", value, -1
        else:
            yield from _text_dates(layout, main, whole_page=source == "page text")


def _date_elements(layout: Layout, main: MainText, social: bool) -> Iterator[tuple[str, str, int]]:
    """Dates of the elements that may state one: their machine-readable value, else their text.

    An element announced as a change by the text just before it ("last edited: <span>...") is
    left out.
    """
    label_before = {}
    for before, block in zip(layout.blocks, layout.blocks[1:], strict=False):
        label_before.setdefault(block.owner, before.text[-40:])
    for index, value in layout.dated.items():
        if social and not layout.inside(index, main.container):
            continue  # on a social page, only the post's own date element
        if announces_update(label_before.get(index, "")):
            continue
        if value:
            yield "time[datetime]", value, -1
        elif span := first_date(layout.dated_text.get(index, "")):
            yield "date element", layout.dated_text[index][span.start : span.end], -1


def _header_dates(layout: Layout, main: MainText) -> Iterator[tuple[str, str, int]]:
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
        if 0 <= n < len(layout.blocks)
        and (n not in output or layout.blocks[n].chars <= 60)
        and not (n > 0 and announces_update(layout.blocks[n - 1].text))  # "edited: <span>"
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


def _text_dates(layout: Layout, main: MainText, whole_page: bool) -> Iterator[tuple[str, str, int]]:
    """The first date written in the main text's element, or anywhere in the page."""
    rule = "page text" if whole_page else "main text"
    before = ""
    for block in layout.blocks:
        if not whole_page and not layout.inside(block.owner, main.container):
            continue
        span = first_date(block.text)
        if span and not (span.start == 0 and announces_update(before)):  # "edited: <span>"
            yield rule, block.text[span.start : span.end], -1
            return
        before = block.text


def _local_day(raw: str, day: dt.date, page: Page, layout: Layout) -> dt.date:
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
