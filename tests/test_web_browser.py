"""The search page in Debian's chromium, driven by Playwright, against `searchkit serve`
started on a free port on 127.0.0.1 for this module and stopped at its end."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from urllib.parse import parse_qsl, urlsplit

import pytest
from web_support import HOSTILE_TITLE_START, build_web_index

BROWSER_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing in CI: scripts/ci-browser installs it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`searchkit serve --port 0` on the test index; yields its base URL."""
    index_dir = build_web_index(tmp_path_factory.mktemp("browser"))
    command = [sys.executable, "-m", "searchkit", "--index", str(index_dir)]
    proc = subprocess.Popen(
        [*command, "serve", "--host", "127.0.0.1", "--port", "0", "--threads", "2"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stderr.readline()
        match = re.search(r"at (http://127\.0\.0\.1:\d+)/", line)
        assert match, line + proc.stderr.read()
        base = match.group(1)
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stderr.close()


@pytest.fixture(scope="module")
def playwright_instance():
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p, executable


def _context(playwright_instance, tmp_path, **options):
    p, executable = playwright_instance
    return p.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=executable,
        args=BROWSER_ARGS,
        headless=True,
        viewport={"width": 1200, "height": 900},
        **options,
    )


@pytest.fixture
def page(playwright_instance, tmp_path, server):
    context = _context(playwright_instance, tmp_path)
    page = context.new_page()
    # Nothing but our own server may be asked for anything.
    page.route(re.compile(r"^(?!" + re.escape(server) + ")"), lambda route: route.abort())
    yield page
    context.close()


def params(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


def total(page) -> int:
    text = page.locator(".summary .count").inner_text()
    return int(text.split()[0].replace(",", ""))


def facet_count(page, facet: str, value: str) -> int:
    item = page.locator(
        f'ul.values[data-facet="{facet}"] li', has=page.locator(f'input[value="{value}"]')
    )
    return int(item.locator(".count").inner_text().replace(",", ""))


def test_ticking_and_unticking_facet_values(page, server):
    page.goto(server + "/?q=meeting")
    assert total(page) == 48
    france = facet_count(page, "country", "FR")
    germany = facet_count(page, "country", "DE")
    with page.expect_navigation():
        page.get_by_role("checkbox", name=re.compile(r"^France \(FR\)")).check()
    assert params(page.url) == [("q", "meeting"), ("country", "FR")]
    assert total(page) == france
    # OR within a facet: the other countries' counts ignore the country filter.
    assert facet_count(page, "country", "DE") == germany
    with page.expect_navigation():
        page.get_by_role("checkbox", name=re.compile(r"^Germany \(DE\)")).check()
    assert params(page.url) == [("q", "meeting"), ("country", "FR"), ("country", "DE")]
    assert france <= total(page) <= france + germany
    with page.expect_navigation():
        page.get_by_role("checkbox", name=re.compile(r"^France \(FR\)")).uncheck()
    assert params(page.url) == [("q", "meeting"), ("country", "DE")]
    assert total(page) == germany


def test_removing_a_pill_and_clear_all(page, server):
    page.goto(server + "/?q=meeting&country=FR&source_type=wire")
    page.get_by_role("link", name="Remove Country: France").click()
    page.wait_for_url(re.compile(r"source_type=wire"))
    assert params(page.url) == [("q", "meeting"), ("source_type", "wire")]
    assert not page.get_by_role("checkbox", name=re.compile(r"^France")).is_checked()
    page.get_by_role("link", name="Clear all").click()
    page.wait_for_url(server + "/?q=meeting")
    assert total(page) == 48


def test_clicking_and_dragging_the_histogram(page, server):
    page.goto(server + "/")
    assert page.locator(".histogram .missing").inner_text() == "2 undated"
    bars = page.locator("svg.bars a.bar")
    assert bars.count() == 8  # 2023-11 .. 2024-06, the empty months included
    bars.nth(3).click()  # 2024-02
    page.wait_for_url(re.compile("since=2024-02"))
    assert params(page.url) == [("since", "2024-02"), ("until", "2024-02")]
    assert total(page) == 9
    page.goto(server + "/?q=meeting")
    first = page.locator('a.bar[data-bucket="2024-01"]').bounding_box()
    last = page.locator('a.bar[data-bucket="2024-03"]').bounding_box()
    page.mouse.move(first["x"] + first["width"] / 2, first["y"] + first["height"] - 2)
    page.mouse.down()
    page.mouse.move(last["x"] + last["width"] / 2, last["y"] + last["height"] - 2, steps=6)
    with page.expect_navigation():
        page.mouse.up()
    assert params(page.url) == [("q", "meeting"), ("since", "2024-01"), ("until", "2024-03")]
    assert total(page) == 6 + 8 + 6  # the January, February and March meetings
    assert page.locator("svg.bars a.in-range").count() == 3


def test_paging_and_the_back_button(page, server):
    page.goto(server + "/?q=meeting")
    assert page.locator("ol.hits").get_attribute("start") == "1"
    page.get_by_role("link", name="Next →").click()
    page.wait_for_url(re.compile("page=2"))
    assert page.locator("ol.hits").get_attribute("start") == "11"
    assert page.locator(".pager .where").inner_text() == "Page 2 of 5"
    page.go_back()
    page.wait_for_url(server + "/?q=meeting")
    assert page.locator("ol.hits").get_attribute("start") == "1"


def test_opening_a_document_and_its_explanations(page, server):
    page.goto(server + "/?q=meeting&sort=date")
    first = page.locator("ol.hits li h3 a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile("/documents/"))
    assert page.locator("h1").inner_text() == title
    rows = page.locator(".explain tbody tr")
    assert rows.count() >= 2
    kinds = {rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())}
    assert {"language", "source_type"} <= kinds
    assert page.locator(".fields dt", has_text="Actors").count() == 1


def test_facet_search_as_you_type(page, server):
    page.goto(server + "/?q=meeting&country=FR")
    box = page.get_by_label("Find actor values")
    box.fill("ley")
    labels = page.locator('ul.values[data-facet="actor"] .label')
    labels.first.wait_for()
    page.wait_for_function(
        "() => document.querySelectorAll('ul.values[data-facet=actor] li').length === 1"
    )
    assert labels.all_inner_texts() == ["Ursula von der Leyen"]
    with page.expect_navigation():
        page.get_by_role("checkbox", name=re.compile("Ursula")).check()
    assert ("actor", "Ursula von der Leyen") in params(page.url)
    assert ("country", "FR") in params(page.url)


def test_the_page_without_javascript(playwright_instance, tmp_path, server):
    context = _context(playwright_instance, tmp_path, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server + "/?q=meeting")
        page.get_by_role("checkbox", name=re.compile(r"^France \(FR\)")).check()
        assert params(page.url) == [("q", "meeting")]  # nothing submits by itself
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url(re.compile("country=FR"))
        assert params(page.url) == [("q", "meeting"), ("country", "FR")]
        # The facet's own search box is a plain form.
        page.get_by_label("Find actor values").fill("ley")
        page.get_by_role("button", name="Find").first.click()
        page.wait_for_url(re.compile("prefix=ley"))
        labels = page.locator('ul.values[data-facet="actor"] .label').all_inner_texts()
        assert labels == ["Ursula von der Leyen"]
        page.locator('svg.bars a.bar[data-bucket="2024-02"]').click()
        page.wait_for_url(re.compile("since=2024-02"))
        assert ("until", "2024-02") in params(page.url)
    finally:
        context.close()


def test_hostile_fields_run_nothing(page, server):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in ("/?q=hostile", "/?q=hostile&actor=Hostile+Actor"):
        page.goto(server + path)
        assert page.evaluate("() => window.__xss") is None
        assert page.locator("img, iframe, object, embed").count() == 0
        assert page.locator('a[href^="javascript:" i]').count() == 0
        title = page.locator("ol.hits li h3 a").first.inner_text()
        assert title.startswith(HOSTILE_TITLE_START)
    page.locator("ol.hits li h3 a").first.click()
    page.wait_for_url(re.compile("/documents/"))
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("h1").inner_text().startswith(HOSTILE_TITLE_START)
    assert page.locator('a[href^="javascript:" i]').count() == 0
    assert page.locator("script").count() == 1  # our own /static/app.js only
    assert page.locator(".fields dd", has_text="javascript:window.__xss=6").count() == 1
    assert dialogs == []


def test_the_keyboard_reaches_and_works_every_control(page, server):
    page.goto(server + "/?q=meeting")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("() => document.activeElement.className") == "skip"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "q"
    # Tab on to the first actor value and tick it with the space bar.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == "actor":
            break
    value = page.evaluate("() => document.activeElement.value")
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert ("actor", value) in params(page.url)
    # Histogram bars are links in the tab order, with their month and count as a name.
    labels = page.locator("svg.bars a.bar").evaluate_all(
        "bars => bars.map(b => b.getAttribute('aria-label'))"
    )
    assert all(re.fullmatch(r"\d{4}-\d{2}: \d+ articles?", label) for label in labels)
