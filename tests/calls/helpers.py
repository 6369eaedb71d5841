"""Calls for tests, made through the service as the secretariat would."""

import datetime
from decimal import Decimal

from django.utils import timezone

from calls.services import call_create
from funds.models import Fund
from organizations.choices import Role
from tests.factories import staff_user


def secretariat():
    from organizations.models import StaffRole

    role = StaffRole.objects.active().filter(role=Role.SECRETARIAT).select_related("user").first()
    return role.user if role else staff_user(Role.SECRETARIAT)


def make_call(fund_code: str, budget="100000.00", *, opens_on=None, closes_on=None, **values):
    today = timezone.localdate()
    fund = Fund.objects.get(code=fund_code)
    return call_create(by=secretariat(), fund=fund, values={
        "title_es": f"Convocatoria {fund_code} {today.year}", "title_en": f"Call {fund_code} {today.year}",
        "title_fr": f"Appel {fund_code} {today.year}",
        "budget": str(Decimal(budget)), "opens_on": opens_on or today - datetime.timedelta(days=10),
        "closes_on": closes_on, **values,
    })
