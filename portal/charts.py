"""Small charts drawn on the server as inline SVG: no JavaScript library, nothing from a CDN.

The figures come from the same functions as the reports; these helpers only place them.
"""

from decimal import Decimal

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .templatetags.portal import money
from .templatetags.portal import percent as format_percent

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 130, 20, 20, 50
COLOURS = ("#1f6f3f", "#b5651d", "#2f5f9f", "#8a2f6f")


def _label(value, currency=None, percent=False) -> str:
    if percent:
        return format_percent(value)
    return money(value, currency) if currency else str(value)


def line_chart(data, *, currency=None, percent=False) -> str:
    """``data``: ``{"series": [(key, label)], "points": [(date, {key: value})]}``."""
    points = data["points"]
    if not points:
        return ""
    values = [Decimal(str(v[key])) for _day, v in points for key, _l in data["series"]]
    top = max(values + [Decimal(0)])
    top = top if top > 0 else Decimal(1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(points) - 1, 1)

    def y(value):
        return TOP + plot_h - float(Decimal(str(value)) / top) * plot_h

    base = TOP + plot_h
    parts = [f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#999"/>']
    for fraction in (0, 0.5, 1):
        level = top * Decimal(str(fraction))
        parts.append(f'<text x="{LEFT - 6}" y="{y(level) + 4:.1f}" text-anchor="end">'
                     f'{escape(_label(level, currency, percent))}</text>')
        parts.append(f'<line x1="{LEFT}" y1="{y(level):.1f}" x2="{WIDTH - RIGHT}" y2="{y(level):.1f}" '
                     f'stroke="#e3e8e4"/>')
    for index, (day, _values) in enumerate(points):
        if index % 2 == len(points) % 2 or index == len(points) - 1:
            parts.append(f'<text x="{LEFT + index * step:.1f}" y="{HEIGHT - BOTTOM + 18}" '
                         f'text-anchor="middle">{escape(date_format(day, "M y"))}</text>')
    summary = []
    for number, (key, label) in enumerate(data["series"]):
        colour = COLOURS[number % len(COLOURS)]
        coords = " ".join(f"{LEFT + i * step:.1f},{y(v[key]):.1f}" for i, (_d, v) in enumerate(points))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" points="{coords}"/>')
        for i, (day, v) in enumerate(points):
            parts.append(f'<circle cx="{LEFT + i * step:.1f}" cy="{y(v[key]):.1f}" r="3" fill="{colour}">'
                         f'<title>{escape(label)} · {escape(date_format(day))}: '
                         f'{escape(_label(v[key], currency, percent))}</title></circle>')
        key_x = LEFT + number * 150
        parts.append(f'<rect x="{key_x}" y="{HEIGHT - 20}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{key_x + 16}" y="{HEIGHT - 10}">{escape(label)}</text>')
        last_day, last = points[-1]
        summary.append(f"{label}: {_label(last[key], currency, percent)}")
    return mark_safe(  # noqa: S308 (every text placed above is escaped)
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape("; ".join(summary))}">{"".join(parts)}</svg>'
    )


def bar_chart(bars, *, currency=None) -> str:
    """Horizontal bars: ``[(label, value)]``."""
    if not bars:
        return ""
    row_h = 28
    height = TOP + row_h * len(bars) + 10
    top = max(Decimal(str(v or 0)) for _l, v in bars) or Decimal(1)
    label_w = 170
    plot_w = WIDTH - label_w - 140
    parts = []
    for index, (label, value) in enumerate(bars):
        y = TOP + index * row_h
        width = float(Decimal(str(value or 0)) / top) * plot_w
        shown = escape(_label(value, currency))
        parts.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{escape(label)}</text>'
                     f'<rect x="{label_w}" y="{y + 4}" width="{width:.1f}" height="{row_h - 10}" '
                     f'fill="{COLOURS[0]}"><title>{escape(label)}: {shown}</title></rect>'
                     f'<text x="{label_w + width + 6:.1f}" y="{y + 17}">{shown}</text>')
    summary = "; ".join(f"{label}: {_label(value, currency)}" for label, value in bars)
    return mark_safe(  # noqa: S308 (every text placed above is escaped)
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(summary)}">'
        f'{"".join(parts)}</svg>'
    )
