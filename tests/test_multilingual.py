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
