"""Turn a raw article into a Document: language, date, source, actors and countries.

Explicit metadata (front matter, JSON fields) always wins over extraction. Every facet value
carries its evidence, a Mention saying which text and rule it came from, so `extract
--explain` can show it and a config change can re-derive facets without re-reading files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from ..config import ExtractConfig
from ..model import Document, Mention
from .formats import RawArticle
from .language import UNDETERMINED, detect_language, normalise_language

ACTOR_KINDS = ("person", "organisation", "actor")
#: Actors and countries are looked for in this much of a body. Far longer than a news
#: article, and it bounds the work (name resolution grows faster than the text) and memory
#: on a file that is one huge text.
ENTITY_CHARS = 50_000


def document_id(id_key: str, record: int | None) -> str:
    """A short stable id: the same file (and record) always gets the same id.

    ``id_key`` names the file from the folder that was indexed ("seeds/a.txt", see
    ``files.SourceFile``), not from the disk's root, so ids survive moving the collection."""
    key = id_key if record is None else f"{id_key}\0{record}"
    return hashlib.sha1(key.encode("utf-8", "surrogateescape")).hexdigest()[:12]


def _language(article: RawArticle, text: str, prior: str = "") -> Mention:
    """The declared language, else the detected one (weighed by the collection's ``prior``
    when the text is short), else the page's lang attribute."""
    declared = article.meta.get("language")
    if declared and normalise_language(declared) != UNDETERMINED:
        return Mention("language", normalise_language(declared), declared, "metadata")
    detected = detect_language(text, prior)
    page_lang = getattr(article.html, "language", "")
    if detected.value == UNDETERMINED and page_lang:
        return Mention("language", normalise_language(page_lang), page_lang, "html lang attribute")
    return detected


def _date(article: RawArticle, url: str, language: str) -> Mention | None:
    """The publication date; slashed dates are read in the order of the record's language."""
    from .dates import date_from_url, find_dateline, parse_date, writes_day_first

    day_first = writes_day_first([article.meta.get("language") or "", language])
    declared = article.meta.get("date")
    if declared:
        parsed = parse_date(declared, day_first)
        if parsed:
            return Mention("date", parsed.isoformat(), declared, "metadata")
    if article.html is not None and article.html.published_evidence is not None:
        return article.html.published_evidence
    dateline = find_dateline(article.body, day_first)
    if dateline:
        return dateline
    from_url = date_from_url(url) if url else None
    if from_url:
        return Mention("date", from_url.isoformat(), url, "url")
    return None


def _countries(article: RawArticle, lang: str, config: ExtractConfig) -> list[Mention]:
    from ..tables import resolve_country
    from .countries import find_countries

    declared = article.meta.get("countries")
    if declared is not None:
        mentions = []
        for name in declared:
            code = config.country_aliases.get(name) or resolve_country(name)
            if code:
                mentions.append(Mention("country", code, name, "metadata"))
        return mentions
    extra = config.country_aliases or None
    # Title and body are read together (a name in one explains a word in the other); offsets
    # refer to the body, like the actors'; title mentions carry start -1.
    return find_countries(article.body[:ENTITY_CHARS], lang, extra, title=article.title)


def _actors(article: RawArticle, lang: str) -> list[Mention]:
    from .actors import find_actors

    declared = article.meta.get("actors")
    if declared is not None:
        return [Mention("actor", name, name, "metadata") for name in declared]
    return find_actors(article.body[:ENTITY_CHARS], lang, title=article.title)


# "KYIV, March 1 (Reuters) -": the agency in a dateline says where the story came from.
_DATELINE_AGENCY = re.compile(r"\A[^\n(]{2,80}?\((?P<agency>[A-Z][\w .&'-]{1,30})\)\s*[-—–]")


def _source(article: RawArticle, url: str, config: ExtractConfig) -> tuple[str, Mention]:
    from .sources import classify_source

    html = article.html
    site_name = article.meta.get("source") or getattr(html, "site_name", "")
    info = classify_source(
        url=url,
        site_name=site_name,
        declared_type=article.meta.get("source_type", ""),
        page_type=getattr(html, "page_type", ""),
        extra_domains=config.source_domains or None,
        publisher_type=getattr(html, "publisher_type", ""),
    )
    agency = _DATELINE_AGENCY.match(article.body[:200])
    if info.source_type == "unknown" and not site_name and agency:
        by_agency = classify_source(site_name=agency.group("agency"))
        if by_agency.source_type != "unknown":
            reason = f"dateline names {agency.group('agency')}; {by_agency.reason}"
            text = agency.group().strip()
            return by_agency.source, Mention("source_type", by_agency.source_type, text, reason)
    name = article.meta.get("source") or info.source
    return name, Mention("source_type", info.source_type, name or url, info.reason)


