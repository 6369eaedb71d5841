"""Tranches of a loan (grace and method kept, overdue instalments never folded silently), short
payments (the remainder released or kept, explicitly) and separation of duties (who approves a
disbursement does not pay it, unless the fund relaxes it; the history says who did which)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from disbursements.models import Disbursement, Loan
from funds.ledger import fund_balances
from funds.models import LedgerTransaction
from tests.workflow import approved_on, drive, relax_separation_of_duties

pytestmark = pytest.mark.django_db
D = Decimal
YOUTH = "youth-revolving"


def _today():
    return timezone.localdate()


def _loan_in_two_tranches(api_as, *, terms, first_paid_on):
    application = drive(fund_code=YOUTH, to="conditions_accepted", amount="3000.00", terms=terms)
    approved_on(application, first_paid_on)
    approver, payer = api_as(application.cast.treasurer), api_as(application.cast.finance)
    first = Disbursement.objects.get(application=application)
    split = {"amounts": ["2000.00", "1000.00"]}
    assert approver.post(f"/api/v1/disbursements/{first.pk}/split/", split, format="json").status_code == 201
    second = Disbursement.objects.get(application=application, tranche=2)
    for tranche in (first, second):
        assert approver.post(f"/api/v1/disbursements/{tranche.pk}/approve/").status_code == 200
    paid = payer.post(f"/api/v1/disbursements/{first.pk}/pay/",
                      {"paid_on": first_paid_on.isoformat(), "reference": "T1"}, format="json")
    assert paid.status_code == 200, paid.json()
    return application, payer, second


def test_a_second_tranche_keeps_the_approved_grace_and_schedule_method(api_as):
    terms = {"annual_interest_rate": "6", "term_months": 12, "grace_months": 3,
             "repayment_frequency": "monthly", "schedule_method": "equal_principal"}
    application, payer, second = _loan_in_two_tranches(
        api_as, terms=terms, first_paid_on=_today() - datetime.timedelta(days=20)
    )

    response = payer.post(f"/api/v1/disbursements/{second.pk}/pay/",
                          {"paid_on": _today().isoformat(), "reference": "T2"}, format="json")

    assert response.status_code == 200, response.json()
    loan = Loan.objects.get(application=application)
    rows = list(loan.instalments.filter(is_current=True).order_by("n"))
    # The grace approved runs three months from the first payment: the two new instalments due
    # before it ends pay interest only; then equal principal shares.
    assert [row.principal == 0 for row in rows[:3]] == [True, True, False]
    shares = {row.principal for row in rows[2:-1]}
    assert len(shares) == 1 and sum(row.principal for row in rows) == D("3000.00")
    assert loan.schedule_method == "equal_principal" and not loan.is_rescheduled


def test_overdue_instalments_are_folded_into_a_tranche_only_when_finance_restructures_them(api_as):
    terms = {"annual_interest_rate": "6", "term_months": 12, "grace_months": 0,
             "repayment_frequency": "monthly", "schedule_method": "declining_balance"}
    application, payer, second = _loan_in_two_tranches(
        api_as, terms=terms, first_paid_on=_today() - datetime.timedelta(days=100)
    )
    loan = Loan.objects.get(application=application)
    transactions = LedgerTransaction.objects.count()
    body = {"paid_on": _today().isoformat(), "reference": "T2"}

    refused = payer.post(f"/api/v1/disbursements/{second.pk}/pay/", body, format="json")

    assert refused.status_code == 400
    assert "restructure_overdue" in refused.json()
    second.refresh_from_db()
    loan.refresh_from_db()
    assert second.status == "approved" and loan.schedule_version == 1
    assert LedgerTransaction.objects.count() == transactions

    paid = payer.post(f"/api/v1/disbursements/{second.pk}/pay/", {**body, "restructure_overdue": True},
                      format="json")

    assert paid.status_code == 200, paid.json()
    loan.refresh_from_db()
    assert loan.is_rescheduled and loan.schedule_version == 2
    report = payer.get("/api/v1/reports/portfolio/?fund=youth-revolving").json()
    assert D(report["par30"]) > 0  # a restructured loan is at risk


@pytest.mark.parametrize("remainder", ["released", "new_tranche"])
def test_a_tranche_paid_short_says_what_becomes_of_the_rest(api_as, remainder):
    application = drive(fund_code="climate-eventuality", to="conditions_accepted", amount="8000.00")
    fund = application.fund
    approver, payer = api_as(application.cast.treasurer), api_as(application.cast.finance)
    tranche = Disbursement.objects.get(application=application)
    approver.post(f"/api/v1/disbursements/{tranche.pk}/approve/")
    before = fund_balances(fund)
    body = {"paid_on": _today().isoformat(), "reference": "T1", "amount": "6000.00"}

    silent = payer.post(f"/api/v1/disbursements/{tranche.pk}/pay/", body, format="json")
    assert silent.status_code == 400 and "remainder" in silent.json()
    assert fund_balances(fund) == before

    response = payer.post(f"/api/v1/disbursements/{tranche.pk}/pay/", {**body, "remainder": remainder},
                          format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["remainder"] == remainder
    after = fund_balances(fund)
    tranches = list(Disbursement.objects.filter(application=application).order_by("tranche"))
    if remainder == "released":
        assert after.available == before.available + D("2000.00")
        assert after.committed == before.committed - D("8000.00")
        assert len(tranches) == 1
    else:
        assert after.available == before.available
        assert after.committed == before.committed - D("6000.00")
        assert [(t.tranche, t.status, t.amount) for t in tranches[1:]] == [(2, "pending", D("2000.00"))]


def test_who_approves_a_disbursement_does_not_pay_it_and_the_history_says_who_did_which(api_as):
    application = drive(fund_code="climate-eventuality", to="conditions_accepted")
    treasurer, finance = application.cast.treasurer, application.cast.finance
    tranche = Disbursement.objects.get(application=application)
    body = {"paid_on": _today().isoformat(), "reference": "T1"}
    assert api_as(treasurer).post(f"/api/v1/disbursements/{tranche.pk}/approve/").status_code == 200

    refused = api_as(treasurer).post(f"/api/v1/disbursements/{tranche.pk}/pay/", body, format="json")
    assert refused.status_code == 403
    tranche.refresh_from_db()
    assert tranche.status == "approved"

    paid = api_as(finance).post(f"/api/v1/disbursements/{tranche.pk}/pay/", body, format="json")
    assert paid.status_code == 200, paid.json()
    assert (paid.json()["approved_by"], paid.json()["paid_by"]) == (treasurer.username, finance.username)
    history = [(h.status, h.history_user_id) for h in tranche.history.order_by("history_date", "history_id")]
    assert ("approved", treasurer.pk) in history and ("paid", finance.pk) in history


def test_a_one_person_office_may_approve_and_pay_when_the_fund_allows_it(api_as):
    application = drive(fund_code="climate-eventuality", to="conditions_accepted")
    relax_separation_of_duties("climate-eventuality")
    finance = api_as(application.cast.finance)
    tranche = Disbursement.objects.get(application=application)
    finance.post(f"/api/v1/disbursements/{tranche.pk}/approve/")

    paid = finance.post(f"/api/v1/disbursements/{tranche.pk}/pay/",
                        {"paid_on": _today().isoformat(), "reference": "T1"}, format="json")

    assert paid.status_code == 200, paid.json()
    assert paid.json()["approved_by"] == paid.json()["paid_by"] == application.cast.finance.username


def test_the_finance_desk_tells_the_approver_that_someone_else_must_pay():
    from django.test import Client

    application = drive(fund_code="climate-eventuality", to="conditions_accepted")
    treasurer = application.cast.treasurer
    page = Client()
    page.force_login(treasurer)
    tranche = Disbursement.objects.get(application=application)
    page.post(f"/finance/disbursements/{tranche.pk}/approve/")

    response = page.post(f"/finance/disbursements/{tranche.pk}/pay/",
                         {"paid_on": _today().isoformat(), "reference": "T1"}, follow=True)

    assert response.status_code == 200
    tranche.refresh_from_db()
    assert tranche.status == "approved" and tranche.approved_by == treasurer
    errors = [m.message for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1 and errors[0].startswith(application.reference)
