"""Country traps met on real news (BBC, HuffPost, newswire), read as the pipeline reads them:
the headline and the body together. Each trap comes with sentences where the country is meant.
"""

from __future__ import annotations

import json
import pathlib

import pytest

from searchkit.extract.countries import find_countries


def codes(body: str, title: str = "") -> set[str]:
    return {m.value for m in find_countries(body, "en", title=title)}


#: The trap sentences, shared with ``bench/evals/traps.py``: a headline and a body, a code,
#: and whether the country is meant there ("meant": false for Georgia the US state, Turkey the
#: bird, Jim Jordan, Turks and Caicos, "Senate" outside US politics, ...).
TRAPS = json.loads((pathlib.Path(__file__).parent / "data" / "country_traps.json").read_text())
NOT_THE_COUNTRY = [(t["title"], t["body"], t["code"]) for t in TRAPS if not t["meant"]]
THE_COUNTRY = [(t["title"], t["body"], t["code"]) for t in TRAPS if t["meant"]]


@pytest.mark.parametrize(("title", "body", "code"), NOT_THE_COUNTRY)
def test_not_the_country(title, body, code):
    assert code not in codes(body, title)


@pytest.mark.parametrize(("title", "body", "code"), THE_COUNTRY)
def test_the_country(title, body, code):
    assert code in codes(body, title)


def test_turks_and_caicos_is_its_own_territory():
    assert codes("The Turks and Caicos Islands government imposed a curfew.") == {"TC"}


def test_title_mentions_start_at_minus_one_and_body_offsets_stay():
    found = find_countries("Kyiv said no.", title="UKRAINE TALKS FAIL")
    assert [(m.value, m.text, m.start) for m in found] == [("UA", "UKRAINE", -1), ("UA", "Kyiv", 0)]


@pytest.mark.parametrize(
    ("text", "code", "surface"),
    [
        ("TOKYO, March 3 - The yen rose.", "JP", "TOKYO"),
        ("WASHINGTON (Reuters) - Stocks fell.", "US", "WASHINGTON"),
        ("KYIV, Ukraine — Officials said", "UA", "KYIV, Ukraine"),
        ("NEW YORK 1996-08-30\nStocks rose.", "US", "NEW YORK"),
        ("BONN 1996-08-30\nThe government said.", "DE", "BONN"),
        ("ATLANTA, Georgia (Reuters) - The state", "US", "ATLANTA, Georgia"),
        ("TBILISI, Georgia (Reuters) - The", "GE", "TBILISI, Georgia"),
        ("PARIS, Texas (AP) - A storm hit.", "US", "PARIS, Texas"),
        ("Athens, Ga., March 1 (AP) - The team", "US", "Athens, Ga."),
    ],
)
def test_the_dateline_place_is_a_country_with_reason_dateline(text, code, surface):
    first = find_countries(text)[0]
    assert (first.value, first.text, first.rule, first.start) == (code, surface, "dateline", 0)


def test_an_unknown_dateline_place_keeps_the_country_named_after_it():
    assert codes("SMALLTOWN, Moldova (Reuters) - Farmers protested.") == {"MD"}


@pytest.mark.parametrize(
    ("text", "code", "reason"),
    [
        ("The Federal Reserve raised rates.", "US", 'implied by "Federal Reserve"'),
        ("The Bundesbank said", "DE", 'implied by "Bundesbank"'),
        ("The Bank of Japan said", "JP", 'implied by "Bank of Japan"'),
        ("the Duma voted", "RU", 'implied by "Duma"'),
        ("the Rada voted", "UA", 'implied by "Rada"'),
        ("The Élysée said", "FR", 'implied by "Élysée"'),
        ("the Pentagon said", "US", 'implied by "Pentagon"'),
        ("Chancellor Kohl met", "DE", 'implied by "Chancellor Kohl"'),
        (
            "Prime Minister Yasuhiro Nakasone said",
            "JP",
            'implied by "Prime Minister Yasuhiro Nakasone"',
        ),
    ],
)
def test_implied_countries_carry_their_reason(text, code, reason):
    found = find_countries(text)
    assert [(m.value, m.rule) for m in found] == [(code, reason)]


@pytest.mark.parametrize(
    "text",
    ["Yasuhiro Nakasone said", "Kohl said", "Mr Yeltsin left", "Congress met in Lima."],
)
def test_office_holders_and_chambers_need_their_office_or_context(text):
    assert codes(text) <= {"PE"}


def test_the_title_is_read_before_a_dateline():
    found = find_countries("PARIS (AFP) - Police cleared the square.", title="Fed Holds Rates")
    assert [(m.value, m.rule, m.start) for m in found] == [
        ("US", 'implied by "Fed"', -1),
        ("FR", "dateline", 0),
    ]
