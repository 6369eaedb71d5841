import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from disbursements import reports
from disbursements.services import loans as loan_services
from disbursements.services import repayments
from organizations.choices import Role
from organizations.models import ProductCode
from tests.disbursements.conftest import paid_loan
from tests.factories import OppUserFactory, OrganizationFactory, staff_user

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
D = Decimal


def _ago(days):
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def portfolio_loans():
    """Three loans of 3000: one on time, one 1-30 days late, one 61-90 days late (in Guatemala, cacao)."""
    on_time = paid_loan(paid_on=_ago(5))
    late = paid_loan(paid_on=_ago(40))
    cacao_org = OrganizationFactory(country="GT")
    cacao_org.products.add(ProductCode.objects.get_or_create(code="cacao")[0])
    very_late = paid_loan(paid_on=_ago(100), applicant=OppUserFactory(organization=cacao_org))
    loan_services.loans_refresh_arrears()
    return on_time, late, very_late


def _bucket(report, code):
    return next(b for b in report["buckets"] if b["bucket"] == code)


def test_arrears_buckets_and_par30(portfolio_loans, django_assert_num_queries):
    with django_assert_num_queries(1):
        report = reports.portfolio(on=TODAY)
    assert report["loans"] == 3 and report["outstanding"] == "9000.00"
    assert (_bucket(report, "on_time")["count"], _bucket(report, "on_time")["amount"]) == (1, "3000.00")
    assert _bucket(report, "1_30")["count"] == 1
    assert _bucket(report, "31_60")["count"] == 0
    very_late_days = (TODAY - portfolio_loans[2].instalments.order_by("n").first().due_date).days
    code = "61_90" if very_late_days > 60 else "31_60"
    assert _bucket(report, code)["count"] == 1
    assert report["par30"] == "33.33" and report["at_risk_30"] == "3000.00"
    assert sum(b["count"] for b in report["buckets"]) == 3


def test_rescheduled_loans_count_at_risk_and_paid_loans_leave_buckets(portfolio_loans):
    on_time, late, _very_late = portfolio_loans
    loan_services.loan_reschedule(
        loan_id=late.pk, by=late.finance, starts_on=TODAY, term_months=12, reason="Drought"
    )
    report = reports.portfolio(on=TODAY)
    assert report["par30"] == "66.67"
    assert _bucket(report, "1_30")["count"] == 0 and _bucket(report, "on_time")["count"] == 2
    repayments.repayment_record(
        loan_id=on_time.pk, by=on_time.finance, amount="3100.00", paid_on=TODAY, idempotency_key="k"
    )
    report = reports.portfolio(on=TODAY)
    assert report["loans"] == 2 and report["outstanding"] == "6000.00" and report["par30"] == "100.00"


def test_filters_by_country_and_product(portfolio_loans):
    assert reports.portfolio(on=TODAY, country="GT")["loans"] == 1
    assert reports.portfolio(on=TODAY, product="cacao")["outstanding"] == "3000.00"
    assert reports.portfolio(on=TODAY, product="honey")["loans"] == 0
    assert reports.portfolio(on=TODAY, product="honey")["par30"] == "0.00"


def test_collections_in_a_period(portfolio_loans):
    on_time, late, _ = portfolio_loans
    repayments.repayment_record(
        loan_id=late.pk, by=late.finance, amount="100.00", paid_on=TODAY, idempotency_key="c1"
    )
    result = reports.collections(start=TODAY.replace(day=1), end=TODAY)
    assert (result["repayments"], result["amount"], result["interest"]) == (1, "100.00", "15.00")
    assert reports.collections(start=_ago(400), end=_ago(300))["amount"] == "0.00"


def test_report_api_json_csv_and_xlsx_for_finance_only(
    portfolio_loans, api_as, django_assert_max_num_queries
):
    finance = api_as(staff_user(Role.FINANCE))
    with django_assert_max_num_queries(8):
        response = finance.get("/api/v1/reports/portfolio/?fund=youth-revolving")
    body = response.json()
    assert response.status_code == 200
    assert body["outstanding"] == "9000.00" and body["par30"] == "33.33" and len(body["buckets"]) == 7
    assert body["balances"][0]["fund"] == "youth-revolving"
    assert D(body["balances"][0]["outstanding"]) == D("9000.00")

    as_csv = finance.get("/api/v1/reports/portfolio/?fund=youth-revolving&format=csv")
    assert as_csv.status_code == 200 and as_csv["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.content.decode())))
    assert ["PAR30 (%)", "33.33"] in rows or any(r[-1] == "33.33" for r in rows if r)

    as_xlsx = finance.get("/api/v1/reports/portfolio/?fund=youth-revolving&format=xlsx")
    assert as_xlsx.status_code == 200 and "attachment" in as_xlsx["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert D("9000.00") in values

    assert api_as(staff_user(Role.AUDITOR)).get("/api/v1/reports/portfolio/").status_code == 200
    assert api_as(staff_user(Role.SECRETARIAT)).get("/api/v1/reports/portfolio/").status_code == 403
    assert api_as(portfolio_loans[0].applicant).get("/api/v1/reports/portfolio/").status_code == 403
    unknown = finance.get("/api/v1/reports/portfolio/?fund=nope")
    assert unknown.status_code == 400 and "fund" in unknown.json()


def test_loan_list_query_count_does_not_grow_with_loans(
    portfolio_loans, api_as, django_assert_max_num_queries
):
    finance = api_as(staff_user(Role.FINANCE))
    with django_assert_max_num_queries(4):
        body = finance.get("/api/v1/loans/").json()
    assert body["count"] == 3
    assert {row["outstanding"] for row in body["results"]} == {"3000.00"}


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_refused_spreadsheet_answers_with_a_json_error(file_format, api_as):
    finance = api_as(staff_user(Role.FINANCE))
    response = finance.get(f"/api/v1/reports/portfolio/?on=0001-01-01&format={file_format}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "on" in response.json()
