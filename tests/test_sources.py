"""Source name and type: the precedence of the rules, the domain table, host suffixes."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from searchkit.errors import ConfigError
from searchkit.extract.sources import SourceInfo, classify_source, domain_of
from searchkit.model import SOURCE_TYPES

TSV = Path(__file__).resolve().parent.parent / "scripts" / "source_domains.tsv"


# --- domain_of -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.reuters.com/world/europe/x", "reuters.com"),
        ("http://m.facebook.com/story", "facebook.com"),
        ("https://amp.theguardian.com/world", "theguardian.com"),
        ("https://www3.nhk.or.jp/news/", "nhk.or.jp"),
        ("https://News.BBC.co.uk:443/1/hi", "news.bbc.co.uk"),
        ("https://user:secret@www.example.com:8080/p?q=1", "example.com"),
        ("reuters.com/article/x", "reuters.com"),
        ("//www.example.org/x", "example.org"),
        ("https://www.example.com./", "example.com"),
        ("https://m.me/", "m.me"),
        ("", ""),
        ("not a url", ""),
        ("http://[::1", ""),
    ],
)
def test_domain_of(url, domain):
    assert domain_of(url) == domain


# --- the domain table ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "source", "source_type"),
    [
        ("https://www.reuters.com/x", "Reuters", "wire"),
        ("https://apnews.com/article/x", "Associated Press", "wire"),
        ("https://www.afp.com/en/x", "AFP", "wire"),
        ("https://interfax.com.ua/news/x", "Interfax-Ukraine", "wire"),
        ("https://tass.ru/politika/1", "TASS", "wire"),
        ("https://www.ukrinform.net/rubric/x", "Ukrinform", "wire"),
        ("https://www.unian.ua/war/x", "UNIAN", "wire"),
        ("https://www.bbc.co.uk/news/x", "BBC", "tv"),
        ("https://www.bbc.com/news/x", "BBC", "tv"),
        ("https://www.npr.org/2024/x", "NPR", "radio"),
        ("https://www.huffpost.com/entry/x", "HuffPost", "news"),
        ("https://www.huffingtonpost.com/entry/x", "HuffPost", "news"),
        ("https://www.economist.com/x", "The Economist", "magazine"),
        ("https://x.com/user/status/1", "X", "social"),
        ("https://twitter.com/user", "Twitter", "social"),
        ("https://t.me/channel/1", "Telegram", "social"),
        ("https://www.youtube.com/watch?v=1", "YouTube", "social"),
        ("https://www.reddit.com/r/x", "Reddit", "social"),
        ("https://www.nato.int/cps/en", "NATO", "official"),
        ("https://www.kremlin.ru/events", "President of Russia", "official"),
        ("https://commission.europa.eu/x", "European Union", "official"),
    ],
)
def test_domains_in_the_table(url, source, source_type):
    info = classify_source(url)
    assert (info.source, info.source_type) == (source, source_type)
    assert info.reason.startswith("domain ") and info.reason.endswith(" in the source table")


def test_a_subdomain_matches_its_parent_and_a_listed_subdomain_wins():
    assert classify_source("https://news.bbc.co.uk/2/hi/x") == SourceInfo(
        "BBC", "tv", "domain bbc.co.uk in the source table"
    )
    assert classify_source("https://news.sky.com/story/x").source == "Sky News"
    assert classify_source("https://blogs.mediapart.fr/x").source_type == "blog"
    assert classify_source("https://www.mediapart.fr/x").source_type == "news"


def test_a_hosting_platform_takes_the_site_name_or_the_host():
    assert classify_source("https://someone.wordpress.com/2020/x") == SourceInfo(
        "someone.wordpress.com", "blog", "domain wordpress.com in the source table"
    )
    info = classify_source("https://someone.substack.com/p/x", site_name="Someone's Letter")
    assert (info.source, info.source_type) == ("Someone's Letter", "blog")
    assert classify_source("https://medium.com/@a/x", site_name="Medium").source == "Medium"


def test_the_table_is_the_tsv():
    rows = {}
    for line in TSV.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            domain, name, kind = line.split("\t")
            rows[domain] = [name, kind]
    data = json.loads(
        (resources.files("searchkit") / "data" / "source_domains.json").read_text("utf-8")
    )
    assert data["domains"] == rows, "rebuild with: python scripts/build_tables.py"
    assert len(rows) >= 300
    assert {kind for _, kind in rows.values()} <= set(SOURCE_TYPES) - {"unknown"}
    assert data["_licence"]


# --- precedence ------------------------------------------------------------------------------


def test_declared_type_beats_everything():
    info = classify_source(
        "https://www.reuters.com/x",
        site_name="Reuters",
        declared_type="newspaper",
        page_type="BlogPosting",
        extra_domains={"reuters.com": "blog"},
    )
    assert info == SourceInfo("Reuters", "news", "declared in metadata (newspaper)")


@pytest.mark.parametrize(
    ("declared", "source_type"),
    [
        ("news", "news"),
        ("TV", "tv"),
        ("television", "tv"),
        ("Newspaper", "news"),
        ("press agency", "wire"),
        ("news_agency", "wire"),
        ("radio station", "radio"),
        ("weblog", "blog"),
        ("government", "official"),
    ],
)
def test_declared_type_aliases(declared, source_type):
    assert classify_source("https://example.com", declared_type=declared).source_type == (
        source_type
    )


@pytest.mark.parametrize("declared", ["unknown", "gossip", "article", ""])
def test_an_unrecognised_declared_type_is_ignored(declared):
    info = classify_source("https://www.reuters.com/x", declared_type=declared)
    assert info.source_type == "wire"


def test_config_domains_beat_the_table():
    info = classify_source("https://www.reuters.com/x", extra_domains={"reuters.com": "news"})
    assert info == SourceInfo("Reuters", "news", "domain reuters.com in the config")


def test_config_domains_match_subdomains_and_accept_urls_and_aliases():
    extra = {"https://www.example.org/": "television"}
    info = classify_source("https://video.example.org/x", extra_domains=extra)
    assert (info.source_type, info.reason) == ("tv", "domain example.org in the config")


def test_a_bad_config_type_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown source type"):
        classify_source("https://example.org", extra_domains={"example.org": "gossip"})


def test_the_table_beats_host_suffixes_and_hints():
    info = classify_source("https://www.spa.gov.sa/x", page_type="NewsArticle")
    assert (info.source, info.source_type) == ("Saudi Press Agency", "wire")


@pytest.mark.parametrize(
    ("url", "suffix"),
    [
        ("https://www.data.gov/x", ".gov"),
        ("https://www.army.mil/article", ".mil"),
        ("https://www.itu.int/en", ".int"),
        ("https://www.ons.gov.uk.example", ""),
        ("https://mfa.gov.cn/eng", ".gov.cn"),
        ("https://www.interieur.gouv.fr/x", ".gouv.fr"),
        ("https://www.gob.mx/x", ".gob.mx"),
        ("https://www.bundeskanzleramt.gv.at/x", ".gv.at"),
        ("https://www.mof.go.jp/x", ".go.jp"),
        ("https://www.admin.ch/gov/x", ".admin.ch"),
        ("https://go.at/x", ""),
        ("https://www.govexec.com/x", ""),
    ],
)
def test_host_suffix_rules(url, suffix):
    info = classify_source(url)
    if suffix:
        assert info == SourceInfo(domain_of(url), "official", f"url host ends with {suffix}")
    else:
        assert info.source_type == "unknown"


def test_host_suffix_beats_page_type():
    assert classify_source("https://x.gov", page_type="BlogPosting").source_type == "official"


@pytest.mark.parametrize(
    ("page_type", "source_type"),
    [
        ("BlogPosting", "blog"),
        ("https://schema.org/BlogPosting", "blog"),
        ("NewsArticle", "news"),
        ("ReportageNewsArticle", "news"),
        ("article", "unknown"),
        ("website", "unknown"),
        ("video.other", "unknown"),
        ("video.episode", "unknown"),
    ],
)
def test_page_type_hints(page_type, source_type):
    assert classify_source("https://unlisted.example", page_type=page_type).source_type == (
        source_type
    )


def test_page_type_beats_site_name():
    info = classify_source("https://unlisted.example", site_name="Reuters", page_type="blog")
    assert (info.source, info.source_type) == ("Reuters", "blog")


def test_site_name_matches_the_table_names_case_insensitively():
    info = classify_source("https://mirror.example/x", site_name="the guardian")
    assert info == SourceInfo(
        "The Guardian", "news", "site name 'the guardian' in the source table"
    )
    assert classify_source(site_name="REUTERS").source_type == "wire"


def test_a_site_name_shared_by_outlets_of_different_types_says_nothing():
    assert classify_source("https://mirror.example/x", site_name="RTL").source_type == "unknown"


def test_unknown_falls_back_to_site_name_then_domain_then_nothing():
    assert classify_source("https://www.unlisted.example/x", site_name="Local Paper") == (
        SourceInfo(
            "Local Paper", "unknown", "no metadata, domain, site-name or address rule matched"
        )
    )
    assert classify_source("https://www.unlisted.example/x").source == "unlisted.example"
    assert classify_source() == SourceInfo(
        "", "unknown", "no metadata, domain, site-name or address rule matched"
    )


@pytest.mark.parametrize(
    ("url", "source_type"),
    [
        ("https://www.nytimes.com/2019/x", "news"),
        ("https://www.wsj.com/articles/x", "news"),
        ("https://www.aljazeera.com/news/x", "tv"),
        ("https://www.arteradio.com/son/x", "radio"),
        ("https://www.forbes.com/sites/x", "magazine"),
        ("https://emacspeak.blogspot.com/2019/x", "blog"),
        ("https://www.arbeitsagentur.de/news/x", "official"),
        ("https://www.bsi.bund.de/x", "official"),
        ("https://hosted.ap.org/x", "wire"),
        ("https://www.liberation.fr/international/x", "news"),
    ],
)
def test_benchmark_pages_are_classified(url, source_type):
    assert classify_source(url).source_type == source_type


# --- publisher type, site-name words, address sections ---------------------------------------


@pytest.mark.parametrize(
    ("site_name", "source_type", "word"),
    [
        ("Radio Cidade Verde", "radio", "radio"),
        ("Televisión Pública", "tv", "televisión"),
        ("Bayerischer Rundfunk Mediathek", "tv", "rundfunk"),
        ("Pajhwok Press Agency", "wire", "agency"),
        ("Agencia de Noticias del Sur", "wire", "agencia"),
        ("The Springfield Gazette", "news", "gazette"),
        ("Winnipeg Free Press", "news", "press"),
        ("Heartland Newsfeed", "news", "newsfeed"),
        ("Märkische Landeszeitung", "news", "landeszeitung"),
        ("Deutsche Hebammen Zeitschrift", "magazine", "zeitschrift"),
        ("Radio News Weekly", "radio", "radio"),  # the first kind in the order wins
        ("Deutsches Rotes Kreuz e.V.", "official", "e.v."),
        ("Feuerwehrverband", "official", "feuerwehrverband"),
        ("The Beachbody Blog", "blog", "blog"),
    ],
)
def test_a_word_of_the_site_name_says_the_type(site_name, source_type, word):
    info = classify_source(url=f"https://{word.strip('.')}-site.example/a", site_name=site_name)
    assert info.source_type == source_type
    assert info.reason == f"site name {site_name!r} says {source_type} ({word!r})"


@pytest.mark.parametrize("site_name", ["Pressure Cooker Recipes", "Timeshare Deals", "Postcards"])
def test_a_type_word_inside_another_word_says_nothing(site_name):
    assert classify_source(url="https://x.example/a", site_name=site_name).source_type == "unknown"


def test_an_edition_or_a_part_of_the_site_name_finds_its_outlet():
    edition = classify_source(url="https://x.example/a", site_name="Business Insider Deutschland")
    assert (edition.source, edition.source_type) == ("Business Insider", "news")
    parts = classify_source(url="https://x.example/a", site_name="Autos | Reuters")
    assert (parts.source, parts.source_type) == ("Reuters", "wire")


def test_one_word_of_a_longer_name_is_not_an_outlet():
    # "Times" alone is a table name ("The Times"); "Times Square Tours" is not that outlet.
    assert classify_source(url="https://x.example/", site_name="Times Square Tours").source == (
        "Times Square Tours"
    )


@pytest.mark.parametrize(
    ("publisher_type", "source_type"),
    [
        ("NewsMediaOrganization", "news"),
        ("RadioStation", "radio"),
        ("TelevisionStation", "tv"),
        ("GovernmentOrganization", "official"),
        ("NGO", "official"),
    ],
)
def test_the_publisher_type_says_the_type(publisher_type, source_type):
    info = classify_source(url="https://x.example/a", publisher_type=publisher_type)
    assert (info.source_type, info.reason) == (source_type, f"publisher type {publisher_type}")


def test_a_plain_organization_publisher_says_nothing():
    info = classify_source(url="https://x.example/a", publisher_type="Organization")
    assert info.source_type == "unknown"


@pytest.mark.parametrize(
    ("url", "source_type", "section"),
    [
        ("https://acme.example/blog/2020/launch", "blog", "blog"),
        ("https://ngo.example/presse/pressemitteilungen/x", "official", "pressemitteilungen"),
        ("https://acme.example/en/press-releases/q3", "official", "press-releases"),
    ],
)
def test_a_section_of_the_address_says_the_type(url, source_type, section):
    info = classify_source(url=url)
    assert (info.source_type, info.reason) == (source_type, f"url section /{section}/")


def test_the_table_beats_every_name_and_address_rule():
    info = classify_source(url="https://www.reuters.com/blog/x", site_name="Some Blog")
    assert info.source_type == "wire"


@pytest.mark.parametrize(
    ("url", "source", "source_type"),
    [
        ("https://www.pap.pl/en/x", "PAP", "wire"),
        ("https://www.jiji.com/jc/x", "Jiji Press", "wire"),
        ("https://www.rte.ie/news/x", "RTÉ", "tv"),
        ("https://www.ceskatelevize.cz/x", "Česká televize", "tv"),
        ("https://www.kbs.co.kr/x", "KBS", "tv"),
        ("https://sverigesradio.se/x", "Sveriges Radio", "radio"),
        ("https://www.radionacional.com.ar/x", "Radio Nacional", "radio"),
    ],
)
def test_national_broadcasters_and_agencies_are_in_the_table(url, source, source_type):
    info = classify_source(url=url)
    assert (info.source, info.source_type) == (source, source_type)


def test_a_type_from_the_publisher_survives_a_config_change():
    from searchkit.config import ExtractConfig
    from searchkit.extract.documents import build_document, rederive
    from searchkit.extract.formats import read_html

    page = (
        '<html><head><link rel="canonical" href="https://unlisted.example/a">'
        '<script type="application/ld+json">{"@type": "Article", "headline": "Harbour",'
        ' "publisher": {"@type": "NewsMediaOrganization", "name": "Harbour Voices"}}</script>'
        "</head><body><article><p>"
        + "The harbour board met to discuss the new quay and its cost. " * 3
        + "</p></article></body></html>"
    )
    doc = build_document(read_html(page.encode()), "page.html", ExtractConfig())
    reason = next(m.rule for m in doc.evidence if m.kind == "source_type")
    assert (doc.source_type, reason) == ("news", "publisher type NewsMediaOrganization")
    assert rederive(doc, ExtractConfig()).source_type == "news"


@pytest.mark.parametrize(
    ("url", "source_type", "reason"),
    [
        ("https://report24.news/a", "news", "url host report24.news says news ('.news')"),
        ("https://auto-presse.de/a", "news", "url host auto-presse.de says news ('presse')"),
        (
            "https://city-radio.example/a",
            "radio",
            "url host city-radio.example says radio ('radio')",
        ),
    ],
)
def test_the_host_says_the_type(url, source_type, reason):
    info = classify_source(url=url)
    assert (info.source_type, info.reason) == (source_type, reason)


def test_a_host_without_hyphens_is_not_read_as_words():
    # "shopnewsdeals" is one label, not the words of a name
    assert classify_source(url="https://shopnewsdeals.example/a").source_type == "unknown"
