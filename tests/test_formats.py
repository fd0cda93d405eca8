"""Reading files into raw articles: text with front matter, JSON, JSON Lines, encodings."""

import json

import pytest

from searchkit.errors import UnreadableFileError
from searchkit.extract.encoding import decode
from searchkit.extract.formats import BadRecord, map_record, read_file


def articles(name, raw):
    from pathlib import Path

    return list(read_file(Path(name), raw))


def test_text_first_line_is_title():
    [a] = articles("a.txt", b"\n\nTitle here\n\nBody one.\nBody two.\n")
    assert a.title == "Title here"
    assert a.body == "Body one.\nBody two."
    assert a.meta == {}


def test_front_matter_supplies_metadata_and_title():
    raw = (
        b"---\ntitle: From meta\ndate: 2024-03-01\nurl: https://example.org/x\n"
        b"source_type: wire\nactors: [Emmanuel Macron, NATO]\ncountries:\n  - FR\n  - UA\n"
        b"language: en\n---\nFirst line of body\nSecond line\n"
    )
    [a] = articles("a.md", raw)
    assert a.title == "From meta"
    assert a.body == "First line of body\nSecond line"
    assert a.meta == {
        "date": "2024-03-01",
        "url": "https://example.org/x",
        "source_type": "wire",
        "actors": ["Emmanuel Macron", "NATO"],
        "countries": ["FR", "UA"],
        "language": "en",
    }


def test_markdown_heading_marker_is_not_part_of_title():
    [a] = articles("a.md", b"# A heading\n\ntext")
    assert a.title == "A heading"


def test_json_field_mapping():
    record = {
        "headline": "H",
        "short_description": "D",
        "date": "2022-09-23",
        "link": "https://www.huffpost.com/entry/x",
        "authors": "Jane Doe and John Roe",
        "category": "WORLD NEWS",
    }
    title, body, meta = map_record(record)
    assert (title, body) == ("H", "D")
    assert meta == {
        "date": "2022-09-23",
        "url": "https://www.huffpost.com/entry/x",
        "authors": ["Jane Doe", "John Roe"],
        "category": "WORLD NEWS",
    }


def test_json_wrong_field_types_are_coerced_not_fatal():
    title, body, meta = map_record({"title": 42, "text": ["a", "b"], "source": {"name": "X"}})
    assert (title, body, meta["source"]) == ("42", "a\n\nb", "X")


def test_json_list_gives_one_article_per_record_and_reports_bad_ones():
    raw = json.dumps([{"title": "a", "text": "x"}, "oops", {"foo": 1}]).encode()
    out = articles("a.json", raw)
    assert [type(x).__name__ for x in out] == ["RawArticle", "BadRecord", "BadRecord"]
    assert out[0].record == 1
    assert out[1] == BadRecord(2, "expected a JSON object (an article), found a string")


def test_jsonl_malformed_line_is_reported_and_the_rest_read():
    raw = b'{"title": "a", "text": "x"}\n{"title": "b", "te\n\n{"title": "c", "text": "z"}'
    out = articles("a.jsonl", raw)
    assert [getattr(x, "title", None) for x in out] == ["a", None, "c"]
    assert out[1] == BadRecord(2, "invalid JSON at column 16 (Unterminated string starting at)")
    assert out[2].record == 4


def test_broken_json_file_is_unreadable():
    with pytest.raises(UnreadableFileError, match="invalid JSON"):
        articles("a.json", b"{nope")


def test_empty_file_is_unreadable():
    with pytest.raises(UnreadableFileError, match="empty file"):
        articles("a.txt", b"  \n\n")


def test_binary_file_is_unreadable():
    with pytest.raises(UnreadableFileError, match="binary"):
        articles("a.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("Café à Paris".encode(), "Café à Paris"),
        ("Café à Paris, élysée".encode("cp1252"), "Café à Paris, élysée"),
        ("Привет, как дела в Киеве сегодня".encode("cp1251"), "Привет, как дела в Киеве сегодня"),
        ("Kyiv — Київ".encode("utf-16"), "Kyiv — Київ"),
        (b"\xef\xbb\xbfBOM text", "BOM text"),
    ],
)
def test_decode_legacy_encodings(raw, text):
    assert decode(raw) == text


def test_a_lone_surrogate_escape_becomes_the_replacement_character():
    raw = b'{"title": "a \\ud800 b", "text": "ok \\ud83d\\ude00", "actors": ["X \\udc00"]}\n'
    (article,) = articles("a.jsonl", raw)
    assert article.title == "a \ufffd b"
    assert article.body == "ok \U0001f600"  # a valid pair is kept
    assert article.meta["actors"] == ["X \ufffd"]
