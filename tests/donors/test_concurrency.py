"""Two payments out of one fund at the same time never spend the same contribution twice: the trace
locks the fund's contributions inside each payment's transaction (PostgreSQL)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from disbursements.models import Disbursement
from disbursements.services import disbursements as tranches
from donors import services
from donors.models import Allocation, AllocationKind
from funds.ledger import fund_capital_add
from funds.models import Fund, FundCode, FundKind
from organizations.choices import Role
from tests.factories import staff_user
from tests.workflow import approved_on, cast_for, drive

from .conftest import TODAY, days_ago

CLIMATE = "climate-eventuality"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_payments_never_overdraw_a_contribution():
    for code in FundCode.values:  # a transactional test starts from empty tables
        Fund.objects.get_or_create(
            code=code, defaults={"kind": FundKind.LOAN if code == "youth-revolving" else FundKind.GRANT}
        )
    fund = Fund.objects.get(code=CLIMATE)
    fund_capital_add(fund=fund, amount=Decimal("20000.00"), booked_on=days_ago(900), memo="CLAC's own")
    administrator = staff_user(Role.ADMINISTRATOR)
    donor = services.donor_create(name="Donante", identifier="XM-RACE", country="NO", by=administrator)
    contribution = services.contribution_record(donor_id=donor.pk, fund_code=CLIMATE, amount="5000.00",
                                                currency="USD", received_on=days_ago(300), by=administrator)
    cast = cast_for(CLIMATE)
    awards = [drive(fund_code=CLIMATE, to="conditions_accepted", cast=cast, amount="4000.00")
              for _ in range(2)]
    ids = []
    for award in awards:
        approved_on(award, TODAY)
        disbursement = Disbursement.objects.get(application=award)
        tranches.disbursement_approve(disbursement_id=disbursement.pk, by=cast.treasurer)
        ids.append(disbursement.pk)
    barrier = threading.Barrier(len(ids))
    errors = []

    def pay(disbursement_id):
        try:
            barrier.wait()
            tranches.disbursement_pay(disbursement_id=disbursement_id, by=cast.finance, paid_on=TODAY,
                                      reference=f"RACE-{disbursement_id}")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(pk,)) for pk in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    paid = Allocation.objects.filter(kind=AllocationKind.DISBURSEMENT)
    assert paid.filter(contribution=contribution).aggregate(t=Sum("amount"))["t"] == Decimal("5000.00")
    assert paid.filter(contribution__isnull=True).aggregate(t=Sum("amount"))["t"] == Decimal("3000.00")
    for pk in ids:
        tx = Disbursement.objects.get(pk=pk).ledger_transaction
        assert Allocation.objects.filter(ledger_transaction=tx).aggregate(t=Sum("amount"))["t"] == 4000
