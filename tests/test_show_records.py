"""`show` finds what `search` prints: FILE:N for record N of a JSON Lines file (relative or
absolute path), FILE for a file of one document, and a clear exit 7 for a file of several."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from searchkit import Index
from searchkit.cli import cli
from searchkit.errors import DocumentNotFoundError, ExitCode
from support import write_records

RECORDS = [
    {"title": "First", "text": "Alpha story.", "language": "en"},
    None,  # a blank line: record numbers are line numbers, with a gap here
    {"title": "Second", "text": "Beta story.", "language": "en"},
    {"title": "Third", "text": "Gamma story.", "language": "en"},
]


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("show")
    src = root / "src"
    src.mkdir()
    lines = ["" if r is None else json.dumps(r) for r in RECORDS]
    (src / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_records(src / "one.jsonl", [{"title": "Only", "text": "Delta story.", "language": "en"}])
    with Index.create(root / "index") as index:
        assert index.update([src], jobs=1).added == 4
    return root


def show(root, monkeypatch, *args):
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["--index", str(root / "index"), "show", *args])
    out = re.sub(r"^(id +)[0-9a-f]{12}$", r"\1<id>", result.stdout, flags=re.M)
    return result.exit_code, out.replace(str(root), "<tmp>"), result.stderr


THIRD_LINE = (
    "id         <id>\n"
    "title      Second\n"
    "path       <tmp>/src/news.jsonl:3\n"
    "source     unknown source (unknown)\n"
    "language   en\n"
    "\n"
    "Beta story.\n"
)


@pytest.mark.parametrize("form", ["src/news.jsonl:3", "{root}/src/news.jsonl:3"])
def test_show_accepts_the_path_search_prints(root, monkeypatch, form):
    assert show(root, monkeypatch, form.format(root=root)) == (0, THIRD_LINE, "")


def test_show_of_a_multi_record_file_says_how_to_pick_one(root, monkeypatch):
    assert show(root, monkeypatch, "src/news.jsonl") == (
        ExitCode.NOT_FOUND,
        "",
        "Error: src/news.jsonl holds 3 records: pick one with `searchkit show "
        "src/news.jsonl:N`, N being the record's line as `searchkit search` prints it\n",
    )


def test_show_of_a_missing_record(root, monkeypatch):
    assert show(root, monkeypatch, "src/news.jsonl:2") == (
        ExitCode.NOT_FOUND,
        "",
        "Error: src/news.jsonl has no record 2: it holds 3, numbered by line as "
        "`searchkit search` prints them\n",
    )


def test_show_of_a_one_record_file(root, monkeypatch):
    code, out, err = show(root, monkeypatch, "src/one.jsonl")
    assert (code, err) == (0, "")
    assert "title      Only\n" in out and "path       <tmp>/src/one.jsonl:1\n" in out


def test_every_printed_hit_path_finds_its_document(root):
    with Index.open(root / "index") as index:
        hits = index.search("story", limit=10).hits
        assert len(hits) == 4
        for hit in hits:
            assert index.get(hit.path).id == hit.id
        with pytest.raises(DocumentNotFoundError, match="holds 3 records"):
            index.get(str(root / "src" / "news.jsonl"))
