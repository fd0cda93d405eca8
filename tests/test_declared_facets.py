"""Facets declared in searchkit.toml: every surface treats them as the built-in ones, a
changed declaration is re-derived from the index, and bad declarations name their line."""

import json

import pytest
from click.testing import CliRunner

from searchkit import Index
from searchkit.cli import cli
from searchkit.errors import ExitCode
from support import write_records

CONFIG = """\
[facets.category]
field = "category"
label = "Category"

[facets.tags]
field = "tags"
multi = true
"""

RECORDS = [
    {"title": "Budget vote", "text": "Parliament votes on the budget.", "category": "POLITICS",
     "tags": ["budget", "parliament"], "language": "en"},
    {"title": "Cup final", "text": "The cup final ends in a draw.", "category": "SPORTS",
     "tags": "football; cup", "language": "en"},
    {"title": "Budget cuts", "text": "Schools fear budget cuts.", "category": "POLITICS",
     "tags": ["budget"], "language": "en"},
    {"title": "Weather", "text": "Rain all week.", "language": "en"},
]  # fmt: skip


@pytest.fixture
def collection(tmp_path):
    write_records(tmp_path / "news.jsonl", RECORDS)
    (tmp_path / "searchkit.toml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def run(where, *args):
    result = CliRunner().invoke(cli, ["--index", str(where / "index"), *args])
    return result.exit_code, result.stdout, result.stderr


def test_declared_facets_on_every_surface(collection):
    code, out, _ = run(collection, "index", str(collection / "news.jsonl"), "--jobs", "1")
    assert code == 0, out
    code, out, _ = run(collection, "facets", "--facet", "category", "--facet", "tags")
    assert (code, out) == (
        0,
        "category (2 values, 1 without)\n"
        "        2  POLITICS\n"
        "        1  SPORTS\n"
        "tags (4 values, 1 without)\n"
        "        2  budget\n"
        "        1  cup\n"
        "        1  football\n"
        "        1  parliament\n",
    )
    # --filter, multi-select counts that ignore the facet's own filter
    code, out, _ = run(collection, "search", "budget", "--filter", "category=politics",
                       "--facet", "category", "--json")  # fmt: skip
    data = json.loads(out)
    assert (code, data["total"]) == (0, 2)
    assert data["facets"][0]["values"][0] == {
        "value": "POLITICS", "label": "POLITICS", "count": 2, "selected": True
    }  # fmt: skip
    assert {h["title"]: h["facets"]["tags"] for h in data["hits"]} == {
        "Budget vote": ["budget", "parliament"],
        "Budget cuts": ["budget"],
    }
    # field:value in the query, alone and with words and operators
    assert run(collection, "search", "category:sports", "--json")[0] == 0
    data = json.loads(run(collection, "search", "tags:budget NOT parliament", "--json")[1])
    assert [h["title"] for h in data["hits"]] == ["Budget cuts"]
    # CSV and show
    code, out, _ = run(collection, "search", "cup", "--csv")
    assert out.splitlines()[0].endswith(",snippet,category,tags")
    assert out.splitlines()[1].endswith(",SPORTS,football;cup")
    doc_id = data["hits"][0]["id"]
    code, out, _ = run(collection, "show", doc_id)
    assert "category   POLITICS" in out and "tags       budget" in out


def test_api_filters_and_facet_specs(collection):
    with Index.create(collection / "index", config=collection / "searchkit.toml") as index:
        index.update([collection / "news.jsonl"], jobs=1)
        results = index.search("", filters={"tags": ["cup"]}, facets=("tags",), limit=5)
        assert [h.title for h in results.hits] == ["Cup final"]
        assert [s.name for s in index.facet_specs() if s.declared] == ["category", "tags"]
        assert index.get(results.hits[0].id).facets == {
            "category": ("SPORTS",), "tags": ("football", "cup")
        }  # fmt: skip


def test_changed_declaration_is_rederived_without_reading_files(collection):
    run(collection, "index", str(collection / "news.jsonl"), "--jobs", "1")
    (collection / "searchkit.toml").write_text(
        CONFIG.replace('field = "tags"', 'field = "category"'), encoding="utf-8"
    )
    (collection / "news.jsonl").chmod(0o000)  # proves the file is not read again
    try:
        code, out, _ = run(collection, "index", str(collection / "news.jsonl"))
    finally:
        (collection / "news.jsonl").chmod(0o644)
    assert code == 0
    assert out.startswith("0 added, 0 updated, 4 unchanged, 0 removed, 0 skipped, 3 re-derived")
    code, out, _ = run(collection, "facets", "--facet", "tags")
    assert out == "tags (2 values, 1 without)\n        2  POLITICS\n        1  SPORTS\n"


def test_a_field_no_document_has_is_a_warning(collection):
    (collection / "searchkit.toml").write_text('[facets.desk]\nfield = "desk"\n')
    code, _, err = run(collection, "index", str(collection / "news.jsonl"), "--jobs", "1")
    assert code == 0
    assert err.startswith("Warning: facet 'desk': no document has a 'desk' field")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('[facets.category]\nfield = "category"\nmulti_valued = true\n',
         "searchkit.toml:3: unknown key 'multi_valued' in [facets.category]: use field, multi, "
         "label\n"),
        ('[facets.country]\nfield = "nation"\n',
         "searchkit.toml:1: facet 'country' is a built-in facet: choose another name\n"),
        ('[actors]\nignore = []\n\n[actorz]\nignore = ["x"]\n',
         "searchkit.toml:4: unknown section [actorz]: use [actors], [countries], [sources], "
         "[facets], [engine]\n"),
    ],
)  # fmt: skip
def test_bad_declarations_name_the_line(collection, config, message):
    (collection / "searchkit.toml").write_text(config, encoding="utf-8")
    code, _, err = run(collection, "index", str(collection / "news.jsonl"), "--jobs", "1")
    assert code == ExitCode.CONFIG
    assert err.startswith("Error: ") and err.endswith(message)


def test_a_config_path_that_does_not_exist_is_an_error(collection):
    result = CliRunner().invoke(
        cli, ["--config", str(collection / "nope.toml"), "--index", str(collection / "index"),
              "index", str(collection / "news.jsonl")],
    )  # fmt: skip
    assert result.exit_code == ExitCode.CONFIG
    assert result.stderr == (
        f"Error: config file {collection / 'nope.toml'} does not exist: check the --config path\n"
    )
