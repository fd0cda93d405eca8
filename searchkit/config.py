"""The user's corrections to extraction: ``searchkit.toml`` beside the index, or ``--config``.

Example::

    [actors]
    aliases = { "Zelenskyy" = "Volodymyr Zelensky", "Macron" = "Emmanuel Macron" }
    ignore = ["Photo", "Read"]

    [countries]
    aliases = { "Ukraina" = "UA" }

    [sources]
    domains = { "eadaily.com" = "news", "myblog.example" = "blog" }

    [facets.category]       # a facet of the documents' own "category" field
    field = "category"
    multi = true            # several values: a JSON list, or "a; b"
    label = "Category"
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError
from .model import SOURCE_TYPES
from .registry import BUILT_IN_NAMES, DeclaredFacet

CONFIG_FILE = "searchkit.toml"
SECTIONS = ("actors", "countries", "sources", "facets", "engine")
FACET_KEYS = ("field", "multi", "label")
_FACET_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


@dataclass(frozen=True)
class ExtractConfig:
    """Actor aliases and ignores, extra country aliases, and source-type domain rules.

    Plain dicts, not proxies, so the config pickles into extraction worker processes.
    """

    actor_aliases: Mapping[str, str] = field(default_factory=dict)
    ignore_actors: frozenset[str] = frozenset()
    country_aliases: Mapping[str, str] = field(default_factory=dict)
    source_domains: Mapping[str, str] = field(default_factory=dict)
    #: Facets declared with [facets.NAME]; they live in facet files, so they are not part
    #: of the fingerprint (changing them re-derives facet files, not documents).
    facets: tuple[DeclaredFacet, ...] = ()
    #: The [engine] table, for engines other than the embedded one (searchkit.opensearch).
    engine: Mapping[str, object] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """A short hash that changes whenever the config would change a derived facet."""
        payload = json.dumps(
            [
                sorted(self.actor_aliases.items()),
                sorted(self.ignore_actors),
                sorted(self.country_aliases.items()),
                sorted(self.source_domains.items()),
            ]
        )
        return hashlib.sha1(payload.encode()).hexdigest()[:12]


def default_config_path(index_dir: Path) -> Path:
    """Where the config lives when ``--config`` is not given: beside the index directory."""
    return index_dir.resolve().parent / CONFIG_FILE


def _string_map(table: object, where: str) -> dict[str, str]:
    if table is None:
        return {}
    if not isinstance(table, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in table.items()
    ):
        raise ConfigError(f'{where} must be a table of "text" = "text" entries')
    return dict(table)


def _line_of(text: str, section: str, key: str | None = None) -> int:
    """The line of ``[section]`` (or of ``key`` inside it) in the config text, for messages."""
    lines = text.splitlines()
    header = re.compile(r"\s*\[\s*" + re.escape(section).replace(r"\.", r"\s*\.\s*") + r"\s*\]")
    for number, line in enumerate(lines, start=1):
        if header.match(line):
            if key is None:
                return number
            for offset, inner in enumerate(lines[number:], start=number + 1):
                if inner.lstrip().startswith("["):
                    break
                if re.match(r"\s*" + re.escape(key) + r"\s*=", inner):
                    return offset
            return number
    return 1


def _declared_facets(table: object, path: Path, text: str) -> tuple[DeclaredFacet, ...]:
    if table is None:
        return ()
    if not isinstance(table, dict):
        raise ConfigError(
            f"{path}:{_line_of(text, 'facets')}: [facets] must hold [facets.NAME] tables"
        )
    declared = []
    for name, spec in table.items():
        where = f"{path}:{_line_of(text, f'facets.{name}')}"
        if name in BUILT_IN_NAMES or name in ("title", "body", "text", "lang", "type"):
            raise ConfigError(f"{where}: facet {name!r} is a built-in facet: choose another name")
        if not _FACET_NAME.fullmatch(name):
            raise ConfigError(
                f"{where}: facet name {name!r} must be lower-case letters, digits and _"
            )
        if not isinstance(spec, dict):
            raise ConfigError(f'{where}: [facets.{name}] must be a table with field = "..."')
        for key in spec:
            if key not in FACET_KEYS:
                line = _line_of(text, f"facets.{name}", key)
                raise ConfigError(
                    f"{path}:{line}: unknown key {key!r} in [facets.{name}]: use "
                    f"{', '.join(FACET_KEYS)}"
                )
        source = spec.get("field", name)
        multi = spec.get("multi", False)
        label = spec.get("label", "")
        if not isinstance(source, str) or not source.strip():
            raise ConfigError(f"{where}: [facets.{name}] field must be a field name in quotes")
        if not isinstance(multi, bool):
            raise ConfigError(f"{where}: [facets.{name}] multi must be true or false")
        if not isinstance(label, str):
            raise ConfigError(f"{where}: [facets.{name}] label must be text in quotes")
        declared.append(DeclaredFacet(name, source.strip(), multi, label))
    return tuple(declared)


def _engine_table(table: object, path: Path, text: str) -> dict:
    """The [engine] table as written; searchkit.opensearch.engine_table checks its keys."""
    if table is None:
        return {}
    if not isinstance(table, dict):
        line = _line_of(text, "engine")
        raise ConfigError(f'{path}:{line}: [engine] must be a table (location = "...")')
    return dict(table)


def load_config(path: Path | None, required: bool = False) -> ExtractConfig:
    """Read a config file; a missing file is an empty config (an error when ``required``,
    as for --config), a broken one a ConfigError naming the line."""
    if path is None:
        return ExtractConfig()
    if not path.exists():
        if required:
            raise ConfigError(f"config file {path} does not exist: check the --config path")
        return ExtractConfig()
    if path.is_dir():
        raise ConfigError(f"config {path} is a folder: give the searchkit.toml file")
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config {path}: {exc}") from None
    for section in data:
        if section not in SECTIONS:
            raise ConfigError(
                f"{path}:{_line_of(text, section)}: unknown section [{section}]: use "
                f"{', '.join(f'[{s}]' for s in SECTIONS)}"
            )
    actors = data.get("actors", {})
    countries = data.get("countries", {})
    sources = data.get("sources", {})
    ignore = actors.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(x, str) for x in ignore):
        raise ConfigError(f"{path}: [actors] ignore must be a list of names")
    aliases = _string_map(countries.get("aliases"), "[countries] aliases")
    country_aliases = {k: v.upper() for k, v in aliases.items()}
    domains = _string_map(sources.get("domains"), "[sources] domains")
    for domain, kind in domains.items():
        if kind not in SOURCE_TYPES:
            raise ConfigError(
                f"{path}: source type {kind!r} for {domain} is not one of {', '.join(SOURCE_TYPES)}"
            )
    return ExtractConfig(
        actor_aliases=_string_map(actors.get("aliases"), "[actors] aliases"),
        ignore_actors=frozenset(ignore),
        country_aliases=country_aliases,
        source_domains=domains,
        facets=_declared_facets(data.get("facets"), path, text),
        engine=_engine_table(data.get("engine"), path, text),
    )
