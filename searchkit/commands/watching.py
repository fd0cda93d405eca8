"""``searchkit watch``: index folders, then keep the index current as files change."""

from __future__ import annotations

import click

from ..errors import ExitCode
from .options import Context, echo, global_options


@click.command("watch")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--poll",
    is_flag=True,
    help="Look for changes with stat scans instead of file events (for network file systems).",
)
@click.option(
    "--interval",
    type=click.FloatRange(0.1),
    default=2.0,  # watch.DEFAULT_INTERVAL; not imported, to keep start-up fast
    show_default=True,
    metavar="S",
    help="Seconds between scans when polling, and between checks that the folders exist.",
)
@global_options
@click.pass_obj
def watch(obj: Context, paths, poll: bool, interval: float) -> None:
    """Index folders, then keep the index current as files are added, changed, renamed
    or deleted. Prints one line per commit; Ctrl-C stops after the commit in progress
    (exit code 130).

    Uses inotify (with the `watch` extra installed) and falls back to polling where file
    events are unavailable, such as network file systems.

    \b
    Example:
        searchkit watch ~/articles --index ~/articles-index
        searchkit watch /mnt/share/news --poll --interval 5
    """
    import signal
    import threading
    import time

    from ..api import check_sources
    from ..render import format_commit_line
    from ..watch import watch_paths

    check_sources(paths)
    stop = threading.Event()

    def stop_after_commit(signum, frame):
        if stop.is_set():  # a second Ctrl-C: stop now, losing the commit in progress
            raise KeyboardInterrupt
        stop.set()

    def on_commit(report) -> None:
        echo(format_commit_line(report, time.strftime("%H:%M:%S")))

    def on_notice(message: str) -> None:
        echo(f"Note: {message}", err=True)

    previous = signal.signal(signal.SIGINT, stop_after_commit)
    try:
        watch_paths(
            obj.index,
            paths,
            stop,
            on_commit=on_commit,
            config=obj.config,
            poll=poll,
            interval=interval,
            on_notice=on_notice,
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    raise click.exceptions.Exit(int(ExitCode.INTERRUPTED))
