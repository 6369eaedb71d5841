"""Two processes (not threads: separate interpreters and connections, as two web workers) acting on the
same thing at the same moment; and one repayment posted twice at once with the same Idempotency-Key.

PostgreSQL only: SQLite serialises writers itself, so the race would prove nothing there.
"""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F, Sum
from django.utils import timezone

from applications.models import Application
from disbursements.models import Disbursement, Loan, Repayment
from disbursements.services import disbursements as tranches
from funds.ledger import fund_balances, fund_capital_add, ledger_totals_verify
from funds.models import Fund, FundCode, FundKind, LedgerEntry, LedgerTransaction, TransactionKind
from tests.workflow import approved_on, cast_for, drive, review_all

from .processes import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLIMATE = "climate-eventuality"
YOUTH = "youth-revolving"


@pytest.fixture(autouse=True)
def funds():
    for code in FundCode.values:  # a transactional test may start from empty tables
        Fund.objects.get_or_create(
            code=code, defaults={"kind": FundKind.LOAN if code == YOUTH else FundKind.GRANT}
        )


def assert_ledger_balanced():
    """Every transaction and every fund: debits equal credits; the running totals match the entries."""
    unbalanced = (
        LedgerEntry.objects.values("transaction_id")
        .annotate(debits=Sum("debit"), credits=Sum("credit"))
        .exclude(debits=F("credits"))
    )
    assert list(unbalanced) == []
    for fund in Fund.objects.all():
        sums = LedgerEntry.objects.filter(fund=fund).aggregate(debits=Sum("debit"), credits=Sum("credit"))
        assert (sums["debits"] or 0) == (sums["credits"] or 0), fund.code
    assert ledger_totals_verify() == []


def commitments(application):
    return LedgerTransaction.objects.filter(application=application, kind=TransactionKind.COMMITMENT)


def test_two_processes_approving_one_application_make_one_approval_and_one_commitment():
    application = drive(fund_code=CLIMATE, to="committee_review")
    review_all(application, application.cast)
    args = (application.pk, application.cast.chair.pk, "5000.00")

    outcomes = race(("approve", args), ("approve", args))

    assert outcomes == ["WrongState", "ok"]
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.approved_amount == Decimal("5000.00")
    assert application.transitions.filter(transition="approve").count() == 1
    assert commitments(application).count() == 1
    assert fund_balances(application.fund).committed == Decimal("5000.00")
    assert application.letters.count() == 1
    assert Disbursement.objects.filter(application=application).count() <= 1
    assert_ledger_balanced()


def test_two_processes_approving_against_a_budget_that_holds_one_commit_one():
    fund = Fund.objects.get(code=CLIMATE)
    fund_capital_add(fund=fund, amount=Decimal("10000.00"), memo="Room for one award")
    cast = cast_for(CLIMATE)
    first, second = (drive(fund_code=CLIMATE, to="committee_review", cast=cast) for _ in range(2))
    for application in (first, second):
        review_all(application, cast)

    outcomes = race(("approve", (first.pk, cast.chair.pk, "8000.00")),
                    ("approve", (second.pk, cast.chair.pk, "8000.00")))

    assert outcomes == ["Invalid", "ok"]
    both = Application.objects.filter(pk__in=[first.pk, second.pk])
    assert sorted(both.values_list("status", flat=True)) == ["approved", "committee_review"]
    balances = fund_balances(fund)
    assert balances.committed == Decimal("8000.00")
    assert balances.available == Decimal("2000.00")
    assert LedgerTransaction.objects.filter(fund=fund, kind=TransactionKind.COMMITMENT).count() == 1
    assert_ledger_balanced()


def test_two_processes_submitting_one_draft_record_one_submission():
    application = drive(fund_code=CLIMATE, to="draft")
    args = (application.pk, application.applicant.pk)

    outcomes = race(("submit", args), ("submit", args))

    assert outcomes == ["WrongState", "ok"]
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.transitions.count() == 1
    assert application.transitions.get().transition == "submit"


def test_one_repayment_posted_twice_at_once_with_the_same_key_is_recorded_once(api_as):
    application = drive(fund_code=YOUTH, to="conditions_accepted", amount="3000.00", terms={
        "annual_interest_rate": "6", "term_months": 12, "grace_months": 0,
        "repayment_frequency": "monthly", "schedule_method": "declining_balance",
    })
    finance = application.cast.finance
    disbursement = Disbursement.objects.get(application=application)
    paid_on = timezone.localdate() - datetime.timedelta(days=40)
    approved_on(application, paid_on)
    tranches.disbursement_approve(disbursement_id=disbursement.pk, by=application.cast.treasurer)
    tranches.disbursement_pay(disbursement_id=disbursement.pk, by=finance, paid_on=paid_on,
                                           reference="TRF-1")
    loan = Loan.objects.get(application=application)
    entries_before = LedgerEntry.objects.count()
    body = {"amount": "300.00", "paid_on": timezone.localdate().isoformat(), "reference": "REC-77"}
    barrier = threading.Barrier(4)
    responses = [None] * 4

    def post(index):
        client = api_as(finance)
        try:
            barrier.wait(30)
            responses[index] = client.post(f"/api/v1/loans/{loan.pk}/repayments/", body, format="json",
                                           HTTP_IDEMPOTENCY_KEY="repay-2026-0001")
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert [r.status_code for r in responses] == [201] * 4, [r.content for r in responses if r]
    assert len({r.json()["id"] for r in responses}) == 1
    assert sorted(r.headers.get("Idempotent-Replayed", "") for r in responses) == ["", "true", "true", "true"]
    assert Repayment.objects.filter(loan=loan).count() == 1
    repayment_transactions = LedgerTransaction.objects.filter(
        application=application, kind=TransactionKind.REPAYMENT
    )
    assert repayment_transactions.count() == 1
    assert LedgerEntry.objects.count() > entries_before
    assert_ledger_balanced()
