"""Every use of Whoosh 2.7.4's private API, in one place.

Whoosh is pinned at 2.7.4 (README, "Design notes"), so these names are stable; the test
``tests/test_whoosh_internals.py`` asserts that each of them still exists in the installed
Whoosh, and that postings written by our codec read back the same through stock Whoosh.
Nothing outside this module touches an underscore attribute of a Whoosh object.

The private names relied on, and why:

- ``SegmentWriter._merge_segments``, ``._added``, ``._finalize_segment``,
  ``._close_segment``, ``._commit_toc``, ``._finish``: a commit that adds segments written
  by worker processes to the writer's own (``commit_with_segments``); Whoosh's public
  ``commit()`` only knows the writer's own segment.
- ``SegmentWriter._tempstorage`` and ``.pool``: each worker's writer gets a temporary folder
  and posting pool of its own, because Whoosh gives every writer the same folder and deletes
  it when the first one finishes (``open_segment_writer``).
- ``FileIndex._segments``: the segments of the newest commit, to save missing facet files.
- ``TOC._pattern``, ``TOC._filename``, ``TOC._segment_pattern``: the names of commit files
  and segment files, for ``check`` and for moving a rebuilt index in.
- ``W3LeafMatcher._read_ids``, ``._read_weights``, ``._ids``, ``._weights``, ``._atend``,
  ``._next_block``, ``SegmentReader._terms`` and its ``._postfile`` and ``._codec``: a term's
  posting ids and weights a block at a time, without a matcher per posting
  (``posting_blocks``).
- ``Query._btexts``: the index terms a prefix, wildcard or fuzzy term expands to.
- The codec classes below subclass W3's per-document reader (``_colfiles``,
  ``_get_column_file``, ``_cached_reader``, ``_doccount``, a column reader's ``_dbfile``,
  ``_basepos`` and ``_count``), its postings writer (``_ids``, ``_weights``, ``_values``,
  ``_blockcount``, ``_blocklimit``, ``_maxweight``, ``_minlength``, ``_maxlength``,
  ``_terminfo``, ``_postfile``, ``_compression``, ``_format``, ``_new_block``,
  ``_mini_ids``, ``_mini_values``, ``_write_block``), its field writer (``_postwriter``) and
  its leaf matcher (``_data``, ``_read_data``, ``_read_values``, ``_values``); each class
  says why.

The codec: Whoosh's W3 codec, with its per-document reader made safe and cheaper.

Whoosh opens a segment's column files (stored fields, field lengths, sortable columns)
lazily, on first use. Between a searcher reading the table of contents and that first use,
a commit in another process can delete the segment (a merge, a rebuild's swap): the late
open then fails and the search errors. Opening every column file when the reader is made
closes that window, because on POSIX an open file outlives its deletion.

Knowing all of a segment's columns up front also answers `has_column` without a stat():
Whoosh asked it for every posting while writing (13% of the build time of the generated
benchmark corpus, bench/scale.py).

Segments are compound: one ``.seg`` file per segment instead of 23 (postings, terms, stored
fields and a column per field length and facet). A searcher holds one descriptor per
segment (its memory map's) instead of 23: 200 segments fit under the usual ``ulimit -n``
of 1,024 where they took 4,600. Whoosh maps a compound file into memory, but its
``BufferFile`` copies each sub-file into a ``BytesIO`` when it is opened, so a search read
the whole index into memory. ``MappedFile`` reads from the map itself and copies only the
bytes asked for (``CompoundStorage._source``, replaced per storage in ``map_subfiles``).

Field lengths are read once per field as one byte string instead of one file read per
call: Whoosh asks for a document's length for every posting it writes and for every
document it scores (a quarter of the time spent writing a segment's postings).
"""

from __future__ import annotations

import functools
import os
import pickle
import zlib

from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3LeafMatcher,
    W3PerDocReader,
    W3PostingsWriter,
    _lenfield,
)
from whoosh.filedb.compound import CompoundStorage
from whoosh.matching import ListMatcher
from whoosh.util.numeric import byte_to_length, length_to_byte

from .mapped_file import MappedFile


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

    def _length_bytes(self, fieldname: str) -> bytes | None:
        try:
            return self._length_cache[fieldname]
        except AttributeError:
            self._length_cache: dict[str, bytes | None] = {}
        except KeyError:
            pass
        reader = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        lengths = None
        if reader is not None:
            # One byte per document; documents after the last one written default to 0.
            stored = reader._dbfile.get(reader._basepos, reader._count)
            lengths = bytes(stored) + bytes(self._doccount - reader._count)
        self._length_cache[fieldname] = lengths
        return lengths

    def doc_field_length(self, docnum, fieldname, default=0):
        if docnum > self._doccount:
            raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
        lengths = self._length_bytes(fieldname)
        if lengths is None:
            return default
        lbyte = lengths[docnum]
        return byte_to_length(lbyte) if lbyte else None  # as Whoosh: None for no length


