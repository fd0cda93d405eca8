"""Text analysis: one analyzer per language, the same at index and at query time.

Each language Whoosh has a Snowball stemmer for gets its own title/body fields, so a French
article is stemmed as French and an English one as English. Every other language goes to the
``xx`` fields: tokenised and lower-cased, but not stemmed. Accents on Latin letters are
folded before stemming, so "Elysee" finds "Élysée".
"""

from __future__ import annotations

import functools
import marshal
import os
import re
import unicodedata
from pathlib import Path

from whoosh import fields
from whoosh.analysis import (
    Analyzer,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.formats import Positions
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


class CliticFilter(Filter):
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
    chain = RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | CliticFilter() | LatinFoldFilter()
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
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | CliticFilter() | LatinFoldFilter()


def analyze(text: str, lang: str, stemming: bool = True) -> list[str]:
    """Terms of ``text`` as the field for ``lang`` indexes them."""
    return [t.text for t in text_analyzer(language_field(lang), stemming)(text) if t.text]


#: Distinct words remembered per analyzer before the memo is cleared.
TERM_MEMO_SIZE = 500_000
_UNSEEN = object()
#: The memos of the last update, saved beside the index: a new process (an update of a
#: few files, a `watch` commit) otherwise stems every word afresh, which took half the time
#: of adding 1,000 articles. Bump the version when an analyzer chain changes.
MEMO_FILE = "terms.memo"
MEMO_VERSION = 1
#: New words after which the memos are worth saving again.
SAVE_AFTER_NEW_WORDS = 1_000
_memos: dict[tuple[str, bool], dict[str, str | None]] = {}
_saved_size = 0
_loaded_from: str | None = None


def _term_memo(lang: str, stemming: bool) -> dict[str, str | None]:
    memo = _memos.get((lang, stemming))
    if memo is None:
        memo = _memos[(lang, stemming)] = {}
    return memo


def _memo_version() -> tuple:
    import whoosh

    return (MEMO_VERSION, whoosh.versionstring())


def load_term_memos(index_dir: str) -> None:
    """Start this process's memos from the ones saved beside the index, once."""
    global _saved_size, _loaded_from
    if _loaded_from == index_dir:
        return
    _loaded_from = index_dir
    try:
        data = marshal.loads((Path(index_dir) / MEMO_FILE).read_bytes())
        if data.get("version") != _memo_version():
            return
        for (lang, stemming), words in data["memos"].items():
            memo = _term_memo(lang, stemming)
            if not memo:
                memo.update(words)
    except (OSError, ValueError, EOFError, TypeError, AttributeError, KeyError):
        return  # a cache: unreadable means cold, never wrong
    _saved_size = sum(len(m) for m in _memos.values())


def save_term_memos(index_dir: str) -> None:
    """Save this process's memos beside the index when they have grown enough."""
    global _saved_size
    size = sum(len(m) for m in _memos.values())
    if size - _saved_size < SAVE_AFTER_NEW_WORDS:
        return
    path = Path(index_dir) / MEMO_FILE
    temp = path.with_name(f"{MEMO_FILE}.{os.getpid()}.tmp")
    try:
        temp.write_bytes(marshal.dumps({"version": _memo_version(), "memos": _memos}))
        os.replace(temp, path)  # two workers may race: either file is a whole memo
    except OSError:
        temp.unlink(missing_ok=True)
        return
    _saved_size = size


def term_positions(text: str, lang: str, stemming: bool = True) -> dict[str, list[int]]:
    """Each term of ``text`` with its positions, exactly as ``text_analyzer`` indexes it.

    Every filter of the chain maps one word to one term or drops it, so the chain runs once
    per distinct word and is remembered; a word's term then costs a dict lookup instead of
    a pass through five generators. Positions follow Whoosh's StopFilter, which numbers
    the kept words consecutively from the first kept word's own position.
    """
    analyzer = text_analyzer(lang, stemming)
    memo = _term_memo(lang, stemming)
    positions: dict[str, list[int]] = {}
    pos = -1
    first = True
    for index, word in enumerate(TOKEN_PATTERN.findall(text)):
        term = memo.get(word, _UNSEEN)
        if term is _UNSEEN:
            found = [t.text for t in analyzer(word)]
            term = found[0] if found else None  # None: a stop word
            if len(memo) >= TERM_MEMO_SIZE:
                memo.clear()
            memo[word] = term
        if term is None:
            continue
        pos = index if first else pos + 1
        first = False
        if term in positions:
            positions[term].append(pos)
        else:
            positions[term] = [pos]
    return positions


def _varint(out: bytearray, value: int) -> None:
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)


def _varints(data: bytes) -> list[int]:
    values = []
    value = shift = 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
            continue
        values.append(value)
        value = shift = 0
    return values


class VarintPositions(Positions):
    """Whoosh's Positions format stored as varints (the frequency, then the gaps between
    positions) instead of a 4-byte frequency and a pickled list: a word seen once costs 2
    bytes instead of 13 before the block is compressed, and encoding is three times
    faster. Whoosh reads posting values only through these decode methods."""

    def encode(self, poslist):
        if len(poslist) == 1 and poslist[0] < 0x80:
            return bytes((1, poslist[0]))
        out = bytearray()
        _varint(out, len(poslist))
        base = 0
        for pos in poslist:
            _varint(out, pos - base)
            base = pos
        return bytes(out)

    def decode_positions(self, valuestring):
        positions = []
        pos = 0
        for gap in _varints(valuestring)[1:]:
            pos += gap
            positions.append(pos)
        return positions

    def decode_frequency(self, valuestring):
        first = valuestring[0]
        return first if first < 0x80 else _varints(valuestring)[0]


class TextField(fields.TEXT):
    """A title or body field of one language, indexed through ``term_positions``."""

    def __init__(self, lang: str, stemming: bool = True):
        super().__init__(analyzer=text_analyzer(lang, stemming), phrase=True)
        self.format = VarintPositions(field_boost=1.0)
        self.lang = lang
        self.stemming = stemming

    def index(self, value, **kwargs):
        if kwargs or not isinstance(value, str):
            yield from super().index(value, **kwargs)
            return
        encode = self.format.encode
        boost = self.format.field_boost
        for term, poslist in term_positions(value, self.lang, self.stemming).items():
            yield term.encode("utf-8"), len(poslist), len(poslist) * boost, encode(poslist)


def folded_stop_words(lang: str) -> frozenset[str]:
    """The stop words of a language as its fields drop them (accents folded); none where
    Whoosh has no list (Romanian)."""
    try:
        return frozenset(_fold_latin(w) for w in stopwords_for_language(lang))
    except Exception:
        return frozenset()
