"""Cited sources: the outlets and platforms an article quotes, told apart from its actors.

An outlet is a cited source where the text cites it: a cue before it ("according to", "told",
"in an interview with"), after it ("reported", "a Reuters report"), a media noun beside it
("the FREEDOM TV channel", "the Canadian edition "The Globe and Mail""), or parentheses
around it (the wire credit of a dateline, "MOSCOW (Reuters) -"). Platforms are cited
when someone writes or posts on them ("wrote on X", "on his Telegram channel"). The cue lists
are package data (``scripts/actor_lists/cues.txt``).
"""

from __future__ import annotations

from . import names
from .name_tokens import LOWER, Tokens
from .tagger import lexicon

_QUOTES = frozenset(['"', "“", "”", "«", "»", "*", "'"])
_OWNERS = frozenset(["his", "her", "its", "their", "the", "own", "official"])


def is_cited(tokens: Tokens, first: int, end: int, strong_only: bool = False) -> bool:
    """Is the name at tokens ``first``..``end`` cited as a source where it stands?

    ``strong_only`` asks for a media noun beside the name, enough on its own to make an
    unknown organisation an outlet ("the Kommersant newspaper").
    """
    cues = names.tables().cues
    words = tokens.words
    before = [w.lower() for w in words[max(0, first - 6) : first]]
    while before and (before[-1] in ("the", "a") or before[-1] in _QUOTES):
        before.pop()
    following = [w.lower() for w in words[end : end + 3] if w not in _QUOTES]
    nxt = following[0] if following else ""
    if (before and before[-1] in cues["media_nouns"]) or nxt in cues["media_nouns"]:
        return True
    if before[-2:] == ["news", "agency"] or following[:2] == ["news", "agency"]:
        return True
    if strong_only:
        return False
    if before[-1:] == ["("] and following[:2] in ([")", "-"], [")", "—"], [")", "–"]):
        return True  # a wire credit: "MOSCOW, March 1 (Reuters) -"
    if any(tuple(before[-len(cue) :]) == cue for cue in names.tables().cite_before):
        return True
    if nxt in ("'s", "’s") and len(following) > 1:
        nxt = following[1]
    said_on = nxt == "said" and len(following) > 1 and following[1] in ("in", "on")
    return nxt in cues["cite_after"] or said_on


def has_media_word(words: list[str]) -> bool:
    """ "Fox News", "Kyiv Post", "EADaily": a name that says it is an outlet."""
    media = names.tables().cues["media_words"]
    last = words[-1].lower()
    return any(w.lower() in media for w in words) or last.endswith(("daily", "news"))


def media_names(tokens: Tokens, masked: list[bool]) -> list[names.Found]:
    """Outlets named next to a media noun: "the FREEDOM TV channel", "newspaper Izvestia"."""
    t = names.tables()
    nouns = t.cues["media_nouns"]
    forms = tokens.forms
    n = len(forms)
    found = []
    for i in [i for i, f in enumerate(forms) if f in nouns or f == "agency"]:
        if masked[i] or (forms[i] == "agency" and forms[i - 1] != "news"):
            continue
        noun = i - 1 if forms[i] == "agency" else i  # "the Xinhua news agency"
        # The name before the noun: "FREEDOM TV channel", "the Kommersant newspaper".
        first = noun
        while first > 0 and forms[first - 1][:1].isupper():
            first -= 1
            if tokens.initial[first]:
                if lexicon().casing.get(forms[first].lower()) == LOWER:
                    first += 1  # "Following publication": a sentence's first word
                break
        end = noun
        if first == end:
            # ... or after it: "the newspaper Izvestia", "the Canadian edition "Globe"".
            first = i + 1
            while first < n and forms[first] in _QUOTES:
                first += 1
            end = first
            while end < n and (forms[end][:1].isupper() or forms[end] in ("and", "of")):
                end += 1
            while end > first and not forms[end - 1][:1].isupper():
                end -= 1
        while end - first > 1 and forms[first] == "The":
            first += 1
        words = forms[first:end]
        if not words or all(names.country_of(w) or w.lower() in t.titles for w in words):
            continue
        entry = t.outlets.get(names.name_key(" ".join(words)))
        value = entry[0] if entry else " ".join(words)
        found.append(names.Found("cited_source", first, end, words, "cited", value))
    return found


def platforms(tokens: Tokens, masked: list[bool]) -> list[names.Found]:
    """Social platforms someone writes on: "wrote on X", "posted on his Telegram channel"."""
    t = names.tables()
    verbs = t.cues["posting_verbs"]
    words = tokens.words
    found = []
    for i in [i for i in tokens.capitals if words[i] in t.platform_words]:
        if masked[i]:
            continue
        k = i - 1
        while k >= 0 and words[k].lower() in _OWNERS:
            k -= 1
        before = {w.lower() for w in words[max(0, k - 4) : k]}
        posted = k >= 0 and words[k].lower() == "on" and bool(before & verbs)
        formerly = i > 0 and words[i - 1].lower() == "formerly"
        if posted or formerly:
            value = t.outlets[names.name_key(words[i])][0]
            found.append(names.Found("cited_source", i, i + 1, [words[i]], "platform", value))
    return found
