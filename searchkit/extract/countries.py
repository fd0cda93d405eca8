"""Country mentions in running text: names, short forms, demonyms, capitals and metonyms.

One pass over the words of a text. A word that can start a known surface form ("United" for
"United Kingdom") is looked up in a table built once per language; the longest form that fits
wins, blocked phrases ("New Mexico", "Washington Post") included, and a few context rules throw
out the classic traps ("Michael Jordan", "Atlanta, Georgia", "Turkey sandwich", "U.S. Open").
A capital in a dateline ("Paris, Aug 31 (AFP) -") says where the reporter was, not what the
story is about, and is skipped; a country named there ("GROZNY, Russia (Reuters) -") is kept.

Matching is case-sensitive: country names are proper nouns, so "turkey" and "us" never match.
The tables are package data built by ``scripts/build_tables.py``; ``searchkit/data/README.md``
lists their sources and the decisions behind them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from searchkit.errors import ConfigError
from searchkit.model import Mention

# The lookups live in searchkit.tables; they are re-exported here for older callers.
from searchkit.tables import country_codes, country_label, country_table, resolve_country

__all__ = ["country_codes", "country_label", "find_countries", "resolve_country"]

_WORD = re.compile(r"\w+")
_WORD_BEFORE = re.compile(r"([\w'’.-]+)[ \t]$")
_WORD_AFTER = re.compile(r"[ \t]([\w'’.-]+)")
_NEXT_WORD = re.compile(r"(?:['’]s)?[ \t]+([\w'’.-]+)")
_GEORGIA = "Georgia"  # the one country name that is also a US state

# A dateline at the start of a story: one to three places ("KYIV", "WIGAN, England",
# "Rio de Janeiro"), then a date or the agency in brackets ("Aug 31", "1996-08-31",
# "1. März", "12 марта", "(Reuters)", "(dpa)"). The words of the places are checked apart:
# a place in title case ("Paris (AFP) -") needs the dash after it, or a headline such as
# "Iran Rejects Deal (AP)" would pass for one.
_MONTHS = (
    "jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|"
    "september|oct|october|nov|november|dec|december|janvier|février|fevrier|mars|avril|mai|juin|"
    "juillet|août|aout|septembre|octobre|novembre|décembre|decembre|januar|februar|märz|juni|"
    "juli|oktober|dezember|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|"
    "setiembre|octubre|noviembre|diciembre|января|февраля|марта|апреля|мая|июня|июля|августа|"
    "сентября|октября|ноября|декабря|січня|лютого|березня|квітня|травня|червня|липня|серпня|"
    "вересня|жовтня|листопада|грудня"
)
_PLACE = r"[^\W\d_](?:[^\W\d_]|[.'’ \t-]){0,40}?"  # letters, spaces, dots, hyphens
_DATELINE = re.compile(
    rf"\s*(?P<place>{_PLACE}(?:,[ \t]*{_PLACE}){{0,2}}?),?[ \t]+"
    r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?[ \t]+)?"
    rf"(?:\d{{4}}-\d\d-\d\d|\d{{1,2}}\.?[ \t]+(?:{_MONTHS})\b|(?:{_MONTHS})\.?[ \t]+\d{{1,2}}\b"
    r"|\([^\W\d_][^()\n]{0,40}\))",
    re.IGNORECASE,
)
_DASH_AFTER = re.compile(r"[^\n]{0,40}?[ \t](?:-{1,2}|–|—)(?:[ \t]|$)", re.MULTILINE)
_PLACE_PARTICLES = frozenset(
    ["de", "da", "do", "del", "di", "la", "le", "les", "am", "an", "der", "sur", "upon", "on", "en"]
)


@dataclass(frozen=True)
class _Form:
    surface: str
    code: str  # "" for a blocked phrase: it wins the longest match and yields nothing
    rule: str


@dataclass(frozen=True)
class _Index:
    """Surface forms keyed by their first word (longest first), and a pattern for the words
    worth looking up: those starting with a character some form starts with."""

    forms: dict[str, tuple[_Form, ...]]
    initials: str

    @property
    def words(self) -> re.Pattern[str]:
        return _words_starting_with(self.initials)


class _Context:
    """The context rules, built from the "context" section of countries.json."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.first_names = frozenset(data["first_names"])
        self.surnames = frozenset(data["surnames"])
        self.given_names = frozenset(data["given_names"])
        events = [form for word in data["event_words"] for form in (word, word.upper())]
        self.event_after = re.compile(rf"[ \t]+(?:{_alternation(events)})(?![\w-])")
        self.continuations = frozenset(data["continuations"])
        self.non_name_words = frozenset(data["non_name_words"])
        self.abbreviations = frozenset(data["abbreviations"])
        self.not_before = {k: frozenset(v) for k, v in data["not_before"].items()}
        self.not_after = {k: tuple(f"{p} " for p in v) for k, v in data["not_after"].items()}
        self.caps_guard = frozenset(data["caps_guard"])
        georgia = data["georgia"]
        self.georgia_us_cities = frozenset(georgia["us_cities"])
        places = _alternation(data["us_place_after"])
        self.us_place_after = re.compile(rf",[ \t]+(?:{places})(?!\w)")
        self.after_us_city = re.compile(rf"\b(?:{_alternation(georgia['us_cities'])}),[ \t]+$")
        self.us_evidence = re.compile(rf"\b(?:{_alternation(georgia['us_evidence'])})\b")
        self.country_evidence = re.compile(rf"\b(?:{_alternation(georgia['country_evidence'])})")

    def rejects(self, text: str, start: int, end: int, form: _Form) -> str:
        """Why the words around a match show it is not the country: "" when they do not,
        "surname" when it ends a person's name ("Neil Jordan said"), "context" otherwise."""
        surface = form.surface
        following = _NEXT_WORD.match(text, end)
        if following and following.group(1).lower().rstrip(".") in self.not_before.get(surface, ()):
            return "context"
        if any(text.endswith(p, 0, start) for p in self.not_after.get(surface, ())):
            return "context"
        if self.event_after.match(text, end):
            return "context"  # "U.S. Open", "French Open", "Belgian Grand Prix"
        if surface in self.first_names:
            after = _WORD_AFTER.match(text, end)
            if after and _is_name(after.group(1)) and after.group(1) not in self.continuations:
                return "context"  # "Jordan Henderson", "Paris Hilton"
        before = _WORD_BEFORE.search(text, max(0, start - 40), start)
        word = before.group(1) if before else ""
        if word in self.given_names:
            return self._surname(text, end, form)  # "Neil Jordan", "David France", "Mark Cuban"
        if surface in self.surnames or form.rule == "capital":
            # "Chad." ends a sentence; "Mr." and "B." belong to the name that follows.
            if word.endswith(".") and len(word) > 2 and word not in self.abbreviations:
                word = ""
            if _is_name(word) and word not in self.non_name_words:
                # "Tom Holland", "Jack London", "Real Madrid"; not read as a surname elsewhere,
                # as the word before may be no given name at all ("Black America").
                return "context"
        if form.rule == "capital":
            if self.us_place_after.match(text, end):
                return "context"  # "Paris, Texas", "London, Ontario"
            if surface in self.georgia_us_cities and text.startswith(", Georgia", end):
                return "context"  # "Athens, Georgia"
        if surface == _GEORGIA and self.after_us_city.search(text, max(0, start - 40), start):
            return "context"  # "Atlanta, Georgia"
        if surface in self.caps_guard and word.isalpha() and word.isupper():
            return "context"  # "CONTACT US"
        return ""

    def _surname(self, text: str, end: int, form: _Form) -> str:
        """ "surname" when a person's name ends with the match, so that the bare word is read
        as the same person elsewhere in the text; "context" when the name goes on ("George
        Washington University") or the bare word keeps its usual sense: a demonym ("Philip
        French") or a capital ("Jack London") is seldom a person's surname."""
        after = _WORD_AFTER.match(text, end)
        if after and after.group(1)[:1].isupper():
            return "context"
        if form.rule in ("demonym", "capital") and form.surface not in self.surnames:
            return "context"
        return "surname"

    def dateline_end(self, text: str) -> int:
        """Where the places of a dateline at the start of ``text`` end; 0 when it has none."""
        match = _DATELINE.match(text)
        if match is None:
            return 0
        places = match.group("place").split(",")
        in_capitals = places[0].isupper()  # "WIGAN, England": the wires' style
        for place in places:
            words = place.split()
            if not words or len(words) > (4 if in_capitals else 3):
                return 0
            if not all(w[0].isupper() or w in _PLACE_PARTICLES for w in words):
                return 0
        if not in_capitals and not _DASH_AFTER.match(text, match.end()):
            return 0
        return match.end("place")

    def drop_us_state(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """Drop a bare "Georgia" in a text about the US state (another state or Atlanta named,
        and nothing that points to the country: Tbilisi, Georgian, Abkhazia)."""
        if not any(m.text == _GEORGIA for m in mentions):
            return mentions
        country = any(m.value == "GE" and m.text != _GEORGIA for m in mentions)
        if country or self.country_evidence.search(text) or not self.us_evidence.search(text):
            return mentions
        return [m for m in mentions if m.text != _GEORGIA]


class _Tables:
    """countries.json, loaded once."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.languages: tuple[str, ...] = tuple(data["languages"])
        self.countries: dict[str, dict[str, Any]] = data["countries"]
        self.forms: dict[str, dict[str, dict[str, list[str]]]] = data["forms"]
        self.blocks: dict[str, list[str]] = data["blocks"]
        self.context = _Context(data["context"])


@functools.cache
def _tables() -> _Tables:
    return _Tables(country_table())


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _is_name(word: str) -> bool:
    """A capitalised word as a name is written: "Henderson", "O'Keeffe", "B." (an initial)."""
    return word[:1].isupper() and (any(c.islower() for c in word) or len(word.rstrip(".")) == 1)


def _active_languages(language: str) -> tuple[str, ...]:
    """English forms always; plus the document language's; every language when it is unknown."""
    code = (language or "").replace("_", "-").split("-")[0].lower()
    languages = _tables().languages
    if code == "en":
        return ("en",)
    if code in languages:
        return ("en", code)
    return languages


def _first_word(surface: str) -> str:
    match = _WORD.match(surface)
    if not match:
        raise ConfigError(f"country alias {surface!r} must start with a letter or digit")
    return match.group()


def _by_first_word(forms: dict[str, _Form]) -> dict[str, tuple[_Form, ...]]:
    grouped: dict[str, list[_Form]] = {}
    for form in forms.values():
        grouped.setdefault(_first_word(form.surface), []).append(form)
    return {
        word: tuple(sorted(group, key=lambda f: len(f.surface), reverse=True))
        for word, group in grouped.items()
    }


@functools.cache
def _index(languages: tuple[str, ...]) -> _Index:
    """The surface forms and blocked phrases of the given languages."""
    tables = _tables()
    forms: dict[str, _Form] = {}
    # Later languages override earlier ones: the document's language beats English.
    for language in languages:
        for rule, codes in tables.forms.get(language, {}).items():
            for code, surfaces in codes.items():
                for surface in surfaces:
                    forms[surface] = _Form(surface, code, rule)
    for language in ("*", *languages):
        for surface in tables.blocks.get(language, ()):
            forms[surface] = _Form(surface, "", "block")
    return _indexed(forms)


def _indexed(forms: dict[str, _Form]) -> _Index:
    grouped = _by_first_word(forms)
    return _Index(grouped, "".join(sorted({word[0] for word in grouped})))


@functools.lru_cache(maxsize=64)
def _words_starting_with(initials: str) -> re.Pattern[str]:
    """Words worth looking up: most words start with a letter no form starts with."""
    return re.compile(rf"(?<!\w)[{re.escape(initials)}]\w*")


@functools.lru_cache(maxsize=32)
def _alias_index(items: tuple[tuple[str, str], ...]) -> _Index:
    codes = country_codes()
    forms: dict[str, _Form] = {}
    for surface, code in items:
        value = (code or "").strip().upper()
        if value and value not in codes:
            raise ConfigError(
                f"country alias {surface!r} -> {code!r}: not an ISO 3166-1 alpha-2 code; "
                "use a code such as 'FR', or an empty value to ignore the phrase"
            )
        forms[surface] = _Form(surface, value, "alias")
    return _indexed(forms)


def _longest(text: str, start: int, candidates: tuple[_Form, ...]) -> _Form | None:
    for form in candidates:
        if text.startswith(form.surface, start):
            end = start + len(form.surface)
            # A form ending in a word character must end the word ("Niger" is not "Nigeria").
            if end == len(text) or not form.surface[-1].isalnum() or not text[end].isalnum():
                return form
    return None


def find_countries(
    text: str, language: str = "en", extra_aliases: Mapping[str, str] | None = None
) -> list[Mention]:
    """Every country mention in ``text``, in text order, one Mention per occurrence.

    ``value`` is the ISO 3166-1 alpha-2 code ("XK" for Kosovo); ``rule`` says how it was found:
    "name", "short-form", "demonym", "capital", "metonym", "region" or "alias". The capital
    of a dateline at the start of ``text`` ("Kyiv, March 1 (AFP) -") yields nothing: pass the
    body on its own, not after the title, to have it recognised. ``language`` adds that
    language's forms to the English ones (any of en, fr, de, es, ru, uk; an unknown
    language uses them all). ``extra_aliases`` maps surface forms to codes; an empty code makes
    the phrase block a country match ("Georgia Tech": ""). Callers dedupe by value.
    """
    if not text:
        return []
    tables = _tables()
    index = _index(_active_languages(language))
    forms = index.forms
    words = index.words
    aliases: dict[str, tuple[_Form, ...]] = {}
    if extra_aliases:
        alias_index = _alias_index(tuple(sorted(extra_aliases.items())))
        aliases = alias_index.forms
        words = _words_starting_with("".join(sorted(set(index.initials + alias_index.initials))))
    context = tables.context
    dateline = context.dateline_end(text)
    mentions: list[Mention] = []
    surnames: set[str] = set()  # country names met as a person's surname ("Neil Jordan")
    covered = 0
    for word in words.finditer(text):
        key = word.group()
        candidates = forms.get(key)
        if candidates is None and key not in aliases:
            continue
        start = word.start()
        if start < covered:
            continue
        form = _longest(text, start, candidates or ())
        alias = _longest(text, start, aliases[key]) if key in aliases else None
        if alias and (form is None or len(alias.surface) >= len(form.surface)):
            form = alias
        if form is None:
            continue
        end = start + len(form.surface)
        covered = end
        if not form.code or (start < dateline and form.rule == "capital"):
            continue
        reason = context.rejects(text, start, end, form)
        if reason == "surname":
            surnames.add(form.surface)
        elif not reason:
            mentions.append(Mention("country", form.code, form.surface, form.rule, start))
    if surnames:
        mentions = _drop_surnames(text, mentions, surnames)
    return context.drop_us_state(text, mentions)


_PLACE_BEFORE = re.compile(
    r"(?:^|\W)(?:in|into|(?<!according )to|from|of|across|throughout)[ \t]+$", re.IGNORECASE
)
_COORDINATION = re.compile(r"(?:,|[ \t]and|[ \t]or|[ \t]&)[ \t]+")


def _drop_surnames(text: str, mentions: list[Mention], surnames: set[str]) -> list[Mention]:
    """Drop the bare surname of a person met in full ("Neil Jordan ... Jordan said"), unless
    a preposition of place comes before it ("flew to Jordan") or it is listed with another
    country ("Ireland and Scotland players" after "James Ireland")."""
    kept = []
    for i, mention in enumerate(mentions):
        if mention.text in surnames:
            start, end = mention.start, mention.start + len(mention.text)
            before = mentions[i - 1] if i else None
            after = mentions[i + 1] if i + 1 < len(mentions) else None
            listed = (
                before is not None
                and _COORDINATION.fullmatch(text, before.start + len(before.text), start)
            ) or (after is not None and _COORDINATION.fullmatch(text, end, after.start))
            # "in Jordan" is the country; in "in Jordan's film" the preposition is the film's.
            place = not text.startswith(("'s", "’s"), end) and _PLACE_BEFORE.search(
                text, max(0, start - 12), start
            )
            if not listed and not place:
                continue
        kept.append(mention)
    return kept
