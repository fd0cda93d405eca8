"""Values that are no actor, dropped after resolution.

* Words the hand-kept list ``scripts/actor_lists/not_actors.txt`` names: products and
  formats in capitals (PC, DVD, TV, ID), awards and events, sentence adverbs
  ("Additionally"), contractions ("I’m"), a team's word on its own ("United").
* A first name alone ("Kimberly", "Mark" of "Mark my words"): a person the document never
  names in full is not an actor anyone can filter by.
* A place in capitals that opens a line as a dateline ("CHICAGO (AP) —", "LONDON, March 3").
* A US state written as a place somewhere in the document ("in Texas", "Texas Gov. Greg
  Abbott", "Texas' penal code"): the state is the country facet's; a state that only ever
  names a team ("Texas beat Oakland") stays.
* A court case ("Roe v. Wade"): the names around "v." are parties to a case title.
* A royal title keeps its first name: "Prince Harry" stays "Prince Harry", not "Harry".
* A work the document names as one: a name written right after "film", "drama", "novel",
  "album" and the like ("the film Vera Drake", "movie The Aviator") is a title, not an
  actor, in every mention of that document.
"""

from __future__ import annotations

from . import names
from .name_tokens import Tokens
from .names import Found

#: Words that end a person's name and make another person of it ("Donald Trump Jr.").
NAME_SUFFIXES = frozenset(["Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"])
_DATELINE_NEXT = frozenset([",", "(", "-", "--", "—", "–"])
# Only "v." with its dot: sports results write "Kent v Somerset", and the teams are actors.
_VERSUS = frozenset(["v."])
_PLACE_BEFORE = frozenset(["in", "from", "of", "across", "to", "near", "throughout", "into"])
#: Words after a state that make it an adjective of place: "Texas Gov. Greg Abbott", "Texas'
#: penal code", "Texas voters".
_PLACE_AFTER = frozenset(
    ["'", "'s", "’", "’s", "gov.", "governor", "law", "laws", "ban", "legislature", "lawmakers",
     "voters", "county", "state", "judge", "officials", "attorney", "senate", "house"]
)  # fmt: skip
#: Titles that are part of the name a first name alone goes by ("Prince Harry").
ROYAL_TITLES = frozenset(
    ["Prince", "Princess", "King", "Queen", "Duke", "Duchess", "Pope", "Sheikh", "Emperor"]
)
#: Nouns that introduce the title of a work ("the film Vera Drake").
WORK_NOUNS = frozenset(
    [
        "film", "films", "movie", "movies", "drama", "dramas", "comedy", "comedies", "musical",
        "musicals", "novel", "novels", "album", "albums", "songs", "sitcom", "documentary",
        "biopic", "thriller", "blockbuster", "opera", "franchise", "sequel",
    ]
)  # fmt: skip
#: Left out as verbs before a name: show, play, book ("polls show Labour ahead").


def line_ends(tokens: Tokens) -> list[int]:
    """For each token, the end of its line's token range."""
    ends = [0] * len(tokens.words)
    for first, end in tokens.lines:
        ends[first:end] = [end] * (end - first)
    return ends


def drop_junk(found: list[Found], tokens: Tokens) -> None:
    """Empty the value of every name that is no actor (see the module docstring)."""
    t = names.tables()
    starts = {first for first, _ in tokens.lines}
    works = {item.value for item in found if _after_work_noun(tokens, item.first)}
    cases = {item.value for item in found if _in_case_title(tokens, item.first, item.end)}
    royals = _royal_names(found, tokens)
    places = {item.value for item in found if item.value in t.places and _as_place(tokens, item)}
    for item in found:
        if item.kind == "person" and item.value in royals:
            item.value = royals[item.value]
            continue
        if item.kind not in ("person", "organisation") or not item.value:
            continue
        value = item.value
        if value in t.not_actors or value in works or value in cases or value in places:
            item.value = ""
        elif item.kind == "person" and value in t.first_names and " " not in value:
            item.value = ""  # a first name alone
        elif value.isupper() and " " not in value and item.first in starts:
            following = tokens.words[item.end] if item.end < len(tokens.words) else ""
            if following in _DATELINE_NEXT and len(value) > 3:
                item.value = ""  # "CHICAGO (AP) -": a dateline's place


def _after_work_noun(tokens: Tokens, first: int) -> bool:
    """Whether a work noun comes right before token ``first`` (an article may sit between)."""
    words = tokens.words
    before = first - 1
    if before >= 0 and words[before] in ("The", "the", "A", "a"):
        before -= 1
    return before >= 0 and words[before].lower() in WORK_NOUNS


def _in_case_title(tokens: Tokens, first: int, end: int) -> bool:
    """Whether a name is a party of a case title: "v." right after or before it."""
    words = tokens.words

    def versus(i: int) -> bool:
        if not 0 <= i < len(words):
            return False
        return words[i] in _VERSUS or (words[i] == "v" and words[i + 1 : i + 2] == ["."])

    return versus(end) or versus(first - 2) or versus(first - 1)


def _royal_names(found: list[Found], tokens: Tokens) -> dict[str, str]:
    """First names written after a royal title in the document -> the title and the name."""
    out = {}
    for item in found:
        if item.kind != "person" or " " in item.value or not item.value:
            continue
        title = tokens.words[item.first - 1] if item.first else ""
        if item.surface_words[:1] and item.surface_words[0] in ROYAL_TITLES:
            title = item.surface_words[0]
        if title in ROYAL_TITLES:
            out[item.value] = f"{title} {item.value}"
    return out


def _as_place(tokens: Tokens, item: Found) -> bool:
    """Whether a name is written as a place: after "in", "from", ... or before "-based"."""
    words = tokens.words
    before = words[item.first - 1].lower() if item.first else ""
    after = words[item.end] if item.end < len(words) else ""
    return before in _PLACE_BEFORE or after.lower() in _PLACE_AFTER or after.startswith("-based")
