"""The indexing fast path gives exactly the terms and positions of Whoosh's analyzer chain,
and the compact positions format reads back what it wrote."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import fields

from searchkit.engine.analysis import FIELD_LANGUAGES, TextField, VarintPositions, text_analyzer

WORDS = st.sampled_from(
    [
        "the",
        "The",
        "THE",
        "of",
        "und",
        "les",
        "Macron's",
        "l'armée",
        "qu'il",
        "U.S.",
        "Élysée",
        "ÉLYSÉE",
        "naïve",
        "Київ",
        "İstanbul",
        "Straße",
        "troops",
        "running",
        "ran",
        "3,000",
        "12.5",
        "won’t",
        "'s",
        "x",
    ]
)
TEXT = st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=40).map(
    lambda parts: " ".join(parts)
)


def _positions(field, text: str) -> dict[bytes, tuple[int, float, list[int]]]:
    return {
        term: (freq, weight, field.format.decode_positions(value))
        for term, freq, weight, value in field.index(text)
    }


@settings(max_examples=150, deadline=None)
@given(TEXT, st.sampled_from(FIELD_LANGUAGES), st.booleans())
def test_fast_text_field_indexes_like_the_whoosh_chain(text, lang, stemming):
    fast = TextField(lang, stemming)
    chain = fields.TEXT(analyzer=text_analyzer(lang, stemming), phrase=True)
    assert _positions(fast, text) == _positions(chain, text)


@given(st.lists(st.integers(0, 10**7), min_size=1, max_size=300, unique=True))
def test_varint_positions_round_trip(positions):
    positions.sort()
    fmt = VarintPositions()
    value = fmt.encode(positions)
    assert fmt.decode_positions(value) == positions
    assert fmt.decode_frequency(value) == len(positions)
    assert fmt.decode_weight(value) == len(positions)


def test_term_memos_saved_beside_the_index_start_a_new_process_warm(tmp_path, monkeypatch):
    from searchkit import Index
    from searchkit.engine import analysis
    from support import write_records

    monkeypatch.setattr(analysis, "SAVE_AFTER_NEW_WORDS", 1)
    monkeypatch.setattr(analysis, "_memos", {})
    monkeypatch.setattr(analysis, "_loaded_from", None)
    monkeypatch.setattr(analysis, "_saved_size", 0)
    docs = [{"title": "Ministers", "text": "The ministers were running talks", "language": "en"}]
    with Index.create(tmp_path / "index") as index:
        index.update([write_records(tmp_path / "a.jsonl", docs)], jobs=1)
    memo_file = tmp_path / "index" / analysis.MEMO_FILE
    assert memo_file.exists()
    # A new process: empty memos, loaded from the file, giving the terms the chain gives.
    monkeypatch.setattr(analysis, "_memos", {})
    monkeypatch.setattr(analysis, "_loaded_from", None)
    analysis.load_term_memos(str(tmp_path / "index"))
    memo = analysis._term_memo("en", True)
    assert memo["running"] == "run" and memo["ministers"] == "minist" and memo["The"] is None
    assert analysis.term_positions("ministers running", "en") == {"minist": [0], "run": [1]}
    # A memo from another analyzer version, or garbage, is ignored: cold, never wrong.
    for content in (b"garbage", __import__("marshal").dumps({"version": (0, ""), "memos": {}})):
        memo_file.write_bytes(content)
        monkeypatch.setattr(analysis, "_memos", {})
        monkeypatch.setattr(analysis, "_loaded_from", None)
        analysis.load_term_memos(str(tmp_path / "index"))
        assert analysis._memos == {}
