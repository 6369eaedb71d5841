"""Approvals at the same time never commit more than the fund has: the fund's row lock serialises them."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from applications import services
from core.errors import Invalid
from funds.ledger import fund_balances, fund_capital_add
from funds.models import Fund, FundCode, FundKind
from tests.workflow import cast_for, drive, review_all

CLIMATE = "climate-eventuality"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_never_overcommit_the_fund():
    for code in FundCode.values:  # a transactional test starts from empty tables
        Fund.objects.get_or_create(
            code=code, defaults={"kind": FundKind.LOAN if code == "youth-revolving" else FundKind.GRANT}
        )
    fund = Fund.objects.get(code=CLIMATE)
    fund_capital_add(fund=fund, amount=Decimal("10000.00"), memo="Room for one award")
    cast = cast_for(CLIMATE)
    applications = [drive(fund_code=CLIMATE, to="committee_review", cast=cast) for _ in range(4)]
    for application in applications:
        review_all(application, cast)
    barrier = threading.Barrier(len(applications))
    outcomes = []

    def approve(application_id):
        try:
            barrier.wait()
            services.application_approve(
                application_id=application_id, by=cast.chair, amount="8000.00", reason="Urgente."
            )
            outcomes.append("approved")
        except Invalid:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(a.pk,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved", "refused", "refused", "refused"]
    balances = fund_balances(fund)
    assert balances.committed == Decimal("8000.00")
    assert balances.available == Decimal("2000.00")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_funds_are_still_there_after_a_transactional_test():
    assert Fund.objects.count() == 4
