"""Dates from strings, URLs, datelines and bylines."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from searchkit.extract.dates import (
    announces_update,
    date_from_url,
    find_byline_date,
    find_dateline,
    find_dates,
    first_date,
    parse_date,
    writes_day_first,
)

MARCH_1 = dt.date(2024, 3, 1)


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-01",
        "2024-03-01T10:00:00+01:00",
        "2024-03-01T23:30:00Z",
        "2024-03-01 08:15",
        "20240301",
        "Fri, 01 Mar 2024 10:00:00 +0000",
        "March 1, 2024",
        "Mar. 1, 2024",
        "March 1st, 2024",
        "Friday, March 1, 2024 at 5 pm",
        "1 March 2024",
        "01-Mar-2024",
        "01.03.2024",
        "1.3.2024",
        "2024/03/01",
        "2024.03.01",
        "1er mars 2024",
        "1 mars 2024",
        "1. März 2024",
        "1 de marzo de 2024",
        "1 marzo 2024",
        "1 de março de 2024",
        "1 maart 2024",
        "1 марта 2024 г.",
        "1 березня 2024 р.",
        "2024年3月1日",
        "Published 1 March 2024",
    ],
)
def test_parse_date_formats(value):
    assert parse_date(value) == MARCH_1


def test_slashed_dates_are_month_first_unless_the_day_shows():
    assert parse_date("03/01/2024") == MARCH_1
    assert parse_date("25/12/2023") == dt.date(2023, 12, 25)


def test_two_digit_years_only_in_dotted_dates():
    assert parse_date("Party, 30.10.23") == dt.date(2023, 10, 30)
    assert parse_date("v2.3.15") is None


def test_month_names_do_not_match_inside_words():
    assert parse_date("market 1 2024") is None
    assert parse_date("1 marsupial 2024") is None


@pytest.mark.parametrize(
    "value",
    ["", "   ", "March 2024", "2024", "1985-06-01", "31 February 2024", "13/13/2024", "hello"],
)
def test_parse_date_rejects_incomplete_and_impossible_dates(value):
    assert parse_date(value) is None


def test_parse_date_rejects_implausible_years():
    assert parse_date("1989-12-31") is None
    assert parse_date("1990-01-01") == dt.date(1990, 1, 1)
    far = dt.date.today() + dt.timedelta(days=400)
    assert parse_date(far.isoformat()) is None
    near = dt.date.today() + dt.timedelta(days=30)
    assert parse_date(near.isoformat()) == near


def test_parse_date_unix_timestamps():
    assert parse_date("1709290000") == MARCH_1
    assert parse_date("1709290000000") == MARCH_1


@given(st.text())
def test_parse_date_never_raises(text):
    result = parse_date(text)
    assert result is None or isinstance(result, dt.date)


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date.today()))
def test_iso_dates_round_trip(day):
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%d.%m.%Y")) == day
    assert parse_date(day.strftime("%B %d, %Y")) == day


def test_find_dates_reports_spans_in_order():
    text = "Posted 2 March 2024, updated 2024-03-05."
    spans = list(find_dates(text))
    assert [s.date for s in spans] == [dt.date(2024, 3, 2), dt.date(2024, 3, 5)]
    assert text[spans[0].start : spans[0].end] == "2 March 2024"


def test_first_date_skips_updates():
    span = first_date("Updated: 5 March 2024 | Published: 2 March 2024")
    assert span is not None and span.date == dt.date(2024, 3, 2)
    assert first_date("Aktualisiert am 05.03.2024") is None
    assert first_date("") is None


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/2024/03/01/bridge/",
        "https://news.example/2024/3/1/bridge",
        "https://news.example/world/2024-03-01-bridge.html",
        "https://news.example/20240301/bridge",
        "https://www.liberation.fr/international/gaza-20240301_AZMTTO7OZBCI/",
    ],
)
def test_date_from_url(url):
    assert date_from_url(url) == MARCH_1


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/2024/03/bridge",
        "https://news.example/2024/03/",
        "https://news.example/articles/story-11574168580",
        "https://news.example/2024/13/45/x",
        "",
        "not a url",
        "http://[::1",
    ],
)
def test_date_from_url_needs_a_whole_plausible_date(url):
    assert date_from_url(url) is None


def test_dateline_with_a_full_date():
    text = "WASHINGTON, Feb. 27, 2024 — Negotiators returned to the table."
    mention = find_dateline(text)
    assert mention is not None
    assert (mention.kind, mention.value, mention.rule) == ("date", "2024-02-27", "dateline")
    assert text[mention.start : mention.start + len(mention.text)] == "Feb. 27, 2024"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Moscow, 12 March 2024 - Officials said", "2024-03-12"),
        ("BERLIN, 1. März 2024 (dpa) - Die Regierung", "2024-03-01"),
        ("RIO DE JANEIRO, Brazil, March 1, 2024 (AP) — Rain", "2024-03-01"),
        ("Frankfurt am Main, 01.03.2024 - Die Bank", "2024-03-01"),
    ],
)
def test_dateline_forms(text, value):
    mention = find_dateline(text)
    assert mention is not None and mention.value == value


@pytest.mark.parametrize(
    "text",
    [
        "KYIV, March 1 (Reuters) - Ukraine said on Friday",  # no year: not a full date
        "PARIS (AP) — The French government",  # no date at all
        "The talks on March 1, 2024 - said the minister",  # a sentence, not a place
        "Nothing like a dateline here.",
        "",
    ],
)
def test_no_dateline(text):
    assert find_dateline(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Posted on September 21, 2020 by Adi", dt.date(2020, 9, 21)),
        ("Veröffentlicht am 03.03.2024, 12:00 Uhr", dt.date(2024, 3, 3)),
        ("Publié le 3 mars 2024 à 10h", dt.date(2024, 3, 3)),
        ("Gespeichert von rasos am 24. Juli 2017 - 18:00", dt.date(2017, 7, 24)),
    ],
)
def test_byline_dates(text, value):
    span = find_byline_date(text)
    assert span is not None and span.date == value


def test_byline_needs_a_keyword_close_to_the_date():
    assert find_byline_date("Updated Nov 8, 2023") is None
    assert find_byline_date("Published in the journal of a society founded on 3 March 2001") is None


# --- day and month order ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locales", "day_first"),
    [
        (["es"], True),
        (["fr_FR"], True),
        (["de-DE"], True),
        (["en-GB"], True),
        (["en_AU"], True),
        (["en-US"], False),
        (["es-US"], False),
        (["en"], False),  # English without a region says nothing: month first
        (["en", "de"], True),  # ... and the next piece of evidence decides
        (["", "und", "pt-BR"], True),
        ([], False),
    ],
)
def test_day_order_follows_the_locale(locales, day_first):
    assert writes_day_first(locales) is day_first


def test_ambiguous_slashed_dates_follow_the_day_order():
    assert parse_date("06/05/2020") == dt.date(2020, 6, 5)
    assert parse_date("06/05/2020", day_first=True) == dt.date(2020, 5, 6)
    # A number above 12 decides whatever the order.
    assert parse_date("12/25/2020", day_first=True) == dt.date(2020, 12, 25)
    assert parse_date("25/12/2020") == dt.date(2020, 12, 25)
    # Dotted and dashed dates are day first everywhere.
    assert parse_date("06.05.2020") == dt.date(2020, 5, 6)
    assert find_byline_date("Publicado el 06/05/2020", day_first=True).date == dt.date(2020, 5, 6)
    assert first_date("el 06/05/2020", day_first=True).date == dt.date(2020, 5, 6)
    assert find_dateline("MADRID, 06/05/2020 - El gobierno", day_first=True).value == "2020-05-06"


@pytest.mark.parametrize(
    ("before", "update"),
    [
        ("page revision: 8, last edited: ", True),
        ("Updated ", True),
        ("zuletzt bearbeitet am ", True),
        ("Published ", False),
        ("", False),
    ],
)
def test_a_date_announced_as_an_edit_is_not_the_publication(before, update):
    assert announces_update(before) is update
    assert (first_date(f"{before}17 Jun 2018") is None) is update
