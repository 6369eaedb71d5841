"""Malformed money, negative amounts, dates out of range and unknown fund codes, sent to every endpoint
that takes them: each is a 400 whose body names the field, and nothing changes.

The tables below are the whole list; ``BAD_INPUTS_TRIED`` counts them (the report quotes that figure).
"""

import copy
import datetime
import json

import pytest
from django.utils import timezone

from applications.models import Application, InformationRequest, TransitionLog
from disbursements.models import Disbursement, Loan, Repayment
from disbursements.services import disbursements as tranches
from funds.models import LedgerEntry
from organizations.choices import Role
from tests.factories import staff_user
from tests.workflow import approved_on, drive, review_all, valid_fields

pytestmark = pytest.mark.django_db

MONEY = ["abc", "-5", "1e309", "NaN", "12.345", "99999999999999999"]
WHOLE = ["abc", "-5", "1e309", "NaN", "12.345", "99999999999999999"]
DATES = ["abc", "2026-13-45", "0001-01-01", "9999-12-31"]

TODAY = timezone.localdate()
YESTERDAY = (TODAY - datetime.timedelta(days=1)).isoformat()
TOMORROW = (TODAY + datetime.timedelta(days=1)).isoformat()
TEN_YEARS_AHEAD = TODAY.replace(year=TODAY.year + 10).isoformat()

# (fund, field path, values): a path "members.0.birth_date" is a field inside a list in the body.
APPLICATION_FIELDS = [
    ("youth-revolving", "requested_amount", MONEY),
    ("youth-revolving", "term_months", WHOLE),
    ("youth-revolving", "members.0.birth_date", [*DATES, TOMORROW]),
    ("certification-subsidy", "invoice_amount", MONEY),
    ("climate-eventuality", "requested_amount", MONEY),
    ("climate-eventuality", "project_end_date", [*DATES, YESTERDAY]),
    ("catastrophic-events", "reference_price", MONEY),
    ("catastrophic-events", "event_start", [*DATES, TOMORROW]),
    ("catastrophic-events", "event_end", [*DATES, TOMORROW]),
    # Volumes are weighed to the gram (three decimals): four is too many.
    ("catastrophic-events", "season_productions.0.volume",
     ["abc", "-5", "1e309", "NaN", "12.3456", "99999999999999999"]),
]

APPROVE_FIELDS = [
    ("climate-eventuality", "amount", MONEY),
    ("youth-revolving", "amount", MONEY),
    ("youth-revolving", "annual_interest_rate", [v for v in MONEY if v != "12.345"] + ["12.34567"]),
    ("youth-revolving", "term_months", WHOLE),
]
RESPOND_BY = [*DATES, YESTERDAY, TEN_YEARS_AHEAD]
PAY_FIELDS = [
    ("paid_on", [*DATES, TOMORROW, "1899-12-31"]),
    ("amount", MONEY),
    ("exchange_rate", ["abc", "-5", "1e309", "NaN", "0", "99999999999999999"]),
]
REPAYMENT_FIELDS = [
    ("amount", MONEY),
    ("paid_on", [*DATES, TOMORROW, "1900-01-01", "2200-01-01"]),
]
REPORT_FIELDS = [("on", DATES), ("from", DATES), ("to", DATES)]
UNKNOWN_FUNDS = ["nope", "YOUTH-REVOLVING", "youth_revolving", "' OR 1=1 --"]

BAD_INPUTS_TRIED = (
    2 * sum(len(values) for _, _, values in APPLICATION_FIELDS)  # create and patch
    + sum(len(values) for _, _, values in APPROVE_FIELDS)
    + len(RESPOND_BY)
    + sum(len(values) for _, values in PAY_FIELDS)
    + sum(len(values) for _, values in REPAYMENT_FIELDS)
    + sum(len(values) for _, values in REPORT_FIELDS)
    + 4 * len(UNKNOWN_FUNDS)  # create, applications list, disbursements list, portfolio report
)


def with_value(body: dict, path: str, value) -> dict:
    body = copy.deepcopy(body)
    *parents, name = path.split(".")
    target = body
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[name] = value
    return body


def top_field(path: str) -> str:
    return path.split(".")[0]


