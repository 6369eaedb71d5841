"""Random sequences of money operations keep the funds' books consistent."""

import contextlib
import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from core.errors import Refused
from disbursements.models import LIVE_LOAN_STATES, Disbursement, Loan, Repayment
from disbursements.services import disbursements as tranches
from disbursements.services import repayments, write_offs
from disbursements.services.schedules import principal_outstanding
from funds.ledger import fund_balances, fund_capital_add
from funds.models import Fund, LedgerEntry
from tests.workflow import approved_on, cast_for, drive

TODAY = datetime.date.today()
amounts = st.integers(min_value=1, max_value=400_000).map(lambda cents: Decimal(cents) / 100)


class FundBooks(RuleBasedStateMachine):
    @initialize()
    def setup(self):
        # Each example runs in its own savepoint, rolled back in teardown, so examples never mix.
        self._example = transaction.atomic()
        self._example.__enter__()
        self.youth = Fund.objects.get(code="youth-revolving")
        self.climate = Fund.objects.get(code="climate-eventuality")
        for fund in (self.youth, self.climate):
            if not fund.ledger_transactions.exists():
                fund_capital_add(fund=fund, amount=Decimal("6000.00"))
        self.youth_cast = cast_for("youth-revolving")
        self.climate_cast = cast_for("climate-eventuality")
        self.loans = []

    @rule(amount=amounts)
    def add_capital(self, amount):
        fund_capital_add(fund=self.youth, amount=amount)

    def _award(self, fund_code, cast, amount, days_ago):
        try:
            application = drive(fund_code=fund_code, to="conditions_accepted", cast=cast, amount=str(amount))
        except Refused:
            return None  # over budget: refused, nothing committed
        disbursement = Disbursement.objects.get(application=application)
        approved_on(application, TODAY - datetime.timedelta(days=days_ago))
        tranches.disbursement_approve(disbursement_id=disbursement.pk, by=cast.treasurer)
        tranches.disbursement_pay(
            disbursement_id=disbursement.pk,
            by=cast.finance,
            paid_on=TODAY - datetime.timedelta(days=days_ago),
            reference="T",
        )
        return application

    @rule(amount=st.integers(min_value=100, max_value=3000).map(Decimal), days_ago=st.integers(0, 400))
    def lend(self, amount, days_ago):
        application = self._award("youth-revolving", self.youth_cast, amount, days_ago)
        if application is not None:
            self.loans.append(Loan.objects.get(application=application).pk)

    @rule(amount=st.integers(min_value=100, max_value=8000).map(Decimal))
    def grant(self, amount):
        self._award("climate-eventuality", self.climate_cast, amount, 0)

    @precondition(lambda self: self.loans)
    @rule(data=st.data(), amount=amounts, key=st.sampled_from(["a", "b", "c", "d"]))
    def repay(self, data, amount, key):
        loan = Loan.objects.get(pk=data.draw(st.sampled_from(self.loans)))
        with contextlib.suppress(Refused):
            repayments.repayment_record(
                loan_id=loan.pk, by=self.youth_cast.finance, amount=amount, paid_on=TODAY, idempotency_key=key
            )

    @precondition(lambda self: self.loans)
    @rule(data=st.data())
    def reverse(self, data):
        standing = list(
            Repayment.objects.filter(loan_id__in=self.loans, reversed_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        if standing:
            with contextlib.suppress(Refused):
                repayments.repayment_reverse(
                    repayment_id=data.draw(st.sampled_from(standing)),
                    by=self.youth_cast.finance,
                    reason="Bounced",
                )

    @precondition(lambda self: self.loans)
    @rule(data=st.data())
    def write_off(self, data):
        loan_id = data.draw(st.sampled_from(self.loans))
        try:
            write_offs.loan_write_off_propose(loan_id=loan_id, by=self.youth_cast.finance, reason="Lost")
            write_offs.loan_write_off_approve(loan_id=loan_id, by=self.climate_cast.finance)
        except Refused:
            pass

    def teardown(self):
        if hasattr(self, "_example"):
            transaction.set_rollback(True)
            self._example.__exit__(None, None, None)

    @invariant()
    def every_transaction_balances(self):
        totals = {}
        for tx_id, debit, credit in LedgerEntry.objects.values_list("transaction_id", "debit", "credit"):
            totals[tx_id] = totals.get(tx_id, Decimal(0)) + debit - credit
        assert all(total == 0 for total in totals.values())

    @invariant()
    def the_books_add_up(self):
        if not hasattr(self, "youth"):
            return
        for fund in (self.youth, self.climate):
            b = fund_balances(fund)
            assert b.cash + b.outstanding == (
                b.capital + b.interest_received + b.recovered - b.grants_paid - b.written_off + b.refunds_owed
            )
            assert b.available == b.cash - b.committed - b.refunds_owed
            assert b.available >= 0 and b.committed >= 0 and b.cash >= 0

    @invariant()
    def loans_outstanding_match_the_ledger(self):
        if not hasattr(self, "youth"):
            return
        live = Loan.objects.filter(fund=self.youth, status__in=LIVE_LOAN_STATES)
        owed = sum((principal_outstanding(loan) for loan in live), Decimal(0))
        assert owed == fund_balances(self.youth).outstanding


@pytest.mark.django_db
def test_random_operations_keep_the_books_consistent():
    run_state_machine_as_test(
        FundBooks,
        settings=settings(
            max_examples=6, stateful_step_count=8, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )
