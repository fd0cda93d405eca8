"""Canonical names: one spelling per person or organisation, whatever the text wrote.

The rules here work on a name already found (a list of words) and know nothing of the tagger:

* titles and roles are peeled from the front of person names ("UK Prime Minister Keir
  Starmer" -> "Keir Starmer");
* spelling variants and transliterations go through the alias tables ("Zelenskyy",
  "Oleksiy Reznikov"), built from the hand-kept lists in ``scripts/actor_lists/``;
* government bodies are named "<body> of <country>" however they were written ("Russia's
  Security Council", "Russian Security Council" -> "Security Council of Russia");
* organisation names lose a leading "the" and take US spelling ("Defence" -> "Defense").

``Found`` is a name found in a document, as the other actor modules pass it around.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

from .name_tokens import split_words


@dataclass
class Found:
    """A name found in a document: kind, token range, words, value and the rule that named it.

    ``words`` are the name's words after titles were peeled; ``surface_words`` the words as
    the text wrote them (organisations keep them to resolve short references).
    """

    kind: str  # "person", "organisation" or "cited_source"
    first: int
    end: int
    words: list[str]
    rule: str
    value: str = ""
    surface_words: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class NameTables:
    """The lists behind the name rules, loaded from ``actor_names.json``."""

    titles: frozenset[str]
    org_words: frozenset[str]
    gov_words: frozenset[str]
    countries: dict[str, str]  # any spelling (lower case) -> short English name
    demonyms: dict[str, str]  # "french" -> "France"
    translations: dict[str, str]  # "allemagne" -> "Germany"
    people: dict[str, str]  # full-name key -> canonical
    surnames: dict[str, str]  # distinctive surname key -> canonical
    organisations: dict[str, str]  # key -> canonical (acronyms keyed case-sensitively)
    outlets: dict[str, tuple[str, str]]  # key -> (canonical, "outlet" | "platform")
    platform_words: frozenset[str]  # one-word platform names as written: "X", "Telegram"
    metonyms: frozenset[str]
    regions: frozenset[str]
    capitals: frozenset[str]
    event_words: frozenset[str]
    boilerplate: tuple[str, ...]
    boilerplate_words: frozenset[str]  # first words of the boilerplate prefixes
    given_names: frozenset[str]
    first_names: frozenset[str]  # given_names plus journalists' first names from bylines
    not_actors: frozenset[str]  # values that are never an actor: "PC", "DVD", "United"
    places: frozenset[str]  # US states: places when written as one ("in Texas")
    cues: dict[str, frozenset[str]]  # cue word lists: "cite_after", "media_nouns"...
    cite_before: tuple[tuple[str, ...], ...]  # phrases before a cited outlet: "according to"
    known: dict[tuple[str, ...], tuple[str, str]]  # lower-case words -> (kind, canonical)
    known_from: dict[str, int]  # first word of a known name -> most words of such a name
    variants: dict[str, tuple[str, ...]]  # canonical organisation -> its other names


@cache
def tables() -> NameTables:
    """Load ``searchkit/data/actor_names.json`` once."""
    path = resources.files("searchkit") / "data" / "actor_names.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    outlets = {k: (v[0], v[1]) for k, v in raw["outlets"].items()}
    # Names of several words the alias tables know, as token tuples, so that they can be
    # found in running text whatever the tagger made of them.
    known: dict[tuple[str, ...], tuple[str, str]] = {}
    for kind, spellings in raw["known_names"].items():
        for spelling, canonical in spellings.items():
            words = tuple(w.lower() for w in split_words(spelling)[0])
            known.setdefault(words, (kind, canonical))
    known_from: dict[str, int] = {}
    for words in known:
        known_from[words[0]] = max(len(words), known_from.get(words[0], 0))
    variants: dict[str, list[str]] = {}
    for key, canonical in raw["organisations"].items():
        if not key.startswith("="):
            variants.setdefault(canonical, []).append(key)
    return NameTables(
        titles=frozenset(raw["titles"]),
        org_words=frozenset(raw["org_words"]),
        gov_words=frozenset(raw["gov_words"]),
        countries=raw["countries"],
        demonyms=raw["demonyms"],
        translations=raw["country_translations"],
        people=raw["people"],
        surnames=raw["surnames"],
        organisations=raw["organisations"],
        outlets=outlets,
        platform_words=frozenset(raw["platform_words"]),
        metonyms=frozenset(raw["metonyms"]),
        regions=frozenset(raw["regions"]),
        capitals=frozenset(raw["capitals"]),
        event_words=frozenset(raw["event_words"]),
        boilerplate=tuple(raw["boilerplate"]),
        boilerplate_words=frozenset(p.split()[0].rstrip(":") for p in raw["boilerplate"]),
        given_names=frozenset(raw["given_names"]),
        first_names=frozenset(raw["first_names"]),
        not_actors=frozenset(raw["not_actors"]),
        places=frozenset(raw["places"]),
        cues={k: frozenset(v) for k, v in raw["cues"].items()},
        cite_before=tuple(tuple(c.split()) for c in raw["cues"]["cite_before"]),
        known=known,
        known_from=known_from,
        variants={k: tuple(v) for k, v in variants.items()},
    )


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The lookup key of a name: case, accents, dots, hyphens and "the" do not matter."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("’", "'").replace(".", " ").replace("-", " ")
    words = text.split()
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    return " ".join(words)


def acronym_key(name: str) -> str | None:
    """The case-sensitive key of an acronym ("NATO", "U.N."), or None for other names."""
    compact = name.replace(".", "").replace("-", "")
    if 2 <= len(compact) <= 8 and compact.isupper() and compact.isalnum():
        return "=" + compact
    return None


def peel_titles(words: list[str]) -> list[str]:
    """Drop titles, roles and nationality words from the front of a person's name."""
    t = tables()
    start = 0
    while start < len(words) - 1:
        word = words[start].rstrip(".").lower()
        after = words[start + 1].lower()
        national = word in t.demonyms or word in t.countries
        if word in t.titles or word == "the":
            start += 1
        elif national and (after in t.titles or len(words) - start > 2):
            start += 1  # "French President ...", but "Jordan Henderson" is a name
        elif words[start].isupper() and len(word) > 1 and after in t.titles:
            start += 1  # an organisation in front of a role: "NATO Secretary General"
        else:
            break
    return words[start:]


