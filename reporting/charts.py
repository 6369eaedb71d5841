"""The outcomes page's charts, drawn on the server as inline SVG (``portal.charts``): nothing from a CDN."""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

from portal.charts import bar_chart
from portal.templatetags.portal import percent as format_percent

from .renderers import PEOPLE_LABELS

WIDTH, ROW, LABEL_W, TOP = 640, 28, 230, 10
GOOD, BAD = "#1f6f3f", "#b03a2e"


def paid_by(rows, currency: str) -> str:
    return bar_chart([(row["label"], Decimal(row["paid"])) for row in rows if Decimal(row["paid"])],
                     currency=currency)


def people(reached: dict) -> str:
    return bar_chart([(str(PEOPLE_LABELS[group]()), count) for group, count in reached.items()])


def indicator_changes(indicators) -> str:
    """One bar per indicator, right of the axis for a rise, left for a fall."""
    rows = [(f"{row['indicator']} ({row['unit']})", Decimal(row["change_percent"]))
            for row in indicators if row["change_percent"] is not None]
    if not rows:
        return ""
    top = max(abs(value) for _label, value in rows) or Decimal(1)
    half = (WIDTH - LABEL_W - 20) / 2
    axis = LABEL_W + half
    height = TOP + ROW * len(rows) + 10
    parts = [f'<line x1="{axis:.1f}" y1="{TOP}" x2="{axis:.1f}" y2="{height - 5}" stroke="#999"/>']
    for index, (label, value) in enumerate(rows):
        y = TOP + index * ROW
        width = float(abs(value) / top) * (half - 60)
        x = axis if value >= 0 else axis - width
        shown = escape(format_percent(value))
        text_x = axis + width + 6 if value >= 0 else axis - width - 6
        anchor = "start" if value >= 0 else "end"
        parts.append(
            f'<text x="{LABEL_W - 8}" y="{y + 17}" text-anchor="end">{escape(label[:40])}</text>'
            f'<rect x="{x:.1f}" y="{y + 4}" width="{width:.1f}" height="{ROW - 10}" '
            f'fill="{GOOD if value >= 0 else BAD}"><title>{escape(label)}: {shown}</title></rect>'
            f'<text x="{text_x:.1f}" y="{y + 17}" text-anchor="{anchor}">{shown}</text>'
        )
    summary = "; ".join(f"{label}: {format_percent(value)}" for label, value in rows)
    return mark_safe(  # noqa: S308 (every text placed above is escaped)
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(summary)}">'
        f'{"".join(parts)}</svg>'
    )
