"""Publication dates from strings, URLs, news datelines and bylines.

Everything here works on plain text; ``searchkit.extract.html`` decides which piece of a page
to hand over. Dates must be complete (year, month and day) and plausible: years before 1990,
or more than a year after today, are treated as noise (copyright lines, timestamps of zero,
event dates far ahead).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple
from urllib.parse import urlsplit

from ..model import Mention

__all__ = [
    "DateSpan",
    "announces_update",
    "date_from_url",
    "find_byline_date",
    "find_dateline",
    "find_dates",
    "first_date",
    "parse_date",
    "writes_day_first",
]

MIN_YEAR = 1990

# Month names and common abbreviations in en, fr, de, es, it, pt, nl, ru, uk, with genitive
# forms for ru/uk ("1 марта") and accent-less spellings that appear in URLs and sloppy markup.
_MONTH_NAMES = {
    1: "january jan janvier janv januar jänner jaenner enero ene gennaio gen janeiro januari "
    "январь января янв січень січня січ",
    2: "february feb febr février fevrier févr fevr februar febrero febbraio fevereiro fev "
    "februari февраль февраля фев февр лютий лютого лют",
    3: "march mar mars märz maerz marz mär marzo março marco maart mrt март марта мар "
    "березень березня бер",
    4: "april apr avril avr abril abr aprile апрель апреля апр квітень квітня квіт",
    5: "may mai mayo maggio mag maio mei май мая травень травня трав",
    6: "june jun juin juni junio giugno giu junho июнь июня июн червень червня черв",
    7: "july jul juillet juil juli julio luglio lug julho июль июля июл липень липня лип",
    8: "august aug août aout agosto ago augustus август августа авг серпень серпня серп",
    9: "september sep sept septembre septiembre setiembre settembre set setembro "
    "сентябрь сентября сен сент вересень вересня вер",
    10: "october oct octobre oktober okt octubre ottobre ott outubro out октябрь октября окт "
    "жовтень жовтня жовт",
    11: "november nov novembre noviembre novembro ноябрь ноября ноя нояб листопад листопада лист",
    12: "december dec décembre decembre déc dezember dez diciembre dic dicembre dezembro "
    "декабрь декабря дек грудень грудня груд",
}
MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names.split()}

# Any word in a month's place; ``_month_number`` keeps the real month names. (An alternation
# of all the names is a hundred times slower to scan a page with.)
_MONTH = r"(?<![^\W\d_])(?P<month>[^\W\d_]{3,10})\.?"
_ORDINAL = r"(?:st|nd|rd|th|er|e|º|°|\.)?"

_PATTERNS = (
    # 2024-03-01, 2024/03/01, 2024.03.01, 2024. 3. 1. (ISO 8601 and year-first forms)
    re.compile(
        r"(?<!\d)(?P<year>\d{4})(?P<sep>[-/.])\s?(?P<month>\d{1,2})(?P=sep)\s?(?P<day>\d{1,2})(?!\d)"
    ),
    # 01.03.2024 and 01-03-2024 are day-first; 03/01/2024 is read as month-first below
    re.compile(
        r"(?<![\d.])(?P<first>\d{1,2})(?P<sep>[-/.])(?P<second>\d{1,2})(?P=sep)(?P<year>\d{4})(?!\d)"
    ),
    # 30.10.23: dotted, day first, two-digit year (not inside version numbers such as v2.3.15)
    re.compile(
        r"(?<![\w.])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<short_year>\d{2})(?![\d.]\d|\d)"
    ),
    # 1 March 2024, 1er mars 2024, 1. März 2024, 1 de marzo de 2024, 01-Mar-2024, 1 марта 2024
    re.compile(
        r"(?<!\d)(?P<day>\d{1,2})"
        + _ORDINAL
        + r"[\s\-/]*(?:de\s+|of\s+)?"
        + _MONTH
        + r"[\s,\-/]*(?:de\s+|del\s+)?(?P<year>\d{4})(?!\d)",
        re.IGNORECASE,
    ),
    # March 1, 2024, Mar. 1 2024, March 1st, 2024
    re.compile(
        _MONTH + r"\s*(?P<day>\d{1,2})(?:st|nd|rd|th)?(?!\d),?\s*(?P<year>\d{4})(?!\d)",
        re.IGNORECASE,
    ),
    # 2024年3月1日, 2024년 3월 1일
    re.compile(
        r"(?P<year>\d{4})\s*[年년]\s*(?P<month>\d{1,2})\s*[月월]\s*(?P<day>\d{1,2})\s*[日일]"
    ),
)
_COMPACT = re.compile(
    r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})(?:T[\d:.]+)?(?:Z|[+-]\d{2}:?\d{2})?"
)
_EPOCH = re.compile(r"\d{10}|\d{13}")


class DateSpan(NamedTuple):
    """A date found in a text and the character span it was written in."""

    start: int
    end: int
    date: dt.date


def _plausible(day: dt.date) -> bool:
    return day.year >= MIN_YEAR and day <= dt.date.today() + dt.timedelta(days=365)


def _make_date(year: str | int, month: str | int, day: str | int) -> dt.date | None:
    try:
        value = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return value if _plausible(value) else None


def _month_number(token: str) -> int:
    if token.isdigit():
        return int(token)
    return MONTHS.get(token.lower().rstrip("."), 0)


# Regions that write the month first (03/01/2024 is 1 March): the United States and a few
# places that follow its usage. Everyone else writes the day first.
_MONTH_FIRST_REGIONS = frozenset({"us", "ph", "fm", "mh", "pw", "as", "gu", "mp", "pr", "vi", "um"})
_LOCALE = re.compile(r"\s*([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}|\d{3}))?\b")


def writes_day_first(locales: Iterable[str]) -> bool:
    """Whether slashed dates ("06/05/2020") are written day first, by the page's locales.

    ``locales`` are language tags from the most to the least specific evidence (``<html
    lang>``, og:locale, the detected language): "es", "fr_FR", "en-GB" and "de" write the day
    first; "en-US" writes the month first. English without a region says nothing, and when
    nothing is said the month comes first, as on most English-language pages of the web.
    """
    for locale in locales:
        match = _LOCALE.match(locale or "")
        if match is None:
            continue
        language, region = match[1].lower(), (match[2] or "").lower()
        if region:
            return region not in _MONTH_FIRST_REGIONS
        if language not in ("en", "und"):
            return True
    return False


def _date_of(match: re.Match[str], day_first: bool = False) -> dt.date | None:
    groups = match.groupdict()
    if "first" in groups:
        first, second = int(groups["first"]), int(groups["second"])
        if groups["sep"] != "/":  # 01.03.2024 and 01-03-2024 are day first everywhere
            return _make_date(groups["year"], second, first)
        if second > 12 >= first or (not day_first and first <= 12):
            return _make_date(groups["year"], first, second)  # 03/25/2024, or US order
        return _make_date(groups["year"], second, first)
    if "short_year" in groups:
        year = 2000 + int(groups["short_year"])
        year = year if year <= dt.date.today().year + 1 else year - 100
        return _make_date(year, groups["month"], groups["day"])
    return _make_date(groups["year"], _month_number(groups["month"]), groups["day"])


def find_dates(text: str, day_first: bool = False) -> Iterator[DateSpan]:
    """Yield every complete, plausible date written in ``text``, in order of position.

    ``day_first`` reads an ambiguous slashed date ("06/05/2020") as 6 May, the way most of the
    world writes it; by default it is 5 June. A number above 12 decides either way.
    """
    found: dict[int, DateSpan] = {}
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start = match.start()
            if start in found:
                continue
            value = _date_of(match, day_first)
            if value is not None:
                found[start] = DateSpan(start, match.end(), value)
    last_end = -1
    for start in sorted(found):
        span = found[start]
        if start >= last_end:  # an earlier, overlapping reading wins
            last_end = span.end
            yield span


def parse_date(value: str, day_first: bool = False) -> dt.date | None:
    """Return the first complete, plausible date written in ``value``, else None.

    Understands ISO 8601 (with or without time and zone; the written calendar date is kept,
    not converted to UTC), RFC 2822, "March 1, 2024", "1 March 2024", "01.03.2024" (day first),
    "2024/03/01", compact "20240301", Unix timestamps, and month names in English, French,
    German, Spanish, Italian, Portuguese, Dutch, Russian and Ukrainian. Ambiguous slashed dates
    ("03/01/2024") are read month first, or day first with ``day_first``.
    """
    value = (value or "").strip()
    if not value:
        return None
    if compact := _COMPACT.fullmatch(value):
        return _make_date(compact["year"], compact["month"], compact["day"])
    if _EPOCH.fullmatch(value):
        seconds = int(value[:10])
        return _make_date(*dt.datetime.fromtimestamp(seconds, dt.UTC).timetuple()[:3])
    return next((span.date for span in find_dates(value, day_first)), None)


_URL_PATTERNS = (
    re.compile(r"/(?P<year>(?:19|20)\d{2})/(?P<month>\d{1,2})/(?P<day>\d{1,2})(?=[/_.\-]|$)"),
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})[-_](?P<month>\d{2})[-_](?P<day>\d{2})(?!\d)"),
    re.compile(r"(?<=[/_\-])(?P<year>(?:19|20)\d{2})(?P<month>\d{2})(?P<day>\d{2})(?=[/_.\-]|$)"),
)


def date_from_url(url: str) -> dt.date | None:
    """Return the publication date encoded in a URL path, else None.

    Recognises ``/2024/03/01/``, ``2024-03-01`` and ``/20240301/`` style paths. A path giving
    only year and month (``/2024/03/``) is not enough and yields None.
    """
    try:
        path = urlsplit(url or "").path
    except ValueError:
        return None
    for pattern in _URL_PATTERNS:
        for match in pattern.finditer(path):
            value = _make_date(match["year"], match["month"], match["day"])
            if value is not None:
                return value
    return None


# The head of a dateline: everything before the first dash that follows the place.
_DATELINE_HEAD = re.compile(r"\A\W{0,3}(?P<head>[^\n]{2,100}?)\s*(?:\s[-–—]{1,2}|[–—])(?:\s|\Z)")
_AGENCY = re.compile(r"\((?P<agency>[^()]{1,30})\)")
_PLACE = re.compile(r"[^\W\d_][\w.'’\- ]{0,40}")
# Lower-case words allowed inside a place name: "Rio de Janeiro", "Frankfurt am Main".
_PLACE_PARTICLES = frozenset(
    ["de", "da", "do", "del", "di", "la", "le", "les", "am", "an", "der", "sur", "upon", "on", "en"]
)


def _is_place(part: str) -> bool:
    words = part.split()
    if not _PLACE.fullmatch(part) or len(words) > 4 or not words[0][0].isupper():
        return False
    return all(word[0].isupper() or word in _PLACE_PARTICLES for word in words)


def find_dateline(text: str, day_first: bool = False) -> Mention | None:
    """Find a complete date in a news dateline at the start of ``text``.

    Handles "Moscow, 12 March 2024 -", "WASHINGTON, Feb. 27, 2024 —" and "BERLIN, 1. März 2024
    (dpa) -". A dateline without a year ("KYIV, March 1 (Reuters) -") or without a date
    ("PARIS (AP) —") gives None: the day alone is not a publication date, and callers are
    expected to combine it with other evidence. The Mention's ``text`` is the date as written
    and ``start`` its offset in ``text``.
    """
    match = _DATELINE_HEAD.match(text or "")
    if match is None:
        return None
    head = match["head"]
    offset = match.start("head")
    spans = list(find_dates(head, day_first))
    if len(spans) != 1:
        return None
    span = spans[0]
    # What is left once date and agency are removed must read as a place: "KYIV", "Paris, France".
    rest = _AGENCY.sub(" ", head[: span.start] + " " + head[span.end :])
    parts = [part.strip() for part in rest.split(",") if part.strip()]
    if len(parts) > 2 or not all(_is_place(part) for part in parts):
        return None
    written = head[span.start : span.end]
    return Mention(
        kind="date",
        value=span.date.isoformat(),
        text=written,
        rule="dateline",
        start=offset + span.start,
    )


# A date announced as a change, not as the publication: "Updated: 8 Nov 2023".
_UPDATED = re.compile(
    r"(?:updated?|modified|edited|aktualisiert|geändert|bearbeitet|stand|mis à jour|modifié|"
    r"actualizado|atualizado|aggiornato|bijgewerkt|обновлено|оновлено)\W{0,3}(?:\w+\W{1,3}){0,2}$",
    re.IGNORECASE,
)


def announces_update(text_before: str) -> bool:
    """Whether the text just before a date announces it as a change ("last edited:")."""
    return bool(_UPDATED.search(text_before[-30:]))


def first_date(text: str, day_first: bool = False) -> DateSpan | None:
    """The first date in ``text`` that is not announced as an update ("Updated 8 Nov 2023")."""
    for span in find_dates(text, day_first):
        if not announces_update(text[max(0, span.start - 30) : span.start]):
            return span
    return None


# "Published 3 March 2024", "Veröffentlicht am 03.03.2024", "Publié le 3 mars 2024".
_BYLINE_KEYWORD = re.compile(
    r"\b(?:published|posted|submitted|veröffentlicht|erstellt|gespeichert|eingetragen|publié|"
    r"publicado|pubblicato|"
    r"gepubliceerd|опубликовано|опубліковано|date|datum|fecha|data)\b(?:\s+(?:on|am|le|el|il|em|op))?"
    r"\s*[:\-–|]?\s*",
    re.IGNORECASE,
)


def find_byline_date(text: str, day_first: bool = False) -> DateSpan | None:
    """Find a date announced as the publication date ("Published 3 March 2024") in ``text``."""
    for keyword in _BYLINE_KEYWORD.finditer(text or ""):
        window = text[keyword.end() : keyword.end() + 60]
        span = next(find_dates(window, day_first), None)
        if span is not None and span.start <= 25:
            offset = keyword.end()
            return DateSpan(offset + span.start, offset + span.end, span.date)
    return None
