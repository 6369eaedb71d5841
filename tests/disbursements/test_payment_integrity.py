"""Money moves only on dates that can be true and in amounts the books can hold: no payment before the
award's approval or in the future, a repayment in the loan's currency, and an amount too large for the
database refused as bad input (400) rather than failing (500)."""

import datetime

import pytest
from django.utils import timezone

from disbursements.models import Disbursement, Loan
from disbursements.services import disbursements as tranches
from disbursements.services import repayments
from funds.models import LedgerEntry
from tests.workflow import approved_on, drive

from .conftest import TERMS

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TOO_LARGE = ["99999999999999.99", "1000000000000.00", "1e14"]


@pytest.fixture
def approved_tranche():
    application = drive(fund_code="youth-revolving", to="conditions_accepted", amount="3000.00", terms=TERMS)
    approved_on(application, TODAY - datetime.timedelta(days=10))
    disbursement = Disbursement.objects.get(application=application)
    tranches.disbursement_approve(disbursement_id=disbursement.pk, by=application.cast.treasurer)
    disbursement.finance = application.cast.finance
    return disbursement


@pytest.fixture
def loan(approved_tranche):
    tranches.disbursement_pay(disbursement_id=approved_tranche.pk, by=approved_tranche.finance,
                              paid_on=TODAY - datetime.timedelta(days=5), reference="TRF-1")
    loan = Loan.objects.get(application_id=approved_tranche.application_id)
    loan.finance = approved_tranche.finance
    return loan


def pay(api_as, disbursement, **body):
    return api_as(disbursement.finance).post(f"/api/v1/disbursements/{disbursement.pk}/pay/",
                                             {"reference": "TRF-9", **body}, format="json")


def repay(api_as, loan, key="k-1", **body):
    body = {"amount": "100.00", "paid_on": TODAY.isoformat(), **body}
    return api_as(loan.finance).post(f"/api/v1/loans/{loan.pk}/repayments/", body, format="json",
                                     HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.parametrize("paid_on", ["1950-01-01", (TODAY - datetime.timedelta(days=11)).isoformat()])
def test_a_payment_dated_before_the_approval_is_refused(api_as, approved_tranche, paid_on):
    entries = LedgerEntry.objects.count()
    response = pay(api_as, approved_tranche, paid_on=paid_on)
    assert response.status_code == 400, response.content
    assert "approval" in response.json()["paid_on"][0]
    approved_tranche.refresh_from_db()
    assert approved_tranche.status == "approved"
    assert LedgerEntry.objects.count() == entries


def test_a_payment_in_the_future_is_refused_and_one_on_the_approval_day_is_paid(api_as, approved_tranche):
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    assert pay(api_as, approved_tranche, paid_on=tomorrow).status_code == 400
    on_the_day = (TODAY - datetime.timedelta(days=10)).isoformat()
    assert pay(api_as, approved_tranche, paid_on=on_the_day).status_code == 200


@pytest.mark.parametrize("paid_on", ["0001-01-01", "1950-01-01",
                                     (TODAY + datetime.timedelta(days=1)).isoformat()])
def test_a_repayment_dated_before_the_award_or_in_the_future_is_refused(api_as, loan, paid_on):
    response = repay(api_as, loan, paid_on=paid_on)
    assert response.status_code == 400, response.content
    assert loan.repayments.count() == 0


def test_a_repayment_in_another_currency_is_refused(api_as, loan):
    response = repay(api_as, loan, currency="EUR")
    assert response.status_code == 400, response.content
    assert "USD" in response.json()["currency"][0]
    assert loan.repayments.count() == 0
    assert repay(api_as, loan, key="k-2", currency="USD").status_code == 201


@pytest.mark.parametrize("amount", TOO_LARGE)
def test_a_repayment_too_large_for_the_books_is_a_400(api_as, loan, amount):
    response = repay(api_as, loan, amount=amount)
    assert response.status_code == 400, response.content
    assert loan.repayments.count() == 0


@pytest.mark.parametrize("amount", TOO_LARGE)
def test_a_refund_or_recovery_too_large_for_the_books_is_a_400(api_as, loan, amount):
    client = api_as(loan.finance)
    refund = client.post(f"/api/v1/loans/{loan.pk}/refunds/",
                         {"amount": amount, "paid_on": TODAY.isoformat()}, format="json")
    recovery = client.post(f"/api/v1/loans/{loan.pk}/recoveries/",
                           {"amount": amount, "received_on": TODAY.isoformat()}, format="json")
    assert (refund.status_code, recovery.status_code) != (500, 500)
    assert refund.status_code == 400, refund.content
    assert recovery.status_code in (400, 409), recovery.content


@pytest.mark.parametrize("body", [
    {"amount": "99999999999999.99"},
    {"amount": "3000.00", "currency": "EUR", "exchange_rate": "9999999999.99999999"},
])
def test_a_payment_too_large_for_the_books_is_a_400(api_as, approved_tranche, body):
    response = pay(api_as, approved_tranche, paid_on=TODAY.isoformat(), **body)
    assert response.status_code == 400, response.content
    approved_tranche.refresh_from_db()
    assert approved_tranche.status == "approved"


def test_a_split_too_large_for_the_books_is_a_400(api_as, approved_tranche):
    response = api_as(approved_tranche.finance).post(
        f"/api/v1/disbursements/{approved_tranche.pk}/split/",
        {"amounts": ["99999999999999.99", "-99999999999996.99"]}, format="json")
    assert response.status_code == 400, response.content


def test_the_services_refuse_what_the_pages_send_too_large(loan):
    from core.errors import Invalid

    with pytest.raises(Invalid):
        repayments.repayment_record(loan_id=loan.pk, by=loan.finance, amount="1e20", paid_on=TODAY,
                                  idempotency_key="page-1")