def canonical_person(name: str) -> str:
    """The canonical spelling of a person's name, via the alias table when it knows it."""
    t = tables()
    key = name_key(name)
    if key in t.people:
        return t.people[key]
    if " " not in key and key in t.surnames:
        return t.surnames[key]
    # A distinctive surname with an unlisted given name: "Luc Mélenchon".
    words = key.split()
    for size in (3, 2, 1):
        if len(words) > size and " ".join(words[-size:]) in t.surnames:
            return t.surnames[" ".join(words[-size:])]
    return name


def canonical_organisation(name: str) -> str:
    """The canonical name of an organisation ("EU" -> "European Union")."""
    t = tables()
    acronym = acronym_key(name)
    if acronym and acronym in t.organisations:
        return t.organisations[acronym]
    words = name.split()
    if words and words[0].lower() == "the" and len(words) > 1:
        words = words[1:]
    words = ["Defense" if w == "Defence" else w for w in words]
    name = " ".join(words)
    key = name_key(name)
    if key in t.organisations:
        return t.organisations[key]
    return _government_body(words) or name


def organisation_key(name: str) -> str:
    """A comparison key for organisation names: canonical name, then ``name_key``."""
    return name_key(canonical_organisation(name))


def country_of(word: str) -> str | None:
    """The country a word names or qualifies ("Russia's", "Russian", "UK" -> its name)."""
    t = tables()
    key = word.lower().replace("’", "'").removesuffix("'s")
    return t.countries.get(key) or t.demonyms.get(key) or t.translations.get(key)


def _government_body(words: list[str]) -> str | None:
    """Name a government body "<body> of <country>": "Russian Security Council" and the like."""
    if len(words) < 2:
        return None
    country = None
    body = words
    first = words[0]
    if country_of(first) and first.lower() not in ("national", "federal"):
        country, body = country_of(first), words[1:]
    elif len(words) > 2 and words[-2] == "of" and country_of(words[-1]):
        country, body = country_of(words[-1]), words[:-2]
    if country is None or not body or not is_government_body(body):
        return None
    return f"{ministry_name(body, country)} of {with_article(country)}"


def with_article(country: str) -> str:
    """ "United States" -> "the United States"; "Ukraine" stays "Ukraine"."""
    words = country.split()
    plural = words[-1].endswith("s") and len(words[-1]) > 4
    if words[0] in ("United", "Republic") or "Republic" in words or plural:
        return "the " + country
    return country


def is_government_body(words: list[str]) -> bool:
    """True when the name's head word is a government body ("Council", "Ministry"...)."""
    t = tables()
    heads = [w.lower() for w in words if w[:1].isupper()]
    return bool(heads) and (heads[-1] in t.gov_words or heads[0] in ("ministry", "department"))


def ministry_name(body: list[str], country: str) -> str:
    """ "Defense Ministry" -> "Ministry of Defense"; a non-US "Defense Department" too."""
    lowered = [w.lower() for w in body]
    if lowered[-1] in ("ministry", "department") and len(body) > 1:
        topic = " ".join(body[:-1])
        body = [body[-1], "of", "Foreign Affairs" if topic == "Foreign" else topic]
        lowered = [w.lower() for w in body]
    if lowered[0] == "department" and country not in ("United States", "United Kingdom"):
        body = ["Ministry", *body[1:]]
    return " ".join(body)


def is_generic_organisation(words: list[str]) -> bool:
    """True for names made only of organisation words ("Alliance", "Defense Forces")."""
    t = tables()
    generic = t.org_words | t.titles | {"armed", "security", "national", "federal", "of"}
    return all(w.lower() in generic for w in words)


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """A rough transliteration key: "Oleksiy", "Aleksey", "Alexei" -> "aleksi"."""
    text = name_key(word).replace(" ", "")
    for old, new in (
        ("x", "ks"),
        ("kh", "h"),
        ("yy", "i"),
        ("iy", "i"),
        ("yi", "i"),
        ("ii", "i"),
        ("ey", "i"),
        ("ei", "i"),
        ("y", "i"),
        ("ie", "e"),
        ("j", "i"),
        ("w", "v"),
    ):
        text = text.replace(old, new)
    if text.startswith("o"):
        text = "a" + text[1:]
    out = [ch for k, ch in enumerate(text) if not k or ch != text[k - 1]]
    return "".join(out)
