"""Text analysis: one analyzer per language, the same at index and at query time.

Each language Whoosh has a Snowball stemmer for gets its own title/body fields, so a French
article is stemmed as French and an English one as English. Every other language goes to the
``xx`` fields: tokenised, lower-cased and accent-folded, but not stemmed.
"""

from __future__ import annotations

import functools
import re

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang import has_stemmer, stemmer_for_language, stopwords_for_language
from whoosh.support.charset import accent_map

#: Languages with a Whoosh stemmer, each with its own fields; "xx" is the unstemmed fallback.
STEMMED_LANGUAGES = (
    "ar",
    "da",
    "de",
    "en",
    "es",
    "fi",
    "fr",
    "hu",
    "it",
    "nl",
    "no",
    "pt",
    "ro",
    "ru",
    "sv",
    "tr",
)
FALLBACK = "xx"
FIELD_LANGUAGES = (*STEMMED_LANGUAGES, FALLBACK)

# A word, with inner apostrophes and dots kept so "Macron's", "l'armée" and "U.S" stay whole
# for the clitic filter below. Whoosh's default pattern splits "Macron's" into "macron" + "s".
TOKEN_PATTERN = re.compile(r"\w+(?:['’.]\w+)*", re.UNICODE)

_ELISION = re.compile(
    r"^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu|dell|all|dall|nell|sull)['’]", re.IGNORECASE
)
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


class ClitiFilter(Filter):
    """Drop English possessives ("Macron's") and French/Italian elisions ("l'armée")."""

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            if "'" in text or "’" in text:
                text = _POSSESSIVE.sub("", _ELISION.sub("", text))
                t.text = text.replace("’", "'")
            yield t

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__


def language_field(language: str) -> str:
    """The field suffix for a detected language code ("en" -> "en", "uk" -> "xx")."""
    return language if language in STEMMED_LANGUAGES else FALLBACK


def _base(lang: str) -> Analyzer:
    chain = RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | ClitiFilter()
    if lang != FALLBACK:
        try:
            stops = stopwords_for_language(lang)
        except Exception:  # Whoosh raises NoStopWords for a few stemmed languages
            stops = ()
        if stops:
            chain = chain | StopFilter(stoplist=stops, minsize=1)
        if has_stemmer(lang):
            chain = chain | StemFilter(stemmer_for_language(lang), lang=lang, cachesize=50000)
    return chain | CharsetFilter(accent_map)


@functools.cache
def text_analyzer(lang: str, stemming: bool = True) -> Analyzer:
    """The analyzer for the title/body fields of one language."""
    return _base(lang if stemming else FALLBACK)


@functools.cache
def name_analyzer() -> Analyzer:
    """For actor names: words, lower-cased and accent-folded, never stemmed."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | ClitiFilter()
        | CharsetFilter(accent_map)
    )


def analyze(text: str, lang: str, stemming: bool = True) -> list[str]:
    """Terms of ``text`` as the field for ``lang`` indexes them."""
    return [t.text for t in text_analyzer(language_field(lang), stemming)(text) if t.text]
