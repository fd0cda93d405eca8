"""Language detection with langdetect, made deterministic and cheap."""

from __future__ import annotations

import re
import threading

from ..model import Mention

# The label lookup lives in searchkit.tables; re-exported here for older callers.
from ..tables import language_label  # noqa: F401
from ..tables import language_names as _language_names

UNDETERMINED = "und"
# langdetect's cost grows with the text; the first 1,000 characters decide as well as 3,000.
SAMPLE_CHARS = 1000
MIN_LETTERS = 20
MIN_PROBABILITY = 0.60
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)

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


def detect_language(text: str) -> Mention:
    """The language of ``text`` as an ISO 639-1 code in a Mention; "und" when unsure."""
    sample = text[:SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return Mention("language", UNDETERMINED, "", "too little text")
    from langdetect.lang_detect_exception import LangDetectException

    detector = _detector_factory().create()
    detector.append(sample)
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return Mention("language", UNDETERMINED, "", "no language features")
    if best.prob < MIN_PROBABILITY:
        return Mention("language", UNDETERMINED, "", f"unsure ({best.lang} {best.prob:.2f})")
    return Mention("language", normalise_language(best.lang), "", f"langdetect {best.prob:.2f}")
