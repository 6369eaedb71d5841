"""Random contributions, awards, payments and repayments: allocations never exceed a contribution, and
every traced transaction is attributed in full (to contributions, and to general funds only when the
contributions available could not cover it)."""

import contextlib
import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
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
from disbursements.models import Disbursement, Loan
from disbursements.services import disbursements as tranches
from disbursements.services import repayments
from donors import services
from donors.models import Allocation, AllocationKind, Contribution
from donors.selectors import contribution_figures
from donors.trace import _rule_order, _sums, contribution_available
from funds.models import LedgerEntry, LedgerTransaction, TransactionKind
from organizations.choices import Role
from tests.disbursements.conftest import TERMS
from tests.factories import staff_user
from tests.workflow import approved_on, cast_for, drive

TODAY = datetime.date.today()
FUNDS = ("youth-revolving", "climate-eventuality")
ZERO = Decimal("0.00")


class Trace(RuleBasedStateMachine):
    @initialize()
    def setup(self):
        self._example = transaction.atomic()
        self._example.__enter__()
        self.administrator = staff_user(Role.ADMINISTRATOR)
        self.donors = [
            services.donor_create(name=f"Donor {n}", identifier=f"XM-D-{n}-{id(self)}", country="NL",
                                  by=self.administrator)
            for n in range(2)
        ]
        self.casts = {code: cast_for(code) for code in FUNDS}
        self.loans = []
        self.general_when_enough = []
        # Each fund starts with one contribution, so everything it does is traced.
        for code in FUNDS:
            self._contribute(code, Decimal("2000.00"), 400, "")

    def teardown(self):
        if hasattr(self, "_example"):
            transaction.set_rollback(True)
            self._example.__exit__(None, None, None)

    def _contribute(self, code, amount, days, purpose):
        services.contribution_record(
            donor_id=self.donors[days % 2].pk, fund_code=code, amount=amount, currency="USD",
            received_on=TODAY - datetime.timedelta(days=days), restricted_purpose=purpose,
            by=self.administrator,
        )

    @rule(code=st.sampled_from(FUNDS), cents=st.integers(100, 500_000), days=st.integers(0, 400),
          restricted=st.booleans())
    def contribute(self, code, cents, days, restricted):
        purpose = "adaptation" if restricted and code == "climate-eventuality" else ""
        self._contribute(code, Decimal(cents) / 100, days, purpose)

    def _award_and_pay(self, code, amount, days_ago, pay):
        cast = self.casts[code]
        try:
            application = drive(fund_code=code, to="conditions_accepted", cast=cast, amount=str(amount),
                                terms=TERMS if code == "youth-revolving" else None)
        except Refused:
            return None
        if not pay:
            return application
        paid_on = TODAY - datetime.timedelta(days=days_ago)
        approved_on(application, paid_on)
        disbursement = Disbursement.objects.get(application=application)
        tranches.disbursement_approve(disbursement_id=disbursement.pk, by=cast.treasurer)
        # What the contributions received by then hold for it (its own commitment included).
        received = list(Contribution.objects.filter(fund=disbursement.fund, received_on__lte=paid_on))
        ordered = _rule_order(received, application)
        sums = _sums({"contribution__in": ordered})
        own = dict(Allocation.objects.filter(application=application, kind=AllocationKind.COMMITMENT)
                   .values_list("contribution_id").annotate(total=Sum("amount")))
        held = sum(max(contribution_available(c, sums), ZERO) + own.get(c.pk, ZERO) for c in ordered)
        enough = held >= amount
        paid = tranches.disbursement_pay(disbursement_id=disbursement.pk, by=cast.finance, paid_on=paid_on,
                                         reference="T")
        if enough and Allocation.objects.filter(ledger_transaction=paid.ledger_transaction,
                                                contribution__isnull=True).exists():
            self.general_when_enough.append(paid.pk)
        return application

    @rule(amount=st.integers(100, 3000).map(Decimal), days_ago=st.integers(0, 300), pay=st.booleans())
    def lend(self, amount, days_ago, pay):
        application = self._award_and_pay("youth-revolving", amount, days_ago, pay)
        if application is not None and pay:
            self.loans.append(Loan.objects.get(application=application).pk)

    @rule(amount=st.integers(100, 8000).map(Decimal), days_ago=st.integers(0, 300), pay=st.booleans())
    def grant(self, amount, days_ago, pay):
        self._award_and_pay("climate-eventuality", amount, days_ago, pay)

    @precondition(lambda self: self.loans)
    @rule(data=st.data(), cents=st.integers(100, 400_000))
    def repay(self, data, cents):
        loan = Loan.objects.get(pk=data.draw(st.sampled_from(self.loans)))
        with contextlib.suppress(Refused):
            repayments.repayment_record(loan_id=loan.pk, by=self.casts["youth-revolving"].finance,
                                        amount=Decimal(cents) / 100, paid_on=TODAY,
                                        idempotency_key=f"k-{data.draw(st.integers(0, 3))}")

    @invariant()
    def allocations_never_exceed_a_contribution(self):
        contributions = list(Contribution.objects.all())
        for contribution in contributions:
            figure = contribution_figures([contribution])[contribution.pk]
            assert figure["committed"] >= 0 and figure["disbursed"] >= 0 and figure["repaid"] >= 0
            assert figure["repaid"] <= figure["disbursed"]
            assert figure["available"] >= 0, (contribution, figure)
            assert figure["committed"] + figure["disbursed"] - figure["repaid"] <= contribution.amount

    @invariant()
    def every_traced_transaction_is_attributed_in_full(self):
        assert self.general_when_enough == [], "general funds paid although contributions sufficed"
        traced = {TransactionKind.COMMITMENT: "committed", TransactionKind.COMMITMENT_RELEASE: "committed",
                  TransactionKind.DISBURSEMENT: "cash", TransactionKind.REPAYMENT: "loans_receivable"}
        for tx in LedgerTransaction.objects.filter(kind__in=traced, application__isnull=False):
            account = traced[tx.kind]
            entry = LedgerEntry.objects.filter(transaction=tx, account=account).aggregate(
                debit=Sum("debit"), credit=Sum("credit"))
            amount = (entry["debit"] or ZERO) + (entry["credit"] or ZERO)
            rows = Allocation.objects.filter(ledger_transaction=tx)
            allocated = rows.aggregate(total=Sum("amount"))["total"]
            assert (allocated or ZERO) == amount, (tx, amount, allocated)

    @invariant()
    def each_awards_traced_commitment_is_what_the_ledger_holds(self):
        for application_id in set(Allocation.objects.values_list("application_id", flat=True)):
            rows = Allocation.objects.filter(application_id=application_id)
            held = (rows.filter(kind=AllocationKind.COMMITMENT).aggregate(t=Sum("amount"))["t"] or ZERO) - (
                rows.filter(kind=AllocationKind.RELEASE).aggregate(t=Sum("amount"))["t"] or ZERO)
            ledger = LedgerEntry.objects.filter(transaction__application_id=application_id,
                                                account="committed")
            totals = ledger.aggregate(d=Sum("debit"), c=Sum("credit"))
            assert held == (totals["d"] or ZERO) - (totals["c"] or ZERO)


@pytest.mark.django_db
def test_random_operations_keep_the_trace_within_each_contribution():
    run_state_machine_as_test(
        Trace,
        settings=settings(max_examples=8, stateful_step_count=10, deadline=None,
                          suppress_health_check=list(HealthCheck)),
    )
