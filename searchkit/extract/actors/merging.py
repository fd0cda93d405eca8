"""Actor values merged across an index: one value per person, labelled by frequency.

Extraction resolves "Macron" to "Emmanuel Macron" within a document. An article that only
ever says "Goncharenko" is resolved here, against the values of the whole index:

* only people are merged: a full name starts with a first name ("Oleksiy Goncharenko",
  "Rudy Giuliani"), and a surname joins it only when that person has most (80%) of the
  documents of the index's names ending with the surname ("Obama" stays apart from
  "Michelle Obama" and "Barack Obama");
* spellings of one full name ("George W. Bush", "George W Bush", and "Robert S. Mueller",
  "Robert Mueller") are one value, labelled with the spelling most documents use;
* a surname joins the one person of the index whose full name ends with it, when that
  person is named in full often enough (at least a fifth as many documents as the surname
  alone): the label comes from many documents, never from one phrase.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from . import names
from .tagger import lexicon

__all__ = ["surname_merges"]

#: A surname joins a full name named in at least this share of the surname's documents.
MIN_FULL_NAME_SHARE = 0.2
#: A surname joins a person who has at least this share of the documents of the names of
#: several words ending with it (a stray "Redacted Mueller" does not hide Robert Mueller).
DOMINANT_SHARE = 0.8
#: Words that end a name but are no surname: "Donald Trump Jr." is not "Jr.".
_SUFFIXES = frozenset(["Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"])


def surname_merges(
    actors: Iterable[str], counts: Mapping[str, int] | None = None
) -> dict[str, str]:
    """Stored actor values -> the value they are counted under, for the values that change.

    ``counts`` gives the number of documents of each value (1 each when absent); it decides
    the label of a group of spellings and whether a surname is merged.
    """
    values = set(actors)
    count = Counter({v: 1 for v in values}) if counts is None else Counter(counts)
    t = names.tables()
    casing = lexicon().casing
    spellings: dict[tuple[str, str], list[str]] = {}
    ending: dict[str, set[str]] = {}  # last word -> every name of several words ending so
    for value in values:
        words = value.split()
        if len(words) > 1:
            ending.setdefault(words[-1], set()).add(value)
        if _is_person(words, t, casing):
            # "Robert S. Mueller" and "Robert Mueller": one person, middle initials aside.
            key = (names.name_key(words[0]), names.name_key(words[-1]))
            spellings.setdefault(key, []).append(value)
    merges: dict[str, str] = {}
    people: dict[str, int] = {}  # person label -> documents naming them in full
    label_of: dict[str, str] = {}
    for group in spellings.values():
        if not _same_person(group):
            continue
        label = max(group, key=lambda v: (count[v], v))
        people[label] = sum(count[v] for v in group)
        for value in group:
            label_of[value] = label
            if value != label:
                merges[value] = label
    for surname, full in ending.items():
        if surname not in values or surname in _SUFFIXES or not _is_surname(surname, t):
            continue
        by_label = Counter()
        for name in full:
            by_label[label_of.get(name, "")] += count[name]
        label, named = by_label.most_common(1)[0]
        if not label or named < DOMINANT_SHARE * sum(by_label.values()):
            continue  # two people ("Michelle Obama", "Barack Obama"), or no person at all
        if label.split()[0] not in t.first_names and casing.get(surname.lower()) != "c":
            continue  # "Vivendi Universal": no known first name, and a common word after it
        if people[label] >= MIN_FULL_NAME_SHARE * count[surname]:
            merges[surname] = label
    return merges


def _same_person(group: list[str]) -> bool:
    """Whether the names of a group differ only in middle initials ("Robert S. Mueller")."""
    middles = {tuple(w for w in v.split()[1:-1] if len(w.rstrip(".")) > 1) for v in group}
    return len(middles) == 1


def _is_person(words: list[str], t: names.NameTables, casing: Mapping[str, str]) -> bool:
    """A full name of two to four capitalised words whose first is a first name: a known
    one, or a word news text writes capitalised ("Rudy"), but no title or common word."""
    if not 2 <= len(words) <= 4 or words[-1] in _SUFFIXES or "of" in words:
        return False
    if not all(w[:1].isupper() and not w.isupper() for w in words if len(w.rstrip(".")) > 1):
        return False
    first = words[0]
    if first in t.first_names:
        return True
    lower = first.lower()
    return casing.get(lower) == "c" and lower not in t.titles and lower not in t.org_words


def _is_surname(word: str, t: names.NameTables) -> bool:
    """A capitalised word that names no organisation, outlet or place of the tables."""
    key = names.name_key(word)
    if not word[:1].isupper() or word.isupper():
        return False
    places = (t.countries, t.demonyms, t.capitals, t.regions, t.metonyms)
    if any(key in table for table in places):
        return False
    return key not in t.organisations and key not in t.outlets
