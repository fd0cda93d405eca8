"""Language detection with langdetect, made deterministic and cheap."""

from __future__ import annotations

import re
import threading
from collections import Counter

from ..model import Mention

# The label lookup lives in searchkit.tables; re-exported here for older callers.
from ..tables import language_label  # noqa: F401
from ..tables import language_names as _language_names

UNDETERMINED = "und"
# langdetect's cost grows with the text; the first 1,000 characters decide as well as 3,000.
SAMPLE_CHARS = 1000
MIN_LETTERS = 20
MIN_PROBABILITY = 0.60
# Under this many letters a text is too short to decide alone; a collection prior weighs in.
SHORT_LETTERS = 200
# The prior's share of langdetect's starting belief in the collection's language.
PRIOR_WEIGHT = 0.9
MIN_COLLECTION = 5
PRIOR_REASON = "the language of the file's other records"
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)

_lock = threading.Lock()
_factory = None


def _detector_factory():
    """Load langdetect's profiles once (~0.4 s), with a fixed seed so results repeat."""
    global _factory
    with _lock:
        if _factory is None:
            from langdetect import DetectorFactory, detector_factory

            DetectorFactory.seed = 0
            detector_factory.init_factory()
            _factory = detector_factory._factory
    return _factory


def normalise_language(code: str) -> str:
    """ "zh-cn" -> "zh", "EN" -> "en", "fr_FR" -> "fr"; "" -> "und"."""
    match = re.match(r"\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$", str(code))
    if match:
        return match.group(1).lower()
    by_name = {name.lower(): c for c, name in _language_names().items()}
    return by_name.get(str(code).strip().lower(), UNDETERMINED)  # "French" -> "fr"


def detect_language(text: str, prior: str = "") -> Mention:
    """The language of ``text`` as an ISO 639-1 code in a Mention; "und" when unsure.

    ``prior`` is the language of the collection the text comes from (the other records of its
    file). A short text is weak evidence alone ("Who's nasty??"), so for texts under
    ``SHORT_LETTERS`` letters the prior weighs in: too little text or an unsure reading gives
    the prior, and langdetect starts from it. A text without a word of letters stays "und".
    """
    sample = text[:SAMPLE_CHARS]
    letters = len(_LETTER.findall(sample))
    short = letters < SHORT_LETTERS
    if prior and short and not _WORD.search(sample):
        prior = ""  # no word at all: not text in any language
    if letters < MIN_LETTERS:
        if prior:
            return Mention("language", prior, "", f"too little text; {PRIOR_REASON}")
        return Mention("language", UNDETERMINED, "", "too little text")
    from langdetect.lang_detect_exception import LangDetectException

    detector = _detector_factory().create()
    if prior and short:
        detector.set_prior_map(_prior_map(prior))
    detector.append(sample)
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return Mention("language", UNDETERMINED, "", "no language features")
    weighed = f", {PRIOR_REASON}" if prior and short else ", short text" if short else ""
    if best.prob < MIN_PROBABILITY:
        unsure = f"unsure ({best.lang} {best.prob:.2f})"
        if prior and short:
            return Mention("language", prior, "", f"{unsure}; {PRIOR_REASON}")
        return Mention("language", UNDETERMINED, "", unsure + weighed)
    return Mention(
        "language", normalise_language(best.lang), "", f"langdetect {best.prob:.2f}{weighed}"
    )


def _prior_map(prior: str) -> dict[str, float]:
    """langdetect's prior: ``PRIOR_WEIGHT`` on the collection's language, the rest shared."""
    languages = _detector_factory().langlist
    others = (1 - PRIOR_WEIGHT) / max(1, len(languages) - 1)
    return {lang: PRIOR_WEIGHT if lang.split("-")[0] == prior else others for lang in languages}


def needs_prior(document) -> bool:
    """Whether a document's language was read from too little text to stand alone."""
    mention = next((m for m in document.evidence if m.kind == "language"), None)
    if mention is None:
        return False
    weak = mention.rule.startswith(("too little text", "unsure", "no language features"))
    return weak or mention.rule.endswith("short text")


def collection_language(languages: list[str]) -> str:
    """The language of most of a collection's records, "" when none has most of them.

    At least ``MIN_COLLECTION`` records must have a language: one article says nothing about
    its neighbours.
    """
    known = [code for code in languages if code != UNDETERMINED]
    if len(known) < MIN_COLLECTION:
        return ""
    code, count = Counter(known).most_common(1)[0]
    return code if count * 2 > len(known) else ""
