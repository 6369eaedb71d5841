"""The open-data exports against the official 360Giving JSON schema and IATI 2.03 XSD (vendored in
``opendata/standards/``), plus the IATI rules the XSD does not check, who may read them and their cache."""

import csv
import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from jsonschema import Draft202012Validator
from lxml import etree
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from rest_framework.test import APIClient

from disbursements.models import Disbursement, Loan
from disbursements.services import disbursements as tranches
from disbursements.services import repayments
from funds.models import LedgerTransaction
from opendata import cache as opendata_cache
from opendata import selectors
from opendata.exports import GIVING_CSV_COLUMNS
from organizations.choices import Role
from tests.disbursements.conftest import paid_loan
from tests.factories import OppUserFactory, staff_user
from tests.workflow import drive

STANDARDS = Path(__file__).resolve().parents[2] / "opendata" / "standards"
IATI_NS_XML = "{http://www.w3.org/XML/1998/namespace}"

pytestmark = pytest.mark.django_db


def giving_validator() -> Draft202012Validator:
    """The package schema, with the grant schema registered under the URL the package refers to."""
    package = json.loads((STANDARDS / "360-giving-package-schema.json").read_text())
    grant = json.loads((STANDARDS / "360-giving-schema.json").read_text())
    grant_resource = Resource.from_contents(grant, default_specification=DRAFT202012)
    registry = Registry().with_resources([
        (package["properties"]["grants"]["items"]["$ref"], grant_resource),
        (grant["$id"], grant_resource),
    ])
    Draft202012Validator.check_schema(package)
    checker = Draft202012Validator.FORMAT_CHECKER
    return Draft202012Validator(package, registry=registry, format_checker=checker)


def iati_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(STANDARDS / "iati-activities-schema.xsd")))


def _pay(application):
    disbursement = Disbursement.objects.get(application=application)
    tranches.disbursement_approve(disbursement_id=disbursement.pk, by=application.cast.treasurer)
    tranches.disbursement_pay(disbursement_id=disbursement.pk, by=application.cast.finance,
                              paid_on=timezone.localdate(), reference="TRF-OD")


@pytest.fixture
def awards(db):
    cache.clear()
    loan = paid_loan(paid_on=timezone.localdate() - datetime.timedelta(days=45))
    repayments.repayment_record(loan_id=loan.pk, by=loan.finance, amount="120.00",
                                paid_on=timezone.localdate(), reference="REC-OD", idempotency_key="od-1")
    subsidy = drive(fund_code="certification-subsidy", to="conditions_accepted")
    _pay(subsidy)
    climate = drive(fund_code="climate-eventuality", to="approved", amount="5000.00")
    pending = drive(fund_code="catastrophic-events", to="committee_review")
    return {"loan": loan, "subsidy": subsidy, "climate": climate, "pending": pending}


def _get(user, path):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client.get(path)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def auditor(db):
    return staff_user(Role.AUDITOR)


def test_grant_funds_are_the_funds_that_do_not_lend():
    assert sorted(selectors.grant_fund_codes()) == ["catastrophic-events", "certification-subsidy",
                                                     "climate-eventuality"]


