"""Loans, ledger and portfolio downloads from the finance pages: the reader's CSV conventions, real
XLSX numbers and dates, and no formula a spreadsheet would run."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from disbursements.services import repayments
from organizations.choices import Role
from portal import exports
from tests.disbursements.conftest import paid_loan
from tests.factories import staff_user

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def loan():
    loan = paid_loan(paid_on=TODAY - datetime.timedelta(days=40))
    repayments.repayment_record(loan_id=loan.pk, by=loan.finance, amount="100.00",
                              paid_on=TODAY, reference="=HYPERLINK(\"http://x\")", idempotency_key="k1")
    return loan


def _csv(response, delimiter):
    body = response.content
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))


def _finance(client_for, language):
    user = staff_user(Role.FINANCE)
    user.language = language
    user.save(update_fields=["language"])
    client = client_for(user)
    client.cookies["django_language"] = language
    return client


def test_neutralised_cells():
    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert exports.neutralised(dangerous) == "'" + dangerous
    assert exports.neutralised("Coop. Café") == "Coop. Café"
    table = exports.Table(title="T", filename="t", header=["a", "b"],
                          rows=[["=cmd|' /C calc'!A0", exports.Amount(Decimal("-12.50"))]])
    text = exports.table_csv(table, "es").decode("utf-8-sig")
    csv_rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert csv_rows[1] == ["'=cmd|' /C calc'!A0", "-12,50"]
    sheet = load_workbook(io.BytesIO(exports.table_xlsx(table))).active
    assert sheet["A2"].value == "'=cmd|' /C calc'!A0" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == Decimal("-12.5") or sheet["B2"].value == -12.5
    assert sheet["B2"].data_type == "n" and sheet["B2"].number_format == "#,##0.00"


def test_loans_csv_in_spanish_uses_semicolons_decimal_commas_and_spanish_names(loan, client_for):
    response = _finance(client_for, "es").get("/finance/loans/download.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response, ";")
    assert rows[0][0] == "Préstamo"
    row = next(r for r in rows if r[0] == loan.application.reference)
    assert "3000,00" in row
    assert "Fondo Rotativo para jóvenes en Comercio Justo" in row
    assert any(cell in ("Activo", "En mora") for cell in row)


def test_loans_csv_in_english_uses_commas(loan, client_for):
    rows = _csv(_finance(client_for, "en").get("/finance/loans/download.csv"), ",")
    assert rows[0][0] == "Loan"
    assert "3000.00" in next(r for r in rows if r[0] == loan.application.reference)


def test_loans_xlsx_has_number_and_date_cells(loan, client_for):
    response = _finance(client_for, "fr").get("/finance/loans/download.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == exports.XLSX_TYPE
    sheet = load_workbook(io.BytesIO(response.content)).active
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == loan.application.reference)
    principal, disbursed = row[6], row[7]
    assert principal.data_type == "n" and Decimal(str(principal.value)) == Decimal("3000")
    assert principal.number_format == "#,##0.00"
    assert isinstance(disbursed.value, datetime.datetime) and disbursed.is_date
    assert disbursed.value.date() == loan.disbursed_on


def test_ledger_csv_neutralises_a_reference_typed_as_a_formula(loan, client_for):
    response = _finance(client_for, "pt").get("/finance/funds/youth-revolving/download.csv")
    assert response.status_code == 200
    rows = _csv(response, ";")
    memos = [row[-1] for row in rows[1:]]
    assert any("=HYPERLINK" in memo for memo in memos)
    for row in rows:
        for cell in row:
            assert not cell.startswith(exports.FORMULA_STARTS), cell
    xlsx = _finance(client_for, "pt").get("/finance/funds/youth-revolving/download.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_portfolio_download_names_the_period_in_spanish_with_hasta(loan, client_for):
    rows = _csv(_finance(client_for, "es").get("/finance/portfolio/download.csv"), ";")
    period = next(r for r in rows if r and r[0] == "Cobros desde")
    assert period[2] == "hasta"
    assert ["Préstamos", "1"] in rows
    assert any(r and r[0] == "PAR30 (%)" for r in rows)
    xlsx = _finance(client_for, "es").get(f"/finance/portfolio/download.xlsx?on={TODAY.isoformat()}")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["B1"].is_date
    outstanding = next(r for r in sheet.iter_rows() if r[0].value == "Capital pendiente")
    assert outstanding[1].data_type == "n"


def test_api_portfolio_csv_says_hasta_in_spanish(loan, api_as):
    response = api_as(staff_user(Role.FINANCE)).get(
        "/api/v1/reports/portfolio/?fund=youth-revolving&format=csv", HTTP_ACCEPT_LANGUAGE="es")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert next(r for r in rows if r and r[0] == "Cobros desde")[2] == "hasta"


def test_downloads_are_for_finance_readers_only(loan, client_for):
    secretariat = client_for(staff_user(Role.SECRETARIAT))
    assert secretariat.get("/finance/loans/download.csv").status_code == 403
    assert secretariat.get("/finance/funds/youth-revolving/download.csv").status_code == 403
    assert client_for(loan.applicant).get("/finance/portfolio/download.xlsx").status_code == 403
    auditor = client_for(staff_user(Role.AUDITOR))
    assert auditor.get("/finance/portfolio/download.xlsx").status_code == 200
    assert auditor.get("/finance/loans/download.pdf").status_code == 404


def test_pages_offer_the_downloads(loan, client_for):
    finance = _finance(client_for, "en")
    page = finance.get("/finance/loans/").content.decode()
    assert "/finance/loans/download.csv" in page and "/finance/portfolio/download.xlsx" in page
    assert "/finance/funds/youth-revolving/download.xlsx" in finance.get(
        "/finance/funds/youth-revolving/").content.decode()
