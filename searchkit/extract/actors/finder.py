"""Actors of an article: the people and organisations it is about, one canonical name each.

``find_actors`` returns mentions of three kinds:

* ``person`` and ``organisation``: the actor facet is their distinct values;
* ``cited_source``: news outlets and platforms the article only quotes ("Bloomberg reported",
  "told Reuters", "in an interview with Le Parisien", "wrote on X").

English text goes through the name tagger (``tagger``); its spans become names
(``name_spans``), outlets are told apart (``citations``), names the alias tables know are
found whatever the tagger said, and the names of a document are resolved against each other
(``resolution``): "Macron" after "Emmanuel Macron" is one person, "the Alliance" after "North
Atlantic Alliance" one organisation. Lines of page furniture ("Read also: ...") are skipped.

Other languages get no tagger (it is trained on English news) and no English title words:
names come from the alias tables (people, organisations, outlets, acronyms such as "OTAN"),
from capitalised words opened by a known given name ("Olaf Scholz"), and from acronyms written
twice or more. That finds fewer names than in English, but few wrong ones.
"""

from __future__ import annotations

import re
from collections import Counter

from ...model import Mention
from . import names
from .citations import is_cited, media_names, platforms
from .junk import NAME_SUFFIXES, drop_junk, line_ends
from .name_spans import span_names, split_titled_names, vote_types
from .name_tokens import Tokens, is_capitalised, tokenize
from .names import Found
from .resolution import (
    resolve_kinds,
    resolve_organisations,
    resolve_people,
    resolve_short_names,
)
from .tagger import lexicon, tag

#: Languages the tagger reads; "und" (undetermined) is most often short English text.
ENGLISH = frozenset({"en", "und", ""})

_ELISION_RE = re.compile(r"(?:[ldjmnstcLDJMNSTC]|[Qq]u)['’](?=[A-ZÀ-ÖØ-Þ])")


def find_actors(text: str, language: str = "en", title: str = "") -> list[Mention]:
    """People, organisations and cited sources of an article, with canonical values.

    ``language`` is the detected language code; ``title`` the headline when it is kept
    apart from the body (its mentions get ``start`` -1). Mentions come in text order.
    """
    full = f"{title}\n{text}" if title else text
    offset = len(title) + 1 if title else 0
    english = language.lower().partition("-")[0] in ENGLISH
    tokens = tokenize(full, lexicon().casing if english else {})
    if not tokens.words:
        return []
    masked = _boilerplate(tokens)
    found = _english_names(tokens, masked) if english else _other_language_names(tokens, masked)
    found.extend(platforms(tokens, masked))
    resolve_people(found)
    resolve_organisations(found, tokens)
    resolve_short_names(found)
    resolve_kinds(found)
    drop_junk(found, tokens)
    mentions = []
    for item in found:
        if item.value:
            start = max(tokens.starts[item.first] - offset, -1)
            surface = tokens.surface(item.first, item.end)
            mentions.append(Mention(item.kind, item.value, surface, item.rule, start))
    mentions.sort(key=lambda m: (m.start, m.kind))
    return mentions


def _boilerplate(tokens: Tokens) -> list[bool]:
    """Tokens on lines of page furniture ("Read also: ...", "Photo: ...")."""
    t = names.tables()
    masked = [False] * len(tokens)
    for first, end in tokens.lines:
        if tokens.words[first].lower() in t.boilerplate_words:
            line = tokens.surface(first, min(end, first + 4)).lower()
            if line.startswith(t.boilerplate):
                masked[first:end] = [True] * (end - first)
    return masked


def _english_names(tokens: Tokens, masked: list[bool]) -> list[Found]:
    """Names from the tagger, the alias tables and media nouns, without overlaps."""
    found = known_names(tokens, masked)
    taken = {k for item in found for k in range(item.first, item.end)}
    for item in media_names(tokens, masked):
        if taken.isdisjoint(range(item.first, item.end)):
            found.append(item)
            taken.update(range(item.first, item.end))
    ends = line_ends(tokens)
    # A name never runs across a line or paragraph break ("Van Renterghem\nUne ...").
    spans = [(kind, a, min(b, ends[a])) for kind, a, b in tag(tokens) if not masked[a]]
    for kind, first, end in vote_types(split_titled_names(spans, tokens), tokens):
        if not taken.isdisjoint(range(first, end)):
            continue
        for item in span_names(kind, first, end, tokens):
            found.append(item)
            taken.update(range(item.first, item.end))
    found.sort(key=lambda f: f.first)
    return found


