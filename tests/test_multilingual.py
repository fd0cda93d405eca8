"""Per-language analysis: articles are found by the inflected forms of their own language."""

from __future__ import annotations

import pytest

from searchkit import Index

ARTICLES = {
    "fr.txt": (
        "Des instructeurs français en Ukraine",
        "Le ministre des Armées a confirmé que les premiers instructeurs militaires "
        "partiraient bientôt. Le palais de l'Élysée n'a pas commenté ces informations, "
        "mais les soldats ukrainiens seront formés sur place.",
    ),
    "ru.txt": (
        "Французские инструкторы на Украине",
        "Министр обороны заявил, что французские военные инструкторы скоро прибудут. "
        "В Кремле назвали это опасной эскалацией, а украинских солдат будут обучать "
        "на месте.",
    ),
    "de.txt": (
        "Französische Ausbilder in der Ukraine",
        "Der Verteidigungsminister bestätigte, dass die ersten Ausbilder bald kommen. "
        "Die ukrainischen Soldaten sollen vor Ort ausgebildet werden, hieß es.",
    ),
    "uk.txt": (
        "Французькі інструктори в Україні",
        "Міністр оборони заявив, що французькі військові інструктори незабаром "
        "прибудуть, а українських солдатів навчатимуть на місці.",
    ),
    "en.txt": (
        "French instructors heading to Ukraine",
        "The defence minister confirmed that the first military instructors would "
        "arrive soon, and Ukrainian soldiers would be trained on site.",
    ),
}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = tmp_path_factory.mktemp("multilingual")
    for name, (title, body) in ARTICLES.items():
        (root / name).write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    with Index.create(root / "ix") as index:
        index.update([root], jobs=1)
        yield index


def files(index, query):
    return sorted(h.path.rsplit("/", 1)[-1] for h in index.search(query, limit=20).hits)


def test_languages_are_detected(index):
    langs = {h.path.rsplit("/", 1)[-1]: h.language for h in index.search("*", limit=20).hits}
    assert langs == {"de.txt": "de", "en.txt": "en", "fr.txt": "fr", "ru.txt": "ru", "uk.txt": "uk"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("instructeur", ["fr.txt"]),  # French plural found by the singular
        ("soldat", ["de.txt", "fr.txt"]),  # French "soldats", German "Soldaten"
        ("инструктор", ["ru.txt"]),  # Russian "инструкторы" by the singular
        ("солдаты", ["ru.txt"]),  # and the genitive "солдат" by the plural
        ("Ausbilder", ["de.txt"]),
        ("ausgebildet", ["de.txt"]),
        ("instructor", ["en.txt"]),
        ("інструктори", ["uk.txt"]),  # Ukrainian: no stemmer, exact word forms
        ("Elysee", ["fr.txt"]),  # accents folded: Élysée
        ("кремль", ["ru.txt"]),  # "В Кремле" (locative) stems alike
    ],
)
def test_words_are_found_in_their_own_language(index, query, expected):
    assert files(index, query) == expected


# --- language of short records ----------------------------------------------------------------

from searchkit.config import ExtractConfig  # noqa: E402
from searchkit.extract.language import collection_language, detect_language  # noqa: E402
from searchkit.extract.pipeline import extract_file  # noqa: E402


def test_a_short_text_takes_the_collection_prior_before_und():
    alone = detect_language("Who's nasty??")
    assert (alone.value, alone.rule) == ("und", "too little text")
    weighed = detect_language("Who's nasty??", prior="en")
    assert weighed.value == "en"
    assert weighed.rule == "too little text; the language of the file's other records"


def test_text_without_words_stays_und_whatever_the_prior():
    assert detect_language("😀😀 12:30 — 14:45 !!", prior="en").value == "und"


def test_a_long_text_in_another_language_keeps_its_language():
    text = (
        "El consejo municipal aprobó ayer el nuevo presupuesto para los parques de la ciudad. " * 4
    )
    assert detect_language(text, prior="en").value == "es"


def test_the_collection_language_needs_a_majority_of_several_records():
    assert collection_language(["en"] * 4) == ""
    assert collection_language(["en"] * 5 + ["und"] * 9) == "en"
    assert collection_language(["en"] * 3 + ["fr"] * 3) == ""


def test_short_records_of_a_file_take_the_language_of_the_others(tmp_path):
    lines = [
        '{"headline": "Trump\'s Wall Of Lies", "short_description": "Now it\'s twice as big."}',
        '{"headline": "Who knew?", "short_description": "☕️"}',
        '{"headline": "😀😀", "short_description": "12:30"}',
    ]
    lines += [
        f'{{"headline": "Council meeting number {n}", "short_description": "The council voted '
        f'on Tuesday to spend more money on parks and playgrounds across the city."}}'
        for n in range(6)
    ]
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    documents = extract_file(str(path), ExtractConfig()).documents
    assert [d.language for d in documents] == ["en", "en", "und"] + ["en"] * 6
    rule = next(m.rule for m in documents[1].evidence if m.kind == "language")
    assert rule.endswith("the language of the file's other records")


def test_a_file_of_one_short_record_has_no_prior(tmp_path):
    path = tmp_path / "one.jsonl"
    path.write_text('{"headline": "Who knew?", "short_description": "Uh-oh."}\n', encoding="utf-8")
    assert extract_file(str(path), ExtractConfig()).documents[0].language == "und"
