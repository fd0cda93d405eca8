"""The ASGI application: routes, security headers, CORS and the mapping of errors to status.

Handlers parse the request on the event loop and do all index work on the service's
searcher threads. Every error becomes a status and a one-line message: 400 with the CLI's
wording for bad input, 404 for an unknown document or path, and 500 with an error id that
is logged, never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ..errors import DocumentNotFoundError, QuerySyntaxError, SearchkitError, UsageError
from .params import MAX_LIMIT, WebError, facet_catalogue, group, parse_search, serving
from .service import (
    FACET_SEARCH_LIMIT,
    SearchService,
    document_json,
    facet_json,
    results_json,
)

log = logging.getLogger("searchkit.web")

#: Scripts and styles only from our own /static; no inline script, no other origin.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"
STATIC_FILES = {"app.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8"}


def dump_json(data: Any) -> bytes:
    """JSON with <, > and & escaped, so no field can close a script or HTML context even if
    a client pastes it into a page."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return text.encode("utf-8")


class JSONBody(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dump_json(content)


def classify(exc: Exception) -> WebError | None:
    """The status and code for a library error; None for a bug."""
    if isinstance(exc, WebError):
        return exc
    if isinstance(exc, DocumentNotFoundError):
        return WebError(404, "not_found", str(exc))
    if isinstance(exc, QuerySyntaxError):
        return WebError(400, "bad_query", str(exc))
    if isinstance(exc, UsageError):
        return WebError(400, "bad_request", str(exc))
    if isinstance(exc, SearchkitError):
        return WebError(503, "index_unavailable", str(exc))
    return None


def internal_error(exc: Exception, request: Request) -> WebError:
    error_id = uuid.uuid4().hex[:12]
    log.error("error %s on %s", error_id, request.url.path, exc_info=exc)
    return WebError(500, "internal", f"internal error {error_id}: it is logged under that id")


Handler = Callable[[Request], Awaitable[Response]]


def api(fn: Handler) -> Handler:
    async def endpoint(request: Request) -> Response:
        try:
            return await fn(request)
        except Exception as exc:  # every failure is answered, never a traceback
            err = classify(exc) or internal_error(exc, request)
            return JSONBody({"error": err.message, "code": err.code}, status_code=err.status)

    return endpoint


def page(fn: Handler) -> Handler:
    async def endpoint(request: Request) -> Response:
        try:
            return await fn(request)
        except Exception as exc:
            err = classify(exc) or internal_error(exc, request)
            from .pages import error_page

            return HTMLResponse(error_page(err.status, err.message), status_code=err.status)

    return endpoint


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    if name not in request.query_params:
        return default
    text = request.query_params[name]
    if not text.isdigit() or not low <= int(text) <= high:
        raise WebError(400, "bad_limit", f"{name} must be between {low} and {high}, not {text!r}")
    return int(text)


def create_app(
    index_path: str | Path | None = None,
    *,
    threads: int = 4,
    cors_origin: str | None = None,
    service: SearchService | None = None,
) -> Starlette:
    """The app serving one index read-only. ``cors_origin`` allows that one origin to read
    the JSON API from a browser; by default no cross-origin reads are allowed."""
    svc = service or SearchService(index_path, threads)

    @api
    async def search_api(request: Request) -> Response:
        params = parse_search(request.query_params.multi_items())
        results = await svc.run(svc.search, params)
        return JSONBody(results_json(results, params))

    @api
    async def facet_api(request: Request) -> Response:
        name = request.path_params["name"]
        params = parse_search(request.query_params.multi_items())
        prefix = group(request.query_params.multi_items()).get("prefix", [""])[-1]
        limit = _int_param(request, "limit", FACET_SEARCH_LIMIT, 0, MAX_LIMIT)
        facet, values, matched = await svc.run(svc.facet_search, name, params, prefix, limit)
        shown = type(facet)(facet.name, tuple(values), facet.missing, facet.distinct)
        data = facet_json(shown, params.with_page(1), "/api/search")
        return JSONBody(
            {"name": name, "prefix": prefix, "matched": matched, "values": data["values"]}
        )

    @api
    async def document_api(request: Request) -> Response:
        explain = request.query_params.getlist("explain")
        if explain not in ([], ["0"], ["1"]):
            raise WebError(400, "bad_parameter", "explain takes 0 or 1, once")
        explain = explain == ["1"]
        doc = await svc.run(svc.document, request.path_params["doc_id"])
        return JSONBody(document_json(doc, explain))

    @api
    async def similar_api(request: Request) -> Response:
        limit = _int_param(request, "limit", 10, 1, MAX_LIMIT)
        hits = await svc.run(svc.similar, request.path_params["doc_id"], limit)
        return JSONBody({"id": request.path_params["doc_id"], "hits": [h.to_dict() for h in hits]})

    @api
    async def stats_api(request: Request) -> Response:
        stats = await svc.run(svc.stats)
        return JSONBody(stats.to_dict())

    @api
    async def healthz(request: Request) -> Response:
        return JSONBody(await svc.run(svc.healthy))

    @api
    async def openapi(request: Request) -> Response:
        from .openapi import openapi_document

        return JSONBody(openapi_document())

    @page
    async def search_page(request: Request) -> Response:
        from .pages import search_page_html

        return HTMLResponse(await search_page_html(svc, request.query_params.multi_items()))

    @page
    async def document_page(request: Request) -> Response:
        from .pages import document_page_html

        doc_id = request.path_params["doc_id"]
        doc = await svc.run(svc.document, doc_id)
        similar = await svc.run(svc.similar, doc_id, 5)
        return HTMLResponse(document_page_html(doc, similar))

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC_FILES:  # a fixed list: no path from the request reaches a file
            return await missing(request)
        body = resources.files(__package__).joinpath("static", name).read_bytes()
        return Response(
            body, media_type=STATIC_FILES[name], headers={"Cache-Control": "max-age=300"}
        )

    async def missing(request: Request, exc: Exception | None = None) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONBody({"error": "no such endpoint", "code": "not_found"}, status_code=404)
        from .pages import error_page

        return HTMLResponse(error_page(404, "No such page."), status_code=404)

    async def not_allowed(request: Request, exc: Exception) -> Response:
        return JSONBody(
            {"error": "the server is read-only: use GET", "code": "method_not_allowed"},
            status_code=405,
            headers={"Allow": "GET, HEAD"},
        )

    async def server_error(request: Request, exc: Exception) -> Response:
        err = internal_error(exc, request)
        return JSONBody({"error": err.message, "code": err.code}, status_code=500)

    routes = [
        Route("/", search_page),
        Route("/documents/{doc_id}", document_page),
        Route("/api/search", search_api),
        Route("/api/facets/{name}", facet_api),
        Route("/api/documents/{doc_id}", document_api),
        Route("/api/similar/{doc_id}", similar_api),
        Route("/api/stats", stats_api),
        Route("/openapi.json", openapi),
        Route("/healthz", healthz),
        Route("/static/{name}", static),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={404: missing, 405: not_allowed, 500: server_error},
        lifespan=_closing(svc) if service is None else None,
    )
    app.state.service = svc
    return SecurityHeaders(ServedFacets(app, svc), cors_origin)


class ServedFacets:
    """Makes the served index's facets (built-in and declared in searchkit.toml) the ones
    ``params.facet_catalogue()`` answers with while a request is handled."""

    def __init__(self, app, svc: SearchService):
        self.app = app
        self.svc = svc

    @property
    def state(self):
        return self.app.state

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            # A stat of the index's declarations, no parse and no searcher: done here, not on
            # a searcher thread.
            serving(facet_catalogue(self.svc.index))  # a context variable: this request only
        await self.app(scope, receive, send)


def _closing(svc: SearchService):
    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        svc.close()

    return lifespan


class SecurityHeaders:
    """Adds CSP, nosniff, Referrer-Policy and frame denial to every response, and the CORS
    header for the one allowed origin on the JSON endpoints."""

    def __init__(self, app, cors_origin: str | None):
        self.app = app
        self.cors_origin = cors_origin

    @property
    def state(self):
        return self.app.state

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        is_json = path.startswith("/api/") or path in ("/openapi.json", "/healthz")
        origin = dict(scope.get("headers") or ()).get(b"origin", b"").decode("latin-1")

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() != b"content-security-policy"
                ]
                csp = API_CSP if is_json else PAGE_CSP
                headers += [
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                if is_json and self.cors_origin:
                    headers.append((b"vary", b"Origin"))
                    if origin == self.cors_origin:
                        headers.append(
                            (b"access-control-allow-origin", self.cors_origin.encode("latin-1"))
                        )
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