def known_names(tokens: Tokens, masked: list[bool], english: bool = True) -> list[Found]:
    """Names the alias tables know, found whatever the tagger made of them: organisations and
    outlets of several words, people's full names and distinctive surnames, acronyms."""
    t = names.tables()
    forms = tokens.forms
    n = len(forms)
    found = []
    covered = 0
    for i in tokens.capitals:
        if i < covered or masked[i] or forms[i].lower() not in t.known_from:
            continue
        if not forms[i][:1].isupper():
            continue
        for size in range(min(t.known_from[forms[i].lower()], n - i), 0, -1):
            entry = t.known.get(tuple(w.lower() for w in forms[i : i + size]))
            if not entry or (size == 1 and not forms[i][1:2].islower()):
                continue  # a surname in capitals is a heading word or an acronym
            kind, canonical = entry
            if kind == "cited_source" and english and not is_cited(tokens, i, i + size):
                kind = "organisation"
            end = i + size
            if kind == "person" and end < n and forms[end] in NAME_SUFFIXES:
                # "Donald Trump Jr." is not Donald Trump: the son keeps his own value.
                canonical = f"{canonical} {forms[end]}"
                end += 1
            words = forms[i:end]
            found.append(Found(kind, i, end, words, "alias", canonical, list(words)))
            covered = end
            break
    # Acronyms the alias table knows ("NATO", "IMF"), written in capitals in running text.
    for i in [i for i in tokens.capitals if len(forms[i]) > 1 and forms[i].isupper()]:
        value = t.organisations.get(names.acronym_key(forms[i]) or "")
        if value and not masked[i] and not any(f.first <= i < f.end for f in found):
            found.append(Found("organisation", i, i + 1, [forms[i]], "acronym", value, [forms[i]]))
    return found


# ----------------------------------------------------------------------------- other languages


def _other_language_names(tokens: Tokens, masked: list[bool]) -> list[Found]:
    """Names in non-English text: the alias tables, given names and repeated acronyms."""
    t = names.tables()
    _split_elisions(tokens)
    forms = tokens.forms
    ends = line_ends(tokens)
    found = known_names(tokens, masked, english=False)
    taken = {k for item in found for k in range(item.first, item.end)}
    acronyms = Counter(w for w in forms if len(w) <= 6 and names.acronym_key(w))
    for i, word in enumerate(forms):
        if i in taken or masked[i] or not word[:1].isupper():
            continue
        outlet = t.outlets.get(names.name_key(word))
        if outlet and outlet[1] == "outlet" and len(word) > 3:
            found.append(Found("cited_source", i, i + 1, [word], "alias", outlet[0]))
        elif word in t.given_names and i + 1 < len(forms) and is_capitalised(forms[i + 1]):
            end = min(_person_end(forms, i, taken), ends[i])
            found.append(Found("person", i, end, forms[i:end], "given-name"))
            taken.update(range(i, end))
        elif acronyms[word] >= 2 and not names.country_of(word):
            found.append(Found("organisation", i, i + 1, [word], "acronym", "", [word]))
    found.sort(key=lambda f: f.first)
    return found


def _split_elisions(tokens: Tokens) -> None:
    """ "l'OTAN", "d'Emmanuel": the name starts after the elided article."""
    split = []
    for i, word in enumerate(tokens.words):
        match = _ELISION_RE.match(word)
        if match:
            size = match.end()
            tokens.words[i] = word[size:]
            tokens.forms[i] = tokens.forms[i][size:]
            tokens.starts[i] += size
            split.append(i)
    if split:
        tokens.capitals = sorted({*tokens.capitals, *split})


def _person_end(forms: list[str], i: int, taken: set[int]) -> int:
    """Where a name opened by a given name ends: two more capitalised words at most."""
    end = i + 1
    capitals = 0
    while end < len(forms) and end not in taken and capitals < 2:
        word = forms[end]
        if is_capitalised(word) and not names.country_of(word):
            capitals += 1
        elif (
            word not in names.tables().cues["name_particles"]
            or end + 1 >= len(forms)
            or not is_capitalised(forms[end + 1])
            or names.country_of(forms[end + 1])
        ):
            break
        end += 1
    return end
