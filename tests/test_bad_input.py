"""Bad input files: each is indexed correctly or skipped with a one-line reason, and the run
goes on to index the good file beside it.

Small fixtures live in tests/data/bad/; large inputs (a 50 MB text, a 10 MB JSON line, deep
nesting, a huge table) are generated into tmp_path. The two largest are indexed in a child
process so that its peak memory can be measured and capped.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

import searchkit.engine.updater as updater
from searchkit import Index
from searchkit.errors import UsageError
from searchkit.extract.files import SourceFile
from support import ROOT

BAD = Path(__file__).parent / "data" / "bad"
#: Every folder gets a good article too, to show that the run goes on past the bad file.
CONTROL = "control.txt"
CONTROL_WORD = "quillwort"
MEMORY_LIMIT_MB = 1024


def articles(tmp_path: Path, *fixtures: str) -> Path:
    """A folder holding the named fixtures and the control article."""
    folder = tmp_path / "articles"
    folder.mkdir(exist_ok=True)
    for name in fixtures:
        shutil.copy(BAD / name, folder / name)
    (folder / CONTROL).write_text(
        f"Control article\nA botanist counted the {CONTROL_WORD} plants by the lake.\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def indexed(tmp_path):
    """``run(folder, **update_options)`` -> (report, open index); the index closes at teardown."""
    opened: list[Index] = []

    def run(folder: Path, **options):
        index = Index.create(tmp_path / "index")
        opened.append(index)
        return index.update([folder], jobs=1, **options), index

    yield run
    for index in opened:
        index.close()


def skipped(report) -> dict[str, str]:
    """File name (with ``:record`` for a JSON record) -> reason."""
    return {Path(s.path).name: s.reason for s in report.skipped}


def assert_control_found(index: Index) -> None:
    results = index.search(CONTROL_WORD)
    assert [Path(h.path).name for h in results.hits] == [CONTROL]


def titles(index: Index, query: str) -> list[str]:
    return [h.title for h in index.search(query).hits]


# ---- small fixtures -------------------------------------------------------------------------


def test_binary_file_named_txt_is_skipped(tmp_path, indexed):
    report, index = indexed(articles(tmp_path, "binary.txt"))
    assert report.added == 1
    assert skipped(report) == {"binary.txt": "binary file, not text"}
    assert_control_found(index)
    assert index.search("PNG IHDR").total == 0


@pytest.mark.parametrize("name", ["empty.txt", "blank.txt"])
def test_empty_file_is_skipped(tmp_path, indexed, name):
    report, index = indexed(articles(tmp_path, name))
    assert report.added == 1
    assert skipped(report) == {name: "empty file"}
    assert_control_found(index)


def test_invalid_utf8_bytes_do_not_stop_the_file(tmp_path, indexed):
    report, index = indexed(articles(tmp_path, "invalid_utf8.txt"))
    assert (report.added, report.skipped) == (2, ())
    assert_control_found(index)
    assert index.search("delegation embassy").total == 1


def test_invalid_utf8_bytes_keep_the_valid_utf8_text(tmp_path, indexed):
    _, index = indexed(articles(tmp_path, "invalid_utf8.txt"))
    assert titles(index, "delegation") == ["Ministers meet at the embassy café"]
    assert index.search("Genève Renée naïve").total == 1


def test_utf16_with_bom_is_decoded(tmp_path, indexed):
    report, index = indexed(articles(tmp_path, "utf16_bom.txt"))
    assert (report.added, report.skipped) == (2, ())
    assert titles(index, "négociateurs") == ["Réunion à Genève"]
    assert titles(index, "sécurité côtes") == ["Réunion à Genève"]


def test_latin1_without_declaration_keeps_its_accents(tmp_path, indexed):
    report, index = indexed(articles(tmp_path, "latin1.txt"))
    assert (report.added, report.skipped) == (2, ())
    assert titles(index, "négociateurs") == ["Sommet à Genève"]
    assert titles(index, "délégation") == ["Sommet à Genève"]
    doc = index.get(index.search("négociateurs").hits[0].id)
    assert "réunis à Genève" in doc.body
    assert "\ufffd" not in doc.body


def test_html_with_a_title_and_no_body_is_indexed_by_its_title(tmp_path, indexed):
    report, index = indexed(articles(tmp_path, "html_title_only.html"))
    assert (report.added, report.skipped) == (2, ())
    assert titles(index, "harbour closure") == ["Harbour closure announced"]


def test_html_with_no_title_and_no_body_is_skipped(tmp_path, indexed):
    report, index = indexed(articles(tmp_path, "html_no_body.html"))
    assert report.added == 1
    assert skipped(report) == {"html_no_body.html": "HTML page with no article text"}
    assert_control_found(index)


def test_script_only_html_is_skipped_and_its_code_not_indexed(tmp_path, indexed):
    report, index = indexed(articles(tmp_path, "script_only.html"))
    assert report.added == 1
    assert skipped(report) == {"script_only.html": "HTML page with no article text"}
    for word in ("scriptword", "trackingpixel", "stylesheetword", "noscriptword"):
        assert index.search(word).total == 0, word
    assert_control_found(index)


def test_json_with_wrong_field_types(tmp_path, indexed):
    report, index = indexed(articles(tmp_path, "wrong_types.json"))
    assert report.added == 4  # three records and the control article
    reasons = skipped(report)
    no_text = "no text field (title/headline or text/body/content/maintext/short_description)"
    assert reasons["wrong_types.json:2"] == no_text  # title null, text an object
    assert reasons["wrong_types.json:7"] == no_text  # title and text booleans
    for record in (4, 5, 6):  # a number, a string, null
        assert reasons[f"wrong_types.json:{record}"].startswith(
            "expected a JSON object (an article), found "
        )
    assert len(reasons) == 5

    numbers = index.get(index.search("harbour pilots").hits[0].id)
    assert numbers.title == "12345"
    assert numbers.body.startswith("First paragraph about the harbour pilots.")
    assert "Second paragraph" in numbers.body
    assert numbers.published is None  # the date was an object
    assert numbers.actors == ("Emmanuel Macron",)  # a string where a list was expected
    assert numbers.countries in ((), ("FR",))  # 250: a number, France's ISO numeric code
    dredging = index.get(index.search("dredging").hits[0].id)
    assert dredging.published is None  # "not a date"
    assert dredging.countries == ("FR",)  # 1 and null dropped
    assert dredging.actors == ("Olaf Scholz",)
    assert index.search("1.5e+308").total == 1  # a number where the body was expected
    assert_control_found(index)


def test_json_record_of_wrong_type_is_reported_in_json_terms(tmp_path, indexed):
    report, _ = indexed(articles(tmp_path, "wrong_types.json"))
    reasons = skipped(report)
    assert "NoneType" not in reasons["wrong_types.json:6"]
    assert "null" in reasons["wrong_types.json:6"]
    assert "int" not in reasons["wrong_types.json:4"].split()[-1]


@pytest.mark.parametrize(
    "field, value",
    [("source", ["Reuters", "AP"]), ("actors", [["Jane Doe", ["John Roe"]]])],
    ids=["source-list", "nested-actor-list"],
)
def test_list_where_one_value_is_expected_gives_one_line(tmp_path, indexed, field, value):
    folder = articles(tmp_path)
    record = {"title": "Listed", "text": "A report on the ferry strike.", field: value}
    (folder / "listed.json").write_text(json.dumps(record), encoding="utf-8")
    report, index = indexed(folder)
    assert report.added == 2
    doc = index.get(index.search("ferry").hits[0].id)
    for text in (doc.source, *doc.actors):
        assert "\n" not in text


@pytest.mark.parametrize("language", [5, "en\x1b[31m"], ids=["number", "escape"])
def test_declared_language_that_is_no_language_code(tmp_path, indexed, language):
    folder = articles(tmp_path)
    record = {"title": "Declared", "text": "A report on the ferry strike.", "language": language}
    (folder / "declared.json").write_text(json.dumps(record), encoding="utf-8")
    report, index = indexed(folder)
    assert report.added == 2
    code = index.get(index.search("ferry").hits[0].id).language
    assert code == "und" or (code.isascii() and code.isalpha()), code


def test_truncated_jsonl_lines_are_skipped_and_the_rest_indexed(tmp_path, indexed):
    report, index = indexed(articles(tmp_path, "truncated.jsonl"))
    assert report.added == 3
    assert skipped(report) == {
        "truncated.jsonl:2": "invalid JSON at column 31 (Unterminated string starting at)",
        "truncated.jsonl:4": "invalid JSON at column 55 (Expecting ',' delimiter)",
        "truncated.jsonl:5": "invalid JSON at column 32 (Unterminated string starting at)",
    }
    assert sorted(titles(index, "albatross")) == ["Line one", "Line three"]
    assert_control_found(index)


# ---- inputs that must not stop the run ------------------------------------------------------


def _deep_json(depth: int) -> str:
    return '{"title": "Deep", "text": ' + "[" * depth + "]" * depth + "}"


def _long_number(digits: int) -> str:
    return '{"title": "Long number", "text": ' + "7" * digits + "}"


def _html_charset(charset: str) -> str:
    return (
        f'<html><head><meta charset="{charset}"><title>Charset page</title></head>'
        "<body><p>A paragraph about the lighthouse keeper and the storm.</p></body></html>"
    )


def _deep_json_ld(depth: int) -> str:
    return (
        '<html><head><title>Linked data</title><script type="application/ld+json">'
        + "[" * depth
        + "]" * depth
        + "</script></head><body><p>A paragraph about the lighthouse keeper.</p></body></html>"
    )


@pytest.mark.parametrize(
    "name, content",
    [
        pytest.param(
            "deep.json",
            _deep_json(100_000),
            id="json-nested-100000",
        ),
        pytest.param(
            "deep.jsonl",
            _deep_json(100_000) + "\n",
            id="jsonl-nested-100000",
        ),
        pytest.param(
            "long.json",
            _long_number(5000),
            id="json-number-5000-digits",
        ),
        pytest.param(
            "long.jsonl",
            _long_number(5000) + "\n",
            id="jsonl-number-5000-digits",
        ),
        pytest.param(
            "rot13.html",
            _html_charset("rot13"),
            id="html-charset-rot13",
        ),
        pytest.param(
            "base64.html",
            _html_charset("base64"),
            id="html-charset-base64",
        ),
        pytest.param(
            "ld.html",
            _deep_json_ld(50_000),
            id="html-json-ld-nested-50000",
        ),
    ],
)
def test_input_that_breaks_a_parser_is_skipped_and_the_run_goes_on(
    tmp_path, indexed, name, content
):
    folder = articles(tmp_path)
    (folder / name).write_text(content, encoding="utf-8")
    report, index = indexed(folder)
    reported = {Path(s.path).name.split(":")[0] for s in report.skipped}
    # Either the file is skipped with a reason, or (a bogus charset ignored) indexed.
    assert (report.added, reported) in ((1, {name}), (2, set()))
    assert_control_found(index)


ARABIC = (
    "اجتماع وزراء الخارجية\n"
    "قال وزير الخارجية إن المفاوضات بين الحكومة والمعارضة ستستأنف الأسبوع المقبل في العاصمة، "
    "وأضاف أن الوفود ستناقش وقف إطلاق النار وتبادل الأسرى.\n"
)


def test_arabic_article_is_indexed(tmp_path, indexed):
    folder = articles(tmp_path)
    (folder / "arabic.txt").write_text(ARABIC, encoding="utf-8")
    report, index = indexed(folder)
    assert (report.added, report.skipped) == (2, ())
    assert index.search("المفاوضات").total == 1
    assert_control_found(index)


# ---- generated large and deep inputs --------------------------------------------------------


NESTED_WORD = "zeppelin"


def _nested_html(body: str) -> str:
    return f"<html><head><title>Deep nesting</title></head><body>{body}</body></html>"


def _buried() -> str:
    return f"<p>Buried paragraph about the {NESTED_WORD} fleet and its crew of engineers.</p>"


NESTINGS = {
    "div-closed": lambda: "<div>" * 10_000 + _buried() + "</div>" * 10_000,
    "span-unclosed": lambda: "<span>" * 10_000 + _buried(),
    "b-i-alternating": lambda: "<b><i>" * 5_000 + _buried() + "</i></b>" * 5_000,
    "ul-li": lambda: "<ul><li>" * 5_000 + _buried() + "</li></ul>" * 5_000,
    "table-tr-td": lambda: "<table><tr><td>" * 3_334 + _buried(),
}


@pytest.mark.parametrize("shape", NESTINGS)
def test_ten_thousand_nested_tags(tmp_path, indexed, shape):
    folder = articles(tmp_path)
    (folder / "nested.html").write_text(_nested_html(NESTINGS[shape]()), encoding="utf-8")
    started = time.perf_counter()
    report, index = indexed(folder)
    took = time.perf_counter() - started
    print(f"10,000 nested tags ({shape}): {took:.2f} s")
    assert (report.added, report.skipped) == (2, ())
    assert titles(index, NESTED_WORD) == ["Deep nesting"]


def test_ten_thousand_nested_tags_with_text_at_every_level(tmp_path, indexed):
    # 5,000 unclosed <div>, each holding a paragraph: 10,000 tags, as broken pages nest.
    body = "".join(f"<div class='c{i}'><p>text {i} " for i in range(5_000)) + _buried()
    folder = articles(tmp_path)
    (folder / "nested.html").write_text(_nested_html(body), encoding="utf-8")
    started = time.perf_counter()
    report, index = indexed(folder)
    took = time.perf_counter() - started
    print(f"5,000 nested <div><p>: {took:.2f} s")
    assert (report.added, report.skipped) == (2, ())
    assert titles(index, NESTED_WORD) == ["Deep nesting"]


def test_huge_table(tmp_path, indexed):
    rows = "".join(
        f"<tr><td>row {i}</td><td>{i * 7} shells</td><td>Kharkiv oblast</td></tr>"
        for i in range(5_000)
    )
    page = (
        "<html><head><title>Shelling by district</title></head><body><article>"
        "<h1>Shelling by district</h1><p>The table below lists the figures reported by the "
        f"regional administration for each district.</p><table>{rows}</table></article>"
        "</body></html>"
    )
    folder = articles(tmp_path)
    (folder / "table.html").write_text(page, encoding="utf-8")
    started = time.perf_counter()
    report, index = indexed(folder)
    took = time.perf_counter() - started
    print(f"5,000-row table ({len(page) // 1024} KB): {took:.2f} s")
    assert (report.added, report.skipped) == (2, ())
    assert titles(index, "regional administration") == ["Shelling by district"]
    assert titles(index, "34993") == ["Shelling by district"]  # the last row's cell


ORGANISATION_SENTENCE = (
    "The Ministry of Defence said on day {i} that the European Union and NATO had met."
)


def test_long_article_with_many_organisation_mentions(tmp_path, indexed):
    # 1,000 sentences, 78 KB, 3,000 organisation mentions: one long report.
    body = " ".join(ORGANISATION_SENTENCE.format(i=i) for i in range(1_000))
    folder = articles(tmp_path)
    (folder / "report.txt").write_text(f"Annual report\n{body}\n", encoding="utf-8")
    started = time.perf_counter()
    report, _ = indexed(folder)
    took = time.perf_counter() - started
    print(f"78 KB article, 3,000 organisation mentions: {took:.2f} s")
    assert (report.added, report.skipped) == (2, ())


# ---- peak memory, measured in a child process -----------------------------------------------

_CHILD = """
import json, resource, sys, time
from searchkit import Index
folder, index_path, word = sys.argv[1:4]
started = time.perf_counter()
with Index.create(index_path) as index:
    report = index.update([folder], jobs=1)
    hits = index.search(word).total
