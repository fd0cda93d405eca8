"""The ``searchkit`` command: parse options, call the library, render, map errors to exit codes.

Heavy modules (Whoosh, langdetect, BeautifulSoup) are imported inside the commands, so
``searchkit --help`` and argument errors stay instant.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import sys
from pathlib import Path

import click

from .errors import ExitCode, SearchkitError

FACET_CHOICES = ("actor", "country", "date", "source_type", "source", "language")


class Context:
    def __init__(self, index: str | None, config: str | None, debug: bool):
        self.index = index
        self.config = config
        self.debug = debug

    def open(self):
        from .api import Index

        return Index.open(self.index, self.config)


def _colour() -> bool | None:
    """False when NO_COLOR is set; otherwise let click decide (colour only on a terminal)."""
    return False if os.environ.get("NO_COLOR") else None


def echo(text: str = "", err: bool = False) -> None:
    click.echo(text, err=err, color=_colour())


def handle_errors(fn):
    """Turn library errors into a one-line message and their documented exit code."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context()
        debug = ctx.find_object(Context).debug if ctx.find_object(Context) else False
        try:
            return fn(*args, **kwargs)
        except SearchkitError as exc:
            if debug:
                raise
            echo(f"Error: {exc}", err=True)
            ctx.exit(int(exc.exit_code))
        except KeyboardInterrupt:
            if debug:
                raise
            echo("Interrupted.", err=True)
            ctx.exit(int(ExitCode.INTERRUPTED))
        except OSError as exc:
            if debug:
                raise
            echo(
                f"Error: {exc.strerror or exc}{': ' + str(exc.filename) if exc.filename else ''}",
                err=True,
            )
            ctx.exit(int(ExitCode.IO))
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as exc:
            if debug:
                raise
            echo(
                f"Error: internal error ({type(exc).__name__}: {exc}); rerun with --debug "
                "and report the traceback",
                err=True,
            )
            ctx.exit(int(ExitCode.INTERNAL))

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--index",
    "index",
    envvar="SEARCHKIT_INDEX",
    metavar="DIR",
    help="Index directory (default: ./index, or $SEARCHKIT_INDEX).",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Extraction config (default: searchkit.toml beside the index).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.version_option(package_name="searchkit", message="searchkit %(version)s")
@click.pass_context
def cli(ctx: click.Context, index: str | None, config: str | None, debug: bool) -> None:
    """Full-text search with facets for collections of news articles.

    \b
    Example:
        searchkit index seeds/
        searchkit search "French instructors" --country UA
    """
    ctx.obj = Context(index, config, debug)


# ---- index ---------------------------------------------------------------------------------


@cli.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--prune", is_flag=True, help="Remove documents whose files are gone.")
@click.option("--rebuild", is_flag=True, help="Re-extract every file, as if starting empty.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(0, 64),
    default=0,
    help="Extraction worker processes (default: the CPU count).",
)
@click.option(
    "--lock-timeout",
    type=click.FloatRange(0),
    default=10.0,
    show_default=True,
    help="Seconds to wait for another writer to finish.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(1),
    default=20_000,  # engine.updater.BATCH_DOCUMENTS; not imported, to keep start-up fast
    show_default=True,
    help="Commit every N documents; an interruption loses at most one batch.",
)
@click.option("--no-stemming", is_flag=True, help="When creating an index: do not stem words.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
@handle_errors
def index_command(
    obj: Context, paths, prune, rebuild, jobs, lock_timeout, batch_size, no_stemming, as_json
) -> None:
    """Add new files, re-index changed ones, skip unchanged ones.

    PATHS are files or folders (searched recursively; hidden ones skipped). Formats: .txt,
    .md, .html, .htm, .json, .jsonl.

    \b
    Example:
        searchkit index seeds/ ~/articles --prune
    """
    from .api import Index

    with Index.open_or_create(
        obj.index, rebuild=rebuild, stemming=not no_stemming, config=obj.config
    ) as index:
        progress = _progress_bar() if sys.stderr.isatty() and not as_json else None
        try:
            report = index.update(
                paths,
                prune=prune,
                rebuild=rebuild,
                jobs=jobs,
                lock_timeout=lock_timeout,
                progress=progress,
                batch_size=batch_size,
            )
        finally:
            if progress:
                progress.close()
    if as_json:
        echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        echo(format_report(report))
    if report.interrupted:
        echo(
            "Interrupted: the index keeps everything committed before; run the same command "
            "again to carry on.",
            err=True,
        )
        raise click.exceptions.Exit(int(ExitCode.INTERRUPTED))


class _progress_bar:
    """A one-line progress display on stderr, drawn only on a terminal."""

    def __init__(self):
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        click.echo(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files", nl=False, err=True
        )
        self.shown = True

    def close(self) -> None:
        if self.shown:
            click.echo("\r" + " " * 60 + "\r", nl=False, err=True)


def format_report(report) -> str:
    lines = [
        f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.removed} removed, {len(report.skipped)} skipped"
        f"{f', {report.rederived} re-derived' if report.rederived else ''} "
        f"({report.took_ms / 1000:.1f} s)"
    ]
    for skip in report.skipped:
        lines.append(f"  skipped {skip.path}: {skip.reason}")
    return "\n".join(lines)


