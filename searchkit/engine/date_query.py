"""Date filters of the query language as index terms: ``date:2024-03``, ``date:[2024-01 TO
2024-03-15]`` and the open-ended ``date:[2022-01 TO *]``."""

from __future__ import annotations

import datetime as dt

from whoosh import query

from ..registry import MIN_YEAR, month_end, parse_date

#: An open end of a range: [2022-01 TO *], [* TO 2022-03], [2022-01 TO].
OPEN_ENDS = (None, "", "*")


def date_bounds(
    start: str | None, end: str | None, startexcl: bool = False, endexcl: bool = False
) -> tuple[dt.date, dt.date]:
    """The first and last day a date range covers (first > last for an empty range); a
    ValueError for a bad date or a reversed range. An exclusive end leaves out the whole
    period it names."""
    latest = dt.date(dt.date.today().year + 1, 12, 31)  # nothing is dated later
    first = dt.date(MIN_YEAR, 1, 1) if start in OPEN_ENDS else parse_date(start)
    last = latest if end in OPEN_ENDS else parse_date(end, end=True)
    if first > last and start not in OPEN_ENDS and end not in OPEN_ENDS:
        raise ValueError("the range is reversed, write the earlier date first")
    if startexcl and start not in OPEN_ENDS:
        first = parse_date(start, end=True) + dt.timedelta(days=1)
    if endexcl and end not in OPEN_ENDS:
        end_first = parse_date(end)
        if end_first == dt.date.min:
            return dt.date.max, dt.date.min  # nothing comes before the first day
        last = end_first - dt.timedelta(days=1)
    return first, min(last, latest)


def date_query(q: query.Query) -> query.Query | None:
    """The documents published in the days a ``date:`` leaf names (a single value or a
    range); None for an empty range. A ValueError says what is wrong with the leaf."""
    if isinstance(q, query.TermRange):
        first, last = date_bounds(q.start, q.end, q.startexcl, q.endexcl)
    else:
        value = getattr(q, "text", "")
        first, last = parse_date(value), parse_date(value, end=True)
    return published_between(first, last) if first <= last else None


def published_between(first: dt.date, last: dt.date) -> query.Query:
    """Documents published in [first, last], as year, month and day key terms.

    Whoosh expands a DateRange on the DATETIME field into hundreds of numeric terms (slow);
    whole years and months become one term each, and only the ragged edges go day by day.
    """
    terms: list[query.Query] = []
    day = first
    while day <= last:
        year_end = dt.date(day.year, 12, 31)
        last_of_month = month_end(day)
        if day.month == 1 and day.day == 1 and year_end <= last:
            terms.append(query.Term("year", f"{day:%Y}"))
            day = year_end + dt.timedelta(days=1)
        elif day.day == 1 and last_of_month <= last:
            terms.append(query.Term("month", f"{day:%Y-%m}"))
            day = last_of_month + dt.timedelta(days=1)
        else:
            terms.append(query.Term("day", f"{day:%Y-%m-%d}"))
            day += dt.timedelta(days=1)
    return terms[0] if len(terms) == 1 else query.Or(terms)
