"""searchkit: full-text search with facets for collections of news articles.

The public names are imported lazily, so ``searchkit --help`` never pays for Whoosh.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = [
    "Document",
    "Facet",
    "FacetValue",
    "Hit",
    "Index",
    "IndexStats",
    "SearchResults",
    "SearchkitError",
    "SkippedFile",
    "UpdateReport",
]


def __getattr__(name: str):
    if name == "Index":
        from .api import Index

        return Index
    if name == "SearchkitError":
        from .errors import SearchkitError

        return SearchkitError
    if name in __all__:
        from . import model

        return getattr(model, name)
    raise AttributeError(f"module 'searchkit' has no attribute {name!r}")
