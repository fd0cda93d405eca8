"""Where an OpenSearch index is, and how to talk to it: the location, credentials, the client.

A location is ``opensearch+http://host:port/name`` or ``opensearch+https://host:port/name``.
Credentials never go in it (a URL ends up in shell history, logs and error messages): they
come from ``SEARCHKIT_OPENSEARCH_USER`` and ``SEARCHKIT_OPENSEARCH_PASSWORD``, or from the
``[engine]`` table of the config (``user``, ``password``). TLS certificates are verified
unless ``SEARCHKIT_OPENSEARCH_INSECURE=1`` (or ``insecure = true``), which warns once.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..errors import ClusterUnavailableError, UsageError

SCHEMES = ("opensearch+http", "opensearch+https")
USER_ENV = "SEARCHKIT_OPENSEARCH_USER"
PASSWORD_ENV = "SEARCHKIT_OPENSEARCH_PASSWORD"
INSECURE_ENV = "SEARCHKIT_OPENSEARCH_INSECURE"
CA_ENV = "SEARCHKIT_OPENSEARCH_CA"
#: OpenSearch's rule for index names (lower case, no leading _ - +, none of \ / * ? " < > | , #).
_INDEX_NAME = re.compile(r"[a-z0-9][a-z0-9_.+-]{0,254}")
#: Statuses worth retrying: overload and a node that is going away or not yet there.
RETRY_STATUSES = (429, 502, 503, 504)


def is_opensearch_location(location: str | os.PathLike | None) -> bool:
    """True for ``opensearch+http(s)://...``; a folder path is a Whoosh index."""
    return isinstance(location, str) and location.split("://", 1)[0].lower() in SCHEMES


@dataclass(frozen=True)
class Location:
    """A parsed ``opensearch+http(s)://host:port/name``, without credentials."""

    url: str  # http(s)://host:port, printable
    index: str
    user: str = field(default="", repr=False)
    password: str = field(default="", repr=False, compare=False)
    verify: bool = True
    ca_certs: str = ""
    more_hosts: tuple[str, ...] = ()  # other nodes of the same cluster, for failover

    @property
    def hosts(self) -> list[str]:
        return [self.url, *self.more_hosts]

    def __str__(self) -> str:
        nodes = ",".join(h.split("://", 1)[1] for h in self.hosts)
        return f"opensearch+{self.url.split('://', 1)[0]}://{nodes}/{self.index}"


def parse_location(location: str, config: Mapping[str, object] | None = None) -> Location:
    """Parse a location; a UsageError says what is wrong with it. Several nodes of one
    cluster are given comma-separated (``opensearch+http://h1:9200,h2:9200/news``), so the
    client can fail over. ``config`` is the ``[engine]`` table of searchkit.toml, if any
    (credentials, ``insecure``, ``ca``)."""
    config = config or {}
    scheme, _, rest = location.partition("://")
    scheme = scheme.lower()
    if scheme not in SCHEMES or not rest:
        raise UsageError(
            f"unknown index location {location!r}: use a folder or opensearch+http://host:port/name"
        )
    netloc, _, name = rest.partition("/")
    name = name.strip("/")
    http = scheme.removeprefix("opensearch+")
    hosts = []
    for node in netloc.split(","):
        parts = urlsplit(f"{http}://{node}")
        if parts.username or parts.password:
            raise UsageError(
                f"put no credentials in the index location: set {USER_ENV} and {PASSWORD_ENV}"
            )
        if not parts.hostname:
            raise UsageError(
                "the OpenSearch location has no host: opensearch+http://host:port/name"
            )
        try:
            port = parts.port or (443 if http == "https" else 9200)
        except ValueError:
            raise UsageError(f"bad port in {location!r}") from None
        host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        hosts.append(f"{http}://{host}:{port}")
    if not _INDEX_NAME.fullmatch(name) or name in (".", ".."):
        raise UsageError(
            f"bad OpenSearch index name {name!r} in {scheme}://{netloc}/...: use lower "
            "case letters, digits, '-', '_' or '.', not starting with '-', '_' or '+'"
        )
    insecure = os.environ.get(INSECURE_ENV, "") not in ("", "0", "false") or bool(
        config.get("insecure")
    )
    return Location(
        url=hosts[0],
        index=name,
        user=os.environ.get(USER_ENV) or str(config.get("user") or ""),
        password=os.environ.get(PASSWORD_ENV) or str(config.get("password") or ""),
        verify=not insecure,
        ca_certs=os.environ.get(CA_ENV) or str(config.get("ca") or ""),
        more_hosts=tuple(hosts[1:]),
    )


