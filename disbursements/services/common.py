"""What every room of the disbursement services shares: who may act, today and reasons."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Invalid, NotPermitted
from organizations.access import access_for
from organizations.models import User

ZERO = Decimal("0.00")


def require_finance(by: User) -> None:
    if not access_for(by).is_finance:
        raise NotPermitted(_("Only finance staff may do this."))


def today() -> datetime.date:
    return timezone.localdate()


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