def test_360giving_package_validates_and_holds_only_awarded_grants(awards, auditor, settings):
    settings.FONDOS_OPEN_DATA_PREFIX = "360G-testclac"
    response = _get(auditor, "/api/v1/exports/360giving.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.streaming
    body = _body(response)
    package = json.loads(body)
    errors = sorted(giving_validator().iter_errors(package), key=str)
    assert errors == [], [error.message for error in errors]

    by_id = {grant["id"]: grant for grant in package["grants"]}
    subsidy, climate = awards["subsidy"], awards["climate"]
    assert set(by_id) == {f"360G-testclac-{subsidy.reference}", f"360G-testclac-{climate.reference}"}
    assert by_id[f"360G-testclac-{climate.reference}"]["amountAwarded"] == 5000
    grant = by_id[f"360G-testclac-{subsidy.reference}"]
    assert grant["recipientOrganization"][0]["id"].startswith("360G-testclac-")
    assert grant["recipientOrganization"][0]["name"] == subsidy.organization.legal_name
    assert Decimal(str(grant["amountAwarded"])) == subsidy.approved_amount
    assert grant["awardDate"] == timezone.localdate(subsidy.decided_at).isoformat()
    # The loan is not a grant, and no individual appears.
    assert awards["loan"].application.reference not in body.decode()
    for member in awards["loan"].application.data["members"]:
        assert member["name"] not in body.decode()
        assert member["birth_date"] not in body.decode()


def test_the_validator_checks_formats_and_required_fields():
    grant = {
        "id": "360G-x-1", "title": "t", "description": "d", "currency": "USD", "amountAwarded": 1,
        "awardDate": "2026-01-05", "recipientOrganization": [{"id": "360G-x-o", "name": "o"}],
        "fundingOrganization": [{"id": "XM-x", "name": "f"}],
    }
    validator = giving_validator()
    assert list(validator.iter_errors({"version": "1.4", "grants": [grant]})) == []
    # Only the date-time format can reject this date (it does not match the date pattern anyway).
    impossible = {**grant, "awardDate": "2026-02-30T10:00:00Z"}
    assert list(validator.iter_errors({"version": "1.4", "grants": [impossible]}))
    possible = {**grant, "awardDate": "2026-02-03T10:00:00Z"}
    assert list(validator.iter_errors({"version": "1.4", "grants": [possible]})) == []
    without_funder = {key: value for key, value in grant.items() if key != "fundingOrganization"}
    assert list(validator.iter_errors({"version": "1.4", "grants": [without_funder]}))


def test_360giving_csv_has_the_same_grants(awards, auditor):
    response = _get(auditor, "/api/v1/exports/360giving.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(_body(response).decode())))
    package = json.loads(_body(_get(auditor, "/api/v1/exports/360giving.json")))
    assert sorted(row["Identifier"] for row in rows) == sorted(grant["id"] for grant in package["grants"])
    amounts = {row["Identifier"]: row["Amount Awarded"] for row in rows}
    for grant in package["grants"]:
        assert Decimal(amounts[grant["id"]]) == Decimal(str(grant["amountAwarded"]))


def test_iati_file_validates_against_the_xsd_and_iati_rules(awards, auditor, settings):
    settings.FONDOS_IATI_ORGANISATION_ID = "XM-TEST-CLAC"
    response = _get(auditor, "/api/v1/exports/iati.xml")
    assert response.status_code == 200
    document = etree.fromstring(_body(response))
    schema = iati_schema()
    assert schema.validate(document), schema.error_log

    activities = document.findall("iati-activity")
    references = {awards[name].reference if name != "loan" else awards["loan"].application.reference
                  for name in ("loan", "subsidy", "climate")}
    assert {a.findtext("iati-identifier") for a in activities} == {f"XM-TEST-CLAC-{r}" for r in references}
    today = timezone.localdate().isoformat()
    for activity in activities:
        reporter = activity.find("reporting-org").get("ref")
        assert reporter == "XM-TEST-CLAC"
        assert activity.findtext("iati-identifier").startswith(f"{reporter}-")
        for element in activity.iter():
            for attribute in ("iso-date", "value-date"):
                if element.get(attribute):
                    assert element.get(attribute) <= today, (element.tag, element.get(attribute))
        assert activity.get("last-updated-datetime")[:10] <= today

    loan = Loan.objects.get(pk=awards["loan"].pk)
    loan_activity = next(a for a in activities
                         if a.findtext("iati-identifier").endswith(loan.application.reference))
    kinds = [t.find("transaction-type").get("code") for t in loan_activity.findall("transaction")]
    assert kinds[:2] == ["2", "3"]
    assert "6" in kinds and "5" in kinds
    repayment = loan.repayments.get()
    values = {t.find("transaction-type").get("code"): Decimal(t.findtext("value"))
              for t in loan_activity.findall("transaction")}
    assert values["6"] == repayment.principal and values["5"] == repayment.interest
    status = loan_activity.find("crs-add/loan-status")
    on = timezone.localdate()
    figures = selectors.loans_by_application([loan.application_id], on=on)[loan.application_id]
    assert Decimal(status.findtext("principal-outstanding")) == figures.principal_owed > 0
    assert Decimal(status.findtext("principal-arrears")) == figures.principal_arrears
    assert Decimal(status.findtext("interest-received")) == repayment.interest
    assert loan_activity.find("crs-add/loan-terms").get("rate-1") == str(loan.annual_interest_rate)
    subsidy_activity = next(a for a in activities
                            if a.findtext("iati-identifier").endswith(awards["subsidy"].reference))
    assert subsidy_activity.find("default-finance-type").get("code") == "110"
    assert subsidy_activity.find("crs-add") is None
    for member in loan.application.data["members"]:
        assert member["name"].encode() not in etree.tostring(document, encoding="utf-8")


def test_an_activity_dated_in_the_future_would_be_caught(awards, auditor):
    document = etree.fromstring(_body(_get(auditor, "/api/v1/exports/iati.xml")))
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert all(e.get("iso-date", "") < tomorrow for e in document.iter())


@pytest.mark.parametrize("role, status", [
    (None, 401), ("opp", 403), (Role.COMMITTEE_MEMBER, 403),
    (Role.SECRETARIAT, 200), (Role.FINANCE, 200), (Role.AUDITOR, 200), (Role.ADMINISTRATOR, 200),
])
@pytest.mark.parametrize("path", ["/api/v1/exports/360giving.json", "/api/v1/exports/360giving.csv",
                                  "/api/v1/exports/iati.xml"])
def test_who_may_read_the_exports(db, role, status, path):
    if role is None:
        user = None
    elif role == "opp":
        user = OppUserFactory()
    else:
        user = staff_user(role, "catastrophic-events" if role == Role.COMMITTEE_MEMBER else None)
    if status == 200 and not path.endswith(".csv"):
        status = 204  # nothing awarded yet: no package, no activity file
    assert _get(user, path).status_code == status


def test_queries_do_not_grow_with_the_number_of_awards(awards, auditor):
    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            _body(_get(auditor, "/api/v1/exports/iati.xml"))
        return len(captured)

    queries()  # the first request also reads the caller's roles
    before = queries()
    drive(fund_code="climate-eventuality", to="approved", amount="4000.00")
    paid_loan(paid_on=timezone.localdate() - datetime.timedelta(days=10))
    assert queries() == before


def test_cached_until_the_next_award_or_payment(awards, auditor):
    first = _body(_get(auditor, "/api/v1/exports/360giving.json"))
    with CaptureQueriesContext(connection) as captured:
        again = _body(_get(auditor, "/api/v1/exports/360giving.json"))
    assert again == first
    assert not any("applications_application" in query["sql"] for query in captured.captured_queries)

    award = drive(fund_code="catastrophic-events", to="approved", amount="1000.00")
    after_award = json.loads(_body(_get(auditor, "/api/v1/exports/360giving.json")))
    assert any(grant["id"].endswith(award.reference) for grant in after_award["grants"])

    iati_before = _body(_get(auditor, "/api/v1/exports/iati.xml"))
    _pay(_accepted(award))
    iati_after = _body(_get(auditor, "/api/v1/exports/iati.xml"))
    assert iati_after != iati_before
    paid = b'<transaction-type code="3"/>'
    assert iati_after.count(paid) == iati_before.count(paid) + 1


def _accepted(application):
    from applications import services

    services.application_accept_conditions(application_id=application.pk, by=application.applicant)
    return application


def test_with_nothing_awarded_the_files_that_need_a_record_answer_204(auditor):
    cache.clear()
    drive(fund_code="catastrophic-events", to="committee_review")
    # The standards forbid an empty file: a package needs a grant, an activity file an activity.
    assert list(giving_validator().iter_errors({"version": "1.4", "grants": []}))
    document = etree.fromstring(b'<iati-activities version="2.03" generated-datetime="2026-01-05T10:00:00"/>')
    assert not iati_schema().validate(document)
    for path in ("/api/v1/exports/360giving.json", "/api/v1/exports/iati.xml"):
        response = _get(auditor, path)
        assert response.status_code == 204, path
        assert response.content == b""
    table = _get(auditor, "/api/v1/exports/360giving.csv")
    assert table.status_code == 200
    rows = list(csv.reader(io.StringIO(_body(table).decode())))
    assert rows == [list(GIVING_CSV_COLUMNS)]


def test_the_first_grant_makes_a_valid_package(auditor, django_capture_on_commit_callbacks):
    cache.clear()
    assert _get(auditor, "/api/v1/exports/360giving.json").status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        award = drive(fund_code="climate-eventuality", to="approved", amount="2000.00")
    package = json.loads(_body(_get(auditor, "/api/v1/exports/360giving.json")))
    assert [grant["id"] for grant in package["grants"]] == [f"360G-CLAC-{award.reference}"]
    assert list(giving_validator().iter_errors(package)) == []


def test_an_award_or_a_payment_bumps_the_generation_once_committed(django_capture_on_commit_callbacks):
    cache.clear()
    first = opendata_cache.generation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        award = drive(fund_code="certification-subsidy", to="conditions_accepted")
    assert opendata_cache.generation() == first  # nothing yet: the transaction has not committed
    for callback in callbacks:
        callback()
    after_award = opendata_cache.generation()
    assert after_award > first
    with django_capture_on_commit_callbacks(execute=True):
        _pay(award)
    assert opendata_cache.generation() > after_award
    # A lost generation starts a new one, never a number already used.
    cache.delete(opendata_cache.GENERATION_KEY)
    assert opendata_cache.generation() not in (first, after_award)


def test_closing_an_award_refreshes_the_files_without_moving_money(
        auditor, django_capture_on_commit_callbacks):
    from applications import services

    cache.clear()
    award = drive(fund_code="certification-subsidy", to="conditions_accepted")
    _pay(award)  # (the reports it owes are created after the commit, which never comes here)

    def status():
        document = etree.fromstring(_body(_get(auditor, "/api/v1/exports/iati.xml")))
        activity = next(a for a in document.findall("iati-activity")
                        if a.findtext("iati-identifier").endswith(award.reference))
        return activity.find("activity-status").get("code")

    assert status() == "2"
    transactions = LedgerTransaction.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_close(application_id=award.pk, by=None, reason="Cerrado")
    assert LedgerTransaction.objects.count() == transactions  # no money moved
    assert status() == "4"
