"""Who published a page and what kind of outlet it is: news, wire, tv, radio, magazine, ...

The evidence, strongest first: a type declared in the page's metadata; the user's own domain
table (config); the curated domain table (``searchkit/data/source_domains.json``, matched on the
host and each parent domain); government host suffixes (.gov, .gov.uk, .gouv.fr, .mil, .int);
the page type (og:type or schema.org @type); the schema.org type of the publisher
("NewsMediaOrganization", "RadioStation"); the site name matched against the table's names
(also one part of "Site | Tagline" and an edition such as "Business Insider Deutschland"); a
word in the site name ("Radio Nacional", "Gazette", "Zeitschrift"); the address (a .news
domain, a type word in a hyphenated label such as auto-presse.de, a /blog/ or press-release
section).

``official`` covers governments and institutions, and organisations publishing about
themselves: a ministry, a party's group, an association or a company's press releases.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from searchkit.errors import ConfigError
from searchkit.model import SOURCE_TYPES

__all__ = ["SourceInfo", "classify_source", "domain_of"]

#: Host prefixes that name a mirror of the site, not another site.
_MIRROR_PREFIX = re.compile(r"^(?:www\d*|m|amp|mobile)\.")
_HOST = re.compile(r"^[\w-]+(?:\.[\w-]+)*$")
#: Top-level domains reserved for governments and treaty organisations.
_OFFICIAL_TLDS = frozenset({"gov", "mil", "int"})
#: Second-level labels that countries reserve for government: gov.uk, gouv.fr, gob.mx, gv.at.
_OFFICIAL_LABELS = frozenset({"gov", "gob", "gouv", "govt", "gv", "mil"})
#: Shorter labels with the same use, only trusted below a country code: mof.go.jp, pm.gc.ca.
_OFFICIAL_SHORT_LABELS = frozenset({"go", "gc"})
#: Whole suffixes for governments and institutions that use neither.
_OFFICIAL_SUFFIXES = ("europa.eu", "admin.ch", "bund.de")


#: schema.org types of a publisher that say what kind of outlet it is. "Organization" alone
#: says nothing (news sites use it as much as anyone).
_PUBLISHER_TYPES = {
    "newsmediaorganization": "news",
    "radiostation": "radio",
    "radiochannel": "radio",
    "televisionstation": "tv",
    "televisionchannel": "tv",
    "broadcastservice": "tv",
    "governmentorganization": "official",
    "politicalparty": "official",
    "ngo": "official",
    "corporation": "official",
    "collegeoruniversity": "official",
    "educationalorganization": "official",
    "researchorganization": "official",
    "sportsorganization": "official",
    "medicalorganization": "official",
}
#: Words in a site's name that say what it is, in the languages of the shipped tables. When
#: several kinds are named, the first kind of ``_NAME_KIND_ORDER`` wins ("Radio News" is radio).
_NAME_WORDS = {
    "wire": "agency agencia agência agence agenzia agentur nachrichtenagentur presseagentur "
    "newswire агентство агенція",
    "radio": "radio rádio radiotelevisión радио радіо",
    "tv": "tv televisión television télévision televisão televisione telewizja fernsehen "
    "rundfunk broadcasting broadcaster телевидение телебачення телеканал",
    "magazine": "magazine magazin magazyn zeitschrift revista revue rivista tijdschrift "
    "weekly monthly wochenblatt журнал",
    "blog": "blog blogs weblog блог",
    "news": "news newsfeed newsroom press presse prensa imprensa stampa gazette gazeta gazzetta "
    "times post herald tribune daily chronicle courier kurier observer zeitung nachrichten "
    "noticias notícias notizie nieuws nyheter uutiset wiadomości diario diário periódico "
    "quotidien giornale dagblad avis tidning kabar berita haber новости новини газета",
    "official": "ministry ministerio ministère ministero ministerium government regierung "
    "gobierno gouvernement governo parliament parlament bundestag fraktion partei embassy "
    "botschaft association verband verein e.v. föderation federation stiftung foundation "
    "gmbh министерство міністерство",
}
_NAME_KIND_ORDER = ("wire", "radio", "tv", "magazine", "blog", "news", "official")
_NAME_WORD_KIND = {
    word: kind for kind in reversed(_NAME_KIND_ORDER) for word in _NAME_WORDS[kind].split()
}
#: Endings of compound words that say the same: "Landeszeitung", "Hebammenzeitschrift".
_NAME_ENDINGS = (
    ("nachrichtenagentur", "wire"),
    ("rundfunk", "tv"),
    ("fernsehen", "tv"),
    ("zeitschrift", "magazine"),
    ("magazin", "magazine"),
    ("zeitung", "news"),
    ("nachrichten", "news"),
    ("verband", "official"),
    ("verein", "official"),
    ("partei", "official"),
    ("stiftung", "official"),
    ("ministerium", "official"),
)
_NAME_WORD = re.compile(r"[^\W\d_]+(?:\.[^\W\d_]{1,2}\b)*\.?")
_NAME_PARTS = re.compile(r"\s+[|–—:·»-]\s+|\s*[|–—·»]\s*")
#: Top-level domains sold for one kind of site.
_TLD_KINDS = {"news": "news", "press": "news", "blog": "blog", "radio": "radio"}
#: Sections of a site's address that say what kind of page it is.
_PATH_KINDS = {
    "blog": "blog",
    "blogs": "blog",
    "weblog": "blog",
    "press-releases": "official",
    "press-release": "official",
    "pressreleases": "official",
    "pressemitteilungen": "official",
    "pressemitteilung": "official",
    "communiques": "official",
    "communiques-de-presse": "official",
    "comunicados": "official",
    "news-releases": "official",
}


@dataclass(frozen=True)
class SourceInfo:
    """The outlet behind a page and its type, with the one-line reason for the type."""

    source: str  # display name of the outlet ("Reuters", "BBC"); "" when unknown
    source_type: str  # one of searchkit.model.SOURCE_TYPES
    reason: str  # why: "domain reuters.com in the source table", "declared in metadata", ...


class _Table:
    """source_domains.json, loaded once."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.domains: dict[str, tuple[str, str]] = {
            domain: (name, kind) for domain, (name, kind) in data["domains"].items()
        }
        self.type_aliases: dict[str, str] = data["type_aliases"]
        self.page_types: dict[str, str] = data["page_types"]
        by_name: dict[str, set[tuple[str, str]]] = {}
        for name, kind in self.domains.values():
            if name:
                by_name.setdefault(_name_key(name), set()).add((name, kind))
        # A name shared by outlets of different types ("RTL": tv in Germany, radio in France)
        # says nothing about the type.
        self.names: dict[str, tuple[str, str]] = {}
        for key, entries in by_name.items():
            if len({kind for _, kind in entries}) == 1:
                self.names[key] = min(entries)


