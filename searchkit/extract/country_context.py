"""The context rules of the country matcher: what the words around a form say about it.

``find_countries`` (``countries.py``) finds the surface forms; this module decides which of
them name the country. Word rules look at the words right before and after a match ("Neil
Jordan", "Turkey sandwich", "U.S. Open", "Prime Minister Yasuhiro Nakasone"); document rules
look at the whole text ("Georgia" beside Atlanta and the GOP, "Turkey" at Thanksgiving,
"Senate" in a story on US politics); the dateline rule reads the place a story was filed from
("TOKYO, March 3 -"). The word lists come from the "context" section of countries.json.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from searchkit.model import Mention

_WORD_BEFORE = re.compile(r"([\w'’.-]+)[ \t]$")
_WORD_AFTER = re.compile(r"[ \t]([\w'’.-]+)")
_NEXT_WORD = re.compile(r"(?:['’]s)?[ \t]+([\w'’.-]+)")
_GEORGIA = "Georgia"  # the one country name that is also a US state
_TURKEY = "Turkey"  # the one country name that is also a dish
#: Countries whose mention beside "Georgia" makes it the country, whatever else is named.
_GEORGIA_NEIGHBOURS = frozenset(["RU", "UA", "AM", "AZ", "TR", "BY", "MD", "KZ", "IR"])

# A dateline at the start of a story: one to three places ("KYIV", "WIGAN, England",
# "Rio de Janeiro"), then a date or the agency in brackets ("Aug 31", "1996-08-31",
# "1. März", "12 марта", "(Reuters)", "(dpa)"), or, for a place in capitals, a dash
# ("KYIV, Ukraine —"). The words of the places are checked apart: a place in title case
# ("Paris (AFP) -") needs the dash after it, or a headline such as "Iran Rejects Deal (AP)"
# would pass for one.
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
_CAPS_DATELINE = re.compile(
    rf"\s*(?P<place>[^\W\d_a-z][^\W\d_a-z .'’-]{{1,40}}?(?:,[ \t]*{_PLACE}){{0,2}}?)"
    r"[ \t]*(?:-{1,2}|–|—)[ \t]"
)
_DASH_AFTER = re.compile(r"[^\n]{0,40}?[ \t](?:-{1,2}|–|—)(?:[ \t]|$)", re.MULTILINE)
_PLACE_PARTICLES = frozenset(
    ["de", "da", "do", "del", "di", "la", "le", "les", "am", "an", "der", "sur", "upon", "on", "en"]
)
_PLACE_BEFORE = re.compile(
    r"(?:^|\W)(?:in|into|(?<!according )to|from|of|across|throughout)[ \t]+$", re.IGNORECASE
)
_COORDINATION = re.compile(r"(?:,|[ \t]and|[ \t]or|[ \t]&)[ \t]+")
_ARTICLE_BEFORE = re.compile(r"(?:^|\W)(?:a|an|A|An)(?:[ \t]+[\w-]+)?[ \t]+$")


@dataclass(frozen=True)
class Form:
    """A surface form of the table: its code ("" for a blocked phrase) and its rule."""

    surface: str
    code: str
    rule: str


@dataclass(frozen=True)
class Dateline:
    """The places a story was filed from: where they end, and the country they name."""

    start: int
    end: int
    place: str
    code: str


def alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def is_name(word: str) -> bool:
    """A capitalised word as a name is written: "Henderson", "O'Keeffe", "B." (an initial)."""
    return word[:1].isupper() and (any(c.islower() for c in word) or len(word.rstrip(".")) == 1)


def place_key(name: str) -> str:
    """A place name as datelines are looked up: case, accents, dots and hyphens ignored."""
    plain = name.casefold()
    if not plain.isascii():
        decomposed = unicodedata.normalize("NFKD", plain)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("’", "'").replace(".", "").replace("-", " ")
    return " ".join(plain.split())


def _words(data: dict[str, Any], key: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{alternation(data[key])})(?!\w)")


class Context:
    """The context rules, built from the "context" section of countries.json."""

    def __init__(self, data: dict[str, Any], forms: dict[str, dict[str, dict[str, list]]]):
        self.first_names = frozenset(data["first_names"])
        self.surnames = frozenset(data["surnames"])
        self.given_names = frozenset(data["given_names"])
        events = [form for word in data["event_words"] for form in (word, word.upper())]
        self.event_after = re.compile(rf"[ \t]+(?:{alternation(events)})(?![\w-])")
        self.continuations = frozenset(data["continuations"])
        self.non_name_words = frozenset(data["non_name_words"])
        self.abbreviations = frozenset(data["abbreviations"])
        self.not_before = {k: frozenset(v) for k, v in data["not_before"].items()}
        self.not_after = {k: tuple(f"{p} " for p in v) for k, v in data["not_after"].items()}
        self.article_before = frozenset(data["article_before"])
        self.caps_guard = frozenset(data["caps_guard"])
        self.office_before = re.compile(rf"(?<![\w-])(?:{alternation(data['offices'])})[ \t]+$")
        self.us_context_implied = frozenset(data["us_context_implied"])
        self.us_politics = _words(data, "us_politics")
        self.turkey_food = _words(data, "turkey_food")
        self.turkey_country = _words(data, "turkey_country")
        georgia = data["georgia"]
        self.georgia_us_cities = frozenset(georgia["us_cities"])
        places = alternation(data["us_place_after"])
        self.us_place_after = re.compile(rf",[ \t]+(?:{places})(?!\w)")
        self.after_us_city = re.compile(rf"\b(?:{alternation(georgia['us_cities'])}),[ \t]+$")
        us_evidence = georgia["us_evidence"] + georgia["us_politics"]
        self.us_evidence = re.compile(rf"(?<!\w)(?:{alternation(us_evidence)})(?!\w)")
        self.country_evidence = re.compile(rf"\b(?:{alternation(georgia['country_evidence'])})")
        self._data, self._forms = data, forms

    @functools.cached_property
    def dateline_places(self) -> dict[str, str]:
        """Built on the first dateline met: most texts have none."""
        return self._dateline_places(self._data, self._forms)

    @staticmethod
    def _dateline_places(data: dict[str, Any], forms: dict) -> dict[str, str]:
        """Place keys -> code: cities, then capitals, then US states and Canadian provinces,
        then country names and regions; a later group wins a name two groups share."""

        def surfaces(rules: tuple[str, ...]):
            for language in forms.values():
                for rule in rules:
                    for code, found in language.get(rule, {}).items():
                        yield from ((place_key(s), code) for s in found)

        places = dict(data["dateline_places"])
        places.update(surfaces(("capital",)))
        places.update((place_key(s), "US") for s in data["us_state_names"])
        places.update((place_key(s), "US") for s in data["us_state_abbreviations"] if "." in s)
        places.update((place_key(s), "CA") for s in data["canadian_provinces"])
        places.update(surfaces(("name", "short-form", "region")))
        return places

    # -- words around a match -------------------------------------------------------------

    def rejects(self, text: str, start: int, end: int, form: Form, original: str) -> str:
        """Why the words around a match show it is not the country: "" when they do not,
        "surname" when it ends a person's name ("Neil Jordan said"), "context" otherwise.
        ``original`` is the text before all-caps runs were read in title case."""
        surface = form.surface
        following = _NEXT_WORD.match(text, end)
        if following and following.group(1).lower().rstrip(".") in self.not_before.get(surface, ()):
            return "context"
        if any(text.endswith(p, 0, start) for p in self.not_after.get(surface, ())):
            return "context"
        if surface in self.article_before and _ARTICLE_BEFORE.search(text, 0, start):
            return "context"  # "a real Turkey" is a flop or a bird, never the country
        if self.event_after.match(text, end):
            return "context"  # "U.S. Open", "French Open", "Belgian Grand Prix"
        if surface in self.first_names:
            after = _WORD_AFTER.match(text, end)
            if after and is_name(after.group(1)) and after.group(1) not in self.continuations:
                return "context"  # "Jordan Henderson", "Paris Hilton"
        before = _WORD_BEFORE.search(text, max(0, start - 40), start)
        word = before.group(1) if before else ""
        if word in self.given_names:
            return self._surname(text, end, form)  # "Neil Jordan", "David France", "Mark Cuban"
        if surface in self.surnames or form.rule == "capital":
            # "Chad." ends a sentence; "Mr." and "B." belong to the name that follows.
            if word.endswith(".") and len(word) > 2 and word not in self.abbreviations:
                word = ""
            if is_name(word) and word not in self.non_name_words:
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
        if surface in self.caps_guard:
            before = _WORD_BEFORE.search(original, max(0, start - 40), start)
            if before and before.group(1).isalpha() and before.group(1).isupper():
                return "context"  # "CONTACT US"
        return ""

    def _surname(self, text: str, end: int, form: Form) -> str:
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

    def office_start(self, text: str, start: int) -> int:
        """Where the office written right before an office-holder's name starts ("Prime
        Minister" of "Prime Minister Yasuhiro Nakasone"); -1 when there is none."""
        match = self.office_before.search(text, max(0, start - 40), start)
        return match.start() if match else -1

    # -- the dateline ---------------------------------------------------------------------

    def dateline(self, text: str) -> Dateline | None:
        """The dateline at the start of ``text`` and the country its places name, if any."""
        match = _DATELINE.match(text) or _CAPS_DATELINE.match(text)
        if match is None:
            return None
        places = match.group("place").split(",")
        in_capitals = places[0].isupper()  # "WIGAN, England": the wires' style
        for place in places:
            words = place.split()
            if not words or len(words) > (4 if in_capitals else 3):
                return None
            if not all(w[0].isupper() or w in _PLACE_PARTICLES for w in words):
                return None
        if not in_capitals and not _DASH_AFTER.match(text, match.end()):
            return None
        code = ""
        # The last place decides: "ATHENS, Ga." is in the US, "GROZNY, Russia" in Russia;
        # "Georgia" after a Georgia city is the state ("ATLANTA, Georgia").
        for place in reversed(places):
            code = self.dateline_places.get(place_key(place), "")
            if code:
                break
        if code == "GE" and len(places) > 1 and places[0].title() in self.georgia_us_cities:
            code = "US"
        start = match.start("place")
        return Dateline(start, match.end("place"), match.group("place"), code)

    # -- the whole text -------------------------------------------------------------------

    def drop_by_document(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """The rules that read the whole text: Georgia the US state, Turkey the bird, and
        "Senate" or "Congress" outside US politics."""
        mentions = self._drop_us_state(text, mentions)
        mentions = self._drop_bird(text, mentions)
        if any(m.text in self.us_context_implied for m in mentions):
            us = any(m.value == "US" and m.text not in self.us_context_implied for m in mentions)
            if not us and not self.us_politics.search(text):
                mentions = [m for m in mentions if m.text not in self.us_context_implied]
        return mentions

    def _drop_us_state(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """Drop a bare "Georgia" in a text about the US state (the US, another state, a
        Georgia city or US politics named, and nothing that points to the country: Tbilisi,
        Georgian, Abkhazia, Russia or another neighbour), unless it is listed with other
        countries."""
        if not any(m.text == _GEORGIA for m in mentions):
            return mentions
        country = any(
            (m.value == "GE" and m.text != _GEORGIA) or m.value in _GEORGIA_NEIGHBOURS
            for m in mentions
        )
        us = any(m.value == "US" for m in mentions) or self.us_evidence.search(text)
        if country or self.country_evidence.search(text) or not us:
            return mentions
        return [
            m for i, m in enumerate(mentions) if m.text != _GEORGIA or _listed(text, mentions, i)
        ]

    def _drop_bird(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """Drop a bare "Turkey" in a text about the bird (Thanksgiving, turkeys, stuffing) that
        says nothing of the country (Turkish, Ankara, Erdogan, the Kurds)."""
        if not any(m.text == _TURKEY for m in mentions):
            return mentions
        if not self.turkey_food.search(text) or self.turkey_country.search(text):
            return mentions
        return [
            m for i, m in enumerate(mentions) if m.text != _TURKEY or _listed(text, mentions, i)
        ]


def _listed(text: str, mentions: list[Mention], i: int) -> bool:
    """Whether mention ``i`` is listed with another country ("Ukraine, Georgia and Moldova")."""
    mention = mentions[i]
    start, end = mention.start, mention.start + len(mention.text)
    before = mentions[i - 1] if i else None
    after = mentions[i + 1] if i + 1 < len(mentions) else None
    return bool(
        (
            before is not None
            and before.value != mention.value
            and _COORDINATION.fullmatch(text, before.start + len(before.text), start)
        )
        or (
            after is not None
            and after.value != mention.value
            and _COORDINATION.fullmatch(text, end, after.start)
        )
    )


def drop_surnames(text: str, mentions: list[Mention], surnames: set[str]) -> list[Mention]:
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
