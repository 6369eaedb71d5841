"""What a recorded payment tells the organisation: the amount, the date and the payment's reference,
and for a loan the first instalment of its now definitive schedule. Written in the payment's
transaction (``disbursements.events``), delivered after it commits, once per payment."""

from __future__ import annotations

from core.money import Money

from .handlers import application_context
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


def _paid_as(disbursement) -> Money | str:
    return Money(disbursement.payment_amount, disbursement.payment_currency)
