"""A small dated news corpus with hostile records, for the web API and browser tests."""

from __future__ import annotations

import random
from pathlib import Path

from searchkit import Index
from support import write_records

ACTORS = [
    "Emmanuel Macron",
    "Olaf Scholz",
    "Volodymyr Zelensky",
    "Giorgia Meloni",
    "Keir Starmer",
    "Donald Tusk",
    "Mark Rutte",
    "Ursula von der Leyen",
    "Pedro Sanchez",
    "Kaja Kallas",
    "Petr Fiala",
    "Alexander Stubb",
    "Robert Golob",
    "Leo Varadkar",
]
COUNTRIES = ["FR", "DE", "UA", "IT", "GB", "PL", "NL"]
SOURCES = [("Reuters", "wire"), ("AFP", "wire"), ("Le Monde", "news"), ("BBC", "tv")]
TOPICS = ["troops", "instructors", "ceasefire", "summit", "sanctions", "elections"]

#: Every text field of this record carries markup, script URLs or control characters; the
#: page must show them as text and run none of them (window.__xss stays undefined).
HOSTILE = {
    "title": '<script>window.__xss=1</script>Hostile "><img src=x onerror="window.__xss=2"> '
    "title \u202eevil\u202c \x07bell",
    "text": "Hostile body <script>window.__xss=3</script> with <img src=x onerror=window.__xss=4>"
    " and a javascript:window.__xss=5 link. The hostile record speaks of troops.",
    "url": "javascript:window.__xss=6",
    "source": '"><svg onload=window.__xss=7>',
    "source_type": "blog",
    "actors": ['<img src=x onerror="window.__xss=8">', "Hostile Actor"],
    "countries": ["FR"],
    "authors": ["</td><script>window.__xss=9</script>"],
    "category": "<b>category</b>",
    "date": "2024-02-10",
}
HOSTILE_TITLE_START = "<script>window.__xss=1</script>Hostile"


def news_records(count: int = 48, seed: int = 7) -> list[dict]:
    """``count`` articles over 2023-11 .. 2024-06, two actors and two countries each."""
    rng = random.Random(seed)
    records = []
    for i in range(count):
        actors = rng.sample(ACTORS, 2)
        countries = rng.sample(COUNTRIES, 2)
        topic = TOPICS[i % len(TOPICS)]
        source, kind = SOURCES[i % len(SOURCES)]
        year, month = (2023, 11 + i % 2) if i % 8 == 0 else (2024, 1 + i % 6)
        records.append(
            {
                "title": f"{actors[0]} speaks on {topic} with {actors[1]} (report {i})",
                "text": f"{actors[0]} and {actors[1]} discussed {topic} in meetings. "
                f"Officials said the {topic} question would return at the next meeting. " * 2,
                "date": f"{year}-{month:02d}-{1 + i % 27:02d}",
                "source": source,
                "source_type": kind,
                "actors": actors,
                "countries": countries,
                "url": f"https://news.example/{i}",
                "language": "en",
            }
        )
    return records


def build_web_index(where: Path) -> Path:
    """An index of the corpus, the hostile record and two undated notes; returns its path."""
    where.mkdir(parents=True, exist_ok=True)
    docs = where / "docs"
    docs.mkdir(exist_ok=True)
    write_records(docs / "news.jsonl", news_records())
    write_records(docs / "hostile.jsonl", [HOSTILE])
    (docs / "note1.txt").write_text("Undated note\n\nTroops and a ceasefire were discussed.\n")
    (docs / "note2.txt").write_text("Another undated note\n\nElections in the spring.\n")
    with Index.create(where / "index") as index:
        report = index.update([docs], jobs=1)
    assert report.added == 51, report
    return where / "index"
