"""``searchkit serve``: serve one index over HTTP (the JSON API and the search page).

Parses options, opens the index through ``searchkit.web``, runs uvicorn, and maps errors
to the documented exit codes as the other commands do. Starlette and uvicorn are imported
only when the command runs, so ``searchkit --help`` stays fast.
"""

from __future__ import annotations

import ipaddress
import socket
import threading

import click

from ..errors import ExitCode, SearchkitError
from .options import global_options


def _fail(ctx: click.Context, message: str, code: ExitCode) -> None:
    click.echo(f"Error: {message}", err=True)
    ctx.exit(int(code))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound here so a taken port is a one-line error, not a log."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _start_watch(index_path, paths, stop: threading.Event) -> threading.Thread:
    from ..watch import watch_paths

    thread = threading.Thread(
        target=watch_paths,
        args=(index_path, list(paths), stop),
        kwargs={"on_commit": None},
        name="watch",
        daemon=True,
    )
    thread.start()
    return thread


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option(
    "--cors",
    "cors_origin",
    metavar="ORIGIN",
    help="Let pages from this origin (https://example.org) read the JSON API.",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Searcher threads; each holds one searcher, requests queue for a free one.",
)
@click.option(
    "--watch",
    "watch",
    multiple=True,
    type=click.Path(exists=True),
    metavar="PATH",
    help="Also index new and changed files under PATH while serving.",
)
@global_options
@click.pass_context
def serve(ctx: click.Context, host, port, cors_origin, threads, watch) -> None:
    """Serve the index read-only: a JSON API under /api and a search page at /.

    New commits (from `searchkit index` in another process) are visible without a
    restart. Binding to an address other than loopback lets anyone on the network read
    the index.

    \b
    Example:
        searchkit serve --port 8080
        curl 'http://127.0.0.1:8080/api/search?q=NATO&country=FR&facet=actor'
    """
    obj = ctx.obj
    debug = bool(getattr(obj, "debug", False))
    index_dir = getattr(obj, "index", None)
    try:
        import uvicorn

        from ..web.app import create_app
    except ImportError as exc:
        _fail(
            ctx,
            f"searchkit serve needs the web extra ({exc.name} is missing): "
            "pip install 'searchkit[web]'",
            ExitCode.USAGE,
        )
    if cors_origin and not cors_origin.startswith(("http://", "https://")):
        _fail(
            ctx,
            f"--cors takes an origin such as https://example.org, not {cors_origin!r}",
            ExitCode.USAGE,
        )
    try:
        app = create_app(index_dir, threads=threads, cors_origin=cors_origin)
        service = app.state.service
        documents = service.index.stats(facet_limit=1).documents
        sock = _listen(host, port)
    except SearchkitError as exc:
        if debug:
            raise
        _fail(ctx, str(exc), exc.exit_code)
    except OSError as exc:
        if debug:
            raise
        _fail(
            ctx,
            f"cannot listen on {host}:{port} ({exc.strerror or exc}): choose another "
            "--port or --host",
            ExitCode.USAGE,
        )
    if not _is_loopback(host):
        click.echo(
            f"Warning: listening on {host}: anyone who can reach this address can read the index.",
            err=True,
        )
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    click.echo(
        f"Serving {service.index.path} ({documents:,} documents) at http://{shown}:{bound}/ "
        f"with {threads} searcher thread{'s' if threads != 1 else ''}; Ctrl-C stops.",
        err=True,
    )
    stop = threading.Event()
    watcher = _start_watch(service.index.path, watch, stop) if watch else None
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="on", server_header=False
    )
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        stop.set()
        if watcher is not None:
            watcher.join(timeout=10)
        sock.close()
