"""The Whoosh schema, the index settings file beside it, and the schema version check."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from whoosh import fields

from ..errors import IndexDamagedError, IndexIOError, IndexMissingError, SchemaVersionError
from ..registry import BUILT_IN, DATE, EXACT, MULTI, NAMES, FacetSpec
from .analysis import FALLBACK, FIELD_LANGUAGES, TextField, name_analyzer

#: Bump when the schema or the meaning of a stored value changes; older indexes are refused.
SCHEMA_VERSION = 3
SETTINGS_FILE = "searchkit.json"
#: The built-in facets of indexes written before the settings recorded them.
FIRST_FACETS = ("actor", "country", "date", "source_type", "source", "language")


@dataclass(frozen=True)
class IndexSettings:
    """What an index was built with. Written once, when the index is created."""

    schema_version: int = SCHEMA_VERSION
    stemming: bool = True
    created: str = ""
    #: The built-in facets the index has fields for; an index made before one was added
    #: to the registry must be rebuilt to hold it.
    facets: tuple[str, ...] = tuple(spec.name for spec in BUILT_IN)

    @property
    def languages(self) -> tuple[str, ...]:
        return FIELD_LANGUAGES if self.stemming else (FALLBACK,)


def text_fields(settings: IndexSettings, kind: str) -> list[str]:
    """Names of the per-language title or body fields ("title_en", ...)."""
    return [f"{kind}_{lang}" for lang in settings.languages]


def facet_fields(spec: FacetSpec) -> dict[str, fields.FieldType]:
    """The index fields of one built-in facet, from its registry declaration: a column for
    counting, terms for ``field:value``, and for names a phrase field of their words."""
    if spec.kind == DATE:
        return {
            spec.field: fields.DATETIME(stored=True, sortable=True),
            "year": fields.ID(),
            spec.column: fields.ID(sortable=True),  # "YYYY-MM", the histogram's buckets
            "day": fields.ID(),
        }
    if spec.kind == MULTI or spec.matched_as != EXACT:
        out = {
            spec.field: fields.KEYWORD(commas=True, lowercase=True, sortable=True, scorable=False)
        }
    else:
        out = {spec.field: fields.ID(sortable=True)}
    if spec.matched_as == NAMES:
        out[f"{spec.field}_words"] = fields.TEXT(analyzer=name_analyzer(), phrase=True)
    return out


def build_schema(settings: IndexSettings) -> fields.Schema:
    schema = fields.Schema(
        id=fields.ID(unique=True, stored=True),
        path=fields.ID(stored=True),
        url=fields.STORED(),
        title=fields.STORED(),
        body=fields.STORED(),
        extra=fields.STORED(),  # JSON: authors, category, cited sources, evidence, metadata
        content_hash=fields.STORED(),
        mtime=fields.STORED(),
    )
    for spec in BUILT_IN:
        for name, field_type in facet_fields(spec).items():
            schema.add(name, field_type)
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
    built_with = tuple(data.get("facets") or FIRST_FACETS)
    if built_with != IndexSettings.facets:
        raise SchemaVersionError(
            f"the index at {index_dir} was built with the facets {', '.join(built_with)}; this "
            f"searchkit has {', '.join(IndexSettings.facets)}: rebuild it with `searchkit index "
            "--rebuild PATH`"
        )
    known = {k: v for k, v in data.items() if k in IndexSettings.__dataclass_fields__}
    known["facets"] = built_with
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
