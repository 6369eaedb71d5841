"""The outcomes report against figures computed by hand."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from organizations.models import ProductCode
from reporting.outcomes import OutcomeFilters, outcomes
from tests.factories import OppUserFactory
from tests.workflow import valid_fields

from .helpers import accept

pytestmark = pytest.mark.django_db

HA = "Hectáreas con riego"


@pytest.fixture
def three_awards(paid_award):
    """Three climate awards of 8,000 USD, each with a baseline of 12 ha:
    A (Honduras, coffee): progress accepted at 20 ha, final accepted at 30 ha with a new indicator
      (trained women producers, 0 → 25); people 40/55/1 by gender, 30/66 by age.
    B (Peru): progress accepted at 15 ha; people 10/10/0, 5/15. Its final report is still due.
    C (Peru): its baseline in another unit (10 mz), progress accepted at 11 mz; people 0/3/0, 3/0.
    """
    a = paid_award("climate-eventuality", applicant=OppUserFactory(organization__country="HN"))
    a.organization.products.add(ProductCode.objects.get(code="coffee"))
    accept(a.project_reports.get(kind="progress"), a,
           indicators=[{"indicator": HA, "unit": "ha", "value": "20"}])
    accept(a.project_reports.get(kind="final"), a,
           people={"women": 40, "men": 55, "other": 1, "youth": 30, "adults": 66},
           indicators=[{"indicator": HA, "unit": "ha", "value": "30"},
                       {"indicator": "Productoras capacitadas", "unit": "personas", "baseline": "0",
                        "value": "25"}])
    b = paid_award("climate-eventuality", applicant=OppUserFactory(organization__country="PE"))
    accept(b.project_reports.get(kind="progress"), b,
           people={"women": 10, "men": 10, "other": 0, "youth": 5, "adults": 15},
           indicators=[{"indicator": HA, "unit": "ha", "value": "15"}])
    fields = valid_fields("climate-eventuality")
    fields["baseline"] = [{"indicator": HA, "value": "10", "unit": "mz"}]
    c = paid_award("climate-eventuality", applicant=OppUserFactory(organization__country="PE"), fields=fields)
    accept(c.project_reports.get(kind="progress"), c,
           people={"women": 0, "men": 3, "other": 0, "youth": 3, "adults": 0},
           indicators=[{"indicator": HA, "unit": "mz", "value": "11"}])
    return a, b, c


def test_all_funds(three_awards):
    data = outcomes(OutcomeFilters())
    assert data["awards"] == 3
    assert data["awarded"] == "24000.00"
    assert data["paid"] == "24000.00"
    assert data["currency"] == "USD"
    assert data["indicators"] == [
        # 12 + 12 → 30 + 15: (45 − 24) ÷ 24 = 87.50 %
        {"indicator": HA, "unit": "ha", "projects": 2, "baseline": "24", "latest": "45",
         "change_percent": "87.50"},
        {"indicator": HA, "unit": "mz", "projects": 1, "baseline": "10", "latest": "11",
         "change_percent": "10.00"},
        # A baseline of zero has no percentage change.
        {"indicator": "Productoras capacitadas", "unit": "personas", "projects": 1, "baseline": "0",
         "latest": "25", "change_percent": None},
    ]
    assert data["people_reached"] == {"women": 50, "men": 68, "other": 1, "youth": 38, "adults": 81}


def test_by_country_product_and_year(three_awards):
    peru = outcomes(OutcomeFilters(country="PE"))
    assert peru["awards"] == 2
    assert peru["indicators"][0] == {"indicator": HA, "unit": "ha", "projects": 1, "baseline": "12",
                                     "latest": "15", "change_percent": "25.00"}
    coffee = outcomes(OutcomeFilters(product="coffee"))
    assert coffee["awards"] == 1
    assert coffee["people_reached"] == {"women": 40, "men": 55, "other": 1, "youth": 30, "adults": 66}
    this_year = timezone.localdate().year
    assert outcomes(OutcomeFilters(year=this_year))["awards"] == 3
    nothing = outcomes(OutcomeFilters(year=this_year - 1, fund="climate-eventuality"))
    assert nothing["awards"] == 0 and nothing["awarded"] == "0.00" and nothing["indicators"] == []
    assert outcomes(OutcomeFilters(fund="catastrophic-events"))["awards"] == 0


def test_the_api_for_staff_and_auditors_only(api_as, three_awards):
    a, _b, _c = three_awards
    staff = api_as(a.cast.secretariat)
    response = staff.get("/api/v1/reports/outcomes/?country=PE")
    assert response.status_code == 200
    assert response.json()["indicators"][0]["change_percent"] == "25.00"
    assert api_as(a.applicant).get("/api/v1/reports/outcomes/").status_code == 403
    for bad in ("fund=nope", "year=20x6", "country=ZZ", "product=tea"):
        assert staff.get(f"/api/v1/reports/outcomes/?{bad}").status_code == 400, bad


def test_downloads(api_as, three_awards):
    a, _b, _c = three_awards
    staff = api_as(a.cast.secretariat)
    csv = staff.get("/api/v1/reports/outcomes/?format=csv")
    assert csv.status_code == 200
    assert "attachment" in csv["Content-Disposition"]
    assert f"{HA},ha,2,24,45,87.50" in csv.content.decode()
    xlsx = staff.get("/api/v1/reports/outcomes/?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [HA, "ha", 2, 24, 45, 87.5] in rows


def test_a_later_accepted_report_replaces_the_earlier_value(three_awards):
    a, _b, _c = three_awards
    hectares = [row for row in outcomes(OutcomeFilters(country="HN"))["indicators"] if row["unit"] == "ha"]
    assert hectares == [{"indicator": HA, "unit": "ha", "projects": 1, "baseline": "12", "latest": "30",
                         "change_percent": "150.00"}]
