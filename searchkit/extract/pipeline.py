"""Extract every document of one file; the unit of work of an indexing worker.

Nothing raised by one file escapes: whatever goes wrong becomes a SkippedFile with a
one-line reason, and the run goes on with the next file.
"""

from __future__ import annotations

import errno
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..config import ExtractConfig
from ..errors import UnreadableFileError
from ..model import Document, SkippedFile
from .documents import build_document
from .formats import (
    JSONL_SUFFIXES,
    BadRecord,
    RawArticle,
    article_suffix,
    gunzip,
    is_gzipped,
    read_file,
)
from .language import collection_language, needs_prior

#: Larger files are skipped (JSON Lines excepted: a large export is many small articles).
#: 20 MB is far beyond any article, and keeps a run's memory bounded.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: A gzip-compressed JSON Lines file is read whole (it cannot be cut into spans): this much.
MAX_GZIP_JSONL_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class Span:
    """Whole lines of a JSON Lines file: ``length`` bytes from ``offset``, whose first line is
    line ``first_line`` of the file. Large exports are split into spans so that several
    workers share one file."""

    offset: int
    length: int
    first_line: int


def _count_lines(block: bytes) -> int:
    """Lines as bytes.splitlines() counts them (\n, \r\n and \r all end a line)."""
    if not block:
        return 0
    ends = block.count(b"\n") + block.count(b"\r") - block.count(b"\r\n")
    return ends + (0 if block.endswith((b"\n", b"\r")) else 1)


def jsonl_spans(path: str, span_bytes: int) -> tuple[str, tuple[Span, ...]]:
    """The sha1 of a JSON Lines file and its cut into spans of about ``span_bytes``, each
    ending at a line end, read as a stream so a large file is never held in memory."""
    digest = hashlib.sha1()
    spans = []
    offset, line = 0, 1
    with open(path, "rb") as fh:
        while True:
            block = fh.read(span_bytes)
            if not block:
                break
            if not block.endswith(b"\n"):
                # Cut after a \n only, so a \r\n pair is never split across two spans.
                block += fh.readline()
            digest.update(block)
            spans.append(Span(offset, len(block), line))
            offset += len(block)
            line += _count_lines(block)
    return digest.hexdigest(), tuple(spans)


@dataclass(frozen=True)
class FileExtraction:
    """The documents of one file, the records that were skipped, and the file's identity."""

    path: str
    documents: tuple[Document, ...]
    skipped: tuple[SkippedFile, ...]
    content_hash: str = ""
    mtime_ns: int = 0
    size: int = 0


def _read(path: Path, span: Span | None = None) -> tuple[bytes, os.stat_result]:
    """The file's bytes (its span's, or decompressed for a .gz) and its stat."""
    raw, stat = _read_raw(path, span)
    if is_gzipped(path.name):
        records = article_suffix(path.name) in JSONL_SUFFIXES
        return gunzip(raw, MAX_GZIP_JSONL_BYTES if records else MAX_FILE_BYTES), stat
    return raw, stat


def _read_raw(path: Path, span: Span | None) -> tuple[bytes, os.stat_result]:
    try:
        stat = path.stat()
        if stat.st_size > MAX_FILE_BYTES and article_suffix(path.name) not in JSONL_SUFFIXES:
            raise UnreadableFileError(
                f"file too large ({stat.st_size / 2**20:.0f} MB; the limit is "
                f"{MAX_FILE_BYTES // 2**20} MB)"
            )
        with path.open("rb") as fh:
            if span is None:
                return fh.read(), stat
            fh.seek(span.offset)
            return fh.read(span.length), stat
    except PermissionError:
        raise UnreadableFileError("permission denied") from None
    except FileNotFoundError:
        if path.is_symlink():
            raise UnreadableFileError("broken symbolic link") from None
        raise UnreadableFileError("file disappeared before it could be read") from None
    except IsADirectoryError:
        raise UnreadableFileError("is a directory") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnreadableFileError("symbolic link loop") from None
        raise UnreadableFileError(f"cannot read ({exc.strerror or exc})") from None


def extract_file(
    path: str, config: ExtractConfig, span: Span | None = None, id_key: str = ""
) -> FileExtraction:
    """Read and extract one file, or one span of a JSON Lines file (whose ``content_hash``
    is then the span's). Document ids hash ``id_key`` (see ``files.SourceFile``), or the
    path without one. Never raises for a bad file: see ``skipped``."""
    documents: list[Document] = []
    skipped: list[SkippedFile] = []
    weak_language: list[tuple[int, RawArticle]] = []  # (position in documents, record)
    try:
        raw, stat = _read(Path(path), span)
    except UnreadableFileError as exc:
        return FileExtraction(path, (), (SkippedFile(path, str(exc)),))
    digest = hashlib.sha1(raw).hexdigest()  # of the decompressed bytes, for a .gz
    try:
        for item in read_file(Path(path), raw, span.first_line if span else 1):
            if isinstance(item, BadRecord):
                skipped.append(SkippedFile(f"{path}:{item.record}", item.reason))
                continue
            try:
                documents.append(build_document(item, path, config, id_key))
                if needs_prior(documents[-1]):
                    weak_language.append((len(documents) - 1, item))
            except RecursionError:
                where = path if item.record is None else f"{path}:{item.record}"
                skipped.append(SkippedFile(where, "nested too deeply to read"))
            except Exception as exc:  # an extractor bug must not stop the run: report it
                where = path if item.record is None else f"{path}:{item.record}"
                reason = f"extraction failed ({type(exc).__name__}: {exc})"
                skipped.append(SkippedFile(where, reason))
    except UnreadableFileError as exc:
        skipped.append(SkippedFile(path, str(exc)))
    except RecursionError:
        skipped.append(SkippedFile(path, "nested too deeply to read"))
    except Exception as exc:  # a parser failing on hostile input must not stop the run
        skipped.append(SkippedFile(path, f"could not be read ({type(exc).__name__}: {exc})"))
    # Records too short to show their language take it from the file's other records.
    prior = collection_language([doc.language for doc in documents]) if weak_language else ""
    for position, item in weak_language if prior else ():
        if documents[position].language == prior:
            continue
        try:
            documents[position] = build_document(item, path, config, id_key, language_prior=prior)
        except Exception:  # it was extracted once already: keep that
            continue
    return FileExtraction(
        path, tuple(documents), tuple(skipped), digest, stat.st_mtime_ns, stat.st_size
    )
