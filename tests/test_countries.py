"""Country mentions: names, short forms, demonyms, capitals, metonyms, and the classic traps."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from searchkit.errors import ConfigError
from searchkit.extract.countries import (
    country_codes,
    country_label,
    find_countries,
    resolve_country,
)
from searchkit.model import Mention


def codes(text: str, language: str = "en", **kwargs) -> list[str]:
    return [m.value for m in find_countries(text, language, **kwargs)]


def found(text: str, language: str = "en") -> list[tuple[str, str, str]]:
    return [(m.value, m.text, m.rule) for m in find_countries(text, language)]


# --- what is found ---------------------------------------------------------------------------


def test_mentions_carry_code_surface_rule_and_offset_in_text_order():
    text = "Talks between Russia and the UK resumed in Paris."
    assert find_countries(text) == [
        Mention("country", "RU", "Russia", "name", 14),
        Mention("country", "GB", "UK", "short-form", 29),
        Mention("country", "FR", "Paris", "capital", 43),
    ]


def test_one_mention_per_occurrence():
    assert codes("France, France and France.") == ["FR", "FR", "FR"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("France", "FR"),
        ("the French Republic", "FR"),
        ("United Kingdom", "GB"),
        ("Burma", "MM"),
        ("Ivory Coast", "CI"),
        ("Côte d'Ivoire", "CI"),
        ("Cote d’Ivoire", "CI"),
        ("Czechia", "CZ"),
        ("the Czech Republic", "CZ"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Kosovo", "XK"),
        ("DR Congo", "CD"),
        ("Congo-Brazzaville", "CG"),
        ("St. Lucia", "LC"),
        ("Bosnia and Herzegovina", "BA"),
    ],
)
def test_names(text, code):
    assert codes(text) == [code]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("UK", "GB"),
        ("U.K.", "GB"),
        ("Britain", "GB"),
        ("Great Britain", "GB"),
        ("US", "US"),
        ("U.S.", "US"),
        ("USA", "US"),
        ("America's allies", "US"),
        ("UAE", "AE"),
        ("DPRK", "KP"),
    ],
)
def test_short_forms(text, code):
    assert found(text)[0][::2] == (code, "short-form")


def test_lower_case_us_and_america_never_match():
    assert codes("tell us what america means to us") == []


def test_us_in_a_capitals_line_is_a_pronoun():
    assert codes("CONTACT US today") == []
    assert codes("US troops landed") == ["US"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("French", "FR"),
        ("Ukrainian", "UA"),
        ("Russian", "RU"),
        ("British", "GB"),
        ("American", "US"),
        ("German", "DE"),
        ("Chinese", "CN"),
        ("Americans", "US"),
        ("Britons", "GB"),
        ("Israeli", "IL"),
    ],
)
def test_demonyms(text, code):
    assert found(f"{text} officials said")[0][::2] == (code, "demonym")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Paris", "FR"),
        ("Kyiv", "UA"),
        ("Kiev", "UA"),
        ("Moscow", "RU"),
        ("Washington", "US"),
        ("London", "GB"),
        ("Berlin", "DE"),
        ("Beijing", "CN"),
        ("Tbilisi", "GE"),
        ("Bogota", "CO"),
    ],
)
def test_capitals_are_metonyms_for_their_country(text, code):
    assert found(f"Officials in {text} said")[0][::2] == (code, "capital")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Kremlin", "RU"),
        ("White House", "US"),
        ("Pentagon", "US"),
        ("Capitol Hill", "US"),
        ("Downing Street", "GB"),
        ("Whitehall", "GB"),
        ("Élysée", "FR"),
        ("Elysee", "FR"),
        ("Quai d'Orsay", "FR"),
        ("Bankova", "UA"),
        ("Zhongnanhai", "CN"),
    ],
)
def test_metonyms(text, code):
    assert found(f"The {text} said")[0][::2] == (code, f'implied by "{text}"')


def test_brussels_regions_and_continents_are_not_countries():
    assert codes("Brussels said Europe, Africa and Asia must act.") == []


def test_only_the_small_region_table_yields_a_country():
    assert found("fighting in Donbas") == [("UA", "Donbas", "region")]
    assert found("Scotland voted") == [("GB", "Scotland", "region")]
    assert codes("Siberia, Bavaria and Kashmir") == []


def test_compound_words_still_name_the_country():
    assert codes("a Paris-based group and a U.S.-led coalition") == ["FR", "US"]
    assert codes("anti-Russian protests") == ["RU"]


# --- traps -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "He moved to Atlanta, Georgia, last year.",
        "Georgia's governor signed the bill.",
        "The Georgia Senate passed it.",
        "Georgia Tech won.",
        "She studied at the University of Georgia.",
        "Voters in Georgia and Arizona went to the polls; Texas followed.",
    ],
)
def test_georgia_the_us_state_is_not_the_country(text):
    assert "GE" not in codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "Russia invaded Georgia in 2008.",
        "Georgia's president met officials in Tbilisi.",
        "Protests in Georgia, where the Georgian Dream party rules; even Texas noticed.",
    ],
)
def test_georgia_the_country(text):
    assert "GE" in codes(text)


def test_tbilisi_and_georgian_always_mean_the_country():
    assert codes("Tbilisi and Georgian wine") == ["GE", "GE"]


@pytest.mark.parametrize(
    "text",
    ["Michael Jordan scored 40.", "Jordan Henderson captained England.", "Air Jordan shoes"],
)
def test_jordan_as_a_name_is_not_the_country(text):
    assert "JO" not in codes(text)


def test_jordan_the_country():
    assert codes("King Abdullah of Jordan spoke. Jordan's economy grew.") == ["JO", "JO"]


@pytest.mark.parametrize(
    "text",
    ["We ate turkey.", "Turkey dinner was served.", "a Turkey sandwich", "roast Turkey legs"],
)
def test_turkey_the_bird_is_not_the_country(text):
    assert codes(text) == []


def test_turkey_the_country():
    assert codes("Turkey said it would veto. Türkiye agreed.") == ["TR", "TR"]


def test_chad_as_a_first_name():
    assert codes("Chad Smith played drums.") == []
    assert codes("Troops left Chad. Chad's president spoke.") == ["TD", "TD"]


def test_lower_case_common_nouns_never_match():
    assert codes("china plates, a guinea pig, a jersey and a turkey") == []


@pytest.mark.parametrize(
    "text",
    [
        "a Guinea pig",
        "New Mexico",
        "New Jersey",
        "the Indian Ocean",
        "Latin America",
        "the Washington Post",
        "Paris Hilton",
        "Sydney",
        "Jack London",
        "Real Madrid",
        "Paris, Texas",
        "Moscow, Idaho",
        "Athens, Georgia",
        "French fries",
        "the Kyiv Independent reported",
        "France 24 reported",
    ],
)
def test_traps_yield_nothing(text):
    assert codes(text) == []


def test_longest_match_wins():
    assert codes("Niger and Nigeria") == ["NE", "NG"]
    assert codes("Guinea, Guinea-Bissau, Equatorial Guinea, Papua New Guinea") == [
        "GN",
        "GW",
        "GQ",
        "PG",
    ]
    assert codes("South Sudan and Sudan") == ["SS", "SD"]


def test_lists_of_capitals_are_kept():
    assert codes("Moscow, Washington and Kyiv") == ["RU", "US", "UA"]


def test_a_capital_before_a_comma_and_another_capitalised_word_is_kept():
    assert codes("London, MEPs said, and Moscow, Russia.") == ["GB", "RU", "RU"]


def test_institutions_after_a_country_name_are_not_people():
    assert codes("Israel Railways and the Chad President") == ["IL", "TD"]


def test_a_country_name_after_a_given_name_is_a_surname_and_so_is_its_repeat():
    text = 'Film director Neil Jordan defended his film. "It was hard," Jordan said.'
    assert codes(text) == []
    assert codes("Jordan, whose film won, thanked Neil Jordan's crew.") == []


@pytest.mark.parametrize(
    "text", ["David France directed it.", "Jason Scotland scored.", "James Poland testified."]
)
def test_any_country_name_after_a_given_name_is_a_surname(text):
    assert codes(text) == []


def test_the_repeated_surname_keeps_the_country_where_the_text_shows_a_place():
    assert codes("Neil Jordan flew to Jordan.") == ["JO"]
    text = "The Dragons might use James Ireland. Most Ireland and Scotland players rest."
    assert codes(text) == ["IE", "GB"]
    assert codes("Neil Jordan spoke. He plays the lead in Jordan's film.") == []
    assert codes("Neil Jordan spoke. According to Jordan, it was hard.") == []


def test_a_demonym_or_capital_surname_is_not_read_as_a_person_elsewhere():
    assert codes("Philip French reviewed it. French officials agreed.") == ["FR"]
    assert codes("Jack London was born in 1876. London said no.") == ["GB"]
    assert codes("Mark Cuban spoke.") == []


def test_a_name_that_goes_on_is_no_surname():
    assert codes("George Washington University said. Washington agreed.") == ["US"]


@pytest.mark.parametrize(
    "text",
    [
        "Agassi won the U.S. Open.",
        "RESULTS FROM THE U.S. OPEN",
        "the French Open final",
        "the Hong Kong Open",
        "the Belgian Grand Prix",
        "the British Masters",
        "-- London Newsroom +44 171 542 7717",
    ],
)
def test_events_and_newsrooms_named_after_a_country_are_not_mentions(text):
    assert codes(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Santiago de Cuba is a city.",
        "the OSCE Minsk Group met",
        "the Cleveland Indians won",
    ],
)
def test_more_names_that_contain_a_country_form(text):
    assert codes(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("N. Korea and S. Korea", ["KP", "KR"]),
        ("N. Korean troops", ["KP"]),
        ("Zaire, Kazakstan and Surinam", ["CD", "KZ", "SR"]),
        ("Philippine troops and Azeri oil", ["PH", "AZ"]),
        ("Bosnian Serbs", ["BA"]),
    ],
)
def test_older_and_abbreviated_spellings(text, expected):
    assert codes(text) == expected


def test_thai_is_a_demonym():
    assert found("Thai officials said") == [("TH", "Thai", "demonym")]


# --- datelines -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place", "code"),
    [
        ("Paris (AFP) - Iran said on Monday it would talk.", "Paris", "FR"),
        ("London, March 1 (Reuters) - Iran said on Monday it would talk.", "London", "GB"),
        ("Moscow, 12 March 2024 - Iran said on Monday it would talk.", "Moscow", "RU"),
        ("LONDON 1996-08-30\nIran said on Monday it would talk.", "LONDON", "GB"),
    ],
)
def test_the_dateline_place_is_a_country_of_the_story(text, place, code):
    assert found(text) == [(code, place, "dateline"), ("IR", "Iran", "name")]


def test_a_country_named_in_a_dateline_is_kept():
    text = "Grozny, Russia, March 1 (AP) - Chechnya's new leader vowed to rebuild the city."
    assert found(text) == [("RU", "Grozny, Russia", "dateline")]
    assert codes("WIGAN, England 1996-08-31\nWigan beat Bradford.") == ["GB"]


def test_a_capital_in_the_story_after_the_dateline_counts():
    assert found("Kyiv, March 1 (AFP) - Officials in Kyiv said") == [
        ("UA", "Kyiv", "dateline"),
        ("UA", "Kyiv", "capital"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Iran Rejects Deal (AP)", ["IR"]),
        ("Moscow Warns Kyiv, Says Talks Over (Reuters)", ["RU", "UA"]),
        ("Officials in Paris, March 1 (AFP) - said", ["FR"]),
    ],
)
def test_a_title_case_headline_is_no_dateline(text, expected):
    assert codes(text) == expected


# --- other languages -------------------------------------------------------------------------


def test_russian_and_ukrainian_inflected_forms():
    ru = "Переговоры в Москве: Россия, Украине, Киеве, Кремле, в Соединённых Штатах"
    assert codes(ru, "ru") == ["RU", "RU", "UA", "UA", "RU", "US"]
    uk = "Війна в Україні: Київ, у Києві, Росія, Кремль, США"
    assert codes(uk, "uk") == ["UA", "UA", "UA", "RU", "RU", "US"]


def test_russian_and_ukrainian_adjectives():
    assert codes("российские войска и украинских военных", "ru") == ["RU", "UA"]
    assert codes("Українські війська та російських окупантів", "uk") == ["UA", "RU"]


def test_french_german_spanish():
    assert codes("L'Allemagne et le président français à l'Élysée", "fr") == ["DE", "FR", "FR"]
    assert codes("Frankreich, Russland und die russische Armee in Kiew", "de") == [
        "FR",
        "RU",
        "RU",
        "UA",
    ]
    assert codes("España, Francia, los rusos y EE.UU.", "es") == ["ES", "FR", "RU", "US"]


def test_other_languages_forms_only_with_their_language():
    assert codes("le président français", "en") == []
    assert codes("le président français", "fr-FR") == ["FR"]


def test_unknown_language_uses_every_language():
    assert codes("Frankreich und Україна", "und") == ["FR", "UA"]


def test_language_specific_blocks():
    assert codes("ein Jersey aus Baumwolle", "de") == []
    assert codes("Maurice a dit", "fr") == []


# --- user aliases ----------------------------------------------------------------------------


def test_extra_aliases_add_forms():
    mentions = find_countries("Back in Blighty.", extra_aliases={"Blighty": "gb"})
    assert mentions == [Mention("country", "GB", "Blighty", "alias", 8)]


def test_extra_alias_with_empty_code_blocks_a_phrase():
    assert codes("Holland Park", extra_aliases={"Holland Park": ""}) == []
    assert codes("Kyiv Metro", extra_aliases={"Kyiv Metro": ""}) == []


def test_extra_alias_beats_a_built_in_form_of_the_same_length():
    assert codes("Jersey", extra_aliases={"Jersey": "US"}) == ["US"]


def test_bad_alias_code_is_a_config_error():
    with pytest.raises(ConfigError, match="ISO 3166-1"):
        find_countries("Narnia", extra_aliases={"Narnia": "NARNIA"})


# --- labels, resolving, codes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "language", "label"),
    [
        ("FR", "en", "France"),
        ("fr", "en", "France"),
        ("FR", "de", "Frankreich"),
        ("FR", "uk", "Франція"),
        ("DE", "fr", "Allemagne"),
        ("GB", "en", "United Kingdom"),
        ("XK", "en", "Kosovo"),
        ("FR", "xx", "France"),
        ("XX", "en", "XX"),
    ],
)
def test_country_label(code, language, label):
    assert country_label(code, language) == label


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("France", "FR"),
        ("fr", "FR"),
        ("FR", "FR"),
        ("FRA", "FR"),
        ("French", "FR"),
        ("Frankreich", "FR"),
        ("UK", "GB"),
        ("uk", "GB"),
        ("U.S.", "US"),
        ("us", "US"),
        ("united states", "US"),
        ("cote d'ivoire", "CI"),
        ("Россия", "RU"),
        ("  Germany ", "DE"),
    ],
)
def test_resolve_country(text, code):
    assert resolve_country(text) == code


@pytest.mark.parametrize("text", ["", "Narnia", "Paris", "Europe", "XX"])
def test_resolve_country_unknown(text):
    assert resolve_country(text) is None


def test_country_codes():
    all_codes = country_codes()
    assert {"FR", "GB", "US", "UA", "XK"} <= all_codes
    assert len(all_codes) >= 249
    assert all(len(c) == 2 and c.isupper() for c in all_codes)


# --- the table and speed ---------------------------------------------------------------------


def test_table_is_package_data_with_licences():
    path = resources.files("searchkit") / "data" / "countries.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    licences = " ".join(data["_licence"].values())
    assert "ODbL" in licences and "LGPL" in licences and "MIT" in licences
    assert len(path.read_bytes()) < 600_000
