"""The JSON API and pages of `searchkit serve`, through Starlette's ASGI test client."""

from __future__ import annotations

import json
import logging
import socket
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qsl, urlsplit

import jsonschema
import pytest
from click.testing import CliRunner
from starlette import testclient as starlette_testclient
from web_support import HOSTILE_TITLE_START, build_web_index, news_records

from searchkit import Index
from searchkit.cli import cli
from searchkit.web.app import create_app
from support import write_records


@pytest.fixture(scope="module")
def web_index(tmp_path_factory):
    return build_web_index(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def client(web_index):
    with starlette_testclient.TestClient(create_app(web_index, threads=2)) as c:
        yield c


def cli_json(index, *args) -> dict:
    result = CliRunner().invoke(cli, ["--index", str(index), *args])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def without_links(data: dict) -> dict:
    """The search object without the API's additions (and the timing), to compare with
    `searchkit search --json`."""
    data = {k: v for k, v in data.items() if k not in ("next_url", "prev_url", "took_ms")}
    data["facets"] = [
        {
            **f,
            "values": [{k: v for k, v in val.items() if k != "toggle_url"} for val in f["values"]],
        }
        for f in data["facets"]
    ]
    return data


# ---- /api/search ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, cli_args",
    [
        ("q=troops", ["troops"]),
        (
            "q=meeting&country=FR&country=DE&source_type=wire&since=2024-01&until=2024-06"
            "&facet=actor&facet=country&facet=date&sort=date&page=2&limit=3",
            [
                "meeting",
                "--country", "FR", "--country", "DE", "--source-type", "wire",
                "--since", "2024-01", "--until", "2024-06",
                "--facet", "actor", "--facet", "country", "--facet", "date",
                "--sort", "date", "--page", "2", "--limit", "3",
            ],
        ),
        ("actor=Emmanuel+Macron&facet_limit=3&date_interval=year&facet=date",
         ["--actor", "Emmanuel Macron", "--facet-limit", "3", "--date-interval", "year",
          "--facet", "date"]),
    ],
)  # fmt: skip
def test_search_is_the_cli_json_plus_links(client, web_index, query, cli_args):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    expected = cli_json(web_index, "search", *cli_args, "--json")
    expected.pop("took_ms")
    assert without_links(response.json()) == expected


def test_toggle_url_selects_and_unselects_a_value(client):
    data = client.get("/api/search?q=troops&facet=country").json()
    france = next(v for v in data["facets"][0]["values"] if v["value"] == "FR")
    assert france["selected"] is False
    assert france["toggle_url"] == "/api/search?q=troops&country=FR&facet=country"
    selected = client.get(france["toggle_url"]).json()
    assert selected["total"] == france["count"]
    again = next(v for v in selected["facets"][0]["values"] if v["value"] == "FR")
    assert again["selected"] is True
    assert again["toggle_url"] == "/api/search?q=troops&facet=country"


def test_date_toggle_url_filters_to_the_bucket(client):
    data = client.get("/api/search?facet=date").json()
    (date,) = data["facets"]
    feb = next(v for v in date["values"] if v["value"] == "2024-02")
    assert feb["toggle_url"] == "/api/search?since=2024-02&until=2024-02&facet=date"
    assert client.get(feb["toggle_url"]).json()["total"] == feb["count"] == 9


def test_next_and_prev_urls_walk_the_pages(client):
    first = client.get("/api/search?q=meeting&limit=20").json()
    assert first["total"] == 48
    assert first["prev_url"] is None
    assert first["next_url"] == "/api/search?q=meeting&limit=20&page=2"
    second = client.get(first["next_url"]).json()
    assert second["prev_url"] == "/api/search?q=meeting&limit=20"
    third = client.get(second["next_url"]).json()
    assert [h["rank"] for h in third["hits"]] == list(range(41, 49))
    assert third["next_url"] is None


