"""Gzip-compressed articles (.html.gz, .json.gz, .jsonl.gz, .txt.gz) are read like the
uncompressed ones, in folders and when named directly."""

from __future__ import annotations

import gzip
import json

from click.testing import CliRunner

from searchkit import Index
from searchkit.cli import cli
from searchkit.extract import pipeline

HTML = (
    "<html><head><title>Narwhals seen off Greenland</title></head><body><article>"
    "<h1>Narwhals seen off Greenland</h1><p>A pod of narwhals surfaced near the coast of "
    "Greenland on Monday, fishermen said.</p></article></body></html>"
)


def write_gz(path, text: str) -> None:
    path.write_bytes(gzip.compress(text.encode("utf-8")))


def gz_folder(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    write_gz(folder / "a.html.gz", HTML)
    write_gz(folder / "b.json.gz", json.dumps({"title": "Narwhal tusks", "text": "Narwhals."}))
    write_gz(
        folder / "c.jsonl.gz",
        "".join(
            json.dumps({"headline": f"Narwhal census {n}", "short_description": "Narwhals."}) + "\n"
            for n in (1, 2)
        ),
    )
    write_gz(folder / "d.txt.gz", "Narwhal migration\n\nNarwhals move south in autumn.\n")
    write_gz(folder / "E.MD.GZ", "# Narwhal songs\n\nNarwhals click and whistle.\n")
    (folder / "other.tar.gz").write_bytes(gzip.compress(b"not an article"))
    return folder


def test_a_folder_of_gzipped_articles_is_indexed(tmp_path):
    folder = gz_folder(tmp_path)
    with Index.create(tmp_path / "index") as index:
        report = index.update([folder], jobs=1)
        assert (report.added, report.skipped) == (6, ())
        titles = sorted(hit.title for hit in index.search("narwhal", limit=10).hits)
        assert titles == [
            "Narwhal census 1",
            "Narwhal census 2",
            "Narwhal migration",
            "Narwhal songs",
            "Narwhal tusks",
            "Narwhals seen off Greenland",
        ]
        assert index.update([folder], jobs=1).unchanged == 6


def test_extract_reads_a_gzipped_html_page(tmp_path):
    write_gz(tmp_path / "a.html.gz", HTML)
    result = CliRunner().invoke(cli, ["extract", str(tmp_path / "a.html.gz"), "--json"])
    assert (result.exit_code, result.stderr) == (0, "")
    doc = json.loads(result.stdout)
    assert (doc["title"], doc["countries"]) == ("Narwhals seen off Greenland", ["GL"])


def test_a_broken_gzip_file_is_skipped_with_its_reason(tmp_path):
    (tmp_path / "bad.txt.gz").write_bytes(b"garbage, not gzip")
    cut = gzip.compress(b"Title\n\nBody text that is long enough. " * 50)
    (tmp_path / "cut.html.gz").write_bytes(cut[: len(cut) // 2])
    result = CliRunner().invoke(cli, ["extract", str(tmp_path)])
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr.replace(str(tmp_path), "<tmp>") == (
        "skipped <tmp>/bad.txt.gz: not a readable gzip file (Not a gzipped file (b'ga'))\n"
        "skipped <tmp>/cut.html.gz: not a readable gzip file (Compressed file ended before "
        "the end-of-stream marker was reached)\n"
    )


def test_a_gzip_bomb_stops_at_the_file_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "MAX_FILE_BYTES", 1 << 20)
    write_gz(tmp_path / "bomb.txt.gz", "Title\n" + "zero " * 400_000)  # 2 MB of text
    (result,) = pipeline_results(tmp_path)
    assert [(s.path, s.reason) for s in result.skipped] == [
        (str(tmp_path / "bomb.txt.gz"), "decompresses to more than 1 MB, the limit for one file")
    ]


def pipeline_results(folder):
    from searchkit.api import extract_files

    return list(extract_files([folder]))
