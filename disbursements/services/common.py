"""What every room of the disbursement services shares: who may act, today, amounts and reasons."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from applications.errors import Invalid, NotPermitted
from funds.money import minor_unit, quantize
from organizations.access import access_for

ZERO = Decimal("0.00")


def require_finance(by) -> None:
    if not access_for(by).is_finance:
        raise NotPermitted(_("Only finance staff may do this."))


def today() -> datetime.date:
    return timezone.localdate()


def parse_amount(raw, currency: str, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise Invalid({field: [_("Give an amount such as 1500.00.")]}) from None
    if not amount.is_finite() or amount <= 0:
        raise Invalid({field: [_("The amount must be more than zero.")]})
    unit = minor_unit(currency)
    if amount != quantize(amount, unit):
        raise Invalid({field: [_("The amount has more decimals than the currency allows.")]})
    return quantize(amount, unit)


def given_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid({"reason": [_("Give a reason.")]})
    return reason
