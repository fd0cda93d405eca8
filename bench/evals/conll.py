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
* ``country (LOC names)``: LOC names that are countries in the gazetteers, as ISO codes,
  against ``searchkit.extract.countries.find_countries`` when that module exists; a country
  found from a demonym alone ("French troops") counts as a false positive there, so a second
  row adds the countries of MISC demonyms to the gold.

Micro precision, recall and F1 over all documents. Run alone: ``python bench/evals/conll.py``.
"""

from __future__ import annotations

import json
import pathlib
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
    """Country names and spellings (normalised) to ISO alpha-2 codes, from the gazetteers."""
    table: dict[str, str] = {}
    gaz = shared / "data" / "gazetteers"
    for entry in json.loads((gaz / "mledoze_countries" / "countries.json").read_text("utf-8")):
        code = entry["cca2"]
        names = [entry["name"]["common"], entry["name"]["official"], *entry["altSpellings"]]
        for name in names:
            if len(name) > 3 or name.isupper():
                table.setdefault(_normal(name), code)
    for entry in json.loads((gaz / "pycountry" / "iso3166-1.json").read_text("utf-8"))["3166-1"]:
        for key in ("name", "common_name", "official_name"):
            if key in entry:
                table.setdefault(_normal(entry[key]), entry["alpha_2"])
    return table


def run(shared: pathlib.Path) -> list[dict]:
    """Score actors (and countries when available) on eng.testa; [] when the data is absent."""
    path = shared / "data" / "conll2003" / "eng.testa"
    if not path.is_file():
        return []
    from searchkit.extract.actors import find_actors
    from searchkit.extract.names import organisation_key

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
    gold, gold_wide, pred = [], [], []
    elapsed = 0.0
    for text, entities in docs:
        codes = {names.get(_normal(text[s:e])) for kind, s, e in entities if kind == "LOC"}
        adjectives = {demonyms.get(_normal(text[s:e])) for kind, s, e in entities if kind == "MISC"}
        gold.append([{c} for c in codes if c])
        gold_wide.append([{c} for c in codes | adjectives if c])
        t0 = time.perf_counter()
        found = find_countries(text, "en")
        elapsed += time.perf_counter() - t0
        pred.append({m.value for m in found})
    ms = 1000 * elapsed / len(docs)

    def same(a: str, b: str) -> bool:
        return a.casefold() == b.casefold()

    n = len(docs)
    return [
        _row("country (LOC names)", dataset, n, score_sets(pred, gold, same), ms),
        _row("country (LOC names + demonyms)", dataset, n, score_sets(pred, gold_wide, same), ms),
    ]


def demonym_names(shared: pathlib.Path) -> dict[str, str]:
    """English demonyms (normalised) to ISO alpha-2 codes: "French" -> "FR"."""
    path = shared / "data" / "gazetteers" / "mledoze_countries" / "countries.json"
    table: dict[str, str] = {}
    for entry in json.loads(path.read_text("utf-8")):
        for form in entry["demonyms"]["eng"].values():
            if form:
                table.setdefault(_normal(form), entry["cca2"])
    return table


if __name__ == "__main__":
    default = ROOT.parent / "shared"
    for result in run(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else default):
        print(json.dumps(result))
