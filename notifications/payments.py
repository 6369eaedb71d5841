"""What a recorded payment tells the organisation: the amount, the date and the payment's reference,
and for a loan the first instalment of its now definitive schedule. Written in the payment's
transaction (``disbursements.events``), delivered after it commits, once per payment. A reschedule
tells of the loan's new definitive schedule the same way, once per schedule version."""

from __future__ import annotations

from core.money import Money

from .context import application_context
from .kinds import Kind
from .outbox import notify
from .recipients import organization_recipients


def on_payment(*, disbursement, application, loan=None) -> None:
    context = application_context(
        application,
        amount=Money(disbursement.paid_amount, disbursement.currency),
        paid_as=_paid_as(disbursement),
        paid_on=disbursement.paid_on,
        payment_reference=disbursement.payment_reference,
        tranche=disbursement.tranche,
        payee=disbursement.payee_name,
    )
    kind = Kind.PAYMENT_MADE
    if loan is not None:
        upcoming = loan.instalments.filter(is_current=True, due_date__gt=disbursement.paid_on)
        first = upcoming.order_by("n").first()
        if first is not None:
            kind = Kind.LOAN_PAID_OUT
            context.update(first_amount=Money(first.total, loan.currency), first_due=first.due_date)
    notify(kind=kind, recipients=organization_recipients(application.organization),
           event=f"d{disbursement.pk}:paid", context=context, application=application)


def on_reschedule(*, loan, application, reason: str) -> None:
    """A rescheduled loan: the organisation is told of its new definitive schedule (the document the
    reschedule issued, written just before by ``letters``), its first instalment and the reason; once
    per schedule version."""
    document = loan.schedule_documents.order_by("-sequence").first()
    first = loan.instalments.filter(is_current=True, paid_on__isnull=True).order_by("n").first()
    context = application_context(
        application,
        starts_on=loan.schedule_starts_on,
        schedule=document.reference if document is not None else "",
        reason=reason,
        first_amount=Money(first.total, loan.currency) if first is not None else "",
        first_due=first.due_date if first is not None else "",
    )
    notify(kind=Kind.LOAN_RESCHEDULED, recipients=organization_recipients(application.organization),
           event=f"l{loan.pk}:v{loan.schedule_version}", context=context, application=application)


def _paid_as(disbursement) -> Money | str:
    return Money(disbursement.payment_amount, disbursement.payment_currency)