BAD_INPUT = [
    ("/api/search?since=2024-13", "bad_date", "bad date '2024-13': no such month"),
    ("/api/search?until=yesterday", "bad_date",
     "bad date 'yesterday': use YYYY, YYYY-MM or YYYY-MM-DD"),
    ("/api/search?since=2024-05&until=2024-01", "bad_date",
     "--since 2024-05-01 is after --until 2024-01-31"),
    ("/api/search?facet=mood", "unknown_facet",
     "unknown facet 'mood': use one of actor, country, date, source_type, source, language"),
    ("/api/search?q=" + "a" * 4097, "bad_query",
     "query too long (4097 characters; the limit is 4096)"),
    ("/api/search?limit=101", "bad_limit", "limit must be between 0 and 100, not 101"),
    ("/api/search?limit=ten", "bad_limit", "limit must be a whole number, not 'ten'"),
    ("/api/search?q=troops&page=9", "page_out_of_range",
     "page 9 is past the end: 10 results make 1 page of 10"),
    ("/api/search?page=0", "bad_page", "page must be between 1 and 1000000, not 0"),
    ("/api/search?sort=random", "bad_sort", "unknown sort 'random': use one of relevance, date"),
    ("/api/search?country=Atlantis", "bad_request",
     "unknown country 'Atlantis': use a name or an ISO code"),
    ("/api/search?q=a&q=b", "bad_parameter", "q given 2 times: give it once"),
    ("/api/facets/mood", "unknown_facet",
     "unknown facet 'mood': use one of actor, country, date, source_type, source, language"),
    ("/api/similar/1c46a4e9b10d?limit=0", "bad_limit", "limit must be between 1 and 100, not '0'"),
    ("/api/search?limit=", "bad_limit", "limit must be a whole number, not ''"),
    ("/api/search?since=", "bad_date", "bad date '': use YYYY, YYYY-MM or YYYY-MM-DD"),
    ("/api/facets/country?limit=", "bad_limit", "limit must be a whole number, not ''"),
    ("/api/documents/1c46a4e9b10d?explain=yes", "bad_parameter", "explain takes 0 or 1, once"),
]  # fmt: skip


@pytest.mark.parametrize("url, code, message", BAD_INPUT)
def test_bad_input_is_400_with_the_cli_message(client, url, code, message):
    response = client.get(url)
    assert response.status_code == 400
    assert response.json() == {"error": message, "code": code}


def test_the_cli_gives_the_same_date_message(web_index):
    result = CliRunner().invoke(cli, ["--index", str(web_index), "search", "--since", "2024-13"])
    assert result.exit_code == 2
    assert result.stderr == "Error: bad date '2024-13': no such month\n"


# ---- facets, documents, similar, stats -------------------------------------------------------


def test_facet_search_finds_values_by_any_word(client, web_index):
    data = client.get("/api/facets/actor?q=meeting&source_type=wire&prefix=Mac").json()
    with Index.open(web_index) as index:
        (actor,) = index.facets(
            "meeting", facets=("actor",), filters={"source_type": ["wire"]}, facet_limit=0
        )
    macron = next(v for v in actor.values if v.value == "Emmanuel Macron")
    assert data == {
        "name": "actor",
        "prefix": "Mac",
        "matched": 1,
        "values": [
            {
                "value": "Emmanuel Macron",
                "label": "Emmanuel Macron",
                "count": macron.count,
                "selected": False,
                "toggle_url": "/api/search?q=meeting&actor=Emmanuel+Macron&source_type=wire",
            }
        ],
    }
    leyen = client.get("/api/facets/actor?prefix=LEY").json()
    assert [v["value"] for v in leyen["values"]] == ["Ursula von der Leyen"]


def test_facet_search_counts_ignore_the_facets_own_filter(client):
    data = client.get("/api/facets/country?country=FR&limit=100").json()
    counts = {v["value"]: (v["count"], v["selected"]) for v in data["values"]}
    assert counts["FR"][1] is True and counts["DE"][1] is False
    assert data["matched"] == len(data["values"]) == 7


