"""What the endpoints ask of the index, on a bounded pool of searcher threads.

Each of the ``threads`` worker threads holds its own searcher (``Index`` keeps one per
thread and reopens it when a newer commit exists), so the number of open searchers never
exceeds the number of threads. A request waits in the pool's queue for a free thread
instead of opening another searcher. Every result is copied into plain dicts here, so no
index object outlives the call.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from .params import MAX_LIMIT, SearchParams, WebError, facet_catalogue

T = TypeVar("T")

#: Document ids are 12 hex digits (a hash prefix); anything else is not a document.
DOC_ID = re.compile(r"[0-9a-f]{6,40}")
FACET_SEARCH_LIMIT = 10


def not_found(doc_id: str) -> WebError:
    return WebError(
        404, "not_found", f"no document with id {doc_id!r}: ids are shown by `searchkit search`"
    )


def bucket_range(value: str) -> tuple[str, str]:
    """A date histogram bucket ("2024" or "2024-03") as the since/until that select it."""
    return value, value


class SearchService:
    """One open index, searched from a fixed number of threads."""

    def __init__(self, index_path: str | Path | None, threads: int = 4):
        from ..api import Index

        self.threads = threads
        self.index = Index.open(index_path)
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="searcher")

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn`` on a searcher thread; waits for one when all are busy."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self.index.close()

    # -- searching --------------------------------------------------------------------------

    def search(self, params: SearchParams, facet_limit: int | None = None):
        """SearchResults for ``params``; a page past the end of the hits is an error."""
        catalogue = facet_catalogue(self.index)
        results = self.index.search(
            params.q,
            filters=params.filter_dict(),
            facets=params.facets or catalogue.defaults,
            sort=params.sort,
            limit=params.limit,
            page=params.page,
            since=params.since or None,
            until=params.until or None,
            facet_limit=params.facet_limit if facet_limit is None else facet_limit,
            date_interval=params.date_interval or "month",
        )
        offset = (params.page - 1) * params.limit
        if params.page > 1 and offset >= results.total:
            pages = max(1, -(-results.total // params.limit)) if params.limit else 1
            raise WebError(
                400,
                "page_out_of_range",
                f"page {params.page} is past the end: {results.total} results make "
                f"{pages} page{'s' if pages != 1 else ''} of {params.limit}",
            )
        return results

    def facet(self, name: str, params: SearchParams, date_interval: str = "month"):
        """Every value of one facet with its count under ``params`` (the facet's own filter
        ignored, as in a search)."""
        catalogue = facet_catalogue(self.index)
        if name not in catalogue.names:
            names = ", ".join(catalogue.names)
            raise WebError(400, "unknown_facet", f"unknown facet {name!r}: use one of {names}")
        (facet,) = self.index.facets(
            params.q,
            filters=params.filter_dict(),
            facets=(name,),
            facet_limit=0,
            date_interval=date_interval,
            since=params.since or None,
            until=params.until or None,
        )
        return facet

    def facet_search(self, name: str, params: SearchParams, prefix: str, limit: int):
        """Values of ``name`` with a word starting with ``prefix``, the most frequent first,
        and how many matched in all."""
        facet = self.facet(name, params, params.date_interval or "month")
        wanted = prefix.strip().casefold()
        matched = [v for v in facet.values if starts_a_word(v, wanted)]
        return facet, matched[:limit], len(matched)

    def document(self, doc_id: str):
        if not DOC_ID.fullmatch(doc_id):
            raise not_found(doc_id)
        return self.index.get(doc_id)

    def similar(self, doc_id: str, limit: int):
        if not DOC_ID.fullmatch(doc_id):
            raise not_found(doc_id)
        return self.index.similar(doc_id, min(limit, MAX_LIMIT))

    def stats(self):
        return self.index.stats()

    def healthy(self) -> dict[str, Any]:
        # A match-all search with no facets: cheap enough for a health check every second.
        everything = self.index.search("", facets=(), limit=0, snippets=False)
        return {"status": "ok", "documents": everything.total}


def starts_a_word(value, prefix: str) -> bool:
    if not prefix:
        return True
    for text in {value.value.casefold(), value.label.casefold()}:
        if text.startswith(prefix) or any(w.startswith(prefix) for w in text.split()):
            return True
    return False


# ---- JSON shapes ----------------------------------------------------------------------------


def toggle_params(params: SearchParams, facet: str, value: str) -> SearchParams:
    """The search with one facet value switched; for the date histogram, a bucket's range."""
    if facet == "date":
        since, until = bucket_range(value)
        if params.since == since and params.until == until:
            return params.with_dates("", "")
        return params.with_dates(since, until)
    return params.toggled(facet, value)


def facet_json(facet, params: SearchParams, path: str) -> dict[str, Any]:
    data = facet.to_dict()
    for value, item in zip(facet.values, data["values"], strict=True):
        item["toggle_url"] = toggle_params(params, facet.name, value.value).url(path)
    return data


def results_json(results, params: SearchParams, path: str = "/api/search") -> dict[str, Any]:
    """``searchkit search --json``'s object, plus a toggle_url per facet value and
    next_url/prev_url."""
    data = results.to_dict()
    data["facets"] = [facet_json(f, params, path) for f in results.facets]
    shown_to = (params.page - 1) * params.limit + len(results.hits)
    has_next = params.limit and shown_to < results.total
    data["next_url"] = params.with_page(params.page + 1).url(path) if has_next else None
    data["prev_url"] = params.with_page(params.page - 1).url(path) if params.page > 1 else None
    return data


def document_json(doc, explain: bool) -> dict[str, Any]:
    data = doc.to_dict()
    if not explain:
        data.pop("evidence")
    return data
