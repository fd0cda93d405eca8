"""Read one file into raw articles: text and explicit metadata, before any extraction.

Formats: plain text and Markdown (optional front matter), HTML, JSON (one article or a list)
and JSON Lines (one article per line), each also gzip-compressed (``a.html.gz``). A JSON
record's fields are mapped from the common names news exports use; see ``FIELD_NAMES`` and
the README.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UnreadableFileError
from .encoding import decode

TEXT_SUFFIXES = frozenset({".txt", ".md", ".text", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSON_SUFFIXES = frozenset({".json"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES
GZIP_SUFFIX = ".gz"


def article_suffix(name: str) -> str:
    """The suffix that says a file's format, lower-cased: ".html" for "a.HTML.gz" too."""
    suffixes = [s.lower() for s in Path(name).suffixes]
    if len(suffixes) >= 2 and suffixes[-1] == GZIP_SUFFIX:
        return suffixes[-2]
    return suffixes[-1] if suffixes else ""


def is_gzipped(name: str) -> bool:
    return name.lower().endswith(GZIP_SUFFIX)


def gunzip(raw: bytes, limit: int) -> bytes:
    """The decompressed bytes of a gzip file, refusing more than ``limit`` of them (a small
    file can hold gigabytes of zeros)."""
    import gzip
    import io
    import zlib

    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as fh:
            data = fh.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise UnreadableFileError(f"not a readable gzip file ({exc})") from None
    if len(data) > limit:
        raise UnreadableFileError(
            f"decompresses to more than {limit // 2**20} MB, the limit for one file"
        )
    return data


#: Our metadata key -> the record field names that supply it, first match wins.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name"),
    "body": (
        "text",
        "body",
        "content",
        "maintext",
        "articleBody",
        "article",
        "full_text",
        "short_description",
        "description",
        "summary",
        "abstract",
    ),
    "date": (
        "date",
        "published",
        "date_publish",
        "published_at",
        "publishedAt",
        "pubDate",
        "datePublished",
        "publish_date",
        "pub_date",
        "created_at",
        "timestamp",
    ),
    "url": ("url", "link", "canonical_url", "uri"),
    "source": ("source", "site", "source_domain", "site_name", "publisher", "outlet", "domain"),
    "source_type": ("source_type", "sourcetype", "media_type"),
    "authors": ("authors", "author", "byline", "creator"),
    "category": ("category", "section", "topic", "categories"),
    "actors": ("actors", "people", "persons", "organizations", "entities"),
    "countries": ("countries", "country"),
    "language": ("language", "lang", "locale"),
}
LIST_KEYS = frozenset({"authors", "actors", "countries"})
FRONT_MATTER_KEYS = frozenset(FIELD_NAMES) - {"body"}


@dataclass(frozen=True)
class RawArticle:
    """An article as read from its file: text plus the metadata the file states explicitly."""

    title: str
    body: str
    meta: dict[str, Any] = field(default_factory=dict)
    record: int | None = None  # line number in a JSONL file, position in a JSON list
    html: Any = None  # the HtmlArticle a page was parsed into
    #: Every short field of the record as read (JSON keys, front-matter keys), for facets
    #: declared in searchkit.toml: text, numbers, and lists of them.
    fields: dict[str, Any] = field(default_factory=dict)


#: Raw fields longer than this are text (a body), not facet values, and are not kept.
MAX_FIELD_CHARS = 300
MAX_FIELD_ITEMS = 100
#: The title and body are stored as such; they are not kept again as raw fields.
_TEXT_KEYS = frozenset(n.lower() for n in (*FIELD_NAMES["title"], *FIELD_NAMES["body"]))


def raw_fields(record: dict[str, Any]) -> dict[str, Any]:
    """The short scalar fields of a record, and lists of them, as declared facets read them."""

    def scalar(value: Any) -> Any:
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, int | float):
            return value
        if isinstance(value, str) and len(value) <= MAX_FIELD_CHARS:
            return value.strip()
        return None

    out: dict[str, Any] = {}
    for key, value in record.items():
        if not isinstance(key, str) or key.lower() in _TEXT_KEYS:
            continue
        if isinstance(value, list):
            items = [v for v in (scalar(x) for x in value[:MAX_FIELD_ITEMS]) if v not in (None, "")]
            if items:
                out[key] = items
        elif (kept := scalar(value)) not in (None, ""):
            out[key] = kept
    return out


