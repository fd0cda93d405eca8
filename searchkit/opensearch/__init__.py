"""OpenSearch as a second engine behind searchkit's ``Index`` API.

``open_engine("opensearch+http://127.0.0.1:9200/news")`` returns an ``OpenSearchIndex``
with the methods and return types of ``searchkit.Index``. The client, ``opensearch-py``,
is the optional extra ``searchkit[opensearch]`` and is imported only when an engine opens.
"""

from __future__ import annotations

from .location import engine_table, is_opensearch_location, parse_location

__all__ = [
    "OpenSearchIndex",
    "engine_table",
    "is_opensearch_location",
    "open_engine",
    "parse_location",
]


def __getattr__(name: str):
    if name in ("OpenSearchIndex", "open_engine", "ForeignIndexError"):
        from . import index

        return getattr(index, name)
    raise AttributeError(name)
