"""The portfolio report for a past date counts the loans, schedules, repayments and reversals as they
stood on that date."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from disbursements import reports
from disbursements.services import loans as loan_services
from disbursements.services import repayments, write_offs
from organizations.choices import Role
from tests.disbursements.conftest import paid_loan
from tests.factories import staff_user

pytestmark = pytest.mark.django_db
D = Decimal


def _ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def _pay(loan, key, amount, paid_on):
    repayment, _created = repayments.repayment_record(
        loan_id=loan.pk, by=loan.finance, amount=amount, paid_on=paid_on, idempotency_key=key
    )
    return repayment


def test_a_past_date_without_later_events_gives_what_the_live_report_gives_that_day():
    """Nothing happened after ``day``: the report rebuilt from the history equals the one computed
    from the loans as they are now, judged on that day."""
    day = _ago(3)
    first = paid_loan(paid_on=_ago(100))
    paid_loan(paid_on=_ago(40))
    third = paid_loan(paid_on=_ago(70))
    _pay(first, "a", "300.00", _ago(50))
    _pay(third, "b", "3200.00", _ago(10))  # repaid in full
    loan_services.loans_refresh_arrears(on=day)

    rebuilt = reports.portfolio(on=day)
    live = reports.portfolio_of_current_loans(on=day)

    assert rebuilt == live
    assert rebuilt["loans"] == 2  # the third was repaid by then


def test_later_loans_payments_reversals_reschedules_and_write_offs_are_not_seen_on_a_past_date():
    day = _ago(20)
    before = reports.portfolio(on=day)
    kept = paid_loan(paid_on=_ago(100))
    paid_before = _pay(kept, "before", "500.00", _ago(30))
    rescheduled = paid_loan(paid_on=_ago(60))
    written_off = paid_loan(paid_on=_ago(90))
    paid_loan(paid_on=_ago(10))  # paid out after the day: not in the report for it

    on_day = reports.portfolio(on=day)

    # Later events: a payment after the day, the reversal of the payment made before it, a
    # reschedule and a write-off.
    _pay(kept, "after", "700.00", _ago(5))
    repayments.repayment_reverse(repayment_id=paid_before.pk, by=kept.finance, reason="Bounced")
    loan_services.loan_reschedule(
        loan_id=rescheduled.pk, by=rescheduled.finance, starts_on=_ago(1), term_months=12, reason="Frost"
    )
    write_offs.loan_write_off_propose(loan_id=written_off.pk, by=written_off.finance, reason="Lost")
    write_offs.loan_write_off_approve(loan_id=written_off.pk, by=staff_user(Role.FINANCE))

    again = reports.portfolio(on=day)

    assert again == on_day
    assert on_day["loans"] == before["loans"] + 3
    assert D(on_day["outstanding"]) == D(before["outstanding"]) + D("9000.00") - D(paid_before.principal)
    today = reports.portfolio(on=timezone.localdate())
    assert today != on_day  # the present does see them


def test_collections_of_a_past_period_keep_a_repayment_reversed_after_it():
    loan = paid_loan(paid_on=_ago(100))
    repayment = _pay(loan, "r", "260.00", _ago(40))
    period = {"start": _ago(45), "end": _ago(35)}
    assert reports.collections(**period)["amount"] == "260.00"

    repayments.repayment_reverse(repayment_id=repayment.pk, by=loan.finance, reason="Bounced")

    assert reports.collections(**period)["amount"] == "260.00"
    assert reports.collections(start=_ago(45), end=timezone.localdate())["amount"] == "0.00"
