"""Whoosh's W3 codec, with one per-document lookup cached.

While writing postings, Whoosh asks the per-document reader for the length of the field in
every posting's document, and each ask checks on disk whether the length column exists (a
stat() per posting: about a quarter million per thousand news articles). The answer cannot
change while a segment is open, so it is asked once per field. 13% of the build time of
the generated benchmark corpus (bench/bench_index.py).
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader


class CachedPerDocReader(W3PerDocReader):
    def has_column(self, fieldname):
        cache = self.__dict__.setdefault("_has_column", {})
        if fieldname not in cache:
            cache[fieldname] = super().has_column(fieldname)
        return cache[fieldname]


class SearchkitCodec(W3Codec):
    def per_document_reader(self, storage, segment):
        return CachedPerDocReader(storage, segment)