print(json.dumps({
    "added": report.added,
    "skipped": [[s.path, s.reason] for s in report.skipped],
    "hits": hits,
    "seconds": time.perf_counter() - started,
    "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def _rss_mb(pid: int) -> float:
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except ImportError:
        pass
    except Exception:
        return 0.0  # the process has just ended
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass
class ChildRun:
    result: dict | None  # what the child printed, None when it was stopped or failed
    peak_mb: float  # the larger of the child's ru_maxrss and the peak seen while polling
    seconds: float
    stopped: str  # why the child was killed, or ""
    stderr: str


def index_in_child(
    tmp_path: Path, folder: Path, word: str, limit_mb: float, timeout: float
) -> ChildRun:
    """Index ``folder`` in a fresh interpreter, killing it past ``limit_mb`` or ``timeout``."""
    out, err = tmp_path / "child.out", tmp_path / "child.err"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-c", _CHILD, str(folder), str(tmp_path / "child-index"), word]
    started = time.perf_counter()
    peak, stopped = 0.0, ""
    with out.open("w") as fo, err.open("w") as fe:
        proc = subprocess.Popen(argv, stdout=fo, stderr=fe, env=env, cwd=tmp_path)
        try:
            while proc.poll() is None:
                peak = max(peak, _rss_mb(proc.pid))
                elapsed = time.perf_counter() - started
                if peak > limit_mb:
                    stopped = f"killed after {elapsed:.0f} s at {peak:.0f} MB resident"
                elif elapsed > timeout:
                    stopped = f"killed after {elapsed:.0f} s (time limit)"
                if stopped:
                    proc.kill()
                    break
                time.sleep(0.05)
        finally:
            proc.wait()
    seconds = time.perf_counter() - started
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result = None
    if not stopped and proc.returncode == 0:
        result = json.loads(out.read_text().strip().splitlines()[-1])
        peak = max(peak, result["maxrss_mb"])
    print(
        f"child: {seconds:.1f} s, peak RSS {peak:.0f} MB "
        f"(RUSAGE_CHILDREN, largest child so far: {children_mb:.0f} MB) {stopped}"
    )
    return ChildRun(result, peak, seconds, stopped, err.read_text())


NEWS_SENTENCES = (
    "Officials in Kharkiv said on Tuesday that talks on the grain corridor would resume.",
    "The Ministry of Defence reported {n} drone attacks along the northern border overnight.",
    "Speaking in Brussels, Ursula von der Leyen said the European Union would review sanctions.",
    "NATO allies agreed to send {n} more air defence systems, the alliance said in a statement.",
    "Wheat futures rose {n} per cent in Chicago after the announcement by the government.",
    "The Red Cross said it had reached {n} civilians in villages south of the river.",
)


def write_news_text(path: Path, size: int, last_word: str) -> None:
    """About ``size`` bytes of news-like paragraphs, ending with a sentence naming ``last_word``."""
    paragraphs = []
    for i in range(2_000):
        sentences = [NEWS_SENTENCES[(i + k) % len(NEWS_SENTENCES)] for k in range(3)]
        paragraphs.append(" ".join(s.format(n=i % 97 + 3) for s in sentences))
    block = "\n".join(paragraphs) + "\n"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("Monitoring mission: the full year in reports\n")
        for _ in range(size // len(block)):
            fh.write(block)
        fh.write(f"The last entry mentions the {last_word} exhibit.\n")


def test_fifty_megabyte_text_file_is_skipped_in_bounded_memory(tmp_path):
    # Far beyond any article: skipped with its size named, without reading it into memory.
    folder = tmp_path / "big"
    folder.mkdir()
    write_news_text(folder / "big.txt", 50 * 2**20, "quetzalcoatl")
    (folder / "small.txt").write_text("Small note\n\nA note on quetzalcoatl.\n", encoding="utf-8")
    run = index_in_child(tmp_path, folder, "quetzalcoatl", MEMORY_LIMIT_MB, timeout=900)
    assert not run.stopped, run.stopped
    assert run.result is not None, run.stderr[-2000:]
    assert (run.result["added"], run.result["hits"]) == (1, 1)
    [reason] = [reason for _, reason in run.result["skipped"]]
    assert reason == "file too large (50 MB; the limit is 20 MB)"
    assert run.peak_mb < MEMORY_LIMIT_MB


def test_ten_megabyte_json_line_in_bounded_memory(tmp_path):
    folder = tmp_path / "line"
    folder.mkdir()
    sentence = "delegates debated the fisheries quota for hours before the vote on the shelf. "
    body = sentence * (10 * 2**20 // len(sentence)) + "zanzibar"
    with (folder / "one.jsonl").open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"title": "Huge record", "text": body}) + "\n")
        fh.write(json.dumps({"title": "Small record", "text": "A note about zanzibar."}) + "\n")
    size_mb = (folder / "one.jsonl").stat().st_size / 2**20
    run = index_in_child(tmp_path, folder, "zanzibar", MEMORY_LIMIT_MB, timeout=900)
    print(f"{size_mb:.1f} MB JSON line: {run.seconds:.1f} s, peak RSS {run.peak_mb:.0f} MB")
    assert not run.stopped, run.stopped
    assert run.result is not None, run.stderr[-2000:]
    assert (run.result["added"], run.result["skipped"], run.result["hits"]) == (2, [], 2)
    assert run.peak_mb < MEMORY_LIMIT_MB


# ---- the file system: links, permissions, files that change under the run ------------------


def test_symlink_loops_end_and_each_file_is_indexed_once(tmp_path, indexed):
    folder = articles(tmp_path)
    (folder / "sub").mkdir()
    (folder / "sub" / "nested.txt").write_text("Nested article\nThe walrus slept.\n")
    (folder / "sub" / "up").symlink_to("..")  # a folder link to its parent
    (folder / "here").symlink_to(".")  # a folder link to itself
    (folder / "loop.txt").symlink_to("loop.txt")  # a file link to itself
    (folder / "ping.txt").symlink_to("pong.txt")  # two file links to each other
    (folder / "pong.txt").symlink_to("ping.txt")
    report, index = indexed(folder)
    assert report.added == 2
    paths = [h.path for h in index.search("*", limit=100).hits]
    assert sorted(Path(p).name for p in paths) == [CONTROL, "nested.txt"]
    assert len(set(paths)) == len(paths)


@pytest.mark.parametrize("named", [False, True], ids=["inside-folder", "named-directly"])
def test_a_looping_file_link_is_reported(tmp_path, indexed, named):
    folder = articles(tmp_path)
    circular = folder / "circular.txt"
    circular.symlink_to(circular.name)

    def names_the_loop(message: str) -> bool:
        message = message.replace(str(circular), "").lower()
        return "symbolic link" in message or "loop" in message

    try:
        report, _ = indexed(circular if named else folder)
    except UsageError as exc:
        assert names_the_loop(str(exc)), str(exc)
        return
    reasons = skipped(report)
    assert "circular.txt" in reasons
    assert names_the_loop(reasons["circular.txt"])


def test_unreadable_file_is_skipped(tmp_path, indexed):
    folder = articles(tmp_path)
    secret = folder / "secret.txt"
    secret.write_text("Locked article\nNobody may read this.\n")
    secret.chmod(0)
    try:
        try:
            secret.read_bytes()
        except PermissionError:
            pass
        else:
            pytest.skip("chmod 000 does not stop this user from reading (running as root?)")
        report, index = indexed(folder)
    finally:
        secret.chmod(0o644)
    assert report.added == 1
    assert skipped(report) == {"secret.txt": "permission denied"}
    assert_control_found(index)


def test_unreadable_file_is_skipped_when_simulated(tmp_path, indexed, monkeypatch):
    # The same case without relying on permissions, which root ignores.
    folder = articles(tmp_path)
    secret = folder / "secret.txt"
    secret.write_text("Locked article\nNobody may read this.\n")
    real_open = Path.open

    def guarded_open(self, *args, **kwargs):
        if self == secret:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded_open)
    report, index = indexed(folder)
    assert report.added == 1
    assert skipped(report) == {"secret.txt": "permission denied"}
    assert_control_found(index)


def test_file_listed_by_the_scan_but_gone_before_the_read(tmp_path, indexed, monkeypatch):
    folder = articles(tmp_path)
    ghost = folder / "ghost.txt"
    real_iter_files = updater.iter_files

    def with_ghost(roots):
        yield from real_iter_files(roots)
        yield SourceFile(str(ghost), str(folder), ghost.name)

    monkeypatch.setattr(updater, "iter_files", with_ghost)
    report, index = indexed(folder)
    assert report.added == 1
    assert skipped(report) == {"ghost.txt": "file disappeared before it could be read"}
    assert_control_found(index)


def _three_articles(tmp_path: Path) -> Path:
    folder = articles(tmp_path)
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text(f"Article {name}\nThe narwhal surfaced near {name}.\n")
    return folder


def test_file_deleted_between_the_scan_and_its_read(tmp_path, indexed):
    folder = _three_articles(tmp_path)  # read in order: a.txt, b.txt, control.txt

    def delete_next(done, total):
        if done == 1:
            (folder / "b.txt").unlink()

    report, index = indexed(folder, progress=delete_next)
    assert report.added == 2
    assert skipped(report) == {"b.txt": "file disappeared before it could be read"}
    assert titles(index, "narwhal") == ["Article a.txt"]
    assert_control_found(index)


def test_file_truncated_to_zero_between_the_scan_and_its_read(tmp_path, indexed):
    folder = _three_articles(tmp_path)

    def truncate_next(done, total):
        if done == 1:
            (folder / "b.txt").write_bytes(b"")

    report, index = indexed(folder, progress=truncate_next)
    assert report.added == 2
    assert skipped(report) == {"b.txt": "empty file"}
    assert titles(index, "narwhal") == ["Article a.txt"]
    assert_control_found(index)
