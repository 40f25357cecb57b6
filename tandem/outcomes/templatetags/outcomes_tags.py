"""Charts drawn on the server as SVG: no script, no CDN. Horizontal bars, each with its label above and
its number written beside it, alternate bars hatched so the chart reads without colour; a hidden
(suppressed) value keeps its row, drawn as no bar with the word "hidden" beside it."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ROW = 50  # per bar: its label on a line of its own, then the bar with its number
WIDTH = 360  # narrow, so that on a 390 px phone the words stay close to the page's own size
LABEL_CHARS = 48


@register.simple_tag
def bar_chart(section: object, title: str = "") -> SafeString:
    rows = [r for r in getattr(section, "rows", []) if r.bar is not None or r.hidden or r.value]
    rows = [r for r in rows if r.bar is not None or r.hidden]
    if not rows:
        return mark_safe("")
    width = WIDTH
    bar_w = width - 90  # room for the number beside the longest bar
    height = ROW * len(rows) + 4
    key = escape(getattr(section, "key", "chart"))
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" aria-labelledby="chart-{key}-title">',
        f'<title id="chart-{key}-title">{escape(title or getattr(section, "title", ""))}</title>',
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#dfe7f3"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#1f4e8c" stroke-width="2"/></pattern></defs>',
    ]
    for index, row in enumerate(rows):
        y = 2 + index * ROW
        text = str(row.label)
        label = escape(text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1] + "…")
        parts.append(f'<text x="0" y="{y + 14}" font-size="13" fill="#1a1a1a">{label}</text>')
        if row.bar is not None:
            length = max(2, int(bar_w * max(0.0, min(1.0, row.bar))))
            fill = "url(#hatch)" if index % 2 else "#1f4e8c"
            parts.append(f'<rect x="1" y="{y + 20}" width="{length}" height="20" fill="{fill}" '
                         f'stroke="#1f4e8c"/>')
            parts.append(f'<text x="{length + 7}" y="{y + 35}" font-size="13" font-weight="bold" '
                         f'fill="#1a1a1a">{escape(row.value)}</text>')
        else:
            parts.append(f'<text x="1" y="{y + 35}" font-size="13" font-style="italic" '
                         f'fill="#444">{escape(row.value)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


@register.filter
def query_with(params: dict[str, str], extra: str) -> str:
    """The dashboard's filters as a query string, plus ``key=value``."""
    from urllib.parse import urlencode

    key, _sep, value = extra.partition("=")
    return urlencode({**params, key: value})


__all__ = ["bar_chart", "query_with"]


@register.filter
def words(text: dict[str, str] | None) -> str:
    """An instrument's text in the reader's language."""
    from tandem.outcomes.instruments import pick

    return pick(text) if text else ""
