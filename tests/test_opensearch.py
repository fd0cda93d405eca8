"""The OpenSearch engine against a real OpenSearch node (scripts/opensearch-local).

The node is the one at $SEARCHKIT_TEST_OPENSEARCH (http://host:port), or one this test run
starts and stops. Without java or mvn the tests skip, except in CI (CI=true), where a
missing node is a failure: these tests must run there.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import uuid

import pytest

from searchkit import Index
from searchkit.errors import (
    ClusterUnavailableError,
    ExitCode,
    IndexMissingError,
    SchemaVersionError,
    UsageError,
)
from support import ROOT, SEEDS, write_records

pytest.importorskip("opensearchpy", reason="opensearch-py is not installed (extra 'opensearch')")

from searchkit.opensearch import open_engine, parse_location
from searchkit.search.query import translate_for_opensearch as translate_query

HARNESS = ROOT / "scripts" / "opensearch-local"
FACETS = ("actor", "country", "date", "source_type", "language", "source")
#: Queries over the seeds covering every kind of leaf and operator.
SEED_QUERIES = [
    "",
    "French instructors",
    '"French instructors"',
    "Macron",
    "macron troops",
    "troops NOT Russia",
    "NATO OR Kremlin",
    "actor:Macron",
    'actor:"Emmanuel Macron"',
    "country:FR",
    "country:Ukraine AND instructors",
    "ukrain*",
    "instruct?rs",
    "nato~",
    "instrutors~2",
    "title:statement",
    "body:parliament",
    "the",
    "the troops",
    "lang:en",
    "source_type:unknown",
    "date:[2024-01 TO 2024-03]",
    "Macron^3 OR Putin",
    "(Macron OR Putin) AND NOT Zelensky",
    "élysée",
    "Macron's",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def cluster_url(tmp_path_factory):
    """http://host:port of a running OpenSearch node."""
    given = os.environ.get("SEARCHKIT_TEST_OPENSEARCH")
    if given:
        yield given.rstrip("/")
        return
    missing = [tool for tool in ("java", "mvn", "curl") if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{', '.join(missing)} missing in CI: the OpenSearch tests must run")
        pytest.skip(f"{', '.join(missing)} not installed: no local OpenSearch node")
    data = tmp_path_factory.mktemp("opensearch")
    port = _free_port()
    args = [str(HARNESS), "--port", str(port), "--data", str(data)]
    started = subprocess.run(
        [str(HARNESS), "start", *args[1:]], capture_output=True, text=True, timeout=600
    )
    if started.returncode != 0:
        subprocess.run([str(HARNESS), "stop", "--data", str(data)], capture_output=True)
        pytest.fail(f"scripts/opensearch-local start failed: {started.stderr.strip()[-500:]}")
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([str(HARNESS), "stop", "--data", str(data)], capture_output=True)


@pytest.fixture(autouse=True)
def _state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCHKIT_STATE_DIR", str(tmp_path / "state"))


def _location(cluster_url: str, name: str | None = None) -> str:
    return f"opensearch+{cluster_url}/{name or 'test-' + uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def seeds_both(seeds_index, cluster_url, tmp_path_factory):
    """The Whoosh seeds index and an OpenSearch index of the same files (same paths)."""
    before = os.environ.get("SEARCHKIT_STATE_DIR")
    os.environ["SEARCHKIT_STATE_DIR"] = str(tmp_path_factory.mktemp("state"))
    try:
        engine = open_engine(_location(cluster_url))
        report = engine.update([seeds_index.parent / "seeds"], jobs=1)
    finally:
        if before is None:
            del os.environ["SEARCHKIT_STATE_DIR"]
        else:
            os.environ["SEARCHKIT_STATE_DIR"] = before
    assert (report.added, report.skipped) == (5, ())
    with Index.open(seeds_index) as whoosh:
        yield whoosh, engine
    engine.client.indices.delete(index=engine.location.index)
    engine.close()


def _answer(results) -> dict:
    return {
        "total": results.total,
        "top": {hit.id for hit in results.hits},
        "facets": {
            f.name: ([(v.value, v.count, v.selected) for v in f.values], f.missing, f.distinct)
            for f in results.facets
        },
        "suggestion": results.suggestion,
    }


@pytest.mark.parametrize("query", SEED_QUERIES)
def test_seed_queries_agree_with_whoosh(seeds_both, query):
    whoosh, engine = seeds_both
    options = {"facets": FACETS, "facet_limit": 0, "limit": 10}
    assert _answer(engine.search(query, **options)) == _answer(whoosh.search(query, **options))


@pytest.mark.parametrize(
    "options",
    [
        {"filters": {"country": ["FR", "DE"]}},
        {"filters": {"actor": ["Macron"], "language": "en"}},
        {"since": "2024-01", "until": "2024-06"},
        {"date_interval": "year", "filters": {"source_type": "unknown"}},
        {"match": "any"},
        {"sort": "date", "limit": 3, "page": 2},
    ],
)
def test_filters_and_options_agree_with_whoosh(seeds_both, options):
    whoosh, engine = seeds_both
    for query in ("Macron", "instructors OR troops", "*"):
        expected = whoosh.search(query, facets=FACETS, facet_limit=0, **options)
        got = engine.search(query, facets=FACETS, facet_limit=0, **options)
        assert _answer(got)["facets"] == _answer(expected)["facets"]
        assert got.total == expected.total


def test_hits_carry_snippets_stored_fields_and_dataclasses(seeds_both):
    whoosh, engine = seeds_both
    got = engine.search("French instructors", facets=("actor",))
    expected = whoosh.search("French instructors", facets=("actor",))
    hit, want = got.hits[0], expected.hits[0]
    for name in ("id", "title", "path", "url", "published", "language", "actors", "countries"):
        assert getattr(hit, name) == getattr(want, name)
    marked = [hit.snippet[a:b].lower() for a, b in hit.highlights]
    assert "french" in marked and "instructors" in marked
    assert json.loads(json.dumps(got.to_dict()))["hits"][0]["id"] == want.id


def test_get_documents_similar_and_stats(seeds_both):
    whoosh, engine = seeds_both
    first = next(iter(whoosh.documents()))
    doc = engine.get(first.id)
    assert (doc.title, doc.body, doc.actors, doc.countries) == (
        first.title,
        first.body,
        first.actors,
        first.countries,
    )
    assert engine.get(first.path).id == whoosh.get(first.path).id
    assert sorted(d.id for d in engine.documents()) == sorted(d.id for d in whoosh.documents())
    similar = engine.similar(first.id, limit=3)
    assert similar and first.id not in {h.id for h in similar}
    stats = engine.stats()
    assert stats.documents == 5 and stats.last_update is not None
    assert stats.facets == whoosh.stats().facets
    assert engine.actor_merges() == whoosh.actor_merges()
    with pytest.raises(Exception) as missing:
        engine.get("no-such-id")
    assert missing.value.exit_code == ExitCode.NOT_FOUND


def test_update_adds_skips_changes_and_prunes(cluster_url, tmp_path):
    folder = tmp_path / "articles"
    shutil.copytree(ROOT / "seeds", folder)
    with open_engine(_location(cluster_url)) as engine:
        assert engine.update([folder]).added == 5
        again = engine.update([folder])
        assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
        changed = sorted(folder.iterdir())[0]
        changed.write_text("Troops and instructors\n\nA changed article about NATO.\n")
        report = engine.update([folder])
        assert (report.updated, report.unchanged) == (1, 4)
        assert engine.search("changed article").total == 1
        sorted(folder.iterdir())[1].unlink()
        assert engine.update([folder]).removed == 0  # without --prune it stays
        pruned = engine.update([folder], prune=True)
        assert (pruned.removed, pruned.unchanged) == (1, 4)
        assert engine.search("").total == 4
        engine.client.indices.delete(index=engine.location.index)


def test_lost_manifest_is_rebuilt_from_the_cluster_without_duplicates(cluster_url, tmp_path):
    folder = tmp_path / "articles"
    shutil.copytree(ROOT / "seeds", folder)
    with open_engine(_location(cluster_url)) as engine:
        engine.update([folder])
        shutil.rmtree(tmp_path / "state")
        sorted(folder.iterdir())[0].unlink()
        report = engine.update([folder], prune=True)
        assert (report.updated, report.removed) == (4, 1)
        assert engine.search("").total == 4
        engine.client.indices.delete(index=engine.location.index)


def test_rejected_bulk_item_is_reported_and_sent_again(cluster_url, tmp_path):
    records = [
        {"title": "A fine article", "text": "About NATO and Ukraine.", "category": "world"},
        # A keyword term over Lucene's 32,766-byte limit: OpenSearch refuses this item only.
        {"title": "Too big", "text": "About Ukraine.", "category": "x" * 40_000},
    ]
    path = write_records(tmp_path / "records.jsonl", records)
    with open_engine(_location(cluster_url)) as engine:
        for _ in range(2):  # the file's entry did not move, so the second run tries again
            report = engine.update([path])
            assert [s.path for s in report.skipped] == [f"{path}:2"]
            assert report.skipped[0].reason.startswith(
                "rejected by OpenSearch (illegal_argument_exception): Document contains at "
                "least one immense term"
            )
        assert engine.search("").total == 1
        engine.client.indices.delete(index=engine.location.index)


def test_unreachable_cluster_is_a_one_line_error_without_secrets(monkeypatch):
    monkeypatch.setenv("SEARCHKIT_OPENSEARCH_USER", "alice")
    monkeypatch.setenv("SEARCHKIT_OPENSEARCH_PASSWORD", "s3cret-pw")
    port = _free_port()
    with pytest.raises(ClusterUnavailableError) as caught:
        open_engine(f"opensearch+http://127.0.0.1:{port}/news")
    message = str(caught.value)
    assert caught.value.exit_code == ExitCode.CLUSTER_UNAVAILABLE == 10
    assert message.startswith(f"cannot reach OpenSearch at http://127.0.0.1:{port} (")
    assert "\n" not in message and "s3cret" not in message and "alice" not in message


def test_missing_foreign_and_badly_named_indexes(cluster_url):
    name = "test-" + uuid.uuid4().hex[:12]
    with pytest.raises(IndexMissingError, match=f"no index '{name}'"):
        open_engine(_location(cluster_url, name), create=False)
    with pytest.raises(UsageError, match="bad OpenSearch index name 'News'"):
        open_engine(f"opensearch+{cluster_url}/News")
    with pytest.raises(UsageError, match="put no credentials"):
        parse_location("opensearch+http://bob:pw@127.0.0.1:9200/news")
    engine = open_engine(_location(cluster_url, name))
    engine.client.indices.delete(index=name)
    engine.client.indices.create(index=name, body={"mappings": {"properties": {}}})
    with pytest.raises(SchemaVersionError, match="was not made by searchkit"):
        open_engine(_location(cluster_url, name))
    engine.client.indices.delete(index=name)
    engine.close()


@pytest.mark.parametrize(
    "text",
    ['title:"a b" OR body:c*', 'x" AND query_string:(y', "a:b:c {!} \\", "*:*", "NOT"],
)
def test_user_text_never_reaches_query_string(text):
    for raw in (False, True):
        try:
            translated = translate_query(text, ("en", "fr", "xx"), raw=raw)
        except Exception as exc:
            assert getattr(exc, "exit_code", None) == ExitCode.USAGE
            continue
        assert not {"query_string", "simple_query_string"} & _keys(translated.query)


def _keys(node) -> set[str]:
    """Every key of a nested DSL body (the query types and field names, not the values)."""
    if isinstance(node, dict):
        return set(node).union(*(_keys(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_keys(v) for v in node))
    return set()


def test_location_parsing_keeps_credentials_out_of_sight(monkeypatch):
    monkeypatch.delenv("SEARCHKIT_OPENSEARCH_USER", raising=False)
    monkeypatch.delenv("SEARCHKIT_OPENSEARCH_PASSWORD", raising=False)
    config = {"user": "carol", "password": "hunter2-secret", "insecure": True}
    location = parse_location("opensearch+https://a.example:9243,b.example/news", config)
    assert location.hosts == ["https://a.example:9243", "https://b.example:443"]
    assert str(location) == "opensearch+https://a.example:9243,b.example:443/news"
    assert (location.user, location.verify) == ("carol", False)
    assert "hunter2" not in repr(location) and "carol" not in repr(location)
    monkeypatch.setenv("SEARCHKIT_OPENSEARCH_PASSWORD", "from-env")
    assert parse_location("opensearch+http://h/news", config).password == "from-env"
    with pytest.raises(UsageError, match="unknown index location"):
        parse_location("elastic://h/news")


def test_highlight_marks_become_snippet_spans():
    from searchkit.opensearch.results import POST_TAG, PRE_TAG, snippet_from_highlight

    fragment = f"The  {PRE_TAG}French{POST_TAG}\n {PRE_TAG}instructors{POST_TAG} arrive"
    snippet, spans = snippet_from_highlight(fragment)
    assert snippet == "The French instructors arrive"
    assert [snippet[a:b] for a, b in spans] == ["French", "instructors"]


def test_engine_table_of_the_config(tmp_path):
    from searchkit.errors import ConfigError
    from searchkit.opensearch import engine_table

    config = tmp_path / "searchkit.toml"
    assert engine_table(config) == {}
    config.write_text(
        '[actors]\nignore = ["Photo"]\n\n[engine]\n'
        'location = "opensearch+https://search.example:9200/news"\nshards = 3\ninsecure = false\n'
    )
    assert engine_table(config) == {
        "location": "opensearch+https://search.example:9200/news",
        "shards": 3,
        "insecure": False,
    }
    config.write_text('[engine]\nshards = "three"\n')
    with pytest.raises(ConfigError, match=r"\[engine\] shards must be a whole number"):
        engine_table(config)
    config.write_text("[engine]\nhost = 1\n")
    with pytest.raises(ConfigError, match="unknown key 'host'"):
        engine_table(config)


def test_serve_answers_from_opensearch(cluster_url, tmp_path):
    """The page and the JSON API of `searchkit serve` over an OpenSearch index."""
    from starlette.testclient import TestClient

    from searchkit.web.app import create_app

    location = f"opensearch+{cluster_url}/serve-{_free_port()}"
    with Index.open_or_create(location) as index:
        index.update([SEEDS], jobs=1)
    with TestClient(create_app(location, threads=2)) as client:
        data = client.get("/api/search?q=troops&facet=country").json()
        assert data["total"] == 5
        assert {v["value"] for v in data["facets"][0]["values"]} >= {"FR", "UA"}
        doc_id = data["hits"][0]["id"]
        assert client.get(f"/api/documents/{doc_id}").json()["id"] == doc_id
        page = client.get("/?q=troops")
        assert page.status_code == 200 and "troops" in page.text


def test_insecure_flag_is_a_global_option(cluster_url, monkeypatch):
    from click.testing import CliRunner

    from searchkit.cli import cli

    monkeypatch.delenv("SEARCHKIT_OPENSEARCH_INSECURE", raising=False)
    location = f"opensearch+{cluster_url}/absent-{_free_port()}"
    result = CliRunner().invoke(cli, ["--insecure", "--index", location, "stats"])
    assert os.environ.get("SEARCHKIT_OPENSEARCH_INSECURE") == "1"
    assert result.exit_code != 0  # no such index: the flag itself is accepted


def test_declared_facets_agree_with_whoosh(cluster_url, tmp_path):
    """Facets declared in searchkit.toml are keyword fields in OpenSearch, with the same
    counts, filters, field:value matches and hit values as in the embedded engine."""
    records = [
        {"title": "Budget vote", "text": "Budget vote today.", "desk": "Politics",
         "tags": ["budget", "parliament"], "language": "en"},
        {"title": "Cup final", "text": "Cup final today.", "desk": "Sport",
         "tags": "football; cup", "language": "en"},
        {"title": "Budget cuts", "text": "Budget cuts today.", "desk": "Politics",
         "tags": ["budget"], "language": "en"},
    ]  # fmt: skip
    write_records(tmp_path / "news.jsonl", records)
    config = tmp_path / "searchkit.toml"
    config.write_text(
        '[facets.desk]\nfield = "desk"\n\n[facets.tags]\nfield = "tags"\nmulti = true\n'
    )
    location = f"opensearch+{cluster_url}/declared-{_free_port()}"

    def answers(index):
        index.update([tmp_path / "news.jsonl"], jobs=1)
        out = []
        for query, filters in [("", {}), ("budget", {"desk": ["politics"]}), ("tags:cup", {})]:
            r = index.search(query, filters=filters, facets=("desk", "tags"), facet_limit=0)
            facets = {f.name: sorted((v.value, v.count) for v in f.values) for f in r.facets}
            hits = sorted((h.title, tuple(sorted(h.facets.items()))) for h in r.hits)
            out.append((r.total, facets, hits))
        return out

    with Index.create(tmp_path / "index", config=config) as whoosh:
        expected = answers(whoosh)
    with open_engine(location, config=config) as engine:
        assert answers(engine) == expected
        doc = engine.search("cup").hits[0]
        assert engine.get(doc.id).facets == {"desk": ("Sport",), "tags": ("football", "cup")}
    assert expected[1][0] == 2 and expected[2][0] == 1


def test_optimize_force_merges_and_changes_no_answer(cluster_url, seeds_index):
    engine = open_engine(_location(cluster_url))
    try:
        folder = seeds_index.parent / "seeds"
        for path in sorted(folder.iterdir())[:3]:  # a few refreshes: a few segments
            engine.update([path], jobs=1)
        engine.update([folder], jobs=1)
        before = _answer(engine.search("troops", facets=("actor", "country")))
        report = engine.optimize(1)
        assert report.segments_after <= 1 <= report.segments_before
        assert _answer(engine.search("troops", facets=("actor", "country"))) == before
        assert engine.stats().segments == report.segments_after
    finally:
        engine.client.indices.delete(index=engine.location.index)
        engine.close()
