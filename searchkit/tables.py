"""Country and language lookups shared by extraction, search and rendering.

These read the package data tables (``data/countries.json``, ``data/languages.json``) and answer
the questions every layer asks: which code a user means ("uk" -> GB), and what to call a code
("FR" -> "France", "fr" -> "French"). Finding countries in running text is extraction's job
(``searchkit.extract.countries``); it loads the same country table through ``country_table``.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from importlib import resources
from typing import Any

__all__ = [
    "country_codes",
    "country_label",
    "country_table",
    "language_label",
    "language_names",
    "resolve_country",
    "resolve_language",
]


@functools.cache
def country_table() -> dict[str, Any]:
    """``data/countries.json`` as loaded, once (built by ``scripts/build_tables.py``)."""
    path = resources.files("searchkit") / "data" / "countries.json"
    return json.loads(path.read_text(encoding="utf-8"))


@functools.cache
def language_names() -> dict[str, str]:
    """ISO 639-1 code -> English name, from ``data/languages.json``."""
    path = resources.files("searchkit") / "data" / "languages.json"
    return json.loads(path.read_text(encoding="utf-8"))


def language_label(code: str) -> str:
    """The English name of a language code ("fr" -> "French"); the code if unknown."""
    return language_names().get(code, code)


def country_label(code: str, language: str = "en") -> str:
    """The country's common name in ``language`` ("FR" -> "France"); an unknown code as given."""
    country = country_table()["countries"].get((code or "").strip().upper())
    if country is None:
        return code
    labels = country["labels"]
    return labels.get((language or "en").split("-")[0].lower()) or labels["en"]


@functools.cache
def country_codes() -> frozenset[str]:
    """Every country code the tables know (ISO 3166-1 alpha-2, plus XK for Kosovo)."""
    return frozenset(country_table()["countries"])


def resolve_country(user_text: str) -> str | None:
    """The code for a country as a user may type it: "fr", "FRA", "France", "French",
    "Frankreich", "UK", "U.S."; None when it names no country (or several)."""
    key = _normalise(user_text)
    if not key:
        return None
    if len(key) == 2 and key.upper() in country_codes():
        return key.upper()
    return _resolve_index().get(key)


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = plain.replace("’", "'").replace("ʼ", "'").replace(".", "").replace("-", " ")
    return " ".join(plain.split())


@functools.cache
def _resolve_index() -> dict[str, str]:
    """Normalised names, short forms, demonyms and labels of every language -> code.

    Capitals and metonyms are left out ("Paris" is not a way to say France in a filter);
    a key that could mean two countries is dropped.
    """
    table = country_table()
    found: dict[str, set[str]] = {}
    for code, country in table["countries"].items():
        for label in (*country["labels"].values(), country["alpha3"]):
            found.setdefault(_normalise(label), set()).add(code)
    for rules in table["forms"].values():
        for rule in ("name", "short-form", "demonym", "region"):
            for code, surfaces in rules.get(rule, {}).items():
                for surface in surfaces:
                    found.setdefault(_normalise(surface), set()).add(code)
    return {key: codes.pop() for key, codes in found.items() if len(codes) == 1 and key}


def resolve_language(user_text: str) -> str | None:
    """The language code a user means: a code ("fr", "fr-FR", "FR") or an English name
    ("French"); "und" for undetermined; None when it names no language."""
    text = " ".join(user_text.split()).lower()
    names = language_names()
    code = text.replace("_", "-").split("-")[0]
    if code in names or code == "und":
        return code
    by_name = {name.lower(): c for c, name in names.items()}
    return by_name.get(text)
