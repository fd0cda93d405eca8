"""Where an index is: a folder (the embedded engine) or an OpenSearch location, from the
argument, ``$SEARCHKIT_INDEX`` or the ``[engine]`` table of searchkit.toml; and the files
of an index folder, which ``Index.create`` may replace and nothing else."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .config import default_config_path, load_config
from .errors import UsageError

DEFAULT_INDEX = "index"
INDEX_ENV = "SEARCHKIT_INDEX"


def _index_dir(path: str | os.PathLike | None) -> Path:
    return Path(path) if path is not None else default_index_path()


def _index_folder(path: str | os.PathLike | None) -> Path:
    """The index directory, refusing a file where the folder (or one above it) should be."""
    index_dir = _index_dir(path)
    for place in (index_dir, *index_dir.parents):
        if place.exists():
            if not place.is_dir():
                raise UsageError(
                    f"{place} is a file, not a folder: an index is a folder; choose another "
                    "location for it"
                )
            break
    return index_dir


def default_index_path() -> Path:
    """``$SEARCHKIT_INDEX`` if set, else ``./index``."""
    return Path(os.environ.get(INDEX_ENV) or DEFAULT_INDEX)


def index_location(path: str | os.PathLike | None, config: str | os.PathLike | None = None) -> str:
    """Where the index is, as given: ``path``, else ``$SEARCHKIT_INDEX``, else the
    ``location`` of searchkit.toml's ``[engine]`` table, else ``./index``. Never through
    ``Path``, which would fold the ``//`` of an ``opensearch+http://`` location."""
    if path is not None:
        return os.fspath(path)
    if os.environ.get(INDEX_ENV):
        return os.environ[INDEX_ENV]
    config_path = Path(config) if config else default_config_path(Path(DEFAULT_INDEX))
    engine = load_config(config_path, required=config is not None).engine
    return str(engine.get("location") or DEFAULT_INDEX)


def _open_engine(path, config, *, create: bool, stemming: bool = True):
    """The OpenSearch engine when the location names one, else None (a folder: Whoosh)."""
    from .opensearch.location import is_opensearch_location

    location = index_location(path, config)
    if not is_opensearch_location(location):
        return None
    from .opensearch import engine_table, open_engine

    table = engine_table(config or default_config_path(Path(DEFAULT_INDEX)))
    return open_engine(location, config=config, engine_config=table, create=create,
                       stemming=stemming)  # fmt: skip


_OUR_FILES = frozenset(
    {
        "searchkit.json",
        "manifest.json",
        "manifest.json.tmp",
        "manifest.sqlite",
        "manifest.sqlite-journal",
        "searchkit.json.tmp",
        "searchkit.lock",
    }
)


def _is_index_file(name: str) -> bool:
    return (
        name in _OUR_FILES
        or name.startswith(("_MAIN_", "MAIN_", "terms.memo"))
        or name.endswith((".toc", ".seg"))
    )


def _clear_index_files(path: Path) -> None:
    """Remove an old index's files, refusing to touch a folder that holds anything else."""
    if not path.exists():
        return
    if not path.is_dir():
        raise UsageError(f"{path} is a file, not an index directory")
    foreign = [
        e.name
        for e in path.iterdir()
        if not _is_index_file(e.name) and e.name not in (".gitkeep", "searchkit.toml", ".rebuild")
    ]
    if foreign:
        raise UsageError(
            f"{path} holds other files ({', '.join(sorted(foreign)[:3])}...): choose an empty "
            "folder or an existing index for --index"
        )
    for entry in path.iterdir():
        if _is_index_file(entry.name):
            entry.unlink()
        elif entry.name == ".rebuild":
            shutil.rmtree(entry)
