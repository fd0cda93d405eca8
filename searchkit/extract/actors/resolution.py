"""One value per actor in a document: names resolved against each other.

* People: the alias table first ("Zelenskyy" -> Volodymyr Zelensky); full names that are
  spellings of one name become one ("Alexei Reznikov", "Oleksiy Reznikov"); a surname, or a
  family name written first, takes the full name it stands for ("Macron", "Xi", "Van Poppel").
* Organisations: the alias table and the government-body rule (``names``); acronyms the text
  defines or whose letters are another name's initials; short references ("the Alliance",
  "Defense Forces") take the one organisation of the document they can stand for.
* A lone word that opens an organisation's name is that organisation ("Jones" after "Jones
  Medical Industries Inc").
* A value found both as a person and as an organisation takes the kind most of its mentions
  have.
"""

from __future__ import annotations

from collections import Counter

from . import names
from .name_tokens import Tokens
from .names import Found


def resolve_people(found: list[Found]) -> None:
    """Give every person mention its canonical value."""
    people = [f for f in found if f.kind == "person"]
    keys = {tuple(names.name_key(w) for w in f.words) for f in people if len(f.words) > 1}
    full: list[Found] = []
    short: list[Found] = []
    for item in people:
        name = " ".join(item.words)
        canonical = names.canonical_person(name)
        item.value = canonical
        if canonical != name:
            item.rule = "alias"
            full.append(item)
        elif len(item.words) > 1 and not _is_suffix_of_other(item.words, keys):
            full.append(item)
        else:
            short.append(item)
    clusters = _spelling_groups(full)
    for item in short:
        target = _full_name_for(item.words, clusters)
        if target:
            item.value = target
            item.rule = "surname-resolved"


def _is_suffix_of_other(words: list[str], keys: set[tuple[str, ...]]) -> bool:
    """ "Van Poppel" when the document also names "Todd Van Poppel"."""
    key = tuple(names.name_key(w) for w in words)
    size = len(key)
    return any(len(other) > size and other[-size:] == key for other in keys)


def _spelling_groups(full: list[Found]) -> list[tuple[str, set[str], list[list[str]]]]:
    """Group full names that are spellings of one name and give each group one value.

    Returns (value, surname skeletons, word lists) per group.
    """
    groups: list[list[Found]] = []
    for item in full:
        for group in groups:
            if any(_same_spelled(item, other) for other in group):
                group.append(item)
                break
        else:
            groups.append([item])
    out = []
    for group in groups:
        aliased = [g.value for g in group if g.value != " ".join(g.words)]
        value = Counter(aliased or [g.value for g in group]).most_common(1)[0][0]
        for g in group:
            if g.value != value:
                g.value, g.rule = value, "alias"
        word_lists = [g.words for g in group] + [value.split()]
        out.append((value, {names.skeleton(w[-1]) for w in word_lists}, word_lists))
    return out


def _same_spelled(a: Found, b: Found) -> bool:
    if a.value == b.value:
        return True
    wa, wb = a.words, b.words
    if len(wa) < 2 or len(wb) < 2 or names.skeleton(wa[-1]) != names.skeleton(wb[-1]):
        return False
    ga, gb = names.skeleton(wa[0]), names.skeleton(wb[0])
    return ga == gb or _one_edit(ga, gb)


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one letter changed, added or dropped."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return a == b
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:k] + long_[k + 1 :] == short for k in range(len(long_)))


def _full_name_for(words: list[str], groups) -> str | None:
    """The full name a surname (or a family name written first) stands for, if only one."""
    key = [names.name_key(w) for w in words]
    size = len(words)
    by_last = set()
    by_first = set()
    for value, surnames, word_lists in groups:
        if size == 1 and names.skeleton(words[0]) in surnames:
            by_last.add(value)
            continue
        for other in word_lists:
            if len(other) <= size:
                continue
            keys = [names.name_key(w) for w in other]
            if keys[-size:] == key:
                by_last.add(value)
            elif size == 1 and len(keys) == 2 and keys[0] == key[0]:
                by_first.add(value)
    if len(by_last) == 1:
        return by_last.pop()
    if not by_last and len(by_first) == 1:
        return by_first.pop()
    return None


