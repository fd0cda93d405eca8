"""SQLite FTS5 baseline: the generated news corpus in one SQLite file, asked what searchkit is.

    python bench/fts5_baseline.py --corpus bench/.cache/corpus-10000-seed42.jsonl \\
        --queries bench/.cache/queries-10000-seed42.jsonl [--db PATH] [--repeat 3]

builds a database (in a temporary folder, or at ``--db``; an existing ``--db`` is reused), runs
every query through ``top10`` and ``faceted`` and prints build documents/s, database size and
p50/p95 latency of each. ``bench/scale.py`` imports ``build``, ``add`` and ``Fts5Searcher``.

Schema
    docs(rowid, doc_id, date 'YYYY-MM-DD', month 'YYYY-MM', source_type, language, title, body)
    fts       FTS5 over docs(title, body), external content, tokenizer unicode61
              remove_diacritics 2; ranked by bm25(fts, 2.0, 1.0) (title counts twice)
    doc_actor(rowid, actor), doc_country(rowid, country): one row per (document, value),
              keyed (rowid, value) for counting the matches and indexed (value, rowid) for
              filtering
    indexes on docs(date) and docs(month)

Matching: the words of the query (split on white space) are ANDed, each one quoted so that
``and``, ``or``, ``not``, ``near`` and punctuation are plain words, never FTS5 syntax. A word is
matched exactly: no stemming, no stop words, case and diacritics folded. A word with no letter
or digit is dropped; a query left with no word matches nothing. Dates are the UTC day of the
record's ISO timestamp; ``since`` and ``until`` are inclusive.

Facets are multi-select, as in searchkit: a facet's counts are over the documents matching
the text and every filter except the facet's own (``country`` for the country facet, the date
range for the date facet, counted by month). A document counts once under each of its actors
and countries.

Measured on the 10,000-document corpus and its 200 queries (warm, per query, p50 / p95; the
machine's load moves these by 20-30%, the order held over repeated runs):
    faceted, one FTS5 pass into a temp table, then GROUP BY over it (kept)   0.51 / 2.3 ms
    faceted, one CTE per filter scope, FTS5 run again for each facet         0.62 / 2.7 ms
    faceted, matches with their actors and countries counted in Python       0.72 / 2.8 ms
    top10 alone                                                              0.13 / 0.5 ms
Build, 10k documents: about 1.9 s (5,300 docs/s), 52.6 MB, of which FTS5 tokenising in
'rebuild' is 1.2 s. One 'rebuild' after loading docs beat inserting into FTS5 batch by batch
by 0.1-0.3 s; 'optimize' (one segment) cut top10's p50 from 0.24 to 0.15 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

FACETS = ("actor", "country", "date", "source_type", "language")

# External content (content='docs'): the text is stored once, in docs, and FTS5 keeps only
# its index. A normal FTS5 table beside docs' own title and body would store the text twice
# (about 1.5x the file); one holding the only copy came out the same size within 1%, but
# then docs is not the table of record and 'rebuild' cannot refill the index. bm25 needs no
# stored text (lengths are in fts_docsize), and the title of a hit is read from docs.
# The small columns come before title and body so that reading them never walks a long
# body's overflow pages.
SCHEMA = """
CREATE TABLE docs (
    rowid INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
    date TEXT,
    month TEXT,
    source_type TEXT,
    language TEXT,
    title TEXT,
    body TEXT
);
CREATE VIRTUAL TABLE fts USING fts5(
    title, body, content='docs', content_rowid='rowid',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TABLE doc_actor (
    rowid INTEGER NOT NULL, actor TEXT NOT NULL, PRIMARY KEY (rowid, actor)
) WITHOUT ROWID;
CREATE TABLE doc_country (
    rowid INTEGER NOT NULL, country TEXT NOT NULL, PRIMARY KEY (rowid, country)
) WITHOUT ROWID;
"""
# Created after a bulk load: one sort per index instead of a b-tree insert per row.
INDEXES = """
CREATE INDEX IF NOT EXISTS doc_actor_by_actor ON doc_actor (actor, rowid);
CREATE INDEX IF NOT EXISTS doc_country_by_country ON doc_country (country, rowid);
CREATE INDEX IF NOT EXISTS docs_by_date ON docs (date);
CREATE INDEX IF NOT EXISTS docs_by_month ON docs (month);
"""

_INSERT_DOC = (
    "INSERT INTO docs (doc_id, date, month, source_type, language, title, body)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def _connect(db_path: Path, create: bool = False) -> sqlite3.Connection:
    # WAL with synchronous=NORMAL: a crash or power cut can lose the last commits but never
    # corrupts the file, and a commit costs no fsync. journal_mode=OFF with synchronous=OFF
    # built the 10k corpus no faster (within noise), and a failure mid-transaction could leave
    # a corrupt database.
    conn = sqlite3.connect(db_path, isolation_level=None)
    if create:
        # Set before the first write, which fixes it for the file: lets build() hand back the
        # pages 'optimize' frees for a few ms, where a VACUUM would copy the whole database.
        conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA cache_size = -131072")  # 128 MiB
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def read_corpus(path: Path) -> Iterator[dict]:
    """The records of a JSON Lines corpus, one dict per non-blank line."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _utc_day(stamp: str | None) -> str | None:
    """'YYYY-MM-DD' of an ISO date or timestamp, in UTC when it has an offset."""
    if not stamp:
        return None
    when = dt.datetime.fromisoformat(stamp)
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    return when.date().isoformat()


def _insert(conn: sqlite3.Connection, docs: Iterable[dict], batch: int, fts: bool) -> int:
    """Insert ``docs`` in transactions of ``batch``; into FTS5 too when ``fts``."""
    count = 0
    pending: list[dict] = []

    def flush() -> None:
        conn.execute("BEGIN")
        for doc in pending:
            day = _utc_day(doc.get("date"))
            cur = conn.execute(
                _INSERT_DOC,
                (
                    doc["id"],
                    day,
                    day and day[:7],
                    doc["source_type"],
                    doc["language"],
                    doc["title"],
                    doc["body"],
                ),
            )
            rowid = cur.lastrowid
            conn.executemany(
                "INSERT OR IGNORE INTO doc_actor VALUES (?, ?)",
                [(rowid, a) for a in doc.get("actors") or ()],
            )
            conn.executemany(
                "INSERT OR IGNORE INTO doc_country VALUES (?, ?)",
                [(rowid, c) for c in doc.get("countries") or ()],
            )
            if fts:
                conn.execute(
                    "INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)",
                    (rowid, doc["title"], doc["body"]),
                )
        conn.execute("COMMIT")
        pending.clear()

    for doc in docs:
        pending.append(doc)
        count += 1
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return count


def build(db_path: Path, corpus: Path | Iterable[dict], batch: int = 5000) -> int:
    """Create the database at ``db_path`` from a corpus file or records; the number of documents.

    The documents are loaded first and FTS5 is filled by one 'rebuild' and 'optimize' (one
    b-tree, read by every query), which is faster than inserting into FTS5 row by row.
    """
    db_path = Path(db_path)
    if db_path.exists():
        raise FileExistsError(f"{db_path} exists; remove it or choose another path")
    docs = read_corpus(Path(corpus)) if isinstance(corpus, str | Path) else corpus
    conn = _connect(db_path, create=True)
    try:
        conn.executescript(SCHEMA)
        count = _insert(conn, docs, batch, fts=False)
        conn.execute("BEGIN")
        conn.execute("INSERT INTO fts (fts) VALUES ('rebuild')")
        conn.execute("INSERT INTO fts (fts) VALUES ('optimize')")
        conn.executescript(INDEXES)  # executescript commits first
        conn.execute("ANALYZE")
        # executescript, because execute() would free a single page per call.
        conn.executescript("PRAGMA incremental_vacuum")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return count


def add(db_path: Path, docs: Iterable[dict]) -> int:
    """Add documents to an existing database in one transaction; the number added."""
    db_path = Path(db_path)
    if not db_path.exists():
        raise FileNotFoundError(f"{db_path} does not exist; create it with build()")
    conn = _connect(db_path)
    try:
        return _insert(conn, docs, batch=10**9, fts=True)
    finally:
        conn.close()


def match_expression(text: str) -> str | None:
    """The FTS5 query ANDing the words of ``text``, each quoted; None when it has no word."""
    words = [w for w in text.split() if any(ch.isalnum() for ch in w)]
    if not words:
        return None
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)


