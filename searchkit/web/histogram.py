"""The date facet as an SVG bar chart drawn by the server.

Each bar is a link that filters to its month or year, so the chart works without
JavaScript; app.js adds dragging across bars to select a range, reading the bucket of each
bar from ``data-bucket`` and the URL to extend from ``data-base``.
"""

from __future__ import annotations

from html import escape

from .params import SearchParams

WIDTH, HEIGHT = 600, 90
LABELLED_BUCKETS = 12


def _month_after(bucket: str) -> str:
    year, month = int(bucket[:4]), int(bucket[5:7])
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def filled_buckets(counts: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Every bucket from the first to the last, with 0 for the empty ones, so gaps in time
    show as gaps; left as given when the values are not all years or all months."""
    if not counts:
        return []
    found = dict(counts)
    keys = sorted(found)
    first, last = keys[0], keys[-1]
    if all(len(k) == 4 and k.isdigit() for k in keys):
        span = [f"{y:04d}" for y in range(int(first), int(last) + 1)]
    elif all(len(k) == 7 and k[:4].isdigit() and k[5:].isdigit() for k in keys):
        span, bucket = [], first
        while bucket <= last and len(span) < 2400:
            span.append(bucket)
            bucket = _month_after(bucket)
    else:
        return sorted(counts)
    return [(b, found.get(b, 0)) for b in span]


def in_range(bucket: str, since: str, until: str) -> bool:
    """Whether a bucket lies inside the since/until filter (compared at the bucket's grain)."""
    if not since and not until:
        return False
    grain = len(bucket)
    return (not since or bucket >= since[:grain]) and (not until or bucket <= until[:grain])


def histogram_html(facet, params: SearchParams) -> str:
    """A <figure> with the chart, its first and last bucket, and the count of undated hits."""
    buckets = filled_buckets([(v.value, v.count) for v in facet.values])
    if not buckets and not facet.missing:
        return ""
    base = params.with_dates("", "")
    if not buckets:  # nothing dated: one line, not an empty chart
        return (
            f'<p class="no-dates"><strong>Date</strong> none of these articles is dated '
            f"({facet.missing:,} undated)</p>"
        )
    parts = [
        '<figure class="histogram" aria-labelledby="histogram-caption">',
        '<figcaption id="histogram-caption"><h2>Date</h2>',
    ]
    if params.since or params.until:
        parts.append(f' <a class="clear-dates" href="{escape(base.url("/"))}">any date</a>')
    parts.append("</figcaption>")
    if buckets:
        peak = max(c for _, c in buckets) or 1
        step = WIDTH / len(buckets)
        gap = min(2.0, step * 0.2)
        grain = "year" if len(buckets[0][0]) == 4 else "month"
        parts.append(
            f'<svg class="bars" viewBox="0 0 {WIDTH} {HEIGHT}" preserveAspectRatio="none" '
            f'role="group" aria-label="Articles per {grain}" data-base="{escape(base.url("/"))}">'
        )
        for i, (bucket, count) in enumerate(buckets):
            height = 0 if not count else max(2.0, HEIGHT * count / peak)
            selected = in_range(bucket, params.since, params.until)
            target = base if selected and params.since == params.until == bucket else None
            href = (target or base.with_dates(bucket, bucket)).url("/")
            label = f"{bucket}: {count} article{'s' if count != 1 else ''}"
            parts.append(
                f'<a href="{escape(href)}" class="bar{" in-range" if selected else ""}" '
                f'data-bucket="{escape(bucket)}" aria-label="{escape(label)}">'
                f'<rect class="hitbox" x="{i * step:.2f}" y="0" width="{step:.2f}" '
                f'height="{HEIGHT}"></rect>'
                f'<rect class="fill" x="{i * step + gap / 2:.2f}" y="{HEIGHT - height:.2f}" '
                f'width="{max(step - gap, 0.5):.2f}" height="{height:.2f}"></rect>'
                f"<title>{escape(label)}</title></a>"
            )
        parts.append("</svg>")
        # Every bucket is labelled when they fit; otherwise the first and the last.
        shown = buckets if len(buckets) <= LABELLED_BUCKETS else [buckets[0], buckets[-1]]
        kind = "axis each" if len(buckets) <= LABELLED_BUCKETS else "axis"
        labels = "".join(f"<span>{escape(bucket)}</span>" for bucket, _ in shown)
        parts.append(f'<div class="{kind}" aria-hidden="true">{labels}</div>')
    if facet.missing:
        parts.append(f'<p class="missing">{facet.missing:,} undated</p>')
    parts.append("</figure>")
    return "".join(parts)
