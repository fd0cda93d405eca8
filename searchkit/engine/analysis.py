"""Text analysis: one analyzer per language, the same at index and at query time.

Each language Whoosh has a Snowball stemmer for gets its own title/body fields, so a French
article is stemmed as French and an English one as English. Every other language goes to the
``xx`` fields: tokenised and lower-cased, but not stemmed. Accents on Latin letters are
folded before stemming, so "Elysee" finds "Élysée".
"""

from __future__ import annotations

import functools
import re
import unicodedata

from whoosh.analysis import (
    Analyzer,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang import has_stemmer, stemmer_for_language, stopwords_for_language

#: Languages with a Whoosh stemmer, each with its own fields; "xx" is the unstemmed fallback.
#: Arabic is left out: Whoosh 2.7.4's ISRI stemmer uses a replacement string that Python 3.7+
#: rejects (re.error on every Arabic word), so Arabic text goes to the fallback fields.
STEMMED_LANGUAGES = (
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


class LatinFoldFilter(Filter):
    """Strip accents from Latin letters only: "Élysée" -> "elysee", "Київ" unchanged.

    It runs before the stemmer so that a word typed without accents stems like the accented
    word in the text; Cyrillic is left alone because its stemmers need letters such as "й".
    """

    def __call__(self, tokens):
        for t in tokens:
            if not t.text.isascii():
                t.text = _fold_latin(t.text)
            yield t

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__


@functools.lru_cache(maxsize=100_000)
def _fold_latin(word: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch) and out and out[-1] < "\u0250":
            continue  # a diacritic on a Latin letter
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def language_field(language: str) -> str:
    """The field suffix for a detected language code ("en" -> "en", "uk" -> "xx")."""
    return language if language in STEMMED_LANGUAGES else FALLBACK


def _base(lang: str) -> Analyzer:
    chain = RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | ClitiFilter() | LatinFoldFilter()
    if lang != FALLBACK:
        try:
            stops = stopwords_for_language(lang)
        except Exception:  # Whoosh raises NoStopWords for a few stemmed languages
            stops = ()
        if stops:
            # Tokens are folded before this filter, so the stop list must be folded too.
            folded = frozenset(_fold_latin(w) for w in stops)
            chain = chain | StopFilter(stoplist=folded, minsize=1)
        if has_stemmer(lang):
            chain = chain | StemFilter(stemmer_for_language(lang), lang=lang, cachesize=50000)
    return chain


@functools.cache
def text_analyzer(lang: str, stemming: bool = True) -> Analyzer:
    """The analyzer for the title/body fields of one language."""
    return _base(lang if stemming else FALLBACK)


@functools.cache
def name_analyzer() -> Analyzer:
    """For actor names: words, lower-cased, Latin accents folded, never stemmed."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | ClitiFilter() | LatinFoldFilter()


def analyze(text: str, lang: str, stemming: bool = True) -> list[str]:
    """Terms of ``text`` as the field for ``lang`` indexes them."""
    return [t.text for t in text_analyzer(language_field(lang), stemming)(text) if t.text]
