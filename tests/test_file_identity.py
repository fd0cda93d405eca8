"""Which file a document comes from, and its id: one file reached through a link is one
file; ids do not depend on where the collection lives, and stay unique across roots."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from searchkit import Index
from searchkit.cli import cli
from support import ROOT, SEEDS


def ids_by_file(index: Index) -> dict[str, str]:
    return {Path(d.path).name: d.id for d in index.documents()}


def test_a_folder_indexed_again_through_a_symlink_adds_nothing(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "html")
    (tmp_path / "htmllink").symlink_to(tmp_path / "html")
    with Index.create(tmp_path / "index") as index:
        first = index.update([tmp_path / "html"], jobs=1)
        second = index.update([tmp_path / "htmllink"], jobs=1)
        assert (first.added, second.added, second.unchanged) == (5, 0, 5)
        assert index.search("NATO").total == 5
        assert {Path(d.path).parent for d in index.documents()} == {tmp_path / "html"}


def test_a_file_linked_inside_its_folder_is_indexed_once(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    first = sorted((tmp_path / "seeds").iterdir())[0]
    (tmp_path / "seeds" / "zz_same.txt").symlink_to(first)
    with Index.create(tmp_path / "index") as index:
        assert index.update([tmp_path / "seeds", first], jobs=1).added == 5


def test_prune_through_a_symlinked_root_keeps_the_files_it_still_finds(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "html")
    (tmp_path / "htmllink").symlink_to(tmp_path / "html")
    with Index.create(tmp_path / "index") as index:
        index.update([tmp_path / "html"], jobs=1)
        sorted((tmp_path / "html").iterdir())[0].unlink()
        report = index.update([tmp_path / "htmllink"], jobs=1, prune=True)
        assert (report.removed, report.unchanged) == (1, 4)


def test_ids_do_not_change_when_the_collection_moves(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "one" / "seeds")
    shutil.copytree(SEEDS, tmp_path / "elsewhere" / "deeper" / "seeds")
    with Index.create(tmp_path / "a") as a, Index.create(tmp_path / "b") as b:
        a.update([tmp_path / "one" / "seeds"], jobs=1)
        b.update([tmp_path / "elsewhere" / "deeper" / "seeds"], jobs=1)
        assert ids_by_file(a) == ids_by_file(b)
        assert len(set(ids_by_file(a).values())) == 5


def test_ids_stay_unique_across_two_roots_of_the_same_name(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "x" / "seeds")
    shutil.copytree(SEEDS, tmp_path / "y" / "seeds")
    with Index.create(tmp_path / "index") as index:
        assert index.update([tmp_path / "x" / "seeds"], jobs=1).added == 5
        assert index.update([tmp_path / "y" / "seeds"], jobs=1).added == 5
        documents = list(index.documents())
        assert len({d.id for d in documents}) == 10
        # The first root keeps the short ids; the second has its parent folder in the key.
        x_ids = {d.id for d in documents if "/x/" in d.path}
        with Index.create(tmp_path / "alone") as alone:
            alone.update([tmp_path / "x" / "seeds"], jobs=1)
            assert {d.id for d in alone.documents()} == x_ids
        # Both roots in one run are told apart as well, and a rerun changes nothing.
        with Index.create(tmp_path / "both") as both:
            report = both.update([tmp_path / "x" / "seeds", tmp_path / "y" / "seeds"], jobs=1)
            assert report.added == 10
            assert len({d.id for d in both.documents()}) == 10
            assert both.update([tmp_path / "x" / "seeds", tmp_path / "y" / "seeds"]).added == 0


def test_records_of_a_json_lines_file_keep_their_ids_when_it_moves(tmp_path):
    for where in ("a", "b/c"):
        folder = tmp_path / where / "export"
        folder.mkdir(parents=True)
        (folder / "news.jsonl").write_text(
            '{"title": "One", "text": "Narwhals surfaced."}\n'
            '{"title": "Two", "text": "Narwhals dived."}\n',
            encoding="utf-8",
        )
    with Index.create(tmp_path / "i1") as one, Index.create(tmp_path / "i2") as two:
        one.update([tmp_path / "a" / "export"], jobs=1)
        two.update([tmp_path / "b" / "c" / "export"], jobs=1)
        first = sorted(d.id for d in one.documents())
        assert first == sorted(d.id for d in two.documents()) and len(set(first)) == 2


def test_the_readme_ids_are_real_on_any_checkout(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ids = set(re.findall(r"searchkit (?:show|similar) ([0-9a-f]{12})\b", readme))
    assert ids, "the README shows no document id"
    shutil.copytree(SEEDS, tmp_path / "clone" / "seeds")
    monkeypatch.chdir(tmp_path / "clone")
    runner = CliRunner()
    assert runner.invoke(cli, ["index", "seeds/"]).exit_code == 0
    for doc_id in sorted(ids):
        result = runner.invoke(cli, ["show", doc_id])
        assert (result.exit_code, result.stdout.splitlines()[0]) == (0, f"id         {doc_id}")
    shown = runner.invoke(cli, ["search", "French instructors", "--json"])
    assert re.search(r'"id": "([0-9a-f]{12})"', shown.stdout).group(1) in ids
