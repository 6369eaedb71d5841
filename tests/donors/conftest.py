import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from disbursements.models import Disbursement
from disbursements.services import disbursements as tranches
from donors import services
from organizations.choices import Role
from tests.factories import staff_user
from tests.workflow import approved_on

TODAY = timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def administrator(db):
    return staff_user(Role.ADMINISTRATOR)


@pytest.fixture
def donor(administrator):
    return services.donor_create(name="Fundación Ejemplo", identifier="DE-CR-1234", country="de",
                                 by=administrator)


def contribute(donor, fund_code, amount, *, days=400, purpose="", call=None, by=None):
    by = by or staff_user(Role.ADMINISTRATOR)
    return services.contribution_record(
        donor_id=donor.pk, fund_code=fund_code, amount=amount, currency="USD", received_on=days_ago(days),
        restricted_purpose=purpose, restricted_call_id=call.pk if call else None, by=by,
    )


def pay(application, *, paid_on=None) -> Disbursement:
    paid_on = paid_on or TODAY
    approved_on(application, min(paid_on, TODAY))
    disbursement = Disbursement.objects.get(application=application, status="pending")
    tranches.disbursement_approve(disbursement_id=disbursement.pk, by=application.cast.treasurer)
    return tranches.disbursement_pay(disbursement_id=disbursement.pk, by=application.cast.finance,
                                     paid_on=paid_on, reference=f"TRF-{application.pk}")


D = Decimal
