"""The donor report through the API and the page, and the donor role: its own donor only, aggregated,
no one named, everything else not found."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from disbursements.models import Loan
from disbursements.services import repayments
from donors import services
from organizations.choices import Role
from reporting.models import ProjectReport
from tests.disbursements.conftest import TERMS
from tests.factories import OppUserFactory, UserFactory, staff_user
from tests.workflow import drive

from .conftest import D, contribute, days_ago, pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(donor, administrator):
    """The donor paid for a youth loan (partly repaid, and the repayment lent again) and a climate award."""
    youth = contribute(donor, "youth-revolving", "3000.00", days=500)
    climate = contribute(donor, "climate-eventuality", "10000.00", days=500, purpose="adaptation")
    loan_award = drive(fund_code="youth-revolving", to="conditions_accepted", amount="3000.00", terms=TERMS)
    pay(loan_award, paid_on=days_ago(60))
    loan = Loan.objects.get(application=loan_award)
    repayment, _ = repayments.repayment_record(loan_id=loan.pk, by=loan_award.cast.finance,
                                               amount="1200.00", paid_on=days_ago(1), idempotency_key="r-1")
    relent = drive(fund_code="youth-revolving", to="conditions_accepted", amount="500.00", terms=TERMS)
    pay(relent)
    grant = drive(fund_code="climate-eventuality", to="conditions_accepted", amount="4000.00")
    pay(grant)
    ProjectReport.objects.create(application=grant, kind="final", status="accepted", counts_people=True,
                                 people_women=12, people_men=9, people_other=1, people_youth=7,
                                 people_adults=15)
    other = services.donor_create(name="Otra Cooperación", identifier="XM-OTHER", country="ES",
                                  by=administrator)
    reader = UserFactory(language="en")
    services.donor_reader_add(donor_id=donor.pk, user=reader, by=administrator)
    return {"donor": donor, "youth": youth, "climate": climate, "loan": loan, "repayment": repayment,
            "grant": grant, "loan_award": loan_award, "other": other, "reader": reader}


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_donor_sees_its_own_donor_and_report_only(donor, funded):
    client = api(funded["reader"])
    listed = client.get("/api/v1/donors/")
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [donor.pk]
    assert client.get(f"/api/v1/donors/{funded['other'].pk}/report/").status_code == 404

    response = client.get(f"/api/v1/donors/{donor.pk}/report/")
    assert response.status_code == 200
    report = response.json()
    by_fund = {row["fund"]: row for row in report["contributions"]}
    youth, climate = by_fund["youth-revolving"], by_fund["climate-eventuality"]
    principal = funded["repayment"].principal
    relent = min(principal, D("500.00"))
    assert youth["amount"] == "3000.00" and youth["currency"] == "USD" and youth["restricted_to"] is None
    assert youth["received_on"] == days_ago(500).isoformat()
    assert D(youth["repaid"]) == principal
    assert D(youth["disbursed"]) == D("3000.00") + relent and D(youth["relent"]) == relent
    assert D(youth["available"]) == principal - relent and youth["committed"] == "0.00"
    assert climate["restricted_to"] == "adaptation"
    assert (climate["disbursed"], climate["available"]) == ("4000.00", "6000.00")
    country = funded["grant"].organization.country
    assert climate["funded"] == [{"fund": "climate-eventuality", "country": country, "year": days_ago(0).year,
                                  "awards": 1, "disbursed": "4000.00"}]
    assert report["people_reached"] == {"women": 12, "men": 9, "other": 1, "youth": 7, "adults": 15}
    totals = {row["fund"]: row for row in report["funds"]}
    assert totals["youth-revolving"]["repaid"] == youth["repaid"]

    body = response.content.decode()
    application = funded["loan_award"]
    for member in application.data["members"]:
        assert member["name"] not in body and member["birth_date"] not in body
    assert application.organization.legal_name not in body
    assert application.reference not in body


@pytest.mark.parametrize("path", [
    "/api/v1/applications/", "/api/v1/funds/", "/api/v1/organizations/", "/api/v1/disbursements/",
    "/api/v1/loans/", "/api/v1/exports/iati.xml", "/api/v1/reports/outcomes/", "/api/v1/project-reports/",
    "/api/v1/audit/history/", "/api/v1/funds/youth-revolving/ledger/",
])
def test_everything_else_is_not_found_for_the_donor(donor, administrator, path):
    reader = UserFactory()
    services.donor_reader_add(donor_id=donor.pk, user=reader, by=administrator)
    assert api(reader).get(path).status_code == 404


def test_the_donors_documents_and_applications_stay_hidden(funded):
    application = funded["loan_award"]
    client = api(funded["reader"])
    assert client.get(f"/api/v1/applications/{application.pk}/").status_code == 404
    assert client.get(f"/api/v1/applications/{application.pk}/documents/").status_code == 404
    assert client.post(f"/api/v1/donors/{funded['donor'].pk}/report/", {}, format="json").status_code == 405


@pytest.mark.parametrize("role, sees", [
    (Role.ADMINISTRATOR, 2), (Role.SECRETARIAT, 2), (Role.AUDITOR, 2), (Role.FINANCE, 2),
])
def test_staff_see_every_donor(funded, role, sees):
    response = api(staff_user(role)).get("/api/v1/donors/?ordering=name")
    assert response.status_code == 200 and response.json()["count"] == sees


def test_others_may_not_read_donors(funded):
    assert api(OppUserFactory()).get("/api/v1/donors/").status_code == 403
    member = staff_user(Role.COMMITTEE_MEMBER, "youth-revolving")
    assert api(member).get("/api/v1/donors/").status_code == 403
    assert APIClient().get("/api/v1/donors/").status_code == 401


def test_searching_donors(funded):
    client = api(staff_user(Role.AUDITOR))
    found = client.get("/api/v1/donors/?search=otra").json()["results"]
    assert [row["identifier"] for row in found] == ["XM-OTHER"]


def test_the_donor_role_is_not_clac_staff(donor, administrator):
    from organizations.access import access_for

    reader = UserFactory()
    services.donor_reader_add(donor_id=donor.pk, user=reader, by=administrator)
    reader = type(reader).objects.get(pk=reader.pk)
    access = access_for(reader)
    assert access.is_donor and not access.is_clac_staff and not access.sees_everything


@pytest.mark.parametrize("language, heading, lent_again", [
    ("en", "Donor report", "Lent again"), ("es", "Informe del donante", "Prestado de nuevo"),
    ("pt", "Relatório do doador", "Emprestado novamente"), ("fr", "Rapport du donateur", "Prêté à nouveau"),
])
def test_the_report_page_in_four_languages(funded, language, heading, lent_again):
    reader = funded["reader"]
    reader.language = language
    reader.save(update_fields=["language"])
    client = Client()
    client.force_login(reader)
    home = client.get("/")
    assert home.status_code == 302 and home["Location"] == reverse("donor-report-own")
    page = client.get(reverse("donor-report-own"))
    assert page.status_code == 200
    text = page.content.decode()
    assert heading in text and lent_again in text
    for member in funded["loan_award"].data["members"]:
        assert member["name"] not in text
    assert client.get("/applications/").status_code == 404
    assert client.get(reverse("donor-report", args=[funded["other"].pk])).status_code == 404
    assert client.get(reverse("donors")).status_code == 404


def test_staff_open_any_donors_report_page(funded, donor):
    auditor = staff_user(Role.AUDITOR, language="en")
    client = Client()
    client.force_login(auditor)
    listing = client.get(reverse("donors"))
    assert listing.status_code == 200 and donor.name in listing.content.decode()
    page = client.get(reverse("donor-report", args=[donor.pk]))
    assert page.status_code == 200 and "Lent again" in page.content.decode()
    assert client.get(reverse("donor-report-own")).status_code == 404
