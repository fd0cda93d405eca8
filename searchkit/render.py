"""Plain-text views of results for the terminal. Every piece of indexed text passes through
``clean_text`` first, so control characters and ANSI escapes in articles never reach it."""

from __future__ import annotations

from collections.abc import Sequence

from . import model
from .search.snippets import clean_text

BOLD, DIM, YELLOW, RESET = "\x1b[1m", "\x1b[2m", "\x1b[33m", "\x1b[0m"
TITLE_CHARS = 100
CSV_COLUMNS = (
    "rank",
    "id",
    "score",
    "title",
    "published",
    "source",
    "source_type",
    "language",
    "countries",
    "actors",
    "path",
    "url",
    "snippet",
)


def _style(text: str, code: str, colour: bool) -> str:
    return f"{code}{text}{RESET}" if colour else text


def _highlight(snippet: str, spans: Sequence[tuple[int, int]], colour: bool) -> str:
    if not colour or not spans:
        return snippet
    out, last = [], 0
    for a, b in spans:
        out.append(snippet[last:a])
        out.append(f"{BOLD}{YELLOW}{snippet[a:b]}{RESET}")
        last = b
    out.append(snippet[last:])
    return "".join(out)


def _hit_lines(hit: model.Hit, colour: bool) -> list[str]:
    meta = [str(hit.published) if hit.published else "undated"]
    meta.append(f"{clean_text(hit.source) or 'unknown source'} ({hit.source_type})")
    meta.append(clean_text(hit.language))
    if hit.countries:
        meta.append(",".join(hit.countries))
    score = f"  [{hit.score:.2f}]" if hit.score else ""
    title = clean_text(hit.title) or "(untitled)"
    if len(title) > TITLE_CHARS:
        title = title[: TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    lines = [
        f"{hit.rank:>3}. {_style(title, BOLD, colour)}{score}",
        "     " + _style(" · ".join(meta) + f" · id {hit.id}", DIM, colour),
    ]
    if hit.snippet:
        lines.append("     " + _highlight(hit.snippet, hit.highlights, colour))
    lines.append("     " + _style(clean_text(hit.url or hit.path), DIM, colour))
    return lines


def render_hits(hits: Sequence[model.Hit], colour: bool = False) -> str:
    lines: list[str] = []
    for hit in hits:
        lines.extend(_hit_lines(hit, colour))
        lines.append("")
    return "\n".join(lines).rstrip("\n") if lines else "No similar documents."


def render_facets(facets: Sequence[model.Facet]) -> str:
    lines = []
    for facet in facets:
        extra = f", {facet.missing} without" if facet.missing else ""
        more = f", {facet.distinct - len(facet.values)} more" if facet.truncated else ""
        noun = "value" if facet.distinct == 1 else "values"
        lines.append(f"{facet.name} ({facet.distinct} {noun}{more}{extra})")
        for v in facet.values:
            label = clean_text(v.label) if v.label != v.value else ""
            name = clean_text(v.value) + (f" {label}" if label else "")
            mark = "*" if v.selected else " "
            lines.append(f"  {mark}{v.count:>6}  {name}")
    return "\n".join(lines)


def render_results(results: model.SearchResults, colour: bool = False) -> str:
    shown = len(results.hits)
    first = (results.page - 1) * results.limit + 1
    head = f"{results.total} result{'s' if results.total != 1 else ''}"
    if shown:
        head += f", showing {first}-{first + shown - 1}"
    head += f" ({results.took_ms:.0f} ms)"
    lines = [head]
    if not shown and results.total and results.limit:
        pages = -(-results.total // results.limit)
        lines += [
            "",
            f"Page {results.page} is past the end: there {'is' if pages == 1 else 'are'} "
            f"{pages} page{'s' if pages != 1 else ''} of {results.limit}.",
        ]
    if results.suggestion:
        lines += ["", f"Did you mean: {clean_text(results.suggestion)}"]
    for hit in results.hits:
        lines.append("")
        lines.extend(_hit_lines(hit, colour))
    lines.append("")
    if results.facets and results.total:
        lines.append(_style("Facets", BOLD, colour))
        lines.append(render_facets(results.facets))
    return "\n".join(lines).rstrip("\n")


def render_csv(results: model.SearchResults, writer) -> None:
    """A header row, then one row per hit; every text cell cleaned like the terminal view
    (a spreadsheet or a `cat` of the file must not meet control characters either)."""
    declared = list(dict.fromkeys(name for h in results.hits for name in h.facets))
    writer.writerow([*CSV_COLUMNS, *declared])
    for h in results.hits:
        row = [
            h.rank,
            h.id,
            h.score,
            h.title,
            h.published or "",
            h.source,
            h.source_type,
            h.language,
            ";".join(h.countries),
            ";".join(h.actors),
            h.path,
            h.url,
            h.snippet,
            *(";".join(h.facets.get(name, ())) for name in declared),
        ]
        writer.writerow([clean_text(v) if isinstance(v, str) else v for v in row])


def render_document(doc: model.Document) -> str:
    from .tables import country_label

    countries = ", ".join(f"{c} ({country_label(c)})" for c in doc.countries)
    rows = [
        ("id", doc.id),
        ("title", clean_text(doc.title)),
        ("path", clean_text(doc.path if doc.record is None else f"{doc.path}:{doc.record}")),
        ("url", clean_text(doc.url)),
        ("published", str(doc.published or "")),
        ("source", f"{clean_text(doc.source) or 'unknown source'} ({doc.source_type})"),
        ("language", clean_text(doc.language)),
        ("actors", "; ".join(clean_text(a) for a in doc.actors)),
        ("countries", countries),
        ("authors", "; ".join(clean_text(a) for a in doc.authors)),
        ("category", clean_text(doc.category)),
        ("cited", "; ".join(clean_text(c) for c in doc.cited_sources)),
        *((name, "; ".join(clean_text(v) for v in values)) for name, values in doc.facets.items()),
    ]
    # A declared facet may carry the name of a built-in row ("category"): show it once.
    rows = [(k, v) for i, (k, v) in enumerate(rows) if k not in dict(rows[i + 1 :])]
    width = max(len(k) for k, _ in rows)
    lines = [f"{k:<{width}}  {v}" for k, v in rows if v]
    body = "\n".join(clean_text(p) for p in doc.body.split("\n") if p.strip())
    return "\n".join(lines) + "\n\n" + body


def render_extraction(doc: model.Document, explain: bool) -> str:
    text = render_document(doc).split("\n\n", 1)[0]
    if not explain:
        return text + "\n"
    lines = [text, "evidence:"]
    for m in doc.evidence:
        where = f" @{m.start}" if m.start >= 0 else ""
        source = f' from "{clean_text(m.text)}"' if m.text else ""
        lines.append(f"  {m.kind:<13} {clean_text(m.value)}{source}{where}  [{m.rule}]")
    return "\n".join(lines) + "\n"


def render_stats(stats: model.IndexStats) -> str:
    size = stats.size_bytes / 2**20
    lines = [
        f"index        {stats.path}",
        f"documents    {stats.documents}",
        f"size         {size:.1f} MB in {stats.segments} segment(s)",
        f"last update  {stats.last_update or 'never'}",
        f"schema       version {stats.schema_version}",
        "",
        render_facets(stats.facets),
    ]
    return "\n".join(lines)


def format_report(report: model.UpdateReport) -> str:
    lines = [
        f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.removed} removed, {len(report.skipped)} skipped"
        f"{f', {report.rederived} re-derived' if report.rederived else ''} "
        f"({report.took_ms / 1000:.1f} s)"
    ]
    for skip in report.skipped:
        lines.append(f"  skipped {clean_text(skip.path)}: {skip.reason}")
    return "\n".join(lines)


def format_optimize(report: model.OptimizeReport) -> str:
    took = f"{report.took_ms / 1000:.1f} s"
    if not report.documents_merged:
        return f"{report.segments_before} segment(s): nothing to merge ({took})"
    purged = f", {report.purged} deleted dropped" if report.purged else ""
    return (
        f"merged {report.segments_before} segments into {report.segments_after} "
        f"({report.documents_merged} documents rewritten{purged}, {took})"
    )


def render_check(report: model.CheckReport) -> str:
    state = "healthy" if report.healthy else "DAMAGED"
    lines = [
        f"{report.path}: {state}, {report.documents} documents in {report.segments} segment(s)"
    ]
    lines += [f"  problem: {p}" for p in report.problems]
    lines += [f"  repaired: {r}" for r in report.repairs]
    lines += [f"  note: {n}" for n in report.notes]
    return "\n".join(lines)


def format_commit_line(report: model.UpdateReport, when: str) -> str:
    """One line per `searchkit watch` commit.

    ``12:03:04  3 added, 1 updated, 0 removed (0.4 s)``
    """
    skipped = f", {len(report.skipped)} skipped" if report.skipped else ""
    return (
        f"{when}  {report.added} added, {report.updated} updated, {report.removed} removed"
        f"{skipped} ({report.took_ms / 1000:.1f} s)"
    )