@dataclass(frozen=True)
class FacetAnswer:
    """The total, the top 10 document ids and every facet's full value -> count map."""

    total: int
    top_ids: tuple[str, ...]
    facets: dict[str, dict[str, int]]


def _day(value: str | dt.date | None) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else value


class Fts5Searcher:
    """Queries over a database made by ``build``: top 10 alone, or with multi-select facets."""

    def __init__(self, db_path: Path):
        if not Path(db_path).exists():
            raise FileNotFoundError(f"{db_path} does not exist; create it with build()")
        self.conn = sqlite3.connect(db_path, isolation_level=None)
        self.conn.execute("PRAGMA cache_size = -131072")
        self.conn.execute("PRAGMA temp_store = MEMORY")
        # One row per text match, with whether it passes each filter: the facets each drop
        # their own filter, so all of them are counted from this one FTS5 pass.
        self.conn.execute(
            "CREATE TEMP TABLE hits (rowid INTEGER PRIMARY KEY, score REAL, month TEXT,"
            " source_type TEXT, language TEXT, in_country INTEGER, in_dates INTEGER)"
        )

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Fts5Searcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @staticmethod
    def _filters(country: str | None, since, until) -> tuple[str, str, list]:
        """SQL for 'passes the country filter' and 'passes the date range', and their params."""
        params: list = []
        in_country = "1"
        if country is not None:
            in_country = (
                "EXISTS (SELECT 1 FROM doc_country c WHERE c.rowid = d.rowid AND c.country = ?)"
            )
            params.append(country)
        bounds = []
        if since is not None:
            bounds.append("d.date >= ?")
            params.append(_day(since))
        if until is not None:
            bounds.append("d.date <= ?")
            params.append(_day(until))
        in_dates = " AND ".join(bounds) or "1"
        return in_country, in_dates, params

    def top10(
        self,
        text: str,
        country: str | None = None,
        since: str | dt.date | None = None,
        until: str | dt.date | None = None,
    ) -> list[str]:
        """The ids of the 10 best matches of ``text`` within the filters, best first."""
        expr = match_expression(text)
        if expr is None:
            return []
        in_country, in_dates, params = self._filters(country, since, until)
        # CROSS JOIN keeps FTS5 as the outer loop: the planner could otherwise walk the date
        # index and probe FTS5 once per document in the range.
        rows = self.conn.execute(
            "SELECT d.doc_id FROM fts CROSS JOIN docs d ON d.rowid = fts.rowid"
            f" WHERE fts MATCH ? AND {in_country} AND {in_dates}"
            " ORDER BY bm25(fts, 2.0, 1.0), fts.rowid LIMIT 10",
            [expr, *params],
        )
        return [doc_id for (doc_id,) in rows]

    def faceted(
        self,
        text: str,
        country: str | None = None,
        since: str | dt.date | None = None,
        until: str | dt.date | None = None,
    ) -> FacetAnswer:
        """Total, top 10 and the five facets' counts, each facet ignoring its own filter."""
        expr = match_expression(text)
        if expr is None:
            return FacetAnswer(0, (), {name: {} for name in FACETS})
        in_country, in_dates, params = self._filters(country, since, until)
        conn = self.conn
        conn.execute("BEGIN")  # one snapshot for the fill and the counts
        try:
            conn.execute("DELETE FROM hits")
            conn.execute(
                "INSERT INTO hits SELECT d.rowid, bm25(fts, 2.0, 1.0), d.month, d.source_type,"
                f" d.language, {in_country}, {in_dates}"
                " FROM fts CROSS JOIN docs d ON d.rowid = fts.rowid WHERE fts MATCH ?",
                [*params, expr],
            )
            total = conn.execute("SELECT count(*) FROM hits WHERE in_country AND in_dates")
            total = total.fetchone()[0]
            top_ids = tuple(
                doc_id
                for (doc_id,) in conn.execute(
                    "SELECT d.doc_id FROM hits h CROSS JOIN docs d ON d.rowid = h.rowid"
                    " WHERE in_country AND in_dates ORDER BY h.score, h.rowid LIMIT 10"
                )
            )
            rows = conn.execute(
                "SELECT 'actor', a.actor, count(*) FROM hits h"
                " CROSS JOIN doc_actor a ON a.rowid = h.rowid"
                " WHERE in_country AND in_dates GROUP BY a.actor"
                " UNION ALL SELECT 'country', c.country, count(*) FROM hits h"
                " CROSS JOIN doc_country c ON c.rowid = h.rowid"
                " WHERE in_dates GROUP BY c.country"
                " UNION ALL SELECT 'date', month, count(*) FROM hits"
                " WHERE in_country GROUP BY month"
                " UNION ALL SELECT 'source_type', source_type, count(*) FROM hits"
                " WHERE in_country AND in_dates GROUP BY source_type"
                " UNION ALL SELECT 'language', language, count(*) FROM hits"
                " WHERE in_country AND in_dates GROUP BY language"
            ).fetchall()
        finally:
            conn.execute("COMMIT")
        facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        for name, value, n in rows:
            if value is not None:
                facets[name][value] = n
        return FacetAnswer(total, top_ids, facets)