def test_document_with_and_without_explanations(client):
    hit = client.get("/api/search?q=hostile").json()["hits"][0]
    plain = client.get(f"/api/documents/{hit['id']}").json()
    assert "evidence" not in plain
    assert plain["title"].startswith(HOSTILE_TITLE_START)
    explained = client.get(f"/api/documents/{hit['id']}?explain=1").json()
    kinds = {m["kind"] for m in explained["evidence"]}
    assert {"language", "source_type"} <= kinds
    assert all(set(m) == {"kind", "value", "text", "rule", "start"} for m in explained["evidence"])


@pytest.mark.parametrize(
    "path",
    [
        "/api/documents/nope",
        "/api/documents/..%2F..%2Fetc%2Fpasswd",
        "/api/documents/%2Fetc%2Fpasswd",
        "/api/documents/....//....//etc/passwd",
        "/api/documents/000000000000",
        "/api/similar/..%2Fsearchkit.json",
        "/documents/..%2F..%2Fetc%2Fpasswd",
        "/static/..%2Fapp.py",
        "/static/../app.py",
        "/static/app.css%00.py",
        "/../../etc/passwd",
    ],
)
def test_unknown_documents_and_traversal_are_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"root:" not in response.content and b"import" not in response.content


def test_a_real_path_is_not_an_id(client, web_index):
    # Index.get also accepts a file path; the server takes only ids.
    hit = client.get("/api/search?q=hostile").json()["hits"][0]
    source = hit["path"].rsplit(":", 1)[0]
    assert client.get(f"/api/documents/{source}").status_code == 404


def test_similar_stats_and_health(client, web_index):
    hit = client.get("/api/search?q=troops&sort=date").json()["hits"][0]
    similar = client.get(f"/api/similar/{hit['id']}?limit=3").json()
    assert similar["id"] == hit["id"] and 1 <= len(similar["hits"]) <= 3
    stats = client.get("/api/stats").json()
    assert stats["documents"] == 51
    with Index.open(web_index) as index:
        expected = index.stats().to_dict()
    assert stats["facets"] == expected["facets"]
    assert client.get("/healthz").json() == {"status": "ok", "documents": 51}


# ---- escaping, headers, errors ---------------------------------------------------------------


def test_json_escapes_markup_characters(client):
    response = client.get("/api/search?q=hostile&limit=1")
    assert b"<" not in response.content and b">" not in response.content
    assert b"\\u003cscript\\u003e" in response.content
    assert response.json()["hits"][0]["title"].startswith(HOSTILE_TITLE_START)


@pytest.mark.parametrize("path", ["/", "/api/search", "/openapi.json", "/static/app.js"])
def test_security_headers_and_no_cors_by_default(client, path):
    response = client.get(path, headers={"Origin": "https://evil.example"})
    assert response.status_code == 200
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert "access-control-allow-origin" not in headers
    csp = headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    if path == "/":
        assert "script-src 'self';" in csp and "default-src 'none'" in csp


