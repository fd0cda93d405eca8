"""The seam to Whoosh's private API: every private name still exists in the installed
Whoosh, and postings written by our codec read back the same through stock Whoosh."""

import re

import pytest
from whoosh import fields
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import RamStorage

import searchkit.engine.whoosh_internals as internals
from searchkit.engine.analysis import TextField

#: Every private name whoosh_internals documents, as (object path, attribute).
PRIVATE_NAMES = [
    ("whoosh.writing.SegmentWriter", "_merge_segments"),
    ("whoosh.writing.SegmentWriter", "_finalize_segment"),
    ("whoosh.writing.SegmentWriter", "_close_segment"),
    ("whoosh.writing.SegmentWriter", "_commit_toc"),
    ("whoosh.writing.SegmentWriter", "_finish"),
    ("whoosh.index.FileIndex", "_segments"),
    ("whoosh.index.TOC", "_pattern"),
    ("whoosh.index.TOC", "_filename"),
    ("whoosh.index.TOC", "_segment_pattern"),
    ("whoosh.codec.whoosh3.W3LeafMatcher", "_read_ids"),
    ("whoosh.codec.whoosh3.W3LeafMatcher", "_read_weights"),
    ("whoosh.codec.whoosh3.W3LeafMatcher", "_next_block"),
    ("whoosh.codec.whoosh3.W3LeafMatcher", "_read_data"),
    ("whoosh.codec.whoosh3.W3LeafMatcher", "_read_values"),
    ("whoosh.query.Prefix", "_btexts"),
    ("whoosh.query.FuzzyTerm", "_btexts"),
    ("whoosh.codec.whoosh3.W3PerDocReader", "_get_column_file"),
    ("whoosh.codec.whoosh3.W3PerDocReader", "_cached_reader"),
    ("whoosh.codec.whoosh3.W3PostingsWriter", "_new_block"),
    ("whoosh.codec.whoosh3.W3PostingsWriter", "_mini_ids"),
    ("whoosh.codec.whoosh3.W3PostingsWriter", "_mini_values"),
    ("whoosh.codec.whoosh3.W3PostingsWriter", "_write_block"),
]
#: Private attributes set in constructors, checked on live objects below.
INSTANCE_NAMES = {
    "writer": ["_added", "_tempstorage", "pool"],
    "matcher": ["_ids", "_weights", "_atend", "_data", "_values"],
    "reader": ["_terms"],
    "terms": ["_postfile", "_codec"],
    "perdoc": ["_colfiles", "_doccount"],
    "weighting": ["_field_B"],
    "postings_writer": [
        "_blockcount",
        "_blocklimit",
        "_compression",
        "_format",
        "_maxlength",
        "_maxweight",
        "_minlength",
        "_terminfo",
        "_ids",
        "_weights",
        "_values",
        "_postfile",
    ],
    "field_writer": ["_postwriter"],
    "column_reader": ["_dbfile", "_basepos", "_count"],
    "compound": ["_source"],
}


def _resolve(path):
    module, _, name = path.rpartition(".")
    return getattr(__import__(module, fromlist=[name]), name)


@pytest.mark.parametrize(("owner", "name"), PRIVATE_NAMES, ids=lambda v: str(v))
def test_private_name_exists(owner, name):
    assert hasattr(_resolve(owner), name)


def test_every_documented_name_is_checked():
    documented = set(re.findall(r"``[\w.]*?\.(_[a-z]\w*)``", internals.__doc__))
    documented |= set(re.findall(r"``(_[a-z]\w*)``", internals.__doc__))
    checked = {name for _, name in PRIVATE_NAMES} | {
        n for names in INSTANCE_NAMES.values() for n in names
    }
    assert documented - checked == set()


DOCS = [
    {"body": "alpha beta gamma alpha " * (i % 7 + 1) + f"word{i % 13} delta{i % 5}"}
    for i in range(400)  # several posting blocks per common term
]