@functools.cache
def _table() -> _Table:
    path = resources.files("searchkit") / "data" / "source_domains.json"
    return _Table(json.loads(path.read_text(encoding="utf-8")))


def _name_key(name: str) -> str:
    words = name.casefold().split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


def domain_of(url: str) -> str:
    """The lower-case host of ``url`` without port, "www.", "m." or "amp.".

    "https://www.bbc.co.uk/news" -> "bbc.co.uk"; "m.facebook.com" -> "facebook.com";
    subdomains that are sites of their own stay ("news.sky.com"). "" when there is no host.
    """
    url = (url or "").strip()
    if not url:
        return ""
    if "://" not in url and not url.startswith("//"):
        url = "//" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".")
    if not _HOST.match(host):
        return ""
    while _MIRROR_PREFIX.match(host) and host.count(".") >= 2:
        host = _MIRROR_PREFIX.sub("", host, count=1)
    return host


def _parents(host: str) -> list[str]:
    """The host and each parent domain: "a.b.co.uk" -> ["a.b.co.uk", "b.co.uk", "co.uk"]."""
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def _lookup(host: str, table: Mapping[str, Any]) -> tuple[str, Any] | None:
    for domain in _parents(host):
        if domain in table:
            return domain, table[domain]
    return None


def _official_suffix(host: str) -> str:
    """The government or institutional suffix ``host`` ends with ("gov.ua"), else ""."""
    labels = host.split(".")
    if len(labels) < 2:
        return ""
    if labels[-1] in _OFFICIAL_TLDS:
        return labels[-1]
    if len(labels[-1]) == 2:
        if labels[-2] in _OFFICIAL_LABELS:
            return ".".join(labels[-2:])
        if labels[-2] in _OFFICIAL_SHORT_LABELS and len(labels) >= 3:
            return ".".join(labels[-2:])
    for suffix in _OFFICIAL_SUFFIXES:
        if host == suffix or host.endswith("." + suffix):
            return suffix
    return ""


def _source_type(value: str) -> str:
    """A declared type in our vocabulary ("Newspaper" -> "news", "TV" -> "tv"), else ""."""
    key = " ".join(re.split(r"[\s_-]+", (value or "").strip().lower()))
    if key in SOURCE_TYPES and key != "unknown":
        return key
    return _table().type_aliases.get(key, "")


@functools.lru_cache(maxsize=32)
def _extra_table(items: tuple[tuple[str, str], ...]) -> dict[str, str]:
    table: dict[str, str] = {}
    for domain, value in items:
        kind = _source_type(value)
        if not kind:
            choices = ", ".join(t for t in SOURCE_TYPES if t != "unknown")
            raise ConfigError(
                f"source domain {domain!r}: unknown source type {value!r}; use one of {choices}"
            )
        host = domain_of(domain)
        if not host:
            raise ConfigError(f"source domain {domain!r}: not a domain name, e.g. example.com")
        table[host] = kind
    return table


