"""Finance tables as CSV and XLSX downloads, written the way the reader's spreadsheet expects them.

CSV: UTF-8 with a byte-order mark (so that spreadsheet programs read accents right), ``;`` between cells
where the decimal mark is a comma (es, pt, fr) and ``,`` in English, numbers with the reader's decimal
mark and no grouping, dates in ISO 8601. XLSX: real number cells (with the currency's decimals) and date
cells, each with its display format.

Formula injection: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets
a leading apostrophe in both formats, so that no spreadsheet runs it. Numbers are written from
``Decimal`` values, never from text, so a negative amount stays a number.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.http import name_download
from core.money import decimals as currency_decimals

DECIMAL_COMMA_LANGUAGES = ("es", "pt", "fr")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Amount:
    """A number cell with a fixed count of decimals (an amount: its currency's minor unit)."""

    value: Decimal
    decimals: int = 2

    @classmethod
    def of(cls, value, currency: str | None = None) -> Amount | None:
        if value is None or value == "":
            return None
        return cls(Decimal(str(value)), currency_decimals(currency))


@dataclass
class Table:
    """What one download holds: a title (the sheet's name), the file's stem, and its rows."""

    title: str
    filename: str
    header: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)


def neutralised(text: str) -> str:
    """Text a spreadsheet shows as it is, never runs as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def separator(language: str) -> str:
    return ";" if language[:2] in DECIMAL_COMMA_LANGUAGES else ","


def _csv_cell(value, language: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Amount):
        text = f"{value.value:.{value.decimals}f}"
        return text.replace(".", ",") if language[:2] in DECIMAL_COMMA_LANGUAGES else text
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralised(str(value))


def table_csv(table: Table, language: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator(language), lineterminator="\r\n")
    rows = [table.header, *table.rows] if table.header else table.rows
    for row in rows:
        writer.writerow([_csv_cell(value, language) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(table.title)
    widths: dict[int, int] = {}
    rows = [table.header, *table.rows] if table.header else table.rows
    for row_number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column)
            if value is None:
                continue
            if isinstance(value, Amount):
                cell.value = value.value
                cell.number_format = "#,##0." + "0" * value.decimals if value.decimals else "#,##0"
            elif isinstance(value, bool):
                cell.value = _("yes") if value else _("no")
            elif isinstance(value, int):
                cell.value = value
                cell.number_format = "0"
            elif isinstance(value, datetime.date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
            else:
                # Set as a string: openpyxl would otherwise store text starting with "=" as a formula.
                cell.value = neutralised(str(value))
                cell.data_type = "s"
            widths[column] = max(widths.get(column, 8), min(len(str(cell.value)) + 2, 60))
        if row_number == 1 and table.header:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
    for column, width in widths.items():
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = width
    if table.header:
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    # A sheet's name has at most 31 characters and none of []:*?/\
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()
    return (cleaned or "Fondos")[:31]


def download(table: Table, file_format: str, language: str) -> HttpResponse:
    if file_format == "xlsx":
        response = HttpResponse(table_xlsx(table), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(table_csv(table, language), content_type="text/csv; charset=utf-8")
    name_download(response, f"{table.filename}.{file_format}")
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --------------------------------------------------------------------------- the finance desk's tables


def loans_table(loans, *, on: datetime.date) -> Table:
    """One row per loan, as the loans page lists them (annotated by ``with_loan_figures``)."""
    from funds.lending import RepaymentFrequency

    table = Table(
        title=_("Loans"),
        filename=f"loans-{on.isoformat()}",
        header=[
            _("Loan"), _("Organisation"), _("Country"), _("Fund"), _("State"), _("Currency"),
            _("Principal"), _("Disbursed on"), _("Outstanding principal"), _("Interest due"),
            _("Overdue"), _("Annual interest rate (%)"), _("Term (months)"), _("Repayments"),
            _("Rescheduled"),
        ],
    )
    for loan in loans:
        organization = loan.application.organization
        table.rows.append([
            loan.application.reference,
            organization.short_name,
            organization.get_country_display(),
            str(loan.fund.name),
            loan.get_status_display(),
            loan.currency,
            Amount.of(loan.principal, loan.currency),
            loan.disbursed_on,
            Amount.of(loan.principal_owed, loan.currency),
            Amount.of(loan.interest_due, loan.currency),
            Amount.of(loan.arrears, loan.currency),
            _rate(loan.annual_interest_rate),
            loan.term_months,
            str(RepaymentFrequency(loan.repayment_frequency).label),
            loan.is_rescheduled,
        ])
    return table


def _rate(percent: Decimal) -> Amount:
    """A rate with two decimals, or three when it has them (5.125 %)."""
    return Amount(percent, 2 if percent == percent.quantize(Decimal("0.01")) else 3)


def ledger_table(fund, entries, *, on: datetime.date) -> Table:
    table = Table(
        title=_("Ledger"),
        filename=f"ledger-{fund.code}-{on.isoformat()}",
        header=[
            _("Date"), _("Transaction"), _("Fund"), _("Movement"), _("Application"), _("Account"),
            _("Debit"), _("Credit"), _("Currency"), _("Memo"),
        ],
    )
    fund_name = str(fund.name)
    for entry in entries:
        transaction = entry.transaction
        table.rows.append([
            transaction.booked_on,
            entry.transaction_id,
            fund_name,
            transaction.get_kind_display(),
            transaction.application.reference if transaction.application_id else "",
            entry.get_account_display(),
            Amount.of(entry.debit, transaction.currency),
            Amount.of(entry.credit, transaction.currency),
            transaction.currency,
            transaction.memo,
        ])
    return table


def portfolio_table(report: dict, *, fund_name: str) -> Table:
    """The portfolio report (``disbursements.reports``): headline figures, then the arrears buckets,
    then the period's collections."""
    currency = report["currency"]
    on = datetime.date.fromisoformat(report["on"])

    def money(value):
        return Amount.of(value, currency)

    rows = [
        [_("Date"), on],
        [_("Fund"), fund_name],
        [_("Currency"), currency],
        [_("Loans"), report["loans"]],
        [_("Outstanding principal"), money(report["outstanding"])],
        [_("Arrears"), money(report["arrears"])],
        [_("Portfolio at risk over 30 days"), money(report["at_risk_30"])],
        [_("PAR30 (%)"), Amount.of(report["par30"])],
        [],
        [_("Days late"), _("Loans"), _("Outstanding principal"), _("Arrears")],
        *([bucket["label"], bucket["count"], money(bucket["amount"]), money(bucket["arrears"])]
          for bucket in report["buckets"]),
    ]
    collections = report.get("collections")
    if collections:
        rows += [
            [],
            [_("Collections from"), datetime.date.fromisoformat(collections["from"]),
             pgettext("end of a period", "to"), datetime.date.fromisoformat(collections["to"])],
            [_("Repayments"), collections["repayments"]],
            [_("Amount"), money(collections["amount"])],
            [_("Principal"), money(collections["principal"])],
            [_("Interest"), money(collections["interest"])],
            [_("Overpayments"), money(collections["credit"])],
        ]
    return Table(title=_("Portfolio"), filename=f"portfolio-{on.isoformat()}", rows=rows)