def test_cors_allows_only_the_given_origin(web_index):
    app = create_app(web_index, threads=1, cors_origin="https://tools.example")
    with starlette_testclient.TestClient(app) as c:
        ok = c.get("/api/stats", headers={"Origin": "https://tools.example"})
        assert ok.headers["access-control-allow-origin"] == "https://tools.example"
        other = c.get("/api/stats", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        page = c.get("/", headers={"Origin": "https://tools.example"})
        assert "access-control-allow-origin" not in page.headers


def test_a_bug_is_500_with_a_logged_error_id(web_index, caplog):
    app = create_app(web_index, threads=1)

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    app.state.service.search = broken
    with starlette_testclient.TestClient(app) as c, caplog.at_level(logging.ERROR):
        response = c.get("/api/search?q=x")
        page = c.get("/?q=x")
    assert response.status_code == 500 and page.status_code == 500
    body = response.json()
    assert body["code"] == "internal"
    error_id = body["error"].split()[2].rstrip(":")
    assert body == {"error": f"internal error {error_id}: it is logged under that id",
                    "code": "internal"}  # fmt: skip
    assert b"secret internals" not in response.content + page.content
    assert b"Traceback" not in response.content + page.content
    assert any(error_id in r.getMessage() and r.exc_info for r in caplog.records)


def test_searchers_are_bounded_by_the_threads(web_index):
    app = create_app(web_index, threads=2)
    index = app.state.service.index
    with starlette_testclient.TestClient(app) as c, ThreadPoolExecutor(8) as pool:
        urls = [f"/api/search?q=meeting&page={1 + i % 4}&facet=actor" for i in range(32)]
        statuses = list(pool.map(lambda url: c.get(url).status_code, urls))
        assert statuses == [200] * 32
        # One searcher per worker thread, however many requests came at once.
        assert len(index._contexts) == 2


def test_only_loopback_is_quiet():
    from searchkit.commands.serving import _is_loopback

    assert _is_loopback("127.0.0.1") and _is_loopback("::1") and _is_loopback("localhost")
    assert not _is_loopback("0.0.0.0") and not _is_loopback("192.168.1.5")


def test_writes_are_refused(client):
    response = client.post("/api/search", content=b"{}")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_a_new_commit_is_seen_without_a_restart(tmp_path):
    index_dir = build_web_index(tmp_path)
    with starlette_testclient.TestClient(create_app(index_dir, threads=2)) as c:
        assert c.get("/api/search?q=zeppelin").json()["total"] == 0
        extra = tmp_path / "more"
        extra.mkdir()
        record = {**news_records(1)[0], "title": "A zeppelin over the summit"}
        write_records(extra / "late.jsonl", [record])
        with Index.open(index_dir) as writer:
            assert writer.update([extra], jobs=1).added == 1
        assert c.get("/api/search?q=zeppelin").json()["total"] == 1


# ---- the OpenAPI document against real responses ---------------------------------------------


def test_openapi_describes_what_the_endpoints_return(client):
    spec = client.get("/openapi.json").json()
    assert spec["openapi"] == "3.1.0"
    hit = client.get("/api/search?q=hostile").json()["hits"][0]["id"]
    calls = {
        "/api/search": ["?q=troops&facet=date&facet=actor", "?limit=500", "?country=FR&page=2"],
        "/api/facets/{name}": ["actor?prefix=ma", "date?prefix=2024", "mood"],
        "/api/documents/{id}": [hit, f"{hit}?explain=1", "nope"],
        "/api/similar/{id}": [hit, "nope", f"{hit}?limit=0"],
        "/api/stats": [""],
        "/healthz": [""],
    }
    assert set(calls) == set(spec["paths"])
    seen = set()
    for template, tails in calls.items():
        operation = spec["paths"][template]["get"]
        base = template.split("{")[0]
        for tail in tails:
            response = client.get(base + tail)
            status = str(response.status_code)
            assert status in operation["responses"], (template, tail, status)
            schema = operation["responses"][status]["content"]["application/json"]["schema"]
            resolver_spec = {**schema, "components": spec["components"]}
            jsonschema.validate(response.json(), resolver_spec)
            seen.add((template, status))
            for name, _ in parse_qsl(urlsplit(tail).query):
                declared = {p["name"] for p in operation.get("parameters", ())}
                assert name in declared, (template, name)
    assert ("/api/search", "400") in seen and ("/api/documents/{id}", "404") in seen


# ---- the pages ------------------------------------------------------------------------------


def test_page_escapes_every_hostile_field(client):
    response = client.get("/?q=hostile")
    assert response.status_code == 200
    html = response.text
    assert "<script>window" not in html and "<img" not in html and "<svg onload" not in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;Hostile" in html
    assert "javascript:" not in html.split("<body>")[1].replace("javascript:window.__xss=5", "")
    assert "\u202e" not in html and "\x07" not in html
    assert len(response.content) < 100_000
    doc_id = client.get("/api/search?q=hostile").json()["hits"][0]["id"]
    document = client.get(f"/documents/{doc_id}").text
    assert 'href="javascript:' not in document and "<script>window" not in document
    assert "&lt;/td&gt;&lt;script&gt;" in document


def test_page_keeps_the_state_in_links(client):
    html = client.get("/?q=meeting&country=FR&since=2024-01&until=2024-03").text
    assert 'href="/?q=meeting&amp;since=2024-01&amp;until=2024-03"' in html  # remove FR pill
    assert 'href="/?q=meeting&amp;country=FR"' in html  # remove the dates
    assert 'href="/?q=meeting"' in html  # clear all
    assert 'name="country" value="FR" checked' in html


def test_page_errors_are_pages(client):
    response = client.get("/?since=soon")
    assert response.status_code == 400
    assert "bad date &#x27;soon&#x27;" in response.text
    assert response.headers["content-type"].startswith("text/html")


# ---- the command ----------------------------------------------------------------------------


def test_serve_without_an_index_exits_3(tmp_path):
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "none"), "serve", "--port", "0"])
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1


