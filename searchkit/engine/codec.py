"""Whoosh's W3 codec, with its per-document reader made safe and cheaper.

Whoosh opens a segment's column files (stored fields, field lengths, sortable columns)
lazily, on first use. Between a searcher reading the table of contents and that first use,
a commit in another process can delete the segment (a merge, a rebuild's swap): the late
open then fails and the search errors. Opening every column file when the reader is made
closes that window, because on POSIX an open file outlives its deletion.

Knowing all of a segment's columns up front also answers `has_column` without a stat():
Whoosh asked it for every posting while writing (13% of the build time of the generated
benchmark corpus, bench/bench_index.py).
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader


class EagerPerDocReader(W3PerDocReader):
    def __init__(self, storage, segment):
        super().__init__(storage, segment)
        marker = "\0"
        prefix, suffix = W3Codec.column_filename(segment, marker).split(marker)
        self._columns = set()
        for name in storage.list():
            if name.startswith(prefix) and name.endswith(suffix):
                fieldname = name[len(prefix) : len(name) - len(suffix)]
                self._colfiles[fieldname] = self._get_column_file(fieldname)
                self._columns.add(fieldname)
        if segment.doc_count_all() and "_stored" not in self._columns:
            # Every segment with documents has stored fields: its files were deleted after
            # the table of contents was read. The caller opens the newer commit instead.
            raise FileNotFoundError(f"segment {segment.segment_id()} is gone")

    def has_column(self, fieldname):
        return fieldname in self._columns


class SearchkitCodec(W3Codec):
    def per_document_reader(self, storage, segment):
        return EagerPerDocReader(storage, segment)
