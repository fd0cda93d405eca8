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


# --- dates: locale, structured data, date elements, social pages ------------------------------

_PARAGRAPH = (
    "<p>" + "The council met again to discuss the harbour works and their cost. " * 3 + "</p>"
)


def _page(head: str = "", body: str = "", lang: str = "") -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    article = f"<article><h1>Title</h1>{body}</article>"
    return f"<html{lang_attr}><head>{head}</head><body>{article}</body></html>"


@pytest.mark.parametrize(
    ("lang", "head", "published"),
    [
        ("es", "", "2020-05-06"),
        ("en-US", "", "2020-06-05"),
        ("", '<meta property="og:locale" content="fr_FR">', "2020-05-06"),
        ("en", "", "2020-06-05"),
    ],
)
def test_slashed_dates_are_read_in_the_order_of_the_page_locale(lang, head, published):
    page = _page(head, f'<p class="date">06/05/2020</p>{_PARAGRAPH}', lang)
    assert parse_html(page).published.isoformat() == published


def test_a_page_without_a_locale_reads_slashed_dates_in_the_order_of_its_language():
    text = "<p>" + "El ayuntamiento aprobó ayer la ampliación del puerto y de sus muelles. " * 3
    page = _page("", f'<p class="date">06/05/2020</p>{text}</p>')
    assert parse_html(page).published.isoformat() == "2020-05-06"


def test_json_ld_date_published_beats_a_date_in_the_text():
    entity = '{"@type": "NewsArticle", "datePublished": "2021-03-02"}'
    head = f'<script type="application/ld+json">{entity}</script>'
    body = "<p>On 14 February 2021 the council met. " + _PARAGRAPH[3:]
    article = parse_html(_page(head, body))
    assert (article.published.isoformat(), article.published_evidence.rule) == (
        "2021-03-02",
        "json-ld datePublished",
    )


def test_a_date_split_into_elements_is_read_as_one():
    body = (
        '<div class="date"><span class="month">Apr</span> <span class="day">04</span>'
        f'<span class="year">2013</span></div>{_PARAGRAPH}'
    )
    article = parse_html(_page("", body))
    assert article.published.isoformat() == "2013-04-04"


def test_a_date_element_announced_as_an_edit_is_not_the_publication():
    body = f'{_PARAGRAPH}<div id="info">last edited: <span class="odate">17 Jun 2018</span></div>'
    assert parse_html(_page("", body)).published is None


def test_a_date_in_script_data_is_the_last_resort():
    page = (
        '<html><head><script>window.__DATA__ = {"page": {"createdAt": "2022-01-31T15:58:43+01:00"}}'
        f"</script></head><body><article>{_PARAGRAPH}</article></body></html>"
    )
    article = parse_html(page)
    assert (article.published.isoformat(), article.published_evidence.rule) == (
        "2022-01-31",
        "script data createdAt",
    )


def test_the_share_image_address_gives_a_date_when_nothing_else_does():
    head = '<meta property="og:image" content="https://example.org/files/2016/05/04/cover.png">'
    assert parse_html(_page(head, _PARAGRAPH)).published.isoformat() == "2016-05-04"


def test_a_social_media_page_takes_no_date_from_unrelated_elements():
    page = (
        "<html><body><aside class='trends'><p class='date'>Trending since 3 March 2024</p></aside>"
        "<div class='profile'><span class='joined'>Joined 12 May 2010</span></div>"
        f"<article>{_PARAGRAPH}</article><footer>© 1 January 2024</footer></body></html>"
    )
    assert parse_html(page, "https://x.com/someone").published is None
    assert parse_html(page, "https://news.example/someone").published is not None


def test_a_social_media_post_keeps_its_own_date():
    head = '<meta property="article:published_time" content="2024-03-05T10:00:00+00:00">'
    body = f"<aside class='date'>4 March 2024</aside><article>{_PARAGRAPH}</article>"
    page = f"<html><head>{head}</head><body>{body}</body></html>"
    assert parse_html(page, "https://twitter.com/someone/status/1").published.isoformat() == (
        "2024-03-05"
    )


# --- text: no glued words ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p><strong><a href='/x'>was sacked</a> </strong>last night</p>", "was sacked last night"),
        ("<p><em>two</em> <em>seasons</em></p>", "two seasons"),
        ("<p>one<br>two</p>", "one\ntwo"),
        ("<p>menu<nav>Home</nav>next</p>", "menu\nnext"),
        ("<p>no<b>space</b>here</p>", "nospacehere"),  # as a browser shows it
    ],
)
def test_inline_elements_keep_their_spacing_and_blocks_separate(markup, text):
    assert parse_html(f"<html><body>{markup}</body></html>").text == text


def test_block_elements_always_separate_words():
    text = parse_html("<html><body><div>First</div><div>second</div></body></html>").text
    assert text.split() == ["First", "second"]
