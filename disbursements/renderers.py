"""The portfolio report as a CSV or XLSX download (``?format=csv`` / ``?format=xlsx``)."""

import csv
import io
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from rest_framework.renderers import BaseRenderer


def report_rows(data) -> list[list]:
    """The report as a table: the headline figures, then one row per arrears bucket."""
    if not isinstance(data, dict) or "buckets" not in data:
        return [[key, value] for key, value in (data or {}).items()] if isinstance(data, dict) else [[data]]
    rows = [
        [_("Date"), data["on"]],
        [_("Fund"), data["fund"] or _("All funds")],
        [_("Currency"), data["currency"]],
        [_("Loans"), data["loans"]],
        [_("Outstanding principal"), data["outstanding"]],
        [_("Arrears"), data["arrears"]],
        [_("Portfolio at risk over 30 days"), data["at_risk_30"]],
        [_("PAR30 (%)"), data["par30"]],
        [],
        [_("Days late"), _("Loans"), _("Outstanding principal"), _("Arrears")],
    ]
    rows += [
        [bucket["label"], bucket["count"], bucket["amount"], bucket["arrears"]] for bucket in data["buckets"]
    ]
    collections = data.get("collections")
    if collections:
        rows += [
            [],
            [
                _("Collections from"), collections["from"],
                pgettext("end of a period", "to"), collections["to"],
            ],
            [_("Repayments"), collections["repayments"]],
            [_("Amount"), collections["amount"]],
            [_("Principal"), collections["principal"]],
            [_("Interest"), collections["interest"]],
            [_("Overpayments"), collections["credit"]],
        ]
    return rows


class PortfolioCSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        buffer = io.StringIO()
        csv.writer(buffer).writerows(report_rows(data))
        return buffer.getvalue().encode("utf-8")


class PortfolioXLSXRenderer(BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Portfolio")[:31]
        for row in report_rows(data):
            sheet.append([_cell(value) for value in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _cell(value):
    """Amounts as numbers, so that a spreadsheet can add them up."""
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return value
        return number if number.is_finite() else value
    return value