def test_serve_rejects_a_taken_port(web_index):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["--index", str(web_index), "serve", "--port", str(port)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: cannot listen on 127.0.0.1:{port} (")


def test_serve_rejects_a_bad_cors_origin(web_index):
    result = CliRunner().invoke(cli, ["--index", str(web_index), "serve", "--cors", "*"])
    assert result.exit_code == 2
    assert result.stderr == ("Error: --cors takes an origin such as https://example.org, not '*'\n")


def test_serve_watch_indexes_a_saved_file_while_serving(tmp_path):
    """`serve --watch DIR`: a file saved into DIR is found through the API, by the same
    process, without a restart."""
    import re
    import subprocess
    import sys
    import time
    import urllib.request

    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "first.txt").write_text("First story\nAn aardvark was seen.\n", encoding="utf-8")
    argv = [sys.executable, "-m", "searchkit", "--index", str(tmp_path / "index"), "serve",
            "--port", "0", "--watch", str(folder)]  # fmt: skip
    with Index.create(tmp_path / "index") as index:
        index.update([folder], jobs=1)
    server = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stderr.readline()
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", line).group(1))

        def total(word: str) -> int:
            url = f"http://127.0.0.1:{port}/api/search?q={word}&limit=1"
            with urllib.request.urlopen(url, timeout=10) as response:
                return json.loads(response.read())["total"]

        deadline = time.monotonic() + 60
        while True:  # the socket is bound before uvicorn listens on it
            try:
                assert total("aardvark") == 1
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not answer within 60 s"
                time.sleep(0.2)
        (folder / "second.txt").write_text("Second story\nA zebrafish.\n", encoding="utf-8")
        deadline = time.monotonic() + 60
        while total("zebrafish") == 0:
            assert time.monotonic() < deadline, "the saved file was not indexed within 60 s"
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_has_help_with_an_example():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "--threads" in result.output


def test_declared_facets_are_served_like_built_in_ones(tmp_path):
    from starlette.testclient import TestClient

    from searchkit.web.app import create_app

    records = [
        {"title": "Budget vote", "text": "Budget vote today.", "desk": "Politics"},
        {"title": "Cup final", "text": "Cup final today.", "desk": "Sport"},
        {"title": "Budget cuts", "text": "Budget cuts today.", "desk": "Politics"},
    ]
    write_records(tmp_path / "news.jsonl", records)
    (tmp_path / "searchkit.toml").write_text('[facets.desk]\nfield = "desk"\nlabel = "Desk"\n')
    with Index.create(tmp_path / "index") as index:
        index.update([tmp_path / "news.jsonl"], jobs=1)
    with TestClient(create_app(tmp_path / "index")) as client:
        data = client.get("/api/search?q=budget&desk=Politics&facet=desk").json()
        assert data["total"] == 2
        assert [(v["value"], v["count"], v["selected"]) for v in data["facets"][0]["values"]] == [
            ("Politics", 2, True)
        ]
        assert {h["facets"]["desk"][0] for h in data["hits"]} == {"Politics"}
        facet = client.get("/api/facets/desk?q=today").json()
        counts = [(v["value"], v["count"]) for v in facet["values"]]
        assert counts == [("Politics", 2), ("Sport", 1)]
        page = client.get("/?q=today&desk=Sport").text
        assert "Desk" in page and "Cup final" in page and "Budget vote" not in page
        spec = client.get("/openapi.json").json()
        names = [p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]]
        assert "desk" in names
