"""The ledger: balanced transactions, reversals, and running totals that always equal the entries."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from funds.ledger import (
    UnbalancedTransaction,
    balances_by_fund,
    credit,
    debit,
    fund_balances,
    fund_capital_add,
    ledger_post,
    ledger_reverse,
    ledger_totals_rebuild,
    ledger_totals_verify,
)
from funds.models import Account, AccountTotal, Fund, TransactionKind

pytestmark = pytest.mark.django_db


def youth_fund():
    return Fund.objects.get(code="youth-revolving")


def test_unbalanced_or_unrounded_or_negative_transactions_are_refused():
    fund = youth_fund()
    with pytest.raises(UnbalancedTransaction):
        ledger_post(fund=fund, kind=TransactionKind.CAPITAL,
                    lines=[debit(Account.CASH, Decimal("10.00")), credit(Account.CAPITAL, Decimal("9.99"))])
    with pytest.raises(UnbalancedTransaction):
        ledger_post(fund=fund, kind=TransactionKind.CAPITAL,
                    lines=[debit(Account.CASH, Decimal("0.005")), credit(Account.CAPITAL, Decimal("0.005"))])
    with pytest.raises(UnbalancedTransaction):
        ledger_post(fund=fund, kind=TransactionKind.CAPITAL,
                    lines=[debit(Account.CASH, Decimal("-1.00")), credit(Account.CAPITAL, Decimal("-1.00"))])
    assert not AccountTotal.objects.exists()


def test_balances_today_come_from_running_totals_and_past_days_from_entries():
    fund = youth_fund()
    fund_capital_add(fund=fund, amount=Decimal("1000.00"), booked_on=datetime.date(2026, 1, 1))
    fund_capital_add(fund=fund, amount=Decimal("500.00"), booked_on=datetime.date(2026, 6, 1))
    assert fund_balances(fund).capital == Decimal("1500.00")
    assert fund_balances(fund, on=datetime.date(2026, 3, 1)).capital == Decimal("1000.00")
    tx = ledger_post(fund=fund, kind=TransactionKind.DISBURSEMENT,
                     lines=[debit(Account.LOANS_RECEIVABLE, Decimal("200.00")),
                            credit(Account.CASH, Decimal("200.00"))])
    balances = fund_balances(fund)
    assert (balances.cash, balances.outstanding, balances.disbursed) == (
        Decimal("1300.00"), Decimal("200.00"), Decimal("200.00"))
    ledger_reverse(original=tx, memo="Paid to the wrong account")
    balances = fund_balances(fund)
    assert (balances.cash, balances.outstanding) == (Decimal("1500.00"), Decimal("0.00"))
    assert ledger_totals_verify() == []


def test_balances_of_all_funds_in_one_query(django_assert_num_queries):
    funds = list(Fund.objects.all())
    for fund in funds:
        fund_capital_add(fund=fund, amount=Decimal("100.00"))
    with django_assert_num_queries(1):
        balances = balances_by_fund(funds)
    assert {b.capital for b in balances.values()} == {Decimal("100.00")}


def test_verify_spots_a_tampered_total_and_rebuild_repairs_it():
    fund = youth_fund()
    fund_capital_add(fund=fund, amount=Decimal("1000.00"))
    AccountTotal.objects.filter(fund=fund, account=Account.CASH).update(debits=Decimal("1.00"))
    [problem] = ledger_totals_verify()
    assert problem.startswith("youth-revolving cash: entries (Decimal('1000")
    ledger_totals_rebuild()
    assert ledger_totals_verify() == []
    assert fund_balances(fund).cash == Decimal("1000.00")


ACCOUNTS = [Account.CASH, Account.LOANS_RECEIVABLE, Account.GRANTS_PAID, Account.COMMITTED,
            Account.COMMITMENTS_CONTRA, Account.INTEREST_INCOME, Account.REPAYMENT_CREDITS]
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
postings = st.lists(
    st.tuples(st.sampled_from(ACCOUNTS), st.sampled_from(ACCOUNTS), amounts,
              st.sampled_from([TransactionKind.DISBURSEMENT, TransactionKind.REPAYMENT])),
    min_size=1, max_size=25,
)


class TestRunningTotals(TestCase):
    @settings(max_examples=30, deadline=None)
    @given(postings)
    def test_running_totals_always_equal_the_entries(self, operations):
        fund = Fund.objects.get(code="youth-revolving")
        for debit_account, credit_account, amount, kind in operations:
            ledger_post(fund=fund, kind=kind,
                        lines=[debit(debit_account, amount), credit(credit_account, amount)])
        assert ledger_totals_verify() == []
        from_totals = fund_balances(fund)
        from_entries = fund_balances(fund, on=datetime.date(2999, 1, 1))
        assert from_totals == from_entries