def _ranked(values: Iterable[str]) -> tuple[str, ...]:
    """Distinct values, most frequent first, ties in order of first appearance."""
    counts = Counter(values)  # keeps first-appearance order; sorted() is stable
    return tuple(sorted(counts, key=lambda v: -counts[v]))


def derive_actors(
    mentions: Iterable[Mention], config: ExtractConfig, publisher: str = ""
) -> tuple[str, ...]:
    """The actor facet values from the evidence, after the user's aliases and ignores.

    The outlet that published the article ("Reuters" in its own dateline) is not an actor.
    """
    names = []
    for m in mentions:
        if m.kind not in ACTOR_KINDS:
            continue
        name = config.actor_aliases.get(m.value, m.value)
        if publisher and name.casefold() == publisher.casefold():
            continue
        if name and name not in config.ignore_actors:
            names.append(name.replace(",", " ").strip())
    return _ranked(names)


def derive_countries(mentions: Iterable[Mention]) -> tuple[str, ...]:
    return _ranked(m.value for m in mentions if m.kind == "country")


def build_document(
    article: RawArticle,
    path: str,
    config: ExtractConfig,
    id_key: str = "",
    language_prior: str = "",
) -> Document:
    """Extract every facet of one article. Its id hashes ``id_key`` (or else ``path``);
    ``language_prior`` is the language of the other records of its file, which decides
    for a text too short to decide alone."""
    title, body = article.title.strip(), article.body.strip()
    html = article.html
    url = article.meta.get("url") or getattr(html, "url", "")

    language = _language(article, f"{title}\n{body}".strip(), language_prior)
    date = _date(article, url, language.value)
    source, source_type = _source(article, url, config)
    actors = _actors(article, language.value)
    countries = _countries(article, language.value, config)
    evidence = (language, source_type, *([date] if date else []), *actors, *countries)

    authors = article.meta.get("authors") or list(getattr(html, "authors", ()) or ())
    return Document(
        id=document_id(id_key or path, article.record),
        path=path,
        record=article.record,
        title=title,
        body=body,
        url=url,
        published=dt.date.fromisoformat(date.value) if date else None,
        source=source,
        source_type=source_type.value,
        language=language.value,
        actors=derive_actors(actors, config, publisher=source),
        countries=derive_countries(countries),
        authors=tuple(authors),
        category=article.meta.get("category", ""),
        cited_sources=_ranked(m.value for m in actors if m.kind == "cited_source"),
        evidence=evidence,
        metadata=dict(article.fields),
    )


def rederive(doc: Document, config: ExtractConfig) -> Document:
    """Re-apply a changed config to a stored document, without re-reading its file.

    Actor aliases and ignores apply to the stored actor evidence; country aliases need the
    text scanned again (the stored title and body); source-domain rules re-classify the
    stored URL. Facets that came from explicit metadata or a dateline stay as they were.
    """
    from ..tables import resolve_country
    from .sources import classify_source

    evidence = [m for m in doc.evidence if m.kind not in ("country", "source_type")]
    declared = [m for m in doc.evidence if m.kind == "country" and m.rule == "metadata"]
    if declared:
        countries = [
            replace(
                m, value=config.country_aliases.get(m.text) or resolve_country(m.text) or m.value
            )
            for m in declared
        ]
    else:
        article = RawArticle(title=doc.title, body=doc.body)
        countries = _countries(article, doc.language, config)

    source, source_type = (
        doc.source,
        next(
            (m for m in doc.evidence if m.kind == "source_type"),
            Mention("source_type", doc.source_type, doc.source, "stored"),
        ),
    )
    if doc.url and not source_type.rule.startswith(("declared", "dateline")):
        info = classify_source(
            url=doc.url, site_name=doc.source, extra_domains=config.source_domains or None
        )
        # The publisher's schema.org type is not stored: a type it gave stays unless a rule
        # that the config can change now says otherwise.
        if info.source_type != "unknown" or not source_type.rule.startswith("publisher type"):
            source_type = Mention(
                "source_type", info.source_type, doc.source or doc.url, info.reason
            )
    return replace(
        doc,
        source_type=source_type.value,
        actors=derive_actors(evidence, config, publisher=source),
        countries=derive_countries(countries),
        evidence=(
            *[m for m in evidence if m.kind == "language"],
            source_type,
            *[m for m in evidence if m.kind != "language"],
            *countries,
        ),
    )
