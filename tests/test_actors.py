"""Actors: canonical people and organisations, and cited sources, from article text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from searchkit.extract.actors import find_actors
from searchkit.model import Mention
from support import SEEDS

LABELS = json.loads((Path(__file__).parent / "data" / "seeds_labels.json").read_text("utf-8"))
RULES = {
    "full-name",
    "title-peeled",
    "surname-resolved",
    "acronym",
    "alias",
    "list-split",
    "possessive",
    "model",
    "body-of-country",
    "head-resolved",
    "short-name",
    "cited",
    "platform",
    "given-name",
}


def found(text: str, language: str = "en", title: str = "") -> dict[str, set[str]]:
    mentions = find_actors(text, language, title)
    kinds = ("person", "organisation", "cited_source")
    return {kind: {m.value for m in mentions if m.kind == kind} for kind in kinds}


def people(text: str, language: str = "en") -> set[str]:
    return found(text, language)["person"]


def organisations(text: str, language: str = "en") -> set[str]:
    return found(text, language)["organisation"]


def cited(text: str) -> set[str]:
    return found(text)["cited_source"]


# ----------------------------------------------------------------------------- the seeds


@pytest.mark.parametrize("name", sorted(LABELS))
def test_seed_articles_match_the_hand_labels(name):
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"seeds/{name} is not available")
    result = found(path.read_text(encoding="utf-8"))
    assert result["person"] == set(LABELS[name]["persons"])
    assert result["organisation"] == set(LABELS[name]["organisations"])
    assert result["cited_source"] == set(LABELS[name]["cited_sources"])


# ----------------------------------------------------------------------------- people


def test_surname_possessive_and_title_are_one_person():
    text = (
        "French President Emmanuel Macron said on Monday that the plan was ready. "
        "Macron's advisers agreed, and Macron left."
    )
    assert people(text) == {"Emmanuel Macron"}


def test_titles_and_roles_are_peeled():
    text = (
        "NATO Secretary General Jens Stoltenberg said NATO had no plans. Russian press "
        "secretary Dmitry Peskov disagreed."
    )
    assert people(text) == {"Jens Stoltenberg", "Dmitry Peskov"}
    assert organisations(text) == {"NATO"}


def test_a_given_name_that_is_also_a_country_stays():
    assert people("Liverpool captain Jordan Henderson scored twice on Saturday.") == {
        "Jordan Henderson"
    }


def test_lists_split_into_one_person_each():
    text = (
        "Dmitry Medvedev, Deputy Chairman of Russia's Security Council, criticized French "
        "President Emmanuel Macron and UK Prime Minister Keir Starmer."
    )
    assert people(text) == {"Dmitry Medvedev", "Emmanuel Macron", "Keir Starmer"}
    assert organisations(text) == {"Security Council of Russia"}


def test_a_surname_resolves_to_the_full_name_in_the_document():
    text = (
        "His statement came days after Ukraine's top commander Aleksandr Syrsky spoke. "
        "Syrsky, who was made top general in February, said more. The expert Vladislav "
        "Seleznev agreed. Seleznev is convinced."
    )
    assert people(text) == {"Oleksandr Syrskyi", "Vladislav Seleznev"}


@pytest.mark.parametrize(
    ("text", "person"),
    [
        (
            "Zelenskyy met the press. Later, Zelenskiy said the talks went well.",
            "Volodymyr Zelensky",
        ),
        (
            "Defense Minister Alexei Reznikov spoke. Oleksiy Reznikov said more. "
            "Aleksey Reznikov left.",
            "Oleksii Reznikov",
        ),
        ("Commander Aleksandr Syrsky said that Syrskyi would stay.", "Oleksandr Syrskyi"),
    ],
)
def test_spellings_and_transliterations_are_one_value(text, person):
    assert people(text) == {person}


def test_unlisted_transliterations_merge_within_a_document():
    text = "Aleksei Kravchenko arrived on Monday. Oleksiy Kravchenko said the talks were good."
    assert len(people(text)) == 1


def test_an_organisation_and_a_person_in_one_span_are_cut_apart():
    text = "Environmental Audit Committee chairman Peter Ainsworth MP said the plans were flawed."
    assert found(text) == {
        "person": {"Peter Ainsworth"},
        "organisation": {"Environmental Audit Committee"},
        "cited_source": set(),
    }


def test_name_particles_stay_in_the_name():
    text = (
        "European Commission President Ursula von der Leyen arrived. Von der Leyen said the "
        "EU is ready. Syrian President Bashar al-Assad met Saudi Crown Prince Mohammed bin "
        "Salman in Riyadh."
    )
    assert people(text) == {"Ursula von der Leyen", "Bashar al-Assad", "Mohammed bin Salman"}
    assert organisations(text) == {"European Commission", "European Union"}


def test_surname_first_names():
    text = "Chinese President Xi Jinping met officials in Beijing. Xi said the talks were useful."
    assert people(text) == {"Xi Jinping"}


def test_a_distinctive_surname_alone_is_the_known_person():
    assert people("Putin said on Tuesday that the West was to blame.") == {"Vladimir Putin"}


# ----------------------------------------------------------------------------- traps


def test_title_case_headings_are_not_names():
    text = "Russia's Reaction To Western Military Aid\nMoscow said it would respond."
    assert found(text) == {"person": set(), "organisation": set(), "cited_source": set()}


def test_boilerplate_lines_are_skipped():
    text = (
        "NATO met on Friday.\n"
        "Read also: Russia's 'nuclear saber-rattling' aimed at influencing Western "
        "decision-makers – ISW\n"
        "Photo: Reuters"
    )
    assert found(text) == {"person": set(), "organisation": {"NATO"}, "cited_source": set()}


def test_garbled_markup_is_not_part_of_a_name():
    mentions = find_actors("France** Macron said during the meeting that he had considered it.")
    assert {m.value for m in mentions} == {"Emmanuel Macron"}
    assert all("*" not in m.value and "*" not in m.text for m in mentions)


def test_sentence_initial_common_words_are_not_names():
    text = (
        "However, the report said Moscow would respond. Meanwhile, officials waited.\n"
        "Officials Say Little In Public\n"
        "Sources said nothing."
    )
    assert found(text) == {"person": set(), "organisation": set(), "cited_source": set()}


def test_country_names_alone_are_not_organisations():
    text = "Ukraine asked Canada and the United Kingdom for help; Russia refused."
    assert organisations(text) == set()


def test_events_and_regions_are_not_organisations():
    text = (
        "Decisions can be made following the results of the Global Peace Summit in June. "
        "Troops gathered in Donbass and in Eastern Europe."
    )
    assert organisations(text) == set()


def test_capitals_and_seats_of_government_are_not_organisations():
    text = (
        "The Kremlin said the Kyiv regime would fall. The White House disagreed, and Downing "
        "Street said nothing."
    )
    assert found(text) == {"person": set(), "organisation": set(), "cited_source": set()}


def test_plural_acronyms_are_not_organisations():
    assert organisations("Sales of PCs and PDAs rose, MPs said.") == set()


# ----------------------------------------------------------------------------- organisations


def test_acronyms_and_spelled_out_names_are_one_value():
    text = (
        "NATO, the North Atlantic Treaty Organization, met. The Alliance said it would act. "
        "The EU and the European Union agreed; so did the UN and the United Nations, and "
        "PACE, the Parliamentary Assembly of the Council of Europe."
    )
    assert organisations(text) == {
        "NATO",
        "European Union",
        "United Nations",
        "Parliamentary Assembly of the Council of Europe",
    }


def test_an_acronym_the_text_defines_is_the_organisation():
    text = "The Ukrainian Volunteer Battalions Association (UVBA) met. UVBA said it would vote."
    values = organisations(text)
    assert len(values) == 1


def test_government_bodies_take_their_country():
    text = (
        "The Ministry of Defense of Ukraine made a request. The Defense Department of Ukraine "
        "asks for troops. The Ukrainian Armed Forces moved. Russia's Security Council met, and "
        "the Russian Security Council spoke."
    )
    assert organisations(text) == {
        "Ministry of Defense of Ukraine",
        "Armed Forces of Ukraine",
        "Security Council of Russia",
    }


def test_a_short_reference_resolves_to_the_full_name():
    text = (
        "This would strengthen the Defense Forces, he said. The Ukrainian Defense Forces "
        "have trained with the North Atlantic Alliance. The Alliance's missions continue."
    )
    assert organisations(text) == {"Defense Forces of Ukraine", "NATO"}


def test_parties_and_companies():
    text = (
        'Luc Mélenchon\'s "Unruly France" opposed it. Gazprom reported higher profits, and '
        "Apple Inc. said sales rose."
    )
    assert organisations(text) == {"La France Insoumise", "Gazprom", "Apple Inc."}
    assert people(text) == {"Jean-Luc Mélenchon"}


# ----------------------------------------------------------------------------- cited sources


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("The French leader has been working on it, Bloomberg reported on Friday.", "Bloomberg"),
        ("The minister told Reuters that he would resign.", "Reuters"),
        ("The talks failed, according to CNN.", "CNN"),
        ("Macron said this in an interview with *Le Parisien*.", "Le Parisien"),
        ("As reported by EADaily, troops may be sent.", "EADaily"),
        ("Goncharenko wrote on X (formerly Twitter) on Friday evening.", "X"),
        (
            'It was said, according to the Canadian edition "The Globe and Mail".',
            "The Globe and Mail",
        ),
        ("This opinion was expressed on the FREEDOM TV channel by an expert.", "FREEDOM TV"),
        ("MOSCOW, March 1, 2024 (Reuters) - The Kremlin said on Friday it was ready.", "Reuters"),
        ("PARIS (AP) — The talks ended on Friday.", "Associated Press"),
    ],
)
def test_outlets_only_cited_are_cited_sources_not_actors(text, source):
    result = found(text)
    assert result["cited_source"] == {source}
    assert source not in result["organisation"]


def test_media_nouns_make_an_outlet():
    text = (
        "The Xinhua news agency said the talks ended. Following publication of the report, "
        "the Kommersant newspaper wrote that Gazprom would pay."
    )
    assert found(text) == {
        "person": set(),
        "organisation": {"Gazprom"},
        "cited_source": {"Xinhua", "Kommersant"},
    }


def test_an_outlet_the_article_is_about_is_an_organisation():
    text = "Reuters cut 300 jobs on Monday, the company said."
    assert organisations(text) == {"Reuters"}
    assert cited(text) == set()


# ----------------------------------------------------------------------------- other languages


def test_french_text_uses_given_names_and_aliases():
    text = (
        "Le président Emmanuel Macron a rencontré Olaf Scholz à Berlin. Selon l'OTAN, la "
        "Russie menace l'Europe. Jean Dupont, porte-parole du PS, a critiqué le PS."
    )
    result = found(text, "fr")
    assert result["person"] == {"Emmanuel Macron", "Olaf Scholz", "Jean Dupont"}
    assert result["organisation"] == {"NATO", "PS"}


def test_german_nouns_are_not_names():
    text = (
        "Bundeskanzler Olaf Scholz traf am Montag Präsident Emmanuel Macron in Paris. Die "
        "Bundesregierung und die NATO beraten über die Lage."
    )
    result = found(text, "de")
    assert result["person"] == {"Olaf Scholz", "Emmanuel Macron"}
    assert result["organisation"] == {"NATO"}


def test_cyrillic_text_finds_the_listed_names():
    text = "Президент Владимир Путин заявил, что НАТО угрожает России. Дмитрий Песков согласился."
    result = found(text, "ru")
    assert result["person"] == {"Vladimir Putin", "Dmitry Peskov"}
    assert result["organisation"] == {"NATO"}


# ----------------------------------------------------------------------------- mentions


def test_mentions_point_at_their_surface_text():
    text = "UK Prime Minister Keir Starmer met Emmanuel Macron's team, Bloomberg reported."
    mentions = find_actors(text)
    assert mentions
    for mention in mentions:
        assert isinstance(mention, Mention)
        assert text[mention.start : mention.start + len(mention.text)] == mention.text
        assert mention.rule in RULES
        assert mention.kind in ("person", "organisation", "cited_source")


def test_title_mentions_have_no_offset_and_share_the_document():
    mentions = find_actors("Macron said the plan was ready.", title="Macron and Starmer meet")
    values = {m.value for m in mentions}
    assert values == {"Emmanuel Macron", "Keir Starmer"}
    assert {m.start for m in mentions if m.value == "Keir Starmer"} == {-1}
    body = [m for m in mentions if m.start >= 0]
    assert body and body[0].text == "Macron"


def test_empty_and_nameless_text():
    assert find_actors("") == []
    assert find_actors("it was a quiet day, and nothing happened at all.") == []


# --- one value per organisation, no junk, people kept apart ---------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Labour won the vote.", "Labour Party"),
        ("The Labour Party won the vote.", "Labour Party"),
        ("The Conservatives lost.", "Conservative Party"),
        ("The Conservative Party lost.", "Conservative Party"),
        ("The Tories lost.", "Conservative Party"),
        ("The Liberal Democrats gained seats.", "Liberal Democrats"),
        ("The Lib Dems gained seats.", "Liberal Democrats"),
        ("A Lib Dem spokesman said no.", "Liberal Democrats"),
        ("Senate Republicans objected.", "Republican Party"),
    ],
)
def test_party_variants_are_one_organisation(text, value):
    assert found(text)["organisation"] == {value}


@pytest.mark.parametrize(
    "text",
    [
        "He bought a new PC and a DVD for the TV.",
        "ID theft is on the rise, and OK is not good enough.",
        "COVID spread fast.",
        "United won again on Saturday.",
        "Additionally, prices rose.",
        "I’m sure, and I’ve said so.",
        "Mark my words, prices will rise.",
        "Kimberly said she would come.",
        "CHICAGO (AP) — Prices rose on Monday.",
        "A Man Sets Himself On Fire",
        "She won an Oscar for the role.",
        "Voters in Texas sued again.",
        "The court overturned Roe v. Wade in June.",
        "Mike Leigh's film Vera Drake won. Vera Drake leads the nominations.",
    ],
)
def test_junk_is_no_actor(text):
    values = found(text)
    assert values["person"] <= {"Mike Leigh"} and values["organisation"] == set()


def test_a_royal_title_stays_with_a_first_name():
    assert people("Prince Harry spoke. Harry said no.") == {"Prince Harry"}


def test_donald_trump_jr_is_not_donald_trump():
    assert people("Donald Trump Jr. met Donald Trump in New York.") == {
        "Donald Trump Jr.",
        "Donald Trump",
    }


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("Le livre de Christophe Donner\nÉcrit en 2004", "fr", "Christophe Donner"),
        ("An interview with Anna Smith\nUnited won.", "en", "Anna Smith"),
    ],
)
def test_names_never_cross_a_line_break(text, language, value):
    assert people(text, language) == {value}


# --- merging across an index -------------------------------------------------------------


def test_a_surname_merges_with_the_one_person_of_that_name():
    from searchkit.extract.actors.merging import surname_merges

    counts = {"Goncharenko": 3, "Oleksiy Goncharenko": 2, "Macron": 5, "Emmanuel Macron": 9}
    assert surname_merges(counts, counts) == {
        "Goncharenko": "Oleksiy Goncharenko",
        "Macron": "Emmanuel Macron",
    }


def test_organisations_and_one_document_phrases_never_take_over_a_value():
    from searchkit.extract.actors.merging import surname_merges

    counts = {
        "Microsoft": 72,
        "Vegas Microsoft": 1,
        "Apple": 48,
        "Big Apple": 1,
        "Tory": 44,
        "Vote Tory": 1,
        "Newcastle": 47,
        "BBC Newcastle": 2,
        "Jordan": 50,
        "Mark Jordan": 1,  # a person, but named in full in too few documents
    }
    assert surname_merges(counts, counts) == {}


def test_spellings_of_one_name_take_the_most_frequent_label():
    from searchkit.extract.actors.merging import surname_merges

    counts = {"George W Bush": 25, "George W. Bush": 4, "Donald Trump Jr.": 3, "Trump": 2}
    merges = surname_merges(counts, counts)
    assert merges == {"George W. Bush": "George W Bush"}


def test_two_people_with_one_surname_keep_the_surname_apart():
    from searchkit.extract.actors.merging import surname_merges

    counts = {"Bush": 25, "George W Bush": 25, "Laura Bush": 20}
    assert surname_merges(counts, counts) == {}


def test_teams_in_a_result_stay_actors():
    assert found("Kent v Somerset was drawn.")["organisation"] == {"Kent", "Somerset"}
