"""Article extraction from HTML: golden pages, encodings, dates and malformed markup."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from searchkit.extract.html import HtmlArticle, decode_markup, parse_html

GOLDEN = Path(__file__).parent / "data" / "html"
PAGES = sorted(path.name.removesuffix(".html") for path in GOLDEN.glob("*.html"))


def as_expected(article: HtmlArticle) -> dict:
    evidence = article.published_evidence
    return {
        "title": article.title,
        "text": article.text,
        "published": article.published.isoformat() if article.published else None,
        "published_rule": evidence.rule if evidence else None,
        "url": article.url,
        "site_name": article.site_name,
        "page_type": article.page_type,
        "language": article.language,
        "authors": list(article.authors),
    }


@pytest.mark.parametrize("name", PAGES)
def test_golden_page(name):
    expected = json.loads((GOLDEN / f"{name}.expected.json").read_text(encoding="utf-8"))
    markup = (GOLDEN / f"{name}.html").read_bytes()
    article = parse_html(markup, expected.pop("input_url", ""))
    assert as_expected(article) == expected


def test_every_golden_page_has_its_expectation():
    assert PAGES
    for name in PAGES:
        assert (GOLDEN / f"{name}.expected.json").is_file(), name


def test_boilerplate_is_left_out_of_the_text():
    text = parse_html((GOLDEN / "news_jsonld_graph.html").read_bytes()).text
    for boilerplate in ("cookies", "Share on", "Read also", "Ferry timetable", "About time"):
        assert boilerplate not in text
    assert "Photo: Coastal Times" not in text  # figure captions are not article text
    assert text.count("\n\n") == 4  # five paragraphs, the subheading among them


def test_published_date_is_the_original_not_the_modified_one():
    page = """<html><head>
    <meta property="article:modified_time" content="2024-05-20T08:00:00+02:00">
    <meta property="article:published_time" content="2024-05-02T18:30:00+02:00">
    </head><body><article><h1>Title</h1>
    <p class="meta">Updated <time class="updated" datetime="2024-05-20">20 May 2024</time></p>
    <p>A first paragraph that is long enough to be taken for the text of the article itself.</p>
    </article></body></html>"""
    article = parse_html(page)
    assert article.published.isoformat() == "2024-05-02"
    assert article.published_evidence.rule == "meta article:published_time"
    assert article.published_evidence.text == "2024-05-02T18:30:00+02:00"
    assert article.published_evidence.start == -1


def test_json_ld_graph_gives_date_type_and_authors():
    page = """<html><head><script type="application/ld+json">
    {"@context": "https://schema.org", "@graph": [
      {"@type": "Organization", "name": "Example News"},
      {"@type": ["ReportageNewsArticle", "NewsArticle"], "datePublished": "2023-11-08",
       "author": {"@type": "Person", "name": "By Ana Lima"}}]}
    </script></head><body><p>Some text that is long enough to count as a paragraph of text.</p>
    </body></html>"""
    article = parse_html(page)
    assert article.published.isoformat() == "2023-11-08"
    assert article.published_evidence.rule == "json-ld datePublished"
    assert article.page_type == "ReportageNewsArticle"
    assert article.authors == ("Ana Lima",)


def test_json_ld_main_entity_nested_in_a_web_page():
    page = """<script type="application/ld+json">
    {"@type": "WebPage", "mainEntity": {"@type": "BlogPosting", "datePublished": "2022-02-03"}}
    </script><p>Body text</p>"""
    article = parse_html(page)
    assert (article.page_type, article.published.isoformat()) == ("BlogPosting", "2022-02-03")


def test_utc_timestamp_gives_way_to_the_local_day_of_the_same_moment():
    page = """<html><head>
    <meta property="article:published_time" content="2023-11-09T02:11:03+00:00">
    </head><body><p class="date"><time datetime="2023-11-08T21:11:03-05:00">Nov 8</time></p>
    </body></html>"""
    assert parse_html(page).published.isoformat() == "2023-11-08"


def test_date_in_url_is_used_and_the_evidence_is_the_url():
    url = "https://news.example/2024/03/01/bridge-reopens/"
    article = parse_html("<p>No date in this page at all, only words.</p>", url)
    assert article.published.isoformat() == "2024-03-01"
    assert (article.published_evidence.rule, article.published_evidence.text) == ("url", url)


def test_dateline_without_a_year_gives_no_date():
    page = "<p>KYIV, March 1 (Reuters) - Ukraine said on Friday that talks would continue.</p>"
    article = parse_html(page)
    assert article.published is None and article.published_evidence is None


def test_cp1251_bytes_are_decoded():
    raw = (GOLDEN / "cyrillic_cp1251.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    article = parse_html(raw)
    assert article.title == "Мост открыли после ремонта"
    assert "городской мост" in article.text


def test_utf16_and_latin1_bytes_are_decoded():
    page = "<html><body><p>Café crème à la française, s'il vous plaît.</p></body></html>"
    assert "Café crème" in parse_html(page.encode("utf-16")).text
    latin = page.replace("<html>", '<html><meta charset="iso-8859-1">').encode("latin-1")
    assert "Café crème" in parse_html(latin).text


def test_stale_latin1_declaration_on_utf8_bytes():
    raw = '<meta charset="iso-8859-1"><p>Grüße aus Köln</p>'.encode()
    assert decode_markup(raw).endswith("Grüße aus Köln</p>")


def test_undeclared_legacy_bytes_do_not_raise():
    assert "Caf" in decode_markup(b"<p>Caf\xe9 \xe0 la carte</p>")


@pytest.mark.parametrize(
    "markup",
    [
        "",
        b"",
        "<html><head><script>var a = '<p>not text</p>';</script></head></html>",
        "<script>document.write('<p>hello</p>')</script><style>p { color: red }</style>",
        "<!-- only a comment -->",
        "<html><body><div><p>unclosed <b>bold <i>italic",
        "<<<>>> </p></div></body> <p <a href=>",
        "<!-- unclosed comment <p>text after it",
        "<script>never closed",
        b"\x00\xff\xfe<p>\x00binary-ish</p>",
        "<p>" * 3000 + "deep",
    ],
)
def test_malformed_markup_never_raises(markup):
    article = parse_html(markup)
    assert isinstance(article.text, str)


def test_script_only_page_has_no_text():
    page = "<html><head><script>var x = 1;</script></head><body><script>go()</script></body></html>"
    article = parse_html(page)
    assert article.text == ""
    assert article.title == ""


def test_broken_html_keeps_what_can_be_read():
    page = "<html><body><div class='content'><p>First paragraph of the story, which is quite"
    page += " long and keeps going without any closing tag<p>Second paragraph, also unclosed"
    article = parse_html(page)
    assert "First paragraph of the story" in article.text
    assert "Second paragraph" in article.text


def test_canonical_url_is_resolved_and_falls_back_to_the_given_url():
    page = '<link rel="canonical" href="/a/b"><p>Text</p>'
    assert parse_html(page, "https://example.org/x?y=1").url == "https://example.org/a/b"
    assert parse_html("<p>Text</p>", "https://example.org/x").url == "https://example.org/x"


def test_language_is_normalised_to_two_letters():
    assert parse_html('<html lang="pt-BR"><p>x</p></html>').language == "pt"
    assert parse_html('<meta property="og:locale" content="fr_FR"><p>x</p>').language == "fr"
    assert parse_html('<html lang="x-klingon"><p>x</p></html>').language == ""


def test_authors_are_cleaned_and_split():
    page = '<meta name="author" content="By Jane Doe and John Smith, https://x.example/me">'
    assert parse_html(page).authors == ("Jane Doe", "John Smith")


def test_title_loses_the_site_name():
    page = '<title>Storm hits the coast | Coastal Times</title><meta property="og:site_name"'
    page += ' content="Coastal Times"><p>x</p>'
    assert parse_html(page).title == "Storm hits the coast"


def test_embedded_posts_stay_in_the_text():
    body = "<p>" + "The minister replied on social media within the hour to the criticism. " * 2
    body += '</p><div class="social-embed"><blockquote class="twitter-tweet"><p>We will not'
    body += " back down on this, whatever they say in parliament this week.</p></blockquote>"
    body += "</div><p>" + "Her office confirmed the statement to reporters in the capital. " * 2
    text = parse_html(f"<html><body><article>{body}</p></article></body></html>").text
    assert "We will not back down" in text


def test_extraction_does_not_import_click():
    code = "import sys, searchkit.extract.html; sys.exit('click' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=GOLDEN.parents[2]).returncode == 0