def names_the_field(response, path: str) -> bool:
    """The error body names the field: at the top level, or inside the list item it belongs to."""
    try:
        errors = response.json()
    except ValueError:
        return False
    *_, leaf = path.split(".")
    return isinstance(errors, dict) and top_field(path) in errors and leaf in json.dumps(errors)


def assert_all_refused(outcomes):
    """Each outcome is a 400 naming the field; the message lists those that were not."""
    accepted = [f"{what}={value!r}: {status} {body[:300]}" for what, value, status, body, ok in outcomes
                if not ok]
    assert not accepted, "\n".join(accepted)


def outcome(what, value, response, path):
    body = response.content.decode(errors="replace")
    return (what, value, response.status_code, body, response.status_code == 400 and names_the_field(
        response, path))


def ledger_snapshot():
    return LedgerEntry.objects.count()


# Applications: create and patch ----------------------------------------------------------------------


@pytest.mark.parametrize(("fund_code", "path", "values"), APPLICATION_FIELDS,
                         ids=[f"{f}:{p}" for f, p, _ in APPLICATION_FIELDS])
def test_application_create_refuses_bad_field_values(api_as, fund_code, path, values):
    owner = drive(fund_code=fund_code, to="draft")
    client = api_as(owner.applicant)
    before = Application.objects.count()
    outcomes = []
    for value in values:
        body = {"fund": fund_code, "organization": owner.organization_id,
                **with_value(valid_fields(fund_code), path, value)}
        response = client.post("/api/v1/applications/", body, format="json")
        outcomes.append(outcome("create", value, response, path))
    assert_all_refused(outcomes)
    assert Application.objects.count() == before


@pytest.mark.parametrize(("fund_code", "path", "values"), APPLICATION_FIELDS,
                         ids=[f"{f}:{p}" for f, p, _ in APPLICATION_FIELDS])
def test_application_patch_refuses_bad_field_values(api_as, fund_code, path, values):
    application = drive(fund_code=fund_code, to="draft")
    client = api_as(application.applicant)
    data_before, updated_before = application.data, application.updated_at
    outcomes = []
    for value in values:
        field = top_field(path)
        body = {field: with_value(valid_fields(fund_code), path, value)[field]}
        response = client.patch(f"/api/v1/applications/{application.pk}/", body, format="json")
        outcomes.append(outcome("patch", value, response, path))
    assert_all_refused(outcomes)
    application.refresh_from_db()
    assert application.data == data_before
    assert application.updated_at == updated_before


@pytest.mark.parametrize("fund_code", ["nope", *UNKNOWN_FUNDS[1:]])
def test_unknown_fund_codes_are_a_400_naming_fund(api_as, fund_code):
    owner = drive(fund_code="climate-eventuality", to="draft")
    finance = staff_user(Role.FINANCE)
    before = Application.objects.count()
    create = api_as(owner.applicant).post(
        "/api/v1/applications/",
        {"fund": fund_code, "organization": owner.organization_id, **valid_fields("climate-eventuality")},
        format="json",
    )
    lists = [
        api_as(owner.applicant).get("/api/v1/applications/", {"fund": fund_code}),
        api_as(finance).get("/api/v1/disbursements/", {"fund": fund_code}),
    ]
    outcomes = [outcome("create", fund_code, create, "fund")]
    outcomes += [outcome(r.wsgi_request.path, fund_code, r, "fund") for r in lists]
    assert_all_refused(outcomes)
    report = api_as(finance).get("/api/v1/reports/portfolio/", {"fund": fund_code})
    assert report.status_code == 400 and "fund" in report.json()
    assert Application.objects.count() == before


# Transitions -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fund_code", "field", "values"), APPROVE_FIELDS,
                         ids=[f"{f}:{p}" for f, p, _ in APPROVE_FIELDS])
def test_approve_refuses_bad_terms(api_as, fund_code, field, values):
    application = drive(fund_code=fund_code, to="committee_review")
    review_all(application, application.cast)
    client = api_as(application.cast.chair)
    entries = ledger_snapshot()
    outcomes = []
    for value in values:
        body = {"amount": "1000.00", "reason": "Cumple.", field: value}
        response = client.post(f"/api/v1/applications/{application.pk}/approve/", body, format="json")
        outcomes.append(outcome("approve", value, response, field))
    assert_all_refused(outcomes)
    application.refresh_from_db()
    assert application.status == "committee_review"
    assert application.approved_amount is None
    assert ledger_snapshot() == entries


