"""The mapping of a searchkit index in OpenSearch: ``export.opensearch_mapping`` with the
text analysis brought closer to searchkit's own, and a ``_meta`` block that marks it ours.

``export`` rebuilds OpenSearch's language analyzers; this engine must answer what the Whoosh
engine answers, so its analyzers repeat searchkit's chain step by step instead:

- the tokenizer is searchkit's word pattern (``\\w+`` with inner apostrophes and dots), as a
  Unicode pattern tokenizer, not the standard tokenizer (UAX#29 splits "U.S" and keeps "3.5");
- a char filter makes the typographic apostrophe plain, as searchkit's clitic filter does;
- Latin accents are folded *before* the stop filter, and the stop list is Whoosh's own list
  of that language, folded: the same words are dropped (Lucene's English list has 33 words,
  Whoosh's 127), so a query word is a stop word in both engines or in neither;
- the stemmer is the Snowball algorithm of the same name, as Whoosh's.

What still differs: ``asciifolding`` also folds letters with no decomposition (ß, ø, æ),
and Lucene's stop filter leaves a position gap where Whoosh closes it up, so a phrase typed
without its stop word ("minister defence") does not match "minister of defence" here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import export
from ..engine.analysis import FALLBACK, TOKEN_PATTERN, folded_stop_words

#: Bumped when the mapping changes in a way an existing index cannot take.
MAPPING_VERSION = 1
META_KEY = "searchkit"


def _stop_words(lang: str) -> list[str]:
    return sorted(folded_stop_words(lang))


def _analysis(languages: Sequence[str]) -> dict[str, Any]:
    analysis = export._analysis(languages)
    analysis["char_filter"] = {
        "searchkit_apostrophe": {"type": "mapping", "mappings": ["\u2019 => '"]}
    }
    analysis["tokenizer"] = {
        "searchkit_words": {
            "type": "pattern",
            "pattern": TOKEN_PATTERN.pattern.replace("['’.]", "['.]"),
            "flags": "UNICODE_CHARACTER_CLASS",
            "group": 0,
        }
    }
    clitics = ["lowercase", "searchkit_elision", "searchkit_possessive"]
    for name, analyzer in analysis["analyzer"].items():
        lang = name.removeprefix("searchkit_")
        analyzer["char_filter"] = ["searchkit_apostrophe"]
        analyzer["tokenizer"] = "searchkit_words"
        if lang == FALLBACK:
            continue
        stops = _stop_words(lang)
        chain = [*clitics, "asciifolding"]
        if stops:
            analysis["filter"][f"searchkit_{lang}_stop"] = {"type": "stop", "stopwords": stops}
            chain.append(f"searchkit_{lang}_stop")
        else:
            analysis["filter"].pop(f"searchkit_{lang}_stop", None)
        analyzer["filter"] = [*chain, f"searchkit_{lang}_stemmer"]
    return analysis


def index_body(
    languages: Sequence[str], stemming: bool, *, shards: int = 1, replicas: int = 0
) -> dict[str, Any]:
    """The create-index body: settings, analysis and the strict mapping, marked as ours."""
    languages = list(languages) if stemming else [FALLBACK]
    body = export.opensearch_mapping(languages, shards=shards, replicas=replicas)
    body["settings"]["index"]["analysis"] = _analysis(export._languages(languages))
    body["mappings"]["_meta"] = {
        META_KEY: {
            "mapping_version": MAPPING_VERSION,
            "languages": export._languages(languages),
            "stemming": stemming,
            "last_update": None,
        }
    }
    return body


def our_meta(mapping_response: dict[str, Any], index: str) -> dict[str, Any] | None:
    """Our ``_meta`` block from a GET _mapping response, or None when the index is not ours."""
    for body in mapping_response.values():  # keyed by the concrete index (or an alias target)
        meta = (body.get("mappings") or {}).get("_meta") or {}
        ours = meta.get(META_KEY)
        if isinstance(ours, dict) and "mapping_version" in ours:
            return ours
    return None
