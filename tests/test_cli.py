"""The CLI through CliRunner: exact output on the seeds, and every documented exit code."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import pytest
from click.testing import CliRunner

from searchkit.cli import cli
from searchkit.engine.store import Store
from searchkit.errors import ExitCode
from support import SEEDS


def normalise(text: str, root) -> str:
    text = text.replace(str(root), "<tmp>")
    text = re.sub(r"\(\d+ ms\)", "(N ms)", text)
    text = re.sub(r" id [0-9a-f]{12}", " id <id>", text)  # ids derive from the tmp path
    return re.sub(r"\(\d+\.\d s\)", "(N s)", text)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    shutil.copytree(SEEDS, root / "seeds")
    runner = CliRunner()
    result = runner.invoke(cli, ["--index", str(root / "index"), "index", str(root / "seeds")])
    assert result.exit_code == 0, result.output
    assert normalise(result.stdout, root) == (
        "5 added, 0 updated, 0 unchanged, 0 removed, 0 skipped (N s)\n"
    )
    return root


def run(root, *args, env=None):
    result = CliRunner().invoke(cli, ["--index", str(root / "index"), *args], env=env)
    return result.exit_code, normalise(result.stdout, root), normalise(result.stderr, root)


def test_second_index_run_reports_everything_unchanged(indexed):
    code, out, err = run(indexed, "index", str(indexed / "seeds"))
    assert (code, out, err) == (
        0,
        "0 added, 0 updated, 5 unchanged, 0 removed, 0 skipped (N s)\n",
        "",
    )


def test_search_human_output(indexed):
    code, out, err = run(
        indexed, "search", "French instructors", "--facet", "country", "--facet-limit", "3"
    )
    assert code == 0 and err == ""
    assert out == (
        "1 result, showing 1-1 (N ms)\n"
        "\n"
        "  1. His statement comes just days after Ukraine’s top commander Aleksandr Syrsky"
        " announced that had…  [2.88]\n"
        "     undated · unknown source (unknown) · en · UA,FR,RU,US · id <id>\n"
        "     “My sources informed me that the first group of French instructors is already on"
        " its way to Ukraine,” Goncharenko, a member of the Ukrainian parliament and a delegate"
        " to the Parliamentary Assembly of the Council of Europe, wrote on X …\n"
        "     <tmp>/seeds/003_458130abee585993.txt\n"
        "\n"
        "Facets\n"
        "country (4 values, 1 more)\n"
        "        1  FR France\n"
        "        1  RU Russia\n"
        "        1  UA Ukraine\n"
    )


def test_search_json_shape(indexed):
    code, out, _ = run(indexed, "search", "Macron", "--json", "--limit", "2")
    data = json.loads(out)
    assert code == 0
    assert list(data) == [
        "query",
        "total",
        "page",
        "limit",
        "sort",
        "hits",
        "facets",
        "suggestion",
        "took_ms",
        "notices",
    ]
    assert (data["query"], data["total"], len(data["hits"])) == ("Macron", 4, 2)
    hit = data["hits"][0]
    assert list(hit) == [
        "id",
        "rank",
        "score",
        "title",
        "path",
        "url",
        "published",
        "source",
        "source_type",
        "language",
        "actors",
        "countries",
        "snippet",
        "highlights",
        "facets",
    ]
    start, end = hit["highlights"][0]
    assert hit["snippet"][start:end] == "Macron"
    assert [f["name"] for f in data["facets"]] == [
        "actor",
        "country",
        "date",
        "source_type",
        "language",
    ]
    actor = data["facets"][0]
    assert actor["values"][0] == {
        "value": "Emmanuel Macron",
        "label": "Emmanuel Macron",
        "count": 4,
        "selected": False,
    }


def test_search_jsonl_and_csv(indexed):
    code, out, _ = run(indexed, "search", "NATO", "--jsonl", "--limit", "3")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 3
    assert [json.loads(line)["rank"] for line in lines] == [1, 2, 3]
    code, out, _ = run(indexed, "search", "NATO", "--csv", "--limit", "2")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == [
        "rank",
        "id",
        "score",
        "title",
        "published",
        "source",
        "source_type",
        "language",
        "countries",
        "actors",
        "path",
        "url",
        "snippet",
    ]
    assert len(rows) == 3


def test_multi_select_counts_ignore_the_facets_own_filter(indexed):
    _, out, _ = run(indexed, "search", "*", "--country", "DE", "--json", "--facet", "country")
    data = json.loads(out)
    values = {v["value"]: (v["count"], v["selected"]) for v in data["facets"][0]["values"]}
    assert data["total"] == 2
    assert values["DE"] == (2, True)
    assert values["UA"] == (5, False)  # what widening the selection would bring


def test_no_hits_exit_code_and_suggestion(indexed):
    code, out, _ = run(indexed, "search", "Macrom")
    assert (code, out) == (ExitCode.NO_HITS, "0 results (N ms)\n\nDid you mean: Macron\n")


def test_missing_index(tmp_path):
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "none"), "search", "x"])
    assert result.exit_code == ExitCode.INDEX_MISSING
    assert result.stderr == (
        f"Error: no searchkit index at {tmp_path / 'none'}: run `searchkit index PATH` "
        "to build one\n"
    )


def test_locked_index_names_the_holder(indexed):
    store = Store.open(indexed / "index")
    with store.exclusive(0):
        code, _, err = run(indexed, "index", "--lock-timeout", "0.2", str(indexed / "seeds"))
    assert code == ExitCode.INDEX_LOCKED
    assert re.fullmatch(
        r"Error: the index at <tmp>/index is locked by process \d+ \(writing since "
        r"[\d-]+ [\d:]+\); waited 0.2s\. Wait for it to finish, or raise --lock-timeout\n",
        err,
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["search", "--raw", '"French'],
            ExitCode.USAGE,
            'Error: unbalanced quote at column 1: close the phrase with another "\n',
        ),
        (
            ["search", "x", "--since", "2024-13"],
            ExitCode.USAGE,
            "Error: bad date '2024-13': no such month\n",
        ),
        (
            ["search", "x", "--country", "Atlantis"],
            ExitCode.USAGE,
            "Error: unknown country 'Atlantis': use a name or an ISO code\n",
        ),
        (
            ["search", "x", "--source-type", "podcast"],
            ExitCode.USAGE,
            "Error: unknown source type 'podcast': use one of news, wire, tv, radio, magazine, "
            "blog, social, official, unknown\n",
        ),
        (
            ["show", "nope"],
            ExitCode.NOT_FOUND,
            "Error: no document with id 'nope': ids are shown by `searchkit search`\n",
        ),
        (
            ["similar", "nope"],
            ExitCode.NOT_FOUND,
            "Error: no document with id 'nope': ids are shown by `searchkit search`\n",
        ),
        (
            ["index", "/no/such/dir"],
            ExitCode.USAGE,
            "Error: no such file or directory: /no/such/dir\n",
        ),
    ],
)
def test_errors_are_one_line_with_documented_codes(indexed, args, code, message):
    got_code, _, err = run(indexed, *args)
    assert (got_code, err) == (code, message)


def test_unknown_facet_is_a_usage_error(indexed):
    code, _, err = run(indexed, "search", "x", "--facet", "colour")
    assert code == ExitCode.USAGE
    assert err == (
        "Error: unknown facet 'colour': use one of actor, country, date, source_type, source, "
        "language\n"
    )


def test_debug_shows_the_traceback(indexed):
    result = CliRunner().invoke(cli, ["--debug", "--index", str(indexed / "index"), "show", "x"])
    assert result.exit_code == 1 and result.exception is not None
    assert type(result.exception).__name__ == "DocumentNotFoundError"


def test_show_stats_facets_similar_extract(indexed):
    code, out, _ = run(indexed, "search", "Medvedev", "--json")
    doc_id = json.loads(out)["hits"][0]["id"]
    code, out, _ = run(indexed, "show", doc_id)
    assert code == 0 and out.startswith(f"id         {doc_id}\n")
    assert "actors     NATO; Dmitry Medvedev; Keir Starmer; Emmanuel Macron" in out
    code, out, _ = run(indexed, "stats")
    assert code == 0 and "documents    5\n" in out
    code, out, _ = run(indexed, "facets", "--facet", "language")
    assert (code, out) == (0, "language (1 value)\n        5  en English\n")
    code, out, _ = run(indexed, "similar", doc_id, "--limit", "2")
    assert code == 0 and out.count(" · id ") == 2
    code, out, _ = run(
        indexed, "extract", str(indexed / "seeds" / "003_458130abee585993.txt"), "--json"
    )
    doc = json.loads(out)
    assert doc["countries"] == ["UA", "FR", "RU", "US"] and "evidence" not in doc


def test_colour_only_on_a_terminal(indexed):
    _, out, _ = run(indexed, "search", "NATO")
    assert "\x1b[" not in out


def test_facets_of_a_query_and_a_search_without_hits_shown(indexed):
    code, out, _ = run(indexed, "search", "Macron", "-n", "0", "--facet", "language")
    assert (code, out) == (
        0,
        "4 results (N ms)\n\nFacets\nlanguage (1 value)\n        4  en English\n",
    )
    code, out, _ = run(indexed, "facets", "Medvedev", "--facet", "source_type")
    assert (code, out) == (0, "source_type (1 value)\n        2  unknown\n")


def test_export_writes_an_opensearch_mapping_and_bulk_bodies(indexed, tmp_path):
    out = tmp_path / "export"
    code, stdout, err = run(
        indexed, "export", "--format", "opensearch", "--out", str(out), "--name", "nato"
    )
    assert (code, stdout, err) == (
        0,
        f"wrote {out / 'mapping.json'} and 1 bulk file to {out}\n",
        "",
    )
    mapping = json.loads((out / "mapping.json").read_text(encoding="utf-8"))
    assert mapping["mappings"]["properties"]["actor"]["type"] == "keyword"
    lines = (out / "bulk-0001.ndjson").read_text(encoding="utf-8").splitlines()
    actions = [json.loads(line) for line in lines[::2]]
    sources = [json.loads(line) for line in lines[1::2]]
    assert len(actions) == len(sources) == 5
    assert {a["index"]["_index"] for a in actions} == {"nato"}
    english = [s for s in sources if s["language"] == "en"]
    assert english and all(s["body_en"] == s["body"] for s in english)


def test_export_to_an_unwritable_folder_is_an_io_error(indexed, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, _, err = run(indexed, "export", "--out", str(blocker / "sub"))
    assert code == ExitCode.IO
    assert err.startswith(f"Error: cannot write the export to {blocker / 'sub'}")


def test_the_cli_batch_size_default_is_the_library_default():
    from searchkit.engine.updater import BATCH_DOCUMENTS

    option = next(p for p in cli.commands["index"].params if p.name == "batch_size")
    assert option.default == BATCH_DOCUMENTS
