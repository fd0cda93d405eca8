"""Commands that read the index: search, facets, show, similar, stats."""

from __future__ import annotations

import csv
import io
import json
import sys

import click

from ..errors import ExitCode
from .options import (
    Context,
    colour,
    echo,
    filter_options,
    filters_from,
    global_options,
    output_format,
    output_options,
)


def _notices(results) -> None:
    for notice in results.notices:
        echo(f"Note: {notice}", err=True)


@click.command()
@click.argument("query", nargs=-1)
@filter_options
@click.option(
    "--facet",
    "facets",
    multiple=True,
    metavar="NAME",
    help="Facet to count, repeatable (default: actor, country, date, source_type, language).",
)
@click.option(
    "--facet-limit",
    type=click.IntRange(0),
    default=10,
    show_default=True,
    help="Values shown per facet (0: all).",
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
@output_options("json", "jsonl", "csv")
@global_options
@click.pass_obj
def search(obj: Context, query, facets, facet_limit, date_interval, sort, limit, page,
           match_any, raw, since, until, **options) -> None:  # fmt: skip
    """Ranked, faceted search. Exit code 0 with hits, 1 without.

    QUERY syntax: words, "phrases", AND / OR / NOT, -word, field:value (title, body, actor,
    country, source_type, language, source, date, and declared facets), prefix*, fuzzy~,
    date:[2024-01 TO 2024-03].

    \b
    Example:
        searchkit search "French instructors" --country UA --since 2024
        searchkit search 'actor:Macron NOT Russia' --json
    """
    fmt = output_format(options)
    with obj.open() as index:
        results = index.search(
            " ".join(query),
            filters=filters_from(options),
            facets=facets or None,
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
    from ..render import render_csv, render_results

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
        echo(render_results(results, colour=colour() is not False and sys.stdout.isatty()))
    _notices(results)
    if results.total == 0:
        raise click.exceptions.Exit(int(ExitCode.NO_HITS))


@click.command()
@click.argument("query", nargs=-1)
@filter_options
@click.option(
    "--facet", "facets", multiple=True, metavar="NAME", help="Facet to count (default: all)."
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
@output_options("json")
@global_options
@click.pass_obj
def facets(obj: Context, query, facets, facet_limit, date_interval, since, until,
           **options) -> None:  # fmt: skip
    """Facet values and counts over the whole index, or over a query's matches.

    \b
    Example:
        searchkit facets --facet actor --limit 50
        searchkit facets NATO --country FR --json
    """
    fmt = output_format(options)
    with obj.open() as index:
        results = index.search(
            " ".join(query),
            facets=facets or index.registry().names,
            filters=filters_from(options),
            limit=0,
            facet_limit=facet_limit,
            date_interval=date_interval,
            since=since,
            until=until,
        )
    from ..render import render_facets

    if fmt == "json":
        echo(json.dumps([f.to_dict() for f in results.facets], ensure_ascii=False))
    else:
        echo(render_facets(results.facets))
    _notices(results)


@click.command()
@click.argument("doc_id")
@output_options("json")
@global_options
@click.pass_obj
def show(obj: Context, doc_id: str, **options) -> None:
    """Show one document with all its fields and facets (ID as shown by search, or a path).

    \b
    Example:
        searchkit show 3f2a9c1b0e4d
        searchkit show articles.jsonl:12
    """
    fmt = output_format(options)
    with obj.open() as index:
        doc = index.get(doc_id)
    from ..render import render_document

    echo(json.dumps(doc.to_dict(), ensure_ascii=False) if fmt == "json" else render_document(doc))


@click.command()
@click.argument("doc_id")
@click.option("--limit", "-n", type=click.IntRange(1), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit, as JSON lines.")
@global_options
@click.pass_obj
def similar(obj: Context, doc_id: str, limit: int, as_json: bool) -> None:
    """Documents most like the given one.

    \b
    Example:
        searchkit similar 3f2a9c1b0e4d --limit 5
    """
    with obj.open() as index:
        hits = index.similar(doc_id, limit)
    from ..render import render_hits

    if as_json:
        for hit in hits:
            echo(json.dumps(hit.to_dict(), ensure_ascii=False))
    else:
        echo(render_hits(hits, colour=False))
    if not hits:
        raise click.exceptions.Exit(int(ExitCode.NO_HITS))


@click.command()
@click.option(
    "--limit",
    "facet_limit",
    type=click.IntRange(1),
    default=5,
    show_default=True,
    help="Top values shown per facet.",
)
@output_options("json")
@global_options
@click.pass_obj
def stats(obj: Context, facet_limit: int, **options) -> None:
    """Documents, size, last update and the top values of each facet.

    \b
    Example:
        searchkit stats
    """
    fmt = output_format(options)
    with obj.open() as index:
        result = index.stats(facet_limit=facet_limit)
    from ..render import render_stats

    echo(
        json.dumps(result.to_dict(), ensure_ascii=False) if fmt == "json" else render_stats(result)
    )
