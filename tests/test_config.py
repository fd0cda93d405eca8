"""The user's config: actor aliases and ignores, country aliases, source-domain rules; a
changed config re-derives facets from the index without re-reading unchanged files."""

from __future__ import annotations

import pytest

from searchkit import Index
from searchkit.config import load_config
from searchkit.engine import segments
from searchkit.errors import ConfigError
from support import write_records

CONFIG = """
[actors]
aliases = { "Macron" = "Emmanuel Macron", "Alliance" = "NATO" }
ignore = ["Photo"]

[countries]
aliases = { "Hexagon" = "FR" }

[sources]
domains = { "example.org" = "blog" }
"""


def test_load_config(tmp_path):
    path = tmp_path / "searchkit.toml"
    path.write_text(CONFIG, encoding="utf-8")
    config = load_config(path)
    assert config.actor_aliases == {"Macron": "Emmanuel Macron", "Alliance": "NATO"}
    assert config.ignore_actors == frozenset({"Photo"})
    assert config.country_aliases == {"Hexagon": "FR"}
    assert config.source_domains == {"example.org": "blog"}
    assert load_config(tmp_path / "missing.toml").fingerprint() != config.fingerprint()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[actors\n", "cannot read config"),
        ('[sources]\ndomains = { "x.org" = "podcast" }', "source type 'podcast' for x.org"),
        ("[actors]\nignore = 3", "ignore must be a list"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "searchkit.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_changed_config_rederives_facets_without_reading_files(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    write_records(
        src / "a.jsonl",
        [
            {
                "title": "Talks",
                "text": "The Hexagon and Kyiv agreed.",
                "language": "en",
                "actors": ["Macron", "Photo", "Olaf Scholz"],
                "url": "https://example.org/x",
            },
            {
                "title": "Other",
                "text": "Nothing to change here in Berlin.",
                "language": "en",
                "actors": ["Olaf Scholz"],
            },
        ],
    )
    with Index.create(tmp_path / "ix") as index:
        index.update([src], jobs=1)
        before = index.search("Talks").hits[0]
        assert before.actors == ("Macron", "Photo", "Olaf Scholz")
        assert (before.countries, before.source_type) == (("UA",), "unknown")

        (tmp_path / "searchkit.toml").write_text(CONFIG, encoding="utf-8")

        def no_reading(*args, **kwargs):
            raise AssertionError("an unchanged file was read again")

        monkeypatch.setattr(segments, "extract_file", no_reading)
        report = index.update([src], jobs=1)
        assert (report.rederived, report.unchanged, report.added) == (1, 1, 0)
        after = index.search("Talks").hits[0]
        assert after.actors == ("Emmanuel Macron", "Olaf Scholz")
        assert set(after.countries) == {"FR", "UA"}
        assert after.source_type == "blog"
        assert index.search("*", filters={"actor": ["Emmanuel Macron"]}).total == 1
        again = index.update([src], jobs=1)
        assert (again.rederived, again.unchanged) == (0, 2)