def resolve_organisations(found: list[Found], tokens: Tokens) -> None:
    """Give every organisation mention its canonical value; drop unresolved lone heads."""
    orgs = [f for f in found if f.kind == "organisation"]
    for item in orgs:
        name = " ".join(item.words)
        if not item.value:
            item.value = names.canonical_organisation(name)
            if item.value != name and item.rule == "model":
                item.rule = "acronym" if names.acronym_key(name) else "alias"
    defined = _acronyms_defined(orgs, tokens)
    specific = [o for o in orgs if not names.is_generic_organisation(o.words)]
    # A long text repeats the same organisations: look each distinct one up once, so the
    # work grows with the distinct names, not with mentions squared.
    specific_ids = {id(o) for o in specific}
    distinct = {(tuple(o.words), tuple(o.surface_words), o.value): o for o in specific}
    by_initials: dict[str, set[str]] = {}
    for o in distinct.values():
        by_initials.setdefault(_initials(o.words), set()).add(o.value)
    heads: dict[tuple[str, ...], str | None] = {}
    for item in orgs:
        if item.value in defined:
            item.value, item.rule = defined[item.value], "acronym"
        elif names.acronym_key(item.value):
            match = set(by_initials.get(item.value, ()))
            if len(match) == 1:
                item.value, item.rule = match.pop(), "acronym"
        elif id(item) not in specific_ids:
            key = tuple(item.words)
            if key not in heads:
                heads[key] = _head_match(item.words, list(distinct.values()))
            target = heads[key]
            if target:
                item.value, item.rule = target, "head-resolved"
            elif len(item.words) == 1:
                item.value = ""  # "the Ministry" alone names nothing


def _acronyms_defined(orgs: list[Found], tokens: Tokens) -> dict[str, str]:
    """Acronyms the text defines: "Parliamentary Assembly ... (PACE)"."""
    out = {}
    words = tokens.words
    for item in orgs:
        e = item.end
        if e + 2 < len(words) and words[e] == "(" and words[e + 2] == ")":
            acronym = words[e + 1]
            if names.acronym_key(acronym) and acronym != item.value:
                out[acronym] = item.value
    return out


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w[:1].isupper())


def _head_match(words: list[str], specific: list[Found]) -> str | None:
    """The organisation a generic name ("the Alliance", "Defense Forces") refers to."""
    key = [w.lower() for w in words]
    variants = names.tables().variants
    values = set()
    for other in specific:
        bodies = [[w.lower() for w in other.surface_words]]
        bodies.extend(v.split() for v in variants.get(other.value, ()))
        for body in bodies:
            if "of" in body and len(body) - body.index("of") == 2:
                body = body[: body.index("of")]  # "Defense Forces" of "... of Ukraine"
            if len(body) > len(key) and body[-len(key) :] == key:
                values.add(other.value)
    return values.pop() if len(values) == 1 else None


def resolve_short_names(found: list[Found]) -> None:
    """A lone word that opens an organisation's name is that organisation, unless it is
    also a person's surname in the document."""
    firsts: dict[str, set[str]] = {}
    surnames = set()
    for item in found:
        if item.kind == "organisation" and len(item.surface_words) > 1 and item.value:
            firsts.setdefault(names.name_key(item.surface_words[0]), set()).add(item.value)
        elif item.kind == "person" and len(item.words) > 1:
            surnames.add(names.name_key(item.words[-1]))
    for item in found:
        if len(item.words) != 1 or item.kind not in ("person", "organisation"):
            continue
        if item.kind == "person" and item.value != item.words[0]:
            continue  # already an alias or a resolved surname
        key = names.name_key(item.words[0])
        values = firsts.get(key, set())
        if len(values) == 1 and key not in surnames:
            item.kind, item.value, item.rule = "organisation", values.pop(), "short-name"


def resolve_kinds(found: list[Found]) -> None:
    """One kind per value: the kind most of its mentions have (a tie goes to the person)."""
    votes: dict[str, Counter] = {}
    for item in found:
        if item.value and item.kind in ("person", "organisation"):
            votes.setdefault(item.value, Counter())[item.kind] += 1
    for item in found:
        counts = votes.get(item.value)
        if counts and len(counts) > 1:
            item.kind = max(("person", "organisation"), key=lambda kind: counts[kind])
