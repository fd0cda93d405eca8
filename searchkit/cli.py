"""The ``searchkit`` command: the group, its global options, and the one place where errors
become exit codes. The commands live in ``searchkit.commands``.

Heavy modules (Whoosh, langdetect, BeautifulSoup) are imported inside the commands, so
``searchkit --help`` and argument errors stay instant.
"""

from __future__ import annotations

import gc

import click

from .commands.indexing import check, export, extract, index_command, optimize
from .commands.options import Context, echo, global_options
from .commands.searching import facets, search, show, similar, stats
from .commands.serving import serve
from .commands.watching import watch
from .errors import ExitCode, SearchkitError


class SearchkitGroup(click.Group):
    """Runs a command and turns what it raises into a one-line message and the documented
    exit code (README, "Exit codes"); --debug shows the traceback instead."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except (Exception, KeyboardInterrupt) as exc:
            obj = ctx.find_object(Context)
            if obj is not None and obj.debug:
                raise
            code, message = _error(exc)
        echo(message, err=True)
        ctx.exit(int(code))


def _error(exc: BaseException) -> tuple[ExitCode, str]:
    if isinstance(exc, SearchkitError):
        return exc.exit_code, f"Error: {exc}"
    if isinstance(exc, KeyboardInterrupt):
        return ExitCode.INTERRUPTED, "Interrupted."
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return ExitCode.IO, f"Error: {exc.strerror or exc}{where}"
    return ExitCode.INTERNAL, (
        f"Error: internal error ({type(exc).__name__}: {exc}); rerun with --debug and report "
        "the traceback"
    )


@click.group(
    cls=SearchkitGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@global_options
@click.version_option(package_name="searchkit", message="searchkit %(version)s")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Full-text search with facets for collections of news articles.

    --index, --config and --debug work before or after the command name.

    \b
    Example:
        searchkit index seeds/
        searchkit search "French instructors" --country UA
    """
    ctx.ensure_object(Context)


COMMANDS = (
    index_command,
    search,
    facets,
    show,
    similar,
    stats,
    extract,
    check,
    optimize,
    export,
    serve,
    watch,
)
for command in COMMANDS:
    cli.add_command(command)


def main() -> None:
    try:
        cli(prog_name="searchkit")
    finally:
        # The process ends here: the collector need not walk every object the command
        # left behind at exit (50 ms after a search of 100,000 documents). atexit handlers
        # still run and files are still closed.
        gc.freeze()
