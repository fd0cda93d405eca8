"""The Whoosh schema, the index settings file beside it, and the schema version check."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from whoosh import fields

from ..errors import IndexDamagedError, IndexIOError, IndexMissingError, SchemaVersionError
from .analysis import FALLBACK, FIELD_LANGUAGES, TextField, name_analyzer

#: Bump when the schema or the meaning of a stored value changes; older indexes are refused.
SCHEMA_VERSION = 3
SETTINGS_FILE = "searchkit.json"

#: Facet fields that hold several values, joined with commas in the index and its columns.
MULTI_VALUED = ("actor", "country")
#: Single-valued facet fields stored as columns.
SINGLE_VALUED = ("source_type", "source", "language", "month")


@dataclass(frozen=True)
class IndexSettings:
    """What an index was built with. Written once, when the index is created."""

    schema_version: int = SCHEMA_VERSION
    stemming: bool = True
    created: str = ""

    @property
    def languages(self) -> tuple[str, ...]:
        return FIELD_LANGUAGES if self.stemming else (FALLBACK,)


def text_fields(settings: IndexSettings, kind: str) -> list[str]:
    """Names of the per-language title or body fields ("title_en", ...)."""
    return [f"{kind}_{lang}" for lang in settings.languages]


def build_schema(settings: IndexSettings) -> fields.Schema:
    schema = fields.Schema(
        id=fields.ID(unique=True, stored=True),
        path=fields.ID(stored=True),
        url=fields.STORED(),
        title=fields.STORED(),
        body=fields.STORED(),
        extra=fields.STORED(),  # JSON: authors, category, cited sources, evidence
        content_hash=fields.STORED(),
        mtime=fields.STORED(),
        actor=fields.KEYWORD(commas=True, lowercase=True, sortable=True, scorable=False),
        actor_words=fields.TEXT(analyzer=name_analyzer(), phrase=True),
        country=fields.KEYWORD(commas=True, lowercase=True, sortable=True, scorable=False),
        source_type=fields.ID(sortable=True),
        source=fields.KEYWORD(commas=True, lowercase=True, sortable=True, scorable=False),
        language=fields.ID(sortable=True),
        published=fields.DATETIME(stored=True, sortable=True),
        year=fields.ID(),
        month=fields.ID(sortable=True),
        day=fields.ID(),
    )
    for lang in settings.languages:
        schema.add(f"title_{lang}", TextField(lang, settings.stemming))
        schema.add(f"body_{lang}", TextField(lang, settings.stemming))
    return schema


def read_settings(index_dir: Path) -> IndexSettings:
    """Load the settings file, refusing an index built by an incompatible version."""
    path = index_dir / SETTINGS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexMissingError(
            f"no searchkit index at {index_dir}: run `searchkit index PATH` to build one"
        ) from None
    except ValueError as exc:
        raise _damaged_settings(path, f"not JSON: {exc}") from None
    except OSError as exc:
        raise IndexIOError(f"cannot read {path} ({exc.strerror or exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("schema_version"), int):
        raise _damaged_settings(path, "no schema version in it")
    version = data["schema_version"]
    if version != SCHEMA_VERSION:
        raise SchemaVersionError(
            f"the index at {index_dir} was built with schema version {version}, this searchkit "
            f"uses {SCHEMA_VERSION}: rebuild it with `searchkit index --rebuild PATH`"
        )
    known = {k: v for k, v in data.items() if k in IndexSettings.__dataclass_fields__}
    return IndexSettings(**known)


def _damaged_settings(path: Path, why: str) -> IndexDamagedError:
    return IndexDamagedError(
        f"the index at {path.parent} is damaged: its settings file {path.name} cannot be read "
        f"({why}); run `searchkit check --repair`"
    )


def settings_from_schema(schema: fields.Schema) -> IndexSettings:
    """The settings an index was built with, read back from its schema (``check --repair``
    rewrites a damaged settings file with them): stemming is on when per-language fields
    exist."""
    return IndexSettings(
        stemming=any(
            name != f"body_{FALLBACK}" for name in schema.names() if name.startswith("body_")
        )
    )


def write_settings(index_dir: Path, settings: IndexSettings) -> IndexSettings:
    if not settings.created:
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        settings = IndexSettings(settings.schema_version, settings.stemming, now)
    tmp = index_dir / (SETTINGS_FILE + ".tmp")
    tmp.write_text(json.dumps(asdict(settings), indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, index_dir / SETTINGS_FILE)
    return settings