def test_request_information_refuses_a_deadline_in_the_past_or_years_ahead(api_as):
    application = drive(fund_code="climate-eventuality", to="submitted")
    secretariat = application.cast.secretariat
    api_as(secretariat).post(f"/api/v1/applications/{application.pk}/start_screening/")
    client = api_as(secretariat)
    logs = TransitionLog.objects.filter(application=application).count()
    outcomes = []
    for value in RESPOND_BY:
        response = client.post(f"/api/v1/applications/{application.pk}/request_information/",
                               {"message": "Falta el presupuesto.", "respond_by": value}, format="json")
        outcomes.append(outcome("request_information", value, response, "respond_by"))
    assert_all_refused(outcomes)
    application.refresh_from_db()
    assert application.status == "screening"
    assert TransitionLog.objects.filter(application=application).count() == logs
    assert not InformationRequest.objects.filter(application=application).exists()


# Finance ---------------------------------------------------------------------------------------------


def approved_disbursement(fund_code="catastrophic-events"):
    application = drive(fund_code=fund_code, to="conditions_accepted", amount="1000.00")
    disbursement = Disbursement.objects.get(application=application)
    tranches.disbursement_approve(disbursement_id=disbursement.pk, by=application.cast.treasurer)
    disbursement.finance = application.cast.finance
    return disbursement


@pytest.mark.parametrize(("field", "values"), PAY_FIELDS, ids=[f for f, _ in PAY_FIELDS])
def test_disbursement_pay_refuses_bad_values(api_as, field, values):
    disbursement = approved_disbursement()
    client = api_as(disbursement.finance)
    entries = ledger_snapshot()
    outcomes = []
    for value in values:
        body = {"paid_on": TODAY.isoformat(), "reference": "TRF-9", "currency": "HNL",
                "exchange_rate": "24.60", field: value}
        response = client.post(f"/api/v1/disbursements/{disbursement.pk}/pay/", body, format="json")
        outcomes.append(outcome("pay", value, response, field))
    assert_all_refused(outcomes)
    disbursement.refresh_from_db()
    assert disbursement.status == "approved"
    assert ledger_snapshot() == entries


@pytest.mark.parametrize(("field", "values"), REPAYMENT_FIELDS, ids=[f for f, _ in REPAYMENT_FIELDS])
def test_loan_repayment_refuses_bad_values(api_as, field, values):
    application = drive(fund_code="youth-revolving", to="conditions_accepted", amount="3000.00", terms={
        "annual_interest_rate": "6", "term_months": 12, "repayment_frequency": "monthly"})
    finance = application.cast.finance
    disbursement = Disbursement.objects.get(application=application)
    approved_on(application, TODAY - datetime.timedelta(days=10))
    tranches.disbursement_approve(disbursement_id=disbursement.pk, by=application.cast.treasurer)
    tranches.disbursement_pay(disbursement_id=disbursement.pk, by=finance,
                                           paid_on=TODAY - datetime.timedelta(days=10), reference="TRF-1")
    loan = Loan.objects.get(application=application)
    client = api_as(finance)
    entries = ledger_snapshot()
    outcomes = []
    for number, value in enumerate(values):
        body = {"amount": "100.00", "paid_on": TODAY.isoformat(), "reference": "R-1", field: value}
        response = client.post(f"/api/v1/loans/{loan.pk}/repayments/", body, format="json",
                               HTTP_IDEMPOTENCY_KEY=f"bad-{field}-{number}")
        outcomes.append(outcome("repayment", value, response, field))
    assert_all_refused(outcomes)
    assert not Repayment.objects.filter(loan=loan).exists()
    assert ledger_snapshot() == entries


@pytest.mark.parametrize(("field", "values"), REPORT_FIELDS, ids=[f for f, _ in REPORT_FIELDS])
def test_portfolio_report_refuses_bad_dates(api_as, field, values):
    client = api_as(staff_user(Role.FINANCE))
    outcomes = []
    for value in values:
        response = client.get("/api/v1/reports/portfolio/", {"fund": "youth-revolving", field: value})
        outcomes.append(outcome("report", value, response, field))
    assert_all_refused(outcomes)
