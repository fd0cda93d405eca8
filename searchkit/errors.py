"""The exception hierarchy and the exit codes the CLI maps them to."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Process exit codes, documented in the README."""

    OK = 0  # hits found, or the command succeeded
    NO_HITS = 1  # a search that matched nothing
    USAGE = 2  # bad option, bad query syntax, unknown facet, bad date
    INDEX_MISSING = 3  # no index at the given location
    INDEX_LOCKED = 4  # another process holds the write lock
    INDEX_INCOMPATIBLE = 5  # built by an incompatible schema version
    INDEX_DAMAGED = 6  # the index cannot be read, or `check` found a problem
    NOT_FOUND = 7  # `show`/`similar`: no document with that id
    CONFIG = 8  # the config file cannot be read
    IO = 9  # disk full, read-only directory, permission denied on the index
    CLUSTER_UNAVAILABLE = 10  # the OpenSearch cluster cannot be reached or refuses requests
    INTERNAL = 70  # a bug in searchkit: rerun with --debug and report the traceback
    INTERRUPTED = 130  # Ctrl-C: the last committed index is intact


class SearchkitError(Exception):
    """Base of every error searchkit raises on purpose. The message says what to do next.

    Each subclass names its exit code; an error raised as the base class itself is a bug in
    searchkit (it should have said which kind of error it is), so it maps to INTERNAL.
    """

    exit_code = ExitCode.INTERNAL


class UsageError(SearchkitError):
    """A bad argument: unknown facet, bad date, nonexistent path."""

    exit_code = ExitCode.USAGE


class QuerySyntaxError(SearchkitError):
    """The query could not be parsed (only in raw mode; the safe mode never raises this)."""

    exit_code = ExitCode.USAGE


class IndexMissingError(SearchkitError):
    exit_code = ExitCode.INDEX_MISSING


class IndexLockedError(SearchkitError):
    exit_code = ExitCode.INDEX_LOCKED


class SchemaVersionError(SearchkitError):
    exit_code = ExitCode.INDEX_INCOMPATIBLE


class IndexDamagedError(SearchkitError):
    exit_code = ExitCode.INDEX_DAMAGED


class DocumentNotFoundError(SearchkitError):
    exit_code = ExitCode.NOT_FOUND


class ConfigError(SearchkitError):
    exit_code = ExitCode.CONFIG


class IndexIOError(SearchkitError):
    """The index directory cannot be written (disk full, read-only, permission denied)."""

    exit_code = ExitCode.IO


class UnreadableFileError(SearchkitError):
    """A source file that cannot be turned into documents; the reason is the message.

    Raised inside extraction and collected into the update report, never out of a run;
    if one ever escapes, it was a path the user gave, hence a usage error.
    """

    exit_code = ExitCode.USAGE


class ClusterUnavailableError(SearchkitError):
    """The OpenSearch cluster behind the index cannot be reached, or refuses the request."""

    exit_code = ExitCode.CLUSTER_UNAVAILABLE
