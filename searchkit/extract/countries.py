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
from dataclasses import dataclass, replace
from typing import Any

from searchkit.errors import ConfigError
from searchkit.model import Mention

# The lookups live in searchkit.tables; they are re-exported here for older callers.
from searchkit.tables import country_codes, country_label, country_table, resolve_country

from .country_context import Context, drop_surnames
from .country_context import Form as _Form

__all__ = ["country_codes", "country_label", "find_countries", "resolve_country"]

_WORD = re.compile(r"\w+")
# A word of an all-caps run: letters, with inner apostrophes or dots ("JAPAN'S", "U.S").
_CAPS_WORD = re.compile(r"[^\W\d_]+(?:['’.][^\W\d_]+)*")
# Two words in capitals (Latin or Cyrillic) in a row: the sign of an all-caps headline.
_UPPER = "A-ZÀ-ÖØ-ÞА-ЯЁЄІЇҐ"
_CAPS_RUN = re.compile(
    rf"(?<!\w)[{_UPPER}]{{2,}}(?:['’][{_UPPER}]+)?[^\w\n]+[{_UPPER}]{{2,}}(?!\w)"
)
#: Words of an all-caps headline that stay in lower case when it is read in title case.
_SMALL_WORDS = frozenset(
    ["of", "and", "the", "de", "du", "des", "la", "le", "del", "da", "do", "y", "et", "und"]
)
#: Rules whose matches are reported as implied by the phrase: institutions and seats of power.
_IMPLIED = frozenset(["implied", "metonym"])


@dataclass(frozen=True)
class _Index:
    """Surface forms keyed by their first word (longest first), and a pattern for the words
    worth looking up: those starting with a character some form starts with."""

    forms: dict[str, tuple[_Form, ...]]
    initials: str

    @property
    def words(self) -> re.Pattern[str]:
        return _words_starting_with(self.initials)


class _Tables:
    """countries.json, loaded once."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.languages: tuple[str, ...] = tuple(data["languages"])
        self.countries: dict[str, dict[str, Any]] = data["countries"]
        self.forms: dict[str, dict[str, dict[str, list[str]]]] = data["forms"]
        self.blocks: dict[str, list[str]] = data["blocks"]
        self.context = Context(data["context"], data["forms"])


@functools.cache
def _tables() -> _Tables:
    return _Tables(country_table())


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
    text: str,
    language: str = "en",
    extra_aliases: Mapping[str, str] | None = None,
    title: str = "",
) -> list[Mention]:
    """Every country mention in ``text``, in text order, one Mention per occurrence.

    ``value`` is the ISO 3166-1 alpha-2 code ("XK" for Kosovo); ``rule`` says how it was found:
    "name", "short-form", "demonym", "capital", "region", "alias", "dateline" (the place a
    dateline at the start of ``text`` names: "TOKYO, March 3 -", "KYIV, Ukraine -"), or
    ``implied by "<phrase>"`` for an institution, a seat of government or an office-holder
    named with the office ("Federal Reserve", "Kremlin", "Prime Minister Yasuhiro
    Nakasone"). All-caps runs ("JAPAN TAX REFORM") are read like any other text.

    ``title`` is the headline when it is kept apart from ``text``: it is read with the text
    (a name met in one explains a word in the other), and its mentions get ``start`` -1.
    ``language`` adds that language's forms to the English ones (any of en, fr, de, es, ru,
    uk; an unknown language uses them all). ``extra_aliases`` maps surface forms to codes;
    an empty code makes the phrase block a country match ("Georgia Tech": ""). Callers
    dedupe by value.
    """
    if not text and not title:
        return []
    offset = len(title) + 1 if title else 0
    original = f"{title}\n{text}" if title else text
    tables = _tables()
    context = tables.context
    index = _index(_active_languages(language))
    full = _read_caps(original, index)
    forms = index.forms
    words = index.words
    aliases: dict[str, tuple[_Form, ...]] = {}
    if extra_aliases:
        alias_index = _alias_index(tuple(sorted(extra_aliases.items())))
        aliases = alias_index.forms
        words = _words_starting_with("".join(sorted(set(index.initials + alias_index.initials))))
    mentions: list[Mention] = []
    dateline = context.dateline(original[offset:]) if text else None
    covered = 0
    filed = (0, 0)  # the dateline's places, which yield nothing more than the dateline
    if dateline is not None and dateline.code:
        filed = (offset + dateline.start, offset + dateline.end)
        mentions.append(Mention("country", dateline.code, dateline.place, "dateline", filed[0]))
    skip_capitals = offset + dateline.end if dateline is not None else 0
    surnames: set[str] = set()  # country names met as a person's surname ("Neil Jordan")
    for word in words.finditer(full):
        key = word.group()
        candidates = forms.get(key)
        if candidates is None and key not in aliases:
            continue
        start = word.start()
        if start < covered or filed[0] <= start < filed[1]:
            continue
        form = _longest(full, start, candidates or ())
        alias = _longest(full, start, aliases[key]) if key in aliases else None
        if alias and (form is None or len(alias.surface) >= len(form.surface)):
            form = alias
        if form is None:
            continue
        end = start + len(form.surface)
        if form.rule == "office":
            office = context.office_start(full, start)
            if office < 0:
                continue  # a name without its office does not cover the words after it
            covered = end
            phrase = full[office:end]
            mentions.append(Mention("country", form.code, phrase, _implied(phrase), office))
            continue
        covered = end
        if not form.code or (start < skip_capitals and form.rule == "capital"):
            continue
        reason = context.rejects(full, start, end, form, original)
        if reason == "surname":
            surnames.add(form.surface)
        elif not reason:
            rule = _implied(form.surface) if form.rule in _IMPLIED else form.rule
            mentions.append(Mention("country", form.code, form.surface, rule, start))
    mentions.sort(key=lambda m: m.start)  # the dateline's mention among the title's
    if surnames:
        mentions = drop_surnames(full, mentions, surnames)
    mentions = context.drop_by_document(full, mentions)
    if offset or full is not original:
        # Report the words as written ("JAPAN"), at offsets in ``text`` (-1 in the title).
        mentions = [
            replace(
                m,
                text=original[m.start : m.start + len(m.text)],
                start=max(m.start - offset, -1),
            )
            for m in mentions
        ]
    return mentions


def _implied(phrase: str) -> str:
    return f'implied by "{phrase}"'


def _read_caps(text: str, index: _Index) -> str:
    """``text`` with its all-caps runs ("JAPAN TAX REFORM", "SOCCER - CHINA WIN") in title
    case, so that the case-sensitive forms match them; same length, same offsets. Words of
    a run that are forms as written stay ("US", "UAE"), and so does any other word in
    capitals on its own ("NATO", "IMF")."""
    if not _CAPS_RUN.search(text):
        return text
    out = list(text)
    for run in _CAPS_RUN.finditer(text):
        line_start = text.rfind("\n", 0, run.start()) + 1
        line_end = text.find("\n", run.end())
        line_end = len(text) if line_end < 0 else line_end
        for word in _CAPS_WORD.finditer(text, line_start, line_end):
            surface = word.group()
            if not surface.isupper() or len(surface) < 2 or "." in surface:
                continue
            if surface in index.forms and len(surface) <= 4:
                continue  # "US", "UK", "UAE", "DPRK"
            lowered = surface.lower()
            cased = lowered if lowered in _SMALL_WORDS else surface[0] + lowered[1:]
            if len(cased) == len(surface):
                out[word.start() : word.end()] = cased
    return "".join(out)
