import datetime
from decimal import Decimal

import pytest

from applications.models import Application
from disbursements.models import Disbursement, Loan
from funds.ledger import fund_balances
from funds.models import LedgerEntry
from tests.factories import OppUserFactory
from tests.workflow import drive

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def test_accepting_conditions_creates_one_pending_tranche_paid_to_the_certifier():
    application = drive(fund_code="certification-subsidy", to="conditions_accepted")
    [disbursement] = Disbursement.objects.filter(application=application)
    assert disbursement.status == "pending"
    assert disbursement.amount == application.approved_amount
    assert (disbursement.payee_kind, disbursement.payee_name) == ("certifier", "FLOCERT GmbH")
    assert not Loan.objects.filter(application=application).exists()


def test_grant_is_approved_then_paid_by_finance_through_the_api(api_as):
    application = drive(fund_code="climate-eventuality", to="conditions_accepted")
    fund = application.fund
    before = fund_balances(fund)
    disbursement = Disbursement.objects.get(application=application)
    assert disbursement.payee_kind == "organization"
    finance = api_as(application.cast.finance)

    listed = finance.get(f"/api/v1/disbursements/?application={application.pk}").json()
    assert [row["id"] for row in listed["results"]] == [disbursement.pk]
    approver = api_as(application.cast.treasurer)  # another officer approves what finance pays
    assert approver.post(f"/api/v1/disbursements/{disbursement.pk}/approve/").json()["status"] == "approved"
    response = finance.post(
        f"/api/v1/disbursements/{disbursement.pk}/pay/",
        {"paid_on": TODAY.isoformat(), "reference": "TRF-889"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "paid"
    assert response.json()["paid_amount"] == str(application.approved_amount)

    after = fund_balances(fund)
    amount = application.approved_amount
    assert after.committed == before.committed - amount
    assert after.cash == before.cash - amount
    assert after.grants_paid == before.grants_paid + amount
    assert after.available == before.available
    application.refresh_from_db()
    assert application.status == "in_execution"
    # paying again with the same reference changes nothing
    again = finance.post(
        f"/api/v1/disbursements/{disbursement.pk}/pay/",
        {"paid_on": TODAY.isoformat(), "reference": "TRF-889"},
        format="json",
    )
    assert again.status_code == 200
    assert fund_balances(fund).cash == after.cash


def test_only_finance_pays_and_other_organisations_do_not_see_it(api_as):
    application = drive(fund_code="climate-eventuality", to="conditions_accepted")
    disbursement = Disbursement.objects.get(application=application)
    owner = api_as(application.applicant)
    assert owner.get(f"/api/v1/disbursements/{disbursement.pk}/").status_code == 200
    assert owner.post(f"/api/v1/disbursements/{disbursement.pk}/approve/").status_code == 403
    assert (
        owner.post(
            f"/api/v1/disbursements/{disbursement.pk}/pay/",
            {"paid_on": TODAY.isoformat(), "reference": "X"},
            format="json",
        ).status_code
        == 403
    )
    stranger = api_as(OppUserFactory())
    assert stranger.get(f"/api/v1/disbursements/{disbursement.pk}/").status_code == 404
    assert stranger.post(f"/api/v1/disbursements/{disbursement.pk}/approve/").status_code == 404
    assert stranger.get("/api/v1/disbursements/").json()["count"] == 0
    disbursement.refresh_from_db()
    assert disbursement.status == "pending"


def test_pay_before_approval_is_a_conflict(api_as):
    application = drive(fund_code="climate-eventuality", to="conditions_accepted")
    disbursement = Disbursement.objects.get(application=application)
    response = api_as(application.cast.finance).post(
        f"/api/v1/disbursements/{disbursement.pk}/pay/",
        {"paid_on": TODAY.isoformat(), "reference": "X"},
        format="json",
    )
    assert response.status_code == 409


def test_tranches_paid_in_another_currency_and_a_cancelled_tranche_releases_its_commitment(api_as):
    application = drive(fund_code="climate-eventuality", to="conditions_accepted", amount="8000.00")
    fund = application.fund
    finance = api_as(application.cast.finance)
    first = Disbursement.objects.get(application=application)
    split = finance.post(
        f"/api/v1/disbursements/{first.pk}/split/", {"amounts": ["5000.00", "3000.00"]}, format="json"
    )
    assert split.status_code == 201, split.json()
    assert [(row["tranche"], row["amount"]) for row in split.json()] == [(1, "5000.00"), (2, "3000.00")]
    bad = finance.post(
        f"/api/v1/disbursements/{first.pk}/split/", {"amounts": ["1.00", "1.00"]}, format="json"
    )
    assert bad.status_code == 400

    api_as(application.cast.treasurer).post(f"/api/v1/disbursements/{first.pk}/approve/")
    no_rate = finance.post(
        f"/api/v1/disbursements/{first.pk}/pay/",
        {"paid_on": TODAY.isoformat(), "reference": "T1", "currency": "HNL"},
        format="json",
    )
    assert no_rate.status_code == 400 and "exchange_rate" in no_rate.json()
    paid = finance.post(
        f"/api/v1/disbursements/{first.pk}/pay/",
        {"paid_on": TODAY.isoformat(), "reference": "T1", "currency": "HNL", "exchange_rate": "24.6512"},
        format="json",
    ).json()
    assert paid["status"] == "paid"
    assert Decimal(paid["payment_amount"]) == Decimal("123256.00")
    assert paid["payment_currency"] == "HNL"

    second = Disbursement.objects.get(application=application, tranche=2)
    committed_before = fund_balances(fund).committed
    assert (
        finance.post(
            f"/api/v1/disbursements/{second.pk}/cancel/", {"reason": "Project cut"}, format="json"
        ).json()["status"]
        == "cancelled"
    )
    assert fund_balances(fund).committed == committed_before - Decimal("3000.00")
    assert finance.post(f"/api/v1/disbursements/{second.pk}/approve/").status_code == 409


def test_failed_payment_keeps_the_commitment(api_as):
    application = drive(fund_code="climate-eventuality", to="conditions_accepted")
    disbursement = Disbursement.objects.get(application=application)
    finance = api_as(application.cast.finance)
    committed = fund_balances(application.fund).committed
    api_as(application.cast.treasurer).post(f"/api/v1/disbursements/{disbursement.pk}/approve/")
    assert (
        finance.post(
            f"/api/v1/disbursements/{disbursement.pk}/fail/", {"reason": ""}, format="json"
        ).status_code
        == 400
    )
    assert (
        finance.post(
            f"/api/v1/disbursements/{disbursement.pk}/fail/", {"reason": "Bank returned it"}, format="json"
        ).json()["status"]
        == "failed"
    )
    assert fund_balances(application.fund).committed == committed


def test_every_ledger_transaction_balances_after_payment(api_as):
    application = drive(fund_code="climate-eventuality", to="conditions_accepted")
    disbursement = Disbursement.objects.get(application=application)
    finance = api_as(application.cast.finance)
    api_as(application.cast.treasurer).post(f"/api/v1/disbursements/{disbursement.pk}/approve/")
    finance.post(
        f"/api/v1/disbursements/{disbursement.pk}/pay/",
        {"paid_on": TODAY.isoformat(), "reference": "T"},
        format="json",
    )
    kinds = list(
        LedgerEntry.objects.filter(transaction__application=application)
        .values_list("transaction__kind", flat=True)
        .distinct()
    )
    assert set(kinds) == {"commitment", "commitment_release", "disbursement"}
    for tx_id in LedgerEntry.objects.values_list("transaction_id", flat=True).distinct():
        entries = LedgerEntry.objects.filter(transaction_id=tx_id)
        assert sum(e.debit for e in entries) == sum(e.credit for e in entries)
    assert Application.objects.get(pk=application.pk).status == "in_execution"
