import datetime
from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from applications.models import Application
from disbursements.amortization import ScheduleTerms, add_months, build_schedule, days_30e_360
from disbursements.models import Loan, Repayment
from disbursements.services import loans as loan_services
from funds.ledger import fund_balances
from funds.models import LedgerTransaction
from organizations.choices import Role
from tests.disbursements.conftest import TERMS, paid_loan
from tests.factories import OppUserFactory, staff_user

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
D = Decimal


def _pay(client, loan, key, amount, paid_on=TODAY, reference="REC-1"):
    return client.post(
        f"/api/v1/loans/{loan.pk}/repayments/",
        {"amount": amount, "paid_on": paid_on.isoformat(), "reference": reference},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_a_loan_is_created_on_acceptance_and_its_schedule_starts_one_period_after_payment(api_as):
    paid_on = TODAY - datetime.timedelta(days=10)
    loan = paid_loan(paid_on=paid_on)
    client = api_as(loan.finance)
    detail = client.get(f"/api/v1/loans/{loan.pk}/").json()
    assert detail["status"] == "active"
    assert (detail["principal"], detail["outstanding"], detail["currency"]) == ("3000.00", "3000.00", "USD")
    assert Decimal(detail["annual_interest_rate"]) == 6
    schedule = client.get(f"/api/v1/loans/{loan.pk}/schedule/").json()
    expected = build_schedule(
        ScheduleTerms(
            principal=D("3000.00"),
            annual_rate_percent=D(6),
            instalments=12,
            frequency="monthly",
            disbursed_on=paid_on,
            minor_unit=D("0.01"),
        )
    )
    assert len(schedule) == 12
    assert schedule[0]["due_date"] == add_months(paid_on, 1).isoformat()
    assert [(r["n"], r["principal"], r["interest"], r["total"]) for r in schedule] == [
        (row.n, str(row.principal), str(row.interest), str(row.total)) for row in expected
    ]
    assert schedule[0]["total"] == "258.20" and schedule[0]["status"] == "due"
    assert sum(D(r["principal"]) for r in schedule) == D("3000.00")
    assert client.get(f"/api/v1/loans/?application={loan.application_id}").json()["count"] == 1
    # the organisation reads its loan; another organisation does not see it
    assert api_as(loan.applicant).get(f"/api/v1/loans/{loan.pk}/").status_code == 200
    assert api_as(OppUserFactory()).get(f"/api/v1/loans/{loan.pk}/").status_code == 404
    assert _pay(api_as(loan.applicant), loan, "k", "10.00").status_code == 403


def test_repayment_is_idempotent_per_key(api_as):
    loan = paid_loan(paid_on=TODAY - datetime.timedelta(days=40))
    client = api_as(loan.finance)
    first = _pay(client, loan, "abc-1", "258.20")
    assert first.status_code == 201, first.json()
    transactions = LedgerTransaction.objects.count()
    again = _pay(client, loan, "abc-1", "258.20")
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Repayment.objects.filter(loan=loan).count() == 1
    assert LedgerTransaction.objects.count() == transactions
    assert _pay(client, loan, "abc-1", "100.00").status_code == 409
    assert (
        client.post(
            f"/api/v1/loans/{loan.pk}/repayments/",
            {"amount": "1.00", "paid_on": TODAY.isoformat()},
            format="json",
        ).status_code
        == 400
    )
    assert Repayment.objects.filter(loan=loan).count() == 1


def test_allocation_goes_to_interest_then_principal_oldest_instalment_first(api_as):
    loan = paid_loan(paid_on=TODAY - datetime.timedelta(days=100))
    loan.refresh_from_db()
    client = api_as(loan.finance)
    body = _pay(client, loan, "p1", "20.00").json()
    assert (body["interest"], body["principal"], body["credit"]) == ("15.00", "5.00", "0.00")
    body = _pay(client, loan, "p2", "300.00").json()
    # the rest of instalment 1 (238.20 principal), then instalment 2's interest 13.78, then principal
    assert (body["interest"], body["principal"]) == ("13.78", "286.22")
    rows = client.get(f"/api/v1/loans/{loan.pk}/schedule/").json()
    assert rows[0]["status"] == "paid" and rows[0]["paid"] == "258.20"
    assert rows[1]["paid"] == "61.80" and rows[1]["status"] == "overdue"
    detail = client.get(f"/api/v1/loans/{loan.pk}/").json()
    assert detail["status"] == "in_arrears"
    assert detail["outstanding"] == str(D("3000.00") - D("5.00") - D("286.22"))
    assert D(detail["outstanding"]) == fund_balances(loan.fund).outstanding
    assert fund_balances(loan.fund).interest_received == D("28.78")


def test_overpayment_repays_the_loan_closes_the_file_and_is_owed_back(api_as):
    loan = paid_loan(paid_on=TODAY - datetime.timedelta(days=5))
    client = api_as(loan.finance)
    total = sum((row.total for row in loan.instalments.filter(is_current=True)), D(0))
    body = _pay(client, loan, "all", str(total + D("10.00"))).json()
    assert body["credit"] == "10.00" and body["principal"] == "3000.00"
    loan.refresh_from_db()
    assert loan.status == "repaid"
    assert Application.objects.get(pk=loan.application_id).status == "closed"
    balances = fund_balances(loan.fund)
    assert balances.refunds_owed == D("10.00") and balances.outstanding == 0
    assert balances.available == balances.cash - balances.committed - D("10.00")
    assert _pay(client, loan, "late", "5.00").status_code == 409


def test_an_overpayment_is_refunded_once_and_never_beyond_the_credit(api_as):
    loan = paid_loan(paid_on=TODAY - datetime.timedelta(days=5))
    client = api_as(loan.finance)
    total = sum((row.total for row in loan.instalments.filter(is_current=True)), D(0))
    repayment = _pay(client, loan, "all", str(total + D("10.00"))).json()
    url = f"/api/v1/loans/{loan.pk}/refunds/"
    too_much = client.post(url, {"amount": "10.01", "paid_on": TODAY.isoformat()}, format="json")
    assert too_much.status_code == 400 and "amount" in too_much.json()
    assert api_as(OppUserFactory(organization=loan.application.organization)).post(
        url, {"amount": "1.00", "paid_on": TODAY.isoformat()}, format="json").status_code == 403
    refund = client.post(url, {"amount": "10.00", "paid_on": TODAY.isoformat(), "reference": "TRF-77"},
                         format="json")
    assert refund.status_code == 201, refund.content
    balances = fund_balances(loan.fund)
    assert balances.refunds_owed == 0
    assert balances.cash == balances.capital + balances.interest_received - balances.outstanding - (
        balances.grants_paid + balances.written_off - balances.recovered)
    assert client.post(url, {"amount": "0.01", "paid_on": TODAY.isoformat()},
                       format="json").status_code == 400
    assert [r["amount"] for r in client.get(url).json()] == ["10.00"]
    # The refunded overpayment's repayment can no longer be reversed: the money has gone back.
    reversal = client.post(f"/api/v1/loans/{loan.pk}/repayments/{repayment['id']}/reverse/",
                           {"reason": "Cheque devuelto."}, format="json")
    assert reversal.status_code == 409


def test_reversing_a_repayment_reallocates_the_others_with_reversing_entries(api_as):
    loan = paid_loan(paid_on=TODAY - datetime.timedelta(days=70))
    client = api_as(loan.finance)
    first = _pay(client, loan, "a", "258.20", paid_on=TODAY - datetime.timedelta(days=30)).json()
    second = _pay(client, loan, "b", "258.20", paid_on=TODAY - datetime.timedelta(days=1)).json()
    assert second["interest"] == "13.78"
    response = client.post(
        f"/api/v1/loans/{loan.pk}/repayments/{first['id']}/reverse/",
        {"reason": "Cheque bounced"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["reversed_at"]
    second_now = Repayment.objects.get(pk=second["id"])
    assert (second_now.interest, second_now.principal) == (D("15.00"), D("243.20"))
    rows = client.get(f"/api/v1/loans/{loan.pk}/schedule/").json()
    assert [r["paid"] for r in rows[:2]] == ["258.20", "0.00"]
    reversals = LedgerTransaction.objects.filter(fund=loan.fund, kind="reversal")
    assert reversals.count() == 2  # the bounced one, and the old allocation of the second one
    balances = fund_balances(loan.fund)
    assert balances.outstanding == D("3000.00") - D("243.20")
    assert balances.interest_received == D("15.00")
    assert client.get(f"/api/v1/loans/{loan.pk}/").json()["status"] == "in_arrears"
    # reversing twice changes nothing
    client.post(
        f"/api/v1/loans/{loan.pk}/repayments/{first['id']}/reverse/", {"reason": "again"}, format="json"
    )
    assert reversals.count() == 2


def test_reschedule_spreads_what_is_owed_over_a_new_schedule(api_as):
    loan = paid_loan(paid_on=TODAY - datetime.timedelta(days=100))
    client = api_as(loan.finance)
    _pay(client, loan, "p1", "258.20", paid_on=TODAY - datetime.timedelta(days=60))
    response = client.post(
        f"/api/v1/loans/{loan.pk}/reschedule/",
        {"starts_on": TODAY.isoformat(), "term_months": 12, "reason": "Frost"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    detail = response.json()
    assert detail["is_rescheduled"] and detail["status"] == "active" and detail["schedule_version"] == 2
    assert detail["outstanding"] == str(D("3000.00") - D("243.20"))
    rows = client.get(f"/api/v1/loans/{loan.pk}/schedule/").json()
    assert len(rows) == 12 and rows[0]["due_date"] == add_months(TODAY, 1).isoformat()
    assert sum(D(r["principal"]) for r in rows) == D("2756.80")
    # the interest already due and unpaid (instalments 2 and 3) rides on the first new instalment, with
    # the interest of the 4th period accrued from its start to the new schedule's (30E/360 days)
    paid_on = TODAY - datetime.timedelta(days=100)
    fourth = loan.instalments.get(version=1, n=4)
    elapsed = days_30e_360(add_months(paid_on, 3), TODAY)
    accrued = (fourth.interest * elapsed / 30).quantize(D("0.01"), ROUND_HALF_EVEN)
    assert 0 < accrued < fourth.interest
    assert D(rows[0]["interest"]) == D("13.78") + D("13.78") + D("12.56") + accrued
    assert fund_balances(loan.fund).outstanding == D("2756.80")


def test_write_off_needs_a_second_person_then_recoveries_are_income(api_as):
    loan = paid_loan(paid_on=TODAY - datetime.timedelta(days=200))
    proposer = api_as(loan.finance)
    assert proposer.post(f"/api/v1/loans/{loan.pk}/write-off/approve/").status_code == 409
    assert (
        proposer.post(
            f"/api/v1/loans/{loan.pk}/write-off/", {"reason": "Group dissolved"}, format="json"
        ).status_code
        == 200
    )
    assert proposer.post(f"/api/v1/loans/{loan.pk}/write-off/approve/").status_code == 403
    approver = api_as(staff_user(Role.FINANCE))
    detail = approver.post(f"/api/v1/loans/{loan.pk}/write-off/approve/").json()
    assert detail["status"] == "written_off" and detail["outstanding"] == "0.00"
    assert detail["written_off_amount"] == "3000.00"
    balances = fund_balances(loan.fund)
    assert balances.written_off == D("3000.00") and balances.outstanding == 0
    assert Application.objects.get(pk=loan.application_id).status == "closed"
    recovery = approver.post(
        f"/api/v1/loans/{loan.pk}/recoveries/",
        {"amount": "400.00", "received_on": TODAY.isoformat()},
        format="json",
    )
    assert recovery.status_code == 201
    assert (
        approver.post(
            f"/api/v1/loans/{loan.pk}/recoveries/",
            {"amount": "2600.01", "received_on": TODAY.isoformat()},
            format="json",
        ).status_code
        == 400
    )
    assert fund_balances(loan.fund).recovered == D("400.00")
    assert _pay(approver, loan, "x", "1.00").status_code == 409


def test_daily_refresh_moves_loans_into_arrears():
    loan = paid_loan(paid_on=TODAY - datetime.timedelta(days=40))
    Loan.objects.filter(pk=loan.pk).update(status="active")
    assert loan_services.loans_refresh_arrears() == 1
    assert Loan.objects.get(pk=loan.pk).status == "in_arrears"
    assert loan_services.loans_refresh_arrears() == 0


def test_loan_terms_come_from_the_decision():
    loan = paid_loan(
        paid_on=TODAY,
        terms={**TERMS, "term_months": 6, "repayment_frequency": "quarterly", "schedule_method": "flat"},
    )
    rows = list(loan.instalments.filter(is_current=True))
    assert len(rows) == 2 and rows[0].due_date == add_months(TODAY, 3)
    assert loan.schedule_method == "flat"
    assert rows[0].interest == rows[1].interest == D("45.00")
