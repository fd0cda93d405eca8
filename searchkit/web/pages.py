"""The HTML pages: the faceted search page, a document page, and error pages.

Every piece of indexed text is untrusted: it passes through ``text()`` (control and
direction-override characters removed, then HTML-escaped), and only http(s) URLs become
links. Every control is a link or a GET form, so the page works without JavaScript;
/static/app.js only makes checkboxes submit at once, lets the histogram be dragged and
searches inside a facet's values as you type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from html import escape
from urllib.parse import urlencode, urlsplit

from ..search.snippets import clean_text
from .histogram import histogram_html
from .params import SearchParams, facet_catalogue, facet_title, parse_search
from .service import SearchService, starts_a_word

SHOWN_VALUES = 10
TITLE_CHARS = 160  # longer titles are cut in the list; the document page shows them whole
EXPANDED_VALUES = 50
MONTHS_BEFORE_YEARS = 36  # a longer span is drawn by year unless date_interval says


def text(value: object) -> str:
    return escape(clean_text(str(value)), quote=True)


def safe_link(url: str, label: str) -> str:
    """A link for http(s) URLs only; anything else (javascript:, data:) is shown as text."""
    url = clean_text(url)
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme not in ("http", "https"):
        return f'<span class="url">{text(label)}</span>'
    return f'<a href="{escape(url)}" rel="noopener noreferrer nofollow">{text(label)}</a>'


def layout(title: str, body: str, query: str = "") -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title>"
        '<link rel="stylesheet" href="/static/app.css">'
        '<script src="/static/app.js" defer></script></head><body>'
        '<a class="skip" href="#results">Skip to results</a>'
        f"{body}</body></html>\n"
    )


def search_box(params: SearchParams | None) -> str:
    params = params or SearchParams()
    hidden = [(k, v) for k, v in params.items(keep_page=False) if k not in ("q", *_filter_names())]
    inputs = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in hidden
    )
    return (
        '<header class="top"><a class="brand" href="/">searchkit</a>'
        '<form id="search" class="searchbox" method="get" action="/" role="search">'
        '<label for="q" class="visually-hidden">Search articles</label>'
        f'<input id="q" name="q" type="search" value="{escape(params.q)}" '
        'placeholder="Search articles" autocomplete="off">'
        f'{inputs}<button type="submit">Search</button></form></header>'
    )


def _filter_names() -> tuple[str, ...]:
    return facet_catalogue().filterable


def error_page(status: int, message: str) -> str:
    body = (
        search_box(None) + f'<main class="error" id="results"><h1>{status}</h1>'
        f'<p>{text(message)}</p><p><a href="/">Start a new search</a></p></main>'
    )
    return layout(f"{status} – searchkit", body)


# ---- the search page ----------------------------------------------------------------------


def _gather(svc: SearchService, params: SearchParams, expand: str, prefix: str):
    """Results with every facet value (trimmed for display later), and the date histogram
    by year when months would make too many bars."""
    results = svc.search(params, facet_limit=0)
    date = next((f for f in results.facets if f.name == "date"), None)
    if date is not None and not params.date_interval and len(date.values) > MONTHS_BEFORE_YEARS:
        date = svc.facet("date", params, "year")
    return results, date


async def search_page_html(svc: SearchService, pairs: Sequence[tuple[str, str]]) -> str:
    params = parse_search(pairs)
    extra = dict(pairs)
    expand = extra.get("expand", "")
    prefix = extra.get("prefix", "")
    results, date = await svc.run(_gather, svc, params, expand, prefix)
    facets = [f for f in results.facets if f.name != "date"]
    body = [search_box(params), '<main class="layout">']
    body.append('<aside class="facets" aria-label="Filters">')
    body.extend(facet_panel(f, params, expand, prefix) for f in facets)
    body.append('<button type="submit" form="search" class="apply">Apply filters</button></aside>')
    body.append('<section class="results" id="results" aria-live="polite">')
    body.append(pills(params, facets))
    if date is not None:
        body.append(histogram_html(date, params))
    body.append(summary(results, params))
    body.append(hits_list(results))
    body.append(pager(results, params))
    body.append("</section></main>")
    title = f"{text(params.q)} – searchkit" if params.q else "searchkit"
    return layout(title, "".join(body))


def facet_panel(facet, params: SearchParams, expand: str, prefix: str) -> str:
    selected = params.selected(facet.name)
    expanded = expand == facet.name
    values = list(facet.values)
    if expanded and prefix:
        values = [v for v in values if starts_a_word(v, prefix.strip().casefold())]
    shown = values[: EXPANDED_VALUES if expanded else SHOWN_VALUES]
    shown += [v for v in facet.values if v.value in selected and v not in shown]
    # A selected value with no match under the other filters still shows, with 0.
    known = {v.value for v in facet.values}
    missing_selected = [v for v in selected if v not in known]
    name = escape(facet.name)
    title = escape(facet_title(facet.name))
    out = [f'<section class="facet" id="facet-{name}"><h2>{title}</h2>']
    if len(facet.values) > SHOWN_VALUES or expanded:
        out.append(facet_search_form(facet.name, params, prefix if expanded else ""))
    out.append(f'<ul class="values" data-facet="{name}">')
    for v in shown:
        out.append(value_item(facet.name, v.value, v.label, v.count, v.value in selected))
    for value in missing_selected:
        out.append(value_item(facet.name, value, value, 0, True))
    out.append("</ul>")
    if not shown and not missing_selected:
        out.append('<p class="none">No values</p>')
    more = len(values) - len(shown)
    if more > 0 and not expanded:
        href = params.url("/", [("expand", facet.name)]) + f"#facet-{name}"
        out.append(f'<a class="more" href="{escape(href)}">Show more ({more:,})</a>')
    elif expanded:
        out.append(f'<a class="more" href="{escape(params.url("/"))}">Show fewer</a>')
    out.append("</section>")
    return "".join(out)


def value_item(facet: str, value: str, label: str, count: int, checked: bool) -> str:
    shown = label if label == value or facet != "country" else f"{label} ({value})"
    return (
        '<li><label><input type="checkbox" form="search" '
        f'name="{escape(facet)}" value="{escape(value)}"{" checked" if checked else ""}>'
        f'<span class="label" dir="auto">{text(shown)}</span>'
        f'<span class="count">{count:,}</span></label></li>'
    )


def facet_search_form(facet: str, params: SearchParams, prefix: str) -> str:
    state = [(k, v) for k, v in params.items(keep_page=False)]
    hidden = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
        for k, v in [*state, ("expand", facet)]
    )
    field = f"find-{escape(facet)}"
    return (
        f'<form class="facet-search" method="get" action="/#facet-{escape(facet)}" role="search" '
        f'data-facet="{escape(facet)}" data-state="{escape(urlencode(state))}">{hidden}'
        f'<label for="{field}" class="visually-hidden">Find {escape(facet_title(facet).lower())} '
        f'values</label><input id="{field}" name="prefix" type="search" value="{escape(prefix)}" '
        f'placeholder="Find…" autocomplete="off"><button type="submit">Find</button></form>'
    )


def pills(params: SearchParams, facets) -> str:
    labels = {(f.name, v.value): v.label for f in facets for v in f.values}
    items = []
    for name, values in params.filters:
        for value in values:
            label = labels.get((name, value), value)
            href = params.toggled(name, value).url("/")
            items.append(_pill(href, f"{facet_title(name)}: {label}"))
    if params.since or params.until:
        span = f"{params.since or '…'} – {params.until or '…'}"
        items.append(_pill(params.with_dates("", "").url("/"), f"Date: {span}"))
    if not items:
        return ""
    clear = escape(params.cleared().url("/"))
    return (
        '<ul class="pills" aria-label="Selected filters">'
        + "".join(items)
        + f'<li><a class="clear" href="{clear}">Clear all</a></li></ul>'
    )


def _pill(href: str, label: str) -> str:
    return (
        f'<li><a class="pill" href="{escape(href)}" aria-label="Remove {text(label)}">'
        f'<span dir="auto">{text(label)}</span> <span aria-hidden="true">×</span></a></li>'
    )


def summary(results, params: SearchParams) -> str:
    first = (results.page - 1) * results.limit + 1
    head = f"{results.total:,} result{'s' if results.total != 1 else ''}"
    if results.hits:
        head += f", showing {first:,}–{first + len(results.hits) - 1:,}"
    sorts = []
    for sort in ("relevance", "date"):
        label = "Relevance" if sort == "relevance" else "Newest"
        if sort == params.sort:
            sorts.append(f'<strong aria-current="true">{label}</strong>')
        else:
            href = replace(params, sort=sort, page=1).url("/")
            sorts.append(f'<a href="{escape(href)}">{label}</a>')
    out = [
        f'<div class="summary"><p class="count">{head}</p>'
        f'<p class="sort">Sort: {" · ".join(sorts)}</p></div>'
    ]
    if results.suggestion:
        href = replace(params, q=results.suggestion, page=1).url("/")
        out.append(
            f'<p class="suggestion">Did you mean <a href="{escape(href)}">'
            f"{text(results.suggestion)}</a>?</p>"
        )
    return "".join(out)


def highlighted(snippet: str, spans) -> str:
    out, last = [], 0
    for start, end in spans:
        out.append(text_keep_spaces(snippet[last:start]))
        out.append(f"<mark>{text_keep_spaces(snippet[start:end])}</mark>")
        last = end
    out.append(text_keep_spaces(snippet[last:]))
    return "".join(out)


def text_keep_spaces(value: str) -> str:
    # clean_text trims; inside a snippet the spaces around a highlight must stay.
    lead = " " if value[:1].isspace() else ""
    tail = " " if value[-1:].isspace() and value.strip() else ""
    return lead + text(value) + tail


def meta_line(item) -> str:
    parts = [str(item.published) if item.published else "undated"]
    source = clean_text(item.source)
    kind = "" if item.source_type == "unknown" else item.source_type
    if source and kind:
        parts.append(f"{source} ({kind})")
    elif source or kind:
        parts.append(source or kind)
    parts.append(item.language)
    if item.countries:
        parts.append(", ".join(item.countries))
    return " · ".join(text(p) for p in parts)


def hits_list(results) -> str:
    if not results.hits:
        return '<p class="empty">No articles match. Try fewer words or filters.</p>'
    first = results.hits[0].rank
    out = [f'<ol class="hits" start="{first}">']
    for hit in results.hits:
        title = clean_text(hit.title) or "(untitled)"
        if len(title) > TITLE_CHARS:
            title = title[: TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"
        out.append(
            f'<li class="hit"><h3><a href="/documents/{escape(hit.id)}" dir="auto">'
            f"{text(title)}</a></h3>"
            f'<p class="meta">{meta_line(hit)}</p>'
            f'<p class="snippet" dir="auto">{highlighted(hit.snippet, hit.highlights)}</p></li>'
        )
    out.append("</ol>")
    return "".join(out)


def pager(results, params: SearchParams) -> str:
    if not results.limit:
        return ""
    pages = max(1, -(-results.total // results.limit))
    if pages == 1:
        return ""
    links = []
    if params.page > 1:
        href = escape(params.with_page(params.page - 1).url("/"))
        links.append(f'<a rel="prev" href="{href}">← Previous</a>')
    links.append(f'<span class="where">Page {params.page:,} of {pages:,}</span>')
    if params.page < pages:
        href = escape(params.with_page(params.page + 1).url("/"))
        links.append(f'<a rel="next" href="{href}">Next →</a>')
    return f'<nav class="pager" aria-label="Pages">{" ".join(links)}</nav>'


# ---- the document page --------------------------------------------------------------------


def document_page_html(doc, similar) -> str:
    from ..tables import country_label

    countries = ", ".join(f"{country_label(c)} ({c})" for c in doc.countries)
    fields = [
        ("Published", str(doc.published or "undated")),
        ("Source", clean_text(doc.source) or "unknown source"),
        ("Source type", doc.source_type),
        ("Language", doc.language),
        ("Actors", "; ".join(clean_text(a) for a in doc.actors)),
        ("Countries", countries),
        ("Authors", "; ".join(clean_text(a) for a in doc.authors)),
        ("Category", clean_text(doc.category)),
        ("Cited sources", "; ".join(clean_text(c) for c in doc.cited_sources)),
        ("File", doc.path if doc.record is None else f"{doc.path}:{doc.record}"),
        ("Id", doc.id),
    ]
    rows = "".join(f'<dt>{k}</dt><dd dir="auto">{text(v)}</dd>' for k, v in fields if v)
    url_row = f"<dt>URL</dt><dd>{safe_link(doc.url, doc.url)}</dd>" if doc.url else ""
    paragraphs = "".join(f'<p dir="auto">{text(p)}</p>' for p in doc.body.split("\n") if p.strip())
    title = clean_text(doc.title) or "(untitled)"
    body = [
        search_box(None),
        '<main class="document" id="results">',
        '<p class="back"><a href="/">← New search</a></p>',
        f'<h1 dir="auto">{text(title)}</h1><dl class="fields">{rows}{url_row}</dl>',
        explanation_table(doc.evidence),
        f'<section class="body" aria-label="Text">{paragraphs}</section>',
    ]
    if similar:
        items = "".join(
            f'<li><a href="/documents/{escape(h.id)}" dir="auto">'
            f"{text(clean_text(h.title) or '(untitled)')}</a></li>"
            for h in similar
        )
        body.append(f'<section class="similar"><h2>Similar articles</h2><ul>{items}</ul></section>')
    body.append("</main>")
    return layout(f"{text(title)} – searchkit", "".join(body))


def explanation_table(evidence) -> str:
    if not evidence:
        return (
            '<section class="explain"><h2>Why these facet values</h2>'
            "<p>No evidence stored.</p></section>"
        )
    rows = []
    for m in evidence:
        where = f"character {m.start:,}" if m.start >= 0 else "metadata"
        rows.append(
            f'<tr><td>{text(m.kind)}</td><td dir="auto">{text(m.value)}</td>'
            f'<td dir="auto">{text(m.text) if m.text else "—"}</td>'
            f"<td>{text(m.rule)}</td><td>{where}</td></tr>"
        )
    return (
        '<section class="explain"><h2>Why these facet values</h2><table>'
        '<thead><tr><th scope="col">Kind</th><th scope="col">Value</th><th scope="col">Text</th>'
        '<th scope="col">Rule</th><th scope="col">Where</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )
