"""The values every notification text about an application may use."""

from __future__ import annotations

from django.utils import timezone

from applications.workflow import Status
from core.money import Money


def application_context(application, **extra) -> dict:
    """The values the notification texts about ``application`` may use."""
    context = {
        "reference": application.reference,
        "fund": application.fund.name,
        "organization": application.organization.short_name,
        "status": Status(application.status).label,
        "decision_due": application.decision_due,
        "date": timezone.localdate(),
        "amount": (Money(application.approved_amount, application.currency)
                   if application.approved_amount is not None else ""),
        "message": "",
        "respond_by": "",
        "days_left": "",
        "due": "",
    }
    context.update(extra)
    return context
