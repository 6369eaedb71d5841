"""What every room of the disbursement services shares: who may act, today, amounts and reasons."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Invalid, NotPermitted
from core.money import minor_unit, quantize
from organizations.access import access_for

ZERO = Decimal("0.00")


def require_finance(by) -> None:
    if not access_for(by).is_finance:
        raise NotPermitted(_("Only finance staff may do this."))


def today() -> datetime.date:
    return timezone.localdate()


# Whole-number digits an amount column holds (14 digits, 2 of them decimals): more is refused as bad
# input before the database would refuse it with an error.
MAX_WHOLE_DIGITS = 12


def parse_amount(raw, currency: str, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise Invalid({field: [_("Give an amount such as 1500.00.")]}) from None
    if not amount.is_finite() or amount <= 0:
        raise Invalid({field: [_("The amount must be more than zero.")]})
    if amount.adjusted() >= MAX_WHOLE_DIGITS:
        raise Invalid({field: [_("The amount is too large.")]})
    unit = minor_unit(currency)
    if amount != quantize(amount, unit):
        raise Invalid({field: [_("The amount has more decimals than the currency allows.")]})
    return quantize(amount, unit)


def not_before_approval(day: datetime.date, application, field: str) -> None:
    """Money moves for an award only once it is approved: a payment dated earlier is a mistake."""
    if application.decided_at is None:
        return
    approved_on = timezone.localdate(application.decided_at)
    if day < approved_on:
        raise Invalid({field: [_("The date cannot be before the approval (%(day)s).")
                               % {"day": approved_on.isoformat()}]})


def given_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid({"reason": [_("Give a reason.")]})
    return reason
