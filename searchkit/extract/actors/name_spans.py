"""From the tagger's spans to people, organisations and cited outlets (English text).

The tagger says where names are and of which type; these rules make each span a clean name:
they cut people out of long spans ("Saudi Crown Prince Mohammed bin Salman"), give a name the
type most of its occurrences have, split lists, peel titles and sentence-initial words, drop
places, events and seats of government the tagger called organisations, and take in the
country of a government body ("Russia's Security Council").
"""

from __future__ import annotations

from collections import Counter

from . import names
from .citations import has_media_word, is_cited
from .name_tokens import LOWER, Tokens, is_capitalised
from .names import Found
from .tagger import lexicon

Span = tuple[str, int, int]

_LIST_WORDS = frozenset(["and", "&", ","])
_ORG_PREFIX_ENDINGS = ("-based", "-owned", "-controlled", "-led", "-listed", "-backed", "-run")


def split_titled_names(spans: list[Span], tokens: Tokens) -> list[Span]:
    """Cut a person out of a long span of another type: "Saudi Crown Prince Mohammed bin
    Salman" is MISC "Saudi", a title, and PER "Mohammed bin Salman"; "Environmental Audit
    Committee Peter Ainsworth" is an organisation, then a person."""
    t = names.tables()
    forms = tokens.forms
    out = []
    for kind, first, end in spans:
        cut = None
        if kind != "PER" and end - first >= 3:
            for k in range(end - 1, first, -1):
                before = forms[k - 1].rstrip(".").lower()
                if forms[k] in t.given_names and (before in t.titles or before in t.org_words):
                    cut = k
                    break
        if cut is None or cut + 1 >= end:
            out.append((kind, first, end))
            continue
        start = cut
        while start > first and forms[start - 1].rstrip(".").lower() in t.titles:
            start -= 1
        if start > first:
            out.append((kind, first, start))
        out.append(("PER", cut, end))
    return out


def vote_types(spans: list[Span], tokens: Tokens) -> list[Span]:
    """Give every occurrence of a name the type most of its occurrences have (occurrences
    in running text count double those in headings and at sentence starts)."""
    votes: dict[str, Counter] = {}
    keys = [" ".join(tokens.forms[first:end]).lower() for _, first, end in spans]
    for (kind, first, _), key in zip(spans, keys, strict=True):
        weight = 1 if tokens.heading[first] or tokens.initial[first] else 2
        votes.setdefault(key, Counter())[kind] += weight
    out = []
    for (kind, first, end), key in zip(spans, keys, strict=True):
        best = max(votes[key].items(), key=lambda kv: (kv[1], kv[0] == kind))[0]
        out.append((best, first, end))
    return out


def span_names(kind: str, first: int, end: int, tokens: Tokens) -> list[Found]:
    """The names one tagged span stands for (none, one, or a list of people)."""
    if kind == "ORG" and _is_titled_person(tokens.forms[first:end]):
        kind = "PER"
    if kind != "PER":
        item = _organisation_or_source(tokens, kind, first, end)
        return [item] if item else []
    out = []
    parts = _split_list(tokens, first, end)
    for a, b in parts:
        person = _person(tokens, a, b)
        if person:
            if len(parts) > 1 and person.kind == "person":
                person.rule = "list-split"
            out.append(person)
    return out


def _is_titled_person(words: list[str]) -> bool:
    """ "Mr. Putin" or "President Obama" tagged as an organisation is a person."""
    t = names.tables()
    rest = words[1:]
    return (
        words[0].rstrip(".").lower() in t.cues["honorifics"]
        and bool(rest)
        and all(is_capitalised(w) and w.lower() not in t.org_words for w in rest)
    )


def _split_list(tokens: Tokens, first: int, end: int) -> list[tuple[int, int]]:
    """Split "Emmanuel Macron and Keir Starmer" into one range per name."""
    parts = []
    start = first
    for i in range(first, end):
        if tokens.words[i].lower() in _LIST_WORDS:
            if i > start:
                parts.append((start, i))
            start = i + 1
    if end > start:
        parts.append((start, end))
    return parts


# ----------------------------------------------------------------------------- people


def _person(tokens: Tokens, first: int, end: int) -> Found | None:
    t = names.tables()
    words = tokens.forms[first:end]
    outlet = t.outlets.get(names.name_key(" ".join(words)))
    if outlet and outlet[1] == "platform":
        return None  # platforms are found in their own context (citations.platforms)
    if outlet:  # an outlet the tagger took for a person ("Bloomberg reported")
        if is_cited(tokens, first, end):
            return Found("cited_source", first, end, words, "cited", outlet[0])
        return Found("organisation", first, end, words, "alias", outlet[0], list(words))
    # A common word opening the sentence is not part of the name: "Instead Joubert ...".
    lead = words[0].lower()
    if len(words) > 1 and words[0] not in t.given_names:
        common_start = tokens.initial[first] and lexicon().casing.get(lead) == LOWER
        if common_start or lead.startswith("ex-"):
            words = words[1:]
    peeled = names.peel_titles(words)
    while len(peeled) > 1 and peeled[-1].isupper() and peeled[-1].lower() in t.titles:
        peeled = peeled[:-1]  # "Peter Ainsworth MP"
        end -= 1
    last = peeled[-1].lower() if peeled else ""
    if len(peeled) > 1 and last in t.org_words:
        return _organisation_or_source(tokens, "ORG", end - len(peeled), end)
    if not _looks_like_name(peeled) or last in t.event_words:
        return None
    if len(peeled) < end - first:
        rule = "title-peeled"
    else:
        rule = "full-name" if len(peeled) > 1 else "model"
    if end < len(tokens) and tokens.words[end] in ("'s", "’s"):
        rule = "possessive"
    return Found("person", end - len(peeled), end, peeled, rule, surface_words=list(peeled))


