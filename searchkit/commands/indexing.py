"""Commands that build and look after the index: index, extract, check, export."""

from __future__ import annotations

import json
import sys

import click

from ..errors import ExitCode, UsageError
from .options import (
    Context,
    echo,
    global_options,
    jobs_option,
    lock_timeout_option,
    output_format,
    output_options,
)


class _ProgressBar:
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


@click.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--prune", is_flag=True, help="Remove documents whose files are gone.")
@click.option("--rebuild", is_flag=True, help="Re-extract every file, as if starting empty.")
@jobs_option("Extraction")
@lock_timeout_option
@click.option(
    "--batch-size",
    type=click.IntRange(1),
    default=20_000,  # engine.updater.BATCH_DOCUMENTS; not imported, to keep start-up fast
    show_default=True,
    help="Commit every N documents; an interruption loses at most one batch.",
)
@click.option("--no-stemming", is_flag=True, help="When creating an index: do not stem words.")
@output_options("json")
@global_options
@click.pass_obj
def index_command(obj: Context, paths, prune, rebuild, jobs, lock_timeout, batch_size,
                  no_stemming, **options) -> None:  # fmt: skip
    """Add new files, re-index changed ones, skip unchanged ones.

    PATHS are files or folders (searched recursively; hidden ones skipped). Formats: .txt,
    .md, .html, .htm, .json, .jsonl, and the same gzip-compressed (.html.gz, ...).

    \b
    Example:
        searchkit index seeds/ ~/articles --prune
    """
    from ..api import Index, check_sources
    from ..render import format_report

    fmt = output_format(options)
    check_sources(paths)  # before anything is created: a typo must not leave an empty index
    with Index.open_or_create(
        obj.index, rebuild=rebuild, stemming=not no_stemming, config=obj.config
    ) as index:
        progress = _ProgressBar() if sys.stderr.isatty() and fmt == "text" else None
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
    echo(
        json.dumps(report.to_dict(), ensure_ascii=False) if fmt == "json" else format_report(report)
    )
    for warning in report.warnings:
        echo(f"Warning: {warning}", err=True)
    if report.interrupted:
        left = report.files_left
        echo(
            f"Interrupted with {left} file{'' if left == 1 else 's'} left to index: the index "
            "keeps what was committed (counted above); run the same command again to carry on.",
            err=True,
        )
        raise click.exceptions.Exit(int(ExitCode.INTERRUPTED))


@click.command()
@click.option(
    "--segments",
    "max_segments",
    type=click.IntRange(1),
    default=10,  # engine.optimize.DEFAULT_MAX_SEGMENTS; not imported, to keep start-up fast
    show_default=True,
    help="Merge until the index has at most this many segments.",
)
@jobs_option("Merging")
@lock_timeout_option
@output_options("json")
@global_options
@click.pass_obj
def optimize(obj: Context, max_segments: int, jobs: int, lock_timeout: float, **options) -> None:
    """Merge the index's segments into fewer, larger ones, so searches answer faster.

    Updates add segments; a large index built or grown in many runs has hundreds. Merging
    rewrites the documents of the segments it merges (about 3 ms of CPU each, spread over
    --jobs processes) and drops deleted documents for good. Searches keep answering
    meanwhile; an interrupted run leaves the index as it was.

    \b
    Example:
        searchkit optimize --segments 10
    """
    from ..api import Index
    from ..render import format_optimize

    fmt = output_format(options)
    with Index.open(obj.index, config=obj.config) as index:
        report = index.optimize(max_segments, jobs=jobs, lock_timeout=lock_timeout)
    echo(
        json.dumps(report.to_dict(), ensure_ascii=False)
        if fmt == "json"
        else format_optimize(report)
    )


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="JSON lines: one document per line.")
@click.option("--explain", is_flag=True, help="Show the text and rule behind each facet value.")
@global_options
@click.pass_obj
def extract(obj: Context, paths, as_json: bool, explain: bool) -> None:
    """Show what the index would store for each document, without indexing.

    \b
    Example:
        searchkit extract seeds/ --json
        searchkit extract seeds/001_578c96dde5a6e8cf.txt --explain
    """
    from ..api import extract_files
    from ..render import render_extraction

    for result in extract_files(paths, index=obj.index, config=obj.config):
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


@click.command()
@click.option(
    "--repair",
    is_flag=True,
    help="Roll back to the newest good commit, or rebuild from known sources.",
)
@output_options("json")
@global_options
@click.pass_obj
def check(obj: Context, repair: bool, **options) -> None:
    """Verify that the index opens and every segment, column and manifest entry reads.

    Exit code 0 when healthy (or repaired), 6 otherwise.

    \b
    Example:
        searchkit check
        searchkit check --repair
    """
    from ..api import Index
    from ..render import render_check

    fmt = output_format(options)
    report = Index.check(obj.index, repair=repair, config=obj.config)
    echo(
        json.dumps(report.to_dict(), ensure_ascii=False) if fmt == "json" else render_check(report)
    )
    if not report.healthy:
        raise click.exceptions.Exit(int(ExitCode.INDEX_DAMAGED))


@click.command()
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
    help="Folder for mapping.json and bulk-NNNN.ndjson (earlier ones there are replaced).",
)
@click.option("--name", default="news", show_default=True, help="Name of the target index.")
@global_options
@click.pass_obj
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
        if not hasattr(index, "export_opensearch"):
            raise UsageError("export writes an index folder's documents; this index is already "
                             "in OpenSearch")  # fmt: skip
        written = index.export_opensearch(out, name)
    bulk = len(written) - 1
    echo(f"wrote {written[0]} and {bulk} bulk file{'s' if bulk != 1 else ''} to {out}")