def _percentiles(seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = statistics.quantiles(ms, n=20)[18] if len(ms) > 1 else ms[0]
    return f"p50 {statistics.median(ms):.2f} ms, p95 {p95:.2f} ms"


def _query_args(query: dict) -> dict:
    filt = query.get("filter") or {}
    return {
        "country": filt.get("country"),
        "since": filt.get("date_from"),
        "until": filt.get("date_to"),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="corpus JSON Lines")
    parser.add_argument("--queries", type=Path, required=True, help="query JSON Lines")
    parser.add_argument("--db", type=Path, help="database path (reused if it exists)")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the queries")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "fts5.db"
        if db.exists():
            print(f"reusing {db}")
        else:
            start = time.perf_counter()
            count = build(db, args.corpus)
            took = time.perf_counter() - start
            print(f"built {count:,} docs in {took:.2f} s ({count / took:,.0f} docs/s)")
        print(f"database {db.stat().st_size / 2**20:.1f} MB")

        queries = [_query_args(q) | {"text": q["text"]} for q in read_corpus(args.queries)]
        with Fts5Searcher(db) as searcher:
            for q in queries:  # warm-up pass
                searcher.faceted(**q)
            for method in (searcher.top10, searcher.faceted):
                times = []
                for _ in range(args.repeat):
                    for q in queries:
                        start = time.perf_counter()
                        method(**q)
                        times.append(time.perf_counter() - start)
                print(f"{method.__name__:8} {len(queries)} queries: {_percentiles(times)}")


if __name__ == "__main__":
    main()