#: Marks a block whose variable-size values are packed as (marker, bytes, lengths).
PACKED_VALUES = "\x00packed"
#: Blocks smaller than this (pickled) are written uncompressed.
SMALLEST_COMPRESSED_BLOCK = 128


class CompactPostingsWriter(W3PostingsWriter):
    """Writes posting blocks in less space; the block layout is Whoosh's own.

    Whoosh pickles a block with protocol 2, which spells every bytes value (a posting's
    positions) as a call to ``_codecs.encode``: about 17 bytes of overhead per posting. Here
    a block's values are one byte string plus their lengths. Weights that are whole numbers
    (term counts, in our fields) are written as ints: 2 bytes pickled where a float takes 9;
    Whoosh's reader takes the tuple as it is, and ints score like the floats they replace.
    """

    def _mini_weights(self):
        weights = self._weights
        first = weights[0]
        if all(w == first for w in weights):
            return None if first == 1.0 else first
        if all(w.is_integer() for w in weights):
            return tuple(int(w) for w in weights)
        return tuple(weights)

    def _write_block(self, last=False):
        # Whoosh's own, except that a small block is not compressed: Whoosh meant to skip
        # zlib under 20 bytes but overwrote its own decision, and most terms of a segment
        # have a handful of postings, where zlib costs time and saves nothing.
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        databytes = pickle.dumps((self._mini_ids(), self._mini_weights(), self._mini_values()), 2)
        comp = self._compression if len(databytes) >= SMALLEST_COMPRESSED_BLOCK else 0
        if comp:
            databytes = zlib.compress(databytes, comp)
        ids = self._ids
        infobytes = pickle.dumps(
            (
                len(ids),
                ids[-1],
                self._maxweight,
                comp,
                length_to_byte(self._minlength),
                length_to_byte(self._maxlength),
            ),
            2,
        )
        blocklength = len(infobytes) + len(databytes)
        self._postfile.write_int(-blocklength if last else blocklength)
        self._postfile.write(infobytes)
        self._postfile.write(databytes)
        self._blockcount += 1
        self._new_block()

    def _mini_values(self):
        if self._format.fixed_value_size() is not None and self._format.fixed_value_size() >= 0:
            return super()._mini_values()
        values = self._values
        return PACKED_VALUES, b"".join(values), tuple(len(v) for v in values)


class LeanFieldWriter(W3FieldWriter):
    """Whoosh's field writer with the posting loop written out.

    Whoosh passes each posting through three method calls and five type assertions on its
    way into a block; here the loop appends to the block directly. A segment's postings
    were 40% of its indexing time. The output is the same as Whoosh's.
    """

    def add_postings(self, schema, lengths, items):
        lastfn = lasttext = None
        pw = None
        no_length = lengths is None
        for fieldname, btext, docnum, weight, value in items:
            if fieldname != lastfn:
                if lasttext is not None:
                    self.finish_term()
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                lastfn, lasttext = fieldname, None
            if docnum == -1:
                continue  # a spelling word (none of our fields has spelling)
            if btext != lasttext:
                if lasttext is not None:
                    self.finish_term()
                self.start_term(btext)
                lasttext = btext
                pw = self._postwriter
            length = 0 if no_length else lengths.doc_field_length(docnum, fieldname)
            if len(pw._ids) >= pw._blocklimit:
                pw._write_block()
            pw._ids.append(docnum)
            pw._weights.append(weight)
            if weight > pw._maxweight:
                pw._maxweight = weight
            if value:  # as Whoosh: an empty or missing value is not stored
                pw._values.append(value)
            if length:
                if pw._minlength is None or length < pw._minlength:
                    pw._minlength = length
                if length > pw._maxlength:
                    pw._maxlength = length
        if lasttext is not None:
            self.finish_term()
        if lastfn is not None:
            self.finish_field()


class CompactLeafMatcher(W3LeafMatcher):
    def _read_values(self):
        if self._data is None:
            self._read_data()
        vs = self._data[2]
        if isinstance(vs, tuple) and len(vs) == 3 and vs[0] == PACKED_VALUES:
            _, packed, lengths = vs
            values, start = [], 0
            for length in lengths:
                values.append(packed[start : start + length])
                start += length
            self._values = values
        else:
            super()._read_values()


def _open_mapped(compound, name, *args, **kwargs):
    offset, length = compound.range(name)
    return MappedFile(memoryview(compound._source)[offset : offset + length], name=name)


def map_subfiles(storage):
    """``storage`` with its compound segment's sub-files opened as ``MappedFile``s."""
    compound = getattr(storage, "a", None)  # SegmentReader's OverlayStorage(compound, folder)
    if isinstance(compound, CompoundStorage) and compound._source is not None:
        compound.open_file = functools.partial(_open_mapped, compound)
    return storage


class SearchkitCodec(W3Codec):
    def terms_reader(self, storage, segment):
        return super().terms_reader(map_subfiles(storage), segment)

    def per_document_reader(self, storage, segment):
        return EagerPerDocReader(map_subfiles(storage), segment)

    def field_writer(self, storage, segment):
        return LeanFieldWriter(self, storage, segment)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return ListMatcher(
                ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo
            )
        offset, length = terminfo.extent()
        return CompactLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)

    def postings_writer(self, dbfile, byteids=False):
        return CompactPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )


