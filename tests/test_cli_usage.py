"""How the CLI and the API treat a user's slips: a mistyped path leaves no index behind,
an existing index is not replaced by accident, global options go anywhere, conflicting
output flags are refused, and a page past the end says how many pages there are."""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner

from searchkit import Index
from searchkit.cli import cli
from searchkit.errors import ConfigError, UsageError
from support import SEEDS


def timeless(text: str) -> str:
    return re.sub(r"\(\d+ ms\)", "(N ms)", text)


def test_index_of_a_missing_path_creates_nothing(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["--index", str(tmp_path / "idx"), "index", "/nonexistent"])
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: no such file or directory: /nonexistent\n",
    )
    assert not (tmp_path / "idx").exists()
    result = runner.invoke(cli, ["--index", str(tmp_path / "idx"), "search", "troops"])
    assert (result.exit_code, result.stderr.replace(str(tmp_path), "<tmp>")) == (
        3,
        "Error: no searchkit index at <tmp>/idx: run `searchkit index PATH` to build one\n",
    )


def test_a_missing_path_among_good_ones_creates_nothing(tmp_path):
    args = ["--index", str(tmp_path / "idx"), "index", str(SEEDS), str(tmp_path / "typo")]
    result = CliRunner().invoke(cli, args)
    assert (result.exit_code, result.stderr.replace(str(tmp_path), "<tmp>")) == (
        2,
        "Error: no such file or directory: <tmp>/typo\n",
    )
    assert not (tmp_path / "idx").exists()


def test_create_refuses_an_existing_index_unless_asked_to_overwrite(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    with Index.create(tmp_path / "index") as index:
        index.update([tmp_path / "seeds"], jobs=1)
    with pytest.raises(UsageError) as refused:
        Index.create(tmp_path / "index")
    assert str(refused.value) == (
        f"there is already an index at {tmp_path / 'index'}: open it with Index.open, or pass "
        "overwrite=True to replace it"
    )
    with Index.open(tmp_path / "index") as index:
        assert index.stats().documents == 5  # untouched
    with Index.create(tmp_path / "index", overwrite=True) as index:
        assert index.stats().documents == 0


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    root = tmp_path_factory.mktemp("usage")
    shutil.copytree(SEEDS, root / "seeds")
    result = CliRunner().invoke(cli, ["--index", str(root / "index"), "index", str(root / "seeds")])
    assert result.exit_code == 0
    return root


@pytest.mark.parametrize("before", [True, False])
def test_global_options_before_or_after_the_command_name(indexed, before):
    index = ["--index", str(indexed / "index")]
    command = ["search", "Medvedev", "-n", "0", "--facet", "language"]
    result = CliRunner().invoke(cli, [*index, *command] if before else [*command, *index])
    assert (result.exit_code, timeless(result.stdout)) == (
        0,
        "2 results (N ms)\n\nFacets\nlanguage (1 value)\n        2  en English\n",
    )


def test_config_and_debug_after_the_command_name(indexed):
    missing = str(indexed / "missing.toml")
    args = ["search", "troops", "--index", str(indexed / "index"), "--config", missing]
    result = CliRunner().invoke(cli, args)
    assert (result.exit_code, result.stderr) == (
        8,
        f"Error: config file {missing} does not exist: check the --config path\n",
    )
    result = CliRunner().invoke(cli, [*args, "--debug"])
    assert isinstance(result.exception, ConfigError)  # --debug: the traceback, not a line


def test_two_output_formats_are_refused(indexed):
    args = ["--index", str(indexed / "index"), "search", "troops", "--json", "--csv"]
    result = CliRunner().invoke(cli, args)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "Error: choose one output format, not --json and --csv\n",
    )


def test_one_value_is_singular_and_several_plural(indexed):
    args = ["--index", str(indexed / "index"), "facets", "--facet", "language", "--facet"]
    result = CliRunner().invoke(cli, [*args, "source_type"])
    assert result.stdout == (
        "language (1 value)\n        5  en English\nsource_type (1 value)\n        5  unknown\n"
    )
    result = CliRunner().invoke(cli, [*args, "country", "--limit", "1"])
    assert result.stdout.endswith("country (13 values, 12 more)\n        5  FR France\n")


def test_a_page_past_the_end_says_how_many_pages_there_are(indexed):
    index = ["--index", str(indexed / "index")]
    search = [*index, "search", "troops", "--facet", "language"]
    result = CliRunner().invoke(cli, [*search, "--page", "999"])
    assert (result.exit_code, timeless(result.stdout)) == (
        0,
        "5 results (N ms)\n\nPage 999 is past the end: there is 1 page of 10.\n\n"
        "Facets\nlanguage (1 value)\n        5  en English\n",
    )
    result = CliRunner().invoke(cli, [*index, "search", "troops", "-n", "2", "--page", "4"])
    assert "Page 4 is past the end: there are 3 pages of 2.\n" in result.stdout
