"""The user's corrections to extraction: ``searchkit.toml`` beside the index, or ``--config``.

Example::

    [actors]
    aliases = { "Zelenskyy" = "Volodymyr Zelensky", "Macron" = "Emmanuel Macron" }
    ignore = ["Photo", "Read"]

    [countries]
    aliases = { "Ukraina" = "UA" }

    [sources]
    domains = { "eadaily.com" = "news", "myblog.example" = "blog" }
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError
from .model import SOURCE_TYPES

CONFIG_FILE = "searchkit.toml"


@dataclass(frozen=True)
class ExtractConfig:
    """Actor aliases and ignores, extra country aliases, and source-type domain rules.

    Plain dicts, not proxies, so the config pickles into extraction worker processes.
    """

    actor_aliases: Mapping[str, str] = field(default_factory=dict)
    ignore_actors: frozenset[str] = frozenset()
    country_aliases: Mapping[str, str] = field(default_factory=dict)
    source_domains: Mapping[str, str] = field(default_factory=dict)

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


def load_config(path: Path | None) -> ExtractConfig:
    """Read a config file; a missing file is an empty config, a broken one a ConfigError."""
    if path is None or not path.exists():
        return ExtractConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config {path}: {exc}") from None
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
    )