# ---- search --------------------------------------------------------------------------------


def filter_options(fn):
    """--actor/--country/--source-type/--lang/--since/--until, shared by search and facets."""
    options = [
        click.option("--actor", multiple=True, help="Only documents naming this actor."),
        click.option("--country", multiple=True, help="Country code or name (FR, France)."),
        click.option(
            "--source-type",
            multiple=True,
            help="news, wire, tv, radio, magazine, blog, social, official, unknown.",
        ),
        click.option("--source", multiple=True, help="Outlet name, e.g. Reuters."),
        click.option("--lang", multiple=True, help="Language code, e.g. en."),
        click.option("--since", metavar="DATE", help="Published on or after (YYYY[-MM[-DD]])."),
        click.option("--until", metavar="DATE", help="Published on or before."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _filters(actor, country, source_type, source, lang) -> dict[str, list[str]]:
    return {
        k: list(v)
        for k, v in (
            ("actor", actor),
            ("country", country),
            ("source_type", source_type),
            ("source", source),
            ("language", lang),
        )
        if v
    }


@cli.command()
@click.argument("query", nargs=-1)
@filter_options
@click.option(
    "--facet",
    "facets",
    multiple=True,
    type=click.Choice(FACET_CHOICES),
    help="Facets to count (default: actor, country, date, source_type, language).",
)
@click.option(
    "--facet-limit",
    type=click.IntRange(0),
    default=10,
    show_default=True,
    help="Values shown per facet.",
)
@click.option(
    "--date-interval",
    type=click.Choice(["year", "month"]),
    default="month",
    show_default=True,
    help="Bucket size of the date histogram.",
)
@click.option(
    "--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True
)
@click.option("--limit", "-n", type=click.IntRange(0), default=10, show_default=True)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--any", "match_any", is_flag=True, help="Rank documents with any of the words.")
@click.option("--raw", is_flag=True, help="Pass query syntax through; report syntax errors.")
@click.option("--json", "fmt", flag_value="json", help="One JSON object.")
@click.option("--jsonl", "fmt", flag_value="jsonl", help="One JSON object per hit.")
@click.option("--csv", "fmt", flag_value="csv", help="CSV with a header row.")
@click.pass_obj
@handle_errors
def search(
    obj: Context,
    query,
    actor,
    country,
    source_type,
    source,
    lang,
    since,
    until,
    facets,
    facet_limit,
    date_interval,
    sort,
    limit,
    page,
    match_any,
    raw,
    fmt,
) -> None:
    """Ranked, faceted search. Exit code 0 with hits, 1 without.

    QUERY syntax: words, "phrases", AND / OR / NOT, field:value (title, body, actor,
    country, source_type, lang, source, date), prefix*, fuzzy~, date:[2024-01 TO 2024-03].

    \b
    Example:
        searchkit search "French instructors" --country UA --since 2024
        searchkit search 'actor:Macron NOT Russia' --json
    """
    from . import model

    with obj.open() as index:
        results = index.search(
            " ".join(query),
            filters=_filters(actor, country, source_type, source, lang),
            facets=facets or model.DEFAULT_FACETS,
            facet_limit=facet_limit,
            date_interval=date_interval,
            sort=sort,
            limit=limit,
            page=page,
            since=since,
            until=until,
            raw=raw,
            match="any" if match_any else "all",
        )
    from .render import render_csv, render_results

    if fmt == "json":
        echo(json.dumps(results.to_dict(), ensure_ascii=False))
    elif fmt == "jsonl":
        for hit in results.hits:
            echo(json.dumps(hit.to_dict(), ensure_ascii=False))
    elif fmt == "csv":
        buf = io.StringIO()
        render_csv(results, csv.writer(buf))
        click.echo(buf.getvalue(), nl=False)
    else:
        echo(render_results(results, colour=_colour() is not False and sys.stdout.isatty()))
    if results.total == 0:
        raise click.exceptions.Exit(int(ExitCode.NO_HITS))


@cli.command()
@click.argument("query", nargs=-1)
@filter_options
@click.option(
    "--facet",
    "facets",
    multiple=True,
    type=click.Choice(FACET_CHOICES),
    help="Facets to count (default: all).",
)
@click.option(
    "--limit",
    "facet_limit",
    type=click.IntRange(0),
    default=20,
    show_default=True,
    help="Values shown per facet (0: all).",
)
@click.option(
    "--date-interval", type=click.Choice(["year", "month"]), default="month", show_default=True
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_obj
@handle_errors
def facets(
    obj: Context,
    query,
    actor,
    country,
    source_type,
    source,
    lang,
    since,
    until,
    facets,
    facet_limit,
    date_interval,
    as_json,
) -> None:
    """Facet values and counts over the whole index, or over a query's matches.

    \b
    Example:
        searchkit facets --facet actor --limit 50
        searchkit facets NATO --country FR --json
    """
    with obj.open() as index:
        result = index.facets(
            " ".join(query),
            facets=facets or FACET_CHOICES,
            filters=_filters(actor, country, source_type, source, lang),
            facet_limit=facet_limit,
            date_interval=date_interval,
            since=since,
            until=until,
        )
    from .render import render_facets

    if as_json:
        echo(json.dumps([f.to_dict() for f in result], ensure_ascii=False))
    else:
        echo(render_facets(result))


@cli.command()
@click.argument("doc_id")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_obj
@handle_errors
def show(obj: Context, doc_id: str, as_json: bool) -> None:
    """Show one document with all its fields and facets (ID as shown by search, or a path).

    \b
    Example:
        searchkit show 3f2a9c1b0e4d
    """
    with obj.open() as index:
        doc = index.get(doc_id)
    from .render import render_document

    echo(json.dumps(doc.to_dict(), ensure_ascii=False) if as_json else render_document(doc))


@cli.command()
@click.argument("doc_id")
@click.option("--limit", "-n", type=click.IntRange(1), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit, as JSON lines.")
@click.pass_obj
@handle_errors
def similar(obj: Context, doc_id: str, limit: int, as_json: bool) -> None:
    """Documents most like the given one.

    \b
    Example:
        searchkit similar 3f2a9c1b0e4d --limit 5
    """
    with obj.open() as index:
        hits = index.similar(doc_id, limit)
    from .render import render_hits

    if as_json:
        for hit in hits:
            echo(json.dumps(hit.to_dict(), ensure_ascii=False))
    else:
        echo(render_hits(hits, colour=False))
    if not hits:
        raise click.exceptions.Exit(int(ExitCode.NO_HITS))


@cli.command()
@click.option(
    "--limit",
    "facet_limit",
    type=click.IntRange(1),
    default=5,
    show_default=True,
    help="Top values shown per facet.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_obj
@handle_errors
def stats(obj: Context, facet_limit: int, as_json: bool) -> None:
    """Documents, size, last update and the top values of each facet.

    \b
    Example:
        searchkit stats
    """
    with obj.open() as index:
        result = index.stats(facet_limit=facet_limit)
    from .render import render_stats

    echo(json.dumps(result.to_dict(), ensure_ascii=False) if as_json else render_stats(result))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="JSON lines: one document per line.")
@click.option("--explain", is_flag=True, help="Show the text and rule behind each facet value.")
@click.pass_obj
@handle_errors
def extract(obj: Context, paths, as_json: bool, explain: bool) -> None:
    """Show what the index would store for each document, without indexing.

    \b
    Example:
        searchkit extract seeds/ --json
        searchkit extract seeds/001_578c96dde5a6e8cf.txt --explain
    """
    from .config import default_config_path, load_config
    from .extract.files import check_paths, iter_files
    from .extract.pipeline import extract_file
    from .render import render_extraction

    index_dir = Path(obj.index) if obj.index else Path(os.environ.get("SEARCHKIT_INDEX", "index"))
    config = load_config(Path(obj.config) if obj.config else default_config_path(index_dir))
    for path in iter_files(check_paths(paths)):
        result = extract_file(str(path), config)
        for doc in result.documents:
            if as_json:
                data = doc.to_dict()
                if not explain:
                    data.pop("evidence")
                echo(json.dumps(data, ensure_ascii=False))
            else:
                echo(render_extraction(doc, explain))
        for skip in result.skipped:
            echo(f"skipped {skip.path}: {skip.reason}", err=True)


@cli.command()
@click.option(
    "--repair",
    is_flag=True,
    help="Roll back to the newest good commit, or rebuild from known sources.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_obj
@handle_errors
def check(obj: Context, repair: bool, as_json: bool) -> None:
    """Verify that the index opens and every segment, column and manifest entry reads.

    Exit code 0 when healthy (or repaired), 6 otherwise.

    \b
    Example:
        searchkit check
        searchkit check --repair
    """
    from .api import Index

    report = Index.check(obj.index, repair=repair, config=obj.config)
    if as_json:
        echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        state = "healthy" if report.healthy else "DAMAGED"
        echo(
            f"{report.path}: {state}, {report.documents} documents in {report.segments} segment(s)"
        )
        for problem in report.problems:
            echo(f"  problem: {problem}")
        for repair_done in report.repairs:
            echo(f"  repaired: {repair_done}")
        for note in report.notes:
            echo(f"  note: {note}")
    if not report.healthy:
        raise click.exceptions.Exit(int(ExitCode.INDEX_DAMAGED))


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["opensearch"]),
    default="opensearch",
    show_default=True,
    help="Target engine (also fits Elasticsearch).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    required=True,
    help="Folder for mapping.json and bulk-NNNN.ndjson.",
)
@click.option("--name", default="news", show_default=True, help="Name of the target index.")
@click.pass_obj
@handle_errors
def export(obj: Context, fmt: str, out: str, name: str) -> None:
    """Write the index as an OpenSearch mapping and _bulk request bodies.

    \b
    Example:
        searchkit export --format opensearch --out export/
        curl -XPUT localhost:9200/news -H 'Content-Type: application/json' \\
             -d @export/mapping.json
        for f in export/bulk-*.ndjson; do curl -XPOST localhost:9200/_bulk \\
             -H 'Content-Type: application/x-ndjson' --data-binary @$f; done
    """
    with obj.open() as index:
        written = index.export_opensearch(out, name)
    bulk = len(written) - 1
    echo(f"wrote {written[0]} and {bulk} bulk file{'s' if bulk != 1 else ''} to {out}")


def main() -> None:
    cli(prog_name="searchkit")


from .serve_command import serve  # noqa: E402

cli.add_command(serve)
