"""Two approvals racing, in two processes (two web workers), for a call whose budget holds one: the
call's row lock serialises them and the second sees what the first committed.

PostgreSQL only: SQLite serialises writers itself, so the race would prove nothing there.
"""

from decimal import Decimal

import pytest

from applications.models import Application
from calls.selectors import call_committed
from funds.ledger import fund_balances
from funds.models import Fund, FundCode, FundKind, LedgerTransaction, TransactionKind
from tests.security.processes import race
from tests.workflow import cast_for, drive, ensure_capital, review_all

from .helpers import make_call

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLIMATE = "climate-eventuality"


@pytest.fixture(autouse=True)
def funds():
    for code in FundCode.values:  # a transactional test may start from empty tables
        Fund.objects.get_or_create(
            code=code, defaults={"kind": FundKind.LOAN if code == "youth-revolving" else FundKind.GRANT}
        )


def test_two_processes_approving_against_a_call_that_holds_one_commit_one():
    fund = ensure_capital(CLIMATE)  # the fund has far more than the call
    call = make_call(CLIMATE, budget="10000.00")
    cast = cast_for(CLIMATE)
    first, second = (drive(fund_code=CLIMATE, to="committee_review", cast=cast) for _ in range(2))
    for application in (first, second):
        assert application.call_id == call.pk
        review_all(application, cast)

    outcomes = race(("approve", (first.pk, cast.chair.pk, "8000.00")),
                    ("approve", (second.pk, cast.chair.pk, "8000.00")))

    assert outcomes == ["Invalid", "ok"]
    both = Application.objects.filter(pk__in=[first.pk, second.pk])
    assert sorted(both.values_list("status", flat=True)) == ["approved", "committee_review"]
    assert call_committed(call) == Decimal("8000.00")
    assert fund_balances(fund).committed == Decimal("8000.00")
    assert LedgerTransaction.objects.filter(fund=fund, kind=TransactionKind.COMMITMENT).count() == 1