def _named_in_table(site_name: str) -> tuple[str, str] | None:
    """(name, type) of a table outlet that ``site_name`` or one part of it names.

    "Autoracing | F1 | Indy" is tried part by part, and "Business Insider Deutschland" by its
    leading words (two at least), so that an edition finds its outlet.
    """
    names = _table().names
    for part in _NAME_PARTS.split(site_name):
        words = _name_key(part).split() if part.strip() else []
        for size in range(len(words), 1 if len(words) > 1 else 0, -1):
            if found := names.get(" ".join(words[:size])):
                return found
    return None


def _kind_named(site_name: str) -> tuple[str, str] | None:
    """(type, word) named by a word of ``site_name`` ("Radio Nacional" -> radio), else None."""
    found: dict[str, str] = {}
    for word in _NAME_WORD.findall(site_name.casefold()):
        kind = _NAME_WORD_KIND.get(word) or _NAME_WORD_KIND.get(word.rstrip("."))
        if kind is None:
            kind = next((k for ending, k in _NAME_ENDINGS if word.endswith(ending)), None)
        if kind:
            found.setdefault(kind, word)
    kind = next((k for k in _NAME_KIND_ORDER if k in found), None)
    return (kind, found[kind]) if kind else None


def _host_kind(host: str) -> tuple[str, str] | None:
    """(type, word) from the host: a top-level domain such as .news, or a word of the site's
    own label written with hyphens ("auto-presse.de" -> news)."""
    labels = host.split(".")
    if kind := _TLD_KINDS.get(labels[-1]):
        return kind, "." + labels[-1]
    if len(labels) >= 2 and "-" in labels[-2]:
        return _kind_named(labels[-2].replace("-", " "))
    return None


def _path_kind(url: str) -> tuple[str, str] | None:
    """(type, section) from a section of the address ("/blog/", "/pressemitteilungen/")."""
    try:
        path = urlsplit(url if "://" in url else "//" + url).path
    except ValueError:
        return None
    for segment in path.lower().split("/")[:4]:
        if kind := _PATH_KINDS.get(segment):
            return kind, segment
    return None


def classify_source(
    url: str = "",
    site_name: str = "",
    declared_type: str = "",
    page_type: str = "",
    extra_domains: Mapping[str, str] | None = None,
    publisher_type: str = "",
) -> SourceInfo:
    """Name and type of the outlet behind a page.

    ``declared_type`` is a type stated in the page's own metadata ("newspaper", "tv"; unknown
    words are ignored); ``page_type`` its og:type or schema.org @type ("BlogPosting" says blog,
    "NewsArticle" says news; "article", "website" and "video.*" say nothing); ``extra_domains``
    maps domains to types from the user's config and beats the built-in table;
    ``publisher_type`` is the schema.org type of the page's publisher.
    The name comes from the table, else ``site_name``, else the domain.
    """
    table = _table()
    host = domain_of(url)
    site_name = " ".join((site_name or "").split())
    known = _lookup(host, table.domains) if host else None
    # A hosting platform (wordpress.com) has no name of its own: the site speaks for itself.
    source = known[1][0] if known and known[1][0] else site_name or host

    declared = _source_type(declared_type)
    if declared:
        return SourceInfo(source, declared, f"declared in metadata ({declared_type.strip()})")
    if extra_domains and host:
        custom = _lookup(host, _extra_table(tuple(sorted(extra_domains.items()))))
        if custom:
            return SourceInfo(source, custom[1], f"domain {custom[0]} in the config")
    if known:
        return SourceInfo(source, known[1][1], f"domain {known[0]} in the source table")
    suffix = _official_suffix(host) if host else ""
    if suffix:
        return SourceInfo(source, "official", f"url host ends with .{suffix}")
    kind = table.page_types.get((page_type or "").strip().rsplit("/", 1)[-1].lower())
    if kind:
        return SourceInfo(source, kind, f"page type {page_type.strip()}")
    kind = _PUBLISHER_TYPES.get((publisher_type or "").strip().lower())
    if kind:
        return SourceInfo(source, kind, f"publisher type {publisher_type.strip()}")
    if site_name:
        named = _named_in_table(site_name)
        if named:
            return SourceInfo(named[0], named[1], f"site name {site_name!r} in the source table")
        if worded := _kind_named(site_name):
            reason = f"site name {site_name!r} says {worded[0]} ({worded[1]!r})"
            return SourceInfo(source, worded[0], reason)
    if host and (worded := _host_kind(host)):
        return SourceInfo(source, worded[0], f"url host {host} says {worded[0]} ({worded[1]!r})")
    if url and (section := _path_kind(url)):
        return SourceInfo(source, section[0], f"url section /{section[1]}/")
    return SourceInfo(source, "unknown", "no metadata, domain, site-name or address rule matched")
