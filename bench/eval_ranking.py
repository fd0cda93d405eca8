"""Ranking quality on two judged collections, against a plain BM25 computed in the same run.

Vaswani (NPL: 11,429 physics abstracts without titles, 93 queries) and CISI (1,460 library
science abstracts with titles, 76 judged queries) from ../shared/data. For each collection:

* searchkit, through the Python API, with ``match="any"`` (rank documents having any of the
  words, as every TREC ad-hoc run does) and with the default ``match="all"``;
* a plain BM25 (k1 1.2, b 0.75, idf log(1 + (N - df + 0.5) / (df + 0.5))) over the same tokens
  (searchkit's tokenizer, lower-casing and clitic rule), with Whoosh's English stop words and
  Porter's stemmer, title and abstract as one text, scored here in Python;
* the title counted once instead of twice (searchkit's ``TITLE_BOOST`` 1.0 instead of 2.0), to
  show what doubling the title does.

Scores are those of trec_eval over the top 1,000: MAP (relevant documents not retrieved count
as misses), P@10 and nDCG@10 (binary gains). Only queries with judgments count.

    python bench/eval_ranking.py [--shared ../shared] [--rebuild] [--sweep]

``--sweep`` also scores a grid of K1, B and title B on both collections, the figures the
constants in ``searchkit/engine/ranking.py`` were chosen from. Exits 0 and prints a note when a
collection is absent.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import math
import re
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from searchkit import Index  # noqa: E402
from searchkit.engine import query_tree as query_module  # noqa: E402
from searchkit.engine import ranking  # noqa: E402

DEPTH = 1000
_SYNTAX = re.compile(r"[^\w\s'’]")
_SMART_FIELD = re.compile(r"^\.([A-Z])\s*\n(.*?)(?=^\.[A-Z]\s*$|\Z)", re.M | re.S)
BASELINE_K1 = 1.2
BASELINE_B = 0.75


@dataclass(frozen=True)
class Collection:
    """A judged collection: documents (id, title, text), queries (id, text) and judgments."""

    name: str
    documents: list[tuple[str, str, str]]
    queries: list[tuple[str, str]]
    qrels: dict[str, set[str]]

    @property
    def judged(self) -> list[tuple[str, str]]:
        return [(number, text) for number, text in self.queries if self.qrels.get(number)]


@dataclass(frozen=True)
class Scores:
    map: float
    p10: float
    ndcg10: float
    empty: int  # queries with no result at all


# Reading the collections -------------------------------------------------------------------


def read_vaswani(folder: Path) -> Collection | None:
    if not (folder / "qrels").exists():
        return None
    text = (folder / "corpus" / "doc-text.trec").read_text(encoding="utf-8", errors="replace")
    documents = [
        (number, "", " ".join(body.split()))
        for number, body in re.findall(r"<DOCNO>\s*(\S+)\s*</DOCNO>(.*?)</DOC>", text, re.S)
    ]
    topics = (folder / "query-text.trec").read_text(encoding="utf-8")
    queries = [
        (n, " ".join(t.split()))
        for n, t in re.findall(r"<num>\s*(\S+)\s*</num>\s*<title>(.*?)</title>", topics, re.S)
    ]
    qrels: dict[str, set[str]] = {}
    for line in (folder / "qrels").read_text().splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] != "0":
            qrels.setdefault(parts[0], set()).add(parts[2])
    return Collection("Vaswani", documents, queries, qrels)


def _smart_records(path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """Records of the classic SMART format: ".I n" then fields ".T", ".A", ".W", ".X", ..."""
    text = path.read_text(encoding="utf-8", errors="replace")
    for block in re.split(r"^\.I\s+", text, flags=re.M)[1:]:
        number, _, rest = block.partition("\n")
        found = _SMART_FIELD.findall(rest)
        fields = {key: " ".join(value.split()) for key, value in found}
        yield number.strip(), fields


def read_cisi(folder: Path) -> Collection | None:
    if not (folder / "CISI.REL").exists():
        return None
    documents = [
        (number, fields.get("T", ""), fields.get("W", ""))
        for number, fields in _smart_records(folder / "CISI.ALL")
    ]
    queries = [
        (number, " ".join(filter(None, (fields.get("T", ""), fields.get("W", "")))))
        for number, fields in _smart_records(folder / "CISI.QRY")
    ]
    qrels: dict[str, set[str]] = {}
    for line in (folder / "CISI.REL").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2:
            qrels.setdefault(parts[0], set()).add(parts[1])
    return Collection("CISI", documents, queries, qrels)


# Scoring -----------------------------------------------------------------------------------


def average_precision(ranked: list[str], relevant: set[str]) -> float:
    hits, total = 0, 0.0
    for i, doc in enumerate(ranked, start=1):
        if doc in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant) if relevant else 0.0


def ndcg_at_10(ranked: list[str], relevant: set[str]) -> float:
    gain = sum(1 / math.log2(i + 1) for i, doc in enumerate(ranked[:10], 1) if doc in relevant)
    ideal = sum(1 / math.log2(i + 1) for i in range(1, min(10, len(relevant)) + 1))
    return gain / ideal if ideal else 0.0


def score_runs(collection: Collection, run: Callable[[str], list[str]]) -> Scores:
    aps, p10s, ndcgs, empty = [], [], [], 0
    for number, text in collection.judged:
        ranked = run(text)
        relevant = collection.qrels[number]
        empty += not ranked
        aps.append(average_precision(ranked, relevant))
        p10s.append(sum(1 for d in ranked[:10] if d in relevant) / 10)
        ndcgs.append(ndcg_at_10(ranked, relevant))
    n = len(aps)
    return Scores(sum(aps) / n, sum(p10s) / n, sum(ndcgs) / n, empty)


# The plain BM25 baseline -------------------------------------------------------------------


@functools.cache
def _baseline_analyzer():
    from whoosh.analysis import LowercaseFilter, RegexTokenizer, StopFilter
    from whoosh.lang import stopwords_for_language

    from searchkit.engine.analysis import TOKEN_PATTERN, CliticFilter

    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | CliticFilter()
        | StopFilter(stoplist=stopwords_for_language("en"), minsize=1)
    )


@functools.lru_cache(maxsize=200_000)
def _porter(word: str) -> str:
    from whoosh.lang.porter import stem

    return stem(word)


def baseline_terms(text: str) -> list[str]:
    return [_porter(token.text) for token in _baseline_analyzer()(text)]


class PlainBM25:
    """BM25 over title and text as one field, from an in-memory inverted index."""

    def __init__(self, documents: list[tuple[str, str, str]], k1: float, b: float) -> None:
        self.ids = [number for number, _, _ in documents]
        self.postings: dict[str, list[tuple[int, int]]] = {}
        self.lengths: list[int] = []
        for position, (_, title, text) in enumerate(documents):
            terms = Counter(baseline_terms(f"{title}\n{text}"))
            self.lengths.append(sum(terms.values()))
            for term, tf in terms.items():
                self.postings.setdefault(term, []).append((position, tf))
        self.average = sum(self.lengths) / len(self.lengths)
        self.k1, self.b = k1, b

    def run(self, text: str) -> list[str]:
        n = len(self.ids)
        scores: dict[int, float] = {}
        for term, qtf in Counter(baseline_terms(text)).items():
            postings = self.postings.get(term)
            if not postings:
                continue
            idf = math.log(1 + (n - len(postings) + 0.5) / (len(postings) + 0.5))
            for position, tf in postings:
                norm = self.k1 * (1 - self.b + self.b * self.lengths[position] / self.average)
                weight = qtf * idf * tf * (self.k1 + 1) / (tf + norm)
                scores[position] = scores.get(position, 0.0) + weight
        best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:DEPTH]
        return [self.ids[position] for position, _ in best]


# searchkit -----------------------------------------------------------------------------------


def build_index(collection: Collection, work: Path, rebuild: bool) -> Path:
    index_dir = work / "index"
    if rebuild or not (index_dir / "searchkit.json").exists():
        work.mkdir(parents=True, exist_ok=True)
        corpus = work / f"{collection.name.lower()}.jsonl"
        with corpus.open("w", encoding="utf-8") as out:
            for number, title, text in collection.documents:
                record = {"text": text, "url": f"doc:{number}", "language": "en"}
                if title:
                    record["title"] = title
                out.write(json.dumps(record) + "\n")
        shutil.rmtree(index_dir, ignore_errors=True)  # the benchmark's own scratch index
        started = time.perf_counter()
        with Index.create(index_dir) as index:
            report = index.update([corpus])
        elapsed = time.perf_counter() - started
        print(f"indexed {report.added} {collection.name} documents in {elapsed:.1f} s")
    return index_dir


@dataclass(frozen=True)
class Setting:
    """Ranking parameters for one run of searchkit."""

    k1: float = ranking.K1
    b: float = ranking.B
    title_b: float = ranking.TITLE_B
    title_boost: float = query_module.TITLE_BOOST

    def label(self) -> str:
        return f"K1 {self.k1}, B {self.b}, title B {self.title_b}, title x{self.title_boost:g}"


def weighted(words: str) -> str:
    """The query with each repeated word (by its stem) given once, boosted by its count:
    "titles ... title ... titles" -> "titles^3". BM25 weighs a query term by its frequency in
    the query; searchkit reads a query as a set of words, and this is how to say it."""
    from searchkit.engine.analysis import analyze

    stems: dict[str, list[str]] = {}
    for word in words.split():
        for stem in analyze(word, "en")[:1]:
            stems.setdefault(stem, []).append(word)
    return " ".join(f"{w[0]}^{len(w)}" if len(w) > 1 else w[0] for w in stems.values())


def searchkit_scores(
    index_dir: Path, collection: Collection, setting: Setting, match: str, repeats: bool = False
):
    """Score searchkit with ``setting`` in place of the shipped constants; ``repeats`` weighs
    repeated query words by their count (see ``weighted``)."""
    saved = ranking.ranking_model, query_module.TITLE_BOOST

    def model(languages):
        fields = {f"title_{lang}_B": setting.title_b for lang in languages}
        return ranking.RankingModel(B=setting.b, K1=setting.k1, **fields)

    ranking.ranking_model, query_module.TITLE_BOOST = model, setting.title_boost
    try:
        with Index.open(index_dir) as index:

            def run(text: str) -> list[str]:
                # The topics are prose: their "?", "*", "-", ":" and upper-case AND/OR/NOT
                # would be query syntax in searchkit, so only the words are passed, as the
                # baseline reads only the words.
                words = _SYNTAX.sub(" ", text).lower()
                words = weighted(words) if repeats else words
                results = index.search(words, match=match, limit=DEPTH, facets=(), snippets=False)
                return [hit.url.split(":", 1)[1] for hit in results.hits]

            started = time.perf_counter()
            scores = score_runs(collection, run)
            ms = (time.perf_counter() - started) * 1000 / len(collection.judged)
    finally:
        ranking.ranking_model, query_module.TITLE_BOOST = saved
    return scores, ms


def _line(run: str, collection: Collection, scores: Scores, ms: float | None) -> str:
    timing = f"{ms:.1f}" if ms is not None else ""
    return (
        f"| {collection.name} | {run} | {len(collection.judged)} | {scores.map:.4f} | "
        f"{scores.p10:.4f} | {scores.ndcg10:.4f} | {scores.empty} | {timing} |"
    )


def sweep(collections: list[tuple[Collection, Path]], baselines: dict[str, Scores]) -> None:
    """MAP of a grid of K1, B and title B on every collection, against the baseline."""
    names = [c.name for c, _ in collections]
    print("\n| K1 | B | title B | " + " | ".join(f"{n} MAP (vs BM25)" for n in names) + " |")
    print("|---|---|---|" + "---|" * len(names))
    grid = itertools.product((0.9, 1.2, 1.5), (0.5, 0.6, 0.75, 0.9), (0.3, 0.5, 0.75))
    for k1, b, title_b in grid:
        setting = Setting(k1, b, title_b)
        cells = []
        for collection, index_dir in collections:
            if title_b != 0.3 and not any(t for _, t, _ in collection.documents):
                cells.append("(no titles)")
                continue
            scores, _ = searchkit_scores(index_dir, collection, setting, "any")
            delta = scores.map - baselines[collection.name].map
            cells.append(f"{scores.map:.4f} ({delta:+.4f})")
        print(f"| {k1} | {b} | {title_b} | " + " | ".join(cells) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--sweep", action="store_true", help="also score a grid of parameters")
    args = parser.parse_args()
    data = args.shared / "data"
    found = [read_vaswani(data / "vaswani"), read_cisi(data / "cisi")]
    collections = [c for c in found if c is not None]
    if not collections:
        print(f"skipped: neither Vaswani nor CISI under {data}")
        return 0
    for name, collection in zip(("Vaswani", "CISI"), found, strict=True):
        if collection is None:
            print(f"skipped: no {name} collection under {data}")
    chosen = Setting()
    print(f"searchkit: {chosen.label()}; baseline: BM25 k1 {BASELINE_K1}, b {BASELINE_B}\n")
    built = [
        (c, build_index(c, HERE / ".cache" / c.name.lower(), args.rebuild)) for c in collections
    ]
    print("| collection | run | queries | MAP | P@10 | nDCG@10 | no result | ms/query |")
    print("|---|---|--:|--:|--:|--:|--:|--:|")
    baselines: dict[str, Scores] = {}
    for collection, index_dir in built:
        started = time.perf_counter()
        plain = PlainBM25(collection.documents, BASELINE_K1, BASELINE_B)
        baselines[collection.name] = score_runs(collection, plain.run)
        ms = (time.perf_counter() - started) * 1000 / len(collection.judged)
        print(_line("plain BM25 (baseline)", collection, baselines[collection.name], ms))
        for match in ("any", "all"):
            scores, ms = searchkit_scores(index_dir, collection, chosen, match)
            print(_line(f"searchkit, match={match}", collection, scores, ms))
        scores, ms = searchkit_scores(index_dir, collection, chosen, "any", repeats=True)
        print(_line("searchkit, match=any, repeated words weighted", collection, scores, ms))
        for title_boost in (1.0, 2.0):
            if title_boost != chosen.title_boost:
                other = replace(chosen, title_boost=title_boost)
                scores, ms = searchkit_scores(index_dir, collection, other, "any", repeats=True)
                run = f"searchkit, match=any, repeated words weighted, title x{title_boost:g}"
                print(_line(run, collection, scores, ms))
    print(
        "\nmatch=all asks for documents holding every word of the query: natural-language "
        "topics of 5 to 50 words leave few or none, so it is scored only to show that; "
        "match=any is the mode for such queries."
    )
    if args.sweep:
        sweep(built, baselines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