@dataclass(frozen=True)
class BadRecord:
    record: int
    reason: str


def _as_text(value: Any, joiner: str = ", ") -> str:
    """A record value as text: strings as they are, numbers as text, names from objects,
    lists joined (paragraphs for a body, commas for one-line fields)."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        return _as_text(value.get("name") or value.get("title") or value.get("@value"), joiner)
    if isinstance(value, list):
        return joiner.join(t for t in (_as_text(v, joiner) for v in value) if t)
    return ""


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        flat: list[str] = []
        for item in value:
            flat.extend(_as_list(item) if isinstance(item, list) else [_as_text(item)])
        return [t for t in flat if t]
    text = _as_text(value)
    if not text:
        return []
    text = re.sub(r"^by\s+", "", text, flags=re.IGNORECASE)
    return [p.strip() for p in re.split(r",|;|\band\b", text) if p.strip()]


def map_record(record: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """Map a JSON object's fields to (title, body, metadata) using FIELD_NAMES."""
    found: dict[str, Any] = {}
    lowered = {k.lower(): v for k, v in record.items() if isinstance(k, str)}
    for key, names in FIELD_NAMES.items():
        for name in names:
            value = record.get(name, lowered.get(name.lower()))
            if isinstance(value, list) and not value and key in LIST_KEYS:
                found[key] = []  # an explicit empty list: there are none, do not extract
                break
            if value in (None, "", []):
                continue
            joiner = "\n\n" if key == "body" else ", "
            found[key] = _as_list(value) if key in LIST_KEYS else _as_text(value, joiner)
            if found[key]:
                break
            del found[key]
    title = found.pop("title", "")
    body = found.pop("body", "")
    return title, body, found


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "a value"


def _records_to_articles(obj: Any, record: int | None) -> RawArticle:
    if not isinstance(obj, dict):
        raise UnreadableFileError(f"expected a JSON object (an article), found {_json_kind(obj)}")
    title, body, meta = map_record(obj)
    if not title and not body:
        raise UnreadableFileError(
            "no text field (title/headline or text/body/content/maintext/short_description)"
        )
    return RawArticle(title=title, body=body, meta=meta, record=record, fields=raw_fields(obj))


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


def _front_matter_fields(block: str) -> dict[str, Any]:
    """Every ``key: value`` (and ``- item`` list) of a front-matter block, as written."""
    fields: dict[str, Any] = {}
    last_key = None
    for line in block.splitlines():
        item = re.match(r"^\s*-\s+(.*)$", line)
        if item and last_key:
            previous = fields.get(last_key)
            items = previous if isinstance(previous, list) else []
            items.append(item.group(1).strip().strip("'\""))
            fields[last_key] = items
            continue
        m = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$", line)
        if not m:
            continue
        last_key = m.group(1)
        value = m.group(2).strip()
        if value.startswith("[") and value.endswith("]"):
            fields[last_key] = [v.strip().strip("'\"") for v in value[1:-1].split(",") if v.strip()]
        elif value:
            fields[last_key] = value.strip("'\"")
    return raw_fields(fields)


def _parse_front_matter(block: str) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    last_key = None
    for line in block.splitlines():
        item = re.match(r"^\s*-\s+(.*)$", line)
        if item and last_key in LIST_KEYS:
            meta.setdefault(last_key, []).append(item.group(1).strip().strip("'\""))
            continue
        m = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$", line)
        if not m:
            continue
        key = m.group(1).lower().replace("-", "_")
        key = next((k for k, names in FIELD_NAMES.items() if key in names or key == k), key)
        if key not in FRONT_MATTER_KEYS:
            last_key = None
            continue
        value = m.group(2).strip()
        last_key = key
        if key in LIST_KEYS:
            value = value.strip("[]")
            meta[key] = [v.strip().strip("'\"") for v in value.split(",") if v.strip()]
        else:
            meta[key] = value.strip("'\"")
    return meta