def _looks_like_name(words: list[str]) -> bool:
    if not words or not any(is_capitalised(w) for w in words):
        return False
    if all(len(w.rstrip(".")) <= 1 for w in words):
        return False
    t = names.tables()
    key = names.name_key(" ".join(words))
    if key in t.countries or key in t.regions or key in t.capitals or key in t.demonyms:
        return False
    return len(words) > 1 or key not in t.titles


# ----------------------------------------------------------------------------- organisations


def _organisation_or_source(tokens: Tokens, kind: str, first: int, end: int) -> Found | None:
    """An organisation, or an outlet cited where it stands, from an ORG (or other) span."""
    t = names.tables()
    words = tokens.forms[first:end]
    outlet = t.outlets.get(names.name_key(" ".join(words)))
    if outlet and outlet[1] == "platform":
        return None  # platforms are found in their own context (citations.platforms)
    if not outlet and end < len(tokens) and tokens.words[end] in ("TV", "Radio"):
        end += 1  # "FREEDOM" + "TV"
        words = tokens.forms[first:end]
    if outlet or (kind == "ORG" and has_media_word(words)):
        if is_cited(tokens, first, end):
            value = outlet[0] if outlet else " ".join(words)
            return Found("cited_source", first, end, words, "cited", value)
    elif kind == "ORG" and is_cited(tokens, first, end, strong_only=True):
        return Found("cited_source", first, end, words, "cited", " ".join(words))
    if kind != "ORG" or not _is_organisation_name(words) or _event_follows(tokens, end):
        return None
    forms = tokens.forms
    while end - first > 1 and (_is_org_prefix(forms[first]) or forms[first] == "The"):
        first += 1
    if outlet:  # an outlet the article is about: "Reuters cut 300 jobs"
        return Found("organisation", first, end, words, "alias", outlet[0], list(words))
    end = _extend_of_phrase(tokens, end)
    first, end, words, rule = _qualified_body(tokens, first, end)
    return Found("organisation", first, end, words, rule, surface_words=list(words))


def _is_org_prefix(word: str) -> bool:
    """Words the tagger sometimes takes into an organisation: "Minneapolis-based", "August"."""
    lower = word.lower().rstrip(".")
    cues = names.tables().cues
    calendar = cues["months"] | cues["calendar"]
    return lower in calendar or lower.endswith(_ORG_PREFIX_ENDINGS)


def _is_organisation_name(words: list[str]) -> bool:
    """False for countries, capitals, regions, seats of government and events the tagger
    called organisations."""
    t = names.tables()
    key = names.name_key(" ".join(words))
    places = (t.metonyms, t.countries, t.demonyms, t.regions, t.capitals)
    if any(key in place for place in places) or _is_plural_acronym(words):
        return False
    heads = [w.lower() for w in words if w[:1].isupper()]
    return not heads or heads[-1] not in t.event_words


def _is_plural_acronym(words: list[str]) -> bool:
    """ "PCs", "MPs", "PDAs": things, not organisations."""
    word = words[0]
    return len(words) == 1 and len(word) > 2 and word[-1] == "s" and word[:-1].isupper()


def _event_follows(tokens: Tokens, end: int) -> bool:
    """True when the capitalised words right after a name end an event's name: "Global
    Peace" + "Summit"."""
    t = names.tables()
    forms = tokens.forms
    k = end
    while k < len(forms) and forms[k][:1].isupper() and not tokens.initial[k]:
        if forms[k].lower() in t.event_words:
            return True
        k += 1
    return False


def _extend_of_phrase(tokens: Tokens, end: int) -> int:
    """Take in an "of ..." tail: "Coalition" + "of the Willing", "Bank" + "of England"."""
    forms = tokens.forms
    n = len(forms)
    if end + 1 >= n or forms[end] != "of" or forms[end - 1].lower() not in names.tables().org_words:
        return end
    j = end + 1
    if forms[j] == "the" and j + 1 < n:
        j += 1
    k = j
    while k < n and (is_capitalised(forms[k]) or forms[k] in ("of", "the", "and")):
        if tokens.initial[k] and k > j:
            break
        k += 1
    while k > j and not is_capitalised(forms[k - 1]):
        k -= 1
    return k if k > j else end


def _qualified_body(tokens: Tokens, first: int, end: int) -> tuple[int, int, list[str], str]:
    """Take in the country of a government body: "Russia's Security Council", "... of Ukraine"."""
    words = tokens.forms[first:end]
    if not names.is_government_body(words):
        return first, end, words, "model"
    forms = tokens.forms
    if end + 1 < len(forms) and forms[end] == "of" and names.country_of(forms[end + 1]):
        return first, end + 2, [*words, "of", forms[end + 1]], "body-of-country"
    if first >= 2 and forms[first - 1] in ("'s", "’s") and names.country_of(forms[first - 2]):
        return first - 2, end, [forms[first - 2], *words], "body-of-country"
    if first >= 1 and forms[first - 1][:1].isupper() and names.country_of(forms[first - 1]):
        return first - 1, end, [forms[first - 1], *words], "body-of-country"
    return first, end, words, "model"