def _index(codec):
    schema = fields.Schema(body=TextField("en"))
    ix = RamStorage().create_index(schema)
    writer = ix.writer(codec=codec)
    for doc in DOCS:
        writer.add_document(**doc)
    writer.commit()
    return ix


def _postings(ix, with_values=True):
    out = {}
    with ix.reader() as reader:
        for fieldname, term in reader.all_terms():
            m = reader.postings(fieldname, term)
            ids, weights, values = [], [], []
            while m.is_active():
                ids.append(m.id())
                weights.append(m.weight())
                if with_values:
                    values.append(m.value_as("positions"))
                m.next()
            out[(fieldname, term)] = (ids, weights, values)
    return out


def test_postings_read_back_the_same_through_stock_whoosh():
    ours = _index(internals.SearchkitCodec())
    stock = _index(W3Codec())
    # Ids and weights of our files read through stock Whoosh's W3 reader, and positions
    # through our reader, equal what stock Whoosh wrote.
    stock_reading_ours = {k: v[:2] for k, v in _postings(ours, with_values=False).items()}
    assert stock_reading_ours == {k: v[:2] for k, v in _postings(stock, with_values=False).items()}
    assert _postings(ours) == _postings(stock)


def test_instance_attributes_exist(tmp_path):
    from searchkit import Index
    from searchkit.engine.ranking import ranking_model
    from support import write_records

    write_records(
        tmp_path / "a.jsonl", [{"title": "alpha", "text": "alpha beta", "language": "en"}] * 3
    )
    with Index.create(tmp_path / "ix") as index:
        index.update([tmp_path / "a.jsonl"], jobs=1)
        store = index._store
    writer = internals.open_segment_writer(str(store.path), 16)
    try:
        for name in INSTANCE_NAMES["writer"]:
            assert hasattr(writer, name), name
    finally:
        internals.abandon_segment(writer)
    with store.ix.reader() as reader:
        leaf = reader.leaf_readers()[0][0] if reader.leaf_readers() else reader
        for name in INSTANCE_NAMES["reader"]:
            assert hasattr(leaf, name), name
        for name in INSTANCE_NAMES["terms"]:
            assert hasattr(leaf._terms, name), name
        for name in INSTANCE_NAMES["perdoc"]:
            assert hasattr(leaf._perdoc, name), name
        compound = leaf._storage.a  # the segment's compound file, memory-mapped
        for name in INSTANCE_NAMES["compound"]:
            assert getattr(compound, name) is not None, name
        assert isinstance(leaf._perdoc._colfiles["_stored"][0], internals.MappedFile)
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        column = leaf._perdoc._cached_reader(_lenfield("body_en"), LENGTHS_COLUMN)
        for name in INSTANCE_NAMES["column_reader"]:
            assert hasattr(column, name), name
        matcher = leaf.postings("body_en", "alpha")
        matcher._read_data()
        for name in INSTANCE_NAMES["matcher"]:
            assert hasattr(matcher, name), name
    weighting = ranking_model(("en",))
    for name in INSTANCE_NAMES["weighting"]:
        assert hasattr(weighting, name), name


def test_writer_attributes_exist():
    import io

    from whoosh.codec.whoosh3 import W3FieldWriter, W3TermInfo
    from whoosh.filedb.structfile import StructFile

    from searchkit.engine.analysis import VarintPositions

    writer = internals.SearchkitCodec().postings_writer(StructFile(io.BytesIO()))
    writer.start_postings(VarintPositions(), W3TermInfo())
    for name in INSTANCE_NAMES["postings_writer"]:
        assert hasattr(writer, name), name
    field_writer = W3FieldWriter.__new__(W3FieldWriter)
    W3FieldWriter.__init__(field_writer, W3Codec(), RamStorage(), _FakeSegment())
    for name in INSTANCE_NAMES["field_writer"]:
        assert hasattr(field_writer, name), name


class _FakeSegment:
    def make_file(self, storage, ext):
        return storage.create_file("x" + ext)

    def create_file(self, storage, ext):
        return storage.create_file("x" + ext)