def read_text(text: str, markdown: bool) -> RawArticle:
    """Front matter (optional), then the first non-empty line as title, the rest as body."""
    meta: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    m = _FRONT_MATTER.match(text)
    if m:
        meta = _parse_front_matter(m.group(1))
        fields = _front_matter_fields(m.group(1))
        text = text[m.end() :]
    lines = text.strip().splitlines()
    if meta.get("title"):
        title = meta.pop("title")
        return RawArticle(title, "\n".join(lines).strip(), meta=meta, fields=fields)
    if not lines:
        raise UnreadableFileError("empty file")
    title = re.sub(r"^#+\s*", "", lines[0].strip()) if markdown else lines[0].strip()
    return RawArticle(title=title, body="\n".join(lines[1:]).strip(), meta=meta, fields=fields)


def read_html(raw: bytes) -> RawArticle:
    from .html import parse_html

    page = parse_html(raw)
    if not page.text.strip() and not page.title.strip():
        raise UnreadableFileError("HTML page with no article text")
    return RawArticle(title=page.title, body=page.text, meta={}, html=page)


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _load_json(raw: bytes):
    """Parse JSON; a lone UTF-16 surrogate escape ("\\ud800"), which JSON allows but no
    text can be written with, becomes U+FFFD."""
    obj = json.loads(decode(raw))
    if _SURROGATE_ESCAPE.search(raw):
        obj = _replace_surrogates(obj)
    return obj


def _replace_surrogates(obj):
    if isinstance(obj, str):
        # A valid pair was already joined by the parser; what is left is alone.
        return _LONE_SURROGATE.sub("\ufffd", obj)
    if isinstance(obj, list):
        return [_replace_surrogates(v) for v in obj]
    if isinstance(obj, dict):
        return {_replace_surrogates(k): _replace_surrogates(v) for k, v in obj.items()}
    return obj


def iter_jsonl(raw: bytes, first_line: int = 1) -> Iterator[RawArticle | BadRecord]:
    """The records of JSON Lines text; ``first_line`` numbers its first line (a span of a
    larger file starts further down)."""
    for number, line in enumerate(raw.splitlines(), start=first_line):
        if not line.strip():
            continue
        try:
            obj = _load_json(line)
            yield _records_to_articles(obj, number)
        except UnreadableFileError as exc:
            yield BadRecord(number, str(exc))
        except json.JSONDecodeError as exc:
            yield BadRecord(number, f"invalid JSON at column {exc.colno} ({exc.msg})")
        except RecursionError:
            yield BadRecord(number, "nested too deeply to read")
        except ValueError as exc:  # e.g. a number longer than Python converts
            yield BadRecord(number, f"invalid JSON ({exc})")


def read_file(path: Path, raw: bytes, first_line: int = 1) -> Iterator[RawArticle | BadRecord]:
    """Yield the articles of one file, and a BadRecord for each record that cannot be read.

    ``first_line`` is for a span of a JSON Lines file: the line number of its first line.
    Raises UnreadableFileError when the whole file is unusable (binary, empty, broken JSON).
    """
    suffix = article_suffix(path.name)
    if suffix in JSONL_SUFFIXES and first_line > 1:
        yield from iter_jsonl(raw, first_line)  # a blank span of a larger file is no error
        return
    if not raw.strip():
        raise UnreadableFileError("empty file")
    if suffix in JSONL_SUFFIXES:
        yield from iter_jsonl(raw)
    elif suffix in HTML_SUFFIXES:
        yield read_html(raw)
    elif suffix in JSON_SUFFIXES:
        try:
            obj = _load_json(raw)
        except json.JSONDecodeError as exc:
            raise UnreadableFileError(
                f"invalid JSON at line {exc.lineno} column {exc.colno} ({exc.msg})"
            ) from None
        if isinstance(obj, list):
            for position, item in enumerate(obj, start=1):
                try:
                    yield _records_to_articles(item, position)
                except UnreadableFileError as exc:
                    yield BadRecord(position, str(exc))
        else:
            yield _records_to_articles(obj, None)
    else:
        yield read_text(decode(raw), markdown=suffix in {".md", ".markdown"})