#: Pauses between rounds of tries when every node failed: overload or failover in progress.
BACKOFF_SECONDS = (0.25, 0.5, 1.0, 2.0)

#: The keys of searchkit.toml's [engine] table, with the type each must have.
ENGINE_KEYS = {
    "location": str,
    "user": str,
    "password": str,
    "insecure": bool,
    "ca": str,
    "shards": int,
    "replicas": int,
}


def engine_table(path: str | os.PathLike | None) -> dict[str, object]:
    """The ``[engine]`` table of a searchkit.toml (empty when the file or table is absent);
    a ConfigError names a wrong key or type. ``location`` is where the index is, e.g.
    ``opensearch+https://search.example:9200/news``; the other keys are ``open_engine``'s."""
    import tomllib

    from ..errors import ConfigError

    if path is None or not os.path.exists(path):
        return {}
    try:
        with open(path, "rb") as fh:
            table = tomllib.load(fh).get("engine", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config {path}: {exc}") from None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [engine] must be a table")
    for key, value in table.items():
        kind = ENGINE_KEYS.get(key)
        if kind is None:
            raise ConfigError(
                f"{path}: unknown key {key!r} in [engine]: use {', '.join(ENGINE_KEYS)}"
            )
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            kind_name = {str: "text", bool: "true or false", int: "a whole number"}[kind]
            raise ConfigError(f"{path}: [engine] {key} must be {kind_name}")
    return dict(table)


_warned_insecure = False


def _transport_class():
    from opensearchpy import Transport
    from opensearchpy.exceptions import ConnectionError as TransportConnectionError
    from opensearchpy.exceptions import TransportError

    class BackoffTransport(Transport):
        """Each request tries every node once (the client's own retries), then waits and
        tries again, doubling the pause: a node being replaced or a cluster shedding load
        (429, 502, 503, 504, refused connections) is given a few seconds before an error."""

        def perform_request(self, *args, **kwargs):
            for pause in (*BACKOFF_SECONDS, None):
                try:
                    return super().perform_request(*args, **kwargs)
                except TransportError as exc:
                    retryable = isinstance(exc, TransportConnectionError) or (
                        exc.status_code in RETRY_STATUSES
                    )
                    if not retryable or pause is None:
                        raise
                    time.sleep(pause)

    return BackoffTransport


def make_client(location: Location, timeout: float = 30.0):
    """An ``opensearchpy.OpenSearch`` for the location, retrying overload and failover."""
    global _warned_insecure
    try:
        from opensearchpy import OpenSearch
    except ImportError:
        raise UsageError(
            "the OpenSearch engine needs opensearch-py: pip install 'searchkit[opensearch]'"
        ) from None
    options: dict[str, object] = {
        "hosts": location.hosts,
        "timeout": timeout,
        "max_retries": max(1, len(location.hosts) - 1),
        "transport_class": _transport_class(),
        "retry_on_status": RETRY_STATUSES,
        "retry_on_timeout": True,
        "http_compress": False,
    }
    if location.user:
        options["http_auth"] = (location.user, location.password)
    if location.url.startswith("https:"):
        options["use_ssl"] = True
        options["verify_certs"] = location.verify
        options["ssl_show_warn"] = False
        if location.ca_certs:
            options["ca_certs"] = location.ca_certs
        if not location.verify and not _warned_insecure:
            _warned_insecure = True
            print(
                f"Warning: TLS certificates of {location.url} are not verified ({INSECURE_ENV})",
                file=sys.stderr,
            )
    return OpenSearch(**options)


def unavailable(location: Location, exc: BaseException) -> ClusterUnavailableError:
    """The error for a cluster that cannot be reached; never shows credentials."""
    reason = type(exc).__name__
    info = getattr(exc, "info", None)
    if isinstance(info, Exception):
        reason = str(info).split(":", 1)[0][:80] or reason
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        reason = f"HTTP {status}"
    return ClusterUnavailableError(
        f"cannot reach OpenSearch at {location.url} ({reason}): start the cluster "
        "(scripts/opensearch-local start) or check the index location"
    )