# ---- writing: worker segments and commits -------------------------------------------------

INDEX_NAME = "MAIN"


def open_segment_writer(index_dir: str, pool_mb: int):
    """A writer for one new segment that never takes the index lock and never commits.

    Whoosh gives every writer the same temporary folder and deletes it when one of them
    finishes; a folder of our own survives the other writers' commits.
    """
    from whoosh.filedb.filestore import FileStorage
    from whoosh.writing import PostingPool, SegmentWriter

    storage = FileStorage(index_dir)
    writer = SegmentWriter(storage.open_index(), _lk=False, codec=SearchkitCodec(), compound=True)
    writer._tempstorage = storage.temp_storage(f".build-{os.getpid()}-{id(writer)}.tmp")
    writer.pool = PostingPool(writer._tempstorage, writer.newsegment, limitmb=pool_mb)
    return writer


def segment_writer_documents(writer) -> int:
    """How many documents a segment writer holds so far."""
    return writer.docnum


def finish_segment(writer):
    """Write a segment writer's postings and close it, uncommitted; returns its Segment."""
    try:
        return writer._finalize_segment()
    finally:
        writer._tempstorage.destroy()


def abandon_segment(writer) -> None:
    """Close a segment writer without finishing it; its files become orphans that the next
    commit deletes."""
    try:
        writer._close_segment()
        writer._tempstorage.destroy()
    except Exception:
        pass


def commit_with_segments(writer, merge_policy, segments: list) -> None:
    """``SegmentWriter.commit()`` with segments written elsewhere added to the new table of
    contents, beside the writer's own segment and deletions."""
    kept = writer._merge_segments(merge_policy, False, True)
    if writer._added:
        kept.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(kept + segments)
    writer._finish()


def segment_reader(storage, schema, segment):
    """A reader over one segment (for merging, and for saving its facet file)."""
    from whoosh.reading import SegmentReader

    return SegmentReader(storage, schema, segment)


def committed_segments(ix) -> list:
    """The segments of the newest commit of a Whoosh index."""
    return ix._segments()


# ---- commit files -------------------------------------------------------------------------


def commit_generations(path: str) -> list[int]:
    """Generations of the commits (tables of contents) in an index folder, newest first."""
    from whoosh.index import TOC

    pattern = TOC._pattern(INDEX_NAME)
    found = [int(m.group(1)) for name in os.listdir(path) if (m := pattern.match(name))]
    return sorted(found, reverse=True)


def commit_filename(generation: int) -> str:
    """The file name of one commit's table of contents."""
    from whoosh.index import TOC

    return TOC._filename(INDEX_NAME, generation)


def is_segment_file(name: str) -> bool:
    """Whether a file name belongs to a segment (postings, columns, stored fields)."""
    from whoosh.index import TOC

    return bool(TOC._segment_pattern(INDEX_NAME).match(name))


def move_commit(source_dir: str, target_dir: str, generation: int) -> None:
    """Make the newest commit of ``source_dir`` the newest commit of ``target_dir`` (whose
    segment files must already be there), as ``generation``; the switch is a rename."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    toc = TOC.read(FileStorage(source_dir), INDEX_NAME)
    toc.generation = generation
    storage = FileStorage(target_dir)
    toc.write(storage, INDEX_NAME)  # a temp file renamed over: the switch is atomic
    return toc


def delete_unreferenced(target_dir: str, toc) -> None:
    """Delete the files of older commits and segments ``toc`` does not name."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import clean_files

    clean_files(FileStorage(target_dir), INDEX_NAME, toc.generation, toc.segments)


# ---- reading postings ---------------------------------------------------------------------


def posting_blocks(reader, fieldname: str, btext: bytes, terminfo):
    """A term's postings in one segment as (ids, weights) blocks, read without a matcher
    call per posting."""
    terms = getattr(reader, "_terms", None)
    if terms is not None and hasattr(terms, "_postfile"):
        fmt = reader.schema[fieldname].format
        matcher = terms._codec.postings_reader(terms._postfile, terminfo, fmt)
    else:
        matcher = reader.postings(fieldname, btext)
    if hasattr(matcher, "_read_ids"):
        while not matcher._atend:
            matcher._read_ids()
            matcher._read_weights()
            yield matcher._ids, matcher._weights
            matcher._next_block()
        return
    ids, weights = [], []  # not Whoosh's on-disk matcher: walk it
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    yield ids, weights


def expansions(query, reader):
    """The index terms (bytes) a prefix, wildcard or fuzzy query expands to, lazily."""
    return query._btexts(reader)


def field_b(weighting, fieldname: str) -> float:
    """BM25F's length normalisation B for one field (``BM25F._field_B``)."""
    return weighting._field_B.get(fieldname, weighting.B)
