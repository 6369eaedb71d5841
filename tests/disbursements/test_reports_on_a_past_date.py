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


def _figures(html: str) -> str:
    import re

    return re.search(r'<div class="figures portfolio-figures">(.*?)</div>\n</div>', html, re.S).group(1)


def test_balances_and_the_finance_page_on_a_past_date_do_not_see_a_later_payment_or_reversal(api_as):
    """The report's balances for a past date come from the ledger as it stood that day, and a
    reversal after it (which moves the split of the loan's other repayments) changes nothing there."""
    from django.test import Client

    day = _ago(20)
    kept = paid_loan(paid_on=_ago(100))
    first = _pay(kept, "first", "300.00", _ago(60))
    _pay(kept, "second", "1400.00", _ago(30))  # its split moves when the first is reversed
    finance = kept.finance
    finance.language = "en"
    finance.save(update_fields=["language"])
    url = f"/api/v1/reports/portfolio/?on={day.isoformat()}&fund=youth-revolving"
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(finance)
    before = api_as(finance).get(url).json()
    page_before = page.get(f"/finance/loans/?on={day.isoformat()}")
    assert page_before.status_code == 200

    # After the day: a loan paid out, a repayment, and the reversal of a repayment made before it.
    paid_loan(paid_on=_ago(5))
    _pay(kept, "after", "700.00", _ago(2))
    repayments.repayment_reverse(repayment_id=first.pk, by=finance, reason="Bounced")

    after = api_as(finance).get(url).json()
    assert after == before
    [books] = before["balances"]
    # The books that day agree with the loans that day, and cash holds each repayment once.
    assert D(books["outstanding"]) == D(before["outstanding"])
    assert before["collections"]["repayments"] == 0 or before["collections"]["to"] == day.isoformat()
    today = api_as(finance).get("/api/v1/reports/portfolio/?fund=youth-revolving").json()
    assert D(today["balances"][0]["cash"]) != D(books["cash"])

    page_after = page.get(f"/finance/loans/?on={day.isoformat()}").content.decode()
    assert _figures(page_after) == _figures(page_before.content.decode())
    assert f"{D(books['outstanding']):,.2f}" in _figures(page_after)
    assert _figures(page_after) != _figures(page.get("/finance/loans/").content.decode())


def test_a_reversal_books_the_moved_split_from_its_own_day_never_twice_before_it():
    """Property of the ledger: on every day, cash received on a loan's repayments is the sum of the
    repayments standing that day, however often they were reallocated since."""
    from funds.ledger import balances_by_fund

    loan = paid_loan(paid_on=_ago(100))
    fund = loan.fund
    start_cash = balances_by_fund([fund], on=_ago(99))[fund.pk].cash
    made = [_pay(loan, f"k{n}", amount, _ago(days))
            for n, (amount, days) in enumerate([("250.00", 80), ("600.00", 50), ("320.00", 20)])]
    repayments.repayment_reverse(repayment_id=made[0].pk, by=loan.finance, reason="Bounced")
    repayments.repayment_reverse(repayment_id=made[1].pk, by=loan.finance, reason="Mistake")
    for days in (90, 80, 60, 50, 30, 20, 1):
        on = _ago(days)
        standing = sum((D(r.amount) for r in made if r.paid_on <= on), D(0))
        assert balances_by_fund([fund], on=on)[fund.pk].cash == start_cash + standing, on
