"""The outcomes report as a CSV or XLSX download, in the request's language.

Cells that a spreadsheet would read as a formula (organisations name their own indicators) are written
as text, with a leading apostrophe."""

import csv
import io
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from rest_framework.renderers import BaseRenderer

PEOPLE_LABELS = {
    "women": lambda: _("Women"), "men": lambda: _("Men"), "other": lambda: _("Other"),
    "youth": lambda: _("Youth (18–35)"), "adults": lambda: _("Adults"),
}


def outcome_rows(data) -> list[list]:
    if not isinstance(data, dict) or "indicators" not in data:
        return [[key, value] for key, value in data.items()] if isinstance(data, dict) else [[data]]
    filters = data.get("filters") or {}
    rows = [
        [_("Fund"), filters.get("fund") or _("All funds")],
        [_("Year"), filters.get("year") or _("All years")],
        [_("Country"), filters.get("country") or _("All countries")],
        [_("Product"), filters.get("product") or _("All products")],
        [_("Awards"), data["awards"]],
        [_("Amount awarded") + f" ({data['currency']})", data["awarded"]],
        [_("Amount paid") + f" ({data['currency']})", data["paid"]],
        [],
        [_("Indicator"), _("Unit"), _("Projects"), _("Baseline"), _("Latest"), _("Change (%)")],
    ]
    rows += [[row["indicator"], row["unit"], row["projects"], row["baseline"], row["latest"],
              row["change_percent"]] for row in data["indicators"]]
    rows += [[], [_("People reached"), _("Number")]]
    rows += [[str(PEOPLE_LABELS[group]()), count] for group, count in data["people_reached"].items()]
    for title, table in (data.get("breakdown") or {}).items():
        rows += [[], [title, _("Awards"), _("Amount awarded"), _("Amount paid")]]
        rows += [[row["label"], row["awards"], row["awarded"], row["paid"]] for row in table]
    return rows


def _safe(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            Decimal(value)
        except InvalidOperation:
            return "'" + value
    return value


class OutcomesCSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        buffer = io.StringIO()
        csv.writer(buffer).writerows([[_safe(cell) for cell in row] for row in outcome_rows(data)])
        return buffer.getvalue().encode("utf-8")


class OutcomesXLSXRenderer(BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Outcomes")[:31]
        for row in outcome_rows(data):
            sheet.append([_cell(value) for value in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _cell(value):
    """Amounts and measures as numbers, so that a spreadsheet can add them up; any other text as text."""
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return _safe(value)
        return number if number.is_finite() else value
    return value
