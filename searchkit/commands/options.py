"""Options shared by several commands, as reusable decorators, and the command context."""

from __future__ import annotations

import os

import click

from ..errors import UsageError


class Context:
    """What the global options chose: the index location, the config file, --debug."""

    def __init__(self, index: str | None = None, config: str | None = None, debug: bool = False):
        self.index = index
        self.config = config
        self.debug = debug

    def open(self):
        from ..api import Index

        return Index.open(self.index, self.config)


def colour() -> bool | None:
    """False when NO_COLOR is set; otherwise let click decide (colour only on a terminal)."""
    return False if os.environ.get("NO_COLOR") else None


def echo(text: str = "", err: bool = False) -> None:
    click.echo(text, err=err, color=colour())


def _store(attribute: str):
    def callback(ctx: click.Context, param, value):
        if value not in (None, False):
            setattr(ctx.ensure_object(Context), attribute, value)
        return value

    return callback


def _insecure(ctx: click.Context, param, value):
    # Read where the OpenSearch client is made (opensearch.location), which warns once.
    if value:
        os.environ["SEARCHKIT_OPENSEARCH_INSECURE"] = "1"
    return value


def jobs_option(workers: str):
    """``--jobs/-j``: how many worker processes, 0 for the CPU count."""
    return click.option(
        "--jobs",
        "-j",
        type=click.IntRange(0, 64),
        default=0,
        help=f"{workers} worker processes (default: the CPU count).",
    )


#: ``--lock-timeout``, for the commands that write.
lock_timeout_option = click.option(
    "--lock-timeout",
    type=click.FloatRange(0),
    default=10.0,
    show_default=True,
    help="Seconds to wait for another writer to finish.",
)


def global_options(fn):
    """--index, --config and --debug: accepted before the command name (on the group) and
    after it (on each command), since users type them both ways."""
    options = [
        click.option(
            "--index",
            metavar="DIR",
            expose_value=False,
            callback=_store("index"),
            help="Index directory (default: ./index, or $SEARCHKIT_INDEX).",
        ),
        click.option(
            "--config",
            type=click.Path(dir_okay=False),
            metavar="FILE",
            expose_value=False,
            callback=_store("config"),
            help="Config file (default: searchkit.toml beside the index).",
        ),
        click.option(
            "--debug",
            is_flag=True,
            expose_value=False,
            callback=_store("debug"),
            help="Show tracebacks instead of one-line errors.",
        ),
        click.option(
            "--insecure",
            is_flag=True,
            expose_value=False,
            callback=_insecure,
            help="OpenSearch over https: do not verify its certificate (warns).",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def filter_options(fn):
    """--actor/--country/--source-type/--source/--language/--filter/--since/--until."""
    options = [
        click.option("--actor", multiple=True, help="Only documents naming this actor."),
        click.option("--country", multiple=True, help="Country code or name (FR, France)."),
        click.option(
            "--source-type",
            multiple=True,
            help="news, wire, tv, radio, magazine, blog, social, official, unknown.",
        ),
        click.option("--source", multiple=True, help="Outlet name, e.g. Reuters."),
        click.option(
            "--language", "--lang", "language", multiple=True, help="Language code or name."
        ),
        click.option(
            "--filter",
            "extra_filters",
            multiple=True,
            metavar="NAME=VALUE",
            help="Any facet, e.g. a facet declared in searchkit.toml: --filter category=Sport.",
        ),
        click.option("--since", metavar="DATE", help="Published on or after (YYYY[-MM[-DD]])."),
        click.option("--until", metavar="DATE", help="Published on or before."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def filters_from(options: dict) -> dict[str, list[str]]:
    """The filters dict for ``Index.search`` from the filter options (consumed)."""
    filters: dict[str, list[str]] = {}
    for name in ("actor", "country", "source_type", "source", "language"):
        values = options.pop(name, ())
        if values:
            filters[name] = list(values)
    for item in options.pop("extra_filters", ()):
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UsageError(f"bad --filter {item!r}: use NAME=VALUE, e.g. category=Sport")
        filters.setdefault(name.strip(), []).append(value.strip())
    return filters


def output_options(*formats: str):
    """Mutually exclusive --json/--jsonl/--csv flags, passed on as ``fmt``."""
    helps = {
        "json": "One JSON object.",
        "jsonl": "One JSON object per hit.",
        "csv": "CSV with a header row.",
    }

    def decorator(fn):
        for name in reversed(formats):
            fn = click.option(f"--{name}", f"as_{name}", is_flag=True, help=helps[name])(fn)
        return fn

    return decorator


def output_format(options: dict) -> str:
    """The chosen format ("text" when none), refusing two at once."""
    chosen = [name for name in ("json", "jsonl", "csv") if options.pop(f"as_{name}", False)]
    if len(chosen) > 1:
        raise UsageError(f"choose one output format, not {' and '.join('--' + c for c in chosen)}")
    return chosen[0] if chosen else "text"
